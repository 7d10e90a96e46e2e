// Invented places, person names and payers for the demo scheme, so a fresh installation has a location tree,
// families and contributors to work with; none of them refers to a real place, person or organisation.

package demo

// catalogRegion is a fictional region with its districts; each district has wards, each ward villages.
type catalogRegion struct {
	Name      string
	Districts []catalogDistrict
}

type catalogDistrict struct {
	Name  string
	Wards []catalogWard
}

type catalogWard struct {
	Name     string
	Villages []string
}

var catalogRegions = []catalogRegion{
	{
		Name: "Mwangaza",
		Districts: []catalogDistrict{
			{
				Name: "Kilundeni",
				Wards: []catalogWard{
					{Name: "Kilundeni Mjini", Villages: []string{"Sokoni Kati", "Majengo Mapya", "Mwembe Tatu"}},
					{Name: "Luvanga", Villages: []string{"Luvanga Juu", "Luvanga Chini", "Ndembera Ndogo"}},
					{Name: "Kasisimbi", Villages: []string{"Kasisimbi", "Mpororo", "Ilembuka", "Chamkula"}},
				},
			},
			{
				Name: "Nyasengo",
				Wards: []catalogWard{
					{Name: "Nyasengo Kati", Villages: []string{"Nyasengo Sokoni", "Buhekela", "Kwimbiri"}},
					{Name: "Rwamkoba", Villages: []string{"Rwamkoba", "Kagoshe", "Bugenda Juu"}},
				},
			},
			{
				Name: "Mbarazi",
				Wards: []catalogWard{
					{Name: "Mbarazi Mashariki", Villages: []string{"Kibaoni Mpya", "Mkwajuni Juu", "Lugongo"}},
					{Name: "Mbarazi Magharibi", Villages: []string{"Mtakuja Kati", "Nyamhanga", "Ikwambi", "Shushuba"}},
					{Name: "Kolelo", Villages: []string{"Kolelo Juu", "Kolelo Chini"}},
				},
			},
		},
	},
	{
		Name: "Tambarare",
		Districts: []catalogDistrict{
			{
				Name: "Lumbesi",
				Wards: []catalogWard{
					{Name: "Lumbesi Mjini", Villages: []string{"Mnadani", "Lumbesi Bondeni", "Msufini Kati"}},
					{Name: "Makomeo", Villages: []string{"Makomeo", "Ngwala Juu", "Lukindo"}},
					{Name: "Ihanzutwa", Villages: []string{"Ihanzutwa", "Nyakirunga", "Sagamba"}},
				},
			},
			{
				Name: "Sangwera",
				Wards: []catalogWard{
					{Name: "Sangwera Pwani", Villages: []string{"Mwambao Mpya", "Kijiweni", "Chumbageni Ndogo"}},
					{Name: "Mvumo", Villages: []string{"Mvumo Juu", "Mvumo Chini", "Tongoleni"}},
				},
			},
			{
				Name: "Bwinjiro",
				Wards: []catalogWard{
					{Name: "Bwinjiro Kati", Villages: []string{"Bwinjiro Sokoni", "Kalembwe", "Mapinduzi Mapya"}},
					{Name: "Lusewa", Villages: []string{"Lusewa", "Mkanyageni Kati", "Ruhembe", "Kisinga"}},
					{Name: "Chitende", Villages: []string{"Chitende", "Mpilipili", "Namalunga"}},
				},
			},
		},
	},
}

var catalogGivenNamesFemale = []string{
	"Achieng", "Adhiambo", "Agatha", "Agnes", "Aisha", "Akinyi", "Amina", "Angela", "Anna", "Anyango",
	"Asha", "Ashura", "Atieno", "Auma", "Awino", "Bahati", "Beatrice", "Catherine", "Cecilia", "Chausiku",
	"Christina", "Consolata", "Dorah", "Dorcas", "Editha", "Elinaja", "Eliza", "Elizabeth", "Emilia", "Esther",
	"Eunice", "Faraja", "Fatuma", "Felista", "Flora", "Frida", "Furaha", "Gaudensia", "Getrude", "Grace",
	"Hadija", "Halima", "Happiness", "Hawa", "Hellen", "Hilda", "Imani", "Irene", "Jane", "Janeth",
	"Jesca", "Joha", "Josephine", "Joyce", "Judith", "Juliana", "Kemunto", "Kuluthumu", "Kyomuhendo", "Leah",
	"Lilian", "Lucy", "Magdalena", "Margareth", "Maria", "Mariamu", "Martha", "Mary", "Mercy", "Monica",
	"Moraa", "Mwajuma", "Mwanahamisi", "Mwanahawa", "Mwanaidi", "Mwanaisha", "Mwanamisi", "Mwanne", "Mwantumu", "Nabirye",
	"Nafula", "Nakato", "Namubiru", "Naomi", "Nasimiyu", "Nasra", "Neema", "Nekesa", "Njeri", "Nuru",
	"Nyambura", "Nyokabi", "Paulina", "Pendo", "Prisca", "Rachel", "Rahma", "Rebecca", "Regina", "Rehema",
	"Restituta", "Riziki", "Rose", "Rosemary", "Rukia", "Ruth", "Sabina", "Saida", "Salma", "Salome",
	"Sara", "Scholastica", "Sharifa", "Sikudhani", "Sikujua", "Sophia", "Stella", "Subira", "Tabitha", "Tatu",
	"Tausi", "Teresia", "Tumaini", "Upendo", "Veronica", "Victoria", "Wairimu", "Wambui", "Wanjiku", "Wanjiru",
	"Winfrida", "Yusta", "Zainabu", "Zaituni", "Zakia", "Zawadi", "Zena", "Zuhura", "Zuwena",
}

var catalogGivenNamesMale = []string{
	"Abdallah", "Ali", "Ambrose", "Andrea", "Anthony", "Athumani", "Augustino", "Bakari", "Baraka", "Barasa",
	"Benedict", "Benjamin", "Bernard", "Chacha", "Charles", "Christopher", "Clement", "Daniel", "Daudi", "David",
	"Deogratias", "Dickson", "Edward", "Edwin", "Elia", "Elias", "Eliud", "Emmanuel", "Erasto", "Fabian",
	"Faraji", "Felix", "Francis", "Frank", "Fredrick", "Gabriel", "George", "Gerald", "Godfrey", "Godwin",
	"Gregory", "Hamisi", "Hassani", "Henry", "Hussein", "Ibrahimu", "Idrisa", "Isaka", "Issa", "Jackson",
	"Jacob", "James", "Japhet", "Jeremiah", "Joel", "John", "Johnson", "Jonas", "Joseph", "Josephat",
	"Julius", "Juma", "Jumanne", "Justin", "Kamau", "Kassimu", "Kato", "Kelvin", "Khamisi", "Kibet",
	"Kiprono", "Lazaro", "Leonard", "Lucas", "Magesa", "Makame", "Marko", "Martin", "Marwa", "Masanja",
	"Mathias", "Michael", "Mohamedi", "Moses", "Mugisha", "Musa", "Musyoka", "Mutua", "Mwangi", "Mwinyi",
	"Mwita", "Nassoro", "Nicholaus", "Njoroge", "Obadia", "Ochieng", "Odhiambo", "Okello", "Omari", "Omondi",
	"Opiyo", "Oscar", "Otieno", "Patrick", "Paulo", "Peter", "Petro", "Philipo", "Ramadhani", "Raphael",
	"Rashidi", "Richard", "Robert", "Sadiki", "Said", "Salim", "Salum", "Samweli", "Seif", "Selemani",
	"Shabani", "Simon", "Stanslaus", "Stephen", "Suleimani", "Thomas", "Timotheo", "Tumusiime", "Vincent", "Wafula",
	"Wekesa", "Wilson", "Yahaya", "Yohana", "Yusufu", "Zakaria", "Zuberi",
}

var catalogFamilyNames = []string{
	"Abdallah", "Akena", "Ame", "Asiimwe", "Athumani", "Bakari", "Banda", "Barasa", "Bizimana", "Bundala",
	"Bwalya", "Byaruhanga", "Chacha", "Chanda", "Chande", "Chaula", "Cheruiyot", "Chilumba", "Chitanda", "Faki",
	"Habimana", "Haji", "Hakizimana", "Hassan", "Haule", "Hyera", "Juma", "Kaduma", "Kalinga", "Kamau",
	"Kapinga", "Kariuki", "Kasanga", "Kashindye", "Kato", "Kayuni", "Kessy", "Khamis", "Kibona", "Kibwana",
	"Kiggundu", "Kihwelo", "Kija", "Kileo", "Kimaro", "Kipkemboi", "Kiplagat", "Kiprotich", "Kisanga", "Koech",
	"Komba", "Kombo", "Kunda", "Kweka", "Laizer", "Langat", "Lema", "Lubega", "Lugembe", "Luoga",
	"Lwenje", "Lyimo", "Mabula", "Machibya", "Maganga", "Magesa", "Makame", "Makundi", "Mallya", "Mapunda",
	"Maro", "Masanja", "Massawe", "Mbilinyi", "Mbwambo", "Mcha", "Mfinanga", "Mgaya", "Mgeni", "Mhagama",
	"Milanzi", "Millinga", "Minja", "Mlay", "Mmari", "Mollel", "Mosha", "Moshi", "Mrema", "Msuya",
	"Mtalika", "Mtei", "Mtweve", "Mukasa", "Mulenga", "Mumba", "Mushi", "Musoke", "Mussa", "Mutai",
	"Mwakalinga", "Mwakasege", "Mwakibete", "Mwakyusa", "Mwaisela", "Mwale", "Mwalukasa", "Mwamba", "Mwamlima", "Mwandemele",
	"Mwangi", "Mwanjela", "Mwansasu", "Mwashambwa", "Nambunga", "Nassor", "Nchimbi", "Ndaki", "Ndayisaba", "Ndosi",
	"Ndunguru", "Ngeno", "Ngoma", "Ngonyani", "Ngowi", "Niyonzima", "Njau", "Njoroge", "Nkwabi", "Nshimiyimana",
	"Nsubuga", "Nyanda", "Nyagawa", "Nyongesa", "Ochieng", "Odhiambo", "Ogwang", "Okello", "Okoth", "Omari",
	"Omondi", "Onyango", "Opio", "Otieno", "Ouma", "Owino", "Phiri", "Rajabu", "Ramadhani", "Rotich",
	"Said", "Salim", "Sanga", "Shabani", "Shayo", "Shija", "Shirima", "Sichalwe", "Simbeye", "Simiyu",
	"Ssempijja", "Suleiman", "Sumari", "Swai", "Tarimo", "Tembo", "Temu", "Tumusiime", "Urassa", "Ussi",
	"Uwimana", "Vuai", "Wafula", "Wanjala", "Wanyama", "Wekesa", "Mugisha", "Lukumay", "Kimambo", "Marealle",
	"Mtenga", "Mlawa", "Mwakapala", "Kapufi", "Sinkonde", "Nsemwa", "Mwasenga", "Kalolo", "Mhando", "Kilonzo",
	"Mwinuka", "Lugendo", "Kasuga", "Mbogoro", "Nyirenda", "Msangi", "Kiondo", "Mkumbo", "Sabuni", "Kibiriti",
	"Mrisho", "Mwakilema", "Chaurembo", "Ngailo", "Kitwana", "Mahundi", "Lutambi", "Semboja", "Kiwelu", "Mdoe",
}

var catalogPayerNames = []string{
	"Kilundeni District Council",
	"Nyasengo District Council",
	"Lumbesi District Council",
	"Mwangaza Regional Health Basket",
	"Afya Bora Community Health Trust",
	"Hope for Mothers Foundation",
	"Umoja Farmers Cooperative Society",
	"Kijani Dairy Cooperative Union",
	"Sangwera Fishermen Association",
	"Mwangaza Tea Estates Limited",
	"Tambarare Sisal Company Limited",
}

package imis

// Right is one of openIMIS's 6-digit permission codes MMSSAA: module block, entity, action
// (01 search, 02 add, 03 edit, 04 delete, 05 special).
type Right int

// Rights used by the registers and the platform. The numbers are openIMIS's, so imported roles
// keep their meaning.
const (
	RightFamilySearch   Right = 101001
	RightInsureeEnquire Right = 101105

	RightProductSearch Right = 121001

	RightHFSearch Right = 121101
	RightHFAdd    Right = 121102
	RightHFEdit   Right = 121103
	RightHFDelete Right = 121104

	RightServicePriceListSearch Right = 121201
	RightServicePriceListAdd    Right = 121202
	RightServicePriceListEdit   Right = 121203
	RightServicePriceListDelete Right = 121204

	RightItemPriceListSearch Right = 121301
	RightItemPriceListAdd    Right = 121302
	RightItemPriceListEdit   Right = 121303
	RightItemPriceListDelete Right = 121304

	RightServiceSearch Right = 121401
	RightServiceAdd    Right = 121402
	RightServiceEdit   Right = 121403
	RightServiceDelete Right = 121404

	RightOfficerSearch Right = 121501
	RightOfficerAdd    Right = 121502
	RightOfficerEdit   Right = 121503
	RightOfficerDelete Right = 121504

	RightClaimAdminSearch Right = 121601
	RightClaimAdminAdd    Right = 121602
	RightClaimAdminEdit   Right = 121603
	RightClaimAdminDelete Right = 121604

	RightUserSearch Right = 121701
	RightUserAdd    Right = 121702
	RightUserEdit   Right = 121703
	RightUserDelete Right = 121704

	RightPayerSearch Right = 121801
	RightPayerAdd    Right = 121802
	RightPayerEdit   Right = 121803
	RightPayerDelete Right = 121804

	RightLocationSearch Right = 121901
	RightLocationAdd    Right = 121902
	RightLocationEdit   Right = 121903
	RightLocationDelete Right = 121904

	RightRoleSearch Right = 122001
	RightRoleAdd    Right = 122002
	RightRoleEdit   Right = 122003
	RightRoleDelete Right = 122004

	RightItemSearch Right = 122101
	RightItemAdd    Right = 122102
	RightItemEdit   Right = 122103
	RightItemDelete Right = 122104

	// Diagnoses have no right of their own in openIMIS; they are maintained with the tools
	// block's "upload diagnoses" right.
	RightDiagnosisUpload Right = 131001
)

// CRUDRights are the four rights that guard one register.
type CRUDRights struct{ Search, Add, Edit, Delete Right }

// System role codes: the IsSystem bits of the roles openIMIS seeds. Holders of the IMIS
// Administrator role pass every rights check and are not district-scoped.
const (
	SystemRoleEnrolmentOfficer     = 1
	SystemRoleManager              = 2
	SystemRoleAccountant           = 4
	SystemRoleClerk                = 8
	SystemRoleMedicalOfficer       = 16
	SystemRoleSchemeAdministrator  = 32
	SystemRoleAdministrator        = 64
	SystemRoleReceptionist         = 128
	SystemRoleClaimAdministrator   = 256
	SystemRoleClaimContributor     = 512
	SystemRoleHFAdministrator      = 524288
	SystemRoleOfflineAdministrator = 1048576
)

// SystemRole is one of the twelve roles openIMIS seeds, with its bit code, names and rights.
type SystemRole struct {
	Code    int
	Name    string
	AltName string
	Rights  []Right
}

// SystemRoles are openIMIS's seeded roles and their rights, as its base data defines them.
var SystemRoles = []SystemRole{
	{SystemRoleEnrolmentOfficer, "Enrolment Officer", "Agents d'affiliation", rights(101001, 101002, 101003, 101004, 101101, 101102, 101103, 101104, 101105, 101201, 101202, 101203, 101204, 101205, 101301, 101302, 101303, 101304, 111001, 111009, 131200, 131201)},
	{SystemRoleManager, "Manager", "Manager", rights(131201, 131202, 131203, 131208, 101105)},
	{SystemRoleAccountant, "Accountant", "Comptable", rights(101001, 101101, 101105, 101201, 101301, 101401, 101402, 101403, 101404, 111101, 111102, 111103, 131204, 131205, 131206, 131210, 131211, 131212, 131213, 131214, 131215, 131216, 131217, 131218, 131219, 131220, 131221, 131222, 131401)},
	{SystemRoleClerk, "Clerk", "Employé de bureau", rights(101001, 101002, 101003, 101004, 101101, 101102, 101103, 101104, 101105, 101201, 101202, 101203, 101204, 101205, 101301, 101302, 101303, 101304)},
	{SystemRoleMedicalOfficer, "Medical Officer", "Médecin", rights(111001, 111008, 111009, 111010, 111011, 131223)},
	{SystemRoleSchemeAdministrator, "Scheme Administrator", "Administrateur du régime d'assurance", rights(101105, 121001, 121002, 121003, 121004, 121005, 121101, 121102, 121103, 121104, 121201, 121202, 121203, 121204, 121205, 121301, 121302, 121303, 121304, 121305, 121401, 121402, 121403, 121404, 122101, 122102, 122103, 122104, 121501, 121502, 121503, 121504, 121601, 121602, 121603, 121604, 121801, 121802, 121803, 121804, 131001, 131002, 131003, 131004, 131101, 131102, 131103, 131104, 131105, 131106, 131209, 131107)},
	{SystemRoleAdministrator, "IMIS Administrator", "Gestionnaire IMIS", rights(101105, 121701, 121702, 121703, 121704, 121901, 121902, 121903, 121904, 121905, 131005, 131006, 131207, 131301, 131302, 131303, 131304, 122000, 122001, 122002, 122003, 122004, 122005)},
	{SystemRoleReceptionist, "Receptionist", "Réceptionniste", rights(101001, 101101, 101105, 101201)},
	{SystemRoleClaimAdministrator, "Claim Administrator", "Gestionnaire de remboursement", rights(111001, 111002, 111004, 111005, 111006, 111007, 101105, 101001, 101101, 101201, 111012)},
	{SystemRoleClaimContributor, "Claim Contributor", "Contributeur de remboursement", rights(111001, 111002, 111005)},
	{SystemRoleHFAdministrator, "HF Administrator", "Gestionnaire d'établissement de santé", rights(121701, 121702, 121703, 121704, 131101, 131103, 131301, 131302, 131303, 131304)},
	{SystemRoleOfflineAdministrator, "Offline Administrator", "Administrateur Offline", rights(121701, 121702, 121703, 121704, 131101, 131103, 131301, 131302, 131303, 131304)},
}

func rights(codes ...Right) []Right { return codes }

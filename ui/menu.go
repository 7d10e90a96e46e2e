package ui

import "github.com/openimis-go/openimis"

// menuArea is one business area of the main menu, as openIMIS users know them.
type menuArea struct {
	Label string
	Items []menuItem
}

type menuItem struct {
	Label string
	Href  string
}

type menuEntry struct {
	area, label, href string
	rights            []imis.Right
}

// menuEntries lists what each area offers; an entry is shown only to users holding its right,
// and one without rights only to administrators. Areas without entries for a user are left out.
var menuEntries = func() []menuEntry {
	var out []menuEntry
	admin := []*imis.Register{imis.Locations, imis.HealthFacilities, imis.ItemPriceLists, imis.ServicePriceLists,
		imis.Items, imis.Services, imis.Products, imis.Payers, imis.Officers, imis.ClaimAdmins, imis.Users, imis.Roles}
	for _, reg := range admin {
		out = append(out, menuEntry{"nav.administration", "register." + reg.Name, "/registers/" + reg.Name, []imis.Right{reg.Rights.Search}})
	}
	out = append(out,
		menuEntry{"nav.insurees", "register.families", "/families", []imis.Right{imis.RightFamilySearch}},
		menuEntry{"nav.insurees", "register.insurees", "/insurees", []imis.Right{imis.RightInsureeSearch}},
		menuEntry{"nav.insurees", "register.policies", "/policies", []imis.Right{imis.RightPolicySearch}},
		menuEntry{"nav.insurees", "register.contributions", "/contributions", []imis.Right{imis.RightContributionSearch}},
		menuEntry{"nav.insurees", "enrol.title", "/enrol", []imis.Right{imis.RightFamilyAdd}},
		menuEntry{"nav.insurees", "renewal.title", "/renewals", []imis.Right{imis.RightPolicyRenew}},
		menuEntry{"nav.insurees", "enquiry.title", "/enquiry", []imis.Right{imis.RightInsureeEnquire}},
	)
	out = append(out,
		menuEntry{"nav.tools", "settings.title", "/tools/settings", nil},
		menuEntry{"nav.tools", "register.diagnoses", "/registers/diagnoses", []imis.Right{imis.RightDiagnosisUpload}},
		menuEntry{"nav.tools", "nav.diagnoses_upload", "/tools/diagnoses-upload", []imis.Right{imis.RightDiagnosisUpload}},
	)
	return out
}()

var menuAreas = []string{"nav.insurees", "nav.claims", "nav.administration", "nav.reports", "nav.tools"}

func menuFor(u *imis.User) []menuArea {
	var out []menuArea
	for _, area := range menuAreas {
		a := menuArea{Label: area}
		for _, e := range menuEntries {
			if e.area == area && (u.Can(e.rights...) || e.rights == nil && u.Admin) {
				a.Items = append(a.Items, menuItem{Label: e.label, Href: e.href})
			}
		}
		if len(a.Items) > 0 {
			out = append(out, a)
		}
	}
	return out
}

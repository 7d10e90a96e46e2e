package ui

import "net/http"

// routes lists every screen and action. Each handler states the rights it needs; Browser
// requires a session and checks the CSRF token of every form.
func (s *server) routes(m *http.ServeMux) {
	m.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))

	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.loginSubmit)
	m.Handle("POST /logout", s.Browser(s.logout))
	m.Handle("GET /{$}", s.Browser(s.home))

	m.Handle("GET /registers/{reg}", s.Browser(s.registerList))
	m.Handle("GET /registers/{reg}/new", s.Browser(s.registerNew))
	m.Handle("POST /registers/{reg}", s.Browser(s.registerCreate))
	m.Handle("GET /registers/{reg}/{id}", s.Browser(s.registerView))
	m.Handle("GET /registers/{reg}/{id}/edit", s.Browser(s.registerEdit))
	m.Handle("POST /registers/{reg}/{id}", s.Browser(s.registerUpdate))
	m.Handle("GET /registers/{reg}/{id}/delete", s.Browser(s.registerDeleteConfirm))
	m.Handle("POST /registers/{reg}/{id}/delete", s.Browser(s.registerDelete))
	m.Handle("GET /tools/settings", s.Browser(s.settingsPage))
	m.Handle("POST /tools/settings", s.Browser(s.settingsSave))
	m.Handle("GET /tools/diagnoses-upload", s.Browser(s.diagnosesUploadPage))
	m.Handle("POST /tools/diagnoses-upload", s.Browser(s.diagnosesUpload))

	// Enrolment: families, the wizard, policies, renewals, enquiry and insuree photos.
	m.Handle("GET /families", s.Browser(s.familyList))
	m.Handle("GET /families/{id}", s.Browser(s.familyPage))
	m.Handle("POST /families/{id}/head", s.Browser(s.familySetHead))
	m.Handle("GET /families/{id}/members/new", s.Browser(s.familyMemberNew))
	m.Handle("POST /families/{id}/members", s.Browser(s.familyMemberAdd))
	m.Handle("GET /families/{id}/members/{member}", s.Browser(s.familyMember))
	m.Handle("POST /families/{id}/members/{member}/photo", s.BrowserUpload(s.familyMemberPhoto, s.familyMemberPhotoTooLarge))
	m.Handle("GET /families/{id}/members/{member}/move", s.Browser(s.familyMemberMoveForm))
	m.Handle("POST /families/{id}/members/{member}/move", s.Browser(s.familyMemberMoveSubmit))
	m.Handle("GET /families/{id}/members/{member}/delete", s.Browser(s.familyMemberDeleteForm))
	m.Handle("POST /families/{id}/members/{member}/delete", s.Browser(s.familyMemberDeleteSubmit))
	m.Handle("GET /families/{id}/policies/new", s.Browser(s.familyPolicyNew))
	m.Handle("POST /families/{id}/policies", s.Browser(s.familyPolicyCreate))
	m.Handle("GET /families/{id}/policies/{policy}/contributions/new", s.Browser(s.familyContributionNew))
	m.Handle("POST /families/{id}/policies/{policy}/contributions", s.Browser(s.familyContributionCreate))
	m.Handle("GET /families/{id}/policies/{policy}/renew", s.Browser(s.familyRenewForm))
	m.Handle("POST /families/{id}/policies/{policy}/renew", s.Browser(s.familyRenew))
	m.Handle("GET /insurees", s.Browser(s.familyInsureeList))
	m.Handle("GET /policies", s.Browser(s.familyPolicyList))
	m.Handle("GET /contributions", s.Browser(s.familyContributionList))
	m.Handle("GET /enrol", s.Browser(s.enrolStart))
	m.Handle("POST /enrol", s.Browser(s.enrolSubmit))
	m.Handle("POST /enrol/quote", s.Browser(s.enrolQuote))
	m.Handle("GET /renewals", s.Browser(s.renewalsPage))
	m.Handle("POST /renewals/{policy}", s.Browser(s.renewalRenew))
	m.Handle("GET /enquiry", s.Browser(s.enquiryPage))
}

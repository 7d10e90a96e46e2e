package web

import (
	"net/http"
	"strings"
)

// routes lists every endpoint in one place. Each handler states the rights it needs.
func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	m.Handle("GET /static/", http.StripPrefix("/static/", staticFiles()))

	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.loginSubmit)
	m.Handle("POST /logout", s.browser(s.logout))
	m.Handle("GET /{$}", s.browser(s.home))
	m.Handle("GET /home/counts", s.browser(s.homeCounts))

	m.Handle("GET /registers/{reg}", s.browser(s.registerList))
	m.Handle("GET /registers/{reg}/new", s.browser(s.registerNew))
	m.Handle("POST /registers/{reg}", s.browser(s.registerCreate))
	m.Handle("GET /registers/{reg}/{id}", s.browser(s.registerView))
	m.Handle("GET /registers/{reg}/{id}/edit", s.browser(s.registerEdit))
	m.Handle("POST /registers/{reg}/{id}", s.browser(s.registerUpdate))
	m.Handle("GET /registers/{reg}/{id}/delete", s.browser(s.registerDeleteConfirm))
	m.Handle("POST /registers/{reg}/{id}/delete", s.browser(s.registerDelete))
	m.Handle("GET /tools/settings", s.browser(s.settingsPage))
	m.Handle("POST /tools/settings", s.browser(s.settingsSave))
	m.Handle("GET /tools/diagnoses-upload", s.browser(s.diagnosesUploadPage))
	m.Handle("POST /tools/diagnoses-upload", s.browser(s.diagnosesUpload))

	// Enrolment: families, the wizard, policies, renewals, enquiry and insuree photos.
	m.Handle("GET /families", s.browser(s.familyList))
	m.Handle("GET /families/{id}", s.browser(s.familyPage))
	m.Handle("POST /families/{id}/head", s.browser(s.familySetHead))
	m.Handle("GET /families/{id}/members/new", s.browser(s.familyMemberNew))
	m.Handle("POST /families/{id}/members", s.browser(s.familyMemberAdd))
	m.Handle("GET /families/{id}/members/{member}", s.browser(s.familyMember))
	m.Handle("POST /families/{id}/members/{member}/photo", s.browser(s.familyMemberPhoto))
	m.Handle("GET /families/{id}/members/{member}/move", s.browser(s.familyMemberMoveForm))
	m.Handle("POST /families/{id}/members/{member}/move", s.browser(s.familyMemberMoveSubmit))
	m.Handle("GET /families/{id}/members/{member}/delete", s.browser(s.familyMemberDeleteForm))
	m.Handle("POST /families/{id}/members/{member}/delete", s.browser(s.familyMemberDeleteSubmit))
	m.Handle("GET /families/{id}/policies/new", s.browser(s.familyPolicyNew))
	m.Handle("POST /families/{id}/policies", s.browser(s.familyPolicyCreate))
	m.Handle("GET /families/{id}/policies/{policy}/contributions/new", s.browser(s.familyContributionNew))
	m.Handle("POST /families/{id}/policies/{policy}/contributions", s.browser(s.familyContributionCreate))
	m.Handle("GET /families/{id}/policies/{policy}/renew", s.browser(s.familyRenewForm))
	m.Handle("POST /families/{id}/policies/{policy}/renew", s.browser(s.familyRenew))
	m.Handle("GET /insurees", s.browser(s.familyInsureeList))
	m.Handle("GET /policies", s.browser(s.familyPolicyList))
	m.Handle("GET /contributions", s.browser(s.familyContributionList))
	m.Handle("GET /enrol", s.browser(s.enrolStart))
	m.Handle("POST /enrol", s.browser(s.enrolSubmit))
	m.Handle("POST /enrol/quote", s.browser(s.enrolQuote))
	m.Handle("GET /renewals", s.browser(s.renewalsPage))
	m.Handle("POST /renewals/{policy}", s.browser(s.renewalRenew))
	m.Handle("GET /enquiry", s.browser(s.enquiryPage))
	m.Handle("GET /photos/{id}", s.api(s.insureePhoto(false)))
	m.Handle("GET /photos/{id}/thumb", s.api(s.insureePhoto(true)))
	m.Handle("GET /Images/Updated/{name}", s.api(s.legacyPhoto))
	m.Handle("GET /api/enquiry/{chfid}", s.api(s.apiEnquiry))

	m.Handle("GET /api/registers/{reg}", s.api(s.apiList))
	m.Handle("POST /api/registers/{reg}", s.api(s.apiCreate))
	m.Handle("GET /api/registers/{reg}/{id}", s.api(s.apiGet))
	m.Handle("PUT /api/registers/{reg}/{id}", s.api(s.apiUpdate))
	m.Handle("DELETE /api/registers/{reg}/{id}", s.api(s.apiDelete))
	m.Handle("GET /api/registers/{reg}/{id}/history", s.api(s.apiHistory))

	s.restMux = http.NewServeMux()
	s.restMux.HandleFunc("POST /rest/api/login", s.restLogin)
	s.restMux.HandleFunc("POST /rest/api/validate/credentials", s.restValidateCredentials)
	s.restMux.HandleFunc("POST /rest/api/userinfo", s.restAuth(s.restUserInfo))
	s.restMux.HandleFunc("GET /rest/api/master", s.restMaster)
	s.restMux.HandleFunc("GET /rest/api/insuree/{chfid}", s.restAuth(s.restInsuree, rightInsureeEnquire))
	s.restMux.HandleFunc("GET /rest/api/insuree/{chfid}/enquire", s.restAuth(s.restEnquire, rightInsureeEnquire))
	s.restMux.HandleFunc("GET /rest/api/family/{chfid}", s.restAuth(s.restFamily, rightFamilySearch))
	s.restMux.HandleFunc("POST /rest/api/family", s.restAuth(s.restEnrol, rightFamilyAdd))
	s.restMux.HandleFunc("POST /rest/api/premium/receipt", s.restAuth(s.restReceipt, rightPolicySearch))
	s.restMux.HandleFunc("GET /rest/api/policy", s.restAuth(s.restRenewals, rightPolicySearch))
	s.restMux.HandleFunc("POST /rest/api/policy/renew", s.restAuth(s.restRenew, rightPolicyRenew))
	s.restMux.HandleFunc("DELETE /rest/api/policy/renew/{uuid}", s.restAuth(s.restDeleteRenewal, rightPolicyDelete))
	s.restMux.HandleFunc("POST /rest/api/report/indicators/snapshot", s.restAuth(s.restSnapshot, rightReportPolicies))
	s.restMux.HandleFunc("POST /rest/api/report/indicators/cumulative", s.restAuth(s.restCumulative, rightReportPolicies))
	s.restMux.HandleFunc("POST /rest/api/report/enrolment", s.restAuth(s.restEnrolmentReport, rightReportEnrolment))
	s.restMux.HandleFunc("POST /rest/api/report/renewal", s.restAuth(s.restRenewalReport, rightReportRenewals))
	for _, p := range restUnsupported {
		s.restMux.HandleFunc(p, s.notSupported)
	}
	// /rest/api/ in any case goes to s.rest, from ServeHTTP.
	s.mux = m
}

// rest serves the mobile REST v3 API, whose clients spell paths in any case and with or
// without a trailing slash.
func (s *Server) rest(w http.ResponseWriter, r *http.Request) {
	p := strings.ToLower(strings.TrimSuffix(r.URL.Path, "/"))
	r2 := r.Clone(r.Context())
	r2.URL.Path, r2.URL.RawPath = p, ""
	if _, pattern := s.restMux.Handler(r2); pattern == "" {
		writeRESTError(w, http.StatusNotFound, "not found")
		return
	}
	s.restMux.ServeHTTP(w, r2)
}

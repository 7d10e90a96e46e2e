package restv3

// routes lists every endpoint, in lower case: ServeHTTP lower-cases the path before matching.
// Each states the rights it needs, all of which the token's user must hold.
func (s *server) routes() {
	m := s.mux
	m.HandleFunc("POST /rest/api/login", s.restLogin)
	m.HandleFunc("POST /rest/api/validate/credentials", s.restValidateCredentials)
	m.HandleFunc("POST /rest/api/userinfo", s.restAuth(s.restUserInfo))
	m.HandleFunc("GET /rest/api/master", s.restMaster)
	m.HandleFunc("GET /rest/api/insuree/{chfid}", s.restAuth(s.restInsuree, rightInsureeEnquire))
	m.HandleFunc("GET /rest/api/insuree/{chfid}/enquire", s.restAuth(s.restEnquire, rightInsureeEnquire))
	m.HandleFunc("GET /rest/api/family/{chfid}", s.restAuth(s.restFamily, rightFamilySearch))
	m.HandleFunc("POST /rest/api/family", s.restAuth(s.restEnrol, rightFamilyAdd))
	m.HandleFunc("POST /rest/api/premium/receipt", s.restAuth(s.restReceipt, rightPolicySearch))
	m.HandleFunc("GET /rest/api/policy", s.restAuth(s.restRenewals, rightPolicySearch))
	m.HandleFunc("POST /rest/api/policy/renew", s.restAuth(s.restRenew, rightPolicyRenew))
	m.HandleFunc("DELETE /rest/api/policy/renew/{uuid}", s.restAuth(s.restDeleteRenewal, rightPolicyDelete))
	m.HandleFunc("POST /rest/api/report/indicators/snapshot", s.restAuth(s.restSnapshot, rightReportPolicies))
	m.HandleFunc("POST /rest/api/report/indicators/cumulative", s.restAuth(s.restCumulative, rightReportPolicies))
	m.HandleFunc("POST /rest/api/report/enrolment", s.restAuth(s.restEnrolmentReport, rightReportEnrolment))
	m.HandleFunc("POST /rest/api/report/renewal", s.restAuth(s.restRenewalReport, rightReportRenewals))
	for _, p := range restUnsupported {
		m.HandleFunc(p, s.notSupported)
	}
}

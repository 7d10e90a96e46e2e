package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The enrolment wizard registers a household in four steps (the family, its members with the head
// first, a policy, its first contribution) and saves everything at the end in one store call, so
// that an enrolment is either complete or not there at all. What earlier steps entered travels in
// hidden fields, so the wizard needs no server-side session and no JavaScript; every step is
// checked when it is left and all of them again at the end.

const (
	enrolSteps      = 4
	enrolMaxMembers = 40 // rows the form carries; far above any household
	enrolMoreRows   = 2
)

var (
	enrolFamilyFields  = []string{"location_id", "family_type", "poverty", "address", "confirmation_type", "confirmation_no"}
	enrolMemberFields  = []string{"chfid", "last_name", "other_names", "dob", "gender", "relationship", "marital", "phone", "hf_id"}
	enrolPolicyFields  = []string{"product_id", "officer_id", "enroll_date"}
	enrolContribFields = []string{"amount", "receipt", "pay_date", "pay_type", "payer_id"}
)

// enrolState is everything the wizard has been told so far, as text.
type enrolState struct {
	Step     int
	Family   map[string]string
	Members  []map[string]string // the head first
	Policy   map[string]string
	Contrib  map[string]string
	Decision imis.PaymentDecision // as posted; the store reads it
	Filled   bool                 // the amount was set to the policy's value once; later changes are the user's
	// sent holds, per member, the row number the form sent it under, which buttons name.
	sent []int
}

// readEnrolState reads the wizard's fields from a submitted form. Blank member rows other than
// the head's are dropped, so rows are numbered without gaps.
func readEnrolState(r *http.Request) *enrolState {
	st := &enrolState{Family: map[string]string{}, Policy: map[string]string{}, Contrib: map[string]string{}}
	st.Step, _ = strconv.Atoi(r.PostFormValue("step"))
	st.Step = min(max(st.Step, 1), enrolSteps)
	for _, f := range enrolFamilyFields {
		st.Family[f] = lastValue(r, "f."+f)
	}
	rows := map[int]bool{}
	for k := range r.PostForm {
		if rest, ok := strings.CutPrefix(k, "m."); ok {
			if i, err := strconv.Atoi(strings.SplitN(rest, ".", 2)[0]); err == nil && i >= 0 && i < enrolMaxMembers {
				rows[i] = true
			}
		}
	}
	order := []int{0}
	for i := range rows {
		if i > 0 {
			order = append(order, i)
		}
	}
	slices.Sort(order)
	for _, i := range order {
		row := map[string]string{}
		for _, f := range enrolMemberFields {
			row[f] = lastValue(r, "m."+strconv.Itoa(i)+"."+f)
		}
		if i == 0 || !blankRow(row) {
			st.Members = append(st.Members, row)
			st.sent = append(st.sent, i)
		}
	}
	for _, f := range enrolPolicyFields {
		st.Policy[f] = lastValue(r, "p."+f)
	}
	for _, f := range enrolContribFields {
		st.Contrib[f] = lastValue(r, "c."+f)
	}
	st.Decision = imis.PaymentDecision(r.PostFormValue("c.decision"))
	st.Filled = r.PostFormValue("c.filled") == "1"
	return st
}

// blankRow reports whether a member form was left empty.
func blankRow(row map[string]string) bool {
	for _, v := range row {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// hiddenInput carries a value of another step.
type hiddenInput struct{ Name, Value string }

// hidden returns the inputs that carry every step's values except those of the step shown.
func (st *enrolState) hidden() []hiddenInput {
	var out []hiddenInput
	add := func(name, value string) {
		if value != "" {
			out = append(out, hiddenInput{name, value})
		}
	}
	if st.Step != 1 {
		for _, f := range enrolFamilyFields {
			add("f."+f, st.Family[f])
		}
	}
	if st.Step != 2 {
		for i, row := range st.Members {
			for _, f := range enrolMemberFields {
				add("m."+strconv.Itoa(i)+"."+f, row[f])
			}
		}
	}
	if st.Step != 3 {
		for _, f := range enrolPolicyFields {
			add("p."+f, st.Policy[f])
		}
	}
	if st.Step != 4 {
		for _, f := range enrolContribFields {
			add("c."+f, st.Contrib[f])
		}
	}
	if st.Filled {
		add("c.filled", "1")
	}
	return out
}

// enrolChecked is the wizard's input turned into values, step by step, with the problems keyed
// by input name.
type enrolChecked struct {
	family   imis.Values
	members  []imis.Values
	policy   imis.Values // nil: no policy
	contrib  imis.Values // nil: no contribution
	offer    offer
	quote    *quoteView
	problems imis.Problems
	// policyChecked: checkPolicy ran, so offer and quote are known.
	policyChecked bool
}

// checkFamily checks step 1: the register's rules and a village the user may enrol in, picked
// (its id) or typed (its code).
func (s *server) checkFamily(ctx context.Context, st *enrolState, c *enrolChecked) {
	raw := map[string]string{}
	for _, f := range enrolFamilyFields {
		raw[f] = st.Family[f]
	}
	unstorable(raw, "f.", c.problems)
	village := s.placeOf(ctx, raw["location_id"])
	if village != nil {
		raw["location_id"] = village.ID.String()
	}
	v, p := imis.Families.Parse(raw, true)
	for k, fe := range p {
		c.problems["f."+k] = fe
	}
	if village == nil && strings.TrimSpace(raw["location_id"]) != "" {
		c.problems["f.location_id"] = imis.FieldError{Key: "error.reference_missing"}
	}
	c.family = v
}

// checkMembers checks step 2: each member as the register and the scheme's number rule want
// them, numbers neither used nor repeated, birth dates not in the future.
func (s *server) checkMembers(ctx context.Context, st *enrolState, c *enrolChecked) error {
	rule, err := s.DB.NumberRule(ctx)
	if err != nil {
		return err
	}
	today := s.DB.Today()
	seen := map[string]int{}
	c.members = nil
	for i, row := range st.Members {
		prefix := "m." + strconv.Itoa(i) + "."
		raw := map[string]string{"family_id": imis.NilID.String(), "status": imis.InsureeActive}
		for _, f := range enrolMemberFields {
			if i == 0 && f == "relationship" {
				continue
			}
			raw[f] = row[f]
		}
		unstorable(raw, prefix, c.problems)
		v, p := imis.Insurees.Parse(raw, true)
		for k, fe := range p {
			c.problems.Add(prefix+k, fe.Key, fe.Args...)
		}
		chfid := strings.TrimSpace(row["chfid"])
		if key := rule.Check(chfid); key != "" && chfid != "" {
			c.problems.Add(prefix+"chfid", key)
		}
		if first, dup := seen[chfid]; dup && chfid != "" {
			c.problems.Add(prefix+"chfid", "error.chfid_repeated", first+1)
		} else if chfid != "" {
			seen[chfid] = i
		}
		if v["chfid"] != nil {
			dups, err := s.DB.Duplicates(ctx, imis.Insurees, imis.NilID, imis.Values{"chfid": v["chfid"]})
			if err != nil {
				return err
			}
			for k, fe := range dups {
				c.problems.Add(prefix+k, fe.Key, fe.Args...)
			}
		}
		if dob, ok := v["dob"].(imis.Date); ok {
			if key := imis.BirthDate(dob, today); key != "" {
				c.problems.Add(prefix+"dob", key)
			}
		}
		c.members = append(c.members, v)
	}
	return nil
}

// unstorable blanks the values that neither engine can store as text (NUL, invalid UTF-8) and
// reports them against their inputs, so they are refused as input and not failed as internal
// errors.
func unstorable(raw map[string]string, prefix string, p imis.Problems) {
	for k, v := range raw {
		if !store.StorableText(v) {
			p.Add(prefix+k, "error.invalid")
			raw[k] = ""
		}
	}
}

// memberNames names the members as the quote's notes list them.
func memberNames(members []imis.Values) []string {
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = strings.TrimSpace(m.Text("other_names") + " " + m.Text("last_name"))
	}
	return out
}

// checkPolicy checks step 3 and computes the quote: a product on sale for the family's village,
// an officer, an enrolment date not in the future. No product means no policy.
func (s *server) checkPolicy(ctx context.Context, p *page, st *enrolState, c *enrolChecked) error {
	c.policy, c.quote, c.policyChecked = nil, nil, true
	village, _ := c.family["location_id"].(imis.ID)
	enroll, derr := imis.ParseDate(st.Policy["enroll_date"])
	at := enroll
	if derr != nil {
		at = s.DB.Today()
	}
	if village != imis.NilID {
		o, err := s.offerFor(ctx, village, at)
		if err != nil && imis.ErrorCode(err) != imis.ENOTFOUND {
			return err
		}
		c.offer = o
	}
	if strings.TrimSpace(st.Policy["product_id"]) == "" {
		return nil
	}
	if !p.User.Can(imis.RightPolicyAdd) {
		c.problems.Add("p.product_id", "error.forbidden")
		return nil
	}
	raw := map[string]string{"family_id": imis.NilID.String()}
	for _, f := range enrolPolicyFields {
		raw[f] = st.Policy[f]
	}
	v, probs := imis.Policies.Parse(raw, true)
	for k, fe := range probs {
		c.problems["p."+k] = fe
	}
	prod := c.offer.Product[v.ID("product_id")]
	if v["product_id"] != nil && prod == nil {
		c.problems.Add("p.product_id", "error.product_not_offered")
	}
	if id := v.ID("officer_id"); id != imis.NilID && !slices.ContainsFunc(c.offer.Officers, func(o store.Option) bool { return o.ID == id }) {
		c.problems.Add("p.officer_id", "error.reference_missing")
	}
	if key := imis.FutureDate("enroll_date", enroll, s.DB.Today()); derr == nil && key != "" {
		c.problems.Add("p.enroll_date", key)
	}
	c.policy = v
	if prod == nil || derr != nil {
		return nil
	}
	members := make([]imis.Member, len(c.members))
	for i, m := range c.members {
		rel, _ := strconv.Atoi(m.Text("relationship"))
		members[i] = imis.Member{Adult: imis.Adult(m.Date("dob"), enroll), Relation: rel}
	}
	q, err := s.quote(ctx, p, prod, enroll, members, memberNames(c.members))
	if err != nil {
		if httpx.Status(err) >= 500 {
			return err
		}
		for k, fe := range fieldProblems(err) {
			c.problems.Add("p."+k, fe.Key, fe.Args...)
		}
		return nil
	}
	c.quote = q
	return nil
}

// checkContrib checks step 4: no amount means no contribution; otherwise the register's rules
// and a payment date not in the future. Whether the receipt is free is the store's to say.
func (s *server) checkContrib(p *page, st *enrolState, c *enrolChecked) {
	c.contrib = nil
	if c.policy == nil || strings.TrimSpace(st.Contrib["amount"]) == "" {
		return
	}
	if !p.User.Can(imis.RightContributionAdd) {
		c.problems.Add("c.amount", "error.forbidden")
		return
	}
	raw := map[string]string{"policy_id": imis.NilID.String()}
	for _, f := range enrolContribFields {
		raw[f] = st.Contrib[f]
	}
	unstorable(raw, "c.", c.problems)
	v, probs := imis.Contributions.Parse(raw, true)
	for k, fe := range probs {
		c.problems["c."+k] = fe
	}
	if key := imis.FutureDate("pay_date", v.Date("pay_date"), s.DB.Today()); key != "" {
		c.problems.Add("c.pay_date", key)
	}
	c.contrib = v
}

// checkEnrolment runs the checks of steps 1 to upto and returns the first step with a problem (0: none).
func (s *server) checkEnrolment(ctx context.Context, p *page, st *enrolState, upto int) (*enrolChecked, int, error) {
	c := &enrolChecked{problems: imis.Problems{}}
	stepOf := func() int {
		for k := range c.problems {
			if n := enrolStepOfInput(k); n > 0 {
				return n
			}
		}
		return 0
	}
	s.checkFamily(ctx, st, c)
	if n := stepOf(); n > 0 || upto == 1 {
		return c, n, nil
	}
	if err := s.checkMembers(ctx, st, c); err != nil {
		return nil, 0, err
	}
	if n := stepOf(); n > 0 || upto == 2 {
		return c, n, nil
	}
	if err := s.checkPolicy(ctx, p, st, c); err != nil {
		return nil, 0, err
	}
	if n := stepOf(); n > 0 || upto == 3 {
		return c, n, nil
	}
	s.checkContrib(p, st, c)
	return c, stepOf(), nil
}

// enrolStepOfInput is the step whose form holds an input.
func enrolStepOfInput(name string) int {
	switch {
	case strings.HasPrefix(name, "f."):
		return 1
	case strings.HasPrefix(name, "m."):
		return 2
	case strings.HasPrefix(name, "p."):
		return 3
	case strings.HasPrefix(name, "c."):
		return 4
	}
	return 0
}

// enrolStepOfField is the step of a field the store complained about, with the input name it
// has there; members' fields name no member, so their problems go above the members' form.
func enrolStepOfField(field string) (int, string) {
	switch {
	case slices.Contains(enrolFamilyFields, field) || field == "ethnicity":
		return 1, "f." + field
	case slices.Contains(enrolPolicyFields, field):
		return 3, "p." + field
	case slices.Contains(enrolContribFields, field) || field == "decision" || field == "is_photo_fee":
		return 4, "c." + field
	}
	if _, ok := imis.Insurees.Field(field); ok {
		return 2, ""
	}
	return 4, ""
}

// enrolStart shows the first step.
func (s *server) enrolStart(w http.ResponseWriter, r *http.Request) {
	if !enrolAllowed(r) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	st := &enrolState{Step: 1, Family: map[string]string{}, Members: []map[string]string{{}},
		Policy: map[string]string{}, Contrib: map[string]string{}}
	s.showEnrol(w, r, http.StatusOK, st, nil, "")
}

// enrolAllowed: registering a household needs the rights to add a family and insurees.
func enrolAllowed(r *http.Request) bool {
	u := imis.UserFromContext(r.Context())
	return u.Can(imis.RightFamilyAdd) && u.Can(imis.RightInsureeAdd)
}

// enrolSubmit moves between the steps (next, back, more members, remove a member, calculate)
// and saves the enrolment at the end.
func (s *server) enrolSubmit(w http.ResponseWriter, r *http.Request) {
	if !enrolAllowed(r) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	ctx := r.Context()
	p := s.newPage(r, "enrol.title")
	st := readEnrolState(r)
	action := r.PostFormValue("action")
	switch {
	case action == "back":
		st.Step = max(1, st.Step-1)
		s.showEnrol(w, r, http.StatusOK, st, nil, "")
		return
	case action == "more" && st.Step == 2:
		for range enrolMoreRows {
			if len(st.Members) < enrolMaxMembers {
				st.Members = append(st.Members, map[string]string{})
			}
		}
		s.showEnrol(w, r, http.StatusOK, st, nil, "")
		return
	case strings.HasPrefix(action, "drop-") && st.Step == 2:
		if i, err := strconv.Atoi(strings.TrimPrefix(action, "drop-")); err == nil && i > 0 {
			if k := slices.Index(st.sent, i); k > 0 {
				st.Members = slices.Delete(st.Members, k, k+1)
			}
		}
		s.showEnrol(w, r, http.StatusOK, st, nil, "")
		return
	case action == "save":
		s.enrolSave(w, r, p, st)
		return
	}
	// "next", "quote", or Enter in a field: check the steps up to this one.
	c, bad, err := s.checkEnrolment(ctx, p, st, st.Step)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if bad > 0 {
		st.Step = bad
		s.showEnrol(w, r, http.StatusUnprocessableEntity, st, c, "")
		return
	}
	if action == "quote" {
		s.showEnrol(w, r, http.StatusOK, st, c, "")
		return
	}
	st.Step++
	if st.Step == 4 && c.quote != nil && !st.Filled {
		st.Contrib["amount"] = c.quote.Value
		st.Contrib["pay_date"] = s.DB.Today().String()
		st.Contrib["pay_type"] = "C"
		st.Filled = true
	}
	if st.Step > enrolSteps {
		st.Step = enrolSteps
	}
	s.showEnrol(w, r, http.StatusOK, st, c, "")
}

// enrolQuote answers the policy step's htmx request with the computed dates and value.
func (s *server) enrolQuote(w http.ResponseWriter, r *http.Request) {
	if !enrolAllowed(r) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	p := s.newPage(r, "enrol.title")
	st := readEnrolState(r)
	st.Step = 3
	c, _, err := s.checkEnrolment(r.Context(), p, st, 3)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = s.enrolView(r, p, st, c, "")
	s.renderBlock(w, http.StatusOK, "enrol", "quote", p)
}

// enrolSave checks every step again and saves the enrolment in one transaction; a problem the
// store finds sends the user back to the step it belongs to, with nothing written.
func (s *server) enrolSave(w http.ResponseWriter, r *http.Request, p *page, st *enrolState) {
	ctx := r.Context()
	c, bad, err := s.checkEnrolment(ctx, p, st, enrolSteps)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if bad > 0 {
		st.Step = bad
		s.showEnrol(w, r, http.StatusUnprocessableEntity, st, c, "")
		return
	}
	e := store.Enrolment{Family: c.family, Head: c.members[0], Members: c.members[1:]}
	if c.policy != nil {
		ep := store.EnrolledPolicy{Policy: c.policy}
		if c.contrib != nil {
			ep.Contributions, ep.Decision = []imis.Values{c.contrib}, st.Decision
		}
		e.Policies = []store.EnrolledPolicy{ep}
	}
	res, err := s.DB.Enrol(ctx, e)
	if err != nil {
		if httpx.Status(err) >= 500 {
			s.fail(w, r, err)
			return
		}
		s.enrolRefused(w, r, p, st, c, err)
		return
	}
	extra := url.Values{}
	if len(res.Policies) > 0 {
		extra.Set("policy", res.Policies[0].ID.String())
	}
	redirectDone(w, r, "/families/"+res.Family.ID.String(), "enrolled", extra)
}

// enrolRefused shows what the store refused at the step it concerns: a field of the family, the
// policy or the contribution beside its input, a member's above the members (the store does not
// say which member), the payment question on the last step.
func (s *server) enrolRefused(w http.ResponseWriter, r *http.Request, p *page, st *enrolState, c *enrolChecked, err error) {
	e := httpx.AsError(err)
	st.Step = enrolSteps
	msg := ""
	decision := p.decisionFor(err, "c.decision", st.Decision)
	if decision == nil {
		for field, fe := range e.Fields {
			n, input := enrolStepOfField(field)
			st.Step = min(st.Step, n)
			if input != "" {
				c.problems.Add(input, fe.Key, fe.Args...)
			} else {
				msg = p.fieldLabel(imis.Insurees, field) + ": " + p.Err(fe)
			}
		}
		if msg == "" {
			msg = p.formMessage(err)
		}
	}
	s.showEnrolDecision(w, r, httpx.Status(err), st, c, msg, decision)
}

// enrolCrumbs place the wizard in the enrolment area.
func enrolCrumbs() []crumb {
	return []crumb{{Label: "home.title", Href: "/"}, {Label: "nav.insurees"}, {Label: "enrol.title"}}
}

// enrolView is what a step of the wizard shows.
type enrolView struct {
	Step     int
	Steps    []enrolStepLabel
	Hidden   []hiddenInput
	Error    string
	Family   []formField
	Members  []enrolMemberForm
	Policy   []formField
	Quote    *quoteView
	Contrib  []formField
	Decision *decisionView
	Summary  []shownValue
	People   []string
	NoPolicy bool
}

type enrolStepLabel struct {
	N       int
	Label   string
	Current bool
	Done    bool
}

type enrolMemberForm struct {
	Index  int
	Legend string
	Head   bool
	Fields []formField
}

// showEnrol draws the wizard at the state's step.
func (s *server) showEnrol(w http.ResponseWriter, r *http.Request, code int, st *enrolState, c *enrolChecked, msg string) {
	s.showEnrolDecision(w, r, code, st, c, msg, nil)
}

// showEnrolDecision draws the wizard with the store's question about an unpaid policy.
func (s *server) showEnrolDecision(w http.ResponseWriter, r *http.Request, code int, st *enrolState, c *enrolChecked, msg string, d *decisionView) {
	p := s.newPage(r, "enrol.title", enrolCrumbs()...)
	v := s.enrolView(r, p, st, c, msg)
	v.Decision = d
	p.Data = v
	s.render(w, r, code, "enrol", p)
}

// enrolView builds what the state's step shows: its inputs with their problems, and for the
// last two steps the offer, the quote and the summary.
func (s *server) enrolView(r *http.Request, p *page, st *enrolState, c *enrolChecked, msg string) *enrolView {
	ctx := r.Context()
	problems := imis.Problems{}
	if c != nil {
		problems = c.problems
	}
	v := &enrolView{Step: st.Step, Hidden: st.hidden(), Error: msg}
	for i, key := range []string{"enrol.step_family", "enrol.step_members", "enrol.step_policy", "enrol.step_contribution"} {
		v.Steps = append(v.Steps, enrolStepLabel{N: i + 1, Label: p.T(key), Current: st.Step == i+1, Done: st.Step > i+1})
	}
	if v.Error == "" && len(problems) > 0 && hasStepProblem(problems, st.Step) {
		v.Error = p.T("error.invalid_input")
	}
	switch st.Step {
	case 1:
		for _, f := range enrolFamilyFields {
			ff := p.inputField(imis.Families, f, "f."+f, st.Family[f], problems, "f."+f)
			if f == "location_id" {
				ff = s.placeField(ctx, p, ff)
			}
			v.Family = append(v.Family, ff)
		}
	case 2:
		var district imis.ID
		if village := s.placeOf(ctx, st.Family["location_id"]); village != nil {
			district = village.DistrictID
		}
		hfs, number := s.facilityChoices(ctx, district), s.numberRuleView(ctx, p)
		rows := st.Members
		if len(rows) < enrolMaxMembers {
			rows = append(slices.Clone(rows), map[string]string{}) // room for one more member
		}
		for i, row := range rows {
			m := enrolMemberForm{Index: i, Head: i == 0, Legend: p.T("enrol.member_n", i+1)}
			if i == 0 {
				m.Legend = p.T("enrol.head")
			}
			for _, f := range enrolMemberFields {
				if i == 0 && f == "relationship" {
					continue
				}
				name := "m." + strconv.Itoa(i) + "." + f
				ff := p.inputField(imis.Insurees, f, name, row[f], problems, name)
				if f == "hf_id" {
					ff.Options = hfs
				}
				if f == "chfid" {
					ff = number.on(ff)
				}
				m.Fields = append(m.Fields, ff)
			}
			v.Members = append(v.Members, m)
		}
	case 3:
		c = s.enrolPrepared(r, p, st, c)
		officer := st.Policy["officer_id"]
		if officer == "" {
			officer = ownOfficer(p.User, c.offer.Officers)
		}
		enroll := st.Policy["enroll_date"]
		if enroll == "" {
			enroll = s.DB.Today().String()
		}
		product := p.inputField(imis.Policies, "product_id", "p.product_id", st.Policy["product_id"], problems, "p.product_id")
		product.Field.Required = false
		product.Options = c.offer.Products
		product.Hint = p.T("enrol.product_hint")
		of := requiredField(p.inputField(imis.Policies, "officer_id", "p.officer_id", officer, problems, "p.officer_id"))
		of.Options = c.offer.Officers
		v.Policy = []formField{product, of, requiredField(p.inputField(imis.Policies, "enroll_date", "p.enroll_date", enroll, problems, "p.enroll_date"))}
		v.Quote = c.quote
	case 4:
		c = s.enrolPrepared(r, p, st, c)
		v.Summary, v.People = s.enrolSummary(ctx, p, c)
		v.Quote = c.quote
		v.NoPolicy = c.policy == nil
		if !v.NoPolicy {
			payers := s.options(ctx, imis.Payers)
			for _, f := range enrolContribFields {
				ff := p.inputField(imis.Contributions, f, "c."+f, st.Contrib[f], problems, "c."+f)
				if f == "amount" {
					ff.Field.Required = false
					ff.Hint = p.T("enrol.amount_hint")
				}
				if f == "payer_id" {
					ff.Options = payers
				}
				v.Contrib = append(v.Contrib, ff)
			}
		}
	}
	return v
}

// enrolPrepared makes sure the family, members and policy were read, for the policy step's
// offer and quote and the last step's summary, when the request did not check them (going back,
// or arriving at a step). Problems found this way are not shown: the user did not ask to leave
// those steps.
func (s *server) enrolPrepared(r *http.Request, p *page, st *enrolState, c *enrolChecked) *enrolChecked {
	ctx := r.Context()
	if c == nil {
		c = &enrolChecked{problems: imis.Problems{}}
	}
	keep := c.problems
	c.problems = imis.Problems{}
	if c.family == nil {
		s.checkFamily(ctx, st, c)
	}
	if c.members == nil {
		_ = s.checkMembers(ctx, st, c)
	}
	if !c.policyChecked {
		_ = s.checkPolicy(ctx, p, st, c)
	}
	c.problems = keep
	return c
}

// hasStepProblem reports whether some problem belongs to the step shown.
func hasStepProblem(p imis.Problems, step int) bool {
	for k := range p {
		if enrolStepOfInput(k) == step {
			return true
		}
	}
	return false
}

// enrolSummary restates the family and the members before saving.
func (s *server) enrolSummary(ctx context.Context, p *page, c *enrolChecked) ([]shownValue, []string) {
	var out []shownValue
	rec := &store.Record{Values: c.family}
	labels := s.refLabels(ctx, imis.Families, []*store.Record{rec})
	for _, name := range enrolFamilyFields {
		f, _ := imis.Families.Field(name)
		if d := p.display(f, c.family[name], labels); d != "" && !(name == "poverty" && c.family[name] != true) {
			out = append(out, shownValue{Label: p.fieldLabel(imis.Families, name), Value: d})
		}
	}
	rel, _ := imis.Insurees.Field("relationship")
	var people []string
	for i, m := range c.members {
		line := m.Text("chfid") + " · " + strings.TrimSpace(m.Text("last_name")+" "+m.Text("other_names")) + " · " + dateText(m["dob"])
		if i == 0 {
			line += " · " + p.T("enrol.head")
		} else if d := p.display(rel, m["relationship"], nil); d != "" {
			line += " · " + d
		}
		people = append(people, line)
	}
	if c.policy != nil {
		pl := s.refLabels(ctx, imis.Policies, []*store.Record{{Values: c.policy}})
		out = append(out, shownValue{Label: p.fieldLabel(imis.Policies, "officer_id"), Value: pl[c.policy.ID("officer_id")]},
			shownValue{Label: p.fieldLabel(imis.Policies, "enroll_date"), Value: dateText(c.policy["enroll_date"])})
	}
	return out, people
}

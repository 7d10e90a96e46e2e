package store_test

import (
	"testing"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/store"
)

func parsed(t *testing.T, reg *imis.Register, raw map[string]string) imis.Values {
	t.Helper()
	v, p := reg.Parse(raw, true)
	delete(p, "family_id")
	delete(p, "policy_id")
	if err := p.Err(); err != nil {
		t.Fatalf("%s: %v", reg.Name, err)
	}
	return v
}

// TestEnrolFamilyPolicyContribution enrols a family of three with a paid policy in one command,
// and checks that a failing contribution leaves nothing behind.
func TestEnrolFamilyPolicyContribution(t *testing.T) {
	e := newCoverageEnv(t)
	members := []imis.Values{
		parsed(t, imis.Insurees, map[string]string{"chfid": number("40000002"), "last_name": "Three", "other_names": "Spouse", "dob": "1982-05-01", "gender": "F", "relationship": "8"}),
		parsed(t, imis.Insurees, map[string]string{"chfid": number("40000003"), "last_name": "Three", "other_names": "Child", "dob": "2015-05-01", "gender": "M", "relationship": "4"}),
	}
	enrolment := func(receipt, amount string) store.Enrolment {
		return store.Enrolment{
			Family:  parsed(t, imis.Families, map[string]string{"location_id": e.tr.v1.String()}),
			Head:    parsed(t, imis.Insurees, map[string]string{"chfid": number("40000001"), "last_name": "Three", "other_names": "Head", "dob": "1980-01-01", "gender": "M"}),
			Members: members,
			Policies: []store.EnrolledPolicy{{
				Policy:        parsed(t, imis.Policies, map[string]string{"product_id": e.product.String(), "officer_id": e.officer.String(), "enroll_date": "2026-03-01"}),
				Contributions: []imis.Values{parsed(t, imis.Contributions, map[string]string{"amount": amount, "receipt": receipt, "pay_date": "2026-03-02", "pay_type": "C"})},
			}},
		}
	}
	q, err := e.db.QuotePolicy(e.ctx, e.product, imis.NewDate(2026, 3, 1), []imis.Member{{Adult: true}, {Adult: true}, {Adult: false}})
	if err != nil || q.Value != 25000 || q.Start.String() != "2026-03-01" || q.Expiry.String() != "2027-02-28" {
		t.Fatalf("quote %+v %v, want 250.00 from 2026-03-01 to 2027-02-28", q, err)
	}
	before := e.counts(t)
	// R1 is already used under this product, so the whole enrolment is refused.
	if _, err := e.db.Enrol(e.ctx, enrolment("R1", "250.00")); imis.ErrorCode(err) != imis.ECONFLICT {
		t.Fatalf("a used receipt: %v", err)
	}
	if after := e.counts(t); after != before {
		t.Fatalf("a refused enrolment wrote rows: %v -> %v", before, after)
	}
	res, err := e.db.Enrol(e.ctx, enrolment("ENR1", "250.00"))
	if err != nil {
		t.Fatal(err)
	}
	pol := e.get(t, imis.Policies, res.Policies[0].ID)
	if pol.Values["value"] != int64(25000) || pol.Values["status"] != int64(imis.PolicyActive) {
		t.Fatalf("policy %v", pol.Values)
	}
	for _, m := range append([]*store.Record{res.Head}, res.Members...) {
		rows := e.cover(t, m.ID)
		if r, ok := rows[pol.ID]; !ok || r.Effective.String() != "2026-03-02" {
			t.Fatalf("member %v not covered from the pay date: %+v", m.Values["chfid"], rows)
		}
	}
}

// TestEnrolUnderpaidFollowsTheDecision enrols a policy with too small and late a payment: without
// an answer the enrolment comes back with the question, with WAIT the policy waits for payment.
func TestEnrolUnderpaidFollowsTheDecision(t *testing.T) {
	e := newCoverageEnv(t)
	enrolment := func(decision imis.PaymentDecision) store.Enrolment {
		return store.Enrolment{
			Family: parsed(t, imis.Families, map[string]string{"location_id": e.tr.v1.String()}),
			Head:   parsed(t, imis.Insurees, map[string]string{"chfid": number("40000011"), "last_name": "Short", "other_names": "Head", "dob": "1980-01-01", "gender": "M"}),
			Policies: []store.EnrolledPolicy{{
				Policy:        parsed(t, imis.Policies, map[string]string{"product_id": e.product.String(), "officer_id": e.officer.String(), "enroll_date": "2026-03-01"}),
				Contributions: []imis.Values{parsed(t, imis.Contributions, map[string]string{"amount": "10.00", "receipt": "ENR-SHORT", "pay_date": "2026-03-02", "pay_type": "C"})},
				Decision:      decision,
			}},
		}
	}
	if _, err := e.db.Enrol(e.ctx, enrolment(imis.DecisionNone)); imis.ErrorMessage(err) != "error.payment_decision_late" {
		t.Fatalf("underpaid without an answer: %v", err)
	}
	res, err := e.db.Enrol(e.ctx, enrolment(imis.DecisionWait))
	if err != nil {
		t.Fatal(err)
	}
	if pol := e.get(t, imis.Policies, res.Policies[0].ID); pol.Values["status"] != int64(imis.PolicyIdle) {
		t.Fatalf("an underpaid policy left waiting: %v", pol.Values)
	}
}

package store

import (
	"context"
	"maps"

	"github.com/openimis-go/openimis"
)

// Enrolment is a whole enrolment command: a family with its head and members, and optionally
// policies with their contributions, saved together or not at all (the enrolment wizard, the
// mobile upload).
type Enrolment struct {
	Family   imis.Values
	Head     imis.Values
	Members  []imis.Values
	Policies []EnrolledPolicy
}

// EnrolledPolicy is a policy of an enrolment with the contributions paid towards it. Decision
// answers the payment prompt (WAIT, ENFORCE or SUSPEND) for an underpaid or late payment.
type EnrolledPolicy struct {
	Policy        imis.Values
	Contributions []imis.Values
	Decision      imis.PaymentDecision
}

// EnrolmentResult holds the records the enrolment created, in the order they were given.
type EnrolmentResult struct {
	Family        *Record
	Head          *Record
	Members       []*Record
	Policies      []*Record
	Contributions [][]*Record
}

// Enrol saves an enrolment in one transaction. The rules run as for each record alone: the
// family's district and head, the number rule, the policy's dates and value computed from the
// members, the coverage rows, and each contribution's effect on its policy.
func (db *DB) Enrol(ctx context.Context, e Enrolment) (*EnrolmentResult, error) {
	var out *EnrolmentResult
	err := db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.enrol(ctx, e)
		out = r
		return err
	})
	return out, err
}

func (tx *Tx) enrol(ctx context.Context, e Enrolment) (*EnrolmentResult, error) {
	if e.Head == nil {
		return nil, imis.Errorf(imis.EINVALID, "error.head_required")
	}
	res := &EnrolmentResult{}
	var err error
	if res.Family, err = tx.create(ctx, imis.Families, maps.Clone(e.Family), nil, saveOptions{}); err != nil {
		return nil, err
	}
	head := maps.Clone(e.Head)
	head["family_id"] = res.Family.ID
	if res.Head, err = tx.create(ctx, imis.Insurees, head, nil, saveOptions{headOfNewFamily: true}); err != nil {
		return nil, err
	}
	for _, m := range e.Members {
		m = maps.Clone(m)
		m["family_id"] = res.Family.ID
		r, err := tx.create(ctx, imis.Insurees, m, nil, saveOptions{})
		if err != nil {
			return nil, err
		}
		res.Members = append(res.Members, r)
	}
	for _, p := range e.Policies {
		pv := maps.Clone(p.Policy)
		pv["family_id"] = res.Family.ID
		pol, err := tx.create(ctx, imis.Policies, pv, nil, saveOptions{})
		if err != nil {
			return nil, err
		}
		res.Policies = append(res.Policies, pol)
		var paid []*Record
		for _, c := range p.Contributions {
			cv := maps.Clone(c)
			cv["policy_id"] = pol.ID
			r, err := tx.create(ctx, imis.Contributions, cv, nil, saveOptions{decision: p.Decision})
			if err != nil {
				return nil, err
			}
			paid = append(paid, r)
		}
		res.Contributions = append(res.Contributions, paid)
	}
	return res, nil
}

// PolicyQuote is what a policy would be: its dates and value, computed before anything is saved.
type PolicyQuote struct {
	Start, Expiry imis.Date
	Value         imis.Money
}

// QuotePolicy computes a new policy's dates and value for a product, an enrolment date and the
// members it would cover (in registration order), with the product as it was on that date.
func (db *DB) QuotePolicy(ctx context.Context, productID imis.ID, enroll imis.Date, members []imis.Member) (*PolicyQuote, error) {
	var q *PolicyQuote
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.db.findByID(ctx, tx, imis.Products, productID, false); err != nil {
			return err
		}
		_, terms, err := tx.productAt(ctx, productID, enroll)
		if err != nil {
			return err
		}
		f, err := imis.PricePolicy(terms, members, imis.StageNew, enroll, imis.Date{}, 0)
		if err != nil {
			return err
		}
		q = &PolicyQuote{Start: f.Start, Expiry: f.Expiry, Value: f.Value}
		return nil
	})
	return q, err
}

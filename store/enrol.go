package store

import (
	"context"
	"errors"
	"maps"

	"github.com/openimis-go/openimis"
)

// Enrolment is a whole enrolment command: a family with its head and members, and optionally
// policies with their contributions, saved together or not at all (the enrolment wizard, the
// mobile upload). Photos, when given, are the people's photos by position: the head's first, then
// the members' in order; a missing or nil entry means no photo.
type Enrolment struct {
	Family   imis.Values
	Head     imis.Values
	Members  []imis.Values
	Photos   []*InsureePhoto
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
	return out, withoutRegister(err)
}

// refusedValue is a register's refusal of a value within a command that saves several
// registers. The upload's answer names the register; the forms show the refusal alone.
type refusedValue struct {
	reg *imis.Register
	err error
}

func (e *refusedValue) Error() string { return e.reg.Name + ": " + e.err.Error() }

func (e *refusedValue) Unwrap() error { return e.err }

// refusedBy marks a register's refusal of a value with the register; other errors pass unchanged.
func refusedBy(reg *imis.Register, err error) error {
	var e *imis.Error
	if errors.As(err, &e) && e.Code == imis.EINVALID {
		return &refusedValue{reg: reg, err: err}
	}
	return err
}

// withoutRegister is the refusal as a caller that does not name registers sees it.
func withoutRegister(err error) error {
	var r *refusedValue
	if errors.As(err, &r) {
		return r.err
	}
	return err
}

func (tx *Tx) enrol(ctx context.Context, e Enrolment) (*EnrolmentResult, error) {
	if e.Head == nil {
		return nil, imis.Errorf(imis.EINVALID, "error.head_required")
	}
	res := &EnrolmentResult{}
	var err error
	if res.Family, err = tx.create(ctx, imis.Families, maps.Clone(e.Family), nil, saveOptions{}); err != nil {
		return nil, refusedBy(imis.Families, err)
	}
	photo := func(i int) *InsureePhoto {
		if i < len(e.Photos) {
			return e.Photos[i]
		}
		return nil
	}
	if res.Head, err = tx.createInsuree(ctx, res.Family.ID, e.Head, photo(0), true); err != nil {
		return nil, err
	}
	for i, m := range e.Members {
		r, err := tx.createInsuree(ctx, res.Family.ID, m, photo(i+1), false)
		if err != nil {
			return nil, err
		}
		res.Members = append(res.Members, r)
	}
	for _, p := range e.Policies {
		pol, paid, err := tx.enrolPolicy(ctx, res.Family.ID, p)
		if err != nil {
			return nil, err
		}
		res.Policies = append(res.Policies, pol)
		res.Contributions = append(res.Contributions, paid)
	}
	return res, nil
}

// createInsuree registers a member of a family, with their photo if one is given;
// headOfNewFamily marks the head of a family just created, who names it.
func (tx *Tx) createInsuree(ctx context.Context, familyID imis.ID, v imis.Values, photo *InsureePhoto, headOfNewFamily bool) (*Record, error) {
	v = maps.Clone(v)
	v["family_id"] = familyID
	opts := saveOptions{headOfNewFamily: headOfNewFamily}
	if photo != nil {
		opts.computed = imis.Values{"photo_file": photo.FileName, "photo_date": tx.today()}
	}
	r, err := tx.create(ctx, imis.Insurees, v, nil, opts)
	if err != nil {
		return nil, refusedBy(imis.Insurees, err)
	}
	if photo != nil {
		if err := tx.storePhoto(ctx, r.ID, photo); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// enrolPolicy creates a policy of a family, then its contributions, each answering the payment
// prompt with the policy's decision.
func (tx *Tx) enrolPolicy(ctx context.Context, familyID imis.ID, p EnrolledPolicy) (*Record, []*Record, error) {
	pv := maps.Clone(p.Policy)
	pv["family_id"] = familyID
	pol, err := tx.create(ctx, imis.Policies, pv, nil, saveOptions{})
	if err != nil {
		return nil, nil, refusedBy(imis.Policies, err)
	}
	var paid []*Record
	for _, c := range p.Contributions {
		cv := maps.Clone(c)
		cv["policy_id"] = pol.ID
		r, err := tx.create(ctx, imis.Contributions, cv, nil, saveOptions{decision: p.Decision})
		if err != nil {
			return nil, nil, refusedBy(imis.Contributions, err)
		}
		paid = append(paid, r)
	}
	return pol, paid, nil
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

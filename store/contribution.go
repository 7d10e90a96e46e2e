package store

import (
	"context"
	"database/sql"
	"errors"
	"maps"
	"strconv"
	"strings"

	"github.com/openimis-go/openimis"
)

// settingActivationOption holds what full payment does to an Idle policy (imis.Activate*).
const settingActivationOption = "activation_option"

// ActivationOption returns the scheme's policy activation option, 1 (activate on payment) when
// it was never set.
func (db *DB) ActivationOption(ctx context.Context) (int, error) {
	return activationOption(ctx, db.read)
}

func activationOption(ctx context.Context, q queryer) (int, error) {
	var s string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", settingActivationOption).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return imis.ActivateOnPayment, nil
	} else if err != nil {
		return 0, mapError(err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < imis.ActivateOnPayment || n > imis.ActivateReady {
		return imis.ActivateOnPayment, nil
	}
	return n, nil
}

// checkActivationOption refuses an option other than the three of insurance-domain §6.2.
func checkActivationOption(p imis.Problems, option int) {
	if option < imis.ActivateOnPayment || option > imis.ActivateReady {
		p.Add(settingActivationOption, "error.activation_option")
	}
}

// decisionPrompts are the questions openIMIS asks when a contribution leaves its policy unpaid,
// with the answers each allows.
var decisionPrompts = map[string]struct{ key, answers string }{
	"underpaid":    {"error.payment_decision_underpaid", "WAIT, ENFORCE"},
	"late":         {"error.payment_decision_late", "WAIT, SUSPEND, ENFORCE"},
	"installments": {"error.payment_decision_installments", "WAIT, SUSPEND, ENFORCE"},
}

// AddContribution records a payment towards a policy. decision answers openIMIS's prompt when
// the payment leaves the policy unpaid (WAIT, ENFORCE or SUSPEND); without an answer such a
// payment is refused with the question.
func (db *DB) AddContribution(ctx context.Context, v imis.Values, decision imis.PaymentDecision) (*Record, error) {
	var out *Record
	err := db.inTx(ctx, func(tx *Tx) error {
		r, err := tx.create(ctx, imis.Contributions, v, nil, saveOptions{decision: decision})
		out = r
		return err
	})
	return out, err
}

// prepareContribution checks a contribution against its policy and decides its effect
// (insurance-domain §6.1–§6.3). When the payment leaves the policy unpaid and nobody said what
// to do, it refuses with the question, so the user can answer and send it again.
func prepareContribution(ctx context.Context, tx *Tx, before *Record, v imis.Values, s *saving) error {
	decision, ok := imis.ParsePaymentDecision(string(s.decision))
	if !ok {
		return fieldError("decision", "error.choice", "WAIT, ENFORCE, SUSPEND")
	}
	pol, err := tx.db.findByID(ctx, tx, imis.Policies, v.ID("policy_id"), false)
	if err != nil {
		if imis.ErrorCode(err) == imis.ENOTFOUND {
			return fieldError("policy_id", "error.reference_missing")
		}
		return err
	}
	pv := pol.Values
	status := pv.Int("status")
	if before != nil && !imis.PolicyEditable(status) {
		return imis.Errorf(imis.ECONFLICT, "error.contribution_locked")
	}
	maps.Copy(v, imis.ContributionCopies(pv))
	if err := tx.checkPayerFunds(ctx, v["payer_id"], pv["product_id"]); err != nil {
		return err
	}
	payDate := v.Date("pay_date")
	if key := imis.FutureDate("pay_date", payDate, tx.today()); key != "" {
		return fieldError("pay_date", key)
	}
	enroll, start := pv.Date("enroll_date"), pv.Date("start_date")
	prod, terms, err := tx.productAt(ctx, pv.ID("product_id"), enroll)
	if err != nil {
		return err
	}
	if key, limit := imis.EarlyPayDate(payDate, enroll, prod.Values.Date("date_from")); key != "" {
		return fieldError("pay_date", key, limit.String())
	}
	var used int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM premiums WHERE product_id = $1 AND receipt = $2 AND validity_to IS NULL AND id <> $3",
		pv["product_id"], v["receipt"], selfID(before)).Scan(&used); err != nil {
		return err
	}
	if used > 0 {
		return receiptUsed(v["receipt"])
	}
	var paid int64
	var count int
	if err := tx.QueryRowContext(ctx, `SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT), COUNT(*) FROM premiums
		WHERE policy_id = $1 AND is_photo_fee = $2 AND validity_to IS NULL AND id <> $3`, pol.ID, false, selfID(before)).Scan(&paid, &count); err != nil {
		return err
	}
	option, err := activationOption(ctx, tx)
	if err != nil {
		return err
	}
	stage := pv.Text("stage")
	var prevExpiry imis.Date
	if prev := pv.ID("previous_id"); prev != imis.NilID {
		if err := tx.QueryRowContext(ctx, "SELECT expiry_date FROM policies WHERE id = $1", prev).Scan(&prevExpiry); err != nil {
			return err
		}
	}
	effect := imis.ApplyContribution(imis.Contribution{
		PolicyStatus:    int(status),
		PolicyValue:     pv.Money("value"),
		PolicyStart:     start,
		PolicyEffective: pv.Date("effective_date"),
		PaidBefore:      imis.Money(paid),
		Amount:          v.Money("amount"),
		PayDate:         payDate,
		PhotoFee:        v.Bool("is_photo_fee"),
		Installment:     count + 1,
		MaxInstallments: int(prod.Values.Int("max_installments")),
		LastPayDate:     imis.LastDateForPayment(terms, stage, enroll, start, prevExpiry),
		Option:          option,
		Decision:        decision,
	})
	if effect.Ask != "" {
		prompt := decisionPrompts[effect.Ask]
		return &imis.Error{Code: imis.EINVALID, Reason: imis.ReasonPaymentDecision, Message: prompt.key,
			Fields: map[string]imis.FieldError{"decision": {Key: "error.choice", Args: []any{prompt.answers}}}}
	}
	s.effect = &effect
	return nil
}

// applyContribution carries out the effect decided for a saved contribution: the policy's new
// status and effective date, then the members' coverage (all rows when the policy was activated
// now, only members not yet covered when it already was).
func applyContribution(ctx context.Context, tx *Tx, r *Record, s *saving) error {
	effect := s.effect
	if effect == nil {
		return nil
	}
	pol, err := tx.db.findByID(ctx, tx, imis.Policies, r.Values.ID("policy_id"), false)
	if err != nil {
		return err
	}
	if pol.Values.Int("status") != int64(effect.Status) || !sameDate(pol.Values.Date("effective_date"), effect.Effective) {
		if err := tx.setPolicyState(ctx, pol, int64(effect.Status), effect.Effective); err != nil {
			return err
		}
	}
	switch {
	case effect.CoverAll:
		_, err = tx.ExecContext(ctx, `UPDATE insuree_policies SET start_date = $1, effective_date = $2, expiry_date = $3
			WHERE policy_id = $4 AND validity_to IS NULL`, pol.Values["start_date"], effect.Effective, pol.Values["expiry_date"], pol.ID)
	case effect.CoverNew:
		_, err = tx.ExecContext(ctx, "UPDATE insuree_policies SET effective_date = $1 WHERE policy_id = $2 AND effective_date IS NULL AND validity_to IS NULL",
			r.Values["pay_date"], pol.ID)
	}
	return err
}

// refuseLockedContribution keeps the contributions of a policy fixed once they activated or
// suspended it: only an Idle policy's contributions may be deleted.
func refuseLockedContribution(ctx context.Context, tx *Tx, r *Record) error {
	var status sql.NullInt64
	err := tx.QueryRowContext(ctx, "SELECT status FROM policies WHERE id = $1", r.Values["policy_id"]).Scan(&status)
	if err != nil {
		return err
	}
	if !imis.PolicyEditable(status.Int64) {
		return imis.Errorf(imis.ECONFLICT, "error.contribution_locked")
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
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

// contributionEffect carries the decided effect of a contribution from the check before it is
// written to the policy and coverage changes after; it never reaches the table.
const contributionEffect = "contribution_effect"

// decisionPrompts are the questions openIMIS asks when a contribution leaves its policy unpaid,
// with the answers each allows.
var decisionPrompts = map[string]struct{ key, answers string }{
	"underpaid":    {"error.payment_decision_underpaid", "WAIT, ENFORCE"},
	"late":         {"error.payment_decision_late", "WAIT, SUSPEND, ENFORCE"},
	"installments": {"error.payment_decision_installments", "WAIT, SUSPEND, ENFORCE"},
}

// takeDecision removes the user's answer to the payment prompt from v: it travels with the
// values but is not a column.
func takeDecision(v imis.Values) (imis.PaymentDecision, error) {
	raw := v["decision"]
	delete(v, "decision")
	var s string
	switch x := raw.(type) {
	case string:
		s = x
	case imis.PaymentDecision:
		s = string(x)
	}
	d := imis.PaymentDecision(strings.ToUpper(strings.TrimSpace(s)))
	switch d {
	case imis.DecisionNone, imis.DecisionWait, imis.DecisionEnforce, imis.DecisionSuspend:
		return d, nil
	}
	return "", fieldError("decision", "error.choice", "WAIT, ENFORCE, SUSPEND")
}

// prepareContribution checks a contribution against its policy and decides its effect
// (insurance-domain §6.1–§6.3). When the payment leaves the policy unpaid and nobody said what
// to do, it refuses with the question, so the user can answer and send it again.
func prepareContribution(ctx context.Context, tx *Tx, before *Record, v imis.Values) error {
	decision, err := takeDecision(v)
	if err != nil {
		return err
	}
	pol, err := tx.db.findByID(ctx, tx, imis.Policies, idOf(v["policy_id"]), false)
	if err != nil {
		if imis.ErrorCode(err) == imis.ENOTFOUND {
			return fieldError("policy_id", "error.reference_missing")
		}
		return err
	}
	pv := pol.Values
	status := intOf(pv["status"])
	if before != nil && status != imis.PolicyIdle {
		return imis.Errorf(imis.ECONFLICT, "error.contribution_locked")
	}
	v["product_id"], v["family_id"], v["district_id"], v["head_chfid"] = pv["product_id"], pv["family_id"], pv["district_id"], pv["head_chfid"]
	if err := tx.checkPayerFunds(ctx, v["payer_id"], pv["product_id"]); err != nil {
		return err
	}
	payDate := dateOf(v["pay_date"])
	if payDate.After(tx.today()) {
		return fieldError("pay_date", "error.pay_date_future")
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
	enroll, start := dateOf(pv["enroll_date"]), dateOf(pv["start_date"])
	prod, terms, err := tx.productAt(ctx, idOf(pv["product_id"]), enroll)
	if err != nil {
		return err
	}
	stage := textOf(pv["stage"])
	var prevExpiry imis.Date
	if prev := idOf(pv["previous_id"]); prev != imis.NilID {
		if err := tx.QueryRowContext(ctx, "SELECT expiry_date FROM policies WHERE id = $1", prev).Scan(&prevExpiry); err != nil {
			return err
		}
	}
	photo, _ := v["is_photo_fee"].(bool)
	effect := imis.ApplyContribution(imis.Contribution{
		PolicyStatus:    int(status),
		PolicyValue:     imis.Money(intOf(pv["value"])),
		PolicyStart:     start,
		PolicyEffective: dateOf(pv["effective_date"]),
		PaidBefore:      imis.Money(paid),
		Amount:          imis.Money(intOf(v["amount"])),
		PayDate:         payDate,
		PhotoFee:        photo,
		Installment:     count + 1,
		MaxInstallments: int(intOf(prod.Values["max_installments"])),
		LastPayDate:     imis.LastDateForPayment(terms, stage, enroll, start, prevExpiry),
		Option:          option,
		Decision:        decision,
	})
	if effect.Ask != "" {
		prompt := decisionPrompts[effect.Ask]
		return &imis.Error{Code: imis.EINVALID, Message: prompt.key,
			Fields: map[string]imis.FieldError{"decision": {Key: "error.choice", Args: []any{prompt.answers}}}}
	}
	v[contributionEffect] = effect
	return nil
}

// applyContribution carries out the effect decided for a saved contribution: the policy's new
// status and effective date, then the members' coverage (all rows when the policy was activated
// now, only members not yet covered when it already was).
func applyContribution(ctx context.Context, tx *Tx, r *Record) error {
	effect, ok := r.Values[contributionEffect].(imis.ContributionEffect)
	delete(r.Values, contributionEffect)
	if !ok {
		return nil
	}
	pol, err := tx.db.findByID(ctx, tx, imis.Policies, idOf(r.Values["policy_id"]), false)
	if err != nil {
		return err
	}
	if intOf(pol.Values["status"]) != int64(effect.Status) || !sameDate(dateOf(pol.Values["effective_date"]), effect.Effective) {
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
	if status.Int64 != imis.PolicyIdle {
		return imis.Errorf(imis.ECONFLICT, "error.contribution_locked")
	}
	return nil
}

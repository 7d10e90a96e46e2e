package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/openimis-go/openimis"
)

// Renewal reminder answers (policy_renewals.response_status).
const (
	reminderOpen      = 0
	reminderRenewed   = 1
	reminderDeclined  = 2
	remindersRegister = "policy-renewals"
)

// RenewalRequest is a renewal as the mobile app uploads it: the reminder it answers (by wire id,
// 0 when the officer renews without one), the family (by an insurance number of the family), the
// product code and the payment taken, or the family's choice to discontinue.
type RenewalRequest struct {
	ReminderWireID int64
	OfficerCode    string
	CHFID          string
	Receipt        string
	ProductCode    string
	Amount         imis.Money
	Date           imis.Date
	Discontinue    bool
	PayerWireID    int64
}

// RenewalUpload carries out an uploaded renewal in one transaction: the renewal command (policy,
// contribution, reminders answered) once the upload has named the policy renewed. The same upload
// sent again, or a renewal already carried out, is refused as already done and changes nothing.
// A refusal carries its reason; the accepted upload is recorded with the renewal, and the caller
// records a refusal with the result it answers.
func (db *DB) RenewalUpload(ctx context.Context, u Upload, req RenewalRequest) error {
	return db.inTx(ctx, func(tx *Tx) error {
		if _, found, err := acceptedUpload(ctx, tx, u); err != nil {
			return err
		} else if found {
			return refuseUpload(imis.ReasonAlreadyDone)
		}
		familyID, err := tx.renewalUpload(ctx, req)
		if err != nil {
			return err
		}
		return tx.recordUpload(ctx, u, u.AcceptedResult, true, familyID, "")
	})
}

// uploadReminder is a reminder as the renewal upload reads it.
type uploadReminder struct {
	id, policy, family imis.ID
	status             int64
}

// renewalUpload finds the family, the reminder and the policy an uploaded renewal continues,
// refuses what was done before, and runs the renewal command.
func (tx *Tx) renewalUpload(ctx context.Context, req RenewalRequest) (imis.ID, error) {
	// The family: that of a current insuree with the number, in the user's districts.
	var q query
	q.WriteString("SELECT t.family_id FROM insurees t WHERE t.chfid = " + q.arg(strings.TrimSpace(req.CHFID)) +
		" AND t.validity_to IS NULL AND " + scopePredicate(&q, imis.Insurees, tx.user, false))
	var familyID imis.ID
	if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&familyID); errors.Is(err, sql.ErrNoRows) {
		return imis.NilID, refuseUpload(imis.ReasonNumberAbsent)
	} else if err != nil {
		return imis.NilID, err
	}
	var reminder *uploadReminder
	if req.ReminderWireID > 0 {
		var r uploadReminder
		err := tx.QueryRowContext(ctx, "SELECT id, policy_id, family_id, response_status FROM policy_renewals WHERE wire_id = $1 AND validity_to IS NULL",
			req.ReminderWireID).Scan(&r.id, &r.policy, &r.family, &r.status)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return familyID, err
		case r.family == familyID:
			reminder = &r
		}
	}
	if reminder != nil {
		switch {
		case reminder.status == reminderRenewed:
			return familyID, refuseUpload(imis.ReasonAlreadyDone)
		case reminder.status == reminderDeclined && req.Discontinue:
			return familyID, refuseUpload(imis.ReasonAlreadyDone)
		case reminder.status == reminderDeclined:
			return familyID, refuseUpload(imis.ReasonRenewalDeclined)
		}
	}
	if req.Discontinue {
		if reminder == nil {
			return familyID, refuseUpload(imis.ReasonNoPreviousPolicy)
		}
		return familyID, tx.answerReminders(ctx, reminder.policy, reminderDeclined, &reminder.id)
	}

	// The product asked for and the previous policy: the reminder's, else the family's latest
	// Active or Expired policy of that product or of a product converting into it.
	var productID imis.ID
	if err := tx.QueryRowContext(ctx, "SELECT id FROM products WHERE code = $1 AND validity_to IS NULL", strings.TrimSpace(req.ProductCode)).Scan(&productID); errors.Is(err, sql.ErrNoRows) {
		return familyID, refuseUpload(imis.ReasonNoPreviousPolicy)
	} else if err != nil {
		return familyID, err
	}
	var prevID imis.ID
	var err error
	if reminder != nil {
		err = tx.QueryRowContext(ctx, "SELECT id FROM policies WHERE id = $1 AND validity_to IS NULL", reminder.policy).Scan(&prevID)
	} else {
		var q query
		q.WriteString("SELECT id FROM policies WHERE family_id = " + q.arg(familyID) + " AND validity_to IS NULL AND status IN " + q.in(renewableStatuses()))
		product := q.arg(productID)
		q.WriteString(` AND (product_id = ` + product + ` OR product_id IN (SELECT c.id FROM products c WHERE c.conversion_product_id = ` + product +
			` AND c.validity_to IS NULL)) ORDER BY expiry_date DESC, id DESC LIMIT 1`)
		err = tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&prevID)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return familyID, refuseUpload(imis.ReasonNoPreviousPolicy)
	} else if err != nil {
		return familyID, err
	}
	// A policy already renewed: by this very renewal (same receipt) or by another request.
	var renewalID imis.ID
	err = tx.QueryRowContext(ctx, "SELECT id FROM policies WHERE previous_id = $1 AND validity_to IS NULL ORDER BY id LIMIT 1", prevID).Scan(&renewalID)
	if err == nil {
		var same int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM premiums WHERE policy_id = $1 AND receipt = $2 AND validity_to IS NULL",
			renewalID, strings.TrimSpace(req.Receipt)).Scan(&same); err != nil {
			return familyID, err
		}
		if same > 0 {
			return familyID, refuseUpload(imis.ReasonAlreadyDone)
		}
		return familyID, refuseUpload(imis.ReasonAlreadyRenewed)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return familyID, err
	}

	r := Renewal{Previous: prevID, Product: productID, Enroll: req.Date, AnswerReminders: true}
	if reminder != nil {
		r.Reminder = &reminder.id
	}
	// The officer: the one named, else the user's own officer, else the previous policy's.
	for _, code := range []string{req.OfficerCode, tx.userLogin()} {
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		var id imis.ID
		if err := tx.QueryRowContext(ctx, "SELECT id FROM officers WHERE code = $1 AND validity_to IS NULL", code).Scan(&id); err == nil {
			r.Officer = &id
			break
		} else if !errors.Is(err, sql.ErrNoRows) {
			return familyID, err
		}
	}
	if req.Amount > 0 {
		var payer any
		if req.PayerWireID > 0 {
			var id imis.ID
			if err := tx.QueryRowContext(ctx, "SELECT id FROM payers WHERE wire_id = $1 AND validity_to IS NULL", req.PayerWireID).Scan(&id); err == nil {
				payer = id
			} else if !errors.Is(err, sql.ErrNoRows) {
				return familyID, err
			}
		}
		r.Contribution = imis.Values{"payer_id": payer, "amount": int64(req.Amount), "receipt": strings.TrimSpace(req.Receipt),
			"pay_date": req.Date, "pay_type": "C", "is_photo_fee": false, "is_offline": false}
		// An upload cannot answer the payment prompt: an underpaid renewal waits for payment.
		r.Decision = imis.DecisionWait
	}
	_, _, err = tx.renew(ctx, r)
	return familyID, uploadedRenewalRefusal(err)
}

// uploadedRenewalRefusal turns what the renewal command refuses into a refusal of the upload: a
// used receipt, a policy already there, a late renewal and a product off the previous product's
// conversion chain keep their reason; any other refusal (a policy not renewable, a product not
// sold to the family, an officer gone, a date in the future, ...) makes the policy not
// renewable. Other errors stay errors.
func uploadedRenewalRefusal(err error) error {
	switch imis.ReasonOf(err) {
	case imis.ReasonReceiptUsed, imis.ReasonPolicyDuplicate, imis.ReasonLateRenewal, imis.ReasonRenewalProduct:
		return err
	}
	if code := imis.ErrorCode(err); code == imis.EINVALID || code == imis.ECONFLICT {
		return refuseUpload(imis.ReasonNotRenewable)
	}
	return err
}

// answerReminders records the family's answer on the open reminders of a policy (and on the one
// answered, whatever its state), with an audit record each.
func (tx *Tx) answerReminders(ctx context.Context, policyID imis.ID, status int64, answered *imis.ID) error {
	var q query
	q.WriteString("SELECT id, response_status FROM policy_renewals WHERE validity_to IS NULL AND (policy_id = " + q.arg(policyID) +
		" AND response_status = " + q.arg(int64(reminderOpen)))
	if answered != nil {
		q.WriteString(" OR id = " + q.arg(*answered))
	}
	q.WriteString(")")
	rows, err := tx.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return err
	}
	type rem struct {
		id     imis.ID
		status int64
	}
	var rems []rem
	for rows.Next() {
		var r rem
		if err := rows.Scan(&r.id, &r.status); err != nil {
			rows.Close()
			return err
		}
		rems = append(rems, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range rems {
		if _, err := tx.ExecContext(ctx, "UPDATE policy_renewals SET response_status = $1, response_date = $2 WHERE id = $3", status, tx.now, r.id); err != nil {
			return err
		}
		id := r.id
		if err := tx.auditRaw(ctx, "update", remindersRegister, &id, map[string]any{"response_status": r.status}, map[string]any{"response_status": status}); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) userLogin() string {
	if tx.user == nil {
		return ""
	}
	return tx.user.Login
}

// DeclineRenewal records that the family will not renew: the open reminder with that id, in the user's districts, is marked declined. It reports false when
// there is no such reminder, or when it was already renewed.
func (db *DB) DeclineRenewal(ctx context.Context, id imis.ID) (bool, error) {
	found := false
	err := db.inTx(ctx, func(tx *Tx) error {
		found = false
		var q query
		q.WriteString("SELECT r.response_status FROM policy_renewals r WHERE r.id = " + q.arg(id) +
			" AND r.validity_to IS NULL AND r.family_id IN (SELECT t.id FROM families t WHERE " + scopePredicate(&q, imis.Families, tx.user, false) + ")")
		var status int64
		if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&status); errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if status == reminderRenewed {
			return nil
		}
		found = true
		if status == reminderDeclined {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE policy_renewals SET response_status = $1, response_date = $2 WHERE id = $3", int64(reminderDeclined), tx.now, id); err != nil {
			return err
		}
		return tx.auditRaw(ctx, "update", remindersRegister, &id, map[string]any{"response_status": status}, map[string]any{"response_status": int64(reminderDeclined)})
	})
	return found, err
}

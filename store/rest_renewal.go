package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// Renewal answers of REST v3 POST policy/renew (upstream Errors.Renewal), which the Policies app
// shows per renewal file.
const (
	RenewalAccepted          = 3001
	RenewalAlreadyAccepted   = 3002
	RenewalRejected          = 3003
	RenewalDuplicateReceipt  = 3004
	RenewalGracePeriodOver   = 3005
	RenewalNumberNotFound    = 3007
	RenewalAlreadyRequested  = 3008
	RenewalNoPreviousPolicy  = 3009
	RenewalUnexpectedFailure = 3999
)

// Renewal reminder answers (policy_renewals.response_status).
const (
	reminderOpen      = 0
	reminderRenewed   = 1
	reminderDeclined  = 2
	remindersRegister = "policy-renewals"
)

// PhoneRenewal is a renewal as the Policies app uploads it: the reminder it answers (by wire id,
// 0 when the officer renews without one), the family (by an insurance number of the family), the
// product code and the payment taken, or the family's choice to discontinue.
type PhoneRenewal struct {
	RenewalWireID int64
	OfficerCode   string
	CHFID         string
	Receipt       string
	ProductCode   string
	Amount        imis.Money
	Date          imis.Date
	Discontinue   bool
	PayerWireID   int64
}

// phoneRenewalError ends the renewal transaction with an answer code; nothing it did is kept.
type phoneRenewalError struct{ code int }

func (e *phoneRenewalError) Error() string { return "renewal refused: " + strconv.Itoa(e.code) }

func phoneRefuse(code int) error { return &phoneRenewalError{code} }

// RenewFromPhone carries out a renewal uploaded by the Policies app in one transaction: the
// renewal policy (dates, value and status computed as for any renewal), the contribution paid
// with it, and the reminder marked as answered. The same upload sent again answers 3002 and
// changes nothing. The upload is recorded under u whatever the answer.
func (db *DB) RenewFromPhone(ctx context.Context, u Upload, req PhoneRenewal) (int, error) {
	code := RenewalAccepted
	var familyID imis.ID
	err := db.inTx(ctx, func(tx *Tx) error {
		code, familyID = RenewalAccepted, imis.NilID
		if _, result, found, err := acceptedUpload(ctx, tx, u); err != nil {
			return err
		} else if found {
			code = int(result)
			if code == RenewalAccepted {
				code = RenewalAlreadyAccepted
			}
			return nil
		}
		fam, err := tx.renewFromPhone(ctx, req)
		familyID = fam
		if err != nil {
			return err
		}
		return tx.recordUpload(ctx, u, RenewalAccepted, true, familyID, "")
	})
	var refused *phoneRenewalError
	switch {
	case errors.As(err, &refused):
		code = refused.code
	case err != nil:
		return RenewalUnexpectedFailure, err
	}
	if code != RenewalAccepted && code != RenewalAlreadyAccepted {
		if err := db.RecordUpload(ctx, u, int64(code), ""); err != nil {
			return RenewalUnexpectedFailure, err
		}
	}
	return code, nil
}

// phoneReminder is a reminder as the renewal reads it.
type phoneReminder struct {
	id, policy, family imis.ID
	status             int64
}

func (tx *Tx) renewFromPhone(ctx context.Context, req PhoneRenewal) (imis.ID, error) {
	// The family: that of a current insuree with the number, in the user's districts.
	var q query
	q.WriteString("SELECT t.family_id FROM insurees t WHERE t.chfid = " + q.arg(strings.TrimSpace(req.CHFID)) +
		" AND t.validity_to IS NULL AND " + scopePredicate(&q, imis.Insurees, tx.user, false))
	var familyID imis.ID
	if err := tx.QueryRowContext(ctx, q.String(), q.args...).Scan(&familyID); errors.Is(err, sql.ErrNoRows) {
		return imis.NilID, phoneRefuse(RenewalNumberNotFound)
	} else if err != nil {
		return imis.NilID, err
	}
	var reminder *phoneReminder
	if req.RenewalWireID > 0 {
		var r phoneReminder
		err := tx.QueryRowContext(ctx, "SELECT id, policy_id, family_id, response_status FROM policy_renewals WHERE wire_id = $1 AND validity_to IS NULL",
			req.RenewalWireID).Scan(&r.id, &r.policy, &r.family, &r.status)
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
			return familyID, phoneRefuse(RenewalAlreadyAccepted)
		case reminder.status == reminderDeclined && req.Discontinue:
			return familyID, phoneRefuse(RenewalAlreadyAccepted)
		case reminder.status == reminderDeclined:
			return familyID, phoneRefuse(RenewalRejected)
		}
	}
	if req.Discontinue {
		if reminder == nil {
			return familyID, phoneRefuse(RenewalNoPreviousPolicy)
		}
		return familyID, tx.answerPhoneReminders(ctx, reminder.policy, reminderDeclined, &reminder.id)
	}

	// The product asked for and the previous policy: the reminder's, else the family's latest
	// Active or Expired policy of that product or of a product converting into it.
	var productID imis.ID
	if err := tx.QueryRowContext(ctx, "SELECT id FROM products WHERE code = $1 AND validity_to IS NULL", strings.TrimSpace(req.ProductCode)).Scan(&productID); errors.Is(err, sql.ErrNoRows) {
		return familyID, phoneRefuse(RenewalNoPreviousPolicy)
	} else if err != nil {
		return familyID, err
	}
	var prevID imis.ID
	var prevExpiry imis.Date
	var prevStatus int64
	var err error
	if reminder != nil {
		err = tx.QueryRowContext(ctx, "SELECT id, expiry_date, status FROM policies WHERE id = $1 AND validity_to IS NULL", reminder.policy).
			Scan(&prevID, &prevExpiry, &prevStatus)
	} else {
		err = tx.QueryRowContext(ctx, `SELECT id, expiry_date, status FROM policies WHERE family_id = $1 AND validity_to IS NULL AND status IN ($2, $3)
			AND (product_id = $4 OR product_id IN (SELECT c.id FROM products c WHERE c.conversion_product_id = $4 AND c.validity_to IS NULL))
			ORDER BY expiry_date DESC, id DESC LIMIT 1`, familyID, int64(imis.PolicyActive), int64(imis.PolicyExpired), productID).
			Scan(&prevID, &prevExpiry, &prevStatus)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return familyID, phoneRefuse(RenewalNoPreviousPolicy)
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
			return familyID, phoneRefuse(RenewalAlreadyAccepted)
		}
		return familyID, phoneRefuse(RenewalAlreadyRequested)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return familyID, err
	}
	if !imis.Renewable(prevStatus) {
		return familyID, phoneRefuse(RenewalRejected)
	}

	renewWith, err := tx.renewalProduct(ctx, productID, req.Date)
	if err != nil {
		return familyID, err
	}
	if renewWith == imis.NilID {
		return familyID, phoneRefuse(RenewalRejected)
	}
	_, terms, err := tx.productAt(ctx, renewWith, req.Date)
	if err != nil {
		return familyID, err
	}
	if imis.LateRenewal(terms, req.Date, prevExpiry) {
		return familyID, phoneRefuse(RenewalGracePeriodOver)
	}
	if req.Amount > 0 {
		var used int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM premiums WHERE product_id = $1 AND receipt = $2 AND validity_to IS NULL",
			renewWith, strings.TrimSpace(req.Receipt)).Scan(&used); err != nil {
			return familyID, err
		}
		if used > 0 {
			return familyID, phoneRefuse(RenewalDuplicateReceipt)
		}
	}

	// The officer: the one named, else the user's own officer, else the previous policy's.
	var officer any
	for _, code := range []string{req.OfficerCode, tx.phoneUserLogin()} {
		if code = strings.TrimSpace(code); code == "" {
			continue
		}
		var id imis.ID
		if err := tx.QueryRowContext(ctx, "SELECT id FROM officers WHERE code = $1 AND validity_to IS NULL", code).Scan(&id); err == nil {
			officer = id
			break
		} else if !errors.Is(err, sql.ErrNoRows) {
			return familyID, err
		}
	}
	if officer == nil {
		var prevOfficer uuid.NullUUID
		if err := tx.QueryRowContext(ctx, "SELECT officer_id FROM policies WHERE id = $1", prevID).Scan(&prevOfficer); err != nil {
			return familyID, err
		}
		officer = nullID(prevOfficer)
	}
	pv := imis.Values{"family_id": familyID, "product_id": renewWith, "officer_id": officer, "enroll_date": req.Date,
		"previous_id": prevID, "is_offline": false}
	pol, err := tx.create(ctx, imis.Policies, pv, nil, saveOptions{})
	if err != nil {
		return familyID, phoneRenewalRefusal(explainIndexConflict(err, pv))
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
		cv := imis.Values{"policy_id": pol.ID, "payer_id": payer, "amount": int64(req.Amount), "receipt": strings.TrimSpace(req.Receipt),
			"pay_date": req.Date, "pay_type": "C", "is_photo_fee": false, "is_offline": false}
		// The phone cannot answer the payment prompt: an underpaid renewal waits for payment.
		if _, err := tx.create(ctx, imis.Contributions, cv, nil, saveOptions{decision: imis.DecisionWait}); err != nil {
			return familyID, phoneRenewalRefusal(explainIndexConflict(err, cv))
		}
	}
	var id *imis.ID
	if reminder != nil {
		id = &reminder.id
	}
	return familyID, tx.answerPhoneReminders(ctx, prevID, reminderRenewed, id)
}

// phoneRenewalRefusal turns what the registers refuse about the renewal policy or its contribution
// into the app's answer: a used receipt, a policy already there, or a plain rejection (product
// not sold to the family, officer gone, date in the future, ...). Other errors stay errors.
func phoneRenewalRefusal(err error) error {
	switch {
	case imis.ReasonOf(err) == imis.ReasonReceiptUsed:
		return phoneRefuse(RenewalDuplicateReceipt)
	case imis.ReasonOf(err) == imis.ReasonPolicyDuplicate:
		return phoneRefuse(RenewalAlreadyRequested)
	case imis.ErrorCode(err) == imis.EINVALID || imis.ErrorCode(err) == imis.ECONFLICT:
		return phoneRefuse(RenewalRejected)
	}
	return err
}

// answerPhoneReminders records the family's answer on the open reminders of a policy (and on the one
// answered, whatever its state), with an audit record each.
func (tx *Tx) answerPhoneReminders(ctx context.Context, policyID imis.ID, status int64, answered *imis.ID) error {
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

func (tx *Tx) phoneUserLogin() string {
	if tx.user == nil {
		return ""
	}
	return tx.user.Login
}

// DeclineRenewal records that the family will not renew (REST v3 DELETE policy/renew/{uuid}): the
// open reminder with that id, in the user's districts, is marked declined. It reports false when
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

package store

import (
	"context"
	"database/sql"

	"github.com/google/uuid"
	"github.com/openimis-go/openimis"
)

// RenewalReminder is an open renewal reminder as the back office lists it: the reminder as the
// officers' phones see it, with the officer's own id so that a renewal can be given to the
// officer the reminder names.
type RenewalReminder struct {
	RenewalDue
	OfficerUUID imis.ID // NilID when no officer could be found for the reminder (warning 2)
}

// openRemindersFrom and openRemindersWhere choose the reminders the renewals list shows: open
// and unanswered, of a current policy and of a current family the user may see.
const openRemindersFrom = `policy_renewals r
		JOIN policies p ON p.id = r.policy_id
		JOIN families t ON t.id = r.family_id AND t.validity_to IS NULL`

func openRemindersWhere(q *query, u *imis.User) string {
	return "r.validity_to IS NULL AND r.response_status = 0 AND p.validity_to IS NULL AND " + scopePredicate(q, imis.Families, u, false)
}

// VisibleRenewals lists the open reminders of the families the acting user may see, oldest
// renewal date first; officerID (when not NilID) keeps those assigned to that officer. Unlike
// RenewalsDue, which serves an officer's phone, it is scoped by the family's district, so a
// district user never sees another district's families, and it keeps reminders without an
// officer, which are the ones a supervisor has to hand out.
func (db *DB) VisibleRenewals(ctx context.Context, officerID imis.ID) ([]RenewalReminder, error) {
	var q query
	q.WriteString(`SELECT r.wire_id, r.id, p.wire_id, p.id, o.wire_id, o.id, o.code, i.chfid, i.last_name, i.other_names,
		r.new_product_id, pr.code, pr.name, r.family_id, v.name, r.prompt_date, r.renewal_date, o.phone, r.warnings, r.response_status
		FROM ` + openRemindersFrom + `
		JOIN insurees i ON i.id = r.insuree_id
		JOIN locations v ON v.id = t.location_id
		LEFT JOIN officers o ON o.id = r.new_officer_id
		LEFT JOIN products pr ON pr.id = r.new_product_id
		WHERE ` + openRemindersWhere(&q, imis.UserFromContext(ctx)))
	if officerID != imis.NilID {
		q.WriteString(" AND r.new_officer_id = " + q.arg(officerID))
	}
	q.WriteString(" ORDER BY r.renewal_date, r.wire_id, r.id")
	rows, err := db.read.QueryContext(ctx, q.String(), q.args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []RenewalReminder
	for rows.Next() {
		var d RenewalReminder
		var rw, pw, ow sql.NullInt64
		var code, name, phone, officerCode sql.NullString
		var product, officer uuid.NullUUID
		if err := rows.Scan(&rw, &d.RenewalUUID, &pw, &d.PolicyUUID, &ow, &officer, &officerCode, &d.CHFID, &d.LastName, &d.OtherNames,
			&product, &code, &name, &d.FamilyID, &d.VillageName, &d.PromptDate, &d.RenewalDate, &phone, &d.Warnings, &d.ResponseStatus); err != nil {
			return nil, mapError(err)
		}
		d.RenewalID, d.PolicyID, d.OfficerID, d.OfficerUUID, d.OfficerCode = rw.Int64, pw.Int64, ow.Int64, officer.UUID, officerCode.String
		d.ProductID, d.ProductCode, d.ProductName, d.Phone = product.UUID, code.String, name.String, phone.String
		out = append(out, d)
	}
	return out, mapError(rows.Err())
}

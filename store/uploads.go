package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/openimis-go/openimis"
)

// The uploads table remembers every upload of the mobile apps: who sent it, the hash of its
// canonical payload, whether it was accepted and the result the sender was given. It makes a
// resent upload answer as the first one did (exactly once), and it is what the apps' enrolment
// and renewal indicators count.

// Upload kinds, as the uploads table records them.
const (
	UploadEnrolment = "enrolment"
	UploadRenewal   = "renewal"
)

// Upload identifies one upload: its kind, the user and officer who sent it and its payload hash.
// AcceptedResult is the result the uploads table records when the upload is accepted: the
// sender's own code for acceptance, kept as data and never read back.
type Upload struct {
	Kind           string
	UserID         imis.ID
	OfficerID      imis.ID // NilID when the user is no officer
	Hash           string
	AcceptedResult int64
}

// refusedUpload is a refusal an upload reached by its own checks: running it again cannot change
// the answer, unlike a unique index fired by a concurrent upload of the same records.
type refusedUpload struct{ err *imis.Error }

func (e *refusedUpload) Error() string { return e.err.Error() }

func (e *refusedUpload) Unwrap() error { return e.err }

// refuseUpload ends an upload's transaction with a refusal for reason; nothing it did is kept.
func refuseUpload(reason imis.Reason) error { return &refusedUpload{refusal(reason)} }

// refusal refuses a request for a reason its caller acts on.
func refusal(reason imis.Reason) *imis.Error {
	return &imis.Error{Code: imis.ECONFLICT, Reason: reason, Message: "error.conflict"}
}

// acceptedUpload returns the stored response of an accepted upload with the same payload from
// the same user, if there is one.
func acceptedUpload(ctx context.Context, q queryer, u Upload) (response string, found bool, err error) {
	var resp sql.NullString
	err = q.QueryRowContext(ctx, `SELECT response FROM uploads WHERE kind = $1 AND user_id = $2 AND payload_hash = $3 AND accepted = $4
		ORDER BY received_at LIMIT 1`, u.Kind, u.UserID, u.Hash, true).Scan(&resp)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	} else if err != nil {
		return "", false, err
	}
	return resp.String, true, nil
}

// recordUpload writes the outcome of an upload, with its result in the sender's terms. A payload received before keeps its first
// receipt time, so each distinct upload counts once in the reports; an accepted one is never
// turned into a rejected one by a later retry.
func (tx *Tx) recordUpload(ctx context.Context, u Upload, result int64, accepted bool, familyID imis.ID, response string) error {
	var id imis.ID
	var was bool
	err := tx.QueryRowContext(ctx, "SELECT id, accepted FROM uploads WHERE kind = $1 AND user_id = $2 AND payload_hash = $3 ORDER BY received_at LIMIT 1",
		u.Kind, u.UserID, u.Hash).Scan(&id, &was)
	var resp any
	if response != "" {
		resp = response
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO uploads (id, kind, user_id, officer_id, received_at, payload_hash, result, accepted, family_id, response)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			imis.NewID(), u.Kind, nilIfZero(u.UserID), nilIfZero(u.OfficerID), tx.now, u.Hash, result, accepted, nilIfZero(familyID), resp)
		return err
	case err != nil:
		return err
	case was:
		return nil
	}
	_, err = tx.ExecContext(ctx, "UPDATE uploads SET result = $1, accepted = $2, family_id = $3, response = $4 WHERE id = $5",
		result, accepted, nilIfZero(familyID), resp, id)
	return err
}

// RecordUpload writes the outcome of an upload that was refused, with the result the sender was
// given, in a transaction of its own.
func (db *DB) RecordUpload(ctx context.Context, u Upload, result int64, response string) error {
	return db.inTx(ctx, func(tx *Tx) error { return tx.recordUpload(ctx, u, result, false, imis.NilID, response) })
}

package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"maps"
	"strings"

	"github.com/openimis-go/openimis"
)

// thumbnailType is the content type of every stored thumbnail: the photo package makes JPEGs.
const thumbnailType = "image/jpeg"

// SavePhoto stores a new photo of an insuree. The previous photo is closed, not removed, so the
// insuree's history still shows the face it had; the insuree's photo name and date change with a
// history row of their own. Sending the current photo again changes nothing.
func (db *DB) SavePhoto(ctx context.Context, insureeID imis.ID, fileName, contentType string, data, thumb []byte, date imis.Date) error {
	p := imis.Problems{}
	fileName, contentType = strings.TrimSpace(fileName), strings.TrimSpace(contentType)
	if fileName == "" || contentType == "" || len(data) == 0 {
		p.Add("photo", "error.required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if thumb == nil {
		thumb = []byte{}
	}
	return db.inTx(ctx, func(tx *Tx) error {
		ins, err := tx.db.findByID(ctx, tx, imis.Insurees, insureeID, true)
		if err != nil {
			return err
		}
		var current []byte
		err = tx.QueryRowContext(ctx, "SELECT data FROM photos WHERE insuree_id = $1 AND file_name = $2 AND validity_to IS NULL", insureeID, fileName).Scan(&current)
		if err == nil && bytes.Equal(current, data) {
			return nil
		} else if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if date.IsZero() {
			date = tx.today()
		}
		if err := tx.replacePhoto(ctx, insureeID, fileName, contentType, data, thumb, date, nil); err != nil {
			return err
		}
		_, err = tx.update(ctx, imis.Insurees, insureeID, ins.Version, maps.Clone(ins.Values), nil,
			saveOptions{computed: imis.Values{"photo_file": fileName, "photo_date": date}})
		return err
	})
}

// storePhoto makes a checked photo the insuree's current one, dated today.
func (tx *Tx) storePhoto(ctx context.Context, insureeID imis.ID, p *InsureePhoto) error {
	return tx.replacePhoto(ctx, insureeID, p.FileName, p.ContentType, p.Data, p.Thumb, tx.today(), nilIfZero(p.Officer))
}

// replacePhoto makes a new photo the insuree's current one, closing the previous one so history
// keeps it. officer is the enrolment officer who took it, when known.
func (tx *Tx) replacePhoto(ctx context.Context, insureeID imis.ID, fileName, contentType string, data, thumb []byte, date imis.Date, officer any) error {
	if thumb == nil {
		thumb = []byte{}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE photos SET validity_to = $1 WHERE insuree_id = $2 AND validity_to IS NULL", tx.now, insureeID); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO photos (id, insuree_id, file_name, content_type, data, thumbnail, photo_date, officer_id,
		validity_from, audit_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		imis.NewID(), insureeID, fileName, contentType, data, thumb, date, officer, tx.now, tx.auditUser())
	return err
}

// PhotoByFileName returns a photo by its stored file name, current or earlier, if the user may
// see its insuree.
func (db *DB) PhotoByFileName(ctx context.Context, name string) (contentType string, data []byte, err error) {
	var q query
	q.WriteString("SELECT p.content_type, p.data FROM photos p JOIN insurees t ON t.id = p.insuree_id AND t.validity_to IS NULL WHERE p.file_name = " +
		q.arg(strings.TrimSpace(name)) + " AND " + scopePredicate(&q, imis.Insurees, imis.UserFromContext(ctx), false) +
		" ORDER BY p.validity_from DESC LIMIT 1")
	err = db.read.QueryRowContext(ctx, q.String(), q.args...).Scan(&contentType, &data)
	if err != nil {
		return "", nil, mapError(err)
	}
	return contentType, data, nil
}

// Photo returns an insuree's current photo, or its thumbnail, if the user may see the insuree.
func (db *DB) Photo(ctx context.Context, insureeID imis.ID, thumb bool) (contentType string, data []byte, err error) {
	var q query
	q.WriteString("SELECT p.content_type, p.data, p.thumbnail FROM photos p JOIN insurees t ON t.id = p.insuree_id AND t.validity_to IS NULL WHERE p.insuree_id = " +
		q.arg(insureeID) + " AND p.validity_to IS NULL AND " + scopePredicate(&q, imis.Insurees, imis.UserFromContext(ctx), false) +
		" ORDER BY p.validity_from DESC LIMIT 1")
	var small []byte
	if err := db.read.QueryRowContext(ctx, q.String(), q.args...).Scan(&contentType, &data, &small); err != nil {
		return "", nil, mapError(err)
	}
	if thumb && len(small) > 0 {
		return thumbnailType, small, nil
	}
	return contentType, data, nil
}

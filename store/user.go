package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/openimis-go/openimis"
)

// Login lockout: five failed passwords within the window lock the login for the same duration.
const (
	MaxFailedLogins = 5
	LockoutWindow   = 15 * time.Minute
)

// unknownLoginHash is an argon2id hash of a password nobody uses.
const unknownLoginHash = "$argon2id$v=19$m=19456,t=2,p=1$2KWg533/kb9VenrqULktbg$A9sFH2aYA7XseFgvj7fTBaJXDcdyyf4bPeU1SwXnaYA"

// Authenticate checks a login and password on behalf of every interface. A locked login is
// refused even with the right password; a wrong password counts towards the lockout.
// verify compares a password with a stored hash (the auth package's argon2id).
func (db *DB) Authenticate(ctx context.Context, login, password string, verify func(hash, password string) bool) (*imis.User, error) {
	var id imis.ID
	var failed bool
	err := db.inTx(ctx, func(tx *Tx) error {
		failed = false
		var hash sql.NullString
		var count int
		var since, locked sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT id, password_hash, failed_logins, failed_since, locked_until FROM users
			WHERE login = $1 AND validity_to IS NULL`, login).Scan(&id, &hash, &count, &since, &locked)
		if errors.Is(err, sql.ErrNoRows) {
			// Checking a password against a dummy hash keeps an unknown login as slow as a known
			// one, so response times do not reveal which logins exist.
			verify(unknownLoginHash, password)
			return imis.Errorf(imis.EUNAUTHORIZED, "error.bad_credentials")
		} else if err != nil {
			return err
		}
		if locked.Valid && locked.Time.After(tx.now) {
			return imis.Errorf(imis.ELOCKED, "error.locked")
		}
		if hash.Valid && verify(hash.String, password) {
			_, err := tx.ExecContext(ctx, "UPDATE users SET failed_logins = 0, failed_since = NULL, locked_until = NULL, last_login = $1 WHERE id = $2", tx.now, id)
			return err
		}
		if !since.Valid || tx.now.Sub(since.Time) > LockoutWindow {
			count, since = 0, sql.NullTime{Time: tx.now, Valid: true}
		}
		count++
		var lockUntil any
		if count >= MaxFailedLogins {
			lockUntil = tx.now.Add(LockoutWindow)
		}
		// The failure is committed: it must count even though the login is refused.
		failed = true
		_, err = tx.ExecContext(ctx, "UPDATE users SET failed_logins = $1, failed_since = $2, locked_until = $3 WHERE id = $4",
			count, since.Time, lockUntil, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if failed {
		return nil, imis.Errorf(imis.EUNAUTHORIZED, "error.bad_credentials")
	}
	return db.LoadUser(ctx, id)
}

// LoadUser returns a current user with the rights of their current, unblocked roles and their
// districts.
func (db *DB) LoadUser(ctx context.Context, id imis.ID) (*imis.User, error) {
	u := &imis.User{}
	var email, phone sql.NullString
	var hf *imis.ID
	var last sql.NullTime
	err := db.read.QueryRowContext(ctx, `SELECT id, wire_id, login, last_name, other_names, email, phone, language, hf_id, last_login
		FROM users WHERE id = $1 AND validity_to IS NULL`, id).
		Scan(&u.ID, &u.WireID, &u.Login, &u.LastName, &u.OtherNames, &email, &phone, &u.Language, &hf, &last)
	if err != nil {
		return nil, mapError(err)
	}
	u.Email, u.Phone, u.HFID = email.String, phone.String, hf
	if last.Valid {
		u.LastLogin = &last.Time
	}
	rows, err := db.read.QueryContext(ctx, `SELECT r.id, r.name, r.system_code, rr.right_id FROM user_roles ur
		JOIN roles r ON r.id = ur.role_id AND r.validity_to IS NULL AND r.blocked = FALSE
		LEFT JOIN role_rights rr ON rr.owner_id = r.id AND rr.validity_to IS NULL
		WHERE ur.owner_id = $1 AND ur.validity_to IS NULL ORDER BY r.name, rr.right_id`, id)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var role imis.Role
		var right sql.NullInt64
		var code int64
		if err := rows.Scan(&role.ID, &role.Name, &code, &right); err != nil {
			return nil, mapError(err)
		}
		role.SystemCode = int(code)
		if n := len(u.Roles); n == 0 || u.Roles[n-1].ID != role.ID {
			u.Roles = append(u.Roles, role)
		}
		if right.Valid {
			r := imis.Right(right.Int64)
			u.Roles[len(u.Roles)-1].Rights = append(u.Roles[len(u.Roles)-1].Rights, r)
			if !slices.Contains(u.Rights, r) {
				u.Rights = append(u.Rights, r)
			}
		}
		if role.SystemCode&imis.SystemRoleAdministrator != 0 {
			u.Admin = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	slices.Sort(u.Rights)
	drows, err := db.read.QueryContext(ctx, "SELECT location_id FROM user_districts WHERE owner_id = $1 AND validity_to IS NULL", id)
	if err != nil {
		return nil, mapError(err)
	}
	defer drows.Close()
	for drows.Next() {
		var d imis.ID
		if err := drows.Scan(&d); err != nil {
			return nil, mapError(err)
		}
		u.Districts = append(u.Districts, d)
	}
	return u, mapError(drows.Err())
}

// UserIDByLogin returns the id of the current user with that login.
func (db *DB) UserIDByLogin(ctx context.Context, login string) (imis.ID, error) {
	var id imis.ID
	err := db.read.QueryRowContext(ctx, "SELECT id FROM users WHERE login = $1 AND validity_to IS NULL", login).Scan(&id)
	return id, mapError(err)
}

// SetPassword stores a new password hash for a login and lifts any lockout.
func (db *DB) SetPassword(ctx context.Context, login, hash string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, failed_logins = 0, failed_since = NULL, locked_until = NULL
			WHERE login = $2 AND validity_to IS NULL`, hash, login)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return imis.Errorf(imis.ENOTFOUND, "error.no_such_login", login)
		}
		return tx.auditRaw(ctx, "set-password", imis.Users.Name, nil, nil, map[string]any{"login": login})
	})
}

// Session is a logged-in browser.
type Session struct {
	User      *imis.User
	CSRFToken string
	ExpiresAt time.Time
}

// SessionLifetime is how long a browser session lasts without logging in again.
const SessionLifetime = 12 * time.Hour

// CreateSession records a session under the hash of its cookie token; the token itself is never
// stored, so a copy of the database cannot be used to log in.
func (db *DB) CreateSession(ctx context.Context, userID imis.ID, tokenHash string) (*Session, error) {
	csrf := randomHex(32)
	now := db.now()
	exp := now.Add(SessionLifetime)
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at < $1", now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
			tokenHash, userID, csrf, now, exp)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Session{CSRFToken: csrf, ExpiresAt: exp}, nil
}

// FindSession returns the live session with that token hash and its user.
func (db *DB) FindSession(ctx context.Context, tokenHash string) (*Session, error) {
	var s Session
	var uid imis.ID
	err := db.read.QueryRowContext(ctx, "SELECT user_id, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
		tokenHash, db.now()).Scan(&uid, &s.CSRFToken, &s.ExpiresAt)
	if err != nil {
		return nil, mapError(err)
	}
	if s.User, err = db.LoadUser(ctx, uid); err != nil {
		return nil, err
	}
	return &s, nil
}

// DeleteSession ends a session (log out).
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.write.ExecContext(ctx, "DELETE FROM sessions WHERE token_hash = $1", tokenHash)
	return mapError(err)
}

// Setting returns a stored setting, or "" when unset.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.read.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, mapError(err)
}

// SetSetting stores a setting.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	_, err := db.write.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	return mapError(err)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RoleIDs resolves role names (case-insensitive) or system codes to role ids.
func (db *DB) RoleIDs(ctx context.Context, names []string) ([]imis.ID, error) {
	var out []imis.ID
	for _, n := range names {
		var id imis.ID
		err := db.read.QueryRowContext(ctx, `SELECT id FROM roles WHERE validity_to IS NULL AND (lower(name) = $1 OR CAST(system_code AS TEXT) = $1)`,
			strings.ToLower(strings.TrimSpace(n))).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, imis.Errorf(imis.EINVALID, "error.no_such_role", n)
		} else if err != nil {
			return nil, mapError(err)
		}
		out = append(out, id)
	}
	return out, nil
}

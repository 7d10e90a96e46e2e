package restv3

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// The renewal calls of the Policies app: the officer's list of families due for renewal, the
// upload of one renewal (or of the family's refusal) and the deletion of a reminder.

// canonicalHash is the hash under which an upload is remembered: the body with keys lower-cased
// and every value as text, so that the same upload hashes alike however the client spelled it.
func canonicalHash(kind string, body restObject) string {
	var canon func(v any) any
	canon = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			out := make(map[string]any, len(x))
			for k, e := range x {
				out[strings.ToLower(k)] = canon(e)
			}
			return out
		case restObject:
			return canon(map[string]any(x))
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = canon(e)
			}
			return out
		case string:
			return strings.TrimSpace(x)
		case json.Number:
			return x.String()
		case bool:
			if x {
				return "true"
			}
			return "false"
		}
		return v
	}
	b, _ := json.Marshal(canon(body))
	sum := sha256.Sum256(append([]byte(kind+"\n"), b...))
	return hex.EncodeToString(sum[:])
}

// restUpload describes an upload by the token's user, who is also the officer whose code is the
// user's login, if there is one; accepted is the code recorded if the upload is accepted.
func (s *server) restUpload(r *http.Request, kind string, accepted int64, body restObject) (store.Upload, error) {
	u := imis.UserFromContext(r.Context())
	officer, err := s.DB.OfficerByCode(r.Context(), u.Login)
	if err != nil {
		return store.Upload{}, err
	}
	return store.Upload{Kind: kind, UserID: u.ID, OfficerID: officer, Hash: canonicalHash(kind, body), AcceptedResult: accepted}, nil
}

// GET policy: the open renewal reminders of the calling officer (and of those they stand in
// for). A user who is no officer has none.
func (s *server) restRenewals(w http.ResponseWriter, r *http.Request) {
	u := imis.UserFromContext(r.Context())
	officer, err := s.DB.OfficerByCode(r.Context(), u.Login)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	out := []map[string]any{}
	if officer != imis.NilID {
		due, err := s.DB.RenewalsDue(r.Context(), officer)
		if err != nil {
			s.restFail(w, r, err)
			return
		}
		for _, d := range due {
			out = append(out, map[string]any{"renewalId": d.RenewalID, "policyId": d.PolicyID, "officerId": d.OfficerID,
				"officerCode": d.OfficerCode, "chfid": d.CHFID, "lastName": d.LastName, "otherNames": d.OtherNames,
				"productCode": d.ProductCode, "productName": d.ProductName, "villageName": d.VillageName,
				"renewalPromptDate": httpx.NullDate(d.PromptDate), "phone": d.Phone, "renewalUUID": d.RenewalUUID})
		}
	}
	httpx.WriteJSON(w, http.StatusOK, out)
}

// POST policy/renew: one renewal from the app, answered with a bare integer 3001…3999.
func (s *server) restRenew(w http.ResponseWriter, r *http.Request) {
	body, err := readRESTObject(w, r)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	req, err := parseRenewal(body)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	up, err := s.restUpload(r, store.UploadRenewal, renewalAccepted, body)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	err = s.DB.RenewalUpload(r.Context(), up, req)
	if imis.ErrorCode(err) == imis.EUNAVAILABLE {
		// Whether the renewal was written cannot be known, so neither can its code.
		s.restFail(w, r, err)
		return
	}
	code := renewalCode(err)
	switch code {
	case renewalAccepted, renewalAlreadyAccepted:
		// Recorded with the renewal, or a repeat of what was done: nothing more to record.
	case renewalUnexpectedFailure:
		s.Log.Error("rest renewal", "err", err)
	default:
		if err := s.DB.RecordUpload(r.Context(), up, int64(code), ""); err != nil {
			s.Log.Error("rest renewal", "err", err)
			code = renewalUnexpectedFailure
		}
	}
	httpx.WriteJSON(w, http.StatusOK, code)
}

func parseRenewal(body restObject) (store.RenewalRequest, error) {
	var req store.RenewalRequest
	var err error
	if req.ReminderWireID, _, err = body.int("RenewalId"); err != nil {
		return req, err
	}
	if req.CHFID, err = body.required("CHFID"); err != nil {
		return req, err
	}
	if req.Discontinue, err = body.bool("Discontinue"); err != nil {
		return req, err
	}
	if req.OfficerCode, err = body.text("Officer"); err != nil {
		return req, err
	}
	if req.ProductCode, err = body.text("ProductCode"); err != nil {
		return req, err
	}
	if req.Receipt, err = body.text("ReceiptNo"); err != nil {
		return req, err
	}
	if req.Amount, _, err = body.money("Amount"); err != nil {
		return req, err
	}
	if req.PayerWireID, _, err = body.int("PayerId"); err != nil {
		return req, err
	}
	if req.Discontinue {
		req.Date, err = body.date("Date")
		return req, err
	}
	if req.Date, err = body.requiredDate("Date"); err != nil {
		return req, err
	}
	switch {
	case req.ProductCode == "":
		return req, inputError("ProductCode", "required")
	case req.Amount < 0:
		return req, inputError("Amount", "negative")
	case req.Amount > 0 && req.Receipt == "":
		return req, inputError("ReceiptNo", "required with an amount")
	}
	return req, nil
}

// DELETE policy/renew/{uuid}: the family declines the renewal; 1 when the reminder was found,
// -1 otherwise.
func (s *server) restDeleteRenewal(w http.ResponseWriter, r *http.Request) {
	id, err := imis.ParseID(r.PathValue("uuid"))
	if err != nil {
		httpx.WriteJSON(w, http.StatusOK, -1)
		return
	}
	found, err := s.DB.DeclineRenewal(r.Context(), id)
	if err != nil {
		s.restFail(w, r, err)
		return
	}
	if !found {
		httpx.WriteJSON(w, http.StatusOK, -1)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, 1)
}

package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

// recordJSON renders a record with typed values: whole numbers as numbers, amounts and decimals
// as exact strings, references as ids.
func recordJSON(reg *imis.Register, rec *store.Record) map[string]any {
	out := map[string]any{"id": rec.ID, "version": rec.Version, "valid_from": rec.ValidFrom.Format(time.RFC3339Nano)}
	if rec.ValidTo != nil {
		out["valid_to"] = rec.ValidTo.Format(time.RFC3339Nano)
	}
	if reg.WireID {
		out["wire_id"] = rec.WireID
	}
	for _, f := range reg.Fields {
		out[f.Name] = jsonValue(f, rec.Values[f.Name])
	}
	for _, c := range reg.Children {
		rows := []map[string]any{}
		for _, row := range rec.Children[c.Name] {
			m := map[string]any{}
			for _, f := range c.Fields {
				m[f.Name] = jsonValue(f, row[f.Name])
			}
			rows = append(rows, m)
		}
		if rec.Children != nil {
			out[c.Name] = rows
		}
	}
	return out
}

func jsonValue(f imis.Field, v any) any {
	switch f.Kind {
	case imis.FieldMoney, imis.FieldDecimal, imis.FieldDate:
		if v == nil {
			return nil
		}
		return f.Format(v)
	}
	return v
}

func (s *server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	if httpx.Status(err) >= 500 {
		s.Log.Error("api", "path", r.URL.Path, "err", err)
	}
	s.WriteJSONError(w, s.Lang(r, imis.UserFromContext(r.Context())), err)
}

func (s *server) apiList(w http.ResponseWriter, r *http.Request) {
	reg, err := httpx.RegisterOf(r, httpx.SearchRight)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	found, err := s.DB.Search(r.Context(), reg, httpx.FilterFrom(r.URL.Query(), reg))
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	items := make([]map[string]any, 0, len(found.Records))
	for _, rec := range found.Records {
		items = append(items, recordJSON(reg, rec))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"total": found.Total, "total_exact": !found.More, "page": found.Page.Number,
		"size": found.Page.Size, "items": items, "next": cursorJSON(found.Next), "previous": cursorJSON(found.Prev)})
}

// cursorJSON is a page's "next" or "previous": the record id to send as "after" or "before" for
// that page, or null when there is none.
func cursorJSON(id imis.ID) any {
	if id == imis.NilID {
		return nil
	}
	return id
}

func (s *server) apiGet(w http.ResponseWriter, r *http.Request) {
	reg, id, ok := s.apiRecord(w, r, httpx.SearchRight)
	if !ok {
		return
	}
	var rec *store.Record
	var err error
	if asOf := r.URL.Query().Get("as_of"); asOf != "" {
		d, perr := imis.ParseDate(asOf)
		if perr != nil {
			s.apiFail(w, r, fieldError("as_of", "error.date"))
			return
		}
		rec, err = s.DB.FindAsOf(r.Context(), reg, id, d)
		if err == nil && rec.LegacyID != nil {
			versions, _ := s.DB.History(r.Context(), reg, id)
			rec.ID, rec.LegacyID, rec.WireID = id, nil, store.RecordWireID(versions, id)
		}
	} else {
		rec, err = s.DB.FindByID(r.Context(), reg, id)
	}
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, recordJSON(reg, rec))
}

func (s *server) apiHistory(w http.ResponseWriter, r *http.Request) {
	reg, id, ok := s.apiRecord(w, r, httpx.SearchRight)
	if !ok {
		return
	}
	recs, err := s.DB.History(r.Context(), reg, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	if len(recs) == 0 {
		s.apiFail(w, r, imis.Errorf(imis.ENOTFOUND, "error.not_found"))
		return
	}
	asRecord(recs, id)
	items := make([]map[string]any, 0, len(recs))
	for _, rec := range recs {
		items = append(items, recordJSON(reg, rec))
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": items})
}

// asRecord presents the versions of record id as that record: the store keeps old versions in
// rows of their own, with their own row id and no wire id, which a client would take for
// another record.
func asRecord(versions []*store.Record, id imis.ID) {
	wire := store.RecordWireID(versions, id)
	for _, v := range versions {
		if v.LegacyID != nil && *v.LegacyID == id {
			v.ID, v.LegacyID, v.WireID = id, nil, wire
		}
	}
}

// readJSONInput decodes a request body into register input.
func readJSONInput(w http.ResponseWriter, r *http.Request, reg *imis.Register) (store.Input, map[string]json.RawMessage, error) {
	var body map[string]json.RawMessage
	switch err := httpx.DecodeJSONBody(w, r, httpx.MaxFormBodyBytes, &body); err {
	case nil:
	case httpx.BodyTrailing:
		return store.Input{}, nil, imis.Errorf(imis.EINVALID, "error.json_trailing")
	case httpx.BodyNotUTF8:
		return store.Input{}, nil, imis.Errorf(imis.EINVALID, "error.json_utf8")
	default:
		return store.Input{}, nil, imis.Errorf(imis.EINVALID, "error.json_body")
	}
	in, err := jsonInput(body, reg)
	return in, body, err
}

func jsonString(body map[string]json.RawMessage, key string) string {
	s, _ := jsonScalar(body[key])
	return s
}

func (s *server) apiCreate(w http.ResponseWriter, r *http.Request) {
	reg, err := httpx.RegisterOf(r, httpx.AddRight)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	in, body, err := readJSONInput(w, r, reg)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	p := s.DB.ParseInput(r.Context(), reg, in, imis.NilID)
	s.ApplyPassword(reg, jsonString(body, "password"), jsonString(body, "password"), true, p)
	if err := p.Problems.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	rec, err := s.DB.Create(r.Context(), reg, p.Values, p.Children)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	rec, err = s.DB.FindByID(r.Context(), reg, rec.ID)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/registers/"+reg.Name+"/"+rec.ID.String())
	httpx.WriteJSON(w, http.StatusCreated, recordJSON(reg, rec))
}

// apiUpdate changes the fields present in the body and keeps the others; "version" must be the
// version the client read.
func (s *server) apiUpdate(w http.ResponseWriter, r *http.Request) {
	reg, id, ok := s.apiRecord(w, r, httpx.EditRight)
	if !ok {
		return
	}
	cur, err := s.DB.FindByID(r.Context(), reg, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	in, body, err := readJSONInput(w, r, reg)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	version, err := strconv.Atoi(jsonString(body, "version"))
	if err != nil {
		s.apiFail(w, r, fieldError("version", "error.required"))
		return
	}
	merged := s.DB.RecordInput(r.Context(), reg, cur)
	for k, v := range in.Raw {
		merged.Raw[k] = v
	}
	for k, v := range in.Rows {
		merged.Rows[k] = v
	}
	p := s.DB.ParseInput(r.Context(), reg, merged, id)
	s.ApplyPassword(reg, jsonString(body, "password"), jsonString(body, "password"), false, p)
	if err := p.Problems.Err(); err != nil {
		s.apiFail(w, r, err)
		return
	}
	if _, err := s.DB.Update(r.Context(), reg, id, version, p.Values, p.Children); err != nil {
		s.apiFail(w, r, err)
		return
	}
	rec, err := s.DB.FindByID(r.Context(), reg, id)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	httpx.WriteJSON(w, http.StatusOK, recordJSON(reg, rec))
}

func (s *server) apiDelete(w http.ResponseWriter, r *http.Request) {
	reg, id, ok := s.apiRecord(w, r, httpx.DeleteRight)
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil {
		s.apiFail(w, r, fieldError("version", "error.required"))
		return
	}
	if err := s.DB.Delete(r.Context(), reg, id, version); err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiRecord reads the register and record id of a request and checks the right on the register.
func (s *server) apiRecord(w http.ResponseWriter, r *http.Request, right func(imis.CRUDRights) imis.Right) (*imis.Register, imis.ID, bool) {
	reg, err := httpx.RegisterOf(r, right)
	if err == nil {
		var id imis.ID
		if id, err = httpx.PathID(r); err == nil {
			return reg, id, true
		}
	}
	s.apiFail(w, r, err)
	return nil, imis.NilID, false
}

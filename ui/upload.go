package ui

import (
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/openimis-go/openimis"
	"github.com/openimis-go/openimis/internal/httpx"
	"github.com/openimis-go/openimis/store"
)

func (s *server) diagnosesUploadPage(w http.ResponseWriter, r *http.Request) {
	s.showUpload(w, r, http.StatusOK, nil)
}

func (s *server) showUpload(w http.ResponseWriter, r *http.Request, status int, data map[string]any) {
	if !imis.UserFromContext(r.Context()).Can(imis.RightDiagnosisUpload) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	p := s.newPage(r, "nav.diagnoses_upload", crumb{Label: "home.title", Href: "/"}, crumb{Label: "nav.tools"}, crumb{Label: "nav.diagnoses_upload"})
	p.Data = data
	s.render(w, r, status, "upload", p)
}

// diagnosesUpload loads ICD-10 codes from a CSV file with the columns code and name (or
// openIMIS's ICDCode and ICDName): new codes are added, changed names updated, all or nothing.
func (s *server) diagnosesUpload(w http.ResponseWriter, r *http.Request) {
	if !imis.UserFromContext(r.Context()).Can(imis.RightDiagnosisUpload) {
		s.fail(w, r, httpx.Forbidden())
		return
	}
	p := s.newPage(r, "nav.diagnoses_upload")
	file, _, err := r.FormFile("file")
	if err != nil {
		s.showUpload(w, r, http.StatusUnprocessableEntity, map[string]any{"Error": p.T("error.upload_missing")})
		return
	}
	defer file.Close()
	rows, err := readDiagnosesCSV(file)
	if err != nil {
		e := httpx.AsError(err)
		s.showUpload(w, r, http.StatusUnprocessableEntity, map[string]any{"Error": p.Err(imis.FieldError{Key: e.Message, Args: e.Args})})
		return
	}
	created, updated, err := s.DB.UpsertByCode(r.Context(), imis.Diagnoses, rows)
	if err != nil {
		if e := httpx.AsError(err); e != nil && httpx.Status(err) < 500 {
			args := append([]any{}, e.Args...)
			if len(args) == 2 {
				args[1] = p.T(args[1].(string))
			}
			s.showUpload(w, r, httpx.Status(err), map[string]any{"Error": p.T(e.Message, args...) + fieldSummary(p, e)})
			return
		}
		s.fail(w, r, err)
		return
	}
	s.showUpload(w, r, http.StatusOK, map[string]any{"Created": created, "Updated": updated})
}

func fieldSummary(p *page, e *imis.Error) string {
	var parts []string
	for k, f := range e.Fields {
		parts = append(parts, k+": "+p.Err(f))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// readDiagnosesCSV parses and checks the whole file before anything is stored.
func readDiagnosesCSV(r io.Reader) ([]imis.Values, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, imis.Errorf(imis.EINVALID, "error.csv_empty")
	}
	codeCol, nameCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) {
		case "code", "icdcode":
			codeCol = i
		case "name", "icdname":
			nameCol = i
		}
	}
	if codeCol < 0 || nameCol < 0 {
		return nil, imis.Errorf(imis.EINVALID, "error.csv_header")
	}
	var out []imis.Values
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, imis.Errorf(imis.EINVALID, "error.csv_syntax", line)
		}
		// The reader skips blank lines, so the line is the one it read, not a count of records.
		line, _ := cr.FieldPos(0)
		if len(rec) <= max(codeCol, nameCol) {
			return nil, imis.Errorf(imis.EINVALID, "error.csv_columns", line)
		}
		raw := map[string]string{"code": rec[codeCol], "name": rec[nameCol]}
		if !store.StorableText(raw["code"] + raw["name"]) {
			return nil, imis.Errorf(imis.EINVALID, "error.csv_encoding", line)
		}
		v, p := imis.Diagnoses.Parse(raw, true)
		for field, fe := range p {
			return nil, imis.Errorf(imis.EINVALID, "error.csv_field", line, field, fe)
		}
		code := v["code"].(string)
		if first, dup := seen[code]; dup {
			return nil, imis.Errorf(imis.EINVALID, "error.csv_duplicate", line, code, first)
		}
		seen[code] = line
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, imis.Errorf(imis.EINVALID, "error.csv_empty")
	}
	return out, nil
}

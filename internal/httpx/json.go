package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/openimis-go/openimis"
)

// jsonError is the error body of the JSON API: the code, a readable message and per-field reasons.
type jsonError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// WriteJSONError answers with the JSON API's error body, its messages in lang, and the status
// of the error's code.
func (k *Kit) WriteJSONError(w http.ResponseWriter, lang string, err error) {
	var body jsonError
	body.Error.Code = imis.ErrorCode(err)
	var e *imis.Error
	if errors.As(err, &e) {
		body.Error.Message = k.FieldMessage(lang, imis.FieldError{Key: e.Message, Args: e.Args})
		for name, f := range e.Fields {
			if body.Error.Fields == nil {
				body.Error.Fields = map[string]string{}
			}
			body.Error.Fields[name] = k.FieldMessage(lang, f)
		}
	} else {
		body.Error.Message = k.Cat.T(lang, "error.internal")
	}
	status := Status(err)
	SetRetryAfter(w, status)
	WriteJSON(w, status, body)
}

// WriteJSON encodes v into a pooled buffer and sends it with its length in one write, rather than
// in chunks as the encoder fills them.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	defer jsonBuffers.Put(buf)
	buf.Reset()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// NullText is a text for a JSON answer: null when empty.
func NullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// NullDate is a business date for a JSON answer: yyyy-MM-dd, or null when unset.
func NullDate(d imis.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// BodyError is why a request body is not one JSON value.
type BodyError string

func (e BodyError) Error() string { return string(e) }

// The reasons DecodeJSONBody refuses a body.
const (
	BodyEmpty    BodyError = "empty"
	BodyTooLarge BodyError = "too large"
	BodyNotUTF8  BodyError = "not UTF-8 text"
	BodyNotJSON  BodyError = "not valid JSON"
	BodyTrailing BodyError = "data after the JSON value"
)

// DecodeJSONBody decodes a body of at most limit bytes that holds exactly one JSON value into v,
// numbers as json.Number. The decoder alone would replace bytes that are not UTF-8 with U+FFFD
// and stop after the first value, so a body would be stored as other than what was sent.
func DecodeJSONBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return BodyTooLarge
	case err != nil:
		return BodyNotJSON
	case len(bytes.TrimSpace(data)) == 0:
		return BodyEmpty
	case !utf8.Valid(data):
		return BodyNotUTF8
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return BodyNotJSON
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return BodyTrailing
	}
	return nil
}

package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"

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
	WriteJSON(w, Status(err), body)
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

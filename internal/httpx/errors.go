package httpx

import (
	"errors"
	"net/http"

	"github.com/openimis-go/openimis"
)

// Status maps an error code to its HTTP status.
func Status(err error) int {
	switch imis.ErrorCode(err) {
	case imis.EINVALID:
		return http.StatusUnprocessableEntity
	case imis.ENOTFOUND:
		return http.StatusNotFound
	case imis.ECONFLICT:
		return http.StatusConflict
	case imis.EUNAUTHORIZED, imis.ELOCKED:
		return http.StatusUnauthorized
	case imis.EFORBIDDEN:
		return http.StatusForbidden
	case imis.ETOOMANY:
		return http.StatusTooManyRequests
	case imis.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// retryAfterSeconds is how long a client should wait before sending again a request that found
// the database unavailable: about as long as the database takes to restart.
const retryAfterSeconds = "5"

// SetRetryAfter tells the client of an answer with status when to send the request again. Only a
// 503 is worth sending again unchanged: the database could not be reached, and nothing was wrong
// with the request.
func SetRetryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
}

// AsError returns the domain error inside err, or nil.
func AsError(err error) *imis.Error {
	var e *imis.Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// Forbidden is the error of a user lacking the right an action needs.
func Forbidden() error { return imis.Errorf(imis.EFORBIDDEN, "error.forbidden") }

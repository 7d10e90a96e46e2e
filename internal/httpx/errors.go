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
	}
	return http.StatusInternalServerError
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

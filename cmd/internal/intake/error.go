package intake

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Error codes, mapped to HTTP statuses and exit codes by callers.
const (
	EINVALID  = "invalid"  // bad input: Fields names each bad field
	ENOTFOUND = "notfound" // no such complaint, or a wrong query code
	ECONFLICT = "conflict" // the transition is not allowed from the current status
	EINTERNAL = "internal" // anything else; details are logged, never shown
)

// Error is a coded error whose Message is safe to show to the user (Chinese).
type Error struct {
	Code    string
	Message string
	Fields  map[string]string // field → message, for EINVALID
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	var b strings.Builder
	b.WriteString(e.Message)
	for _, k := range slices.Sorted(maps.Keys(e.Fields)) {
		fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
	}
	return b.String()
}

// Errorf returns a coded error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err: its own if it is (or wraps) an *Error,
// else EINTERNAL. nil has no code.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err; internal errors get a
// generic message so no detail leaks.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "系统内部错误，请稍后再试"
}

// ErrorFields returns the per-field messages of an EINVALID error, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// errNotFound is the one answer for a missing receipt and a wrong code alike,
// so a guesser learns nothing from the difference.
func errNotFound() *Error {
	return Errorf(ENOTFOUND, "未找到该投诉，请核对受理编号和查询码")
}

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
	// EUNAVAILABLE: the store cannot be reached now (database down, disk
	// full, locked too long); nothing was saved, and trying again later
	// will work once it is back.
	EUNAVAILABLE = "unavailable"
)

// Unavailable is implemented by stores that can tell an outage (the
// database unreachable, the disk full) from other failures.
type Unavailable interface {
	Unavailable(err error) bool
}

// Outage returns err as an EUNAVAILABLE error (still wrapping err, for the
// log) when store says it is an outage, else err unchanged.
func Outage(store any, err error) error {
	if err == nil {
		return nil
	}
	if u, ok := store.(Unavailable); ok && ErrorCode(err) == EINTERNAL && u.Unavailable(err) {
		return fmt.Errorf("%w: %w", Errorf(EUNAVAILABLE, "投诉受理系统暂时无法保存或读取数据，本次提交未被受理，请稍后重试"), err)
	}
	return err
}

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

// outage turns a staff operation's store failure into EUNAVAILABLE when
// the store says it is an outage, so the back office and the admin API
// answer 503 (try again) rather than an internal error to investigate.
func (s *Service) outage(err *error) { *err = Outage(s.store, *err) }

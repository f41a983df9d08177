package server

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"portal/cmd/internal/intake"
)

// MaxBodyBytes is the largest POST body accepted; more answers 413.
const MaxBodyBytes = 64 << 10

// MaxUploadBytes is the largest complaint form with attachments: the
// attachments at their limit plus the form's own fields.
const MaxUploadBytes = intake.MaxAttachments*intake.MaxAttachmentSize + 1<<20

// Default per-client POST limits: a burst of 10, then one every 6 seconds.
// A person filing a complaint never meets them; a flood does.
const (
	DefaultPostRate  = 1.0 / 6
	DefaultPostBurst = 10
)

// post is how one POST route is guarded.
type post struct {
	limit   bool          // take a token from the client's bucket
	maxBody int64         // body size limit (413 beyond it)
	timeout time.Duration // the whole body must arrive within it (408 otherwise)
	// refuse answers a refusal (403, 413, 429) on the route; nil answers
	// with errorPage. Form routes re-render the form with what the citizen
	// typed, so a refusal never loses a complaint's text.
	refuse func(w http.ResponseWriter, r *http.Request, status int, msg string)
}

// protect wraps a POST handler with, in order: cross-origin refusal (403,
// http.CrossOriginProtection), the per-client rate limit (429 with
// Retry-After), the body limit (413 when Content-Length says so at once;
// handlers map a later *http.MaxBytesError to 413 too) and the body read
// deadline (408 when the body trickles in slower than Options.BodyTimeout
// allows). Body read errors (a cut connection, malformed chunked framing)
// reach the handler as *BodyError, answered 400 without an ERROR log line.
func (s *Server) protect(h http.Handler) http.Handler {
	return s.guard(h, post{limit: true, maxBody: MaxBodyBytes, timeout: s.bodyTimeout()})
}

// protectForm is protect for a form page: refusals re-render it through
// refuse with the values the citizen typed.
func (s *Server) protectForm(h http.Handler, maxBody int64, timeout time.Duration,
	refuse func(w http.ResponseWriter, r *http.Request, status int, msg string)) http.Handler {
	return s.guard(h, post{limit: true, maxBody: maxBody, timeout: timeout, refuse: refuse})
}

// protectAdmin is protect without the rate limit: staff with a valid token
// may work through a batch quickly; admin refuses bad tokens at the limit.
func (s *Server) protectAdmin(h http.Handler) http.Handler {
	return s.guard(h, post{maxBody: MaxBodyBytes, timeout: s.bodyTimeout()})
}

func (s *Server) bodyTimeout() time.Duration {
	if s.opts.BodyTimeout > 0 {
		return s.opts.BodyTimeout
	}
	return DefaultBodyTimeout
}

func (s *Server) uploadTimeout() time.Duration {
	if s.opts.UploadTimeout > 0 {
		return s.opts.UploadTimeout
	}
	return DefaultUploadTimeout
}

// Default body deadlines: a form or API body must arrive within a minute,
// a complaint with attachments (up to MaxUploadBytes) within ten.
const (
	DefaultBodyTimeout   = 60 * time.Second
	DefaultUploadTimeout = 10 * time.Minute
)

func (s *Server) guard(h http.Handler, p post) http.Handler {
	refuse := p.refuse
	if refuse == nil {
		refuse = s.errorPage
	}
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden, "跨站提交已被拒绝：请从本站的页面提交")
	}))
	limited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The deadline covers the whole body, so a client that trickles
		// it in cannot hold the handler (and a connection) for longer.
		// Unsupported only under test recorders.
		_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(p.timeout))
		r.Body = &guardedBody{rc: http.MaxBytesReader(w, r.Body, p.maxBody)}
		if p.limit {
			if wait, ok := s.take(r); !ok {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				refuse(w, r, http.StatusTooManyRequests, fmt.Sprintf("提交过于频繁，请在 %d 秒后再次提交", int(math.Ceil(wait.Seconds()))))
				return
			}
		}
		if r.ContentLength > p.maxBody {
			refuse(w, r, http.StatusRequestEntityTooLarge, tooLargeMessage(p.maxBody))
			return
		}
		h.ServeHTTP(w, r)
	})
	return cop.Handler(limited)
}

// take takes a token from the client's bucket; when there is none it says
// how long until one is free and logs the refusal (once per burst of them).
func (s *Server) take(r *http.Request) (time.Duration, bool) {
	addr := s.clientAddr(r)
	wait, ok := s.limiter.allow(rateKey(addr))
	if !ok {
		s.log.Warn("rate limited", "client", logAddr(addr), "path", r.URL.Path)
	}
	return wait, ok
}

// allow takes a token from the client's bucket, or answers 429 with
// Retry-After and returns false.
func (s *Server) allow(w http.ResponseWriter, r *http.Request) bool {
	wait, ok := s.take(r)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		s.errorPage(w, r, http.StatusTooManyRequests, fmt.Sprintf("操作过于频繁，请在 %d 秒后再试", int(math.Ceil(wait.Seconds()))))
	}
	return ok
}

// BodyError is a failure to read a request body that is the client's doing:
// the connection was cut, the chunked framing was malformed, or the body
// did not arrive before the deadline. It is answered 400 (408 for the
// deadline) and never logged as an internal error.
type BodyError struct{ Err error }

func (e *BodyError) Error() string { return "request body: " + e.Err.Error() }
func (e *BodyError) Unwrap() error { return e.Err }

// Timeout reports whether the body missed its deadline.
func (e *BodyError) Timeout() bool {
	var ne interface{ Timeout() bool }
	return errors.Is(e.Err, os.ErrDeadlineExceeded) || (errors.As(e.Err, &ne) && ne.Timeout())
}

// guardedBody marks the body's read errors: the size limit stays an
// *http.MaxBytesError, anything else but io.EOF becomes a *BodyError.
type guardedBody struct{ rc io.ReadCloser }

func (b *guardedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF && !tooLarge(err) {
		err = &BodyError{Err: err}
	}
	return n, err
}

func (b *guardedBody) Close() error { return b.rc.Close() }

// bodyError reports whether err is a body read failure, and whether a timeout.
func bodyError(err error) (is, timeout bool) {
	var be *BodyError
	if errors.As(err, &be) {
		return true, be.Timeout()
	}
	return false, false
}

// tooLargeMessage says what the limit is.
func tooLargeMessage(max int64) string {
	if max > MaxBodyBytes {
		return fmt.Sprintf("提交内容过大（附件最多 %d 个、每个不超过 %d MiB）", intake.MaxAttachments, intake.MaxAttachmentSize>>20)
	}
	return "提交内容过大（上限 64 KiB）"
}

// tooLarge reports whether err came from the body limit.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// limiter keeps a token bucket per client and forgets idle clients.
type limiter struct {
	rate  rate.Limit
	burst int

	mu      sync.Mutex
	clients map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perSecond float64, burst int) *limiter {
	if perSecond <= 0 {
		perSecond = DefaultPostRate
	}
	if burst <= 0 {
		burst = DefaultPostBurst
	}
	return &limiter{rate: rate.Limit(perSecond), burst: burst, clients: map[string]*bucket{}}
}

// allow takes a token for key, or says how long until one is free.
func (l *limiter) allow(key string) (time.Duration, bool) {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		// A bucket idle long enough to have refilled is the same as a new one.
		full := time.Duration(float64(l.burst)/float64(l.rate)) * time.Second
		for k, b := range l.clients {
			if now.Sub(b.seen) > full {
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	b := l.clients[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[key] = b
	}
	b.seen = now
	res := b.lim.ReserveN(now, 1)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

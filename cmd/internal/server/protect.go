package server

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
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

// protect wraps a POST handler with, in order: cross-origin refusal (403,
// http.CrossOriginProtection), the per-client rate limit (429 with
// Retry-After), and the body limit (413 when Content-Length says so at
// once; handlers map a later *http.MaxBytesError to 413 too).
func (s *Server) protect(h http.Handler) http.Handler {
	return s.guard(h, true, MaxBodyBytes)
}

// protectUpload is protect for the complaint form, which may carry attachments.
func (s *Server) protectUpload(h http.Handler) http.Handler {
	return s.guard(h, true, MaxUploadBytes)
}

// protectAdmin is protect without the rate limit: staff with a valid token
// may work through a batch quickly; admin refuses bad tokens at the limit.
func (s *Server) protectAdmin(h http.Handler) http.Handler {
	return s.guard(h, false, MaxBodyBytes)
}

func (s *Server) guard(h http.Handler, limit bool, maxBody int64) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.plainError(w, r, http.StatusForbidden, "跨站提交已被拒绝：请从本站页面提交")
	}))
	limited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if limit && !s.allow(w, r) {
			return
		}
		if r.ContentLength > maxBody {
			s.plainError(w, r, http.StatusRequestEntityTooLarge, tooLargeMessage(maxBody))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		h.ServeHTTP(w, r)
	})
	return cop.Handler(limited)
}

// allow takes a token from the client's bucket, or answers 429 with
// Retry-After and returns false.
func (s *Server) allow(w http.ResponseWriter, r *http.Request) bool {
	wait, ok := s.limiter.allow(clientKey(r))
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		s.plainError(w, r, http.StatusTooManyRequests, "提交过于频繁，请稍后再试")
	}
	return ok
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

// clientKey identifies a client for rate limiting: the peer's IP address.
// Forwarded headers are not trusted, since anyone can send them.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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

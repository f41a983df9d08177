// Package server is portal's HTTP handler: the built static site, the search
// pages and API, complaint intake and the staff admin API.
//
// Contract: New returns one http.Handler wired from Options; each part lives
// in its own file (static.go, search.go, complaints.go) and registers its own
// routes. Handlers depend on interfaces, never on a database or index package.
// Every POST passes through cross-origin protection, a body size limit and a
// per-client rate limit; internal errors are logged with an id and shown to the
// user only as that id.
package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"time"
)

// PageRenderer renders a dynamic page in the site's theme: name is a template
// under the theme's layouts (e.g. "search"), title the page title, data the
// template's .Data. Implemented by the generator's theme.
type PageRenderer interface {
	RenderPage(w io.Writer, name, title, path string, data any) error
}

// Options wires the server.
type Options struct {
	PublicDir  string           // the built site; swapped whole on rebuild, so a fixed path is safe
	Pages      PageRenderer     // dynamic pages in the site theme; may be nil in tests
	Search     SearchService    // nil: search answers 503
	Complaints ComplaintService // nil: complaint intake answers 503
	AdminToken string           // bearer token of NewAdminAPI (the back office's /api/admin/…); New ignores it
	Logger     *slog.Logger

	// PostRate and PostBurst set the per-client token bucket every POST
	// passes (requests per second, bucket size); zero takes the defaults
	// (see protect.go). Load tests raise them. The bucket is per replica:
	// see DEPLOY.md for how a proxy in front of several keeps it per client.
	PostRate  float64
	PostBurst int

	// TrustedProxies are the reverse proxies whose forwarding header is
	// believed (see clientAddr); empty: every client is its peer address.
	TrustedProxies []netip.Prefix
	// ClientIPHeader is the forwarding header the proxies set:
	// HeaderXForwardedFor (default), HeaderXRealIP or HeaderForwarded.
	ClientIPHeader string
	// HSTS adds Strict-Transport-Security (the site's base_url is https).
	HSTS bool
	// BodyTimeout and UploadTimeout bound how long a POST body may take to
	// arrive (forms and API; the complaint form with attachments); zero
	// takes DefaultBodyTimeout and DefaultUploadTimeout.
	BodyTimeout   time.Duration
	UploadTimeout time.Duration
	// MaxHeaders is how many header fields a request may carry (431
	// beyond); zero takes DefaultMaxHeaders.
	MaxHeaders int
}

// DefaultMaxHeaders is the header fields a request may carry by default:
// browsers send about 15, proxies add a few.
const DefaultMaxHeaders = 100

// Server is the portal's HTTP handler.
type Server struct {
	opts    Options
	mux     *http.ServeMux
	log     *slog.Logger
	limiter *limiter // per-client POST rate limit, shared by every POST route
}

// New returns the handler for opts.
func New(opts Options) *Server {
	s := &Server{opts: opts, mux: http.NewServeMux(), log: opts.Logger, limiter: newLimiter(opts.PostRate, opts.PostBurst)}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.registerStatic()
	s.registerMode()
	s.registerSearch()
	s.registerComplaints()
	return s
}

// ServeHTTP implements http.Handler: the security headers on every
// response, then requests with folded or too many header fields refused,
// then the routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w.Header(), r.URL.Path, s.opts.HSTS)
	if c := connFrom(r.Context()); c != nil && c.folded() {
		w.Header().Set("Connection", "close")
		s.errorPage(w, r, http.StatusBadRequest, "请求格式不正确：请求头含有折行（obs-fold），已拒绝")
		return
	}
	max := s.opts.MaxHeaders
	if max <= 0 {
		max = DefaultMaxHeaders
	}
	if n := headerFields(r.Header); n > max {
		w.Header().Set("Connection", "close")
		s.errorPage(w, r, http.StatusRequestHeaderFieldsTooLarge, fmt.Sprintf("请求头字段过多（%d 个，上限 %d 个）", n, max))
		return
	}
	s.mux.ServeHTTP(w, r)
}

func headerFields(h http.Header) int {
	n := 0
	for _, v := range h {
		n += len(v)
	}
	return n
}

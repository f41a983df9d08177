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
	"io"
	"log/slog"
	"net/http"
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
	// (see protect.go). Load tests raise them.
	PostRate  float64
	PostBurst int
}

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
	s.registerSearch()
	s.registerComplaints()
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

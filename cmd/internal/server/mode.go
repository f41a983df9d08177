package server

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

// 长者模式 (large text) without JavaScript: the header's 长者模式 and 标准模式
// links go to /mode/large/ and /mode/standard/, which set or clear a cookie
// and send the visitor back to the page they came from (?back=, else the
// Referer when it is this site); every page links
// /css/mode.css after style.css, answered here with the large-text rules
// (css/large.css) when the cookie says so, else with the empty built file.
// The built pages at the same addresses stay the fallback of a purely
// static deployment.

// ModeCookie remembers 长者模式; it holds no personal data (隐私政策 names it).
const ModeCookie = "portal_mode"

func (s *Server) registerMode() {
	s.mux.HandleFunc("GET /mode/large/", func(w http.ResponseWriter, r *http.Request) { s.setMode(w, r, true) })
	s.mux.HandleFunc("GET /mode/standard/", func(w http.ResponseWriter, r *http.Request) { s.setMode(w, r, false) })
	s.mux.HandleFunc("GET /css/mode.css", s.handleModeCSS)
}

// setMode sets or clears the cookie. Secure when the browser's connection
// is TLS (directly or through a trusted proxy), as the receipt cookie: a
// site whose base_url is https, previewed over plain http on the office
// network, would otherwise set a cookie the browser drops, and the switch
// would silently do nothing.
func (s *Server) setMode(w http.ResponseWriter, r *http.Request, large bool) {
	c := &http.Cookie{Name: ModeCookie, Value: "large", Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.viaTLS(r)}
	if !large {
		c.Value, c.MaxAge = "", -1
	}
	http.SetCookie(w, c)
	w.Header().Set("Cache-Control", "no-store")
	back := r.URL.Query().Get("back")
	if back == "" {
		// The header is shared by every page of a section, so the link
		// cannot name the page: the browser does (Referer, sent on
		// same-site navigation by the Referrer-Policy the pages carry).
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			back = ref.RequestURI()
		}
	}
	http.Redirect(w, r, modeBack(back), http.StatusSeeOther)
}

// modeBack is where a mode switch returns: the page's own path from the
// link's ?back=, or the home page for anything that is not a plain path on
// this site (no scheme, host, //, backslash or control character: never an
// open redirect).
func modeBack(back string) string {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/mode/") ||
		strings.ContainsAny(back, "\\\r\n\t") || len(back) > 1000 {
		return "/"
	}
	u, err := url.Parse(back)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	if u.RawQuery != "" {
		return u.EscapedPath() + "?" + u.RawQuery
	}
	return u.EscapedPath()
}

// handleModeCSS answers /css/mode.css: the large-text rules for a visitor
// in 长者模式, the built (empty) file for everyone else. Caches must keep
// the two apart (Vary: Cookie) and ask again each time (no-cache), so a
// switch shows on the next page.
func (s *Server) handleModeCSS(w http.ResponseWriter, r *http.Request) {
	rel := "css/mode.css"
	if c, err := r.Cookie(ModeCookie); err == nil && c.Value == "large" {
		rel = "css/large.css"
	}
	f, st, err := s.openPublic(rel)
	if err != nil || st.IsDir() {
		if f != nil {
			f.Close()
		}
		s.notFound(w, r)
		return
	}
	defer f.Close()
	setStaticHeaders(w, rel)
	h := w.Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Add("Vary", "Cookie")
	// The two files come from one build and share a modification time, so
	// revalidation goes by an ETag naming the variant, never by the date.
	h.Set("ETag", fmt.Sprintf(`"%s-%x-%x"`, path.Base(rel), st.ModTime().UnixNano(), st.Size()))
	http.ServeContent(w, r, "", time.Time{}, f)
}

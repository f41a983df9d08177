package server

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// staticTypes fixes the content types the site publishes, so answers do not
// depend on the machine's MIME tables.
var staticTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".json":  "application/json; charset=utf-8",
	".xml":   "application/xml; charset=utf-8",
	".csv":   "text/csv; charset=utf-8",
	".txt":   "text/plain; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".jpeg":  "image/jpeg",
	".gif":   "image/gif",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".pdf":   "application/pdf",
	".woff2": "font/woff2",
}

// registerStatic serves the built site: files as they are, index.html for
// folders (a folder without its trailing slash is redirected to it), and the
// site's 404.html with status 404 for anything else. Every request opens the
// file afresh inside PublicDir (os.OpenInRoot, so no path or symlink escapes
// it), which is what lets a rebuild swap the folder under a running server.
func (s *Server) registerStatic() {
	s.mux.HandleFunc("GET /", s.handleStatic)
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := path.Clean("/" + r.URL.Path) // r.URL.Path is already percent-decoded
	rel := strings.TrimPrefix(name, "/")
	if rel == "" {
		rel = "."
	}
	f, st, err := s.openPublic(rel)
	if err == nil && st.IsDir() {
		f.Close()
		if !strings.HasSuffix(r.URL.Path, "/") {
			target := r.URL.EscapedPath() + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		rel = path.Join(rel, "index.html")
		f, st, err = s.openPublic(rel)
	}
	if err != nil || st.IsDir() {
		if f != nil {
			f.Close()
		}
		if target, ok := s.subjectInUpperCase(name); ok {
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		s.notFound(w, r)
		return
	}
	defer f.Close()
	setStaticHeaders(w, rel)
	// Last-Modified has whole seconds: a page rebuilt within the second its
	// last version was written would be answered "not modified" to a
	// browser revalidating by date, which would keep showing the old page.
	// The ETag (which a browser sends, and which then decides alone) names
	// this very file: each build writes a changed file anew.
	w.Header().Set("ETag", fmt.Sprintf(`"%x-%x"`, st.ModTime().UnixNano(), st.Size()))
	http.ServeContent(w, r, "", st.ModTime(), f)
}

// subjectInUpperCase finds the enterprise page a path names with its
// 统一社会信用代码 in lower case (/subjects/91371300abc…/): codes are
// written in upper case, but people type and paste them either way, and a
// 404 would say the enterprise has no page. It returns the page's path when
// the upper-case one exists.
func (s *Server) subjectInUpperCase(name string) (string, bool) {
	rest, ok := strings.CutPrefix(name, "/subjects/")
	if !ok {
		return "", false
	}
	code, tail, _ := strings.Cut(rest, "/")
	if len(code) != 18 || strings.ToUpper(code) == code {
		return "", false
	}
	for i := 0; i < len(code); i++ {
		if c := code[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return "", false
		}
	}
	rel := path.Join("subjects", strings.ToUpper(code), tail)
	f, st, err := s.openPublic(rel)
	folder := err == nil && st.IsDir()
	if folder {
		f.Close()
		f, st, err = s.openPublic(path.Join(rel, "index.html"))
	}
	if err != nil {
		return "", false
	}
	f.Close()
	if st.IsDir() {
		return "", false
	}
	if folder {
		return "/" + rel + "/", true
	}
	return "/" + rel, true
}

func (s *Server) openPublic(rel string) (*os.File, fs.FileInfo, error) {
	if s.opts.PublicDir == "" {
		return nil, nil, fs.ErrNotExist
	}
	f, err := os.OpenInRoot(s.opts.PublicDir, rel)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// setStaticHeaders sets the content type and caching: pages and feeds are
// revalidated on every visit (they change with each build), assets may be
// cached for an hour.
func setStaticHeaders(w http.ResponseWriter, rel string) {
	h := w.Header()
	ext := strings.ToLower(path.Ext(rel))
	if ct, ok := staticTypes[ext]; ok {
		h.Set("Content-Type", ct)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	switch ext {
	case ".html", ".xml", ".json", ".csv", ".txt":
		h.Set("Cache-Control", "no-cache")
	default:
		h.Set("Cache-Control", "public, max-age=3600")
	}
}

// notFound answers 404 with the site's own 404.html when it has one.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	f, st, err := s.openPublic("404.html")
	if err != nil || st.IsDir() {
		http.Error(w, "404 页面未找到", http.StatusNotFound)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		if _, err := io.Copy(w, f); err != nil {
			s.log.Debug("404 page write", "err", err)
		}
	}
}

package backoffice

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"portal/cmd/internal/intake"
)

// page is every template's dot: the frame (who is signed in, the menu) and
// the page's own data.
type page struct {
	Title    string
	Site     string
	User     *user // nil on the login page
	CSRF     string
	Nav      []navLink
	Data     any
	Retained int // retention days, for the footer
}

// user is the signed-in person as the header shows them.
type user struct {
	Name, Role, Department string
}

type navLink struct {
	Label, URL string
	Current    bool
}

var funcs = template.FuncMap{
	"roleLabel":   func(r intake.Role) string { return r.Label() },
	"actionLabel": func(k intake.ActionKind) string { return k.Label() },
	"auditLabel":  intake.AuditLabel,
	"size":        intake.FormatSize,
	"typeLabel":   intake.TypeLabel,
	"join":        strings.Join,
}

// parsePages parses each page template with the layout.
func parsePages() (map[string]*template.Template, error) {
	layout, err := fs.ReadFile(files, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		body, err := fs.ReadFile(files, n)
		if err != nil {
			return nil, err
		}
		t, err := template.New("layout").Funcs(funcs).Parse(string(layout))
		if err == nil {
			_, err = t.Parse(string(body))
		}
		if err != nil {
			return nil, fmt.Errorf("back office template %s: %w", n, err)
		}
		out[name] = t
	}
	return out, nil
}

// render writes a page with status.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, rq *request, title string, data any) {
	p := page{Title: title, Site: h.opts.Title, Data: data, Retained: h.opts.Complaints.RetentionDays()}
	if rq != nil {
		p.User = &user{Name: rq.acct.Name, Role: rq.acct.Role.Label()}
		if rq.acct.Department != "" {
			p.User.Department = h.opts.Complaints.DepartmentName(rq.acct.Department)
		}
		p.CSRF = rq.sess.CSRF
		p.Nav = h.nav(rq, r.URL.Path)
	}
	var buf bytes.Buffer
	if err := h.pages[name].Execute(&buf, p); err != nil {
		h.internal(w, r, fmt.Errorf("render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (h *Handler) nav(rq *request, path string) []navLink {
	var links []navLink
	switch rq.acct.Role {
	case intake.RoleAdmin:
		links = []navLink{{Label: "审计记录", URL: "/audit"}, {Label: "账号", URL: "/accounts"}}
	default:
		links = []navLink{{Label: "待办投诉", URL: "/inbox"}}
	}
	for i := range links {
		links[i].Current = strings.HasPrefix(path, links[i].URL)
	}
	return links
}

func newRef() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// clock formats t in the calendar's zone.
func (h *Handler) clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(h.opts.Complaints.Calendar().Location()).Format("2006-01-02 15:04")
}

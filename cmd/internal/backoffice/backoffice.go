// Package backoffice is the web back office where the 12345 centre and the
// departments work complaints: sign-in, the inbox, a complaint's detail page
// with every allowed action as a form, internal notes, attachments, and
// for admins the audit trail. It is served on its own address (portal serve
// -admin-addr, loopback by default), never behind the public proxy, and
// also carries the token API (/api/admin/…).
//
// Contract:
//   - Pages are Simplified Chinese, server-rendered, and work without
//     JavaScript; the policy forbids scripts outright.
//   - Every page but /login needs a session (HttpOnly, Secure,
//     SameSite=Strict cookie); every POST passes cross-origin refusal, a
//     64 KiB body limit and a CSRF token bound to the session (the login
//     form: to a cookie).
//   - What a person sees and may do comes from intake (Who): a handler
//     sees only complaints assigned to their department, and any other
//     receipt answers 404 exactly like a missing one; every view of
//     personal data and every action is in the audit trail.
//   - Logs carry receipts, logins and actions, never personal data.
package backoffice

import (
	"context"
	"crypto/subtle"
	"embed"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"portal/cmd/internal/intake"
)

//go:embed templates/*.html static/office.css
var files embed.FS

// Complaints is the complaint service as the back office uses it
// (implemented by *intake.Service).
type Complaints interface {
	ListFor(ctx context.Context, who intake.Who, f intake.Filter) ([]*intake.Complaint, error)
	View(ctx context.Context, who intake.Who, receipt string) (*intake.Complaint, error)
	ActAs(ctx context.Context, who intake.Who, receipt string, a intake.Action) (*intake.Complaint, error)
	AddNote(ctx context.Context, who intake.Who, receipt, text string) (*intake.Complaint, error)
	AttachmentFor(ctx context.Context, who intake.Who, receipt string, id int) (*intake.Attachment, error)
	Export(ctx context.Context, who intake.Who, f intake.Filter) ([]*intake.Complaint, error)
	AuditTrail(ctx context.Context, who intake.Who, f intake.AuditFilter) ([]intake.AuditEntry, error)
	StaffFor(who intake.Who, c *intake.Complaint) intake.StaffRecord
	Timing(c *intake.Complaint) intake.Timing
	Departments() []intake.Department
	DepartmentName(id string) string
	Limits() intake.Limits
	Calendar() *intake.Calendar
	RetentionDays() int
}

var _ Complaints = (*intake.Service)(nil)

// Accounts is sign-in (implemented by *staff.Service).
type Accounts interface {
	Login(ctx context.Context, login, password, code, addr string) (string, *intake.Session, *intake.Account, error)
	Check(ctx context.Context, token string) (*intake.Session, *intake.Account, error)
	Logout(ctx context.Context, token string, who intake.Who) error
	List(ctx context.Context) ([]*intake.Account, error)
}

// Related is a published page a complaint refers to (its related id).
type Related struct {
	Kind  string // 承诺 | 公示信息 | 失信记录 | …
	Title string
	URL   string // absolute, on the public site
}

// Options wires the back office.
type Options struct {
	Complaints Complaints
	Accounts   Accounts
	API        http.Handler // the token API, served under /api/admin/; nil: none
	// Related finds the published page of a complaint's related id; nil:
	// the id is shown without a link.
	Related func(id string) (Related, bool)
	Title   string // the site's name, shown in the header
	Logger  *slog.Logger
	// SiteProblem says why the public site is not current (its last build
	// failed), for the supervisors' inbox; nil, or nil returned: it is.
	// Content errors go to staff and the log, never to the public.
	SiteProblem func() *SiteProblem
	// LoginRate and LoginBurst bound sign-in attempts per client address
	// (per second, bucket); zero takes one every 6 s after a burst of 10.
	LoginRate  float64
	LoginBurst int
}

// SiteProblem is a failed build of the public site, as staff see it.
type SiteProblem struct {
	Since   time.Time // the first failure since the last good build
	Summary string    // what happened, in Chinese
	Lines   []string  // the errors (file:line: message), at most a screenful
	More    int       // errors not in Lines
}

// Cookie names: __Host- makes browsers insist on Secure, Path=/ and no Domain.
const (
	sessionCookie = "__Host-portal_staff"
	loginCookie   = "__Host-portal_login"
	maxBody       = 64 << 10
	pageSize      = 50
)

// Handler is the back office.
type Handler struct {
	opts  Options
	mux   *http.ServeMux
	log   *slog.Logger
	pages map[string]*template.Template
	css   []byte

	mu      sync.Mutex
	limits  map[string]*rate.Limiter // sign-in attempts per client address
	limited time.Time
}

// New returns the back office for opts.
func New(opts Options) (*Handler, error) {
	h := &Handler{opts: opts, mux: http.NewServeMux(), log: opts.Logger, limits: map[string]*rate.Limiter{}}
	if h.log == nil {
		h.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if h.opts.LoginRate <= 0 {
		h.opts.LoginRate, h.opts.LoginBurst = 1.0/6, 10
	}
	if h.opts.LoginBurst <= 0 {
		h.opts.LoginBurst = 10
	}
	var err error
	if h.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if h.css, err = fs.ReadFile(files, "static/office.css"); err != nil {
		return nil, err
	}
	h.routes()
	return h, nil
}

func (h *Handler) routes() {
	h.mux.HandleFunc("GET /office.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write(h.css)
	})
	h.mux.HandleFunc("GET /login", h.loginPage)
	h.mux.Handle("POST /login", h.post(http.HandlerFunc(h.login)))
	h.mux.Handle("POST /logout", h.post(h.auth(nil, h.logout)))
	work := []intake.Role{intake.RoleHandler, intake.RoleSupervisor}
	h.mux.Handle("GET /{$}", h.auth(nil, h.home))
	h.mux.Handle("GET /inbox", h.auth(work, h.inbox))
	h.mux.Handle("GET /export.csv", h.auth([]intake.Role{intake.RoleSupervisor}, h.export))
	h.mux.Handle("GET /complaints/{receipt}", h.auth(work, h.detail))
	h.mux.Handle("POST /complaints/{receipt}/act/{action}", h.post(h.auth(work, h.act)))
	h.mux.Handle("POST /complaints/{receipt}/notes", h.post(h.auth(work, h.note)))
	h.mux.Handle("GET /complaints/{receipt}/attachments/{id}", h.auth(work, h.attachment))
	admin := []intake.Role{intake.RoleAdmin}
	h.mux.Handle("GET /audit", h.auth(admin, h.audit))
	h.mux.Handle("GET /audit.csv", h.auth(admin, h.auditCSV))
	h.mux.Handle("GET /accounts", h.auth(admin, h.accounts))
	if h.opts.API != nil {
		h.mux.Handle("/api/admin/", h.opts.API)
	}
}

// ServeHTTP implements http.Handler, with the security headers every
// answer carries.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cache-Control", "no-store")
	h.mux.ServeHTTP(w, r)
}

// clientAddr is the peer's address: the back office is reached directly
// (loopback, or a private network), not through the public proxy.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// post wraps every POST: cross-origin refusal and the body limit.
func (h *Handler) post(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.plain(w, http.StatusForbidden, "跨站提交已被拒绝：请从后台页面提交")
	}))
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			h.plain(w, http.StatusRequestEntityTooLarge, "提交内容过大（上限 64 KiB）")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		if err := r.ParseForm(); err != nil {
			h.plain(w, http.StatusBadRequest, "表单数据无法解析")
			return
		}
		next.ServeHTTP(w, r)
	}))
}

// request is a signed-in request.
type request struct {
	who   intake.Who
	acct  *intake.Account
	sess  *intake.Session
	token string
}

// auth requires a session, and one of roles (nil: any). POSTs also need
// the session's CSRF token.
func (h *Handler) auth(roles []intake.Role, next func(http.ResponseWriter, *http.Request, *request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ck, err := r.Cookie(sessionCookie)
		token := ""
		if err == nil {
			token = ck.Value
		}
		sess, acct, err := h.opts.Accounts.Check(r.Context(), token)
		if err != nil {
			if intake.ErrorCode(err) == intake.EUNAVAILABLE {
				h.unsaved(w, r, nil, err, "")
				return
			}
			if intake.ErrorCode(err) != intake.ENOTFOUND {
				h.internal(w, r, err)
				return
			}
			if token != "" {
				clearCookie(w, sessionCookie)
			}
			h.toLogin(w, r, token != "")
			return
		}
		rq := &request{who: intake.Who{Login: acct.Login, Name: acct.Name, Role: acct.Role, Department: acct.Department, Addr: clientAddr(r)},
			acct: acct, sess: sess, token: token}
		if r.Method == http.MethodPost && subtle.ConstantTimeCompare([]byte(r.PostForm.Get("csrf")), []byte(sess.CSRF)) != 1 {
			h.log.Warn("back office: form without a valid CSRF token", "login", acct.Login, "path", r.URL.Path)
			h.plain(w, http.StatusForbidden, "表单已失效（缺少或错误的校验码），请返回页面刷新后重新提交")
			return
		}
		if roles != nil {
			ok := false
			for _, role := range roles {
				ok = ok || role == acct.Role
			}
			if !ok {
				h.render(w, r, http.StatusForbidden, "error", rq, "无权访问", errorPage{Message: "您的角色（" + acct.Role.Label() + "）不能使用此页面。"})
				return
			}
		}
		next(w, r, rq)
	})
}

func (h *Handler) toLogin(w http.ResponseWriter, r *http.Request, expired bool) {
	target := "/login"
	if expired {
		target += "?expired=1"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, rq *request) {
	if rq.acct.Role == intake.RoleAdmin {
		http.Redirect(w, r, "/audit", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
}

func clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

// plain answers a refusal as a minimal page.
func (h *Handler) plain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	template.Must(template.New("p").Parse(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{.}}</title>
<link rel="stylesheet" href="/office.css"></head><body><main><h1>{{.}}</h1><p><a href="/">返回后台首页</a></p></main></body></html>`)).Execute(w, msg)
}

// internal logs err with a reference and shows only the reference.
func (h *Handler) internal(w http.ResponseWriter, r *http.Request, err error) {
	ref := newRef()
	h.log.Error("back office failed", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
	h.plain(w, http.StatusInternalServerError, "系统内部错误，请稍后再试（参考编号 "+ref+"）")
}

// allowLogin takes a sign-in attempt from addr's bucket.
func (h *Handler) allowLogin(addr string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	if now.Sub(h.limited) > 10*time.Minute {
		clear(h.limits) // forget idle clients now and then: a refilled bucket is a new one
		h.limited = now
	}
	l := h.limits[addr]
	if l == nil {
		l = rate.NewLimiter(rate.Limit(h.opts.LoginRate), h.opts.LoginBurst)
		h.limits[addr] = l
	}
	return l.Allow()
}

// statusOf maps an intake error to an HTTP status.
func statusOf(err error) int {
	switch intake.ErrorCode(err) {
	case intake.EINVALID:
		return http.StatusBadRequest
	case intake.ENOTFOUND:
		return http.StatusNotFound
	case intake.ECONFLICT:
		return http.StatusConflict
	case intake.EFORBIDDEN:
		return http.StatusForbidden
	case intake.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// unsaved answers a store outage. It is not a fault to trace one by one
// (no reference number): a warning in the log, a Retry-After for the
// browser, and a page that says nothing was saved, unlike the public
// form's wording about a submission not being accepted (受理 is a step
// of the complaint here). The complaint cannot be shown again (viewing
// it writes the audit trail), so the text the person typed, if any, is
// given back on the page to copy.
func (h *Handler) unsaved(w http.ResponseWriter, r *http.Request, rq *request, err error, typed string) {
	h.log.Warn("complaint store unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Retry-After", strconv.Itoa(retryAfterOutage))
	msg := "投诉数据库暂时无法访问，请稍后刷新页面。"
	if r.Method == http.MethodPost {
		msg = "投诉数据库暂时无法访问，本次操作没有保存，请稍后重试。"
	}
	h.render(w, r, http.StatusServiceUnavailable, "error", rq, "暂时无法操作", errorPage{Message: msg, Typed: typed})
}

// retryAfterOutage is what a 503 for a store outage tells the browser, in
// seconds: long enough for a database failover.
const retryAfterOutage = 30

// fail answers a service error: a page saying what is wrong, or the
// reference of an internal error.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		h.internal(w, r, err)
		return
	}
	if status == http.StatusServiceUnavailable {
		h.unsaved(w, r, rq, err, "")
		return
	}
	title := map[int]string{http.StatusNotFound: "未找到", http.StatusForbidden: "无权操作"}[status]
	if title == "" {
		title = "操作未完成"
	}
	h.render(w, r, status, "error", rq, title, errorPage{Message: intake.ErrorMessage(err)})
}

type errorPage struct {
	Message string
	Typed   string // what the person typed, given back when it was not saved
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

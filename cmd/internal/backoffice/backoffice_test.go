package backoffice

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
	"portal/cmd/internal/staff"
)

// syncBuffer is a log sink for the test to read.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// office is a running back office over an in-memory store, with one
// complaint per department and an account of each kind.
type office struct {
	t        *testing.T
	srv      *httptest.Server
	mem      *intaketest.Mem
	svc      *intake.Service
	acc      *staff.Service
	clock    *clock
	logs     *syncBuffer
	creds    map[string]staff.Credentials
	fgw, sj  string // receipts: one assigned to each department
	fresh    string // a receipt not yet accepted
	personal []string
	problem  *atomic.Pointer[SiteProblem] // what Options.SiteProblem answers
}

func newOffice(t *testing.T) *office {
	o := &office{t: t, mem: intaketest.NewMem(), clock: &clock{t: time.Now().UTC()}, logs: &syncBuffer{}, creds: map[string]staff.Credentials{},
		problem: new(atomic.Pointer[SiteProblem])}
	cal, err := intake.NewCalendar(time.FixedZone("CST", 8*3600), nil, nil)
	require.NoError(t, err)
	o.svc = intake.NewService(intake.Config{Store: outageMem{o.mem}, Calendar: cal, Now: o.clock.now,
		Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}, {ID: "sj", Name: "市审计局"}}})
	o.acc = staff.New(staff.Config{Store: outageMem{o.mem}, Known: o.svc.Known, Issuer: "测试", Now: o.clock.now})
	logger := slog.New(slog.NewTextHandler(o.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h, err := New(Options{Complaints: o.svc, Accounts: o.acc, Title: "测试站", Logger: logger, LoginRate: 100, LoginBurst: 100,
		SiteProblem: o.problem.Load})
	require.NoError(t, err)
	o.srv = httptest.NewTLSServer(h)
	t.Cleanup(o.srv.Close)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log("logs:\n" + o.logs.String())
		}
	})
	ctx := context.Background()
	root := intake.Who{Login: "cli:root", Role: intake.RoleAdmin, Addr: "cli"}
	for _, a := range []struct {
		login, dept string
		role        intake.Role
	}{{"li", "fgw", intake.RoleHandler}, {"wang", "sj", intake.RoleHandler}, {"zhao", "", intake.RoleSupervisor}, {"root", "", intake.RoleAdmin}} {
		_, cred, err := o.acc.Add(ctx, root, a.login, "员工"+a.login, a.dept, a.role)
		require.NoError(t, err)
		o.creds[a.login] = cred
	}
	png, err := intake.CheckAttachment("合同.png", "image/png", intaketest.PNG)
	require.NoError(t, err)
	sub := intake.Submission{Category: "拖欠账款", Department: "fgw", Title: "工程款拖欠两年未付",
		Description: "某局拖欠我公司工程款两年，多次催要未果，联系人张秘密。", Name: "张秘密", Phone: "13912345678",
		Email: "secret@example.com", Consent: true, Attachments: []intake.Attachment{png}}
	o.personal = []string{sub.Name, sub.Phone, sub.Email, "多次催要未果"}
	boss := intake.Who{Login: "setup", Name: "setup", Role: intake.RoleSupervisor}
	for i, dept := range []string{"fgw", "sj", ""} {
		sub.Title = []string{"工程款拖欠两年未付", "审计整改承诺未兑现", "新官不理旧账问题"}[i]
		r, err := o.svc.Submit(ctx, sub)
		require.NoError(t, err)
		if dept == "" {
			o.fresh = r.Receipt
			continue
		}
		_, err = o.svc.ActAs(ctx, boss, r.Receipt, intake.Action{Kind: intake.ActAccept})
		require.NoError(t, err)
		_, err = o.svc.ActAs(ctx, boss, r.Receipt, intake.Action{Kind: intake.ActAssign, Assignee: dept})
		require.NoError(t, err)
		if dept == "fgw" {
			o.fgw = r.Receipt
		} else {
			o.sj = r.Receipt
		}
	}
	return o
}

// outageMem is the memory store that calls a network error an outage, as
// the SQL stores do for a refused connection.
type outageMem struct{ *intaketest.Mem }

func (outageMem) Unavailable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// browser is one person's browser: a cookie jar, no redirects followed.
type browser struct {
	o      *office
	c      *http.Client
	origin string
}

func (o *office) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := new(http.Client)
	*c = *o.srv.Client() // a copy: each browser has its own jar
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{o: o, c: c}
}

type resp struct {
	status int
	body   string
	hdr    http.Header
	loc    string
}

func (b *browser) do(method, path string, form url.Values) resp {
	b.o.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.o.srv.URL+path, body)
	require.NoError(b.o.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.origin != "" {
		req.Header.Set("Origin", b.origin)
	}
	hr, err := b.c.Do(req)
	require.NoError(b.o.t, err)
	defer hr.Body.Close()
	all, err := io.ReadAll(hr.Body)
	require.NoError(b.o.t, err)
	return resp{status: hr.StatusCode, body: string(all), hdr: hr.Header, loc: hr.Header.Get("Location")}
}

func (b *browser) get(path string) resp { return b.do("GET", path, nil) }

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, p resp) string {
	m := csrfRe.FindStringSubmatch(p.body)
	require.Len(t, m, 2, "a CSRF field on the page")
	return m[1]
}

// login signs in as login; supervisors and admins with a fresh TOTP code.
func (b *browser) login(login string) resp {
	t := b.o.t
	t.Helper()
	p := b.get("/login")
	require.Equal(t, http.StatusOK, p.status)
	form := url.Values{"csrf": {csrfOf(t, p)}, "login": {login}, "password": {b.o.creds[login].Password}}
	if k := b.o.creds[login].TOTP; k != nil {
		b.o.clock.add(30 * time.Second) // a code is accepted once: take the next step
		code, err := totp.GenerateCode(k.Secret(), b.o.clock.now())
		require.NoError(t, err)
		form.Set("code", code)
	}
	return b.do("POST", "/login", form)
}

func (b *browser) signedIn(login string) *browser {
	p := b.login(login)
	require.Equal(b.o.t, http.StatusSeeOther, p.status, p.body)
	return b
}

// act posts an action form from the complaint's page, as a click would.
func (b *browser) act(receipt, action string, fields url.Values) resp {
	t := b.o.t
	t.Helper()
	p := b.get("/complaints/" + receipt)
	require.Equal(t, http.StatusOK, p.status, p.body)
	if fields == nil {
		fields = url.Values{}
	}
	fields.Set("csrf", csrfOf(t, p))
	return b.do("POST", "/complaints/"+receipt+"/act/"+action, fields)
}

func TestLoginSetsAStrictSessionCookie(t *testing.T) {
	o := newOffice(t)
	b := o.browser()
	p := b.login("li")
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	assert.Equal(t, "/", p.loc)
	var session *http.Cookie
	resp, err := b.c.Get(o.srv.URL + "/login")
	require.NoError(t, err)
	resp.Body.Close()
	u, _ := url.Parse(o.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			session = c
		}
	}
	require.NotNil(t, session)
	// The jar hides the attributes: read them off a fresh login's header.
	b2 := o.browser()
	lp := b2.get("/login")
	req, _ := http.NewRequest("POST", o.srv.URL+"/login", strings.NewReader(url.Values{"csrf": {csrfOf(t, lp)}, "login": {"wang"}, "password": {o.creds["wang"].Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = b2.c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	set := strings.Join(resp.Header.Values("Set-Cookie"), "\n")
	assert.Regexp(t, `__Host-portal_staff=[^;]+; Path=/; HttpOnly; Secure; SameSite=Strict`, set)
	assert.Equal(t, "DENY", resp.Header.Get("X-Frame-Options"))
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "default-src 'none'")

	home := b.get("/")
	assert.Equal(t, "/inbox", home.loc)
	inbox := b.get("/inbox")
	assert.Equal(t, http.StatusOK, inbox.status)
	assert.Contains(t, inbox.body, o.fgw)
}

func TestEveryPageNeedsASession(t *testing.T) {
	o := newOffice(t)
	b := o.browser()
	for _, path := range []string{"/", "/inbox", "/complaints/" + o.fgw, "/complaints/" + o.fgw + "/attachments/1", "/audit", "/audit.csv", "/accounts", "/export.csv"} {
		p := b.get(path)
		assert.Equal(t, http.StatusSeeOther, p.status, path)
		assert.Equal(t, "/login", p.loc, path)
		assert.NotContains(t, p.body, "张秘密")
	}
	p := b.do("POST", "/complaints/"+o.fresh+"/act/accept", url.Values{"csrf": {"x"}})
	assert.Equal(t, http.StatusSeeOther, p.status)
	c, err := o.mem.Get(context.Background(), o.fresh)
	require.NoError(t, err)
	assert.Equal(t, intake.StatusReceived, c.Status, "nothing done without a session")
}

// TestHandlerSeesOnlyTheirDepartment guesses receipts as a handler would:
// another department's complaint answers exactly like a missing one, for
// reading, acting, notes and attachments, and every attempt is recorded.
func TestHandlerSeesOnlyTheirDepartment(t *testing.T) {
	o := newOffice(t)
	li := o.browser().signedIn("li")
	inbox := li.get("/inbox?status=all")
	assert.Contains(t, inbox.body, o.fgw)
	assert.NotContains(t, inbox.body, o.sj, "not in the inbox")
	assert.NotContains(t, inbox.body, o.fresh, "unassigned complaints belong to the centre")
	assert.NotContains(t, li.get("/inbox?department=sj&status=all").body, o.sj, "a department filter does not widen the scope")
	assert.NotContains(t, li.get("/inbox?q="+url.QueryEscape("审计整改")).body, o.sj, "nor does search")

	missing := li.get("/complaints/TS-20990101-000001")
	require.Equal(t, http.StatusNotFound, missing.status)
	for _, path := range []string{"/complaints/" + o.sj, "/complaints/" + strings.ToLower(o.sj), "/complaints/" + o.fresh} {
		p := li.get(path)
		assert.Equal(t, http.StatusNotFound, p.status, path)
		assert.Equal(t, missing.body, p.body, "another department's complaint reads as missing: %s", path)
	}
	assert.Equal(t, http.StatusNotFound, li.get("/complaints/"+o.sj+"/attachments/1").status)

	token := csrfOf(t, li.get("/complaints/"+o.fgw))
	for _, action := range []string{"reply", "close", "accept"} {
		p := li.do("POST", "/complaints/"+o.sj+"/act/"+action, url.Values{"csrf": {token}, "note": {"越权答复内容"}})
		assert.Equal(t, http.StatusNotFound, p.status, action)
	}
	p := li.do("POST", "/complaints/"+o.sj+"/notes", url.Values{"csrf": {token}, "note": {"越权备注"}})
	assert.Equal(t, http.StatusNotFound, p.status)
	c, err := o.mem.Get(context.Background(), o.sj)
	require.NoError(t, err)
	assert.Equal(t, intake.StatusHandling, c.Status)
	assert.Empty(t, c.Notes)
	assert.Len(t, c.Events, 3, "nothing was added")

	// Within their own department a handler replies but does not close.
	own := li.get("/complaints/" + o.fgw)
	assert.Contains(t, own.body, `action="/complaints/`+o.fgw+`/act/reply"`)
	assert.NotContains(t, own.body, `/act/assign"`)
	p = li.do("POST", "/complaints/"+o.fgw+"/act/extend", url.Values{"csrf": {token}, "days": {"3"}, "note": {"需核查"}})
	assert.Equal(t, http.StatusForbidden, p.status)

	denied, err := o.mem.ListAudit(context.Background(), intake.AuditFilter{Login: "li", Action: intake.AuditDenied})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(denied), 8, "each attempt is in the audit trail")
}

func TestFormsNeedTheSessionsCSRFToken(t *testing.T) {
	o := newOffice(t)
	zhao := o.browser().signedIn("zhao")
	other := o.browser().signedIn("li")
	stolen := csrfOf(t, other.get("/complaints/"+o.fgw))
	for name, form := range map[string]url.Values{
		"no token":                  {},
		"empty token":               {"csrf": {""}},
		"a guessed token":           {"csrf": {"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
		"another session's token":   {"csrf": {stolen}},
		"token in the query string": nil,
	} {
		path := "/complaints/" + o.fresh + "/act/accept"
		if form == nil {
			path += "?csrf=" + stolen
			form = url.Values{}
		}
		p := zhao.do("POST", path, form)
		assert.Equal(t, http.StatusForbidden, p.status, name)
	}
	c, err := o.mem.Get(context.Background(), o.fresh)
	require.NoError(t, err)
	assert.Equal(t, intake.StatusReceived, c.Status, "no form without a valid token did anything")

	// The login form is bound to its cookie.
	fresh := o.browser()
	p := fresh.do("POST", "/login", url.Values{"login": {"li"}, "password": {o.creds["li"].Password}})
	assert.Equal(t, http.StatusForbidden, p.status)
	_ = fresh.get("/login")
	p = fresh.do("POST", "/login", url.Values{"csrf": {"forged-token-forged-token-forged-token"}, "login": {"li"}, "password": {o.creds["li"].Password}})
	assert.Equal(t, http.StatusForbidden, p.status)

	// Cross-site posts are refused before anything else.
	zhao.origin = "https://evil.example"
	token := csrfOf(t, zhao.get("/complaints/"+o.fresh))
	p = zhao.do("POST", "/complaints/"+o.fresh+"/act/accept", url.Values{"csrf": {token}})
	assert.Equal(t, http.StatusForbidden, p.status)
	zhao.origin = ""
	p = zhao.do("POST", "/complaints/"+o.fresh+"/act/accept", url.Values{"csrf": {token}})
	assert.Equal(t, http.StatusSeeOther, p.status, "the same form from the back office works")
}

func TestSessionsEndOnLogoutAndExpiry(t *testing.T) {
	o := newOffice(t)
	li := o.browser().signedIn("li")
	token := csrfOf(t, li.get("/inbox"))
	p := li.do("POST", "/logout", url.Values{"csrf": {token}})
	assert.Equal(t, http.StatusSeeOther, p.status)
	assert.Equal(t, "/login", p.loc)
	assert.Equal(t, "/login", li.get("/inbox").loc)

	// A stolen cookie is worthless after logout too.
	b := o.browser().signedIn("li")
	u, _ := url.Parse(o.srv.URL)
	cookies := b.c.Jar.Cookies(u)
	thief := o.browser()
	thief.c.Jar.SetCookies(u, cookies)
	require.Equal(t, http.StatusOK, thief.get("/inbox").status)
	b.do("POST", "/logout", url.Values{"csrf": {csrfOf(t, b.get("/inbox"))}})
	assert.Equal(t, http.StatusSeeOther, thief.get("/inbox").status)

	idle := o.browser().signedIn("li")
	o.clock.add(staff.DefaultIdle + time.Minute)
	p = idle.get("/inbox")
	assert.Equal(t, "/login?expired=1", p.loc)
	assert.Contains(t, idle.get(p.loc).body, "会话已结束")

	long := o.browser().signedIn("li")
	var last resp
	for range 40 {
		o.clock.add(20 * time.Minute)
		if last = long.get("/inbox"); last.status != http.StatusOK {
			break
		}
	}
	assert.Equal(t, "/login?expired=1", last.loc, "the absolute limit ends even a busy session")
}

func TestBruteForceMeetsLockout(t *testing.T) {
	o := newOffice(t)
	b := o.browser()
	lp := b.get("/login")
	token := csrfOf(t, lp)
	var codes []int
	for range staff.FreeAttempts + 1 {
		p := b.do("POST", "/login", url.Values{"csrf": {token}, "login": {"li"}, "password": {"guess-guess-guess"}})
		codes = append(codes, p.status)
	}
	assert.Equal(t, []int{401, 401, 401, 401, 401, 429}, codes)
	p := b.do("POST", "/login", url.Values{"csrf": {token}, "login": {"li"}, "password": {o.creds["li"].Password}})
	assert.Equal(t, http.StatusTooManyRequests, p.status, "locked: even the right password")
	assert.Contains(t, p.body, "临时锁定")
	o.clock.add(staff.LockBase + time.Second)
	p = b.do("POST", "/login", url.Values{"csrf": {token}, "login": {"li"}, "password": {o.creds["li"].Password}})
	assert.Equal(t, http.StatusSeeOther, p.status, "after the lock")

	// A supervisor's password alone is not enough.
	token = csrfOf(t, b.get("/login")) // the login cookie is spent by a sign-in
	p = b.do("POST", "/login", url.Values{"csrf": {token}, "login": {"zhao"}, "password": {o.creds["zhao"].Password}})
	assert.Equal(t, http.StatusUnauthorized, p.status)

	// Per address: many logins from one client meet 429 whatever the account.
	h, err := New(Options{Complaints: o.svc, Accounts: o.acc, LoginRate: 0.001, LoginBurst: 3})
	require.NoError(t, err)
	srv := httptest.NewTLSServer(h)
	defer srv.Close()
	o2 := *o
	o2.srv = srv
	c := o2.browser()
	token = csrfOf(t, c.get("/login"))
	codes = nil
	for i := range 4 {
		p := c.do("POST", "/login", url.Values{"csrf": {token}, "login": {[]string{"a", "b", "c", "d"}[i]}, "password": {"x"}})
		codes = append(codes, p.status)
	}
	assert.Equal(t, []int{401, 401, 401, 429}, codes)
}

// TestTheLoopThroughTheForms takes a complaint from 已接收 to 已办结 as the
// centre and the department would, and checks the logs hold no personal data.
func TestTheLoopThroughTheForms(t *testing.T) {
	o := newOffice(t)
	zhao := o.browser().signedIn("zhao")
	li := o.browser().signedIn("li")
	r := o.fresh
	detail := zhao.get("/complaints/" + r)
	require.Equal(t, http.StatusOK, detail.status)
	for _, s := range o.personal[:3] {
		assert.Contains(t, detail.body, s, "the centre sees the contact details")
	}
	assert.Contains(t, detail.body, "合同.png")

	steps := []struct {
		b      *browser
		action string
		form   url.Values
		status intake.Status
	}{
		{zhao, "accept", url.Values{}, intake.StatusAccepted},
		{zhao, "assign", url.Values{"assignee": {"fgw"}, "note": {"请市发展改革委办理"}}, intake.StatusHandling},
		{zhao, "extend", url.Values{"days": {"3"}, "note": {"需现场核查"}}, intake.StatusHandling},
		{li, "reply", url.Values{"note": {"经核实，款项已于本周拨付。"}}, intake.StatusReplied},
		{zhao, "visit", url.Values{"satisfaction": {"满意"}}, intake.StatusVisited},
		{zhao, "close", url.Values{}, intake.StatusClosed},
	}
	for _, st := range steps {
		p := st.b.act(r, st.action, st.form)
		require.Equal(t, http.StatusSeeOther, p.status, "%s: %s", st.action, p.body)
		assert.Equal(t, "/complaints/"+r+"?done="+st.action, p.loc)
		c, err := o.mem.Get(context.Background(), r)
		require.NoError(t, err)
		assert.Equal(t, st.status, c.Status, st.action)
	}
	done := zhao.get("/complaints/" + r + "?done=close")
	assert.Contains(t, done.body, "已办结")
	assert.Contains(t, done.body, "本件已办结")

	// A refused action keeps what was typed and says why.
	p := zhao.act(o.fgw, "extend", url.Values{"days": {"99"}, "note": {"理由写了一半"}})
	assert.Equal(t, http.StatusBadRequest, p.status)
	assert.Contains(t, p.body, "延期天数须为 1–10 个工作日")
	assert.Contains(t, p.body, "理由写了一半")

	// Notes: the complainant never sees them.
	page := li.get("/complaints/" + o.fgw)
	p = li.do("POST", "/complaints/"+o.fgw+"/notes", url.Values{"csrf": {csrfOf(t, page)}, "note": {"已电话联系财务科"}})
	require.Equal(t, http.StatusSeeOther, p.status)
	assert.Contains(t, li.get("/complaints/"+o.fgw).body, "已电话联系财务科")
	c, err := o.mem.Get(context.Background(), o.fgw)
	require.NoError(t, err)
	for _, e := range o.svc.Public(c).Timeline {
		assert.NotContains(t, e.Note, "已电话联系财务科")
	}

	// The attachment downloads as an attachment.
	dl := li.get("/complaints/" + o.fgw + "/attachments/1")
	require.Equal(t, http.StatusOK, dl.status)
	assert.Equal(t, string(intaketest.PNG), dl.body)
	assert.Equal(t, "image/png", dl.hdr.Get("Content-Type"))
	assert.Contains(t, dl.hdr.Get("Content-Disposition"), "attachment")
	assert.Contains(t, dl.hdr.Get("Content-Security-Policy"), "sandbox")

	// Export: supervisors only, recorded.
	exp := zhao.get("/export.csv?status=all")
	require.Equal(t, http.StatusOK, exp.status)
	assert.Contains(t, exp.body, "13912345678")
	assert.Equal(t, http.StatusForbidden, li.get("/export.csv").status)

	logs := o.logs.String()
	require.Contains(t, logs, r, "the logs name receipts")
	for _, s := range append(o.personal, "经核实，款项已于本周拨付", "已电话联系财务科", o.creds["li"].Password) {
		assert.NotContains(t, logs, s, "no personal data, text or password in the logs")
	}
}

func TestAdminReadsTheAuditTrail(t *testing.T) {
	o := newOffice(t)
	zhao := o.browser().signedIn("zhao")
	zhao.get("/complaints/" + o.fgw)
	zhao.get("/complaints/" + o.fgw + "/attachments/1")
	assert.Equal(t, http.StatusForbidden, zhao.get("/audit").status, "supervisors do not read the trail")

	root := o.browser().signedIn("root")
	assert.Equal(t, "/audit", root.get("/").loc)
	assert.Equal(t, http.StatusForbidden, root.get("/complaints/"+o.fgw).status, "admins see no complaint")
	p := root.get("/audit?receipt=" + o.fgw)
	require.Equal(t, http.StatusOK, p.status)
	assert.Contains(t, p.body, "查看投诉详情（含个人信息）")
	assert.Contains(t, p.body, "下载附件")
	assert.Contains(t, p.body, "zhao")
	assert.NotContains(t, p.body, "张秘密")
	csv := root.get("/audit.csv?login=zhao")
	require.Equal(t, http.StatusOK, csv.status)
	assert.Contains(t, csv.hdr.Get("Content-Disposition"), "attachment")
	assert.Contains(t, csv.body, "序号,时间,账号,来源地址,操作")
	assert.Contains(t, csv.body, "act:accept"[:0]+"zhao,127.0.0.1,login")
	acc := root.get("/accounts")
	assert.Contains(t, acc.body, "员工li")
	assert.Contains(t, acc.body, "承办人员")
}

// TestSupervisorsSeeWhyTheSiteIsNotCurrent: when the public site's build
// fails, supervisors find the content errors on their inbox (the public
// never sees them); handlers are not troubled with them; once a build
// succeeds the notice goes.
func TestSupervisorsSeeWhyTheSiteIsNotCurrent(t *testing.T) {
	o := newOffice(t)
	zhao := o.browser().signedIn("zhao")
	li := o.browser().signedIn("li")
	assert.NotContains(t, zhao.get("/inbox").body, "公开网站")

	o.problem.Store(&SiteProblem{Since: time.Date(2025, 1, 15, 1, 2, 0, 0, time.UTC), Summary: "网站内容有 3 处错误",
		Lines: []string{"content/news/a.md:3:8: date: <bad>", "content/news/b.md:4:1: bogus: unknown key"}, More: 1})
	page := zhao.get("/inbox").body
	assert.Contains(t, page, "公开网站自 2025-01-15 09:02 起未能更新：</strong>网站内容有 3 处错误")
	assert.Contains(t, page, "<code>content/news/a.md:3:8: date: &lt;bad&gt;</code>", "escaped")
	assert.Contains(t, page, "content/news/b.md:4:1")
	assert.Contains(t, page, "另有 1 条")
	assert.NotContains(t, li.get("/inbox").body, "公开网站", "handlers in departments are not shown it")

	o.problem.Store(nil)
	assert.NotContains(t, zhao.get("/inbox").body, "公开网站")
}

// TestStoreOutage: with the database unreachable, an action or a note is
// answered 503 with Retry-After, says it was not saved, gives the typed
// text back, and logs a warning rather than an internal error; once the
// database is back the same action goes through.
func TestStoreOutage(t *testing.T) {
	o := newOffice(t)
	li := o.browser().signedIn("li")
	page := li.get("/complaints/" + o.fgw)
	require.Equal(t, http.StatusOK, page.status, page.body)
	csrf := csrfOf(t, page)
	o.mem.Fail = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}

	reply := url.Values{"csrf": {csrf}, "note": {"经核实，款项已于本周拨付，请查收。"}}
	for _, tc := range []struct{ path, typed string }{
		{"/complaints/" + o.fgw + "/act/reply", "经核实，款项已于本周拨付，请查收。"},
		{"/complaints/" + o.fgw + "/notes", "已电话联系财务科"},
	} {
		form := url.Values{"csrf": {csrf}, "note": {tc.typed}}
		p := li.do("POST", tc.path, form)
		require.Equal(t, http.StatusServiceUnavailable, p.status, p.body)
		assert.Equal(t, "30", p.hdr.Get("Retry-After"))
		assert.Contains(t, p.body, "本次操作没有保存")
		assert.Contains(t, p.body, tc.typed, "the typed text comes back to copy")
		assert.NotContains(t, p.body, "connection refused")
		assert.NotContains(t, p.body, "参考编号", "an outage is not an internal error")
	}
	assert.Contains(t, o.logs.String(), "complaint store unavailable")
	assert.NotContains(t, o.logs.String(), "level=ERROR")

	// A page opened a while later (the session is touched: a write) says
	// to refresh, and the outage signs nobody out.
	o.clock.add(2 * time.Minute)
	inbox := li.get("/inbox")
	require.Equal(t, http.StatusServiceUnavailable, inbox.status, inbox.body)
	assert.Contains(t, inbox.body, "请稍后刷新页面")
	assert.Empty(t, inbox.hdr.Values("Set-Cookie"), "the session cookie is kept")

	o.mem.Fail = nil
	require.Equal(t, http.StatusOK, li.get("/inbox").status, "still signed in")
	p := li.do("POST", "/complaints/"+o.fgw+"/act/reply", reply)
	require.Equal(t, http.StatusSeeOther, p.status, p.body)
	c, err := o.mem.Get(context.Background(), o.fgw)
	require.NoError(t, err)
	assert.Equal(t, intake.StatusReplied, c.Status)
}

// TestWarningFilterCountsListAndExportAgree: the count above the inbox, the
// list its link opens and 导出当前结果 hold the same complaints; the export
// never carries more personal data than the filtered list shows.
func TestWarningFilterCountsListAndExportAgree(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	boss := intake.Who{Login: "setup", Name: "setup", Role: intake.RoleSupervisor}
	_, err := o.svc.ActAs(ctx, boss, o.sj, intake.Action{Kind: intake.ActExtend, Days: 5, Note: "需现场核查"})
	require.NoError(t, err)

	// Walk to the day before o.fgw is due: 明日到期 counts it and lists it.
	c, err := o.svc.View(ctx, boss, o.fgw)
	require.NoError(t, err)
	for i := 0; i < 14 && o.svc.Timing(c).DaysLeft != 1; i++ {
		o.clock.add(24 * time.Hour)
	}
	require.Equal(t, 1, o.svc.Timing(c).DaysLeft)
	zhao := o.browser().signedIn("zhao")
	in := zhao.get("/inbox")
	require.Equal(t, http.StatusOK, in.status)
	assert.Regexp(t, `href="/inbox\?warning=tomorrow">明日到期 2 件`, in.body, "o.fgw and o.fresh, not the extended o.sj")
	list := zhao.get("/inbox?warning=tomorrow")
	assert.Contains(t, list.body, o.fgw)
	assert.NotContains(t, list.body, o.sj)

	// Past the limit: only the late ones are exported.
	o.clock.add(72 * time.Hour)
	zhao = o.browser().signedIn("zhao")
	exp := zhao.get("/export.csv?status=all&warning=red")
	require.Equal(t, http.StatusOK, exp.status)
	assert.Contains(t, exp.body, o.fgw)
	assert.Contains(t, exp.body, o.fresh)
	assert.NotContains(t, exp.body, o.sj, "o.sj is extended, not late")
}

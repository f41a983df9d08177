package e2e

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake/intaketest"
)

// account is a back-office account made with `portal staff add`, as an
// administrator would on the server.
type account struct{ login, password, secret string }

func addAccount(t *testing.T, login, name, role, department string) account {
	t.Helper()
	args := []string{"staff", "add", "-site", env.site, "-db", env.db, "-login", login, "-name", name, "-role", role}
	if department != "" {
		args = append(args, "-department", department)
	}
	out, err := exec.Command(env.bin, args...).CombinedOutput()
	require.NoError(t, err, "portal staff add: %s", out)
	a := account{login: login}
	m := regexp.MustCompile(`初始密码[^：]*：(\S+)`).FindSubmatch(out)
	require.Len(t, m, 2, "%s", out)
	a.password = string(m[1])
	if m := regexp.MustCompile(`动态验证码密钥[^：]*：(\S+)`).FindSubmatch(out); m != nil {
		a.secret = string(m[1])
	}
	return a
}

// openOffice navigates to path on the back office.
func openOffice(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	_, err := chromedp.Run(ctx, chromedp.NavigateResponse(env.office+path))
	require.NoError(t, err, "navigate to the back office's %s", path)
}

// signIn fills the login form; at is the moment whose TOTP code to type
// (a code is accepted once, so a second sign-in uses the next step's).
func signIn(t *testing.T, ctx context.Context, a account, at time.Time) {
	t.Helper()
	openOffice(t, ctx, "/login")
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SendKeys(chromedp.CSS("#f-login"), a.login),
		chromedp.SendKeys(chromedp.CSS("#f-password"), a.password),
	}
	if a.secret != "" {
		code, err := totp.GenerateCode(a.secret, at)
		require.NoError(t, err)
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#f-code"), code))
	}
	require.NoError(t, chromedp.Do(ctx, steps...))
	resp := follow(t, ctx, "sign in", chromedp.Click(chromedp.CSS("form.login button")))
	require.Equal(t, int64(http.StatusOK), resp.Status, "signed in as %s: %s", a.login, text(t, ctx, "main"))
	require.Equal(t, env.office+"/inbox", location(t, ctx)+"", "the inbox after sign-in")
}

func signOut(t *testing.T, ctx context.Context) {
	t.Helper()
	follow(t, ctx, "sign out", chromedp.Click(chromedp.CSS("form.who button")))
	require.Contains(t, location(t, ctx), "/login")
}

// act clicks an action's button on the complaint page, after setup fills its form.
func act(t *testing.T, ctx context.Context, action string, setup ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, setup...), "fill %s", action)
	resp := follow(t, ctx, action, chromedp.Click(chromedp.CSS("#act-"+action+" button[type=submit]")))
	require.Equal(t, int64(http.StatusOK), resp.Status, "%s: %s", action, text(t, ctx, "main"))
	assert.Contains(t, text(t, ctx, "main .notice"), "已完成", action)
}

// TestComplaintThroughTheBackOffice walks one complaint from the public
// form (with an attachment, in an enterprise's name) through every staff
// step to 办结, as the 12345 centre and the department do it in a browser
// without JavaScript, and looks it up as the complainant at the end.
func TestComplaintThroughTheBackOffice(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "/complaints/")
	c := complaint{category: "拖欠账款", title: "工程尾款拖欠两年未付", description: "2023年竣工验收的工程尾款至今未付，多次催要无果，附合同。",
		name: "王企业", phone: "13700137000", consent: true}
	dept := fillComplaint(t, ctx, c)
	pdf := filepath.Join(t.TempDir(), "施工合同.pdf")
	require.NoError(t, os.WriteFile(pdf, intaketest.PDF, 0o644))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-enterprise_name"), "临沂某某建设有限公司"),
		chromedp.SendKeys(chromedp.CSS("#f-credit_code"), "91371300MA3C8L1X1A"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-attachments"), []string{pdf}),
	))
	resp := follow(t, ctx, "submit", chromedp.Click(chromedp.CSS("form.complaint-form button[type=submit]")))
	require.Equal(t, int64(http.StatusOK), resp.Status, text(t, ctx, "main"))
	receipt := text(t, ctx, "dl.meta-table > div:nth-child(1) dd")
	code := text(t, ctx, "dl.meta-table > div:nth-child(2) dd")
	assert.Contains(t, text(t, ctx, "section[aria-labelledby=submitted-h] dl"), "1 个：PDF", "the receipt says what was received")

	boss := addAccount(t, "e2e.zhao", "赵督办", "supervisor", "")
	handler := addAccount(t, "e2e.li", "李承办", "handler", dept)
	now := time.Now()

	// The 12345 centre: finds it in the inbox, accepts and assigns it.
	signIn(t, ctx, boss, now)
	assert.Contains(t, text(t, ctx, "table.inbox"), receipt)
	follow(t, ctx, "open the complaint", chromedp.Click(chromedp.CSS(`table.inbox a[href="/complaints/`+receipt+`"]`)))
	main := text(t, ctx, "main")
	for _, s := range []string{c.name, c.phone, "临沂某某建设有限公司", "施工合同.pdf", "已接收"} {
		assert.Contains(t, main, s)
	}
	act(t, ctx, "accept")
	assert.Equal(t, "已受理", text(t, ctx, "#status"))
	act(t, ctx, "assign", chromedp.SetValue(chromedp.CSS("#f-assign-assignee"), dept))
	assert.Equal(t, "办理中", text(t, ctx, "#status"))
	shoot(t, ctx, shotsDir(t), "office-detail")
	signOut(t, ctx)

	// The department: replies, and cannot close it.
	signIn(t, ctx, handler, now)
	follow(t, ctx, "open the complaint", chromedp.Click(chromedp.CSS(`table.inbox a[href="/complaints/`+receipt+`"]`)))
	assert.Empty(t, texts(t, ctx, "#act-close"), "a handler cannot close")
	act(t, ctx, "reply", chromedp.SendKeys(chromedp.CSS("#f-reply-note"), "经核实，工程尾款已于本周拨付到账。"))
	assert.Equal(t, "已答复", text(t, ctx, "#status"))
	signOut(t, ctx)

	// The centre again: the return visit, then 办结.
	signIn(t, ctx, boss, now.Add(30*time.Second))
	openOffice(t, ctx, "/complaints/"+receipt)
	act(t, ctx, "visit", chromedp.Click(chromedp.CSS(`#act-visit input[value="满意"]`)))
	assert.Equal(t, "已回访", text(t, ctx, "#status"))
	act(t, ctx, "close")
	assert.Equal(t, "已办结", text(t, ctx, "#status"))
	signOut(t, ctx)

	// The complainant sees every step, and no staff name or personal data.
	open(t, ctx, "/complaints/status/")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-receipt"), receipt),
		chromedp.SendKeys(chromedp.CSS("#f-query_code"), code),
	))
	follow(t, ctx, "look up", chromedp.Click(chromedp.CSS("form.status-form button[type=submit]")))
	assert.Equal(t, "已办结", text(t, ctx, "section[aria-labelledby=result-h] dl strong"))
	timeline := text(t, ctx, ".timeline")
	for _, s := range []string{"已受理", "已答复", "经核实，工程尾款已于本周拨付到账。", "已回访", "已办结"} {
		assert.Contains(t, timeline, s)
	}
	page := text(t, ctx, "body")
	for _, s := range []string{c.name, c.phone, "赵督办", "李承办"} {
		assert.NotContains(t, page, s)
	}
}

package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// complaint is what a user types into the form.
type complaint struct {
	category, title, description, name, phone string
	consent                                   bool
}

// fillComplaint fills the form on the current page as a user would: picks
// from the lists, types into the fields, ticks the consent box. An empty
// field is left alone. It returns the department chosen.
func fillComplaint(t *testing.T, ctx context.Context, c complaint) string {
	t.Helper()
	// The first real department (after 请选择 and 不确定).
	dept := attr(t, ctx, "#f-department option:nth-child(3)", "value")
	require.NotEmpty(t, dept)
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.SetValue(chromedp.CSS("#f-department"), dept),
	}
	if c.category != "" {
		steps = append(steps, chromedp.SetValue(chromedp.CSS("#f-category"), c.category))
	}
	for sel, v := range map[string]string{"#f-title": c.title, "#f-description": c.description, "#f-name": c.name, "#f-phone": c.phone} {
		if v != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.CSS(sel), v))
		}
	}
	if c.consent {
		steps = append(steps, chromedp.Click(chromedp.CSS("#f-consent")))
	}
	require.NoError(t, chromedp.Do(ctx, steps...), "fill the complaint form")
	return dept
}

func TestComplaintSubmitReceiptAndStatus(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "/complaints/")

	c := complaint{
		category:    "承诺未兑现",
		title:       "招商引资奖补资金承诺逾期未兑现",
		description: "2025年签约时承诺的设备补贴至今未拨付，多次询问没有答复。",
		name:        "张三",
		phone:       "13800138000",
		consent:     true,
	}
	fillComplaint(t, ctx, c)
	resp := follow(t, ctx, "submit the complaint", chromedp.Click(chromedp.CSS("form.complaint-form button[type=submit]")))
	require.Equal(t, int64(http.StatusOK), resp.Status, "the receipt page after the 303")
	require.Equal(t, "/complaints/receipt/", location(t, ctx), "the query code never sits in the URL")

	// The receipt: number, query code (shown once) and status.
	receipt := text(t, ctx, "dl.meta-table > div:nth-child(1) dd")
	code := text(t, ctx, "dl.meta-table > div:nth-child(2) dd")
	assert.Equal(t, "受理编号", text(t, ctx, "dl.meta-table > div:nth-child(1) dt"))
	assert.Equal(t, "查询码", text(t, ctx, "dl.meta-table > div:nth-child(2) dt"))
	assert.Regexp(t, `^TS-\d{8}-\d+$`, receipt)
	assert.Regexp(t, `^[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}$`, code)
	assert.Equal(t, "已接收", text(t, ctx, "dl.meta-table > div:nth-child(3) dd"))
	// It repeats what was sent, without what identifies the person, and
	// says what happens next and by when.
	sent := text(t, ctx, "section[aria-labelledby=submitted-h]")
	assert.Contains(t, sent, c.title)
	assert.Contains(t, sent, c.category)
	receiptBody := text(t, ctx, "main")
	for _, personal := range []string{c.name, c.phone, c.description} {
		assert.NotContains(t, receiptBody, personal, "the receipt shows no personal data")
	}
	assert.Equal(t, []string{"接收", "受理", "办理", "答复", "回访", "办结"}, texts(t, ctx, "section[aria-labelledby=next-h] ol.steps > li"))
	assert.Equal(t, "接收", text(t, ctx, `ol.steps > li[aria-current=step]`), "the current step")
	due := text(t, ctx, "dl.meta-table > div:nth-child(4) dd")
	assert.Regexp(t, `^\d{4}年\d{1,2}月\d{1,2}日前`, due, "the reply limit, written 年月日")
	assert.Contains(t, text(t, ctx, "section[aria-labelledby=next-h]"), strings.TrimSuffix(strings.Fields(due)[0], "前（按工作日计算）"), "the next steps name the reply limit")
	present(t, ctx, "p.receipt-actions")
	shoot(t, ctx, shotsDir(t), "complaint-receipt")

	// Look it up with the status form.
	follow(t, ctx, "status link", chromedp.Click(chromedp.CSS(`main a[href="/complaints/status/"]`)))
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-receipt"), receipt),
		chromedp.SendKeys(chromedp.CSS("#f-query_code"), code),
	))
	resp = follow(t, ctx, "look up the status", chromedp.Click(chromedp.CSS("form.status-form button[type=submit]")))
	require.Equal(t, int64(http.StatusOK), resp.Status)
	assert.Equal(t, "受理编号 "+receipt, text(t, ctx, "#result-h"))
	result := text(t, ctx, "section[aria-labelledby=result-h]")
	assert.Contains(t, result, c.title)
	assert.Contains(t, result, c.category)
	assert.Equal(t, "已接收", text(t, ctx, "section[aria-labelledby=result-h] dl strong"))
	assert.NotEmpty(t, texts(t, ctx, "section[aria-labelledby=result-h] .timeline > li"), "the timeline")
	assert.Len(t, texts(t, ctx, "section[aria-labelledby=result-h] ol.steps > li"), 6, "the loop as steps")
	assert.Equal(t, "接收", text(t, ctx, `section[aria-labelledby=result-h] ol.steps > li[aria-current=step]`))
	body := text(t, ctx, "body")
	for _, personal := range []string{c.name, c.phone, c.description} {
		assert.NotContains(t, body, personal, "the public status page shows no personal data")
	}

	// A wrong code is refused without revealing the complaint.
	open(t, ctx, "/complaints/status/")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-receipt"), receipt),
		chromedp.SendKeys(chromedp.CSS("#f-query_code"), "AAAA-AAAA-AAAA"),
	))
	resp = follow(t, ctx, "look up with a wrong code", chromedp.Click(chromedp.CSS("form.status-form button[type=submit]")))
	assert.Equal(t, int64(http.StatusNotFound), resp.Status)
	assert.NotEmpty(t, text(t, ctx, ".form-message[role=alert]"))
	assert.Empty(t, texts(t, ctx, "#result-h"))
	assert.NotContains(t, text(t, ctx, "body"), c.title)
}

func TestComplaintMissingFieldKeepsInput(t *testing.T) {
	ctx := newTab(t)
	open(t, ctx, "/complaints/")
	c := complaint{
		category:    "拖欠账款",
		description: "工程款约定验收后三十日内支付，已逾期半年。",
		name:        "李四",
		phone:       "13900139000",
		consent:     true,
	} // no title
	dept := fillComplaint(t, ctx, c)
	resp := follow(t, ctx, "submit without a title", chromedp.Click(chromedp.CSS("form.complaint-form button[type=submit]")))
	assert.GreaterOrEqual(t, resp.Status, int64(400), "an invalid form is not a success")
	assert.Less(t, resp.Status, int64(500))
	assert.Equal(t, "/complaints/", location(t, ctx))

	// The message beside the title field, linked to it, and in the summary.
	assert.NotEmpty(t, text(t, ctx, "#e-title"))
	assert.Equal(t, "true", attr(t, ctx, "#f-title", "aria-invalid"))
	assert.Contains(t, attr(t, ctx, "#f-title", "aria-describedby"), "e-title")
	assert.NotEmpty(t, text(t, ctx, "#form-message"))
	assert.Contains(t, texts(t, ctx, `#form-message a[href="#f-title"]`), text(t, ctx, "#e-title"))
	shoot(t, ctx, shotsDir(t), "complaint-error")
	// Only the missing field is flagged.
	assert.Len(t, texts(t, ctx, ".complaint-form .field-error"), 1)

	// Everything else the user typed is still there.
	assert.Equal(t, c.category, value(t, ctx, "#f-category"))
	assert.Equal(t, dept, value(t, ctx, "#f-department"))
	assert.Equal(t, c.description, value(t, ctx, "#f-description"))
	assert.Equal(t, c.name, value(t, ctx, "#f-name"))
	assert.Equal(t, c.phone, value(t, ctx, "#f-phone"))
	checked, err := chromedp.Run(ctx, chromedp.JavascriptAttribute[bool](chromedp.CSS("#f-consent"), "checked"))
	require.NoError(t, err)
	assert.True(t, checked, "consent stays ticked")
	assert.Empty(t, value(t, ctx, "#f-website"), "the honeypot is never echoed")
	assert.False(t, strings.Contains(location(t, ctx), "13900139000"), "no personal data in the URL")
}

package e2e

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// retiredWords are names the site no longer uses (issue 10, item 5): the
// complaint section has one name, 政务失信投诉 (it takes complaints and
// objections as a 12345 投诉 does, and no suggestions, so no 建议), and a
// complaint is 已接收 until staff accept it (受理 is a later, formal step).
var retiredWords = []string{"投诉建议", "投诉举报", "举报投诉", "留言", "投诉已受理", "已受理您的投诉"}

// isoDateText is a date written 2025-06-30 or 2025-06 in the text a person
// reads; the site writes 2025年6月30日 (machine-readable values stay ISO in
// attributes, feeds and open data).
var isoDateText = regexp.MustCompile(`(^|[^\d/.:-])\d{4}-\d{2}(-\d{2})?($|[^\d])`)

var (
	// hiddenText is left out of the reading: what is not read as the site's
	// own words, verbatim blocks, and official documents quoted word for
	// word (a policy's text, a measure quoted in a <blockquote>), which keep
	// their own wording.
	hiddenText = regexp.MustCompile(`(?s)<(script|style|pre|code|textarea|blockquote)\b.*?</(script|style|pre|code|textarea|blockquote)>|<!--.*?-->|<div class="prose document"[^>]*>.*?</div>`)
	anyTag     = regexp.MustCompile(`(?s)<[^>]*>`)
)

// readableText is the text of an HTML page a person reads as the site's
// own words: no tags, attributes, comments, verbatim blocks (code,
// commands, checkpoints) or quoted official documents.
func readableText(html string) string {
	return anyTag.ReplaceAllString(hiddenText.ReplaceAllString(html, " "), " ")
}

// vocabularyProblems lists what page (named by name) says that the site
// no longer says: retired words, ISO dates in the text.
func vocabularyProblems(name, html string) []string {
	var out []string
	text := readableText(html)
	for _, w := range retiredWords {
		if i := strings.Index(text, w); i >= 0 {
			out = append(out, name+": "+w+" in …"+around(text, i, len(w))+"…")
		}
	}
	if m := isoDateText.FindStringIndex(text); m != nil {
		out = append(out, name+": a date not written 年月日 in …"+around(text, m[0], m[1]-m[0])+"…")
	}
	return out
}

// around is the text around text[i:i+n], on one line.
func around(text string, i, n int) string {
	from, to := max(0, i-45), min(len(text), i+n+45)
	for from > 0 && !isRuneStart(text[from]) {
		from--
	}
	for to < len(text) && !isRuneStart(text[to]) {
		to++
	}
	return strings.Join(strings.Fields(text[from:to]), " ")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func TestVocabularyCheckFindsProblems(t *testing.T) {
	// The check itself, on pages that break each rule.
	for _, tt := range []struct {
		html string
		want string // "" when the page is clean
	}{
		{`<h1>投诉举报</h1>`, "投诉举报"},
		{`<p>请<a href="/complaints/">留言</a></p>`, "留言"},
		{`<title>投诉已受理</title>`, "投诉已受理"},
		{`<p>答复期限 2026-12-09 前</p>`, "年月日"},
		{`<p>期限：2026-12</p>`, "年月日"},
		{`<p><time datetime="2026-12-09">2026年12月9日</time></p>`, ""},
		{`<pre>sha256 2026-12-09T00:00</pre><code>2026-12-09</code>`, ""},
		{`<p>临发改信用〔2024〕295号，电话 0539-12345678</p>`, ""},
		{`<p>对政务失信行为进行投诉，或对公示信息提出意见建议</p>`, ""},
		{`<blockquote><p>评议评价和投诉举报</p></blockquote><div class="prose document" data-ledger="body"><p>投诉举报</p></div>`, ""},
		{`<div class="prose"><p>投诉举报</p></div>`, "投诉举报"},
	} {
		got := vocabularyProblems("p", tt.html)
		if tt.want == "" {
			assert.Empty(t, got, tt.html)
		} else if assert.Len(t, got, 1, tt.html) {
			assert.Contains(t, got[0], tt.want, tt.html)
		}
	}
}

// TestOneVocabulary reads every page of the built site and the pages the
// server renders on request (search, the complaint form, its error state,
// the receipt and the status page) for retired words and dates not written
// 年月日; it also checks the receipt says 已接收 and that every search box
// has the same wording.
func TestOneVocabulary(t *testing.T) {
	if env.skip != "" {
		t.Skip(env.skip)
	}
	require.NoError(t, env.setupErr, "end-to-end set-up")
	out := builtSite(t)

	var problems []string
	pages := 0
	placeholders := map[string][]string{} // search box placeholder → pages
	placeholder := regexp.MustCompile(`<input[^>]*type="search"[^>]*placeholder="([^"]*)"`)
	check := func(name, html string) {
		pages++
		problems = append(problems, vocabularyProblems(name, html)...)
		for _, m := range placeholder.FindAllStringSubmatch(html, -1) {
			placeholders[m[1]] = append(placeholders[m[1]], name)
		}
	}
	require.NoError(t, filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		check(strings.TrimPrefix(path, out), string(b))
		return nil
	}))
	require.Greater(t, pages, 100, "the built site's pages")

	// The dynamic pages, as a person reaches them.
	ctx := newTab(t)
	html := func() string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.outerHTML`))
		require.NoError(t, err)
		return s
	}
	for _, path := range []string{
		"/search/",
		"/search/?q=" + url.QueryEscape("政务诚信"),
		"/search/?q=" + url.QueryEscape("承诺") + "&kind=commitments",
		"/search/?q=" + url.QueryEscape("没有这样的词语啊"),
		"/search/?q=a&status=overdue",
		"/complaints/",
		"/complaints/status/",
		"/no-such-page/",
	} {
		open(t, ctx, path)
		check(path, html())
	}
	open(t, ctx, "/complaints/")
	fillComplaint(t, ctx, complaint{category: "拖欠账款", description: "工程款逾期未付。", name: "赵六", phone: "13600136000", consent: true})
	follow(t, ctx, "submit without a title", chromedp.Click(chromedp.CSS("form.complaint-form button[type=submit]")))
	check("the complaint form's error state", html())

	open(t, ctx, "/complaints/")
	fillComplaint(t, ctx, complaint{category: "拖欠账款", title: "工程款逾期未付", description: "工程款逾期半年未付。", name: "赵六", phone: "13600136000", consent: true})
	follow(t, ctx, "submit", chromedp.Click(chromedp.CSS("form.complaint-form button[type=submit]")))
	receiptPage := html()
	check("the receipt", receiptPage)
	assert.Equal(t, "已接收", text(t, ctx, "dl.meta-table > div:nth-child(3) dd"), "the receipt's status")
	assert.NotContains(t, readableText(receiptPage), "已受理", "the receipt says 已接收 until staff accept it")
	receipt := text(t, ctx, "dl.meta-table > div:nth-child(1) dd")
	code := text(t, ctx, "dl.meta-table > div:nth-child(2) dd")
	open(t, ctx, "/complaints/status/")
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#f-receipt"), receipt),
		chromedp.SendKeys(chromedp.CSS("#f-query_code"), code),
	))
	follow(t, ctx, "look up the status", chromedp.Click(chromedp.CSS("form.status-form button[type=submit]")))
	present(t, ctx, "#result-h")
	check("the status page", html())

	sort.Strings(problems)
	if len(problems) > 30 {
		problems = append(problems[:30], "…")
	}
	assert.Empty(t, problems, "retired words or dates not written 年月日:\n%s", strings.Join(problems, "\n"))

	// One wording for the search box, wherever it is.
	if assert.Len(t, placeholders, 1, "search boxes worded differently") {
		for p := range placeholders {
			assert.NotEmpty(t, p)
		}
	} else {
		for p, where := range placeholders {
			t.Logf("%q on %d pages, e.g. %s", p, len(where), where[0])
		}
	}
}

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The two outside checkers a 政府网站 inspection would run: axe-core in the
// browser (accessibility) and the Nu HTML checker (markup). .ci/axe.sh and
// .ci/vnu.sh install them at pinned versions into toolsDir; the tests skip
// only when a tool is not installed.

// toolsDir is where .ci/npm-tool.sh installs npm packages: $PORTAL_CI_TOOLS,
// else ${XDG_CACHE_HOME:-$HOME/.cache}/portal-ci.
func toolsDir() string {
	if d := os.Getenv("PORTAL_CI_TOOLS"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "portal-ci")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "portal-ci")
}

// axeSource is axe-core's script, or a skip when it is not installed.
func axeSource(t *testing.T) string {
	t.Helper()
	file := filepath.Join(toolsDir(), "node_modules", "axe-core", "axe.min.js")
	b, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		t.Skipf("axe-core is not installed at %s: bash .ci/axe.sh installs it", file)
	}
	require.NoError(t, err)
	return string(b)
}

// axeViolation is one rule axe found broken, with the elements it names.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n    … and %d more", len(v.Nodes)-i)
			break
		}
		fmt.Fprintf(&b, "\n    %v: %s", n.Target, strings.ReplaceAll(n.Summary, "\n", " "))
	}
	return b.String()
}

// runAxe runs axe-core on the page the tab shows, as it is (page scripts
// stay off: axe is evaluated through DevTools), and returns the violations.
func runAxe(t *testing.T, ctx context.Context, src string) []axeViolation {
	t.Helper()
	// axe waits on timers, which do not fire while scripts are off: the page
	// has been loaded and used without them, and has no scripts of its own,
	// so turning them on now changes nothing but lets axe finish.
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
	require.NoError(t, err, "enable scripts for axe-core")
	loaded, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`typeof axe === "object"`))
	require.NoError(t, err)
	if !loaded {
		_, err = chromedp.Run(ctx, chromedp.Evaluate[any](src+"\n;void 0"))
		require.NoError(t, err, "load axe-core")
	}
	await := func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, await))
	require.NoError(t, err, "run axe-core")
	var vs []axeViolation
	require.NoError(t, json.Unmarshal([]byte(out), &vs))
	return vs
}

// firstURL is the url of the first row of /data/<kind>.json.
func firstURL(t *testing.T, kind string) string {
	t.Helper()
	rows := openData[struct {
		URL string `json:"url"`
	}](t, kind)
	require.NotEmpty(t, rows, "/data/%s.json", kind)
	require.NotEmpty(t, rows[0].URL, "/data/%s.json has urls", kind)
	return rows[0].URL
}

func TestAccessibility(t *testing.T) {
	src := axeSource(t)
	if env.skip != "" {
		t.Skip(env.skip)
	}
	require.NoError(t, env.setupErr, "end-to-end set-up")

	t.Run("finds-violations", func(t *testing.T) {
		// The check itself works: a page with an unnamed image, an
		// unlabelled field and no lang is reported, serious and critical.
		ctx := newTab(t)
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(`data:text/html;charset=utf-8,<title>x</title><img src="a.png"><input type="text">`)))
		found := map[string]string{}
		for _, v := range runAxe(t, ctx, src) {
			found[v.ID] = v.Impact
		}
		assert.Equal(t, "critical", found["image-alt"], "%v", found)
		assert.Equal(t, "critical", found["label"], "%v", found)
		assert.Equal(t, "serious", found["html-has-lang"], "%v", found)
	})

	// Pages of each kind a person meets, static and dynamic, in the states
	// they meet them in.
	openPath := func(path string) func(*testing.T, context.Context) {
		return func(t *testing.T, ctx context.Context) { open(t, ctx, path) }
	}
	submit := func(c complaint) func(*testing.T, context.Context) {
		return func(t *testing.T, ctx context.Context) {
			open(t, ctx, "/complaints/")
			fillComplaint(t, ctx, c)
			follow(t, ctx, "submit the form", chromedp.Click(chromedp.CSS("form.complaint-form button[type=submit]")))
		}
	}
	complete := complaint{category: "承诺未兑现", title: "奖补资金承诺逾期未兑现", description: "签约时承诺的设备补贴至今未拨付。", name: "王五", phone: "13700137000", consent: true}
	noTitle := complete
	noTitle.title = ""
	pages := []struct {
		name  string
		visit func(*testing.T, context.Context)
		check string // an element that proves the page is in the state named
		wide  bool   // checked at 1280 px too (the pages issue 10 names)
	}{
		{"home", openPath("/"), ".figures", true},
		{"list", openPath("/commitments/"), ".items", true},
		{"commitment", openPath(firstURL(t, "commitments")), ".status-line", true},
		{"disclosure", openPath(firstURL(t, "disclosures")), "p.objection", true},
		{"department", openPath(firstURL(t, "departments")), "h1", true},
		{"search-results", openPath("/search/?q=" + url.QueryEscape("政务诚信")), ".search-results", true},
		{"complaint-form", openPath("/complaints/"), "form.complaint-form", true},
		{"complaint-error", submit(noTitle), "#e-title", true},
		{"complaint-receipt", submit(complete), "dl.meta-table", true},
		{"complaint-figures", openPath("/complaints/stats/"), "h1", true},
		// More kinds of page, on a phone only, to keep the run short.
		{"policy", openPath(firstURL(t, "policies")), "nav.toc", false},
		{"complaint-status", openPath("/complaints/status/"), "form.status-form", false},
		{"indicators", openPath("/indicators/"), "h1", false},
		{"sitemap", openPath("/sitemap/"), "h1", false},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			// One visit, checked at each width in turn: the page is laid
			// out again for the new width (media queries), and a state
			// reached by posting (the receipt) is not posted twice.
			ctx := newTab(t)
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1), chromedp.EmulateMobile)))
			p.visit(t, ctx)
			present(t, ctx, p.check)
			widths := []int64{390}
			if p.wide {
				widths = append(widths, 1280)
			}
			for _, width := range widths {
				if width != 390 {
					require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 844, chromedp.EmulateScale(1))))
				}
				var serious []string
				for _, v := range runAxe(t, ctx, src) {
					switch v.Impact {
					case "serious", "critical":
						serious = append(serious, v.String())
					default:
						t.Logf("axe at %d px (%s, not failing): %s", width, v.Impact, v)
					}
				}
				assert.Empty(t, serious, "serious or critical axe-core violations on %s at %d px:\n%s",
					location(t, ctx), width, strings.Join(serious, "\n"))
			}
		})
	}
}

// builtSite builds the shipped site once per run, from a copy, into its own
// folder (not the one portal serve publishes to, which it may swap while a
// checker reads it), and returns the output folder.
func builtSite(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			built.err = err
			return
		}
		site := filepath.Join(env.tmp, "built-site")
		if err := copyShippedSite(root, site); err != nil {
			built.err = err
			return
		}
		built.out = filepath.Join(env.tmp, "built-out")
		if b, err := exec.Command(env.bin, "build", "-site", site, "-out", built.out).CombinedOutput(); err != nil {
			built.err = fmt.Errorf("portal build: %v\n%s", err, b)
			return
		}
		// The output folder may be a link to the build's version folder.
		built.out, built.err = filepath.EvalSymlinks(built.out)
	})
	require.NoError(t, built.err)
	return built.out
}

var built struct {
	once sync.Once
	out  string
	err  error
}

// vnuJar is the Nu HTML checker's jar and java, or a skip when either is
// not installed.
func vnuJar(t *testing.T) (java, jar string) {
	t.Helper()
	java, err := exec.LookPath("java")
	if err != nil {
		t.Skip("java is not on PATH: bash .ci/vnu.sh installs Debian's default-jre-headless")
	}
	jar = filepath.Join(toolsDir(), "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Skipf("the Nu HTML checker is not installed at %s: bash .ci/vnu.sh installs it", jar)
	}
	return java, jar
}

// TestNuHTMLChecker builds the shipped site anew and checks every page of
// it, plus the pages the server renders on request (search, the complaint
// form, its error state, the status form, 404), with the Nu HTML checker:
// any error fails.
func TestNuHTMLChecker(t *testing.T) {
	java, jar := vnuJar(t)
	if env.skip != "" {
		t.Skip(env.skip)
	}
	require.NoError(t, env.setupErr, "end-to-end set-up")

	tmp := t.TempDir()
	out := builtSite(t)

	// The dynamic pages, as the server sends them.
	dyn := filepath.Join(tmp, "dynamic")
	require.NoError(t, os.MkdirAll(dyn, 0o755))
	save := func(name string, resp *http.Response, err error) {
		require.NoError(t, err, name)
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		require.Contains(t, resp.Header.Get("Content-Type"), "text/html", name)
		require.NoError(t, os.WriteFile(filepath.Join(dyn, name+".html"), body, 0o644))
	}
	get := func(name, path string) {
		resp, err := http.Get(env.base + path)
		save(name, resp, err)
	}
	get("search", "/search/?q="+url.QueryEscape("政务诚信"))
	get("search-empty", "/search/?q="+url.QueryEscape("没有这样的词语啊"))
	get("search-bad-filter", "/search/?q=a&status=overdue")
	get("search-form", "/search/")
	get("complaint-form", "/complaints/")
	get("complaint-status", "/complaints/status/")
	get("not-found", "/no-such-page/")
	resp, err := http.PostForm(env.base+"/complaints/", url.Values{"title": {"缺少其他必填项"}})
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "the form's error state")
	save("complaint-error", resp, err)

	// The check itself works: a page with an error is reported.
	bad := filepath.Join(tmp, "bad")
	require.NoError(t, os.MkdirAll(bad, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "index.html"),
		[]byte(`<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>x</title></head><body><p><time datetime="">已于停止公示</time></p></body></html>`), 0o644))
	b, err := exec.Command(java, "-jar", jar, "--errors-only", "--format", "gnu", bad).CombinedOutput()
	require.Error(t, err, "the Nu checker fails a page with an error")
	require.Contains(t, string(b), "datetime", "the Nu checker names the bad attribute")

	cmd := exec.Command(java, "-jar", jar, "--errors-only", "--skip-non-html", "--format", "gnu", out, dyn)
	report, err := cmd.CombinedOutput()
	if err != nil {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "run the Nu HTML checker: %s", report)
	}
	lines := strings.Split(strings.TrimSpace(string(report)), "\n")
	if len(lines) == 1 && lines[0] == "" {
		lines = nil
	}
	for i := range lines {
		lines[i] = strings.ReplaceAll(strings.ReplaceAll(lines[i], tmp, ""), out, "")
	}
	assert.Empty(t, lines, "Nu HTML checker errors (%d):\n%s", len(lines), strings.Join(lines, "\n"))
	assert.NoError(t, err, "the Nu HTML checker's exit status")
}

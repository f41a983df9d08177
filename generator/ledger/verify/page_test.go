package verify

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/ledger"
	"portal/generator/markdown"
	"portal/generator/model"
)

const page = `<!DOCTYPE html><html><body><main>
<h1 class="page-title"><span data-ledger="title">企业开办全流程1个工作日内办结</span> <span class="badge">示例</span></h1>
<dl class="meta-table">
<div><dt>牵头单位</dt><dd data-ledger="department"><a href="/departments/xzsp/">临沂市行政审批服务局</a></dd></div>
<div><dt>完成时限</dt><dd data-ledger="deadline"><time datetime="2025-06-30">2025年6月30日</time></dd></div>
<div><dt>登记状态</dt><dd data-ledger="status">推进中</dd></div>
<div><dt>类别</dt><dd data-ledger="category"><a href="/c/">服务承诺</a></dd></div>
<div><dt>承诺日期</dt><dd data-ledger="date"><time>2024年11月25日</time></dd></div>
</dl>
<div class="prose" data-ledger="body"><p>企业开办 <em>全流程</em> 办结。</p><div><p>嵌套</p></div></div>
<ol><li data-ledger="progress"><time>2025年1月15日</time> <span>推进中</span>
<p>已完成系统改造</p></li></ol>
<p class="tags"><a class="tag" data-ledger="tags">营商环境</a> <a class="tag" data-ledger="tags">企业开办</a></p>
<section class="revisions" data-ledger-record="commitments/e01" data-ledger-state="current" data-ledger-version="3" data-ledger-entry="57" data-ledger-hash="abc">
<p>说明 data-ledger=&#34;title&#34; 不是标记</p></section>
</main></body></html>`

func want(t testing.TB) ledger.Version {
	c := &model.Commitment{Common: model.Common{ID: "e01", Title: "企业开办全流程1个工作日内办结", Tags: []string{"营商环境", "企业开办"},
		Body: "企业开办 *全流程* 办结。\n\n嵌套"},
		Department: "xzsp", Category: "服务承诺", Status: model.StatusInProgress,
		Progress: []model.Progress{{Status: model.StatusInProgress, Note: "已完成系统改造"}}}
	c.Date = must(t, "2024-11-25")
	c.Deadline = must(t, "2025-06-30")
	c.Progress[0].Date = must(t, "2025-01-15")
	doc, err := markdown.New().Render(c.Body)
	require.NoError(t, err)
	v, err := ledger.Of(c, doc.HTML)
	require.NoError(t, err)
	return v
}

func TestParsePageAndCheck(t *testing.T) {
	p, err := ParsePage([]byte(page))
	require.NoError(t, err)
	assert.Equal(t, "commitments/e01", p.Key)
	assert.Equal(t, 3, p.Version)
	assert.EqualValues(t, 57, p.Entry)
	assert.Equal(t, StateCurrent, p.State)
	assert.Equal(t, []string{"xzsp"}, p.Fields["department"][0].Refs)
	assert.Equal(t, "企业开办 全流程 办结。\n嵌套", p.Fields["body"][0].Text)
	v := want(t)
	names := func(id string) string { return map[string]string{"xzsp": "临沂市行政审批服务局"}[id] }
	assert.Empty(t, Check(p, &v, names))

	v2 := v.Clone()
	for i, f := range ledger.Schema(v.Kind) {
		switch f.Name {
		case "deadline":
			v2.Values[i] = "2025-12-31"
		case "department":
			v2.Values[i] = "fgw"
		}
	}
	problems := Check(p, &v2, nil)
	assert.Contains(t, problems, "完成时限：页面显示「2025年6月30日」，发布记录为「2025年12月31日」")
	assert.Contains(t, problems, "牵头单位：页面为「xzsp」，发布记录为「fgw」")
}

func TestParsePageRejects(t *testing.T) {
	_, err := ParsePage([]byte("<html><p>no block</p></html>"))
	assert.ErrorContains(t, err, "没有发布记录标记")
	_, err = ParsePage([]byte(`<section data-ledger-record="a/b" data-ledger-version="x">`))
	assert.ErrorContains(t, err, "不是版本号")
	_, err = ParsePage([]byte(`<section data-ledger-record="a/b"></section><div data-ledger="body"><p>never closed`))
	assert.ErrorContains(t, err, "没有结束标签")
}

func must(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
	require.NoError(t, err)
	return d
}

// FuzzParsePage: a page from a deployed site is untrusted input; the
// parser returns a page or an error, never panics.
func FuzzParsePage(f *testing.F) {
	f.Add([]byte(page))
	f.Add([]byte(`<x data-ledger-record="a"><y data-ledger="body"><y data-ledger="body"></y></y>`))
	f.Add([]byte(`data-ledger="title"<`))
	f.Add([]byte(`<a data-ledger-record="k/i" data-ledger-entry="9999999999999999999999">`))
	v := want(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePage(b)
		if err != nil {
			return
		}
		_ = Check(p, &v, nil)
	})
}

// FuzzScanMatches: wherever the fast scanner accepts an element or a
// fragment's links, it reads exactly what the tokenizer reads.
func FuzzScanMatches(f *testing.F) {
	f.Add([]byte(`<dd data-ledger="department"><a href="/departments/xzsp/">临沂市行政审批服务局</a></dd>`), true)
	f.Add([]byte(`<div class="prose archived" data-ledger="body">`+"\n<p>一</p>\n<p>二 &lt;https://x.cn/?a=1&amp;b=2&gt;</p>\n</div><p>after</p>"), true)
	f.Add([]byte(`<section class="revisions" id="revisions" data-ledger-record="commitments/e01" data-ledger-state="old" data-ledger-version="3">`), false)
	f.Add([]byte(`<div a="1" a="2"><div>x</div></div>`), true)
	f.Add([]byte(`<span data-ledger="title">标题</span> <small>（第 2 版）</small>`), true)
	f.Add([]byte(`<li data-ledger="progress"><TIME>x</TIME></li>`), true)
	f.Fuzz(func(t *testing.T, b []byte, inner bool) {
		if len(b) == 0 || b[0] != '<' {
			return
		}
		content, attrs, next, ok := ledger.ScanElement(b, inner)
		if ok {
			wc, wa, wn, err := elementTokenized(b, inner)
			if err != nil {
				t.Fatalf("scanner accepted, tokenizer: %v", err)
			}
			if string(content) != string(wc) || next != wn || !slices.Equal(attrs, wa) {
				t.Fatalf("scanner %q %v %d, tokenizer %q %v %d", content, attrs, next, wc, wa, wn)
			}
		}
		if hrefs, ok := ledger.ScanHrefs(b); ok {
			var got []string
			for _, h := range hrefs {
				got = appendDeptRef(got, h)
			}
			if want := deptRefsTokenized(b); !slices.Equal(got, want) {
				t.Fatalf("scanner %q, tokenizer %q", got, want)
			}
		}
	})
}

// FuzzOneLine holds oneLine's shortcut to strings.Fields.
func FuzzOneLine(f *testing.F) {
	for _, s := range []string{"", " ", "a b", "a  b", " a", "a ", "企业\u3000开办", "a\u00a0b", "\xe2\x80", "x\xe4\xe2\x80\x80y", "a\u0085", "é ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := oneLine(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("oneLine(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestParsePageBodyMemo: a record's check reads its pages with a memo of
// the last body; a page with the same body bytes reuses its text, any other
// body is read afresh — in whatever order the pages come.
func TestParsePageBodyMemo(t *testing.T) {
	other := strings.Replace(page, "<em>全流程</em> 办结", "<em>全流程</em> 当日办结", 1)
	var memo textMemo
	for _, pg := range []string{page, page, other, page, other, other} {
		want, err := ParsePage([]byte(pg))
		require.NoError(t, err)
		buf := []byte(pg) // the worker's buffer, overwritten by the next page
		got, err := parsePage(buf, &memo)
		require.NoError(t, err)
		clear(buf)
		assert.Equal(t, want, got)
	}
	assert.Equal(t, "企业开办 全流程 当日办结。\n嵌套", memo.text)
}

// parsePageTwoPass is parsePage as first written: the block looked for
// first, then every field marker from the start. FuzzParsePageOnePass
// holds the one-pass reading to it.
func parsePageTwoPass(page []byte) (*Page, error) {
	i := bytes.Index(page, blockAttr)
	if i < 0 {
		return nil, fmt.Errorf("页面没有发布记录标记（data-ledger-record）")
	}
	start := bytes.LastIndexByte(page[:i], '<')
	if start < 0 {
		return nil, fmt.Errorf("发布记录标记不在标签内")
	}
	_, attrs, _, err := element(page[start:], false)
	if err != nil {
		return nil, err
	}
	p := &Page{Key: attrs.get("data-ledger-record"), State: attrs.get("data-ledger-state"), Hash: attrs.get("data-ledger-hash"), Fields: map[string][]Mark{}}
	if v, ok := attrs.lookup("data-ledger-version"); ok {
		if p.Version, err = strconv.Atoi(v); err != nil {
			return nil, fmt.Errorf("data-ledger-version=%q 不是版本号", v)
		}
	}
	if v, ok := attrs.lookup("data-ledger-entry"); ok {
		if p.Entry, err = strconv.ParseInt(v, 10, 64); err != nil {
			return nil, fmt.Errorf("data-ledger-entry=%q 不是条目序号", v)
		}
	}
	for off, n := 0, 0; ; n++ {
		j := bytes.Index(page[off:], fieldAttr)
		if j < 0 {
			break
		}
		if off, err = parseField(p, page, off+j, n, nil); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func FuzzParsePageOnePass(f *testing.F) {
	f.Add([]byte(page))
	f.Add([]byte(`<x data-ledger-record="a"><y data-ledger="body"><y data-ledger="body"></y></y>`))
	f.Add([]byte(`<y data-ledger="body" data-ledger-record="a/b" data-ledger-version="2">x</y><z data-ledger-record="c/d">`))
	f.Add([]byte(`<y data-ledger="title">x</y data-ledger="body"><z data-ledger-record="c/d" data-ledger-entry="x">`))
	f.Add([]byte(`data-ledger="title" <q data-ledger-record="c/d">`))
	f.Add([]byte(`<y data-ledger="title"><z data-ledger-record="c/d">`))
	f.Fuzz(func(t *testing.T, b []byte) {
		want, werr := parsePageTwoPass(b)
		got, gerr := parsePage(b, nil)
		if fmt.Sprint(werr) != fmt.Sprint(gerr) {
			t.Fatalf("one pass: %v; two passes: %v", gerr, werr)
		}
		assert.Equal(t, want, got)
	})
}

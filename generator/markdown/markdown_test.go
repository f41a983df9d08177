package markdown

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		contains []string
		absent   []string
	}{
		{"cjk soft break joins without space", "企业开办\n全流程办结", []string{"<p>企业开办全流程办结</p>"}, []string{"企业开办 全流程", "企业开办\n全流程"}},
		{"chinese heading id", "## 第一条 总则", []string{`<h2 id="第一条-总则">第一条 总则</h2>`}, nil},
		{"duplicate heading ids", "## 目标\n\n## 目标", []string{`id="目标"`, `id="目标-1"`}, nil},
		{"punctuation-only heading", "## ？？", []string{`id="section"`}, nil},
		{"table", "| 部门 | 数量 |\n|---|---|\n| 市发展改革委 | 3 |", []string{"<table>", "<td>市发展改革委</td>"}, nil},
		{"strikethrough", "~~旧条款~~", []string{"<del>旧条款</del>"}, nil},
		{"autolink", "见 https://www.gov.cn/ 公告", []string{`<a href="https://www.gov.cn/">https://www.gov.cn/</a>`}, nil},
		{"footnote", "依据[^1]\n\n[^1]: 临发改信用〔2024〕295号", []string{`class="footnotes"`, "临发改信用〔2024〕295号"}, nil},
		{"raw html dropped", "<script>alert(1)</script>\n\n段落<b>粗</b>", []string{"raw HTML omitted"}, []string{"<script>", "<b>"}},
		{"javascript link neutralised", "[点](javascript:alert(1))", nil, []string{"javascript:"}},
		{"typographer off", `"引号" -- 破折`, []string{"&quot;引号&quot; -- 破折"}, []string{"“", "–"}},
		{"escapes text", "a < b & c", []string{"a &lt; b &amp; c"}, nil},
	}
	r := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := r.Render(tt.src)
			require.NoError(t, err)
			for _, c := range tt.contains {
				assert.Contains(t, doc.HTML, c)
			}
			for _, c := range tt.absent {
				assert.NotContains(t, doc.HTML, c)
			}
		})
	}
}

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"markup removed", "## 标题\n\n这是**重要**的[链接](https://a.cn/)。", "标题\n这是重要的链接。"},
		{"cjk lines joined", "第一行\n第二行", "第一行第二行"},
		{"latin lines keep a space", "hello\nworld", "hello world"},
		{"raw html skipped", "前<b>中</b>后", "前中后"},
		{"table cells separated", "| 甲 | 乙 |\n|---|---|\n| 1 | 2 |", "甲 乙\n1 2"},
		{"code kept", "```\nx := 1\n```", "x := 1"},
	}
	r := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := r.Render(tt.src)
			require.NoError(t, err)
			assert.Equal(t, tt.want, doc.Text)
			assert.Equal(t, tt.want, r.PlainText(tt.src))
		})
	}
}

func TestSummary(t *testing.T) {
	long := strings.Repeat("政务诚信", 50)
	tests := []struct {
		name, text string
		n          int
		want       string
	}{
		{"short stays", "推进政务诚信建设", 10, "推进政务诚信建设"},
		{"cut by runes with ellipsis", long, 6, "政务诚信政务…"},
		{"cut at sentence end", "第一句话说完了。第二句还在继续", 10, "第一句话说完了。"},
		{"newlines flattened", "甲\n乙", 10, "甲 乙"},
		{"zero", "甲", 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summary(tt.text, tt.n)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), tt.n+1)
		})
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ in, want string }{
		{"第一条 总则", "第一条-总则"},
		{"Hello, World!", "hello-world"},
		{"（一）工作目标", "一-工作目标"},
		{"  ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) { assert.Equal(t, tt.want, Slug(tt.in)) })
	}
}

// slugRuneRef is slugRune as first written, with the Unicode tables only.
func slugRuneRef(r rune) (rune, bool) {
	if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
		return unicode.ToLower(r), true
	}
	return r, false
}

func TestSlugRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune+1; r++ {
		l, ok := slugRune(r)
		wl, wok := slugRuneRef(r)
		if l != wl || ok != wok {
			t.Fatalf("slugRune(%U) = %U, %v; want %U, %v", r, l, ok, wl, wok)
		}
	}
}

func TestIDsNumberRepeats(t *testing.T) {
	s := newIDs()
	for _, want := range []string{"目标", "目标-1", "section", "目标-1-1", "目标-2", "section-1"} {
		value := "目标"
		switch want {
		case "section", "section-1":
			value = "？"
		case "目标-1-1":
			value = "目标-1"
		}
		assert.Equal(t, want, string(s.Generate([]byte(value), 0)))
	}
	s.reset()
	assert.Equal(t, "目标", s.generate([]byte("目标")))
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "# 标题\n\n正文", "| a |\n|---|\n| b |", "[^1]\n\n[^1]: x", "<div>x</div>", "~~a~~ https://x.cn",
		"\x80", "中\n\x80文", "a\n\xbf", "- a\n  - b\n    - c"} { // the \x80 cases panicked in goldmark (yuin/goldmark#597)
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := r.Render(src)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(doc.HTML), "<script") {
			t.Fatalf("script tag in output: %q", doc.HTML)
		}
		_ = Summary(doc.Text, 80)
		// RenderValid is Render for valid UTF-8; on anything else it
		// must not panic either.
		valid, err := r.RenderValid(src)
		if utf8.ValidString(src) {
			require.NoError(t, err)
			require.Equal(t, doc, valid, "%q", src)
		} else if err == nil && strings.Contains(strings.ToLower(valid.HTML), "<script") {
			t.Fatalf("script tag in output: %q", valid.HTML)
		}
	})
}

// TestRenderValidMatchesRender: on valid UTF-8 (the fast path's edge cases
// and every page of the shipped site) RenderValid is Render.
func TestRenderValidMatchesRender(t *testing.T) {
	r := New()
	srcs := append(append([]string{}, plainCases...), siteBodies(t)...)
	for _, src := range srcs {
		require.True(t, utf8.ValidString(src))
		want, err := r.Render(src)
		require.NoError(t, err)
		got, err := r.RenderValid(src)
		require.NoError(t, err)
		require.Equal(t, want, got, "%q", src)
	}
}

// joinCJKLinesRef is joinCJKLines as first written, rune by rune: the fast
// version copies runs of characters at once and must agree with it exactly.
func joinCJKLinesRef(s string) string {
	var b strings.Builder
	var prev rune
	pendingSpace, pendingNL, forced := false, false, false
	for _, r := range s {
		if r == '\t' {
			forced = true
		}
		if r == '\n' {
			pendingNL = true
			continue
		}
		if unicode.IsSpace(r) {
			pendingSpace = true
			continue
		}
		if pendingNL {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
		} else if pendingSpace && b.Len() > 0 && (forced || !(isWide(prev) && isWide(r))) {
			b.WriteByte(' ')
		}
		pendingSpace, pendingNL, forced = false, false, false
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

func TestJoinCJKLines(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"wide break joins", "企业开办 全流程", "企业开办全流程"},
		{"latin break keeps a space", "ICP 备案", "ICP 备案"},
		{"tab always separates", "甲\t乙", "甲 乙"},
		{"newlines collapse", "甲\n\n\n乙", "甲\n乙"},
		{"ideographic space is a space", "甲\u3000乙", "甲乙"},
		{"no-break space is a space", "a\u00a0b", "a b"},
		{"invalid bytes become U+FFFD", "甲\xff乙 \xfe", "甲\uFFFD乙 \uFFFD"},
		{"leading space dropped", "  \n甲", "甲"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, joinCJKLines(tt.in))
			assert.Equal(t, joinCJKLinesRef(tt.in), joinCJKLines(tt.in))
		})
	}
}

func FuzzJoinCJKLines(f *testing.F) {
	for _, s := range []string{"企业开办\n全流程", "a b\tc\n\nd", "甲\u3000乙\u00a0丙", "\xff\xfe 甲", "（一）\n第一条 总则"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, joinCJKLinesRef(s), joinCJKLines(s))
	})
}

// leadCases are texts at the edges of RenderLead's cut: white space and
// wide characters around the (n+1)th character, tables, invalid bytes.
var leadCases = []string{
	"", "   ", "甲", "甲乙丙", "甲 乙 丙", "甲\n乙\n丙", "a b c d", "甲\n\n## 乙\n\n丙丁", "| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |",
	"第一条。第二条！第三条？", "- 甲\n- 乙\n- 丙", "a\u3000b", "甲\x80乙", "正文 text 100% 正文", "甲 \t 乙",
}

// TestRenderLead: RenderLead's text gives the summary the whole text
// gives, for every length, on the edge cases and the shipped site.
func TestRenderLead(t *testing.T) {
	r := New()
	srcs := append(append(append([]string{}, leadCases...), plainCases...), siteBodies(t)...)
	cut := 0
	for _, src := range srcs {
		whole, err := r.Render(src)
		require.NoError(t, err)
		for _, n := range []int{1, 2, 3, 5, 10, 80, 120, 1000} {
			for _, valid := range []bool{false, true} {
				if valid && !utf8.ValidString(src) {
					continue
				}
				lead, err := r.RenderLead(src, n, valid)
				require.NoError(t, err)
				require.Equal(t, whole.HTML, lead.HTML, "%q", src)
				require.True(t, strings.HasPrefix(whole.Text, lead.Text), "%q n=%d: %q is no beginning of %q", src, n, lead.Text, whole.Text)
				require.Equal(t, Summary(whole.Text, n), Summary(lead.Text, n), "%q n=%d", src, n)
				require.Equal(t, whole.Text == "", lead.Text == "", "%q", src)
				if len(lead.Text) < len(whole.Text) {
					cut++
				}
			}
		}
	}
	require.NotZero(t, cut, "some text was cut short")
}

// FuzzRenderLead holds RenderLead's summaries to Render's.
func FuzzRenderLead(f *testing.F) {
	for _, s := range leadCases {
		f.Add(s, uint8(2))
	}
	for _, s := range plainCases {
		f.Add(s, uint8(5))
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string, n uint8) {
		whole, err := r.Render(src)
		if err != nil {
			_, leadErr := r.RenderLead(src, int(n), false)
			require.Error(t, leadErr, "RenderLead accepts what Render refuses")
			return
		}
		lead, err := r.RenderLead(src, int(n), false)
		require.NoError(t, err)
		require.Equal(t, whole.HTML, lead.HTML)
		require.True(t, strings.HasPrefix(whole.Text, lead.Text), "%q", src)
		require.Equal(t, Summary(whole.Text, max(int(n), 1)), Summary(lead.Text, max(int(n), 1)), "%q", src)
	})
}

package ledger

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func TestNormText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"企业开办", "企业开办"},
		{"  企业开办  ", "企业开办"},
		{"企业\r\n开办\r\n\r\n\r\n全流程", "企业\n开办\n全流程"},
		{"a \t  b", "a b"},
		{"　　第一条　内容", "第一条 内容"}, // ideographic spaces indent and separate
		{"行末空格   \n下一行", "行末空格\n下一行"},
		{"\n\n\n", ""},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"nul\x00char", "nul char"},
	} {
		got := NormText(tc.in)
		assert.Equal(t, tc.want, got, "NormText(%q)", tc.in)
		assert.Equal(t, got, NormText(got), "NormText is idempotent on %q", tc.in)
	}
}

func FuzzNormText(f *testing.F) {
	for _, s := range []string{"", "企业开办", " a  b ", "a\n\nb", "\u3000x", "x\u2028y", "\xff", "\n企业\u00a0开办\u1680a\u2009b\u205fc\u0085d\u009fe\U0001F600\n\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormText(s)
		if NormText(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", s, n, NormText(n))
		}
		if want := normTextRunes(s); n != want {
			t.Fatalf("NormText(%q) = %q, rune by rune %q", s, n, want)
		}
		if isNormal(s) != (n == s) {
			t.Fatalf("isNormal(%q) = %v but NormText gives %q", s, isNormal(s), n)
		}
		in, ok := normInPlace([]byte(s))
		if ok != utf8.ValidString(s) || ok && in != n {
			t.Fatalf("normInPlace(%q) = %q, %v; NormText gives %q", s, in, ok, n)
		}
	})
}

// TestFormattingOnly: edits that change no character a reader sees give
// the same canonical form; edits a reader sees do not.
func TestFormattingOnly(t *testing.T) {
	base := versionOf(t, startup())
	same := map[string]func(c *model.Commitment){
		"line wrapped differently": func(c *model.Commitment) {
			c.Body = "## 承诺内容\n\n企业开办实行“一窗受理、\n一网通办”，全流程1个工作日内办结。\n\n详见[办事指南](https://www.example.gov.cn/guide)。"
		},
		"trailing spaces and blank lines": func(c *model.Commitment) {
			c.Body = "## 承诺内容   \n\n\n\n企业开办实行“一窗受理、一网通办”，\n全流程1个工作日内办结。   \n\n详见[办事指南](https://www.example.gov.cn/guide)。\n\n\n"
		},
		"setext heading, reference link": func(c *model.Commitment) {
			c.Body = "承诺内容\n========\n\n企业开办实行“一窗受理、一网通办”，全流程1个工作日内办结。\n\n详见[办事指南][g]。\n\n[g]: https://www.example.gov.cn/guide"
		},
		"CRLF line ends": func(c *model.Commitment) {
			c.Body = "## 承诺内容\r\n\r\n企业开办实行“一窗受理、一网通办”，\r\n全流程1个工作日内办结。\r\n\r\n详见[办事指南](https://www.example.gov.cn/guide)。"
		},
		"tag order and repeats":   func(c *model.Commitment) { c.Tags = []string{"企业开办", "营商环境", "企业开办"} },
		"spaces around the title": func(c *model.Commitment) { c.Title = "  " + c.Title + " " },
	}
	for name, edit := range same {
		c := startup()
		edit(c)
		v := versionOf(t, c)
		assert.Equal(t, base.Hash(), v.Hash(), name)
	}
	differ := map[string]func(c *model.Commitment){
		"a character": func(c *model.Commitment) { c.Body = c.Body[:len(c.Body)-3] + "！" },
		"a link target": func(c *model.Commitment) {
			c.Body = "## 承诺内容\n\n企业开办实行“一窗受理、一网通办”，\n全流程1个工作日内办结。\n\n详见[办事指南](https://www.example.gov.cn/other)。"
		},
		"the deadline":    func(c *model.Commitment) { c.Deadline = day0("2025-12-31") },
		"the status":      func(c *model.Commitment) { c.Status = model.StatusFulfilled },
		"a progress note": func(c *model.Commitment) { c.Progress[0].Note = "已完成系统改造" },
		"paragraph split": func(c *model.Commitment) {
			c.Body = "## 承诺内容\n\n企业开办实行“一窗受理、一网通办”，\n\n全流程1个工作日内办结。\n\n详见[办事指南](https://www.example.gov.cn/guide)。"
		},
		"partner order": func(c *model.Commitment) { c.Partners = []string{"ga", "sj"} },
	}
	for name, edit := range differ {
		c := startup()
		edit(c)
		v := versionOf(t, c)
		assert.NotEqual(t, base.Hash(), v.Hash(), name)
	}
}

// TestCanonicalGolden pins the canonical encoding: changing it changes every
// hash in every published log, so it must never change by accident.
func TestCanonicalGolden(t *testing.T) {
	v := versionOf(t, startup())
	got := string(v.Bytes()) + "hash " + v.Hash() + "\n"
	d := versionOf(t, penalty())
	got += string(d.Bytes()) + "hash " + d.Hash() + "\n"
	golden := filepath.Join("testdata", "canonical.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update once")
	assert.Equal(t, string(want), got)
}

func TestOfEveryKind(t *testing.T) {
	recs := []any{
		startup(), penalty(),
		&model.Record{Common: model.Common{ID: "r01", Title: "某县拖欠中小企业账款", Date: day0("2025-02-01")}, Department: "hd",
			RecordType: "拖欠账款", Basis: "法院判决", Status: "整改中", PublicityUntil: day0("2028-02-01")},
		&model.Policy{Common: model.Common{ID: "pol", Title: "关于进一步加强政务诚信建设的若干措施", Date: day0("2024-11-25"), Body: "第一条"},
			IndexNumber: "113713000000/2024-1", DocNumber: "临发改信用〔2024〕295号", WrittenDate: day0("2024-11-20"), Validity: "有效", Departments: []string{"fgw"}},
		&model.Case{Common: model.Common{ID: "case", Title: "案例", Date: day0("2025-01-01"), Body: "案情"}, CaseType: "守信激励", Departments: []string{"fgw", "fgw"}},
		&model.News{Common: model.Common{ID: "news", Title: "动态", Date: day0("2025-01-02"), Body: "正文"}, SourceName: "临沂日报", SourceURL: " https://x.example/ "},
	}
	for _, r := range recs {
		v := versionOf(t, r)
		require.Len(t, v.Values, len(Schema(v.Kind)))
		assert.NotEmpty(t, v.Get("title"), v.Key())
		assert.NotEmpty(t, v.Get("date"), v.Key())
		assert.Len(t, v.Hash(), 64)
	}
	c := versionOf(t, recs[4])
	assert.Equal(t, "fgw", c.Get("departments"), "repeated ids are one")
	n := versionOf(t, recs[5])
	assert.Equal(t, "https://x.example/", n.Get("source_url"))
	_, err := Of(&model.Department{}, "")
	assert.Error(t, err)
}

func TestVisibleText(t *testing.T) {
	for _, tc := range []struct{ html, want string }{
		{"<p>第一段</p><p>第二段</p>", "第一段\n第二段"},
		{"<p>见<a href=\"https://a.example/x\">附件</a>。</p>", "见附件 <https://a.example/x>。"},
		{"<p><a href=\"https://a.example/\">https://a.example/</a></p>", "https://a.example/"},
		{"<p>脚注<sup><a href=\"#fn:1\">1</a></sup></p>", "脚注1"},
		{"<ul><li>一</li><li>二</li></ul>", "一\n二"},
		{"<table><tr><td>甲</td><td>乙</td></tr></table>", "甲\n乙"},
		{"<p>a &amp; b &lt;c&gt;</p>", "a & b <c>"},
		{"<p><img src=\"x.png\" alt=\"示意图\"/></p>", "[图片：示意图]"},
		{"<script>alert(1)</script><p>正文</p>", "正文"},
		{"纯文本", "纯文本"},
	} {
		assert.Equal(t, tc.want, VisibleText(tc.html, true), tc.html)
	}
	assert.Equal(t, "见附件。", VisibleText("<p>见<a href=\"https://a.example/x\">附件</a>。</p>", false))
}

func TestDisplay(t *testing.T) {
	f, _ := FieldOf(model.KindCommitment, "deadline")
	assert.Equal(t, "2025年6月30日", Display(f, "2025-06-30", nil))
	assert.Equal(t, "长期坚持", Display(f, "", nil))
	f, _ = FieldOf(model.KindCommitment, "status")
	assert.Equal(t, "推进中", Display(f, "in_progress", nil))
	f, _ = FieldOf(model.KindCommitment, "partners")
	names := func(id string) string { return map[string]string{"sj": "临沂市市场监督管理局"}[id] }
	assert.Equal(t, "临沂市市场监督管理局、ga", Display(f, "sj\nga", names))
	f, _ = FieldOf(model.KindDisclosure, "publicity_until")
	assert.Equal(t, "长期公示", Display(f, "", nil))
	f, _ = FieldOf(model.KindCommitment, "progress")
	assert.Equal(t, "2025年1月15日 推进中 已完成 佐证：临审批发〔2025〕3号", Display(f, "2025-01-15\tin_progress\t已完成\t临审批发〔2025〕3号", nil))
}

// normTextRunes is NormText as first written, rune by rune: the reference
// FuzzNormText holds the faster one to.
func normTextRunes(s string) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	pendingSpace, pendingLine := false, false
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0x2028 || r == 0x2029:
			if b.Len() > 0 {
				pendingLine = true
			}
			pendingSpace = false
		case unicode.IsSpace(r) || r == 0 || unicode.Is(unicode.Cc, r):
			if b.Len() > 0 && !pendingLine {
				pendingSpace = true
			}
		default:
			if pendingLine {
				b.WriteByte('\n')
			} else if pendingSpace {
				b.WriteByte(' ')
			}
			pendingSpace, pendingLine = false, false
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FuzzWriteEscaped holds the escaping of canonical values to its
// definition: \ as \\, newline as \n, tab as \t, every other byte as is.
func FuzzWriteEscaped(f *testing.F) {
	for _, s := range []string{"", "a\\b\nc\td", "\n\n\t\\", "企业\n开办\\", "\\"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var got strings.Builder
		writeEscaped(&got, s)
		want := strings.NewReplacer("\\", `\\`, "\n", `\n`, "\t", `\t`).Replace(s)
		if got.String() != want {
			t.Fatalf("writeEscaped(%q) = %q, want %q", s, got.String(), want)
		}
	})
}

// FuzzRunePrefix holds runePrefix to counting runes as range does.
func FuzzRunePrefix(f *testing.F) {
	for _, s := range []string{"", "企业开办", "a\xe4\xb8", "\xed\xa0\x80x", "\xe0\x80\x80", "😀é中\xff"} {
		f.Add(s, 2)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 {
			return
		}
		want, k := len(s), 0
		for i := range s {
			if k == n {
				want = i
				break
			}
			k++
		}
		ok := k == n || utf8.RuneCountInString(s) >= n
		got, gotOK := runePrefix(s, n)
		if got != want || gotOK != ok {
			t.Fatalf("runePrefix(%q, %d) = %d, %v; want %d, %v", s, n, got, gotOK, want, ok)
		}
	})
}

// FuzzChineseDate holds ChineseDate's own date reading to time.Parse.
func FuzzChineseDate(f *testing.F) {
	for _, s := range []string{"2025-06-30", "2024-02-29", "2025-02-29", "0000-01-01", "2025-13-01", "2025-6-30", "２０２５-01-01", "2025-01-00", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := s
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			want = fmt.Sprintf("%d年%d月%d日", d.Year(), int(d.Month()), d.Day())
		}
		if got := ChineseDate(s); got != want {
			t.Fatalf("ChineseDate(%q) = %q, want %q", s, got, want)
		}
	})
}

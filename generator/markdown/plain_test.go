package markdown

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// renderBoth renders src with the fast path and with goldmark alone.
func renderBoth(t testing.TB, r *Renderer, src string) (fast, slow Doc) {
	t.Helper()
	fast, err := r.renderDoc(src, true, true, 0)
	require.NoError(t, err)
	slow, err = r.renderDoc(src, false, true, 0)
	require.NoError(t, err)
	return fast, slow
}

// plainCases are inputs at the edges of the fast path's subset.
var plainCases = []string{
	"## 一、总体要求\n\n推进政务诚信建设。\n",
	"## 标题\n正文\n## 标题\n正文",
	"正文\n## 标题\n\n## 标题\n\n# 标题",
	"正文\n\n- 甲\n- 乙\n\n正文\n",
	"- 甲\n\n  正文\n\n正文",
	"- 甲\n## 标题\n正文",
	"> 引用\n\n正文\n> 引用\n正文",
	"| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |\n\n## 标题\n\n正文",
	"| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |\n正文",
	"正文\n===\n\n正文\n---\n\n正文\n\n---",
	"    代码\n\n正文\n    代码\n\n正文",
	"1. 甲\n\n正文\n\n1) 乙\n\n2024年\n\n2024.",
	"正文  \n正文\n\n正文\\\n正文",
	"“引号” \"quote\" 'a' (括号) 100% a+b=c #不是标题 a:b",
	"见 https://www.gov.cn/ 公告\n\nwww.gov.cn\n\na@b.cn\n\nhttp://x.cn",
	"~~删~~ *强调* _下划_ &amp; a\\*b",
	"## 目标\n\n## 目标\n\n## 目标-1\n\n## 目标",
	"# \n\n##\n\n####### 七\n\n#标题\n\n## 标题 ##\n\n##  两个空格\n\n## 尾空格 ",
	"\u3000全角空格开头\n\n结尾全角空格\u3000\n\n\uFEFF字节序",
	"正文\n\n\n\n正文\n \n正文\n\t\n正文",
	"\t正文\n\n   正文\n\n正文\x00正文",
	"[^1]\n\n[^1]: 脚注",
	"```\n代码\n\n正文\n```",
	"<div>\n\n正文\n\n</div>",
	"~~~\n代码\n\n正文\n~~~",
	"正文\r\n正文",
	"a\n\n- b\n\n  c\n\nd",
	"* * *\n\n正文\n\n+ 甲\n\n正文\n\n=== \n\n正文",
	"## （一）工作目标\n\n## Hello, World\n\n## ABC abc",
	"",
	"\n\n\n",
	"正文",
	"\uFEFF# 标题\n\n正文",
	"\uFEFF正文\n\n- 甲",
	"甲\u2028乙\n\n甲\u0085乙\n\n\u00a0- 甲\n\n\u3000# 标题\n\n## 标题\u3000\n\n## \u00a0标题",
	"## 标题\n===\n\n## 标题\n    代码\n\n## 标题\n  正文",
	"正文\n#\n\n正文\n#\t标题\n\n正文\n####### 七",
	"-\n\n正文\n\n>\n\n正文",
	"WWW.GOV.CN HTTP://X.CN 邮箱 a.b@c.cn",
	"- 甲\n- 乙\n\n- 丙\n\n正文\n\n- 丁\n\n\n  续\n\n- 戊\n\n* 己\n\n- 庚\n+ 辛",
	"正文\n- 甲\n\n## 标题\n- 甲\n- 乙\n## 标题\n- 甲\n正文\n\n- 甲\n  续\n\n- 甲\n\n\n",
	"- 甲\n-\n\n- 1. 甲\n\n- 2) 乙\n\n- # 标\n\n-  两空格\n\n- 尾空格 \n\n-\t制表\n\n- - 嵌套\n\n- > 引",
	"| 甲 | 乙 |\n| - | --- |\n| 1 | 2 |\n\n| 甲 | 乙 |\n| --- | --- |\n\n| 甲 |\n| --- |\n| 1 | 2 |\n\n| 甲 | 乙 |\n| :-- | --: |\n| 1 | 2 |",
	"|甲|乙|\n|---|---|\n|1|2|\n\n| 甲 | 乙 |\n| --- | --- |\n| 1 |  |\n\n| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |\n正文\n\n|甲|\n|-|\n|\"引\"|\n\n| --- |\n| --- |\n| --- |",
	"| 甲 |\n| --- |\n| 1 |\n## 标题\n\n- 甲\n\n| 甲 |\n| --- |\n| 1 |\n\n  | 甲 |\n| --- |\n| 1 |\n\n| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 | 3 |",
	"## 第(一)条\n\n正文(括号)在此 a_b",
}

func TestPlainMatchesGoldmark(t *testing.T) {
	r := New()
	for _, src := range plainCases {
		fast, slow := renderBoth(t, r, src)
		require.Equal(t, slow, fast, "%q", src)
	}
}

// siteBodies are the Markdown bodies of the shipped site and, when
// PORTAL_BENCH_CONTENT names one, of another site's content folder.
func siteBodies(t testing.TB) []string {
	bodies := corpusBodies(t, filepath.Join("..", "..", "content"))
	if dir := os.Getenv("PORTAL_BENCH_CONTENT"); dir != "" {
		bodies = append(bodies, corpusBodies(t, dir)...)
	}
	return bodies
}

func TestPlainMatchesGoldmarkOnSite(t *testing.T) {
	r := New()
	bodies := siteBodies(t)
	require.NotEmpty(t, bodies)
	for _, src := range bodies {
		fast, slow := renderBoth(t, r, src)
		require.Equal(t, slow, fast, "%q", src)
	}
}

// FuzzPlainMatchesGoldmark holds the fast path to goldmark's own output.
// Its seeds (the shipped site's pages and the edge cases above) run in CI.
func FuzzPlainMatchesGoldmark(f *testing.F) {
	for _, s := range plainCases {
		f.Add(s)
	}
	for _, s := range corpusBodies(f, filepath.Join("..", "..", "content")) {
		f.Add(s)
	}
	r := New()
	f.Fuzz(func(t *testing.T, src string) {
		fast, slow := renderBoth(t, r, src)
		require.Equal(t, slow, fast, "%q", src)
	})
}

// blockLines are lines the fast path must tell apart: plain blocks of each
// kind, and everything that could continue, interrupt or contain them.
var blockLines = []string{
	"", "", "", "正文。", "正文 text 100%", "abc", "2024年", "1. 甲", "2) 乙", "## 标题", "# 标题", "###### 六", "####### 七",
	"#", "## 标题 ##", "## *强*", "- 甲", "- 乙", "- *强*", "-", "- ", "* 甲", "+ 甲", "  - 甲", "  续", "   续", "    代码",
	"\t代码", " ", "> 引", ">", "| 甲 | 乙 |", "| --- | --- |", "| - | - |", "| :-- | --: |", "| 1 | 2 |", "| 1 |",
	"|甲|乙|", "---", "===", "***", "正文  ", "正文\\", "\"引\" (括)", "a_b", "~~删~~", "www.gov.cn", "a@b.cn", "- 1. 甲",
	"- # 甲", "-  甲", "\u3000正文", "## 目标", "## 目标-1",
	"| 甲 | 乙 |\n| --- | --- |\n| 1 | 2 |", "| 甲 |\n| - |\n| \"1\" |\n| 2 |", "- 甲\n- 乙", "## 标题\n\n正文",
	"正文 ", " 正文", "#\t标题", "- 甲 ", "-\t甲", "|甲", "甲|", "| 甲 | 乙", "  ", "\t", "    - 甲", "   > 引", "10. 甲",
	"1.甲", "- 甲\\", "[x]", "```", "~~~", "<b>", "\u00a0正文", "甲\u3000乙", "正文\x00", "甲 乙", "- 甲\n\n  乙", "1. 甲\n2. 乙",
	"## 目标\n## 目标", ": 定义", "[^1]: 脚注", "  ## 标题", "## 标题 #", "- ## 标题", "| 甲 |\n|:-:|\n| 1 |",
}

// TestPlainMatchesGoldmarkOnMixedBlocks renders many random documents made
// of blockLines both ways. PLAIN_MIX=n runs n documents instead of 3000.
func TestPlainMatchesGoldmarkOnMixedBlocks(t *testing.T) {
	n := 3000
	if s := os.Getenv("PLAIN_MIX"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		require.NoError(t, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	r := New()
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.Reset()
		for lines := rng.IntN(12); lines >= 0; lines-- {
			b.WriteString(blockLines[rng.IntN(len(blockLines))])
			if lines > 0 || rng.IntN(2) == 0 {
				b.WriteByte('\n')
			}
		}
		fast, slow := renderBoth(t, r, b.String())
		require.Equal(t, slow, fast, "%q", b.String())
	}
}

// plainInlineRef is plainInline a byte at a time.
func plainInlineRef(text []byte) bool {
	if len(text) == 0 || text[0] == ' ' || text[len(text)-1] == ' ' {
		return false
	}
	for _, c := range text {
		if c < 0x80 && !inlineSafe[c] {
			return false
		}
	}
	return !strings.Contains(string(text), "://") && !strings.Contains(string(text), "www.")
}

func FuzzPlainInline(f *testing.F) {
	for _, s := range []string{"推进政务诚信建设，提升政府公信力。", "一二三*四五六", "一二三四五六七八*", "甲乙丙丁戊己庚辛壬癸_", "a", "www.x", "\x80\x80\x80\x80\x80\x80\x80\x80<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		require.Equal(t, plainInlineRef([]byte(s)), plainInline([]byte(s)), "%q", s)
	})
}

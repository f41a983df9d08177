package markdown

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func rep(s string, n int) string { return strings.Repeat(s, n/len(s)+1) }

func TestProbePathological(t *testing.T) {
	name := os.Getenv("PROBE")
	if name == "" {
		t.Skip()
	}
	n, _ := strconv.Atoi(os.Getenv("PROBE_N"))
	r := New()
	gen := map[string]func(int) string{
		"nested32x": func(n int) string {
			var nest strings.Builder
			for nest.Len() < n {
				for i := 0; i < 32; i++ {
					nest.WriteString(strings.Repeat("  ", i) + "- 项目\n")
				}
			}
			return nest.String()
		},
		"emph":       func(n int) string { return rep("*a **b ", n) },
		"brackets":   func(n int) string { return rep("[", n) },
		"linkrefs":   func(n int) string { return rep("[a](", n) },
		"backticks":  func(n int) string { return rep("`a ``b ", n) },
		"lt":         func(n int) string { return rep("<a ", n) },
		"footnotes":  func(n int) string { return rep("[^a]", n) + "\n\n[^a]: x\n" },
		"tildes":     func(n int) string { return rep("~~a ", n) },
		"autolinks":  func(n int) string { return rep("www.a.cn ", n) },
		"headings":   func(n int) string { return rep("# 标题\n", n) },
		"emptyitems": func(n int) string { return rep("-\n", n) },
		"quotelazy":  func(n int) string { return rep("> a\nb\n", n) },
		"table":      func(n int) string { return "|a|b|\n|-|-|\n" + rep("|x|y|\n", n) },
		"widetable":  func(n int) string { return "|" + rep("a|", n/2) + "\n|" + rep("-|", n/2) + "\n|x|\n" },
		"linktitle":  func(n int) string { return rep("[a](b \"x ", n) },
		"linktitlep": func(n int) string { return rep("[a](b (x ", n) },
		"linkangle":  func(n int) string { return rep("[a](<", n) },
		"refdef":     func(n int) string { return rep("[a]: b \"x\n", n) },
		"refuse":     func(n int) string { return "[a]: /u\n\n" + rep("[a][a] [a] ", n) },
		"imgs":       func(n int) string { return rep("![a](", n) },
		"nestedbr":   func(n int) string { return rep("[[[]]]", n) },
		"chinese":    func(n int) string { return rep("政务诚信建设，提升政府公信力。\n", n) },
		"para1line":  func(n int) string { return rep("政务诚信建设提升政府公信力", n) },
	}
	src := gen[name](n)
	start := time.Now()
	_, err := r.Render(src)
	t.Logf("RESULT %-12s %6d KB %v %v", name, len(src)>>10, time.Since(start).Round(time.Millisecond), err)
}

package diag

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMessagesReadChineseFirst(t *testing.T) {
	tests := []struct {
		name   string
		format string
		args   []any
		want   string
	}{
		{"translated", "must not be empty", nil, "不能为空 (must not be empty)"},
		{"verbs in order", "%d is too small (use %d or more)", []any{0, 1}, "0 太小（请使用 1 或更大的值） (0 is too small (use 1 or more))"},
		{"text argument", "must be text in double quotes, not %s", []any{Text{ZH: "整数 1", EN: "the integer 1"}},
			"应为双引号中的文本，而不是整数 1 (must be text in double quotes, not the integer 1)"},
		{"error passed on", "%v", []any{NewError("is empty")}, "为空 (is empty)"},
		{"already Chinese", "未知的单位 %q (unknown department %q)", []any{"x", "x"}, `未知的单位 "x" (unknown department "x")`},
		{"no Chinese form", "%s", []any{"plain"}, "plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l List
			l.Errorf("f.md", 1, 1, "k", tt.format, tt.args...)
			require.Len(t, l.All(), 1)
			assert.Equal(t, tt.want, l.All()[0].Message)
		})
	}
	var l List
	l.Warnf("f.md", 2, 3, "k", "must not be empty")
	assert.Equal(t, "f.md:2:3: k: 不能为空 (must not be empty) (警告 warning)", l.All()[0].String())
}

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestChineseFormsKeepTheVerbs: a Chinese form must take the same arguments
// in the same order, or its message would print garbage.
func TestChineseFormsKeepTheVerbs(t *testing.T) {
	for en, zh := range chinese {
		assert.Equal(t, verb.FindAllString(en, -1), verb.FindAllString(zh, -1), "%q → %q", en, zh)
		assert.True(t, HasChinese(zh), "%q has no Chinese in its Chinese form %q", en, zh)
	}
}

// TestEveryMessageHasItsChinese walks the generator's source: every message
// format given to a diagnostic (Errorf, Warnf) or composed for one
// (Bilingual, NewError) is written in Chinese or has a Chinese form in the
// table, so a new English-only message fails here.
func TestEveryMessageHasItsChinese(t *testing.T) {
	fset := token.NewFileSet()
	var missing []string
	seen := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "outputtest") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			format, ok := messageFormat(call)
			if !ok || HasChinese(format) || strings.TrimSpace(verb.ReplaceAllString(format, "")) == "" {
				return true
			}
			seen++
			if !Chinese(format) {
				missing = append(missing, fset.Position(call.Pos()).String()+": "+strconv.Quote(format))
			}
			return true
		})
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, seen, 80, "the walk found the generator's messages")
	assert.Empty(t, missing, "add these formats' Chinese to generator/diag/zh.go")
}

// messageFormat returns the message format a call passes, for the calls
// that report or compose diagnostics: X.Errorf, X.Warnf and X.ErrorAt (not
// fmt's), where
// the format is the first literal holding a space or a verb (keys and file
// names hold neither), and diag's Bilingual and NewError.
func messageFormat(call *ast.CallExpr) (string, bool) {
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	recv, _ := sel.X.(*ast.Ident)
	switch {
	case recv != nil && recv.Name == "diag" && (sel.Sel.Name == "Bilingual" || sel.Sel.Name == "NewError"):
		return literal(call.Args[0])
	case sel.Sel.Name == "Errorf" || sel.Sel.Name == "Warnf" || sel.Sel.Name == "ErrorAt":
		if recv != nil && recv.Name == "fmt" {
			return "", false
		}
		for _, a := range call.Args {
			if s, ok := literal(a); ok && strings.ContainsAny(s, " %") {
				return s, true
			}
		}
	}
	return "", false
}

// literal returns the value of a string literal or a + of literals.
func literal(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := literal(e.X)
		b, ok2 := literal(e.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

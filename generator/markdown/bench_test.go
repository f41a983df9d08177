package markdown

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusBodies returns the Markdown bodies (front matter cut off) of the
// .md files under dir.
func corpusBodies(tb testing.TB, dir string) []string {
	tb.Helper()
	var bodies []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		bodies = append(bodies, body(string(b)))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return bodies
}

// body cuts a +++ front matter block off s.
func body(s string) string {
	if !strings.HasPrefix(s, "+++\n") {
		return s
	}
	if i := strings.Index(s[4:], "\n+++\n"); i >= 0 {
		return s[4+i+5:]
	}
	return s
}

// BenchmarkRender renders every page of the shipped site, or of the site
// named by PORTAL_BENCH_CONTENT (the 10k benchmark corpus's content folder).
func BenchmarkRender(b *testing.B) {
	dir := os.Getenv("PORTAL_BENCH_CONTENT")
	if dir == "" {
		dir = "../../content"
	}
	bodies := corpusBodies(b, dir)
	size := 0
	for _, s := range bodies {
		size += len(s)
	}
	r := New()
	for _, fast := range []bool{true, false} {
		name := "goldmark"
		if fast {
			name = "fast"
		}
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for i := 0; i < b.N; i++ {
				for _, s := range bodies {
					if _, err := r.renderDoc(s, fast, true, 0); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// Package outputtest compares built sites in tests: two output folders hold
// the same files with the same bytes, or the test fails naming each file
// that is missing, left over or different, and where it first differs.
// Both the generator's determinism tests and the command's incremental-build
// test use it, so "identical" means one thing. It uses only the testing
// package (no testify), so that it stays inside the generator's import rules.
package outputtest

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Read returns every file under dir (following dir itself when it is the
// link a build publishes through) by slash-separated relative path.
func Read(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		r, err := filepath.Rel(root, p)
		files[filepath.ToSlash(r)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// Same fails t unless the folders want and got hold the same files with the
// same bytes; what prefixes every message (e.g. the step of a test).
func Same(t testing.TB, what, want, got string) {
	t.Helper()
	w, g := Read(t, want), Read(t, got)
	if len(w) == 0 {
		t.Fatalf("%s: %s holds no files", what, want)
	}
	for name, b := range w {
		gb, ok := g[name]
		if !ok {
			t.Errorf("%s: %s is missing", what, name)
			continue
		}
		if !bytes.Equal(b, gb) {
			t.Errorf("%s: %s differs:\n%s", what, name, FirstDiff(b, gb))
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: %s is left over", what, name)
		}
	}
}

// FirstDiff shows where a and b first differ, with some context.
func FirstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("want: …%s…\ngot:  …%s…", a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"portal/cmd/internal/siteindex"
	"portal/generator"
	"portal/search"
)

// TestIncrementalMatchesClean applies random sequences of edits, additions,
// deletions, renames, theme changes and date changes to a copy of the
// shipped site. After each step it rebuilds incrementally twice over (with
// the pipeline serve keeps, and with a new one, as a second `portal build`
// would) and compares with a clean build of the same content in a fresh
// folder: the output must be byte-identical, file for file, and the search
// index must answer every query identically. CI runs a few steps; run
// longer by hand:
//
//	PORTAL_INCREMENTAL_STEPS=200 PORTAL_INCREMENTAL_SEED=7 go test ./cmd/portal -run TestIncrementalMatchesClean -v
func TestIncrementalMatchesClean(t *testing.T) {
	steps := 6
	if n, err := strconv.Atoi(os.Getenv("PORTAL_INCREMENTAL_STEPS")); err == nil {
		steps = n
	}
	seed := uint64(1)
	if n, err := strconv.ParseUint(os.Getenv("PORTAL_INCREMENTAL_SEED"), 10, 64); err == nil {
		seed = n
	}
	rng := rand.New(rand.NewPCG(seed, 11))
	root := filepath.Join("..", "..")
	site := t.TempDir()
	for _, f := range []string{"content", "data"} {
		copyTree(t, filepath.Join(root, f), filepath.Join(site, f))
	}
	cfg, err := os.ReadFile(filepath.Join(root, "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(site, "portal.toml"), cfg, 0o644))

	now := time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)
	opts := func(dir string) generator.Options {
		return generator.Options{SiteDir: dir, OutDir: filepath.Join(dir, "public"), Now: now}
	}
	kept := sitePipeline(opts(site), "", nil) // as serve keeps it
	build := func(p *generator.Pipeline) *generator.Result {
		t.Helper()
		var stderr bytes.Buffer
		res, err := runPipeline(context.Background(), p, &stderr)
		require.NoError(t, err, stderr.String())
		return res
	}
	build(kept)
	next := 0
	for step := range steps {
		what := mutate(t, rng, site, &now, &next)
		var res *generator.Result
		if step%2 == 0 {
			kept.SetNow(now)
			res = build(kept)
		} else {
			res = build(sitePipeline(opts(site), "", nil)) // a new process's pipeline
		}
		clean := t.TempDir()
		for _, f := range []string{"content", "data", "themes", "portal.toml"} {
			if _, err := os.Stat(filepath.Join(site, f)); err == nil {
				if f == "portal.toml" {
					b, _ := os.ReadFile(filepath.Join(site, f))
					require.NoError(t, os.WriteFile(filepath.Join(clean, f), b, 0o644))
				} else {
					copyTree(t, filepath.Join(site, f), filepath.Join(clean, f))
				}
			}
		}
		cres := build(sitePipeline(opts(clean), "", nil))
		t.Logf("step %d: %s: rendered %d of %d pages, %d files updated, %d removed, %d documents indexed, %d deleted",
			step, what, res.Rendered, res.Pages, res.Written+res.Linked, res.Removed, res.Indexed, res.Unindexed)
		sameTree(t, fmt.Sprintf("step %d (%s)", step, what), live(t, cres.OutDir), live(t, res.OutDir))
		sameAnswers(t, fmt.Sprintf("step %d (%s)", step, what), siteindex.Dir(clean, cres.Site.Config), siteindex.Dir(site, res.Site.Config))
		if t.Failed() {
			t.FailNow()
		}
	}
}

func live(t *testing.T, out string) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(out)
	require.NoError(t, err)
	return dir
}

// mutate changes the site in one random way and says how.
func mutate(t *testing.T, rng *rand.Rand, site string, now *time.Time, next *int) string {
	t.Helper()
	files := func(kinds ...string) []string {
		var out []string
		for _, k := range kinds {
			matches, _ := filepath.Glob(filepath.Join(site, "content", k, "*.md"))
			for _, m := range matches {
				if filepath.Base(m) != "_index.md" {
					out = append(out, m)
				}
			}
		}
		slices.Sort(out)
		return out
	}
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	rewrite := func(file string, fn func(string) string) {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(file, []byte(fn(string(b))), 0o644))
	}
	rel := func(p string) string { r, _ := filepath.Rel(site, p); return filepath.ToSlash(r) }
	*next++
	n := *next
	switch rng.IntN(8) {
	case 0: // a body edit
		f := pick(files("commitments", "news", "cases", "policies", "records", "disclosures"))
		rewrite(f, func(s string) string { return s + fmt.Sprintf("\n\n补充说明：第%d次修改。\n", n) })
		return "body of " + rel(f)
	case 1: // a title edit
		f := pick(files("commitments", "news", "cases", "policies", "records", "disclosures"))
		rewrite(f, func(s string) string {
			return strings.Replace(s, `title = "`, fmt.Sprintf(`title = "（第%d次修订）`, n), 1)
		})
		return "title of " + rel(f)
	case 2: // a new page
		f := pick(files("news", "cases"))
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		dst := filepath.Join(filepath.Dir(f), fmt.Sprintf("added-%d.md", n))
		require.NoError(t, os.WriteFile(dst, b, 0o644))
		return "added " + rel(dst)
	case 3: // a deletion
		f := pick(files("news", "cases", "commitments", "records"))
		require.NoError(t, os.Remove(f))
		return "deleted " + rel(f)
	case 4: // a rename
		f := pick(files("news", "cases", "policies"))
		dst := filepath.Join(filepath.Dir(f), fmt.Sprintf("renamed-%d.md", n))
		require.NoError(t, os.Rename(f, dst))
		return "renamed " + rel(f) + " to " + rel(dst)
	case 5, 6: // the next day, or weeks later
		days := 1
		if rng.IntN(2) == 0 {
			days = 1 + rng.IntN(60)
		}
		*now = now.AddDate(0, 0, days)
		return fmt.Sprintf("date +%d days (%s)", days, now.Format(time.DateOnly))
	default: // a theme override appears, changes or goes
		p := filepath.Join(site, "themes", "default", "layouts", "partials", "footer.html")
		if _, err := os.Stat(p); err == nil && rng.IntN(2) == 0 {
			require.NoError(t, os.RemoveAll(filepath.Join(site, "themes")))
			return "theme override removed"
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(fmt.Sprintf(`<footer>自定义页脚 %d {{.Site.Gov.Sponsor}}</footer>`, n)), 0o644))
		return "theme override written"
	}
}

// sameTree requires two folders to hold the same files with the same bytes.
func sameTree(t *testing.T, what, want, got string) {
	t.Helper()
	read := func(dir string) map[string][]byte {
		out := map[string][]byte{}
		require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			r, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(r)] = b
			return nil
		}))
		return out
	}
	w, g := read(want), read(got)
	for name, b := range w {
		gb, ok := g[name]
		if !ok {
			t.Errorf("%s: %s is missing from the incremental build", what, name)
			continue
		}
		if !bytes.Equal(b, gb) {
			t.Errorf("%s: %s differs from the clean build:\n%s", what, name, firstDiff(b, gb))
		}
	}
	for name := range g {
		if _, ok := w[name]; !ok {
			t.Errorf("%s: %s is left over in the incremental build", what, name)
		}
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return fmt.Sprintf("clean:       …%s…\nincremental: …%s…", a[lo:min(len(a), i+80)], b[lo:min(len(b), i+80)])
}

// sameAnswers requires two indexes to answer a set of queries identically.
func sameAnswers(t *testing.T, what, want, got string) {
	t.Helper()
	a, err := search.Open(want)
	require.NoError(t, err)
	defer a.Close()
	b, err := search.Open(got)
	require.NoError(t, err)
	defer b.Close()
	for _, q := range []search.Query{
		{}, {Sort: search.SortDate}, {Text: "诚信"}, {Text: "承诺", Sort: search.SortDate, Page: 2},
		{Text: "修改"}, {Text: "修订"}, {Kind: "news"}, {Text: "营商环境", Kind: "commitments"},
		{Text: "临发改信用〔2024〕295号"}, {Department: "fgw", Size: 50},
	} {
		x, err := a.Search(context.Background(), q)
		require.NoError(t, err)
		y, err := b.Search(context.Background(), q)
		require.NoError(t, err)
		x.Took, y.Took = 0, 0
		if !reflect.DeepEqual(x, y) {
			t.Errorf("%s: query %+v answers differently:\nclean:       %d hits %v\nincremental: %d hits %v", what, q, x.Total, urls(x), y.Total, urls(y))
		}
	}
}

func urls(r search.Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, fmt.Sprintf("%s(%.4g)", h.URL, h.Score))
	}
	return out
}

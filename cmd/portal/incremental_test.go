package main

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/siteindex"
	"portal/generator"
	"portal/generator/outputtest"
	"portal/search"
)

// TestIncrementalMatchesClean applies random sequences of changes to a copy
// of the shipped site: body and title edits, front-matter edits that move
// derived state (a deadline, a commitment's department), additions,
// deletions and renames, edits and removed rows in data files, a changed
// registry and portal.toml, theme overrides, a file touched (same bytes),
// nothing at all, and date changes (the next day, or weeks later). A step applies one to three of them, as an editor's
// save or a batch of saves does before serve rebuilds. After each step it
// rebuilds incrementally (alternately with the pipeline serve keeps and
// with a new one, as a second `portal build` would), checks that one more
// `portal build` finds nothing changed and does nothing, and compares with a
// clean build of the same content in a fresh folder: the output must be
// byte-identical, file for file, and the search index must answer every
// query identically.
//
// The first steps apply every kind of change once, in a random order, so
// the short CI run covers them all; further steps pick at random. Run
// longer by hand (a different seed is a different sequence):
//
//	PORTAL_INCREMENTAL_STEPS=200 PORTAL_INCREMENTAL_SEED=7 go test ./cmd/portal -run TestIncrementalMatchesClean -v -timeout 60m
func TestIncrementalMatchesClean(t *testing.T) {
	steps := len(mutations)
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
	buildOpts := func(dir string) generator.Options {
		o := opts(dir)
		o.SkipUnchanged = true
		return o
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
	m := &mutator{t: t, rng: rng, site: site, now: &now}
	first := rng.Perm(len(mutations)) // every kind once before any repeats
	kinds := map[string]int{}
	for step := range steps {
		var done []string
		apply := func(i int) {
			kinds[mutations[i].name]++
			m.n++
			done = append(done, mutations[i].apply(m))
		}
		if step < len(first) {
			apply(first[step])
		} else {
			for range 1 + rng.IntN(3) {
				apply(rng.IntN(len(mutations)))
			}
		}
		what := strings.Join(done, "; ")
		var res *generator.Result
		if step%2 == 0 {
			kept.SetNow(now)
			res = build(kept)
		} else {
			res = build(sitePipeline(buildOpts(site), "", nil)) // a new process's pipeline, as portal build makes it
		}
		// A portal build right after: after another portal build it finds
		// nothing changed and does nothing (had it skipped a change, the
		// comparison below would fail); after serve's pipeline (which
		// records nothing) it builds, and must change nothing.
		again := build(sitePipeline(buildOpts(site), "", nil))
		if step%2 == 1 {
			require.True(t, again.Unchanged, "step %d (%s): a build right after another did not find its inputs unchanged", step, what)
		} else {
			require.False(t, again.Unchanged)
			// (Removed may not be zero: it counts files taken out of the
			// reused folder, two versions old.)
			require.Zero(t, again.Rendered+again.Indexed+again.Unindexed, "step %d (%s): a build after serve's found work to do: rendered %d, indexed %d, unindexed %d", step, what, again.Rendered, again.Indexed, again.Unindexed)
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
		outputtest.Same(t, fmt.Sprintf("step %d (%s), clean build against incremental", step, what), cres.OutDir, res.OutDir)
		sameAnswers(t, fmt.Sprintf("step %d (%s)", step, what), siteindex.Dir(clean, cres.Site.Config), siteindex.Dir(site, cres.Site.Config))
		if t.Failed() {
			t.FailNow()
		}
	}
	if steps >= len(mutations) {
		for _, mu := range mutations {
			assert.Positive(t, kinds[mu.name], "%s was never applied", mu.name)
		}
	}
}

// mutator changes the test's copy of the site.
type mutator struct {
	t    *testing.T
	rng  *rand.Rand
	site string
	now  *time.Time
	n    int // the change's number, written into what it writes
}

func (m *mutator) files(kinds ...string) []string {
	var out []string
	for _, k := range kinds {
		matches, _ := filepath.Glob(filepath.Join(m.site, "content", k, "*.md"))
		for _, p := range matches {
			if filepath.Base(p) != "_index.md" {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	require.NotEmpty(m.t, out, "no files of %v left", kinds)
	return out
}

func (m *mutator) pick(list []string) string { return list[m.rng.IntN(len(list))] }

func (m *mutator) rewrite(file string, fn func(string) string) {
	b, err := os.ReadFile(file)
	require.NoError(m.t, err)
	require.NoError(m.t, os.WriteFile(file, []byte(fn(string(b))), 0o644))
}

func (m *mutator) rel(p string) string {
	r, _ := filepath.Rel(m.site, p)
	return filepath.ToSlash(r)
}

// frontLine returns the first front-matter line of a Markdown file that
// starts with key (so a top-level key, not one inside [[progress]]).
func frontLine(s, key string) (string, bool) {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, "[[") {
			return "", false
		}
		if strings.HasPrefix(line, key+" = ") {
			return line, true
		}
	}
	return "", false
}

// mutations are the kinds of change the test applies.
var mutations = []struct {
	name  string
	apply func(m *mutator) string
}{
	{"body edit", func(m *mutator) string {
		f := m.pick(m.files("commitments", "news", "cases", "policies", "records", "disclosures"))
		m.rewrite(f, func(s string) string { return s + fmt.Sprintf("\n\n补充说明：第%d次修改。\n", m.n) })
		return "body of " + m.rel(f)
	}},
	{"title edit", func(m *mutator) string {
		f := m.pick(m.files("commitments", "news", "cases", "policies", "records", "disclosures"))
		m.rewrite(f, func(s string) string {
			return strings.Replace(s, `title = "`, fmt.Sprintf(`title = "（第%d次修订）`, m.n), 1)
		})
		return "title of " + m.rel(f)
	}},
	{"deadline moved", func(m *mutator) string {
		var with []string
		for _, f := range m.files("commitments") {
			b, err := os.ReadFile(f)
			require.NoError(m.t, err)
			if _, ok := frontLine(string(b), "deadline"); ok {
				with = append(with, f)
			}
		}
		f := m.pick(with)
		days := m.rng.IntN(241) - 120
		m.rewrite(f, func(s string) string {
			line, _ := frontLine(s, "deadline")
			d, err := time.Parse(time.DateOnly, strings.TrimPrefix(line, "deadline = "))
			require.NoError(m.t, err, line)
			return strings.Replace(s, line, "deadline = "+d.AddDate(0, 0, days).Format(time.DateOnly), 1)
		})
		return fmt.Sprintf("deadline of %s %+d days", m.rel(f), days)
	}},
	{"department changed", func(m *mutator) string {
		b, err := os.ReadFile(filepath.Join(m.site, "data", "departments.toml"))
		require.NoError(m.t, err)
		var ids []string
		for _, line := range strings.Split(string(b), "\n") {
			if id, ok := strings.CutPrefix(line, "id = "); ok {
				ids = append(ids, strings.Trim(id, `"`))
			}
		}
		f := m.pick(m.files("commitments", "news", "policies"))
		id := m.pick(ids)
		m.rewrite(f, func(s string) string {
			if line, ok := frontLine(s, "department"); ok {
				return strings.Replace(s, line, `department = "`+id+`"`, 1)
			}
			// A page that names its bodies as a list (news, policies)
			// gets the one body there: both keys at once is an error.
			if line, ok := frontLine(s, "departments"); ok {
				return strings.Replace(s, line, `departments = ["`+id+`"]`, 1)
			}
			return strings.Replace(s, "+++\n", "+++\n"+`department = "`+id+`"`+"\n", 1)
		})
		return "department of " + m.rel(f) + " set to " + id
	}},
	{"page added", func(m *mutator) string {
		f := m.pick(m.files("news", "cases", "commitments", "disclosures"))
		b, err := os.ReadFile(f)
		require.NoError(m.t, err)
		dst := filepath.Join(filepath.Dir(f), fmt.Sprintf("added-%d.md", m.n))
		require.NoError(m.t, os.WriteFile(dst, b, 0o644))
		return "added " + m.rel(dst)
	}},
	{"page deleted", func(m *mutator) string {
		f := m.pick(m.files("news", "cases", "commitments", "records"))
		require.NoError(m.t, os.Remove(f))
		return "deleted " + m.rel(f)
	}},
	{"page renamed", func(m *mutator) string {
		f := m.pick(m.files("news", "cases", "policies", "commitments"))
		dst := filepath.Join(filepath.Dir(f), fmt.Sprintf("renamed-%d.md", m.n))
		require.NoError(m.t, os.Rename(f, dst))
		return "renamed " + m.rel(f) + " to " + m.rel(dst)
	}},
	{"data row edited", func(m *mutator) string {
		f := m.pick(m.dataFiles())
		var row int
		m.rewrite(f, func(s string) string {
			lines := strings.Split(s, "\n")
			var rows []int
			for i, l := range lines {
				if i > 0 && strings.Contains(l, "（示例）") {
					rows = append(rows, i)
				}
			}
			require.NotEmpty(m.t, rows, f)
			row = rows[m.rng.IntN(len(rows))]
			lines[row] = strings.Replace(lines[row], "（示例）", fmt.Sprintf("（第%d次修改）（示例）", m.n), 1)
			return strings.Join(lines, "\n")
		})
		return fmt.Sprintf("row %d of %s edited", row, m.rel(f))
	}},
	{"data row removed", func(m *mutator) string {
		f := m.pick(m.dataFiles())
		var row int
		m.rewrite(f, func(s string) string {
			lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
			row = 1 + m.rng.IntN(len(lines)-1)
			return strings.Join(slices.Delete(lines, row, row+1), "\n") + "\n"
		})
		return fmt.Sprintf("row %d of %s removed", row, m.rel(f))
	}},
	{"registry edited", func(m *mutator) string {
		// A body's short name changes; the old one stays as an alias, as
		// content written before the change still cites it.
		f := filepath.Join(m.site, "data", "departments.toml")
		var old string
		m.rewrite(f, func(s string) string {
			blocks := strings.Split(s, "[[department]]")
			var with []int
			for i, b := range blocks {
				if i > 0 && strings.Contains(b, "\nshort = ") {
					with = append(with, i)
				}
			}
			i := with[m.rng.IntN(len(with))]
			lines := strings.Split(blocks[i], "\n")
			var short string
			for j, l := range lines {
				if v, ok := strings.CutPrefix(l, "short = "); ok {
					old, short = l, v
					lines[j] = strings.TrimSuffix(l, `"`) + fmt.Sprintf(`%d"`, m.n)
				}
			}
			aliased := false
			for j, l := range lines {
				if v, ok := strings.CutPrefix(l, "aliases = ["); ok {
					lines[j], aliased = "aliases = ["+short+", "+v, true
				}
			}
			if !aliased {
				lines = slices.Insert(lines, 1, "aliases = ["+short+"]")
			}
			blocks[i] = strings.Join(lines, "\n")
			return strings.Join(blocks, "[[department]]")
		})
		return "registry: " + old + " renamed"
	}},
	{"portal.toml edited", func(m *mutator) string {
		m.rewrite(filepath.Join(m.site, "portal.toml"), func(s string) string {
			return strings.Replace(s, `description = "`, fmt.Sprintf(`description = "（第%d版）`, m.n), 1)
		})
		return "portal.toml description"
	}},
	{"nothing changed", func(*mutator) string { return "nothing changed" }},
	{"file touched", func(m *mutator) string {
		// The same bytes with a new modification time: a build reads it
		// again and must still write what a clean build writes.
		f := m.pick(m.files("commitments", "news", "policies"))
		later := time.Now().Add(time.Duration(m.n) * time.Second)
		require.NoError(m.t, os.Chtimes(f, later, later))
		return "touched " + m.rel(f)
	}},
	{"date changed", func(m *mutator) string {
		days := 1
		if m.rng.IntN(2) == 0 {
			days = 1 + m.rng.IntN(60)
		}
		*m.now = m.now.AddDate(0, 0, days)
		return fmt.Sprintf("date +%d days (%s)", days, m.now.Format(time.DateOnly))
	}},
	{"theme override", func(m *mutator) string {
		p := filepath.Join(m.site, "themes", "default", "layouts", "partials", "footer.html")
		if _, err := os.Stat(p); err == nil && m.rng.IntN(2) == 0 {
			require.NoError(m.t, os.RemoveAll(filepath.Join(m.site, "themes")))
			return "theme override removed"
		}
		require.NoError(m.t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(m.t, os.WriteFile(p, []byte(fmt.Sprintf(`<footer>自定义页脚 %d {{.Site.Gov.Sponsor}}</footer>`, m.n)), 0o644))
		return "theme override written"
	}},
}

func (m *mutator) dataFiles() []string {
	out, _ := filepath.Glob(filepath.Join(m.site, "data", "disclosures", "*.csv"))
	var keep []string
	for _, f := range out {
		if b, err := os.ReadFile(f); err == nil && strings.Count(string(b), "\n") > 2 {
			keep = append(keep, f)
		}
	}
	require.NotEmpty(m.t, keep, "no data rows left")
	return keep
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

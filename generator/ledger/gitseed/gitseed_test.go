package gitseed

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/ledger"
	"portal/generator/loader"
	"portal/generator/markdown"
	"portal/generator/model"
)

const registry = "[[department]]\nid = \"fgw\"\nname = \"临沂市发展和改革委员会\"\nshort = \"市发展改革委\"\nlevel = \"市\"\ntype = \"政府工作部门\"\n"

func commitment(deadline, body string) string {
	return "+++\ntitle = \"企业开办全流程1个工作日内办结\"\ndepartment = \"fgw\"\ncategory = \"服务承诺\"\ndate = 2024-11-25\ndeadline = " +
		deadline + "\nstatus = \"in_progress\"\n+++\n" + body + "\n"
}

// repo makes a git repository whose site lives in site/ and commits the
// given states, each dated.
func repo(t *testing.T, states []map[string]string, dates []string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	run := func(date string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example", "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date, "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
	}
	run("2024-01-01T00:00:00+08:00", "init", "-q", "-b", "main")
	for i, st := range states {
		for name, body := range st {
			p := filepath.Join(root, "site", filepath.FromSlash(name))
			if body == "" {
				require.NoError(t, os.Remove(p))
				continue
			}
			require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
			require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		}
		run(dates[i], "add", "-A")
		run(dates[i], "commit", "-q", "-m", "state", "--allow-empty")
	}
	return filepath.Join(root, "site")
}

func versions(ctx context.Context) func(fsys fs.FS, date time.Time) ([]ledger.Version, error) {
	md := markdown.New()
	return func(fsys fs.FS, date time.Time) ([]ledger.Version, error) {
		site, dl := loader.Load(fsys, loader.Options{})
		if err := dl.Err(); err != nil {
			return nil, err
		}
		site.Derive(model.Today(date, site.Config.Location))
		return ledger.SiteVersions(ctx, site, func(s string) (string, error) {
			doc, err := md.Render(s)
			return doc.HTML, err
		})
	}
}

func TestSeed(t *testing.T) {
	site := repo(t, []map[string]string{
		{"portal.toml": "title = \"测试\"\n", "data/departments.toml": registry,
			"content/commitments/c01.md": commitment("2025-06-30", "承诺内容")},
		{"README.md": "not site content"}, // outside the site: no commit seen
		{"content/commitments/c01.md": commitment("2025-12-31", "承诺内容有所调整"),
			"content/commitments/c02.md": commitment("2025-03-01", "第二项")},
		{"content/commitments/c02.md": "+++\ntitle = \"坏的\"\n"}, // does not load: skipped
		{"content/commitments/c02.md": "", "data/ledger/checkpoint": "ignored"},
	}, []string{"2024-11-25T10:00:00+08:00", "2024-11-26T10:00:00+08:00", "2025-07-01T23:30:00+08:00", "2025-07-02T10:00:00+08:00", "2025-06-30T09:00:00+08:00"})
	loc, _ := time.LoadLocation("Asia/Shanghai")
	l := ledger.NewLog()
	var warnings []string
	n, err := Seed(context.Background(), site, l, loc, versions(context.Background()), func(s string) { warnings = append(warnings, s) })
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	var got []string
	for _, e := range l.Entries {
		got = append(got, e.Date+" "+e.Op+" "+e.Key()+" "+strings.Join(e.Changed(), ","))
	}
	assert.Equal(t, []string{
		"2024-11-25 add commitments/c01 title,date,department,category,deadline,status,body",
		"2025-07-01 change commitments/c01 deadline,body",
		"2025-07-01 add commitments/c02 title,date,department,category,deadline,status,body",
		"2025-07-01 remove commitments/c02 ", // committed 2025-06-30, before the last entry: takes its date
	}, got)
	require.Len(t, warnings, 1)
	assert.Contains(t, warnings[0], "2025-07-02")
	assert.Contains(t, l.Entries[0].Note, "据 git 提交")

	// Seeding twice gives the same log.
	again := ledger.NewLog()
	_, err = Seed(context.Background(), site, again, loc, versions(context.Background()), func(string) {})
	require.NoError(t, err)
	for i := range l.Entries {
		assert.Equal(t, string(l.Entries[i].Encode()), string(again.Entries[i].Encode()))
	}
	_, err = Seed(context.Background(), site, l, loc, versions(context.Background()), func(string) {})
	assert.ErrorContains(t, err, "只有空的发布记录")
}

func TestNotARepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	err := Walk(context.Background(), t.TempDir(), func(Snapshot) error { return nil })
	assert.ErrorContains(t, err, "不在 git 仓库中")
}

package generator

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOpenDataExplained builds the shipped site with one commitment added
// but not yet published in the publication log, as an editor's next build
// is. Every open data CSV loads as a table (each row as long as its
// header: the new commitment's log columns are empty, not missing), and
// the /data/ page explains each column of each file in Chinese, so a
// journalist opening commitments.csv knows what days_late or log_entry is.
func TestOpenDataExplained(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole shipped site")
	}
	site := t.TempDir()
	for _, name := range []string{"content", "data"} {
		require.NoError(t, os.CopyFS(filepath.Join(site, name), os.DirFS(filepath.Join("..", name))))
	}
	toml, err := os.ReadFile(filepath.Join("..", "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(site, "portal.toml"), toml, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(site, "content/commitments/zz-new.md"),
		[]byte("+++\ntitle = \"新增承诺\"\ndepartment = \"fgw\"\ncategory = \"政策兑现\"\ndate = 2026-10-01\ndeadline = 2026-12-31\nstatus = \"in_progress\"\n+++\n尚未登记到发布记录。\n"), 0o644))
	out := filepath.Join(t.TempDir(), "public")
	_, err = Build(t.Context(), Options{SiteDir: site, OutDir: out, Now: fday(2026, 11, 1)})
	require.NoError(t, err)

	page := string(mustRead(t, filepath.Join(out, "data/index.html")))
	explained := map[string]map[string]string{} // file id → column → meaning
	section := regexp.MustCompile(`(?s)<h2 id="data-([a-z-]+)">.*?</section>`)
	field := regexp.MustCompile(`<dt><code>([^<]*)</code></dt><dd>([^<]*)</dd>`)
	for _, m := range section.FindAllStringSubmatch(page, -1) {
		explained[m[1]] = map[string]string{}
		for _, f := range field.FindAllStringSubmatch(m[0], -1) {
			explained[m[1]][f[1]] = f[2]
		}
	}

	files, err := filepath.Glob(filepath.Join(out, "data", "*.csv"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".csv")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(mustRead(t, f), []byte("\uFEFF")))).ReadAll()
		require.NoError(t, err, "%s does not load as a table", filepath.Base(f))
		require.NotEmpty(t, rows, id)
		assert.Contains(t, page, `href="/data/`+id+`.csv"`, "/data/ links %s", id)
		if strings.HasPrefix(id, "disclosures-") {
			continue // the national standard's own Chinese column names
		}
		require.Contains(t, explained, id, "/data/ has no 字段说明 for %s", id)
		for _, col := range rows[0] {
			assert.Regexp(t, `\p{Han}`, explained[id][col], "%s.csv: column %q is not explained in Chinese on /data/", id, col)
		}
		assert.Len(t, explained[id], len(rows[0]), "%s: /data/ explains columns the file does not have", id)
		if id == "commitments" {
			assert.Contains(t, rows[0], "log_entry")
			last := rows[len(rows)-1]
			for _, r := range rows[1:] {
				if r[0] == "zz-new" {
					last = r
				}
			}
			require.Equal(t, "zz-new", last[0])
			assert.Equal(t, []string{"", "", ""}, last[len(last)-3:], "not yet in the log: empty log columns")
		}
	}
}

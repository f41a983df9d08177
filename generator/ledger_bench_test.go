package generator

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"portal/generator/ledger"
	"portal/generator/loader"
	"portal/generator/markdown"
	"portal/generator/model"
)

// TestWriteLedgerSite writes a generated site whose publication log holds
// every record in PORTAL_LEDGER_VERSIONS versions (default 10), as if the
// office had published that many times: each round adds a progress entry
// to every commitment (every third round also moves its deadline later),
// adds a sentence to every news item and corrects every disclosure's
// content. The private key is written beside the site (DIR.key), never in
// it. With PORTAL_LEDGER_PENDING=1 the last round is written but left
// unpublished, so that a timed portal publish appends a real round (one
// new version of every record) rather than nothing. It runs only when
// asked (docs/LEDGER.md has the measurement that uses it):
//
//	PORTAL_LEDGER_SITE=/tmp/led10k PORTAL_GEN_PAGES=10000 PORTAL_LEDGER_PENDING=1 go test ./generator/ -run TestWriteLedgerSite -timeout 30m
func TestWriteLedgerSite(t *testing.T) {
	dir := os.Getenv("PORTAL_LEDGER_SITE")
	if dir == "" {
		t.Skip("set PORTAL_LEDGER_SITE (and PORTAL_GEN_PAGES, PORTAL_LEDGER_VERSIONS) to write a site with a publication log")
	}
	n, err := strconv.Atoi(os.Getenv("PORTAL_GEN_PAGES"))
	if err != nil {
		n = 10000
	}
	versions, err := strconv.Atoi(os.Getenv("PORTAL_LEDGER_VERSIONS"))
	if err != nil {
		versions = 10
	}
	require.NoError(t, os.RemoveAll(dir))
	site := genSite(n)
	skey, vkey, err := ledger.GenerateKey("xyxx.example.gov.cn/log")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dir+".key", []byte(skey+"\n"), 0o600))
	md := markdown.New()
	start := date("2025-01-06")
	for r := 0; r < versions; r++ {
		if r > 0 {
			reviseGenerated(site, r, start.AddDate(0, 0, 7*r))
		}
		require.NoError(t, writeSite(dir, site))
		// writeSite writes portal.toml anew each round.
		require.NoError(t, ledger.SetPublicKey(filepath.Join(dir, "portal.toml"), vkey))
		if r == versions-1 && os.Getenv("PORTAL_LEDGER_PENDING") == "1" {
			t.Logf("round %d written, left for portal publish", r+1)
			break
		}
		loaded, dl := loader.Load(os.DirFS(dir), loader.Options{})
		require.NoError(t, dl.Err())
		vs, err := ledger.SiteVersions(context.Background(), loaded, func(s string) (string, error) {
			doc, err := md.Render(s)
			return doc.HTML, err
		})
		require.NoError(t, err)
		t0 := time.Now()
		res, err := ledger.Publish(filepath.Join(dir, ledger.Dir), vs, start.AddDate(0, 0, 7*r).Format(time.DateOnly), "", skey, nil)
		require.NoError(t, err)
		t.Logf("round %d: %d entries appended (log %d) in %.2f s", r+1, len(res.Entries), res.Checkpoint.N, time.Since(t0).Seconds())
	}
}

// reviseGenerated changes every record of a genSite site for round r.
func reviseGenerated(site *model.Site, r int, day time.Time) {
	for i, c := range site.Commitments {
		c.Progress = append(c.Progress, model.Progress{Date: day, Status: c.Status, Note: fmt.Sprintf("第%d次推进：完成阶段性任务", r), Evidence: "临政办字〔2025〕12号"})
		if (i+r)%3 == 0 && !c.Deadline.IsZero() {
			c.Deadline = c.Deadline.AddDate(0, 1, 0)
		}
	}
	for _, nw := range site.News {
		nw.Body = strings.TrimRight(nw.Body, "\n") + fmt.Sprintf("\n\n第%d次更新：补充了相关情况说明。\n", r)
	}
	for _, d := range site.Disclosures {
		d.Content = fmt.Sprintf("罚款人民币五千元（第%d次更正）", r)
	}
}

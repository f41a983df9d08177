package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
)

// TestIndicatorsFromComplaintStore files complaints in the site's real
// SQLite store, takes them through the 12345 loop, builds with portal build
// and reads the complaint indicators back from the open data: the store's
// dated milestones reach the scoreboard through the complaint stage.
func TestIndicatorsFromComplaintStore(t *testing.T) {
	dir, first := complaintSite(t)
	toml, err := os.ReadFile(filepath.Join(dir, "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.toml"), append([]byte("base_url = \"https://xyxx.example.gov.cn/\"\n"), toml...), 0o644))
	ctx := context.Background()
	site := settings(t, dir)
	svc, closer, err := openService(ctx, site, complaintDSN(dir, site.Config, ""))
	require.NoError(t, err)
	loop := []intake.Action{
		{Kind: intake.ActAccept, Actor: "staff"},
		{Kind: intake.ActAssign, Actor: "staff", Assignee: "fgw"},
		{Kind: intake.ActReply, Actor: "staff", Note: "已督促支付。"},
	}
	for _, a := range append(loop, intake.Action{Kind: intake.ActVisit, Actor: "staff", Satisfaction: intake.Satisfied}) {
		_, err := svc.Act(ctx, first.Receipt, a)
		require.NoError(t, err)
	}
	second, err := svc.Submit(ctx, intake.Submission{Category: "拖欠账款", Department: "fgw", Title: "质保金未退", Description: "工程质保金到期后一直未退还。",
		Name: "李四", Phone: "13900000000", Consent: true})
	require.NoError(t, err)
	for _, a := range append(loop, intake.Action{Kind: intake.ActVisit, Actor: "staff", Satisfaction: intake.Unsatisfied}) {
		_, err := svc.Act(ctx, second.Receipt, a)
		require.NoError(t, err)
	}
	require.NoError(t, closer.Close())

	// Complaints are dated now; build as of the end of this year.
	now := time.Now().In(site.Config.Location)
	end := time.Date(now.Year(), 12, 31, 0, 0, 0, 0, site.Config.Location)
	out := filepath.Join(t.TempDir(), "public")
	_, stderr, err := runCLI(t, "build", "-site", dir, "-out", out, "-now", end.Format(time.DateOnly))
	require.NoError(t, err, stderr)

	b, err := os.ReadFile(filepath.Join(out, "data", "indicators.json"))
	require.NoError(t, err, "a site whose only records are complaints is evaluated")
	var rows []struct {
		Period     string
		Department string
		Values     []struct {
			Indicator string
			Num       int
			Den       *int
			Known     bool
		}
	}
	require.NoError(t, json.Unmarshal(b, &rows))
	got := map[string][2]int{}
	for _, r := range rows {
		if r.Period != end.Format("2006") || r.Department != "fgw" {
			continue
		}
		for _, v := range r.Values {
			if v.Indicator == "material_change" || v.Indicator == "record_removed_early" {
				assert.False(t, v.Known, "no publication log: %s is unknown", v.Indicator)
				continue
			}
			require.True(t, v.Known, v.Indicator)
			den := 0
			if v.Den != nil {
				den = *v.Den
			}
			got[v.Indicator] = [2]int{v.Num, den}
		}
	}
	assert.Equal(t, [2]int{2, 2}, got["complaint_reply_on_time"], "both answered the day they came in")
	assert.Equal(t, [2]int{1, 2}, got["complaint_satisfaction"])
	assert.Equal(t, 1, got["complaint_unsatisfied"][0])
	page, err := os.ReadFile(filepath.Join(out, "indicators", end.Format("2006"), "departments", "fgw", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "投诉按期答复率：—（2件）", "two complaints: below the base of 3")
	assert.NotContains(t, string(page), "张三")
}

// TestIndicatorsFromPublicationLog: material changes the publication log
// records count against the body, on the date they were published, and
// the log's first publication date stands in for a missing 公示日期.
func TestIndicatorsFromPublicationLog(t *testing.T) {
	site, _ := published(t) // e01's deadline moved later and its promise reworded on 2025-07-01
	out := filepath.Join(t.TempDir(), "public")
	_, stderr, err := runCLI(t, "build", "-site", site, "-out", out, "-now", "2025-12-31")
	require.NoError(t, err, stderr)
	b, err := os.ReadFile(filepath.Join(out, "data", "indicators.json"))
	require.NoError(t, err)
	var rows []struct {
		Period, Department string
		Values             []struct {
			Indicator string
			Num       int
			Den       *int
			Points    *float64
			Known     bool
		}
	}
	require.NoError(t, json.Unmarshal(b, &rows))
	find := func(period, dept, id string) (int, int, float64, bool) {
		for _, r := range rows {
			if r.Period == period && r.Department == dept {
				for _, v := range r.Values {
					if v.Indicator == id {
						den, pts := 0, 0.0
						if v.Den != nil {
							den = *v.Den
						}
						if v.Points != nil {
							pts = *v.Points
						}
						return v.Num, den, pts, v.Known
					}
				}
			}
		}
		t.Fatalf("no %s for %s in %s", id, dept, period)
		return 0, 0, 0, false
	}
	n, _, pts, known := find("2025-q3", "xzsp", "material_change")
	assert.True(t, known, "the site keeps a log")
	assert.Equal(t, 2, n, "a later deadline and a reworded promise, published on 1 July")
	assert.Equal(t, 6.0, pts)
	n, _, _, _ = find("2025-q2", "xzsp", "material_change")
	assert.Zero(t, n, "counted on the day the change was published")
	num, den, _, _ := find("2025", "fgw", "disclosure_on_time")
	assert.Equal(t, [2]int{1, 1}, [2]int{num, den}, "the disclosure has no 公示日期: the log's first publication stands in")
	page, err := os.ReadFile(filepath.Join(out, "indicators", "2025-q3", "departments", "xzsp", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `href="/commitments/e01/#v`, "the change links to the record's history")
}

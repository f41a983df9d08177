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

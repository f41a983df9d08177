package generator

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

// TestIndicatorsNothingToEvaluate: a site with no dated event has no
// scoreboard, no navigation link, no card and no open-data file for it.
func TestIndicatorsNothingToEvaluate(t *testing.T) {
	site := tinySite()
	site.Commitments, site.Disclosures, site.Records, site.Cases = nil, nil, nil, nil
	out := filepath.Join(t.TempDir(), "public")
	res, err := Generate(context.Background(), site, Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-07-01")})
	require.NoError(t, err)
	require.NotNil(t, res.Indicators)
	assert.Empty(t, res.Indicators.Years)
	assert.NoDirExists(t, filepath.Join(out, "indicators"))
	assert.NoFileExists(t, filepath.Join(out, "data", "indicators.csv"))
	home := string(mustRead(t, filepath.Join(out, "index.html")))
	assert.NotContains(t, home, "/indicators/")
	assert.NotContains(t, string(mustRead(t, filepath.Join(out, "departments", "fgw", "index.html"))), "政务诚信评价")
}

// TestIndicatorsWithComplaints: figures from the complaint store (set by a
// stage after derive) reach the scoreboard; without a store the complaint
// rates are unknown, with one they are known even at 0 of 0.
func TestIndicatorsWithComplaints(t *testing.T) {
	site := tinySite()
	out := filepath.Join(t.TempDir(), "public")
	p := New(Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-07-01"), Site: site})
	p.After(StageDerive, Stage{Name: "figures", Run: func(_ context.Context, r *Result) error {
		r.ComplaintStats = &model.ComplaintStats{Departments: map[string]model.DepartmentComplaintStats{}, Facts: []model.ComplaintFact{
			{Department: "xzsp", Received: date("2025-04-01"), ReplyDue: date("2025-04-08"), Replied: date("2025-04-03"),
				Visits: []model.ComplaintVisit{{Date: date("2025-04-10"), Satisfaction: "满意"}}},
			{Department: "xzsp", Received: date("2025-04-02"), ReplyDue: date("2025-04-09"), Replied: date("2025-04-20"),
				Visits: []model.ComplaintVisit{{Date: date("2025-04-21"), Satisfaction: "不满意"}}},
		}}
		return nil
	}})
	res, err := p.Run(context.Background())
	require.NoError(t, err)
	rep := res.Indicators
	require.True(t, rep.HasComplaints)
	q2 := rep.Quarters[1]
	require.Equal(t, "2025-q2", q2.Key)
	row := q2.Row("xzsp")
	for _, v := range row.Values {
		switch v.Spec.ID {
		case model.IndComplaintReplyOnTime:
			assert.Equal(t, [2]int{1, 2}, [2]int{v.Num, v.Den})
			assert.True(t, v.Known)
		case model.IndComplaintUnsatisfied:
			assert.Equal(t, 1, v.Num)
		}
	}
	for _, v := range q2.Row("fgw").Values {
		if v.Spec.ID == model.IndComplaintSatisfaction {
			assert.True(t, v.Known, "the store exists: a body without complaints has 0 of 0, not an unknown")
			assert.Equal(t, 0, v.Den)
		}
	}
	page := string(mustRead(t, filepath.Join(out, "indicators", "2025-q2", "departments", "xzsp", "index.html")))
	assert.Contains(t, page, `href="/complaints/stats/"`)
	assert.NotContains(t, string(mustRead(t, filepath.Join(out, "indicators", "2025-q2", "index.html"))), "本站尚无投诉办理数据")
}

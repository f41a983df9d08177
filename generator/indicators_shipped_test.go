package generator

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/indicators"
	"portal/generator/model"
)

// TestIndicatorsShipped builds the shipped site as of 30 November 2026 and
// checks its scoreboard. The build date is pinned so the golden files never
// follow the calendar: the shipped publication log holds entries dated after
// it (the git-seeded publication of 2 December 2026), which must not count.
// It checks the golden tables (a text rendering of every
// period and the open-data CSV), a ranking that is not trivial, every link
// of the scoreboard pages leading to a page of the output, the 评价说明 page
// stating every indicator in use, the department card, and the feed.
func TestIndicatorsShipped(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole shipped site")
	}
	out := filepath.Join(t.TempDir(), "public")
	res, err := Build(t.Context(), Options{SiteDir: "..", OutDir: out, Now: fday(2026, 11, 30).Add(12 * 3600e9)})
	require.NoError(t, err)
	rep := res.Indicators
	require.NotNil(t, rep)

	golden(t, "indicators_shipped.txt", []byte(scoreboardText(rep)))
	golden(t, "indicators_shipped.csv", mustRead(t, filepath.Join(out, "data", "indicators.csv")))

	// The shipped examples rank, and not trivially: for 2025 both levels
	// rank several bodies with different scores over several grades.
	y2025 := rep.Years[0]
	require.Equal(t, "2025", y2025.Key)
	require.True(t, y2025.Closed)
	for _, level := range model.DepartmentLevels {
		scores, grades, ranked := map[float64]bool{}, map[string]bool{}, 0
		for _, st := range y2025.Table(level, "") {
			if st.Rank > 0 {
				ranked++
				scores[st.Row.Score] = true
				grades[st.Row.Grade] = true
			}
		}
		assert.GreaterOrEqual(t, ranked, 6, level)
		assert.GreaterOrEqual(t, len(scores), 5, level)
		assert.GreaterOrEqual(t, len(grades), 3, level)
	}
	assert.Empty(t, rep.Warnings, "the shipped content dates every status it evaluates")

	// Every link of the scoreboard pages leads to a page of the output.
	href := regexp.MustCompile(`href="(/[^"#?]*)`)
	pages := []string{"indicators/index.html", "indicators/method/index.html"}
	for _, per := range append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...) {
		for _, key := range rep.SortKeys() {
			f, err := fileForURL(indicatorsSortURL(per, key))
			require.NoError(t, err)
			pages = append(pages, f)
		}
	}
	matches, err := filepath.Glob(filepath.Join(out, "indicators", "*", "departments", "*", "index.html"))
	require.NoError(t, err)
	require.NotEmpty(t, matches)
	for _, m := range matches {
		rel, _ := filepath.Rel(out, m)
		pages = append(pages, filepath.ToSlash(rel))
	}
	checked := 0
	for _, p := range pages {
		page := string(mustRead(t, filepath.Join(out, filepath.FromSlash(p))))
		assert.NotContains(t, page, "&amp;lt;", p)
		for _, m := range href.FindAllStringSubmatch(page, -1) {
			f, err := fileForURL(m[1])
			require.NoError(t, err)
			if strings.HasPrefix(m[1], "/search/") || strings.HasPrefix(m[1], "/complaints/") {
				continue // served pages
			}
			assert.FileExists(t, filepath.Join(out, filepath.FromSlash(f)), "%s links to %s", p, m[1])
			checked++
		}
	}
	assert.Greater(t, checked, 1000)

	// The landing page shows the last closed year; figures resting on too
	// few records say so.
	landing := string(mustRead(t, filepath.Join(out, "indicators", "index.html")))
	assert.Contains(t, landing, "政务诚信评价：2025年度")
	assert.Contains(t, landing, "—（1项）")
	assert.Contains(t, landing, `title="仅1项，不足3项，不计算比率、不计入得分"`)
	assert.Contains(t, landing, "本站尚无投诉办理数据")

	// The body page lists the records behind each figure.
	body := html.UnescapeString(string(mustRead(t, filepath.Join(out, "indicators", "2025", "departments", "hedong", "index.html"))))
	for _, want := range []string{`href="/commitments/e46-road-repair-payment/"`, `href="/records/hedong-unpaid-judgment/"`,
		"基础分 = 100 ×（40×66.7%）÷（40）= 66.7", "综合得分 = 基础分 66.7 + 加分 0 − 扣分 25 = 41.7", "县区第8名（共9个参评单位）",
		"未兑现承诺：1项，扣10分"} {
		assert.Contains(t, body, want)
	}

	// The publication log weighs in: the seeded log's rewrite of e07's
	// progress note on 28 November 2026 counts against 罗庄区 in the open
	// quarter; nothing the log dates after the build date does.
	lz := html.UnescapeString(string(mustRead(t, filepath.Join(out, "indicators", "2026-q4", "departments", "luozhuang", "index.html"))))
	assert.Contains(t, lz, "实质性变更：1次，扣3分")
	assert.Contains(t, lz, `href="/commitments/e07-standard-factory/`)
	for _, per := range append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...) {
		assert.False(t, per.AsOf.After(fday(2026, 11, 30)), per.Key)
	}

	// 评价说明 states every indicator in use with its numbers.
	method := string(mustRead(t, filepath.Join(out, "indicators", "method", "index.html")))
	for _, s := range rep.Specs {
		assert.Contains(t, method, s.Name)
		assert.Contains(t, method, s.Rule)
	}
	assert.Contains(t, method, "优 90分及以上")

	// Each department page carries its card and trend chart.
	dept := string(mustRead(t, filepath.Join(out, "departments", "xzsp", "index.html")))
	assert.Contains(t, dept, "2025年度政务诚信评价")
	assert.Contains(t, dept, `aria-labelledby="trend-y-xzsp-t trend-y-xzsp-d"`)
	assert.Contains(t, dept, "市直部门第5名")

	// The feed announces each closed period once.
	f, err := gofeed.NewParser().Parse(strings.NewReader(string(mustRead(t, filepath.Join(out, "indicators", "feed.xml")))))
	require.NoError(t, err)
	closed := 0
	for _, p := range append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...) {
		if p.Closed {
			closed++
		}
	}
	assert.Len(t, f.Items, closed)
	assert.Equal(t, "2026年第三季度政务诚信评价结果", f.Items[0].Title)

	// Open data JSON reads back.
	var rows []map[string]any
	require.NoError(t, json.Unmarshal(mustRead(t, filepath.Join(out, "data", "indicators.json")), &rows))
	assert.Len(t, rows, len(res.Site.Departments)*(len(rep.Years)+len(rep.Quarters)))
}

// scoreboardText renders every period's ranking, one line per body, for
// the golden file.
func scoreboardText(rep *indicators.Report) string {
	var b strings.Builder
	for _, per := range append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...) {
		fmt.Fprintf(&b, "== %s（%s，%v）\n", per.Label, per.AsOf.Format("2006-01-02"), map[bool]string{true: "已结束", false: "未结束"}[per.Closed])
		for _, level := range model.DepartmentLevels {
			fmt.Fprintf(&b, "%s\n", levelLabels[level])
			for _, st := range per.Table(level, "") {
				row := st.Row
				if !hasRecords(row) {
					continue
				}
				rank := "—"
				if st.Rank > 0 {
					rank = fmt.Sprint(st.Rank)
				}
				fmt.Fprintf(&b, "  %s\t%s\t%s\t%s", rank, shortName(row.Dept), scoreText(row), row.Grade)
				for _, v := range row.Values {
					if v.Den > 0 {
						fmt.Fprintf(&b, "\t%s %d/%d", v.Spec.Name, v.Num, v.Den)
					}
				}
				b.WriteString("\n")
			}
		}
	}
	return b.String()
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".golden")
	if updateGolden() {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got), name)
}

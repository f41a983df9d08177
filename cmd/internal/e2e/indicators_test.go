package e2e

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIndicators reads the 政务诚信评价 as a journalist would: the landing
// page ranks 市直部门 and 县区 apart and agrees with the open data; a column
// head re-sorts the table without JavaScript; a figure opens the body's
// page at that indicator, which lists the records behind it, and a record
// opens its own page.
func TestIndicators(t *testing.T) {
	ctx := newTab(t)
	resp := open(t, ctx, "/indicators/")
	require.Equal(t, int64(http.StatusOK), resp.Status)
	assert.True(t, strings.HasPrefix(text(t, ctx, "h1"), "政务诚信评价："), text(t, ctx, "h1"))
	assert.Equal(t, []string{"市直部门", "县区"}, texts(t, ctx, `section[aria-labelledby^="lv-"] > h2`))

	// The first place of each level is the open data's rank 1 for the
	// period the page shows (the last closed year).
	type row struct {
		Period, Name, Level string
		Closed              bool
		Rank                *int
	}
	rows := openData[row](t, "indicators")
	period := ""
	for _, r := range rows {
		if r.Closed && len(r.Period) == 4 && r.Period > period {
			period = r.Period
		}
	}
	require.NotEmpty(t, period, "a closed year")
	for level, css := range map[string]string{"市": `section[aria-labelledby="lv-市"]`, "县区": `section[aria-labelledby="lv-县区"]`} {
		var first []string
		for _, r := range rows {
			if r.Period == period && r.Level == level && r.Rank != nil && *r.Rank == 1 {
				first = append(first, r.Name)
			}
		}
		require.NotEmpty(t, first, "a first place among %s", level)
		ranks := texts(t, ctx, css+" tbody tr > td:first-child")
		require.NotEmpty(t, ranks)
		assert.Equal(t, "1", ranks[0])
		name := attr(t, ctx, css+" tbody tr > th a", "title")
		assert.Contains(t, first, name, "%s: the first row is a rank-1 body of the open data", level)
	}

	// Sort on 承诺按期兑现率 with its column head.
	follow(t, ctx, "sort by a column", chromedp.Click(chromedp.CSS(`section[aria-labelledby="lv-县区"] thead a[href$="/sort/commitment_on_time/"]`)))
	assert.Equal(t, "/indicators/"+period+"/sort/commitment_on_time/", location(t, ctx))
	css := `section[aria-labelledby="lv-县区"] tbody tr`
	ranks := texts(t, ctx, css+" > td:first-child")
	cells := texts(t, ctx, css+" > td:nth-child(6)")
	require.Equal(t, len(ranks), len(cells))
	prev := 101.0
	for i, c := range cells {
		if ranks[i] == "—" {
			continue
		}
		pct, err := strconv.ParseFloat(c[:strings.Index(c, "%")], 64)
		require.NoError(t, err, c)
		assert.LessOrEqual(t, pct, prev, "sorted best first: %v", cells)
		prev = pct
	}

	// Open the top figure: the body's page at that indicator, with its records.
	follow(t, ctx, "open a figure", chromedp.Click(chromedp.CSS(css+" > td:nth-child(6) a")))
	loc := location(t, ctx)
	assert.Contains(t, loc, "/indicators/"+period+"/departments/")
	assert.True(t, strings.HasSuffix(loc, "#ind-commitment_on_time"), loc)
	assert.Contains(t, text(t, ctx, "#ind-commitment_on_time-h"), "承诺按期兑现率")
	refs := texts(t, ctx, "#ind-commitment_on_time .ind-refs li")
	require.NotEmpty(t, refs, "the commitments behind the rate")
	assert.Contains(t, refs[0], "期限")
	follow(t, ctx, "open a record", chromedp.Click(chromedp.CSS("#ind-commitment_on_time .ind-refs a")))
	assert.True(t, strings.HasPrefix(location(t, ctx), "/commitments/"), location(t, ctx))
}

// TestIndicatorCardOnAPhone: the scoreboard and the department page's card
// fit a phone (the wide table scrolls in its own box), and the trend chart's
// text is drawn at 14 px or more.
func TestIndicatorCardOnAPhone(t *testing.T) {
	ctx := newTab(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1), chromedp.EmulateMobile)))
	open(t, ctx, "/indicators/")
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	assert.LessOrEqual(t, wide, int64(390), "the scoreboard is wider than the phone")
	open(t, ctx, "/departments/xzsp/")
	assert.Contains(t, text(t, ctx, "#ind-h"), "政务诚信评价")
	scroll, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
	require.NoError(t, err)
	assert.LessOrEqual(t, scroll, int64(390), "page wider than the phone")
	sizes, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll(".ind-chart svg")].flatMap(svg => {
		const k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
		return [...svg.querySelectorAll("text")].map(t => parseFloat(t.getAttribute("font-size")) * k);
	})`))
	require.NoError(t, err)
	require.NotEmpty(t, sizes, "the card draws a chart")
	for _, s := range sizes {
		assert.GreaterOrEqual(t, s, 14.0, "chart text on a phone: %v", sizes)
	}
}

package generator

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"portal/generator/model"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStatusesAgreeEverywhere builds a site with one commitment of each
// official status × each lateness (not due, overdue, very overdue) and
// checks every place that shows or counts them says the same (issue 10,
// item 1): the commitment pages, the status filters and lists, the home
// figures, the departments table and the open data (JSON and CSV). The
// official status is always shown and counted; lateness is beside it.
func TestStatusesAgreeEverywhere(t *testing.T) {
	site := tinySite()
	site.Commitments = nil
	site.Config.PageSize = 50 // every list on one page
	lateness := []struct {
		name     string
		deadline string
	}{
		{"due", "2025-12-31"},      // after the build date: not late
		{"late", "2025-06-20"},     // 11 days late on 2025-07-01
		{"verylate", "2024-01-31"}, // over a year late
	}
	type want struct {
		status  model.Status
		overdue bool
	}
	wants := map[string]want{}
	for _, st := range model.Statuses {
		for _, l := range lateness {
			id := fmt.Sprintf("%s-%s", st, l.name)
			site.Commitments = append(site.Commitments, &model.Commitment{
				Common:     model.Common{ID: id, Title: "承诺 " + id, Date: date("2023-06-01")},
				Department: "fgw", Category: "其他", Deadline: date(l.deadline), Status: st,
			})
			closed := st == model.StatusFulfilled || st == model.StatusWithdrawn
			wants[id] = want{st, l.name != "due" && !closed}
		}
	}
	out, _ := generate(t, site, Options{})
	byStatus := map[model.Status]int{}
	overdue := 0
	for _, w := range wants {
		byStatus[w.status]++
		if w.overdue {
			overdue++
		}
	}
	require.Equal(t, 8, overdue, "4 open statuses × 2 late deadlines")

	// Every commitment page: the official status, and lateness beside it
	// exactly when it is overdue.
	badge := regexp.MustCompile(`data-ledger="status">([^<]+)<`)
	for id, w := range wants {
		page := readOut(t, out, "commitments/"+id+"/index.html")
		m := badge.FindStringSubmatch(page)
		if assert.NotNil(t, m, id) {
			assert.Equal(t, w.status.Label(), m[1], "%s: the official status", id)
		}
		assert.Equal(t, w.overdue, strings.Contains(page, `<strong class="late">`), "%s: lateness shown beside the status", id)
	}

	// The status filters' counts and the lists they lead to.
	filter := regexp.MustCompile(`href="/commitments/status/(\w+)/"[^>]*>[^<]*<span class="count">\((\d+)\)`)
	counts := map[string]int{}
	for _, m := range filter.FindAllStringSubmatch(readOut(t, out, "commitments/index.html"), -1) {
		counts[m[1]], _ = strconv.Atoi(m[2])
	}
	for _, st := range model.Statuses {
		assert.Equal(t, byStatus[st], counts[string(st)], "filter %s", st)
		list := readOut(t, out, "commitments/status/"+string(st)+"/index.html")
		for id, w := range wants {
			assert.Equal(t, w.status == st, strings.Contains(list, `href="/commitments/`+id+`/"`), "%s in the %s list", id, st)
		}
	}
	assert.Equal(t, overdue, counts["overdue"], "filter overdue")
	list := readOut(t, out, "commitments/status/overdue/index.html")
	for id, w := range wants {
		assert.Equal(t, w.overdue, strings.Contains(list, `href="/commitments/`+id+`/"`), "%s in the overdue list", id)
	}

	// The home page's figures.
	figure := regexp.MustCompile(`<span class="figure-n">(\d+)</span><span class="figure-label">([^<]+)</span>`)
	figures := map[string]int{}
	for _, m := range figure.FindAllStringSubmatch(readOut(t, out, "index.html"), -1) {
		figures[m[2]], _ = strconv.Atoi(m[1])
	}
	assert.Equal(t, len(wants), figures["公开承诺"], "home: all commitments")
	for _, st := range []model.Status{model.StatusInProgress, model.StatusFulfilled, model.StatusPartial, model.StatusBroken} {
		assert.Equal(t, byStatus[st], figures[st.Label()], "home: %s", st.Label())
	}
	assert.Equal(t, overdue, figures["其中已逾期"], "home: overdue")

	// The departments table: the row of the one department, by column.
	deps := readOut(t, out, "departments/index.html")
	head := regexp.MustCompile(`<th scope="col">([^<]+)</th>`).FindAllStringSubmatch(deps, -1)
	row := regexp.MustCompile(`(?s)<tr><th scope="row"><a href="/departments/fgw/">.*?</tr>`).FindString(deps)
	require.NotEmpty(t, row, "the department's row")
	cells := regexp.MustCompile(`<td>([^<]*)</td>`).FindAllStringSubmatch(row, -1)
	require.Len(t, cells, len(head)-1, "one cell per column after the name")
	col := map[string]string{}
	for i, c := range cells {
		col[head[i+1][1]] = c[1]
	}
	assert.Equal(t, strconv.Itoa(len(wants)), col["承诺总数"])
	for _, st := range model.Statuses {
		assert.Equal(t, strconv.Itoa(byStatus[st]), col[st.Label()], "departments table: %s", st.Label())
	}
	assert.Equal(t, strconv.Itoa(overdue), col["其中已逾期"])

	// The feed: each item is tagged with its official status, no other.
	var feed struct {
		Items []struct {
			URL  string   `json:"url"`
			Tags []string `json:"tags"`
		} `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(readOut(t, out, "commitments/feed.json")), &feed))
	require.NotEmpty(t, feed.Items)
	for _, it := range feed.Items {
		id := strings.TrimSuffix(it.URL[strings.Index(it.URL, "/commitments/")+len("/commitments/"):], "/")
		w, ok := wants[id]
		require.True(t, ok, it.URL)
		for _, st := range model.Statuses {
			assert.Equal(t, st == w.status, slices.Contains(it.Tags, st.Label()), "feed item %s tagged %s: %v", id, st.Label(), it.Tags)
		}
	}

	// The open data, JSON and CSV.
	var rows []struct {
		ID      string `json:"id"`
		Status  string `json:"status"`
		Label   string `json:"status_label"`
		Overdue bool   `json:"overdue"`
	}
	require.NoError(t, json.Unmarshal([]byte(readOut(t, out, "data/commitments.json")), &rows))
	require.Len(t, rows, len(wants))
	for _, r := range rows {
		w := wants[r.ID]
		assert.Equal(t, string(w.status), r.Status, r.ID)
		// The label leads with the official status, lateness after it.
		assert.True(t, r.Label == w.status.Label() || strings.HasPrefix(r.Label, w.status.Label()+" · "), "%s: %q", r.ID, r.Label)
		assert.Equal(t, w.overdue, strings.Contains(r.Label, "逾期"), "%s: %q", r.ID, r.Label)
		assert.Equal(t, w.overdue, r.Overdue, r.ID)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(readOut(t, out, "data/commitments.csv"), "\ufeff"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, len(wants)+1)
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	for _, r := range recs[1:] {
		w := wants[r[idx["id"]]]
		assert.Equal(t, string(w.status), r[idx["status"]], r[idx["id"]])
		assert.Equal(t, strconv.FormatBool(w.overdue), r[idx["overdue"]], r[idx["id"]])
	}
}

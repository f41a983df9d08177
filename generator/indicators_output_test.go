package generator

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// checkIndicatorJSON requires writeIndicatorRows to write encoding/json's
// bytes for rows, or to report that it cannot.
func checkIndicatorJSON(t *testing.T, rows []indicatorOpenRow, wantOK bool) {
	t.Helper()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	encErr := enc.Encode(rows)
	var got bytes.Buffer
	ok := writeIndicatorRows(&got, rows)
	require.Equal(t, wantOK, ok)
	if ok {
		require.NoError(t, encErr)
		require.Equal(t, want.String(), got.String())
	}
}

func indicatorOpenSample() []indicatorOpenRow {
	f := func(v float64) *float64 { return &v }
	n := func(v int) *int { return &v }
	return []indicatorOpenRow{
		{Period: "2021", PeriodLabel: "2021年", PeriodKind: "year", Start: "2021-01-01", End: "2021-12-31", AsOf: "2021-12-31", Closed: true,
			Department: "d01", Name: "临沂市发展改革委 \"<&>\"", Level: "市", Parent: "d00", Scored: true, Base: f(83.33), Bonus: 2, Penalty: 0.5,
			Score: f(84.8), Grade: "好", Rank: n(1), URL: "/indicators/2021/departments/d01/",
			Values: []indicatorOpenValue{
				{Indicator: "commitment_on_time", Name: "承诺按期兑现率", Kind: "rate", Num: 1, Den: n(2), Rate: f(0.5), Points: f(33.3), Known: true, Counted: true},
				{Indicator: "disclosure_on_time", Name: "双公示\\按时\n公示率\t\r", Kind: "rate", Den: n(0), Known: true, Undated: 10},
				{Indicator: "record_new", Name: "失信", Kind: "deduction", Num: 3, Points: f(math.Copysign(0, -1))},
			}},
		{Period: "2021q1", Values: []indicatorOpenValue{}},
		{Period: "2021q2"},
	}
}

// The open data written in Go is encoding/json's on every member and
// omission, and gives way on the values it does not write alike.
func TestIndicatorJSON(t *testing.T) {
	checkIndicatorJSON(t, nil, true)
	checkIndicatorJSON(t, []indicatorOpenRow{}, true)
	checkIndicatorJSON(t, indicatorOpenSample(), true)
	odd := map[string]func(r *indicatorOpenRow){
		"control character": func(r *indicatorOpenRow) { r.Name = "a\x01b" },
		"U+2028":            func(r *indicatorOpenRow) { r.Grade = "a\u2028" },
		"invalid UTF-8":     func(r *indicatorOpenRow) { r.URL = "\xff" },
		"tiny float":        func(r *indicatorOpenRow) { r.Bonus = 1e-7 },
		"huge float":        func(r *indicatorOpenRow) { r.Penalty = 1e21 },
		"NaN":               func(r *indicatorOpenRow) { r.Values[0].Points = new(float64); *r.Values[0].Points = math.NaN() },
	}
	for name, v := range odd {
		t.Run(name, func(t *testing.T) {
			rows := indicatorOpenSample()
			v(&rows[0])
			checkIndicatorJSON(t, rows, false)
		})
	}
}

func FuzzIndicatorJSON(f *testing.F) {
	f.Add("临沂市发展改革委", "\"\\\n\r\t<&>", 83.33, 0.5, 2, true)
	f.Add("\x00\u2028\xff", "", 1e-7, math.Inf(1), -1, false)
	f.Fuzz(func(t *testing.T, name, grade string, x, y float64, n int, b bool) {
		rows := indicatorOpenSample()
		r := &rows[0]
		r.Name, r.Grade, r.Bonus, r.Penalty, r.Closed, r.Scored = name, grade, x, y, b, !b
		r.Values[0].Num, r.Values[0].Rate, r.Values[1].Undated = n, &y, n
		if b {
			r.Base, r.Rank, r.Parent = nil, nil, ""
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		encErr := enc.Encode(rows)
		var got bytes.Buffer
		if writeIndicatorRows(&got, rows) {
			require.NoError(t, encErr)
			require.Equal(t, want.String(), got.String())
		}
	})
}

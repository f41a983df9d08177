package indicators

import (
	"strconv"
	"time"
)

// PeriodKind is a year or a quarter.
type PeriodKind string

// The period kinds.
const (
	Year    PeriodKind = "year"
	Quarter PeriodKind = "quarter"
)

var quarterNames = [...]string{"第一季度", "第二季度", "第三季度", "第四季度"}

// quarterIndex numbers quarters from year 0: 4*year + quarter-1.
func quarterIndex(d time.Time) int { return d.Year()*4 + (int(d.Month())-1)/3 }

// newPeriod returns the period of kind that starts the quarter or year
// numbered q (a quarterIndex; for years, any quarter of the year).
func newPeriod(kind PeriodKind, q int, loc *time.Location) *Period {
	year := q / 4
	p := &Period{Kind: kind}
	if kind == Year {
		p.Start = time.Date(year, 1, 1, 0, 0, 0, 0, loc)
		p.End = time.Date(year, 12, 31, 0, 0, 0, 0, loc)
		p.Key = strconv.Itoa(year)
		p.Label = strconv.Itoa(year) + "年"
		p.Short = p.Label
		return p
	}
	qi := q % 4
	p.Start = time.Date(year, time.Month(qi*3+1), 1, 0, 0, 0, 0, loc)
	p.End = p.Start.AddDate(0, 3, -1)
	p.Key = strconv.Itoa(year) + "-q" + strconv.Itoa(qi+1)
	p.Label = strconv.Itoa(year) + "年" + quarterNames[qi]
	p.Short = strconv.Itoa(year) + "Q" + strconv.Itoa(qi+1)
	return p
}

// dateOf returns t's calendar date at midnight in loc.
func dateOf(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// Package workday counts working days (工作日) in the site's zone: Monday to
// Friday, minus the statutory holidays that fall on weekdays, plus the
// weekend days the State Council's yearly notice makes working days (调休).
//
// Contract: standard library only, so both the complaint domain
// (cmd/internal/intake: the 12345 reply limits) and the build
// (generator/indicators: the 双公示 publication limit) count days with the
// same calendar. Every result is a calendar date at midnight UTC; inputs are
// instants, read as their date in the calendar's zone.
package workday

import (
	"fmt"
	"time"
)

// Calendar counts working days: Monday to Friday, minus holidays that fall
// on weekdays, plus weekend days made working days (调休).
type Calendar struct {
	loc      *time.Location
	holidays map[int]bool // dayKey
	extra    map[int]bool // dayKey
}

// New returns the calendar for loc (nil: UTC) with the configured holidays
// and extra working days, each YYYY-MM-DD; a malformed date is an error
// naming the list and the element ("holidays[2]: …").
func New(loc *time.Location, holidays, extraWorkdays []string) (*Calendar, error) {
	if loc == nil {
		loc = time.UTC
	}
	c := &Calendar{loc: loc, holidays: map[int]bool{}, extra: map[int]bool{}}
	for _, l := range []struct {
		key  string
		days []string
		into map[int]bool
	}{{"holidays", holidays, c.holidays}, {"extra_workdays", extraWorkdays, c.extra}} {
		for i, d := range l.days {
			t, err := time.Parse(time.DateOnly, d)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %q is not a date (use YYYY-MM-DD)", l.key, i, d)
			}
			l.into[dayKey(t)] = true
		}
	}
	return c, nil
}

// Location is the zone dates are counted in.
func (c *Calendar) Location() *time.Location { return c.loc }

// day returns t's calendar date in the calendar's zone, at midnight UTC, so
// stepping by 24 h never meets a daylight-saving shift.
func (c *Calendar) day(t time.Time) time.Time {
	t = t.In(c.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// IsWorkday reports whether the date of t (in the calendar's zone) is a working day.
func (c *Calendar) IsWorkday(t time.Time) bool {
	return c.isWorkday(c.day(t))
}

// dayKey numbers a date as YYYYMMDD: a cheap map key (the count of a
// province's 双公示 records asks for millions of days).
func dayKey(d time.Time) int {
	y, m, day := d.Date()
	return y*10000 + int(m)*100 + day
}

func (c *Calendar) isWorkday(d time.Time) bool {
	key := dayKey(d)
	if c.extra[key] {
		return true
	}
	if c.holidays[key] {
		return false
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the date n working days after the date of t: the day
// of receipt does not count, as in the 12345 rules. The result is a date at
// midnight UTC; compare it with Date(…).
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := c.day(t)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.isWorkday(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after the date of a up to and
// including the date of b; 0 when b is on or before a's date.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	da, db := c.day(a), c.day(b)
	n := 0
	for d := da.AddDate(0, 0, 1); !d.After(db); d = d.AddDate(0, 0, 1) {
		if c.isWorkday(d) {
			n++
		}
	}
	return n
}

// Date returns the calendar date of t in the calendar's zone, in the same
// form as AddWorkingDays returns.
func (c *Calendar) Date(t time.Time) time.Time { return c.day(t) }

package workday

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var shanghai = time.FixedZone("CST", 8*3600)

func TestAddWorkingDays(t *testing.T) {
	// 2025: 10-01..10-08 National Day (10-01..03 and 10-06..08 are weekday
	// holidays), 09-28 and 10-11 are 调休 Saturdays/Sundays worked.
	cal, err := New(shanghai, []string{"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08"}, []string{"2025-09-28", "2025-10-11"})
	require.NoError(t, err)
	plain, err := New(shanghai, nil, nil)
	require.NoError(t, err)
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation(time.DateOnly, s, shanghai)
		return d.Add(10 * time.Hour)
	}
	tests := []struct {
		name string
		cal  *Calendar
		from string
		n    int
		want string
	}{
		{"seven working days within one week and a half", plain, "2025-09-15", 7, "2025-09-24"},
		// 09-28 (调休), 09-29, 09-30, then 10-09, 10-10, 10-11 (调休), 10-13.
		{"a holiday inside the limit pushes it past the holiday", cal, "2025-09-26", 7, "2025-10-13"},
		{"the same start without holidays", plain, "2025-09-26", 7, "2025-10-07"},
		{"a 调休 Sunday counts as a working day", cal, "2025-09-26", 1, "2025-09-28"},
		{"from a holiday the next working day is after it", cal, "2025-10-01", 1, "2025-10-09"},
		{"zero days is the same date", cal, "2025-10-01", 0, "2025-10-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.AddWorkingDays(day(tt.from), tt.n)
			assert.Equal(t, tt.want, got.Format(time.DateOnly))
			assert.Equal(t, tt.n, tt.cal.WorkingDaysBetween(day(tt.from), got))
		})
	}
}

func TestNewRejectsBadDates(t *testing.T) {
	_, err := New(nil, []string{"2025-01-01", "2025-02-30"}, nil)
	assert.EqualError(t, err, `holidays[1]: "2025-02-30" is not a date (use YYYY-MM-DD)`)
	_, err = New(nil, nil, []string{"x"})
	assert.EqualError(t, err, `extra_workdays[0]: "x" is not a date (use YYYY-MM-DD)`)
	c, err := New(nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, time.UTC, c.Location())
}

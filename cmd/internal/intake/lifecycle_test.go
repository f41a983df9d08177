package intake

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	shanghai = time.FixedZone("CST", 8*3600)
	t0       = time.Date(2025, 1, 15, 10, 0, 0, 0, shanghai) // a Wednesday
)

// valid returns a complete, valid action of kind k.
func valid(k ActionKind) Action {
	a := Action{Kind: k, Actor: "李四"}
	switch k {
	case ActReject:
		a.Note = "不属于受理范围"
	case ActAssign:
		a.Assignee = "fgw"
	case ActExtend:
		a.Days, a.Note = 5, "需现场核查"
	case ActReply:
		a.Note = "已督促支付"
	case ActVisit:
		a.Satisfaction = Satisfied
	}
	return a
}

// at returns a complaint brought to status s along the loop.
func at(t *testing.T, s Status) *Complaint {
	t.Helper()
	c := &Complaint{Receipt: "TS-20250115-000001", CreatedAt: t0, Status: StatusReceived}
	c.appendEvent(Event{At: t0, Actor: "public", Type: EventReceived})
	path := map[Status][]ActionKind{
		StatusReceived: nil,
		StatusAccepted: {ActAccept},
		StatusRejected: {ActReject},
		StatusHandling: {ActAccept, ActAssign},
		StatusReplied:  {ActAccept, ActAssign, ActReply},
		StatusVisited:  {ActAccept, ActAssign, ActReply, ActVisit},
		StatusClosed:   {ActAccept, ActAssign, ActReply, ActVisit, ActClose},
	}[s]
	for _, k := range path {
		require.NoError(t, Apply(c, valid(k), t0.Add(time.Hour), 10))
	}
	require.Equal(t, s, c.Status)
	return c
}

func TestTransitions(t *testing.T) {
	all := []ActionKind{ActAccept, ActReject, ActAssign, ActExtend, ActReply, ActVisit, ActClose}
	want := map[Status]map[ActionKind]Status{
		StatusReceived: {ActAccept: StatusAccepted, ActReject: StatusRejected},
		StatusAccepted: {ActAssign: StatusHandling, ActExtend: StatusAccepted},
		StatusHandling: {ActAssign: StatusHandling, ActExtend: StatusHandling, ActReply: StatusReplied},
		StatusReplied:  {ActVisit: StatusVisited},
		StatusVisited:  {ActClose: StatusClosed},
		StatusRejected: {ActClose: StatusClosed},
		StatusClosed:   {},
	}
	for _, from := range Statuses {
		for _, k := range all {
			t.Run(fmt.Sprintf("%s/%s", from, k), func(t *testing.T) {
				c := at(t, from)
				before := c.Clone()
				err := Apply(c, valid(k), t0.Add(2*time.Hour), 10)
				to, ok := want[from][k]
				if !ok {
					require.Error(t, err)
					assert.Equal(t, ECONFLICT, ErrorCode(err))
					assert.Contains(t, err.Error(), from.Label())
					assert.Equal(t, before, c, "a refused action changes nothing")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, to, c.Status)
				assert.Len(t, c.Events, len(before.Events)+1)
				assert.Equal(t, len(c.Events), c.Events[len(c.Events)-1].Seq)
			})
		}
	}
}

func TestUnsatisfiedVisitReopens(t *testing.T) {
	c := at(t, StatusReplied)
	a := valid(ActVisit)
	a.Satisfaction = Unsatisfied
	require.NoError(t, Apply(c, a, t0.Add(3*time.Hour), 10))
	assert.Equal(t, StatusHandling, c.Status, "重办")
	assert.Equal(t, EventReopened, c.Events[len(c.Events)-1].Type)
	require.NoError(t, Apply(c, valid(ActReply), t0.Add(4*time.Hour), 10), "it can be replied to again")
}

func TestActionArguments(t *testing.T) {
	tests := []struct {
		name  string
		from  Status
		a     Action
		field string
	}{
		{"actor missing", StatusReceived, Action{Kind: ActAccept}, "actor"},
		{"reject without reason", StatusReceived, Action{Kind: ActReject, Actor: "a"}, "note"},
		{"assign without body", StatusAccepted, Action{Kind: ActAssign, Actor: "a"}, "assignee"},
		{"reply without text", StatusHandling, Action{Kind: ActReply, Actor: "a", Note: " "}, "note"},
		{"visit bad satisfaction", StatusReplied, Action{Kind: ActVisit, Actor: "a", Satisfaction: "还行"}, "satisfaction"},
		{"extend too long", StatusHandling, Action{Kind: ActExtend, Actor: "a", Days: 11, Note: "x"}, "days"},
		{"extend zero", StatusHandling, Action{Kind: ActExtend, Actor: "a", Note: "x"}, "days"},
		{"extend without reason", StatusHandling, Action{Kind: ActExtend, Actor: "a", Days: 2}, "note"},
		{"note too long", StatusHandling, Action{Kind: ActReply, Actor: "a", Note: strings.Repeat("字", NoteMax+1)}, "note"},
		{"unknown action", StatusReceived, Action{Kind: "delete", Actor: "a"}, "action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := at(t, tt.from)
			err := Apply(c, tt.a, t0, 10)
			require.Error(t, err)
			assert.Equal(t, EINVALID, ErrorCode(err))
			assert.Contains(t, ErrorFields(err), tt.field)
			assert.Equal(t, tt.from, c.Status)
		})
	}
}

func TestExtendOnlyOnce(t *testing.T) {
	c := at(t, StatusHandling)
	require.NoError(t, Apply(c, valid(ActExtend), t0, 10))
	err := Apply(c, valid(ActExtend), t0, 10)
	assert.Equal(t, ECONFLICT, ErrorCode(err))
	assert.Equal(t, 5, c.ExtensionDays)
}

func TestCalendar(t *testing.T) {
	cal, err := NewCalendar(shanghai, []string{"2025-01-20"}, []string{"2025-01-18"})
	require.NoError(t, err)
	plain, err := NewCalendar(shanghai, nil, nil)
	require.NoError(t, err)
	d := func(s string) time.Time { x, _ := time.Parse(time.DateOnly, s); return x }
	tests := []struct {
		name string
		cal  *Calendar
		from time.Time
		n    int
		want string
	}{
		{"five working days from a Wednesday", plain, t0, 5, "2025-01-22"},
		{"received on Friday", plain, time.Date(2025, 1, 17, 9, 0, 0, 0, shanghai), 1, "2025-01-20"},
		{"holiday Monday pushes it on, 调休 Saturday pulls it back", cal, t0, 5, "2025-01-22"},
		{"received late at night UTC is the next day in Shanghai", plain, time.Date(2025, 1, 14, 17, 0, 0, 0, time.UTC), 1, "2025-01-16"},
		{"zero days", plain, t0, 0, "2025-01-15"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, d(tt.want), tt.cal.AddWorkingDays(tt.from, tt.n))
			assert.Equal(t, tt.n, tt.cal.WorkingDaysBetween(tt.from, tt.cal.AddWorkingDays(tt.from, tt.n)))
		})
	}
	assert.False(t, cal.IsWorkday(time.Date(2025, 1, 20, 12, 0, 0, 0, shanghai)))
	assert.True(t, cal.IsWorkday(time.Date(2025, 1, 18, 12, 0, 0, 0, shanghai)))
	_, err = NewCalendar(shanghai, []string{"2025-13-01"}, nil)
	assert.ErrorContains(t, err, `complaints.holidays[0]: "2025-13-01" is not a date`)
}

func TestTiming(t *testing.T) {
	cal, _ := NewCalendar(shanghai, nil, nil)
	lim := Limits{ReplyWorkingDays: 5, ExtensionMaxDays: 10}
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 15, 0, 0, 0, shanghai) }
	tests := []struct {
		name  string
		now   time.Time
		level string
		left  int
	}{
		{"same day", day(2025, 1, 15), "", 5},
		{"two working days left", day(2025, 1, 20), "", 2},
		{"one working day before: yellow", day(2025, 1, 21), "yellow", 1},
		{"on the day: yellow", day(2025, 1, 22), "yellow", 0},
		{"past: red", day(2025, 1, 23), "red", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := at(t, StatusHandling)
			got := TimingOf(c, cal, lim, tt.now)
			assert.Equal(t, tt.level, got.Level)
			assert.Equal(t, tt.left, got.DaysLeft)
			assert.Equal(t, "2025-01-22", got.Due.Format(time.DateOnly))
		})
	}
	t.Run("extension moves the limit", func(t *testing.T) {
		c := at(t, StatusHandling)
		require.NoError(t, Apply(c, valid(ActExtend), t0, 10))
		got := TimingOf(c, cal, lim, day(2025, 1, 23))
		assert.Equal(t, "2025-01-29", got.Due.Format(time.DateOnly))
		assert.Equal(t, "", got.Level)
	})
	t.Run("replied late", func(t *testing.T) {
		c := at(t, StatusHandling)
		require.NoError(t, Apply(c, valid(ActReply), day(2025, 1, 24), 10))
		got := TimingOf(c, cal, lim, day(2025, 2, 1))
		assert.True(t, got.Replied)
		assert.False(t, got.RepliedInTime)
		assert.Equal(t, 7, got.DaysToReply)
		assert.Empty(t, got.Level, "a replied complaint carries no warning")
	})
}

func TestQueryCode(t *testing.T) {
	code, err := NewQueryCode()
	require.NoError(t, err)
	assert.Regexp(t, `^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$`, code)
	other, _ := NewQueryCode()
	assert.NotEqual(t, code, other)
	h, err := HashQueryCode(code)
	require.NoError(t, err)
	assert.NotContains(t, h, strings.ReplaceAll(code, "-", ""), "the code is not stored")
	assert.True(t, CheckQueryCode(code, h))
	assert.True(t, CheckQueryCode(strings.ToLower(strings.ReplaceAll(code, "-", "")), h), "case and dashes do not matter")
	assert.False(t, CheckQueryCode(other, h))
	assert.False(t, CheckQueryCode(code, "garbage"))
	h2, _ := HashQueryCode(code)
	assert.NotEqual(t, h, h2, "salted")
}

func TestReceipt(t *testing.T) {
	assert.Equal(t, "TS-20250115-000123", FormatReceipt(time.Date(2025, 1, 15, 0, 0, 0, 0, time.UTC), 123))
	assert.True(t, ValidReceipt("TS-20250115-000123"))
	for _, bad := range []string{"", "TS-2025011-000123", "ts-20250115-000123", "TS-20250115-000123x"} {
		assert.False(t, ValidReceipt(bad), bad)
	}
}

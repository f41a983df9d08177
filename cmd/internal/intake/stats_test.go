package intake

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestComputeStats(t *testing.T) {
	cal, _ := NewCalendar(shanghai, nil, nil)
	lim := Limits{ReplyWorkingDays: 5, ExtensionMaxDays: 10}
	mk := func(receipt, dept string, created time.Time, consent bool, steps ...Action) *Complaint {
		c := &Complaint{Receipt: receipt, CreatedAt: created, Department: dept, Status: StatusReceived,
			Title: "标题 13800000000", ConsentPublish: consent, Phone: "13900000000", Name: "张三"}
		c.appendEvent(Event{At: created, Type: EventReceived})
		at := created
		for _, a := range steps {
			at = at.Add(24 * time.Hour)
			if a.Kind == ActReply && a.Days > 0 { // Days here means: reply this many days after receipt
				at = created.Add(time.Duration(a.Days) * 24 * time.Hour)
				a.Days = 0
			}
			a.Actor = "x"
			require.NoError(t, Apply(c, a, at, 10))
		}
		return c
	}
	accept, assign := Action{Kind: ActAccept}, Action{Kind: ActAssign, Assignee: "fgw"}
	reply := func(afterDays int) Action {
		return Action{Kind: ActReply, Note: "张三您好：已处理，联系电话0539-8888888", Days: afterDays}
	}
	visit := func(s string) Action { return Action{Kind: ActVisit, Satisfaction: s} }
	jan := time.Date(2025, 1, 15, 10, 0, 0, 0, shanghai) // Wednesday
	feb := time.Date(2025, 2, 5, 10, 0, 0, 0, shanghai)  // Wednesday
	all := []*Complaint{
		mk("TS-20250115-000001", "fgw", jan, true, accept, assign, reply(5), visit(Satisfied)),     // 3 working days
		mk("TS-20250115-000002", "fgw", jan, false, accept, assign, reply(14), visit(Unsatisfied)), // 10 working days: late
		mk("TS-20250115-000003", "fgw", jan, false),
		mk("TS-20250205-000001", DepartmentUnknown, feb, false, accept, assign, reply(1), visit(BasicallySatisfied)),
		mk("TS-20250205-000002", "sj", feb, false),
	}
	dup := mk("TS-20250205-000003", "sj", feb, false)
	dup.DuplicateOf = "TS-20250205-000002"
	all = append(all, dup)

	st := ComputeStats(all, cal, lim, func(id string) bool { return id == "fgw" || id == "sj" })
	fgw := st.Departments["fgw"]
	assert.Equal(t, 4, fgw.Received, "the 不确定 complaint assigned to fgw counts for fgw")
	assert.Equal(t, 3, fgw.Accepted)
	assert.Equal(t, 3, fgw.Replied)
	assert.Equal(t, 2, fgw.RepliedInTime)
	assert.Equal(t, 3.0, fgw.MedianDaysToReply) // 1, 3, 10
	assert.Equal(t, 3, fgw.Visited)
	assert.Equal(t, 1, fgw.Satisfied)
	assert.Equal(t, 1, fgw.BasicallySatisfied)
	assert.Equal(t, 1, fgw.Unsatisfied)
	assert.Equal(t, 1, st.Departments["sj"].Received, "the duplicate does not count")
	assert.Equal(t, 5, st.Total.Received)
	require.Len(t, st.Monthly, 2)
	assert.Equal(t, MonthStats{Month: "2025-01", Received: 3, Replied: 2, ReplyRate: 2.0 / 3, Satisfaction: 0.5, Visited: 2}, st.Monthly[0])
	assert.Equal(t, MonthStats{Month: "2025-02", Received: 2, Replied: 1, ReplyRate: 0.5, Satisfaction: 1, Visited: 1}, st.Monthly[1])
	require.Len(t, st.Replies, 1, "only the consented reply")
	r := st.Replies[0]
	assert.Equal(t, PublicReply{Receipt: "TS-20250115-000001", Department: "fgw", AcceptedDate: "2025-01-16",
		RepliedDate: "2025-01-20", Title: "标题 ＊＊＊", Reply: "＊＊＊您好：已处理，联系电话＊＊＊"}, r)

	// Facts: one per complaint (not the duplicate), dates only.
	require.Len(t, st.Facts, 5)
	date := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	late := st.Facts[1]
	assert.Equal(t, "fgw", late.Department)
	assert.Equal(t, date(2025, 1, 22), late.ReplyDue, "five working days after Wednesday 15 January")
	assert.Equal(t, jan.Add(14*24*time.Hour), late.Replied)
	require.Len(t, late.Visits, 1)
	assert.Equal(t, Unsatisfied, late.Visits[0].Satisfaction)
	open := st.Facts[2]
	assert.True(t, open.Replied.IsZero())
	assert.Equal(t, date(2025, 1, 22), open.ReplyDue, "an unanswered complaint still owes its reply")
	assert.Empty(t, open.Visits)
	assert.Equal(t, "fgw", st.Facts[3].Department, "the 不确定 complaint is charged to the body it was assigned to")
}

func TestFactReopenedAndRejected(t *testing.T) {
	cal, _ := NewCalendar(shanghai, nil, nil)
	lim := Limits{ReplyWorkingDays: 5, ExtensionMaxDays: 10}
	created := time.Date(2025, 1, 15, 10, 0, 0, 0, shanghai)
	c := &Complaint{Receipt: "TS-20250115-000009", CreatedAt: created, Department: "fgw", Status: StatusReceived}
	c.appendEvent(Event{At: created, Type: EventReceived})
	at := created
	for _, a := range []Action{{Kind: ActAccept}, {Kind: ActAssign, Assignee: "fgw"}, {Kind: ActExtend, Days: 3, Note: "需现场核实"},
		{Kind: ActReply, Note: "已办理"}, {Kind: ActVisit, Satisfaction: Unsatisfied}} {
		at = at.Add(24 * time.Hour)
		a.Actor = "x"
		require.NoError(t, Apply(c, a, at, 10))
	}
	rejected := &Complaint{Receipt: "TS-20250115-000010", CreatedAt: created, Department: "fgw", Status: StatusReceived}
	rejected.appendEvent(Event{At: created, Type: EventReceived})
	require.NoError(t, Apply(rejected, Action{Kind: ActReject, Note: "不属于受理范围", Actor: "x"}, created.Add(time.Hour), 10))

	st := ComputeStats([]*Complaint{c, rejected}, cal, lim, func(string) bool { return true })
	require.Len(t, st.Facts, 2)
	f := st.Facts[0]
	assert.Equal(t, time.Date(2025, 1, 27, 0, 0, 0, 0, time.UTC), f.ReplyDue, "5 + 3 working days: the extension came before the reply")
	require.Len(t, f.Reopened, 1)
	assert.Equal(t, created.Add(5*24*time.Hour), f.Reopened[0], "不满意 sends it back at once")
	require.Len(t, f.Visits, 1)
	assert.True(t, st.Facts[1].ReplyDue.IsZero(), "a rejected complaint owes no reply")
}

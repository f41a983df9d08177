package intake

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ActionKind names a staff action on a complaint.
type ActionKind string

// The staff actions, one per CLI subcommand and admin API verb.
const (
	ActAccept ActionKind = "accept" // 受理
	ActReject ActionKind = "reject" // 不予受理 (reason required)
	ActAssign ActionKind = "assign" // 转办 to a body (assignee required); also reassigns
	ActExtend ActionKind = "extend" // 延期, once, at most the configured working days
	ActReply  ActionKind = "reply"  // 答复 (reply text required)
	ActVisit  ActionKind = "visit"  // 回访 (satisfaction required); 不满意 reopens it
	ActClose  ActionKind = "close"  // 办结
)

var actionLabels = map[ActionKind]string{
	ActAccept: "受理", ActReject: "不予受理", ActAssign: "转办", ActExtend: "延期",
	ActReply: "答复", ActVisit: "回访", ActClose: "办结",
}

// Label is the Chinese name of k.
func (k ActionKind) Label() string { return actionLabels[k] }

// allowed lists the actions each status allows, in loop order.
var allowed = map[Status][]ActionKind{
	StatusReceived: {ActAccept, ActReject},
	StatusAccepted: {ActAssign, ActExtend},
	StatusHandling: {ActAssign, ActExtend, ActReply},
	StatusReplied:  {ActVisit},
	StatusVisited:  {ActClose},
	StatusRejected: {ActClose},
	StatusClosed:   nil,
}

// Allowed returns the actions allowed from status s.
func Allowed(s Status) []ActionKind { return allowed[s] }

// Action is one staff action and its arguments.
type Action struct {
	Kind         ActionKind `json:"action"`
	Actor        string     `json:"actor"`        // staff name, required
	Note         string     `json:"note"`         // reject reason, reply text, extension reason, close note
	Assignee     string     `json:"assignee"`     // for assign
	Satisfaction string     `json:"satisfaction"` // for visit
	Days         int        `json:"days"`         // for extend
}

// NoteMax bounds reply and reason texts.
const NoteMax = 5000

// Apply moves c along the loop by a at time now, appending events; any
// transition the loop does not allow is an ECONFLICT error saying what is
// allowed, and a missing argument an EINVALID error naming it. maxExtension
// is the configured extension limit in working days. c is unchanged on error.
func Apply(c *Complaint, a Action, now time.Time, maxExtension int) error {
	label := a.Kind.Label()
	if label == "" {
		kinds := make([]string, 0, len(actionLabels))
		for _, k := range []ActionKind{ActAccept, ActReject, ActAssign, ActExtend, ActReply, ActVisit, ActClose} {
			kinds = append(kinds, string(k))
		}
		return &Error{Code: EINVALID, Message: "未知操作", Fields: map[string]string{"action": fmt.Sprintf("未知操作 %q（可选：%s）", a.Kind, strings.Join(kinds, ", "))}}
	}
	ok := false
	for _, k := range allowed[c.Status] {
		ok = ok || k == a.Kind
	}
	if !ok {
		var can []string
		for _, k := range allowed[c.Status] {
			can = append(can, k.Label()+"("+string(k)+")")
		}
		next := "无（已办结）"
		if len(can) > 0 {
			next = strings.Join(can, "、")
		}
		return Errorf(ECONFLICT, "投诉 %s 当前状态为“%s”，不能%s；当前可执行：%s", c.Receipt, c.Status.Label(), label, next)
	}
	a.Actor = strings.TrimSpace(a.Actor)
	a.Note = strings.TrimSpace(a.Note)
	a.Assignee = strings.TrimSpace(a.Assignee)
	bad := map[string]string{}
	if a.Actor == "" {
		bad["actor"] = "请注明操作人"
	}
	if utf8.RuneCountInString(a.Note) > NoteMax {
		bad["note"] = fmt.Sprintf("内容过长（最多 %d 个字符）", NoteMax)
	}
	ev := Event{At: now, Actor: a.Actor}
	next := c.Status
	switch a.Kind {
	case ActAccept:
		ev.Type, ev.Note, next = EventAccepted, a.Note, StatusAccepted
	case ActReject:
		if a.Note == "" {
			bad["note"] = "不予受理须说明理由"
		}
		ev.Type, ev.Note, next = EventRejected, a.Note, StatusRejected
	case ActAssign:
		if a.Assignee == "" {
			bad["assignee"] = "请指定承办单位"
		}
		ev.Type, ev.Assignee, ev.Note, next = EventAssigned, a.Assignee, a.Note, StatusHandling
	case ActExtend:
		if _, done := c.First(EventExtended); done {
			return Errorf(ECONFLICT, "投诉 %s 已延期过一次，按规定只能延期一次", c.Receipt)
		}
		if a.Days < 1 || a.Days > maxExtension {
			bad["days"] = fmt.Sprintf("延期天数须为 1–%d 个工作日", maxExtension)
		}
		if a.Note == "" {
			bad["note"] = "延期须说明理由"
		}
		ev.Type, ev.Days, ev.Note = EventExtended, a.Days, a.Note
	case ActReply:
		if a.Note == "" {
			bad["note"] = "请填写答复内容"
		}
		ev.Type, ev.Note, next = EventReplied, a.Note, StatusReplied
	case ActVisit:
		valid := false
		for _, s := range Satisfactions {
			valid = valid || s == a.Satisfaction
		}
		if !valid {
			bad["satisfaction"] = "回访满意度须为：" + strings.Join(Satisfactions, "、")
		}
		ev.Type, ev.Satisfaction, ev.Note, next = EventVisited, a.Satisfaction, a.Note, StatusVisited
	case ActClose:
		ev.Type, ev.Note, next = EventClosed, a.Note, StatusClosed
	}
	if len(bad) > 0 {
		return &Error{Code: EINVALID, Message: label + "所需信息不完整", Fields: bad}
	}
	c.appendEvent(ev)
	c.Status = next
	switch a.Kind {
	case ActAssign:
		c.Assignee = a.Assignee
	case ActExtend:
		c.ExtensionDays = a.Days
	case ActVisit:
		if a.Satisfaction == Unsatisfied {
			// 重办: an unsatisfied complainant sends it back to the body handling it.
			c.appendEvent(Event{At: now, Actor: a.Actor, Type: EventReopened, Assignee: c.Assignee, Note: "回访不满意，重新办理"})
			c.Status = StatusHandling
		}
	}
	return nil
}

func (c *Complaint) appendEvent(e Event) {
	e.Seq = len(c.Events) + 1
	c.Events = append(c.Events, e)
}

// Timing is a complaint's time limit as of a moment.
type Timing struct {
	Due      time.Time // the reply limit (a date, see Calendar.Date); zero when it no longer applies
	Level    string    // "" on time, "yellow" one working day or less before Due, "red" past Due
	DaysLeft int       // working days left until Due (0 on the day); negative past it
	// First reply, for the published figures.
	Replied        bool
	RepliedInTime  bool
	DaysToReply    int // working days from receipt to the first reply
	FirstRepliedAt time.Time
}

// Limits are the configured 12345 time limits.
type Limits struct {
	ReplyWorkingDays int // default 5
	ExtensionMaxDays int // default 10
}

// TimingOf computes c's time limit as of now: the reply is due ReplyWorkingDays
// working days after receipt (plus any extension); after 重办 the clock starts
// again from the reopening. Rejected and closed complaints carry no warning.
func TimingOf(c *Complaint, cal *Calendar, lim Limits, now time.Time) Timing {
	var t Timing
	if first, ok := c.First(EventReplied); ok {
		t.Replied = true
		t.FirstRepliedAt = first.At
		t.DaysToReply = cal.WorkingDaysBetween(c.CreatedAt, first.At)
		firstDue := cal.AddWorkingDays(c.CreatedAt, lim.ReplyWorkingDays+extensionBefore(c, first.Seq))
		t.RepliedInTime = !cal.Date(first.At).After(firstDue)
	}
	switch c.Status {
	case StatusReceived, StatusAccepted, StatusHandling:
	default:
		return t
	}
	start := c.CreatedAt
	if e, ok := c.Last(EventReopened); ok {
		start = e.At
	}
	t.Due = cal.AddWorkingDays(start, lim.ReplyWorkingDays+c.ExtensionDays)
	today := cal.Date(now)
	switch {
	case today.After(t.Due):
		t.Level = "red"
		t.DaysLeft = -cal.WorkingDaysBetween(t.Due, today)
	default:
		t.DaysLeft = cal.WorkingDaysBetween(today, t.Due)
		if t.DaysLeft <= 1 {
			t.Level = "yellow"
		}
	}
	return t
}

// extensionBefore is the extension granted before event seq.
func extensionBefore(c *Complaint, seq int) int {
	for _, e := range c.Events {
		if e.Seq < seq && e.Type == EventExtended {
			return e.Days
		}
	}
	return 0
}

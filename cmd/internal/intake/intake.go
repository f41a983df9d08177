// Package intake is portal's complaint domain: what a complaint is, how it is
// validated, the 12345 loop it moves through, its time limits in working days,
// and the Store every database backend implements.
//
// Contract:
//   - intake imports only the standard library; stores live in sub-packages
//     (sqlite, postgres) and are chosen by cmd.
//   - A Submission is validated field by field (Validate returns every bad
//     field with a Chinese message); a valid one becomes a Complaint with a
//     receipt number TS-YYYYMMDD-NNNNNN (per-day sequence, the date in the
//     site's zone) and a random query code that is returned once and stored
//     only as a hash, compared in constant time.
//   - Service.Submit returns only after the Store has committed the complaint
//     durably; an acknowledged complaint is never lost.
//   - History is append-only: every change is an Event. Apply refuses any
//     transition the loop does not allow, with a coded error saying what is
//     allowed from the current status.
//   - Nothing personal (name, phone, email, description) leaves through
//     PublicStatus, Stats or Error messages.
package intake

import "time"

// Status is where a complaint stands in the 12345 loop.
type Status string

// The statuses, in loop order.
const (
	StatusReceived Status = "received" // 已接收
	StatusAccepted Status = "accepted" // 已受理
	StatusRejected Status = "rejected" // 不予受理
	StatusHandling Status = "handling" // 办理中
	StatusReplied  Status = "replied"  // 已答复
	StatusVisited  Status = "visited"  // 已回访
	StatusClosed   Status = "closed"   // 已办结
)

// Statuses lists every status in loop order.
var Statuses = []Status{StatusReceived, StatusAccepted, StatusRejected, StatusHandling, StatusReplied, StatusVisited, StatusClosed}

var statusLabels = map[Status]string{
	StatusReceived: "已接收",
	StatusAccepted: "已受理",
	StatusRejected: "不予受理",
	StatusHandling: "办理中",
	StatusReplied:  "已答复",
	StatusVisited:  "已回访",
	StatusClosed:   "已办结",
}

// Label is the Chinese name of s.
func (s Status) Label() string { return statusLabels[s] }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Categories are the complaint categories a submission may name. 网站纠错
// is where 我为政府网站找错 leads (an error on this website); 其他 stays last.
var Categories = []string{"承诺未兑现", "政策不兑现", "违约毁约", "拖欠账款", "新官不理旧账", "失信被执行", "异议申诉", "网站纠错", "其他"}

// CategoryObjection is the category of an objection to a published record;
// it needs a related record and an objection reason.
const CategoryObjection = "异议申诉"

// ObjectionReasons are the reasons an objection (异议申诉) may give.
var ObjectionReasons = []string{"信息错误", "遗漏", "重复公示", "不应公示", "超期公示"}

// DepartmentUnknown is the target department a complainant may choose when
// they do not know which body is responsible.
const DepartmentUnknown = "不确定"

// Satisfaction values of a return visit (回访).
const (
	Satisfied          = "满意"
	BasicallySatisfied = "基本满意"
	Unsatisfied        = "不满意"
)

// Satisfactions lists the allowed satisfaction values.
var Satisfactions = []string{Satisfied, BasicallySatisfied, Unsatisfied}

// Complaint is one complaint as stored.
type Complaint struct {
	Receipt   string    // TS-YYYYMMDD-NNNNNN
	CreatedAt time.Time // when it was received (UTC in stores; shown in the site zone)

	Category        string
	Department      string // registry id or DepartmentUnknown
	RelatedID       string // related commitment or disclosure id, optional
	ObjectionReason string // for 异议申诉 only
	Title           string
	Description     string

	Name           string // personal data: never published
	Phone          string // personal data: never published
	Email          string // personal data: never published
	EnterpriseName string // for a complaint made by an enterprise
	CreditCode     string // the enterprise's 统一社会信用代码
	Anonymous      bool   // the complainant asks that staff not disclose their identity to the body concerned
	ConsentPublish bool   // the reply may be published (without personal data)

	Status        Status
	Assignee      string // the body handling it (registry id or name), set by assign
	ExtensionDays int    // working days granted by the one allowed extension
	DuplicateOf   string // receipt of an identical submission within 24 h, if any
	QueryHash     string // hex SHA-256 of the query code; the code itself is never stored
	Fingerprint   string // hash of the normalised content, for duplicate detection

	Events      []Event      // append-only history, oldest first
	Notes       []Note       // internal notes, oldest first; staff only
	Attachments []Attachment // the files sent with it (without Data, except on Create)
	ClosedAt    time.Time    // when it was closed (办结); zero while open
	ErasedAt    time.Time    // when its personal data was erased (retention); zero if not
}

// EventType names what happened; most are the status entered.
type EventType string

// The event types.
const (
	EventReceived EventType = "received"
	EventAccepted EventType = "accepted"
	EventRejected EventType = "rejected"
	EventAssigned EventType = "handling" // assigned to a body (or reassigned)
	EventExtended EventType = "extended" // the one time-limit extension
	EventReplied  EventType = "replied"
	EventVisited  EventType = "visited"
	EventReopened EventType = "reopened" // 重办 after 不满意
	EventClosed   EventType = "closed"
)

var eventLabels = map[EventType]string{
	EventReceived: "已接收",
	EventAccepted: "已受理",
	EventRejected: "不予受理",
	EventAssigned: "转办至承办单位",
	EventExtended: "延期办理",
	EventReplied:  "已答复",
	EventVisited:  "已回访",
	EventReopened: "重新办理",
	EventClosed:   "已办结",
}

// Label is the Chinese name of t.
func (t EventType) Label() string { return eventLabels[t] }

// Event is one entry of a complaint's history.
type Event struct {
	Seq          int // 1-based position in the history
	At           time.Time
	Actor        string // who did it: "public" for the submission, else a staff name
	Type         EventType
	Note         string // rejection reason, reply text, extension reason, close note
	Assignee     string // for EventAssigned
	Satisfaction string // for EventVisited
	Days         int    // for EventExtended: working days granted
}

// Clone returns a deep copy of c, so callers may mutate it freely.
func (c *Complaint) Clone() *Complaint {
	cc := *c
	cc.Events = append([]Event(nil), c.Events...)
	cc.Notes = append([]Note(nil), c.Notes...)
	cc.Attachments = append([]Attachment(nil), c.Attachments...)
	return &cc
}

// Last returns the newest event of type t and true, or false if none.
func (c *Complaint) Last(t EventType) (Event, bool) {
	for i := len(c.Events) - 1; i >= 0; i-- {
		if c.Events[i].Type == t {
			return c.Events[i], true
		}
	}
	return Event{}, false
}

// First returns the oldest event of type t and true, or false if none.
func (c *Complaint) First(t EventType) (Event, bool) {
	for _, e := range c.Events {
		if e.Type == t {
			return e, true
		}
	}
	return Event{}, false
}

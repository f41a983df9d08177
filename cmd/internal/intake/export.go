package intake

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
)

// StaffRecord is a complaint as staff see it (CLI, admin API, export for the
// 12345 platform): every field, the history and the time limit. It carries
// personal data: it never goes to public output or logs.
type StaffRecord struct {
	Receipt         string       `json:"receipt"`
	CreatedAt       time.Time    `json:"created_at"`
	Category        string       `json:"category"`
	Department      string       `json:"department"`
	DepartmentName  string       `json:"department_name"`
	RelatedID       string       `json:"related_id,omitempty"`
	ObjectionReason string       `json:"objection_reason,omitempty"`
	Title           string       `json:"title"`
	Description     string       `json:"description"`
	Name            string       `json:"name"`
	Phone           string       `json:"phone"`
	Email           string       `json:"email,omitempty"`
	EnterpriseName  string       `json:"enterprise_name,omitempty"`
	CreditCode      string       `json:"credit_code,omitempty"`
	Anonymous       bool         `json:"anonymous"`
	ConsentPublish  bool         `json:"consent_publish"`
	Status          Status       `json:"status"`
	StatusLabel     string       `json:"status_label"`
	Assignee        string       `json:"assignee,omitempty"`
	AssigneeName    string       `json:"assignee_name,omitempty"`
	ExtensionDays   int          `json:"extension_days,omitempty"`
	DuplicateOf     string       `json:"duplicate_of,omitempty"`
	ReplyDue        string       `json:"reply_due,omitempty"`
	Warning         string       `json:"warning,omitempty"`
	Erased          bool         `json:"erased,omitempty"` // personal data erased after the retention period
	Allowed         []ActionKind `json:"allowed_actions"`
	Events          []StaffEvent `json:"events"`
	Notes           []StaffNote  `json:"notes,omitempty"`
	Attachments     []StaffFile  `json:"attachments,omitempty"`
}

// StaffNote is an internal note as staff see it.
type StaffNote struct {
	Seq   int       `json:"seq"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Text  string    `json:"text"`
}

// StaffFile is an attachment's description (the file is fetched apart).
type StaffFile struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Type   string `json:"type"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// StaffEvent is one history entry with its actor.
type StaffEvent struct {
	Seq          int       `json:"seq"`
	At           time.Time `json:"at"`
	Actor        string    `json:"actor"`
	Type         EventType `json:"type"`
	Label        string    `json:"label"`
	Note         string    `json:"note,omitempty"`
	Assignee     string    `json:"assignee,omitempty"`
	Satisfaction string    `json:"satisfaction,omitempty"`
	Days         int       `json:"days,omitempty"`
}

// Staff returns the staff view of c as of now.
func (s *Service) Staff(c *Complaint) StaffRecord {
	t := s.Timing(c)
	loc := s.cal.Location()
	r := StaffRecord{
		Receipt: c.Receipt, CreatedAt: c.CreatedAt.In(loc), Category: c.Category, Department: c.Department,
		DepartmentName: s.DepartmentName(c.Department), RelatedID: c.RelatedID, ObjectionReason: c.ObjectionReason,
		Title: c.Title, Description: c.Description, Name: c.Name, Phone: c.Phone, Email: c.Email,
		EnterpriseName: c.EnterpriseName, CreditCode: c.CreditCode, Erased: !c.ErasedAt.IsZero(),
		Anonymous: c.Anonymous, ConsentPublish: c.ConsentPublish, Status: c.Status, StatusLabel: c.Status.Label(),
		Assignee: c.Assignee, AssigneeName: s.DepartmentName(c.Assignee), ExtensionDays: c.ExtensionDays, DuplicateOf: c.DuplicateOf, Warning: t.Level,
		Allowed: Allowed(c.Status), Events: []StaffEvent{},
	}
	if r.Allowed == nil {
		r.Allowed = []ActionKind{}
	}
	if !t.Due.IsZero() {
		r.ReplyDue = t.Due.Format(time.DateOnly)
	}
	for _, e := range c.Events {
		r.Events = append(r.Events, StaffEvent{Seq: e.Seq, At: e.At.In(loc), Actor: e.Actor, Type: e.Type, Label: e.Type.Label(),
			Note: e.Note, Assignee: e.Assignee, Satisfaction: e.Satisfaction, Days: e.Days})
	}
	for _, n := range c.Notes {
		r.Notes = append(r.Notes, StaffNote{Seq: n.Seq, At: n.At.In(loc), Actor: n.Actor, Text: n.Text})
	}
	for _, a := range c.Attachments {
		r.Attachments = append(r.Attachments, StaffFile{ID: a.ID, Name: a.Name, Type: a.Type, Size: a.Size, SHA256: a.SHA256})
	}
	return r
}

// WriteJSON writes records as a JSON array.
func WriteJSON(w io.Writer, records []StaffRecord) error {
	if records == nil {
		records = []StaffRecord{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(records)
}

// CSVHeader is the export's header row (Chinese, as the 12345 platform's
// import sheets name the columns).
var CSVHeader = []string{"受理编号", "登记时间", "投诉类别", "被投诉单位", "关联事项", "异议理由", "标题", "投诉内容",
	"联系人", "联系电话", "电子邮箱", "企业名称", "统一社会信用代码", "匿名", "同意公开答复", "状态", "承办单位", "延期工作日", "重复件", "答复期限", "预警",
	"受理时间", "答复时间", "答复内容", "回访满意度", "办结时间"}

// WriteCSV writes records as CSV with CSVHeader, one row per complaint.
// Cells that a spreadsheet would run as a formula are prefixed with '.
func WriteCSV(w io.Writer, records []StaffRecord) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	yes := func(b bool) string {
		if b {
			return "是"
		}
		return "否"
	}
	for _, r := range records {
		var accepted, replied, reply, satisfaction, closed string
		for _, e := range r.Events {
			at := e.At.Format("2006-01-02 15:04:05")
			switch e.Type {
			case EventAccepted:
				accepted = at
			case EventReplied:
				replied, reply = at, e.Note
			case EventVisited:
				satisfaction = e.Satisfaction
			case EventClosed:
				closed = at
			}
		}
		row := []string{r.Receipt, r.CreatedAt.Format("2006-01-02 15:04:05"), r.Category, r.DepartmentName, r.RelatedID,
			r.ObjectionReason, r.Title, r.Description, r.Name, r.Phone, r.Email, r.EnterpriseName, r.CreditCode, yes(r.Anonymous), yes(r.ConsentPublish),
			r.StatusLabel, r.AssigneeName, strconv.Itoa(r.ExtensionDays), r.DuplicateOf, r.ReplyDue, r.Warning,
			accepted, replied, reply, satisfaction, closed}
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && i != 0 {
				row[i] = "'" + cell
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteAuditCSV writes audit entries as CSV with AuditCSVHeader, times in loc.
func WriteAuditCSV(w io.Writer, entries []AuditEntry, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(AuditCSVHeader); err != nil {
		return err
	}
	for _, e := range entries {
		row := []string{strconv.FormatInt(e.Seq, 10), e.At.In(loc).Format("2006-01-02 15:04:05"), e.Login, e.Addr, e.Action,
			AuditLabel(e.Action), e.Receipt, e.Detail}
		for i, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && i != 0 {
				row[i] = "'" + cell
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

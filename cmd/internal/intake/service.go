package intake

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Store keeps complaints, their attachments and internal notes, staff
// accounts and sessions, and the audit trail, in one database. Every method
// is safe for concurrent use; every write is committed durably (synced)
// before it returns.
type Store interface {
	// Create stores a new complaint, its first event and its attachments
	// (with their Data). It assigns the receipt number (the next of day's
	// sequence, see FormatReceipt) and sets DuplicateOf when a complaint
	// with the same Fingerprint was created at or after dupSince.
	Create(ctx context.Context, c *Complaint, day time.Time, dupSince time.Time) error
	// Get returns a complaint with its events, notes and attachments
	// (without Data), or an ENOTFOUND error.
	Get(ctx context.Context, receipt string) (*Complaint, error)
	// Update loads a complaint, lets fn change it (appending events and
	// notes only), and stores the new events, notes and columns, and the
	// audit entries, in one transaction. fn's error aborts the change and
	// is returned as is. Entering StatusClosed sets ClosedAt.
	Update(ctx context.Context, receipt string, fn func(*Complaint) error, audit ...AuditEntry) (*Complaint, error)
	// List returns complaints matching f, oldest first, with their events.
	List(ctx context.Context, f Filter) ([]*Complaint, error)
	// Attachment returns one attachment with its Data, or ENOTFOUND.
	Attachment(ctx context.Context, receipt string, id int) (*Attachment, error)
	// ClosedBefore returns the receipts of complaints closed before t whose
	// personal data is not yet erased, oldest first, at most limit.
	ClosedBefore(ctx context.Context, t time.Time, limit int) ([]string, error)
	// Erase blanks a closed complaint's personal data (name, phone, e-mail,
	// enterprise name and code, fingerprint) and deletes its attachments,
	// sets ErasedAt, and appends audit, in one transaction. It reports false
	// when there was nothing to erase (already erased, or not closed).
	Erase(ctx context.Context, receipt string, at time.Time, audit AuditEntry) (bool, error)

	AccountStore

	// AppendAudit adds entries to the append-only audit trail.
	AppendAudit(ctx context.Context, entries ...AuditEntry) error
	// ListAudit returns audit entries matching f, newest first.
	ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
	Close() error
}

// AccountStore keeps staff accounts and their sessions.
type AccountStore interface {
	// CreateAccount stores a new account (and the audit entries); a login
	// already taken is ECONFLICT.
	CreateAccount(ctx context.Context, a *Account, audit ...AuditEntry) error
	// GetAccount returns an account or ENOTFOUND.
	GetAccount(ctx context.Context, login string) (*Account, error)
	// ListAccounts returns every account, by login.
	ListAccounts(ctx context.Context) ([]*Account, error)
	// UpdateAccount loads an account, lets fn change it and stores it with
	// the audit entries in one transaction; fn's error aborts.
	UpdateAccount(ctx context.Context, login string, fn func(*Account) error, audit ...AuditEntry) (*Account, error)
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s *Session) error
	// GetSession returns a session by ID or ENOTFOUND.
	GetSession(ctx context.Context, id string) (*Session, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, id string, at time.Time) error
	// DeleteSession ends one session (no error if it is gone).
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessions ends every session of a login.
	DeleteSessions(ctx context.Context, login string) error
	// DeleteStaleSessions removes sessions idle since before idle or
	// created before created, and says how many.
	DeleteStaleSessions(ctx context.Context, idle, created time.Time) (int, error)
}

// Filter selects complaints for List. Zero fields match everything.
type Filter struct {
	Status     Status
	Open       bool   // only complaints not yet closed (办结)
	Department string // the body complained about or the one handling it
	Assignee   string // only complaints assigned to this body
	Category   string
	Text       string    // words (separated by spaces) that must all appear in the receipt, title, text, related id or enterprise
	Since      time.Time // created at or after
	Until      time.Time // created before
	Limit      int       // 0: no limit
}

// Department is a registry body complaints may target.
type Department struct {
	ID   string
	Name string
}

// Config wires a Service.
type Config struct {
	Store       Store
	Calendar    *Calendar    // nil: weekdays in UTC, no holidays
	Limits      Limits       // zero fields take the 12345 defaults (5, 10)
	Departments []Department // the registry, in display order
	// CreditCode checks a 统一社会信用代码 (GB 32100-2015), as the content
	// loader does; nil checks only its length.
	CreditCode func(code string) error
	// RetentionDays is how many days after closing (办结) a complaint's
	// personal data is erased; 0 takes DefaultRetentionDays.
	RetentionDays int
	Now           func() time.Time
}

// DefaultRetentionDays is the retention period when none is configured.
const DefaultRetentionDays = 365

// Service is complaint intake: submission, status lookup, staff actions and
// figures over a Store.
type Service struct {
	store Store
	cal   *Calendar
	lim   Limits
	deps  []Department
	names map[string]string
	now   func() time.Time
	code  func(string) error
	keep  int
}

// DuplicateWindow is how far back an identical submission counts as a duplicate.
const DuplicateWindow = 24 * time.Hour

// NewService returns the service for cfg.
func NewService(cfg Config) *Service {
	s := &Service{store: cfg.Store, cal: cfg.Calendar, lim: cfg.Limits, deps: cfg.Departments, names: map[string]string{}, now: cfg.Now,
		code: cfg.CreditCode, keep: cfg.RetentionDays}
	if s.keep <= 0 {
		s.keep = DefaultRetentionDays
	}
	if s.cal == nil {
		s.cal, _ = NewCalendar(time.UTC, nil, nil)
	}
	if s.lim.ReplyWorkingDays <= 0 {
		s.lim.ReplyWorkingDays = 5
	}
	if s.lim.ExtensionMaxDays <= 0 {
		s.lim.ExtensionMaxDays = 10
	}
	if s.now == nil {
		s.now = time.Now
	}
	for _, d := range cfg.Departments {
		s.names[d.ID] = d.Name
	}
	return s
}

// Departments returns the registry complaints may target.
func (s *Service) Departments() []Department { return s.deps }

// Calendar is the working-day calendar in use.
func (s *Service) Calendar() *Calendar { return s.cal }

// Limits are the time limits in use.
func (s *Service) Limits() Limits { return s.lim }

// Known reports whether id is a registry department.
func (s *Service) Known(id string) bool { _, ok := s.names[id]; return ok }

// RetentionDays is how long personal data is kept after closing.
func (s *Service) RetentionDays() int { return s.keep }

// DepartmentName returns the Chinese name of a registry id, or id itself.
func (s *Service) DepartmentName(id string) string {
	if n, ok := s.names[id]; ok {
		return n
	}
	return id
}

// Receipt is what a complainant gets back: the receipt number and the query
// code (shown this once; only its hash is kept).
type Receipt struct {
	Receipt     string    `json:"receipt"`
	QueryCode   string    `json:"query_code"`
	Status      Status    `json:"status"`
	DuplicateOf string    `json:"duplicate_of,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	Due         string    `json:"reply_due"` // YYYY-MM-DD
}

// Submit validates sub and stores it durably; it returns only once the
// complaint is committed.
func (s *Service) Submit(ctx context.Context, sub Submission) (Receipt, error) {
	// API clients may name the body instead of giving its registry id.
	for _, d := range s.deps {
		if d.Name != "" && strings.TrimSpace(sub.Department) == d.Name {
			sub.Department = d.ID
		}
	}
	sub, err := Validate(sub, s.Known, s.code)
	if err != nil {
		return Receipt{}, err
	}
	code, err := NewQueryCode()
	if err != nil {
		return Receipt{}, err
	}
	hash, err := HashQueryCode(code)
	if err != nil {
		return Receipt{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond) // both stores keep microseconds
	c := &Complaint{
		CreatedAt:       now,
		Category:        sub.Category,
		Department:      sub.Department,
		RelatedID:       sub.RelatedID,
		ObjectionReason: sub.ObjectionReason,
		Title:           sub.Title,
		Description:     sub.Description,
		Name:            sub.Name,
		Phone:           sub.Phone,
		Email:           sub.Email,
		EnterpriseName:  sub.EnterpriseName,
		CreditCode:      sub.CreditCode,
		Anonymous:       sub.Anonymous,
		ConsentPublish:  sub.ConsentPublish,
		Status:          StatusReceived,
		QueryHash:       hash,
		Fingerprint:     Fingerprint(sub),
	}
	for i, a := range sub.Attachments {
		a.ID = i + 1
		c.Attachments = append(c.Attachments, a)
	}
	c.appendEvent(Event{At: now, Actor: "public", Type: EventReceived})
	if err := s.store.Create(ctx, c, s.cal.Date(now), now.Add(-DuplicateWindow)); err != nil {
		return Receipt{}, Outage(s.store, fmt.Errorf("store complaint: %w", err))
	}
	return Receipt{
		Receipt: c.Receipt, QueryCode: code, Status: c.Status, DuplicateOf: c.DuplicateOf,
		CreatedAt: now, Due: TimingOf(c, s.cal, s.lim, now).Due.Format(time.DateOnly),
	}, nil
}

// PublicStatus is what a complainant sees with their query code: no name,
// phone, email or description.
type PublicStatus struct {
	Receipt     string        `json:"receipt"`
	Category    string        `json:"category"`
	Department  string        `json:"department"` // Chinese name
	Title       string        `json:"title"`
	Status      Status        `json:"status"`
	StatusLabel string        `json:"status_label"`
	Received    string        `json:"received"`            // YYYY-MM-DD HH:MM in the site zone
	Due         string        `json:"reply_due,omitempty"` // YYYY-MM-DD while a reply is due
	Warning     string        `json:"warning,omitempty"`   // yellow | red
	Duplicate   bool          `json:"duplicate,omitempty"`
	Attachments []PublicFile  `json:"attachments,omitempty"` // what was received, without file names
	Enterprise  bool          `json:"enterprise,omitempty"`  // made in an enterprise's name
	Timeline    []PublicEvent `json:"timeline"`
}

// PublicFile is an attachment as the complainant sees it on the receipt
// and status pages: its type and size (names may carry personal data).
type PublicFile struct {
	Type string `json:"type"` // PDF | JPEG | PNG
	Size string `json:"size"` // e.g. 1.2 MB
}

// PublicEvent is one timeline entry as the complainant sees it: staff names
// are internal and left out.
type PublicEvent struct {
	Time         string `json:"time"` // YYYY-MM-DD HH:MM in the site zone
	Type         string `json:"type"`
	Label        string `json:"label"`
	Note         string `json:"note,omitempty"` // reply text, rejection or extension reason
	Assignee     string `json:"assignee,omitempty"`
	Satisfaction string `json:"satisfaction,omitempty"`
	Days         int    `json:"days,omitempty"`
}

// Status returns the public view of a complaint when code matches; a wrong
// code and a missing receipt give the same ENOTFOUND error.
func (s *Service) Status(ctx context.Context, receipt, code string) (*PublicStatus, error) {
	receipt = strings.ToUpper(strings.TrimSpace(receipt))
	if !ValidReceipt(receipt) {
		return nil, errNotFound()
	}
	c, err := s.store.Get(ctx, receipt)
	if ErrorCode(err) == ENOTFOUND {
		// Hash anyway so a miss costs the same time as a wrong code.
		CheckQueryCode(code, "00:00")
		return nil, errNotFound()
	}
	if err != nil {
		return nil, Outage(s.store, err)
	}
	if !CheckQueryCode(code, c.QueryHash) {
		return nil, errNotFound()
	}
	return s.Public(c), nil
}

// Public returns the personal-data-free view of c.
func (s *Service) Public(c *Complaint) *PublicStatus {
	loc := s.cal.Location()
	t := TimingOf(c, s.cal, s.lim, s.now())
	p := &PublicStatus{
		Receipt: c.Receipt, Category: c.Category, Department: s.DepartmentName(c.Department),
		Title: c.Title, Status: c.Status, StatusLabel: c.Status.Label(),
		Received:   c.CreatedAt.In(loc).Format("2006-01-02 15:04"),
		Warning:    t.Level,
		Duplicate:  c.DuplicateOf != "",
		Enterprise: c.CreditCode != "",
		Timeline:   []PublicEvent{},
	}
	for _, a := range c.Attachments {
		p.Attachments = append(p.Attachments, PublicFile{Type: TypeLabel(a.Type), Size: FormatSize(a.Size)})
	}
	if !t.Due.IsZero() {
		p.Due = t.Due.Format(time.DateOnly)
	}
	for _, e := range c.Events {
		pe := PublicEvent{
			Time: e.At.In(loc).Format("2006-01-02 15:04"), Type: string(e.Type), Label: e.Type.Label(),
			Note: e.Note, Satisfaction: e.Satisfaction, Days: e.Days,
		}
		if e.Assignee != "" {
			pe.Assignee = s.DepartmentName(e.Assignee)
		}
		p.Timeline = append(p.Timeline, pe)
	}
	return p
}

// Get returns a whole complaint, for staff.
func (s *Service) Get(ctx context.Context, receipt string) (*Complaint, error) {
	receipt = strings.ToUpper(strings.TrimSpace(receipt))
	if !ValidReceipt(receipt) {
		return nil, Errorf(ENOTFOUND, "受理编号 %q 格式不正确（应为 TS-YYYYMMDD-NNNNNN）", receipt)
	}
	c, err := s.store.Get(ctx, receipt)
	return c, Outage(s.store, err)
}

// List returns complaints matching f, for staff.
func (s *Service) List(ctx context.Context, f Filter) ([]*Complaint, error) {
	cs, err := s.store.List(ctx, f)
	return cs, Outage(s.store, err)
}

// Act applies a staff action to a complaint in one transaction, as an
// operator with full rights named a.Actor (tests, tools).
func (s *Service) Act(ctx context.Context, receipt string, a Action) (*Complaint, error) {
	return s.ActAs(ctx, Who{Login: a.Actor, Name: a.Actor, Role: RoleSupervisor, Addr: "local"}, receipt, a)
}

// Timing returns c's time limit as of now.
func (s *Service) Timing(c *Complaint) Timing { return TimingOf(c, s.cal, s.lim, s.now()) }

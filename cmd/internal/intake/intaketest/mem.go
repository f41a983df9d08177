// Package intaketest holds the conformance suite every intake.Store passes
// (Run) and an in-memory Store (Mem) for handler tests.
//
// Contract: Run exercises only the intake.Store interface, so a store that
// passes it behaves as the service and the handlers expect: per-day receipt
// sequences without gaps or repeats under concurrency, duplicate flags,
// all-or-nothing updates with serialised concurrent actions, append-only
// history, filters, and exact round trips of every field.
package intaketest

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"portal/cmd/internal/intake"
)

// Mem is an in-memory intake.Store. It is not durable: for tests only.
type Mem struct {
	mu       sync.Mutex
	byID     map[string]*intake.Complaint
	counters map[string]int
	files    map[string][]intake.Attachment // by receipt, with Data
	accounts map[string]*intake.Account
	sessions map[string]*intake.Session
	audit    []intake.AuditEntry
	// Fail, when set, is returned by every write (to test error paths).
	Fail error
}

var _ intake.Store = (*Mem)(nil)

// NewMem returns an empty in-memory store.
func NewMem() *Mem {
	return &Mem{byID: map[string]*intake.Complaint{}, counters: map[string]int{}, files: map[string][]intake.Attachment{},
		accounts: map[string]*intake.Account{}, sessions: map[string]*intake.Session{}}
}

// Create implements intake.Store.
func (m *Mem) Create(ctx context.Context, c *intake.Complaint, day, dupSince time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	key := day.Format("20060102")
	m.counters[key]++
	c.Receipt = intake.FormatReceipt(day, m.counters[key])
	var first *intake.Complaint
	for _, o := range m.byID {
		if o.Fingerprint == c.Fingerprint && !o.CreatedAt.Before(dupSince) && (first == nil || o.CreatedAt.Before(first.CreatedAt)) {
			first = o
		}
	}
	if first != nil {
		c.DuplicateOf = first.Receipt
	}
	m.files[c.Receipt] = append([]intake.Attachment(nil), c.Attachments...)
	stored := c.Clone()
	for i := range stored.Attachments {
		stored.Attachments[i].Data = nil
	}
	m.byID[c.Receipt] = stored
	return nil
}

// Get implements intake.Store.
func (m *Mem) Get(ctx context.Context, receipt string) (*intake.Complaint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.byID[receipt]
	if !ok {
		return nil, intake.Errorf(intake.ENOTFOUND, "没有受理编号为 %s 的投诉", receipt)
	}
	return c.Clone(), nil
}

// Update implements intake.Store.
func (m *Mem) Update(ctx context.Context, receipt string, fn func(*intake.Complaint) error, audit ...intake.AuditEntry) (*intake.Complaint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return nil, m.Fail
	}
	c, ok := m.byID[receipt]
	if !ok {
		return nil, intake.Errorf(intake.ENOTFOUND, "没有受理编号为 %s 的投诉", receipt)
	}
	next := c.Clone()
	if err := fn(next); err != nil {
		return nil, err
	}
	if next.Status == intake.StatusClosed && next.ClosedAt.IsZero() {
		e, _ := next.Last(intake.EventClosed)
		next.ClosedAt = e.At
	}
	m.byID[receipt] = next.Clone()
	m.appendAudit(audit)
	return next, nil
}

// List implements intake.Store.
func (m *Mem) List(ctx context.Context, f intake.Filter) ([]*intake.Complaint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*intake.Complaint
	for _, c := range m.byID {
		if f.Status != "" && c.Status != f.Status ||
			f.Open && c.Status == intake.StatusClosed ||
			f.Assignee != "" && c.Assignee != f.Assignee ||
			f.Category != "" && c.Category != f.Category ||
			!matchText(c, f.Text) ||
			f.Department != "" && c.Department != f.Department && c.Assignee != f.Department ||
			!f.Since.IsZero() && c.CreatedAt.Before(f.Since) ||
			!f.Until.IsZero() && !c.CreatedAt.Before(f.Until) {
			continue
		}
		out = append(out, c.Clone())
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.Before(out[j].CreatedAt)
		}
		return out[i].Receipt < out[j].Receipt
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

// Close implements intake.Store.
func (m *Mem) Close() error { return nil }

func matchText(c *intake.Complaint, text string) bool {
	hay := strings.ToLower(strings.Join([]string{c.Receipt, c.Title, c.Description, c.RelatedID, c.EnterpriseName, c.CreditCode}, "\x00"))
	for _, w := range strings.Fields(strings.ToLower(text)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// Attachment implements intake.Store.
func (m *Mem) Attachment(ctx context.Context, receipt string, id int) (*intake.Attachment, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, a := range m.files[receipt] {
		if a.ID == id {
			a.Data = append([]byte(nil), a.Data...)
			return &a, nil
		}
	}
	return nil, intake.Errorf(intake.ENOTFOUND, "没有该附件")
}

// ClosedBefore implements intake.Store.
func (m *Mem) ClosedBefore(ctx context.Context, t time.Time, limit int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*intake.Complaint
	for _, c := range m.byID {
		if !c.ClosedAt.IsZero() && c.ClosedAt.Before(t) && c.ErasedAt.IsZero() {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ClosedAt.Before(out[j].ClosedAt) })
	var r []string
	for _, c := range out {
		if len(r) == limit {
			break
		}
		r = append(r, c.Receipt)
	}
	return r, nil
}

// Erase implements intake.Store.
func (m *Mem) Erase(ctx context.Context, receipt string, at time.Time, audit intake.AuditEntry) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return false, m.Fail
	}
	c, ok := m.byID[receipt]
	if !ok || !c.ErasedAt.IsZero() || c.ClosedAt.IsZero() {
		return false, nil
	}
	c.Name, c.Phone, c.Email, c.EnterpriseName, c.CreditCode, c.Fingerprint = "", "", "", "", "", ""
	c.Attachments = nil
	c.ErasedAt = at
	delete(m.files, receipt)
	m.appendAudit([]intake.AuditEntry{audit})
	return true, nil
}

func (m *Mem) appendAudit(entries []intake.AuditEntry) {
	for _, e := range entries {
		e.Seq = int64(len(m.audit) + 1)
		m.audit = append(m.audit, e)
	}
}

// AppendAudit implements intake.Store.
func (m *Mem) AppendAudit(ctx context.Context, entries ...intake.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	m.appendAudit(entries)
	return nil
}

// ListAudit implements intake.Store.
func (m *Mem) ListAudit(ctx context.Context, f intake.AuditFilter) ([]intake.AuditEntry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []intake.AuditEntry
	for i := len(m.audit) - 1; i >= 0; i-- {
		e := m.audit[i]
		if f.Login != "" && e.Login != f.Login || f.Receipt != "" && e.Receipt != f.Receipt || f.Action != "" && e.Action != f.Action ||
			!f.Since.IsZero() && e.At.Before(f.Since) || !f.Until.IsZero() && !e.At.Before(f.Until) {
			continue
		}
		out = append(out, e)
		if f.Limit > 0 && len(out) == f.Limit {
			break
		}
	}
	return out, nil
}

// CreateAccount implements intake.Store.
func (m *Mem) CreateAccount(ctx context.Context, a *intake.Account, audit ...intake.AuditEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.accounts[a.Login]; ok {
		return intake.Errorf(intake.ECONFLICT, "登录名 %s 已被使用", a.Login)
	}
	cp := *a
	m.accounts[a.Login] = &cp
	m.appendAudit(audit)
	return nil
}

// GetAccount implements intake.Store.
func (m *Mem) GetAccount(ctx context.Context, login string) (*intake.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[login]
	if !ok {
		return nil, intake.Errorf(intake.ENOTFOUND, "没有登录名为 %s 的账号", login)
	}
	cp := *a
	return &cp, nil
}

// ListAccounts implements intake.Store.
func (m *Mem) ListAccounts(ctx context.Context) ([]*intake.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*intake.Account
	for _, a := range m.accounts {
		cp := *a
		out = append(out, &cp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Login < out[j].Login })
	return out, nil
}

// UpdateAccount implements intake.Store.
func (m *Mem) UpdateAccount(ctx context.Context, login string, fn func(*intake.Account) error, audit ...intake.AuditEntry) (*intake.Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[login]
	if !ok {
		return nil, intake.Errorf(intake.ENOTFOUND, "没有登录名为 %s 的账号", login)
	}
	next := *a
	if err := fn(&next); err != nil {
		return nil, err
	}
	next.Login = login
	m.accounts[login] = &next
	m.appendAudit(audit)
	cp := next
	return &cp, nil
}

// CreateSession implements intake.Store.
func (m *Mem) CreateSession(ctx context.Context, s *intake.Session) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cp := *s
	m.sessions[s.ID] = &cp
	return nil
}

// GetSession implements intake.Store.
func (m *Mem) GetSession(ctx context.Context, id string) (*intake.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[id]
	if !ok {
		return nil, intake.Errorf(intake.ENOTFOUND, "会话不存在或已结束")
	}
	cp := *s
	return &cp, nil
}

// TouchSession implements intake.Store.
func (m *Mem) TouchSession(ctx context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	if s, ok := m.sessions[id]; ok {
		s.LastSeen = at
	}
	return nil
}

// DeleteSession implements intake.Store.
func (m *Mem) DeleteSession(ctx context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, id)
	return nil
}

// DeleteSessions implements intake.Store.
func (m *Mem) DeleteSessions(ctx context.Context, login string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id, s := range m.sessions {
		if s.Login == login {
			delete(m.sessions, id)
		}
	}
	return nil
}

// DeleteStaleSessions implements intake.Store.
func (m *Mem) DeleteStaleSessions(ctx context.Context, idle, created time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, s := range m.sessions {
		if s.LastSeen.Before(idle) || s.CreatedAt.Before(created) {
			delete(m.sessions, id)
			n++
		}
	}
	return n, nil
}

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
	"sync"
	"time"

	"portal/cmd/internal/intake"
)

// Mem is an in-memory intake.Store. It is not durable: for tests only.
type Mem struct {
	mu       sync.Mutex
	byID     map[string]*intake.Complaint
	counters map[string]int
	// Fail, when set, is returned by every write (to test error paths).
	Fail error
}

var _ intake.Store = (*Mem)(nil)

// NewMem returns an empty in-memory store.
func NewMem() *Mem {
	return &Mem{byID: map[string]*intake.Complaint{}, counters: map[string]int{}}
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
	m.byID[c.Receipt] = c.Clone()
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
func (m *Mem) Update(ctx context.Context, receipt string, fn func(*intake.Complaint) error) (*intake.Complaint, error) {
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
	m.byID[receipt] = next.Clone()
	return next, nil
}

// List implements intake.Store.
func (m *Mem) List(ctx context.Context, f intake.Filter) ([]*intake.Complaint, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*intake.Complaint
	for _, c := range m.byID {
		if f.Status != "" && c.Status != f.Status ||
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

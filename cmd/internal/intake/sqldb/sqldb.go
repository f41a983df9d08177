// Package sqldb is the complaint Store over database/sql, shared by the
// SQLite and PostgreSQL backends: one set of queries written with ? and
// rebound per dialect, and an embedded-migration runner.
//
// Contract: every write is one transaction committed before the call
// returns, so with a durable database configuration (SQLite WAL with
// synchronous=FULL, PostgreSQL defaults) an acknowledged complaint survives a
// crash. With Dialect.GroupCommit, concurrent Creates share one transaction
// (and one fsync), each in its own savepoint, and every caller is answered
// only after that commit. Events are only ever inserted.
package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"portal/cmd/internal/intake"
)

// Dialect holds what differs between databases.
type Dialect struct {
	Name          string
	Placeholder   func(n int) string // the n-th (1-based) bind parameter
	MigrationLock string             // run first in each migration transaction, or ""
	ForUpdate     string             // appended to the row-locking SELECT in Update, or ""
	// GroupCommit batches concurrent Creates into one transaction, for
	// databases with a single writer (SQLite).
	GroupCommit bool
	// FingerprintLock, run with the fingerprint before the duplicate check,
	// serialises identical concurrent submissions where writers run in
	// parallel (PostgreSQL), so exactly one of them is the original.
	FingerprintLock string
}

// Rebind rewrites ? placeholders for the dialect.
func (d Dialect) Rebind(q string) string {
	if d.Placeholder == nil {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString(d.Placeholder(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Store is intake.Store over a *sql.DB.
type Store struct {
	db *sql.DB
	d  Dialect

	queue     chan *createReq
	stop      chan struct{} // closed by Close: the writer finishes the queue and exits
	exited    chan struct{} // closed by the writer when it has exited
	wg        sync.WaitGroup
	closeOnce sync.Once
}

var _ intake.Store = (*Store)(nil)

type createReq struct {
	ctx      context.Context
	c        *intake.Complaint
	day      time.Time
	dupSince time.Time
	done     chan error
}

// MaxBatch bounds how many Creates share one transaction.
const MaxBatch = 256

// New returns a store on db, which must already be migrated. Close closes db.
func New(db *sql.DB, d Dialect) *Store {
	s := &Store{db: db, d: d}
	if d.GroupCommit {
		s.queue = make(chan *createReq, MaxBatch)
		s.stop = make(chan struct{})
		s.exited = make(chan struct{})
		s.wg.Add(1)
		go s.writer()
	}
	return s
}

// DB is the underlying database.
func (s *Store) DB() *sql.DB { return s.db }

// Close stops the writer (after answering every queued Create) and closes the database.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		if s.stop != nil {
			close(s.stop)
			s.wg.Wait()
		}
	})
	return s.db.Close()
}

func (s *Store) q(query string) string { return s.d.Rebind(query) }

// Create implements intake.Store.
func (s *Store) Create(ctx context.Context, c *intake.Complaint, day, dupSince time.Time) error {
	if !s.d.GroupCommit {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := s.insert(ctx, tx, c, day, dupSince); err != nil {
			return err
		}
		return tx.Commit()
	}
	req := &createReq{ctx: ctx, c: c, day: day, dupSince: dupSince, done: make(chan error, 1)}
	select {
	case s.queue <- req:
	case <-s.stop:
		return errors.New("store closed")
	case <-ctx.Done():
		return ctx.Err()
	}
	// Wait for the commit even if ctx ends meanwhile: the answer must say
	// truthfully whether the complaint is stored.
	select {
	case err := <-req.done:
		return err
	case <-s.exited:
		// The writer answers before it exits, so an empty done means the
		// request was queued after the writer's last look: never stored.
		select {
		case err := <-req.done:
			return err
		default:
			return errors.New("store closed")
		}
	}
}

// writer is the group-commit loop: it takes one request, gathers the others
// already waiting, and commits them together.
func (s *Store) writer() {
	defer s.wg.Done()
	defer close(s.exited)
	for {
		var first *createReq
		select {
		case first = <-s.queue:
		case <-s.stop:
			// Answer whatever is still queued, then stop.
			for {
				select {
				case r := <-s.queue:
					s.commitBatch([]*createReq{r})
				default:
					return
				}
			}
		}
		batch := []*createReq{first}
	gather:
		for len(batch) < MaxBatch {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		s.commitBatch(batch)
	}
}

func (s *Store) commitBatch(batch []*createReq) {
	ctx := context.Background()
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		fail(err)
		return
	}
	var ok []*createReq
	for i, r := range batch {
		if r.ctx.Err() != nil {
			r.done <- r.ctx.Err()
			continue
		}
		sp := "c" + strconv.Itoa(i)
		if _, err := tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
			tx.Rollback()
			fail(err)
			return
		}
		if err := s.insert(ctx, tx, r.c, r.day, r.dupSince); err != nil {
			if _, rerr := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT "+sp); rerr != nil {
				tx.Rollback()
				fail(err)
				return
			}
			r.c.Receipt = ""
			r.done <- err
			continue
		}
		if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT "+sp); err != nil {
			tx.Rollback()
			fail(err)
			return
		}
		ok = append(ok, r)
	}
	err = tx.Commit()
	for _, r := range ok {
		r.done <- err
	}
}

func (s *Store) insert(ctx context.Context, tx *sql.Tx, c *intake.Complaint, day, dupSince time.Time) error {
	key := day.Format("20060102")
	var seq int
	err := tx.QueryRowContext(ctx, s.q(`INSERT INTO receipt_counters (day, last) VALUES (?, 1)
ON CONFLICT (day) DO UPDATE SET last = receipt_counters.last + 1 RETURNING last`), key).Scan(&seq)
	if err != nil {
		return fmt.Errorf("next receipt number: %w", err)
	}
	if seq > 999999 {
		return intake.Errorf(intake.EINTERNAL, "receipt numbers for %s exhausted", key)
	}
	c.Receipt = intake.FormatReceipt(day, seq)
	if s.d.FingerprintLock != "" {
		if _, err := tx.ExecContext(ctx, s.q(s.d.FingerprintLock), c.Fingerprint); err != nil {
			return fmt.Errorf("duplicate check lock: %w", err)
		}
	}
	var dup string
	err = tx.QueryRowContext(ctx, s.q(`SELECT receipt FROM complaints WHERE fingerprint = ? AND created_at >= ? ORDER BY created_at LIMIT 1`),
		c.Fingerprint, dupSince.UTC()).Scan(&dup)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("duplicate check: %w", err)
	default:
		c.DuplicateOf = dup
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO complaints (receipt, day, created_at, category, department, related_id,
objection_reason, title, description, name, phone, email, anonymous, consent_publish, status, assignee,
extension_days, duplicate_of, query_hash, fingerprint, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		c.Receipt, key, c.CreatedAt.UTC(), c.Category, c.Department, c.RelatedID, c.ObjectionReason, c.Title,
		c.Description, c.Name, c.Phone, c.Email, c.Anonymous, c.ConsentPublish, string(c.Status), c.Assignee,
		c.ExtensionDays, c.DuplicateOf, c.QueryHash, c.Fingerprint, c.CreatedAt.UTC())
	if err != nil {
		return fmt.Errorf("insert complaint: %w", err)
	}
	return s.insertEvents(ctx, tx, c.Receipt, c.Events)
}

func (s *Store) insertEvents(ctx context.Context, tx *sql.Tx, receipt string, events []intake.Event) error {
	for _, e := range events {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO complaint_events (receipt, seq, at, actor, type, note, assignee, satisfaction, days)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), receipt, e.Seq, e.At.UTC(), e.Actor, string(e.Type), e.Note, e.Assignee, e.Satisfaction, e.Days)
		if err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
	}
	return nil
}

const complaintCols = `receipt, created_at, category, department, related_id, objection_reason, title, description,
name, phone, email, anonymous, consent_publish, status, assignee, extension_days, duplicate_of, query_hash, fingerprint`

type scanner interface{ Scan(...any) error }

func scanComplaint(r scanner) (*intake.Complaint, error) {
	var c intake.Complaint
	var status string
	err := r.Scan(&c.Receipt, &c.CreatedAt, &c.Category, &c.Department, &c.RelatedID, &c.ObjectionReason, &c.Title,
		&c.Description, &c.Name, &c.Phone, &c.Email, &c.Anonymous, &c.ConsentPublish, &status, &c.Assignee,
		&c.ExtensionDays, &c.DuplicateOf, &c.QueryHash, &c.Fingerprint)
	c.Status = intake.Status(status)
	c.CreatedAt = c.CreatedAt.UTC()
	return &c, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) get(ctx context.Context, q querier, receipt, suffix string) (*intake.Complaint, error) {
	c, err := scanComplaint(q.QueryRowContext(ctx, s.q(`SELECT `+complaintCols+` FROM complaints WHERE receipt = ?`+suffix), receipt))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, intake.Errorf(intake.ENOTFOUND, "没有受理编号为 %s 的投诉", receipt)
	}
	if err != nil {
		return nil, fmt.Errorf("get complaint: %w", err)
	}
	rows, err := q.QueryContext(ctx, s.q(`SELECT receipt, seq, at, actor, type, note, assignee, satisfaction, days
FROM complaint_events WHERE receipt = ? ORDER BY seq`), receipt)
	if err != nil {
		return nil, fmt.Errorf("get events: %w", err)
	}
	byReceipt, err := scanEvents(rows)
	if err != nil {
		return nil, err
	}
	c.Events = byReceipt[receipt]
	return c, nil
}

func scanEvents(rows *sql.Rows) (map[string][]intake.Event, error) {
	defer rows.Close()
	out := map[string][]intake.Event{}
	for rows.Next() {
		var e intake.Event
		var receipt, typ string
		if err := rows.Scan(&receipt, &e.Seq, &e.At, &e.Actor, &typ, &e.Note, &e.Assignee, &e.Satisfaction, &e.Days); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		e.Type = intake.EventType(typ)
		e.At = e.At.UTC()
		out[receipt] = append(out[receipt], e)
	}
	return out, rows.Err()
}

// Get implements intake.Store.
func (s *Store) Get(ctx context.Context, receipt string) (*intake.Complaint, error) {
	return s.get(ctx, s.db, receipt, "")
}

// Update implements intake.Store.
func (s *Store) Update(ctx context.Context, receipt string, fn func(*intake.Complaint) error) (*intake.Complaint, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := s.get(ctx, tx, receipt, s.d.ForUpdate)
	if err != nil {
		return nil, err
	}
	before := len(c.Events)
	next := c.Clone()
	if err := fn(next); err != nil {
		return nil, err
	}
	if len(next.Events) < before {
		return nil, errors.New("update: history is append-only")
	}
	if err := s.insertEvents(ctx, tx, receipt, next.Events[before:]); err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE complaints SET status = ?, assignee = ?, extension_days = ?, updated_at = ? WHERE receipt = ?`),
		string(next.Status), next.Assignee, next.ExtensionDays, time.Now().UTC(), receipt)
	if err != nil {
		return nil, fmt.Errorf("update complaint: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return next, nil
}

// List implements intake.Store.
func (s *Store) List(ctx context.Context, f intake.Filter) ([]*intake.Complaint, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.Department != "" {
		where, args = append(where, "(department = ? OR assignee = ?)"), append(args, f.Department, f.Department)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "created_at >= ?"), append(args, f.Since.UTC())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "created_at < ?"), append(args, f.Until.UTC())
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	limit := ""
	if f.Limit > 0 {
		limit = " LIMIT " + strconv.Itoa(f.Limit)
	}
	sub := `SELECT receipt FROM complaints` + cond + ` ORDER BY created_at, receipt` + limit
	// Read-only: SQLite then begins a deferred transaction that does not
	// take the write lock (the DSN makes writers begin immediate).
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, s.q(`SELECT `+complaintCols+` FROM complaints`+cond+` ORDER BY created_at, receipt`+limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list complaints: %w", err)
	}
	var out []*intake.Complaint
	for rows.Next() {
		c, err := scanComplaint(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan complaint: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	erows, err := tx.QueryContext(ctx, s.q(`SELECT receipt, seq, at, actor, type, note, assignee, satisfaction, days
FROM complaint_events WHERE receipt IN (`+sub+`) ORDER BY receipt, seq`), args...)
	if err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	events, err := scanEvents(erows)
	if err != nil {
		return nil, err
	}
	for _, c := range out {
		c.Events = events[c.Receipt]
	}
	return out, nil
}

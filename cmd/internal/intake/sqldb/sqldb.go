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
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
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
	// Unavailable recognises the driver's own outage errors (server shut
	// down, too many connections, disk full, database locked), beside the
	// connection failures every driver shares (see Store.Unavailable).
	Unavailable func(err error) bool
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

// Unavailable reports whether err means the database cannot be reached or
// written now, rather than that the request or the code was wrong: the
// connection refused, reset or cut, a timeout, a closed pool, or a
// dialect-specific outage. intake answers such errors 503 "try again".
func (s *Store) Unavailable(err error) bool {
	var ne net.Error
	switch {
	case err == nil:
		return false
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone), errors.As(err, &ne),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EIO):
		return true
	case strings.Contains(err.Error(), "sql: database is closed"):
		return true
	}
	return s.d.Unavailable != nil && s.d.Unavailable(err)
}

var _ intake.Unavailable = (*Store)(nil)

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
extension_days, duplicate_of, query_hash, fingerprint, updated_at, enterprise_name, credit_code)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		c.Receipt, key, c.CreatedAt.UTC(), c.Category, c.Department, c.RelatedID, c.ObjectionReason, c.Title,
		c.Description, c.Name, c.Phone, c.Email, c.Anonymous, c.ConsentPublish, string(c.Status), c.Assignee,
		c.ExtensionDays, c.DuplicateOf, c.QueryHash, c.Fingerprint, c.CreatedAt.UTC(), c.EnterpriseName, c.CreditCode)
	if err != nil {
		return fmt.Errorf("insert complaint: %w", err)
	}
	for _, a := range c.Attachments {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO complaint_attachments (receipt, id, name, type, size, sha256, data)
VALUES (?, ?, ?, ?, ?, ?, ?)`), c.Receipt, a.ID, a.Name, a.Type, a.Size, a.SHA256, a.Data)
		if err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
	}
	return s.insertEvents(ctx, tx, c.Receipt, c.Events)
}

func (s *Store) insertNotes(ctx context.Context, tx *sql.Tx, receipt string, notes []intake.Note) error {
	for _, n := range notes {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO complaint_notes (receipt, seq, at, actor, login, text) VALUES (?, ?, ?, ?, ?, ?)`),
			receipt, n.Seq, n.At.UTC(), n.Actor, n.Login, n.Text)
		if err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
	}
	return nil
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
name, phone, email, anonymous, consent_publish, status, assignee, extension_days, duplicate_of, query_hash, fingerprint,
enterprise_name, credit_code, closed_at, erased_at`

type scanner interface{ Scan(...any) error }

func scanComplaint(r scanner) (*intake.Complaint, error) {
	var c intake.Complaint
	var status string
	var closed, erased sql.NullTime
	err := r.Scan(&c.Receipt, &c.CreatedAt, &c.Category, &c.Department, &c.RelatedID, &c.ObjectionReason, &c.Title,
		&c.Description, &c.Name, &c.Phone, &c.Email, &c.Anonymous, &c.ConsentPublish, &status, &c.Assignee,
		&c.ExtensionDays, &c.DuplicateOf, &c.QueryHash, &c.Fingerprint, &c.EnterpriseName, &c.CreditCode, &closed, &erased)
	c.Status = intake.Status(status)
	c.CreatedAt = c.CreatedAt.UTC()
	if closed.Valid {
		c.ClosedAt = closed.Time.UTC()
	}
	if erased.Valid {
		c.ErasedAt = erased.Time.UTC()
	}
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
	nrows, err := q.QueryContext(ctx, s.q(`SELECT seq, at, actor, login, text FROM complaint_notes WHERE receipt = ? ORDER BY seq`), receipt)
	if err != nil {
		return nil, fmt.Errorf("get notes: %w", err)
	}
	defer nrows.Close()
	for nrows.Next() {
		var n intake.Note
		if err := nrows.Scan(&n.Seq, &n.At, &n.Actor, &n.Login, &n.Text); err != nil {
			return nil, fmt.Errorf("scan note: %w", err)
		}
		n.At = n.At.UTC()
		c.Notes = append(c.Notes, n)
	}
	if err := nrows.Err(); err != nil {
		return nil, err
	}
	nrows.Close()
	arows, err := q.QueryContext(ctx, s.q(`SELECT id, name, type, size, sha256 FROM complaint_attachments WHERE receipt = ? ORDER BY id`), receipt)
	if err != nil {
		return nil, fmt.Errorf("get attachments: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var a intake.Attachment
		if err := arows.Scan(&a.ID, &a.Name, &a.Type, &a.Size, &a.SHA256); err != nil {
			return nil, fmt.Errorf("scan attachment: %w", err)
		}
		c.Attachments = append(c.Attachments, a)
	}
	return c, arows.Err()
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
func (s *Store) Update(ctx context.Context, receipt string, fn func(*intake.Complaint) error, audit ...intake.AuditEntry) (*intake.Complaint, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c, err := s.get(ctx, tx, receipt, s.d.ForUpdate)
	if err != nil {
		return nil, err
	}
	before, notesBefore := len(c.Events), len(c.Notes)
	next := c.Clone()
	if err := fn(next); err != nil {
		return nil, err
	}
	if len(next.Events) < before || len(next.Notes) < notesBefore {
		return nil, errors.New("update: history and notes are append-only")
	}
	if err := s.insertEvents(ctx, tx, receipt, next.Events[before:]); err != nil {
		return nil, err
	}
	if err := s.insertNotes(ctx, tx, receipt, next.Notes[notesBefore:]); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	if next.Status == intake.StatusClosed && next.ClosedAt.IsZero() {
		next.ClosedAt = now.Truncate(time.Microsecond)
		if e, ok := next.Last(intake.EventClosed); ok {
			next.ClosedAt = e.At
		}
	}
	var closed any
	if !next.ClosedAt.IsZero() {
		closed = next.ClosedAt.UTC()
	}
	_, err = tx.ExecContext(ctx, s.q(`UPDATE complaints SET status = ?, assignee = ?, extension_days = ?, updated_at = ?, closed_at = ? WHERE receipt = ?`),
		string(next.Status), next.Assignee, next.ExtensionDays, now, closed, receipt)
	if err != nil {
		return nil, fmt.Errorf("update complaint: %w", err)
	}
	if err := s.insertAudit(ctx, tx, audit); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return next, nil
}

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// List implements intake.Store.
func (s *Store) List(ctx context.Context, f intake.Filter) ([]*intake.Complaint, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.Open {
		where, args = append(where, "status <> ?"), append(args, string(intake.StatusClosed))
	}
	if f.Department != "" {
		where, args = append(where, "(department = ? OR assignee = ?)"), append(args, f.Department, f.Department)
	}
	if f.Assignee != "" {
		where, args = append(where, "assignee = ?"), append(args, f.Assignee)
	}
	if f.Category != "" {
		where, args = append(where, "category = ?"), append(args, f.Category)
	}
	for _, word := range strings.Fields(f.Text) {
		// A plain substring match: Chinese has no spaces between words, so
		// a word is found wherever it stands.
		pat := "%" + likeEscaper.Replace(strings.ToLower(word)) + "%"
		where = append(where, `(LOWER(receipt) LIKE ? ESCAPE '\' OR LOWER(title) LIKE ? ESCAPE '\' OR LOWER(description) LIKE ? ESCAPE '\'
OR LOWER(related_id) LIKE ? ESCAPE '\' OR LOWER(enterprise_name) LIKE ? ESCAPE '\' OR LOWER(credit_code) LIKE ? ESCAPE '\')`)
		args = append(args, pat, pat, pat, pat, pat, pat)
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

package sqldb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"portal/cmd/internal/intake"
)

// Attachment implements intake.Store.
func (s *Store) Attachment(ctx context.Context, receipt string, id int) (*intake.Attachment, error) {
	a := intake.Attachment{ID: id}
	err := s.db.QueryRowContext(ctx, s.q(`SELECT name, type, size, sha256, data FROM complaint_attachments WHERE receipt = ? AND id = ?`),
		receipt, id).Scan(&a.Name, &a.Type, &a.Size, &a.SHA256, &a.Data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, intake.Errorf(intake.ENOTFOUND, "没有该附件")
	}
	if err != nil {
		return nil, fmt.Errorf("get attachment: %w", err)
	}
	return &a, nil
}

// ClosedBefore implements intake.Store.
func (s *Store) ClosedBefore(ctx context.Context, t time.Time, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT receipt FROM complaints WHERE closed_at IS NOT NULL AND closed_at < ? AND erased_at IS NULL
ORDER BY closed_at, receipt LIMIT `+strconv.Itoa(limit)), t.UTC())
	if err != nil {
		return nil, fmt.Errorf("closed complaints: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Erase implements intake.Store.
func (s *Store) Erase(ctx context.Context, receipt string, at time.Time, audit intake.AuditEntry) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, s.q(`UPDATE complaints SET name = '', phone = '', email = '', enterprise_name = '', credit_code = '',
fingerprint = '', erased_at = ?, updated_at = ? WHERE receipt = ? AND erased_at IS NULL AND closed_at IS NOT NULL`), at.UTC(), at.UTC(), receipt)
	if err != nil {
		return false, fmt.Errorf("erase: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM complaint_attachments WHERE receipt = ?`), receipt); err != nil {
		return false, fmt.Errorf("erase attachments: %w", err)
	}
	if err := s.insertAudit(ctx, tx, []intake.AuditEntry{audit}); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func (s *Store) insertAudit(ctx context.Context, tx execer, entries []intake.AuditEntry) error {
	for _, e := range entries {
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO audit_log (at, login, addr, action, receipt, detail) VALUES (?, ?, ?, ?, ?, ?)`),
			e.At.UTC(), e.Login, e.Addr, e.Action, e.Receipt, e.Detail)
		if err != nil {
			return fmt.Errorf("audit: %w", err)
		}
	}
	return nil
}

// AppendAudit implements intake.Store.
func (s *Store) AppendAudit(ctx context.Context, entries ...intake.AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.insertAudit(ctx, tx, entries); err != nil {
		return err
	}
	return tx.Commit()
}

// ListAudit implements intake.Store.
func (s *Store) ListAudit(ctx context.Context, f intake.AuditFilter) ([]intake.AuditEntry, error) {
	var where []string
	var args []any
	for col, v := range map[string]string{"login": f.Login, "receipt": f.Receipt, "action": f.Action} {
		if v != "" {
			where, args = append(where, col+" = ?"), append(args, v)
		}
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.Since.UTC())
	}
	if !f.Until.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.Until.UTC())
	}
	q := `SELECT seq, at, login, addr, action, receipt, detail FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC"
	if f.Limit > 0 {
		q += " LIMIT " + strconv.Itoa(f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	defer rows.Close()
	var out []intake.AuditEntry
	for rows.Next() {
		var e intake.AuditEntry
		if err := rows.Scan(&e.Seq, &e.At, &e.Login, &e.Addr, &e.Action, &e.Receipt, &e.Detail); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}

const accountCols = `login, name, department, role, password_hash, totp_secret, totp_last_step, disabled, failed_logins, locked_until, created_at, updated_at`

func scanAccount(r scanner) (*intake.Account, error) {
	var a intake.Account
	var role string
	var locked sql.NullTime
	err := r.Scan(&a.Login, &a.Name, &a.Department, &role, &a.PasswordHash, &a.TOTPSecret, &a.TOTPLastStep, &a.Disabled,
		&a.FailedLogins, &locked, &a.CreatedAt, &a.UpdatedAt)
	a.Role = intake.Role(role)
	if locked.Valid {
		a.LockedUntil = locked.Time.UTC()
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return &a, err
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// CreateAccount implements intake.Store.
func (s *Store) CreateAccount(ctx context.Context, a *intake.Account, audit ...intake.AuditEntry) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM staff_accounts WHERE login = ?`), a.Login).Scan(&n); err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	if n > 0 {
		return intake.Errorf(intake.ECONFLICT, "登录名 %s 已被使用", a.Login)
	}
	_, err = tx.ExecContext(ctx, s.q(`INSERT INTO staff_accounts (`+accountCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		a.Login, a.Name, a.Department, string(a.Role), a.PasswordHash, a.TOTPSecret, a.TOTPLastStep, a.Disabled, a.FailedLogins,
		nullTime(a.LockedUntil), a.CreatedAt.UTC(), a.UpdatedAt.UTC())
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	if err := s.insertAudit(ctx, tx, audit); err != nil {
		return err
	}
	return tx.Commit()
}

func (s *Store) getAccount(ctx context.Context, q querier, login, suffix string) (*intake.Account, error) {
	a, err := scanAccount(q.QueryRowContext(ctx, s.q(`SELECT `+accountCols+` FROM staff_accounts WHERE login = ?`+suffix), login))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, intake.Errorf(intake.ENOTFOUND, "没有登录名为 %s 的账号", login)
	}
	if err != nil {
		return nil, fmt.Errorf("get account: %w", err)
	}
	return a, nil
}

// GetAccount implements intake.Store.
func (s *Store) GetAccount(ctx context.Context, login string) (*intake.Account, error) {
	return s.getAccount(ctx, s.db, login, "")
}

// ListAccounts implements intake.Store.
func (s *Store) ListAccounts(ctx context.Context) ([]*intake.Account, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+accountCols+` FROM staff_accounts ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	var out []*intake.Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UpdateAccount implements intake.Store.
func (s *Store) UpdateAccount(ctx context.Context, login string, fn func(*intake.Account) error, audit ...intake.AuditEntry) (*intake.Account, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	a, err := s.getAccount(ctx, tx, login, s.d.ForUpdate)
	if err != nil {
		return nil, err
	}
	next := *a
	if err := fn(&next); err != nil {
		return nil, err
	}
	next.Login = a.Login
	_, err = tx.ExecContext(ctx, s.q(`UPDATE staff_accounts SET name = ?, department = ?, role = ?, password_hash = ?, totp_secret = ?,
totp_last_step = ?, disabled = ?, failed_logins = ?, locked_until = ?, updated_at = ? WHERE login = ?`),
		next.Name, next.Department, string(next.Role), next.PasswordHash, next.TOTPSecret, next.TOTPLastStep, next.Disabled,
		next.FailedLogins, nullTime(next.LockedUntil), next.UpdatedAt.UTC(), login)
	if err != nil {
		return nil, fmt.Errorf("update account: %w", err)
	}
	if err := s.insertAudit(ctx, tx, audit); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return &next, nil
}

// CreateSession implements intake.Store.
func (s *Store) CreateSession(ctx context.Context, ss *intake.Session) error {
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO staff_sessions (id, login, csrf, addr, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?)`),
		ss.ID, ss.Login, ss.CSRF, ss.Addr, ss.CreatedAt.UTC(), ss.LastSeen.UTC())
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// GetSession implements intake.Store.
func (s *Store) GetSession(ctx context.Context, id string) (*intake.Session, error) {
	var ss intake.Session
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, login, csrf, addr, created_at, last_seen FROM staff_sessions WHERE id = ?`), id).
		Scan(&ss.ID, &ss.Login, &ss.CSRF, &ss.Addr, &ss.CreatedAt, &ss.LastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, intake.Errorf(intake.ENOTFOUND, "会话不存在或已结束")
	}
	if err != nil {
		return nil, fmt.Errorf("get session: %w", err)
	}
	ss.CreatedAt, ss.LastSeen = ss.CreatedAt.UTC(), ss.LastSeen.UTC()
	return &ss, nil
}

// TouchSession implements intake.Store.
func (s *Store) TouchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q(`UPDATE staff_sessions SET last_seen = ? WHERE id = ?`), at.UTC(), id)
	return err
}

// DeleteSession implements intake.Store.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE id = ?`), id)
	return err
}

// DeleteSessions implements intake.Store.
func (s *Store) DeleteSessions(ctx context.Context, login string) error {
	_, err := s.db.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE login = ?`), login)
	return err
}

// DeleteStaleSessions implements intake.Store.
func (s *Store) DeleteStaleSessions(ctx context.Context, idle, created time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM staff_sessions WHERE last_seen < ? OR created_at < ?`), idle.UTC(), created.UTC())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"portal/cmd/internal/intake/sqldb"
)

// Backups and restores work on whole database files: a backup is itself a
// SQLite database holding every table (complaints and their history,
// attachments, notes, staff accounts and sessions, the audit trail, the
// migrations applied), so restoring is putting the file back.

// Tables are the store's tables, in the order a summary names them.
var Tables = []string{"complaints", "complaint_events", "complaint_attachments", "complaint_notes",
	"staff_accounts", "staff_sessions", "audit_log", "schema_migrations"}

// Counts are the rows per table of a database file, as a backup or restore
// reports them.
type Counts map[string]int

// Backup writes a consistent copy of the store's database to path while it
// stays in use (VACUUM INTO reads one snapshot; writers go on). The file is
// created readable by its owner only (0600) and appears under its name only
// when complete and checked: it is written beside path, synced, verified
// (integrity_check) and renamed. path must not exist.
func Backup(ctx context.Context, s *sqldb.Store, path string) (Counts, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("backup: %s already exists (choose a new file name)", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("backup: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	// VACUUM INTO accepts an existing empty file and keeps its mode, so the
	// copy is never readable by others, not even while it is written.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".partial-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmpName := tmp.Name()
	done := false
	defer func() {
		if !done {
			os.Remove(tmpName)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("backup: %w", err)
	}
	tmp.Close()
	if _, err := s.DB().ExecContext(ctx, `VACUUM INTO ?`, tmpName); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmpName); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	counts, err := Verify(ctx, tmpName)
	if err != nil {
		return nil, fmt.Errorf("backup: the copy does not read back: %w", err)
	}
	// Link, not rename: a file that appeared at path meanwhile is never replaced.
	if err := os.Link(tmpName, path); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	os.Remove(tmpName)
	done = true
	return counts, syncDir(dir)
}

// Verify opens a database file read-only, checks its integrity and that it
// is a complaint store, and counts the rows of every table.
func Verify(ctx context.Context, path string) (Counts, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a file", path)
	}
	db, err := sql.Open("sqlite", "file:"+uriPath(path)+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&ok); err != nil {
		return nil, fmt.Errorf("%s is not a SQLite database: %w", path, err)
	}
	if ok != "ok" {
		return nil, fmt.Errorf("%s is damaged: %s", path, ok)
	}
	counts := Counts{}
	for _, t := range Tables {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("%s is not a complaint store (table %s: %w)", path, t, err)
		}
		counts[t] = n
	}
	return counts, nil
}

// Restore replaces the database at path by the backup at from. It refuses
// while any process has the database open (stop `portal serve` first): it
// takes SQLite's exclusive lock and holds it until the new file is in place.
// The replaced database (with its WAL) is kept beside it as
// <path>.replaced-<time>, never deleted, and its name is returned. The
// restored file is 0600 and migrated to the current schema.
func Restore(ctx context.Context, from, path string) (Counts, string, error) {
	counts, err := Verify(ctx, from)
	if err != nil {
		return nil, "", fmt.Errorf("restore: the backup %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, "", fmt.Errorf("restore: %w", err)
	}
	dir := filepath.Dir(path)
	// Copy first: the live database is touched only once the copy is whole.
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".restore-")
	if err != nil {
		return nil, "", fmt.Errorf("restore: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // gone after the rename; removed on failure
	err = copyInto(tmp, from)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, "", fmt.Errorf("restore: %w", err)
	}

	aside := ""
	if _, err := os.Stat(path); err == nil {
		unlock, err := lockExclusive(ctx, path)
		if err != nil {
			return nil, "", err
		}
		aside = path + ".replaced-" + time.Now().Format("20060102-150405")
		err = moveAside(path, aside)
		unlock()
		if err != nil {
			return nil, "", fmt.Errorf("restore: %w", err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return nil, aside, fmt.Errorf("restore: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return nil, aside, fmt.Errorf("restore: %w", err)
	}
	// Open once: a backup from an older version gains the newer migrations now.
	s, err := Open(ctx, path)
	if err != nil {
		return nil, aside, fmt.Errorf("restore: %w", err)
	}
	return counts, aside, s.Close()
}

// lockExclusive takes the database's exclusive lock, which fails while any
// other connection (another process's) has it open, and checkpoints the WAL
// into the file so the copy moved aside is whole on its own.
func lockExclusive(ctx context.Context, path string) (unlock func(), err error) {
	db, err := sql.Open("sqlite", "file:"+uriPath(path)+"?_pragma=busy_timeout(2000)&_pragma=locking_mode(EXCLUSIVE)")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err == nil {
		_, err = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, `BEGIN EXCLUSIVE`)
	}
	if err != nil {
		if conn != nil {
			conn.Close()
		}
		db.Close()
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return nil, fmt.Errorf("restore: %s is in use: stop portal serve (and any portal complaints or staff command) first", path)
		}
		return nil, fmt.Errorf("restore: %s: %w", path, err)
	}
	return func() {
		conn.ExecContext(context.Background(), `ROLLBACK`)
		conn.Close()
		db.Close()
	}, nil
}

// moveAside renames the database and its WAL and shared-memory files.
func moveAside(path, aside string) error {
	if err := os.Rename(path, aside); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Rename(path+suffix, aside+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

func copyInto(dst *os.File, from string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	if err := dst.Chmod(0o600); err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		return err
	}
	return dst.Sync()
}

func syncFile(name string) error {
	f, err := os.OpenFile(name, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// uriPath escapes a file path for a SQLite URI.
func uriPath(path string) string { return (&url.URL{Path: path}).EscapedPath() }

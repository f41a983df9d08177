// Package sqlite is the complaint Store on SQLite (modernc.org/sqlite, no
// cgo), portal's default at <state_dir>/intake.db.
//
// Contract: Open creates the file (0600: it holds personal data; an existing
// file readable by others is narrowed to that) and its folder if missing, applies the
// embedded migrations, and returns a store whose writes are committed with
// WAL and synchronous=FULL before they return, so an acknowledged complaint
// survives a crash or power loss. Writers begin IMMEDIATE transactions, so
// concurrent writers queue on the lock instead of failing; concurrent
// submissions share one commit (group commit) to keep fsyncs few.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"

	"modernc.org/sqlite" // registers the "sqlite" driver

	"portal/cmd/internal/intake/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is SQLite's.
var Dialect = sqldb.Dialect{Name: "sqlite", GroupCommit: true, Unavailable: unavailable}

// SQLite result codes that mean "not now" rather than "wrong": the database
// busy or locked past busy_timeout, the disk full or failing, the file
// unopenable or read-only (a full or remounted file system).
var outageCodes = map[int]bool{5: true, 6: true, 8: true, 10: true, 13: true, 14: true}

func unavailable(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && outageCodes[se.Code()&0xff] // extended codes keep the primary in the low byte
}

// DSN returns the data source name for the database file at path.
func DSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path and migrates it.
func Open(ctx context.Context, path string) (*sqldb.Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("complaint store: %w", err)
	}
	if err := ownerOnly(path); err != nil {
		return nil, fmt.Errorf("complaint store: %w", err)
	}
	db, err := sql.Open("sqlite", DSN(path))
	if err != nil {
		return nil, fmt.Errorf("complaint store %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("complaint store %s: %w", path, err)
	}
	if err := sqldb.Migrate(ctx, db, Dialect, migrations, "migrations"); err != nil {
		db.Close()
		return nil, fmt.Errorf("complaint store %s: %w", path, err)
	}
	return sqldb.New(db, Dialect), nil
}

// ownerOnly creates the database file readable by its owner only (0600),
// or narrows an existing one (and its WAL and shared-memory files) to that:
// it holds personal data. SQLite gives the files it creates beside the
// database (-wal, -shm) the database's own mode.
func ownerOnly(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if st.Mode().Perm()&0o077 != 0 {
			if err := os.Chmod(name, st.Mode().Perm()&0o700); err != nil {
				return err
			}
		}
	}
	return nil
}

// Package postgres is the complaint Store on PostgreSQL through pgx's
// database/sql driver, for several `portal serve` replicas sharing one
// database.
//
// Contract: Open connects to a postgres:// URL, applies the embedded
// migrations under an advisory lock (so replicas starting together migrate
// once), and returns a store whose writes are committed before they return.
// Update locks the complaint row (SELECT … FOR UPDATE), so concurrent staff
// actions on one complaint apply one after the other.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"portal/cmd/internal/intake/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect is PostgreSQL's.
var Dialect = sqldb.Dialect{
	Name:          "postgres",
	Placeholder:   func(n int) string { return "$" + strconv.Itoa(n) },
	MigrationLock: "SELECT pg_advisory_xact_lock(7306547)", // any constant shared by all replicas
	ForUpdate:     " FOR UPDATE",
	// Held to the end of the transaction; hashtext collisions only make
	// two different submissions wait for each other.
	FingerprintLock: "SELECT pg_advisory_xact_lock(hashtext(?))",
	Unavailable:     unavailable,
}

// unavailable recognises PostgreSQL's outage answers: a failed connection,
// connection exceptions (class 08), insufficient resources (53: too many
// connections, disk full) and operator intervention (57P01–57P05: shut
// down, restarting, cannot connect now).
func unavailable(err error) bool {
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.Timeout(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53") || strings.HasPrefix(pe.Code, "57P")
	}
	return strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "failed to connect")
}

// Open connects to dsn (postgres://…) and migrates the database.
func Open(ctx context.Context, dsn string) (*sqldb.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("complaint store: %w", err)
	}
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(32)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("complaint store: connect to PostgreSQL: %w", err)
	}
	if err := sqldb.Migrate(ctx, db, Dialect, migrations, "migrations"); err != nil {
		db.Close()
		return nil, fmt.Errorf("complaint store: %w", err)
	}
	return sqldb.New(db, Dialect), nil
}

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
	"fmt"
	"strconv"

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

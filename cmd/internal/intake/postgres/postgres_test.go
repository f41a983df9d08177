package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

// testDSN returns PORTAL_TEST_POSTGRES_DSN or skips: CI sets it (.ci/postgres.sh).
func testDSN(t testing.TB) string {
	dsn := os.Getenv("PORTAL_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("PORTAL_TEST_POSTGRES_DSN is not set: PostgreSQL tests skipped (run `eval \"$(bash .ci/postgres.sh)\"` to enable them)")
	}
	return dsn
}

// freshSchema creates an empty schema and returns a DSN that uses it, so
// every subtest starts from nothing and tests can run side by side.
func freshSchema(t testing.TB, dsn string) string {
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	_, err = db.Exec("CREATE SCHEMA " + schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func TestConformance(t *testing.T) {
	dsn := testDSN(t)
	intaketest.Run(t, func(t *testing.T) intake.Store {
		s, err := Open(context.Background(), freshSchema(t, dsn))
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestMigrateTwice(t *testing.T) {
	dsn := freshSchema(t, testDSN(t))
	ctx := context.Background()
	for i := range 2 {
		s, err := Open(ctx, dsn)
		require.NoError(t, err)
		if i == 0 {
			c := intaketest.Sample(1, time.Date(2025, 1, 15, 2, 0, 0, 0, time.UTC))
			require.NoError(t, s.Create(ctx, c, c.CreatedAt, c.CreatedAt))
		}
		var n int
		require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
		require.Equal(t, 2, n, "both migrations, once")
		_, err = s.DB().ExecContext(ctx, `UPDATE complaint_events SET note = 'x'`)
		require.ErrorContains(t, err, "append-only")
		_, err = s.DB().ExecContext(ctx, `TRUNCATE complaint_events CASCADE`)
		require.ErrorContains(t, err, "append-only")
		require.NoError(t, s.AppendAudit(ctx, intake.AuditEntry{At: time.Now(), Login: "x", Action: intake.AuditView}))
		_, err = s.DB().ExecContext(ctx, `DELETE FROM audit_log`)
		require.ErrorContains(t, err, "append-only")
		_, err = s.DB().ExecContext(ctx, `TRUNCATE audit_log`)
		require.ErrorContains(t, err, "append-only")
		require.NoError(t, s.Close())
	}
}

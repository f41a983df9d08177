package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

// pgTool finds a PostgreSQL client program, preferring the server's own
// version (Debian keeps it under /usr/lib/postgresql/N/bin).
func pgTool(t *testing.T, name string) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	slices.Sort(dirs)
	if len(dirs) > 0 {
		return dirs[len(dirs)-1]
	}
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed: the pg_dump/pg_restore test is skipped", name)
	}
	return p
}

// freshDatabase creates an empty database and returns its DSN.
func freshDatabase(t *testing.T, dsn string) string {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	defer db.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "portal_restore_" + hex.EncodeToString(b)
	_, err = db.Exec("CREATE DATABASE " + name)
	require.NoError(t, err)
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			db.Close()
		}
	})
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	u.Path = "/" + name
	return u.String()
}

// TestPgDumpAndRestore runs the backup and restore DEPLOY.md documents for a
// PostgreSQL store, while a replica keeps writing: pg_dump --format=custom,
// then pg_restore --no-owner into an empty database, which portal opens as
// a working store with every table's rows and rules.
func TestPgDumpAndRestore(t *testing.T) {
	dsn := testDSN(t)
	dump, restore := pgTool(t, "pg_dump"), pgTool(t, "pg_restore")
	ctx := context.Background()
	src := freshDatabase(t, dsn)
	s, err := Open(ctx, src)
	require.NoError(t, err)
	defer s.Close()
	at := time.Date(2025, 1, 15, 2, 0, 0, 0, time.UTC)
	c := intaketest.Sample(1, at)
	pdf, err := intake.CheckAttachment("发票.pdf", "", intaketest.PDF)
	require.NoError(t, err)
	pdf.ID = 1
	c.Attachments = []intake.Attachment{pdf}
	require.NoError(t, s.Create(ctx, c, at, at.Add(-intake.DuplicateWindow)))
	require.NoError(t, s.CreateAccount(ctx, &intake.Account{Login: "li", Name: "李四", Role: intake.RoleSupervisor,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", CreatedAt: at, UpdatedAt: at},
		intake.AuditEntry{At: at, Login: "cli:root", Addr: "cli", Action: intake.AuditAccountAdd, Detail: "li"}))

	// A replica keeps writing during the dump: pg_dump reads one snapshot.
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 2; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			assert.NoError(t, s.Create(ctx, intaketest.Sample(i, at.Add(time.Duration(i)*time.Minute)), at, at))
		}
	}()
	file := filepath.Join(t.TempDir(), "intake.dump")
	cmd := exec.CommandContext(ctx, dump, "--format=custom", "--file="+file, src)
	outb, err := cmd.CombinedOutput()
	close(stop)
	<-done
	require.NoError(t, err, "pg_dump: %s", outb)

	dst := freshDatabase(t, dsn)
	outb, err = exec.CommandContext(ctx, restore, "--no-owner", "--exit-on-error", "-d", dst, file).CombinedOutput()
	require.NoError(t, err, "pg_restore: %s", outb)

	r, err := Open(ctx, dst)
	require.NoError(t, err)
	defer r.Close()
	got, err := r.Get(ctx, c.Receipt)
	require.NoError(t, err)
	assert.Equal(t, "张三", got.Name)
	f, err := r.Attachment(ctx, c.Receipt, 1)
	require.NoError(t, err)
	assert.Equal(t, intaketest.PDF, f.Data)
	a, err := r.GetAccount(ctx, "li")
	require.NoError(t, err)
	assert.Equal(t, "李四", a.Name)
	audit, err := r.ListAudit(ctx, intake.AuditFilter{})
	require.NoError(t, err)
	assert.Len(t, audit, 1)
	var complaints, events int
	require.NoError(t, r.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints`).Scan(&complaints))
	require.NoError(t, r.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM complaint_events`).Scan(&events))
	assert.Greater(t, complaints, 1)
	assert.Equal(t, complaints, events, "one consistent snapshot")
	_, err = r.DB().ExecContext(ctx, `DELETE FROM audit_log`)
	assert.ErrorContains(t, err, "append-only", "the rules came back with the data")
	// New complaints get new receipt numbers after the restored ones.
	next := intaketest.Sample(10000, at.Add(time.Hour))
	require.NoError(t, r.Create(ctx, next, at, at))
	assert.NotEqual(t, c.Receipt, next.Receipt)
}

package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

func TestConformance(t *testing.T) {
	intaketest.Run(t, func(t *testing.T) intake.Store {
		s, err := Open(context.Background(), filepath.Join(t.TempDir(), "state dir", "intake.db"))
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "intake.db")
	ctx := context.Background()
	s, err := Open(ctx, path)
	require.NoError(t, err)
	c := intaketest.Sample(1, intaketestBase)
	require.NoError(t, s.Create(ctx, c, intaketestBase, intaketestBase))
	require.NoError(t, s.Close())
	s, err = Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	got, err := s.Get(ctx, c.Receipt)
	require.NoError(t, err)
	require.Equal(t, c.Title, got.Title)
	// Durability comes from these two settings: check they took effect.
	var mode string
	var sync int
	require.NoError(t, s.DB().QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode))
	require.NoError(t, s.DB().QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync))
	require.Equal(t, "wal", mode)
	require.Equal(t, 2, sync, "synchronous=FULL")
	var n int
	require.NoError(t, s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
	require.Equal(t, 2, n, "both migrations, once")
	// The history is append-only in the database itself.
	_, err = s.DB().ExecContext(ctx, `DELETE FROM complaint_events`)
	require.ErrorContains(t, err, "append-only")
	require.NoError(t, s.AppendAudit(ctx, intake.AuditEntry{At: intaketestBase, Login: "x", Action: intake.AuditView}))
	_, err = s.DB().ExecContext(ctx, `DELETE FROM audit_log`)
	require.ErrorContains(t, err, "append-only")
	_, err = s.Update(ctx, c.Receipt, func(c *intake.Complaint) error {
		c.Notes = append(c.Notes, intake.Note{Seq: 1, At: intaketestBase, Actor: "李四", Login: "li", Text: "备注"})
		return nil
	})
	require.NoError(t, err)
	_, err = s.DB().ExecContext(ctx, `UPDATE complaint_notes SET text = 'x'`)
	require.ErrorContains(t, err, "append-only")
}

var intaketestBase = time.Date(2025, 1, 15, 2, 30, 0, 0, time.UTC)

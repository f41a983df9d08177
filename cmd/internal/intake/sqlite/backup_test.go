package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
	"portal/cmd/internal/intake/sqldb"
)

// fill puts one of everything the store holds into s: complaints with
// history, attachments and notes, a staff account, a session and audit
// lines. It returns the receipt of the complaint with attachments.
func fill(t *testing.T, s *sqldb.Store) string {
	t.Helper()
	ctx := context.Background()
	at := intaketestBase
	c := intaketest.Sample(1, at)
	c.EnterpriseName, c.CreditCode = "临沂某某建设有限公司", "91371300MA3C8L1X1A"
	pdf, err := intake.CheckAttachment("发票.pdf", "", intaketest.PDF)
	require.NoError(t, err)
	pdf.ID = 1
	c.Attachments = []intake.Attachment{pdf}
	require.NoError(t, s.Create(ctx, c, at, at.Add(-intake.DuplicateWindow)))
	_, err = s.Update(ctx, c.Receipt, func(c *intake.Complaint) error {
		c.Notes = append(c.Notes, intake.Note{Seq: 1, At: at, Actor: "李四", Login: "li", Text: "已电话联系企业"})
		return nil
	}, intake.AuditEntry{At: at, Login: "li", Addr: "127.0.0.1", Action: intake.AuditView, Receipt: c.Receipt})
	require.NoError(t, err)
	require.NoError(t, s.CreateAccount(ctx, &intake.Account{Login: "li", Name: "李四", Role: intake.RoleSupervisor,
		PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", CreatedAt: at, UpdatedAt: at}))
	require.NoError(t, s.CreateSession(ctx, &intake.Session{ID: "abcd", Login: "li", CSRF: "x", Addr: "127.0.0.1", CreatedAt: at, LastSeen: at}))
	return c.Receipt
}

func TestBackupAndRestoreCarryEverything(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, filepath.Join(dir, "intake.db"))
	require.NoError(t, err)
	defer s.Close()
	receipt := fill(t, s)

	// Complaints keep arriving while the backup is taken: the backup is
	// one consistent snapshot, and no submission waits on it or fails.
	var wg sync.WaitGroup
	var created atomic.Int64
	stop := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 2; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c := intaketest.Sample(i, intaketestBase.Add(time.Duration(i)*time.Minute))
			if assert.NoError(t, s.Create(ctx, c, intaketestBase, intaketestBase)) {
				created.Add(1)
			}
		}
	}()
	for created.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	backup := filepath.Join(dir, "backups", "intake-1.db")
	counts, err := Backup(ctx, s, backup)
	close(stop)
	wg.Wait()
	require.NoError(t, err)

	st, err := os.Stat(backup)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "a backup holds personal data: owner only")
	dst, err := os.Stat(filepath.Dir(backup))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), dst.Mode().Perm())
	left, _ := filepath.Glob(filepath.Join(dir, "backups", ".*"))
	assert.Empty(t, left, "no partial file is left behind")

	assert.GreaterOrEqual(t, counts["complaints"], 21)
	assert.Equal(t, counts["complaints"], counts["complaint_events"], "one history line per complaint: a consistent snapshot")
	for _, table := range []string{"complaint_attachments", "complaint_notes", "staff_accounts", "staff_sessions", "audit_log"} {
		assert.Equal(t, 1, counts[table], table)
	}
	assert.Equal(t, 2, counts["schema_migrations"])

	_, err = Backup(ctx, s, backup)
	assert.ErrorContains(t, err, "already exists", "a backup never overwrites another")

	// Restore into a fresh place, as on a new machine.
	restored := filepath.Join(t.TempDir(), "state", "intake.db")
	got, aside, err := Restore(ctx, backup, restored)
	require.NoError(t, err)
	assert.Empty(t, aside, "nothing was there to replace")
	assert.Equal(t, counts, got)
	st, err = os.Stat(restored)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	r, err := Open(ctx, restored)
	require.NoError(t, err)
	defer r.Close()
	c, err := r.Get(ctx, receipt)
	require.NoError(t, err)
	assert.Equal(t, "临沂某某建设有限公司", c.EnterpriseName)
	assert.Equal(t, "张三", c.Name)
	require.Len(t, c.Notes, 1)
	assert.Equal(t, "已电话联系企业", c.Notes[0].Text)
	f, err := r.Attachment(ctx, receipt, 1)
	require.NoError(t, err)
	assert.Equal(t, intaketest.PDF, f.Data)
	a, err := r.GetAccount(ctx, "li")
	require.NoError(t, err)
	assert.Equal(t, "李四", a.Name)
	ss, err := r.GetSession(ctx, "abcd")
	require.NoError(t, err)
	assert.Equal(t, "li", ss.Login)
	audit, err := r.ListAudit(ctx, intake.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, audit, 1)
	assert.Equal(t, receipt, audit[0].Receipt)
	// The restored store is a working store: the append-only rules hold.
	_, err = r.DB().ExecContext(ctx, `DELETE FROM audit_log`)
	assert.ErrorContains(t, err, "append-only")
	c2 := intaketest.Sample(999, intaketestBase.Add(48*time.Hour))
	require.NoError(t, r.Create(ctx, c2, intaketestBase.Add(48*time.Hour), intaketestBase))
}

func TestRestoreRefusesAnOpenStoreAndKeepsTheReplacedOne(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "intake.db")
	s, err := Open(ctx, live)
	require.NoError(t, err)
	fill(t, s)
	backup := filepath.Join(dir, "b.db")
	_, err = Backup(ctx, s, backup)
	require.NoError(t, err)
	// A complaint after the backup: restoring will not have it, but the
	// replaced database keeps it.
	late := intaketest.Sample(7, intaketestBase.Add(time.Hour))
	require.NoError(t, s.Create(ctx, late, intaketestBase, intaketestBase))

	_, _, err = Restore(ctx, backup, live)
	require.ErrorContains(t, err, "in use: stop portal serve", "the server still has it open")
	// Nothing changed.
	_, err = s.Get(ctx, late.Receipt)
	require.NoError(t, err)
	require.NoError(t, s.Close())

	_, aside, err := Restore(ctx, backup, live)
	require.NoError(t, err)
	require.NotEmpty(t, aside)
	r, err := Open(ctx, live)
	require.NoError(t, err)
	_, err = r.Get(ctx, late.Receipt)
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err), "the restored store is the backup")
	require.NoError(t, r.Close())
	old, err := Open(ctx, aside)
	require.NoError(t, err)
	defer old.Close()
	_, err = old.Get(ctx, late.Receipt)
	assert.NoError(t, err, "the replaced database is kept whole, with what its WAL held")
}

func TestRestoreRefusesWhatIsNotABackup(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	live := filepath.Join(dir, "intake.db")
	s, err := Open(ctx, live)
	require.NoError(t, err)
	fill(t, s)
	require.NoError(t, s.Close())
	for name, data := range map[string][]byte{
		"text":      []byte("not a database"),
		"truncated": func() []byte { b, _ := os.ReadFile(live); return b[:len(b)/2] }(),
	} {
		bad := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(bad, data, 0o600))
		_, _, err := Restore(ctx, bad, live)
		assert.Error(t, err, name)
	}
	other := filepath.Join(dir, "other.db")
	require.NoError(t, os.WriteFile(other, nil, 0o600))
	_, _, err = Restore(ctx, other, live)
	assert.ErrorContains(t, err, "not a complaint store")
	_, err = Verify(ctx, live)
	assert.NoError(t, err, "the live store is untouched")
	_, err = os.Stat(filepath.Join(dir, fmt.Sprintf("%s.replaced-", "intake.db")))
	assert.True(t, os.IsNotExist(err))
}

func TestStoreIsOwnerOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "intake.db")
	s, err := Open(ctx, path)
	require.NoError(t, err)
	fill(t, s)
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(name)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), name)
	}
	require.NoError(t, s.Close())
	// A store made by an older version (0644) is narrowed when opened.
	require.NoError(t, os.Chmod(path, 0o644))
	s, err = Open(ctx, path)
	require.NoError(t, err)
	defer s.Close()
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
}

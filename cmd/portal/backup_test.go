package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestComplaintsBackupRestoreCLI: an operator backs up the store (default
// place, timestamped, 0600), loses the database, restores it, and the
// complaint is back with the audit line of the backup itself.
func TestComplaintsBackupRestoreCLI(t *testing.T) {
	dir, r := complaintSite(t)
	out, _, err := runCLI(t, "complaints", "backup", "-site", dir)
	require.NoError(t, err)
	m := regexp.MustCompile(`已备份到 (\S+)（仅所有者可读）：投诉 1 件`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	backup := m[1]
	assert.Equal(t, filepath.Join(dir, ".portal", "backups"), filepath.Dir(backup))
	assert.Regexp(t, `^intake-\d{8}-\d{6}\.db$`, filepath.Base(backup))
	assert.Contains(t, out, "审计记录 1 条", "the backup records itself in the audit trail")
	st, err := os.Stat(backup)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	// -o and -keep: a named backup, and old default-named ones pruned.
	named := filepath.Join(t.TempDir(), "nightly", "intake-20250101-000000.db")
	_, _, err = runCLI(t, "complaints", "backup", "-site", dir, "-o", named)
	require.NoError(t, err)
	older := filepath.Join(filepath.Dir(named), "intake-20240101-000000.db")
	require.NoError(t, os.WriteFile(older, []byte("old"), 0o600))
	out, _, err = runCLI(t, "complaints", "backup", "-site", dir, "-o", filepath.Join(filepath.Dir(named), "intake-20250102-000000.db"), "-keep", "2")
	require.NoError(t, err)
	assert.Contains(t, out, "已删除较早的备份 "+older)
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(named), "*"))
	assert.Len(t, left, 2)

	// The database is lost; the backup brings the complaint back.
	db := filepath.Join(dir, ".portal", "intake.db")
	for _, f := range []string{db, db + "-wal", db + "-shm"} {
		os.Remove(f)
	}
	out, _, err = runCLI(t, "complaints", "restore", "-site", dir, "-from", backup)
	require.NoError(t, err)
	assert.Contains(t, out, "已从 "+backup+" 恢复投诉库")
	out, _, err = runCLI(t, "complaints", "show", "-site", dir, r.Receipt)
	require.NoError(t, err)
	assert.Contains(t, out, "张三")

	// Mistakes say what to do.
	_, _, err = runCLI(t, "complaints", "restore", "-site", dir)
	assert.ErrorContains(t, err, "-from FILE")
	_, _, err = runCLI(t, "complaints", "backup", "-site", dir, "-o", backup)
	assert.ErrorContains(t, err, "already exists")
	_, _, err = runCLI(t, "complaints", "backup", "-site", dir, "-db", "postgres://portal:secret@db.example/portal")
	assert.ErrorContains(t, err, "pg_dump --format=custom")
	assert.NotContains(t, err.Error(), "secret", "the password is not printed")
}

package sqldb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"portal/cmd/internal/intake"
)

func TestRebind(t *testing.T) {
	pg := Dialect{Placeholder: func(n int) string { return "$" + strconv.Itoa(n) }}
	assert.Equal(t, "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)", pg.Rebind("SELECT a FROM t WHERE b = ? AND c IN (?, ?)"))
	assert.Equal(t, "x = ?", Dialect{}.Rebind("x = ?"))
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	open := func(t *testing.T) *sql.DB {
		db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "m.db"))
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}
	t.Run("in version order, once", func(t *testing.T) {
		db := open(t)
		fsys := fstest.MapFS{
			"m/002_b.sql":  {Data: []byte(`INSERT INTO t VALUES (2);`)},
			"m/001_a.sql":  {Data: []byte(`CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1);`)},
			"m/README.txt": {Data: []byte(`ignored`)},
		}
		for range 2 {
			require.NoError(t, Migrate(ctx, db, Dialect{}, fsys, "m"))
		}
		var n, sum int
		require.NoError(t, db.QueryRow(`SELECT COUNT(*), SUM(v) FROM t`).Scan(&n, &sum))
		assert.Equal(t, 2, n)
		assert.Equal(t, 3, sum)
	})
	t.Run("a failing migration leaves nothing behind", func(t *testing.T) {
		db := open(t)
		fsys := fstest.MapFS{"m/001_a.sql": {Data: []byte(`CREATE TABLE t (v INTEGER); INSERT INTO nope VALUES (1);`)}}
		err := Migrate(ctx, db, Dialect{}, fsys, "m")
		require.ErrorContains(t, err, "001_a.sql")
		var n int
		require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 't'`).Scan(&n))
		assert.Equal(t, 0, n)
	})
	t.Run("badly named file", func(t *testing.T) {
		err := Migrate(ctx, open(t), Dialect{}, fstest.MapFS{"m/init.sql": {Data: []byte(``)}}, "m")
		require.ErrorContains(t, err, "init.sql: name must start with a number")
	})
}

// TestCloseAnswersEveryCreate closes the store while Creates are arriving:
// each one gets an answer (stored, or an error), none hangs.
func TestCloseAnswersEveryCreate(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "c.db")+"?_txlock=immediate&_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	require.NoError(t, Migrate(context.Background(), db, Dialect{}, fstest.MapFS{"m/001_init.sql": {Data: schema(t)}}, "m"))
	s := New(db, Dialect{Name: "sqlite", GroupCommit: true})
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := time.Date(2025, 1, 15, 2, 0, i, 0, time.UTC)
			c := &intake.Complaint{CreatedAt: at, Status: intake.StatusReceived, Fingerprint: strconv.Itoa(i),
				Events: []intake.Event{{Seq: 1, At: at, Actor: "public", Type: intake.EventReceived}}}
			_ = s.Create(context.Background(), c, at, at) // stored or "store closed": both are answers
		}()
	}
	s.Close()
	wg.Wait() // returns only if every Create was answered
}

// schema is the SQLite migration, read from the sqlite package's folder.
func schema(t *testing.T) []byte {
	b, err := os.ReadFile(filepath.Join("..", "sqlite", "migrations", "001_init.sql"))
	require.NoError(t, err)
	return b
}

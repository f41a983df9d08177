package ledger

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// editFile rewrites one file of the log folder with f (gzip-aware).
func editFile(t *testing.T, path string, f func(lines []string) []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	gz := strings.HasSuffix(path, ".gz")
	if gz {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		require.NoError(t, err)
		b, err = io.ReadAll(zr)
		require.NoError(t, err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	out := []byte(strings.Join(f(lines), "\n") + "\n")
	if gz {
		var z bytes.Buffer
		zw := gzip.NewWriter(&z)
		zw.Write(out)
		require.NoError(t, zw.Close())
		out = z.Bytes()
	}
	require.NoError(t, os.WriteFile(path, out, 0o644))
}

// TestTamperLog: every way of rewriting the stored log is found, with the
// file, the line and what is wrong.
func TestTamperLog(t *testing.T) {
	open := filepath.Join("entries", "000000.jsonl")
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, dir string, skey string)
		want   []string // all in the error
	}{
		{"old entry edited (deadline rewritten)", func(t *testing.T, dir, _ string) {
			editFile(t, filepath.Join(dir, open), func(l []string) []string {
				l[2] = strings.Replace(l[2], `"deadline":"2025-12-31"`, `"deadline":"2025-09-30"`, 1)
				return l
			})
		}, []string{"data/ledger/entries/000000.jsonl:3", "commitments/e01 第 2 版", "内容哈希"}},
		{"old entry edited with its hash recomputed", func(t *testing.T, dir, _ string) {
			l, err := Read(dir, ReadOptions{})
			require.NoError(t, err)
			v := l.Record("commitments/e01").Latest.Clone()
			v.set("status", "partial")
			editFile(t, filepath.Join(dir, open), func(lines []string) []string {
				lines[3] = strings.Replace(lines[3], `"status":"fulfilled"`, `"status":"partial"`, 1)
				lines[3] = strings.Replace(lines[3], l.Entries[3].Hash, v.Hash(), 1)
				return lines
			})
		}, []string{"前 5 条条目计算的树根哈希", "与检查点记载的", "不符"}},
		{"entry deleted", func(t *testing.T, dir, _ string) {
			editFile(t, filepath.Join(dir, open), func(l []string) []string { return append(l[:1], l[2:]...) })
		}, []string{"000000.jsonl:2", "序号为 2，此位置应为 1"}},
		{"entries reordered", func(t *testing.T, dir, _ string) {
			editFile(t, filepath.Join(dir, open), func(l []string) []string { l[2], l[3] = l[3], l[2]; return l })
		}, []string{"000000.jsonl:3", "序号为 3，此位置应为 2"}},
		{"entry deleted and the rest renumbered", func(t *testing.T, dir, _ string) {
			editFile(t, filepath.Join(dir, open), func(l []string) []string {
				l = append(l[:2], l[3:]...)
				for i := 2; i < len(l); i++ {
					l[i] = strings.Replace(l[i], fmt.Sprintf(`{"n":%d,`, i+1), fmt.Sprintf(`{"n":%d,`, i), 1)
				}
				return l
			})
		}, []string{"commitments/e01 第 3 版", "上一版本为第 1 版"}},
		{"entry rewritten by hand (key order)", func(t *testing.T, dir, _ string) {
			editFile(t, filepath.Join(dir, open), func(l []string) []string {
				l[0] = strings.Replace(l[0], `{"n":0,"date":"2024-11-25",`, `{"date":"2024-11-25","n":0,`, 1)
				return l
			})
		}, []string{"000000.jsonl:1", "canonical"}},
		{"last line cut", func(t *testing.T, dir, _ string) {
			p := filepath.Join(dir, open)
			b, _ := os.ReadFile(p)
			require.NoError(t, os.WriteFile(p, b[:len(b)-10], 0o644))
		}, []string{"000000.jsonl:5"}},
		{"checkpoint of a different tree (same key)", func(t *testing.T, dir, skey string) {
			c := startup()
			c.Title = "另一份承诺"
			other2 := NewLog()
			publish(t, t.TempDir(), other2, skey, "2024-11-25", versionOf(t, c))
			for range 4 {
				c.Title += "！"
				publish(t, t.TempDir(), other2, skey, "2024-11-26", versionOf(t, c))
			}
			require.NoError(t, os.WriteFile(filepath.Join(dir, CheckpointFile), other2.Checkpoint, 0o644))
		}, []string{"前 5 条条目计算的树根哈希", "检查点被替换"}},
		{"checkpoint signed by another key", func(t *testing.T, dir, _ string) {
			other, _ := testKey(t)
			l, err := Read(dir, ReadOptions{})
			require.NoError(t, err)
			root, _ := l.TreeHash(l.Size())
			signed, err := Sign(Checkpoint{Origin: "xyxx.example.gov.cn/log", N: l.Size(), Hash: root}, other)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, CheckpointFile), signed, 0o644))
		}, []string{"不是用本站公钥"}},
		{"checkpoint deleted", func(t *testing.T, dir, _ string) {
			require.NoError(t, os.Remove(filepath.Join(dir, CheckpointFile)))
		}, []string{"没有检查点"}},
		{"all entries deleted", func(t *testing.T, dir, _ string) {
			require.NoError(t, os.RemoveAll(filepath.Join(dir, "entries")))
		}, []string{"缺少条目文件夹"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			l, skey := history(t, dir)
			require.EqualValues(t, 5, l.Size())
			tc.tamper(t, dir, skey)
			err := verifyDir(dir, mustPublic(t, skey))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// verifyDir is what verify -site does with the log folder.
func verifyDir(dir, vkey string) error {
	l, err := Read(dir, ReadOptions{Verify: true})
	if err != nil {
		return err
	}
	cp, err := l.VerifyCheckpoint(vkey)
	if err != nil {
		return err
	}
	if cp.N != l.Size() {
		return fmt.Errorf("%d unsigned entries", l.Size()-cp.N)
	}
	return nil
}

func TestTamperSealedSegment(t *testing.T) {
	dir := t.TempDir()
	skey, vkey := testKey(t)
	l := NewLog()
	var vs []Version
	for i := 0; i < 260; i++ {
		c := startup()
		c.ID = fmt.Sprintf("c%03d", i)
		vs = append(vs, versionOf(t, c))
	}
	publish(t, dir, l, skey, "2025-01-01", vs...)
	require.NoError(t, verifyDir(dir, vkey))
	editFile(t, filepath.Join(dir, "entries", "000000.jsonl.gz"), func(l []string) []string {
		l[100] = strings.Replace(l[100], `"deadline":"2025-06-30"`, `"deadline":"2025-12-31"`, 1)
		return l
	})
	err := verifyDir(dir, vkey)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "000000.jsonl.gz:101")
	assert.Contains(t, err.Error(), "commitments/c100 第 1 版")
}

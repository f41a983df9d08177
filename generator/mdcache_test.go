package generator

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/fingerprint"
	"portal/generator/markdown"
)

// TestMarkdownStore: rendered Markdown saved by one process is read back by
// the next exactly; a save rewrites only the shards whose keys changed; a
// damaged shard or one written by another program counts as empty.
func TestMarkdownStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "markdown")
	salt := fingerprint.String("program A")
	docs := map[fingerprint.Sum]markdown.Doc{}
	for _, src := range []string{"# 标题\n\n正文", "", "第二篇", "third\n\n* a\n* b"} {
		docs[fingerprint.String(src)] = markdown.Doc{HTML: "<p>" + src + "</p>", Text: src}
	}
	s := &mdStore{dir: dir, salt: salt}
	require.NoError(t, s.save(docs))

	next := &mdStore{dir: dir, salt: salt}
	for k, d := range docs {
		got, ok := next.get(k)
		require.True(t, ok)
		assert.Equal(t, d, got)
	}
	_, ok := next.get(fingerprint.String("never rendered"))
	assert.False(t, ok)

	// One body edited: the old key's shard and the new key's are rewritten,
	// no other.
	inodes := func() map[string]uint64 {
		out := map[string]uint64{}
		for n := range mdShards {
			if info, err := os.Stat(next.shardPath(n)); err == nil {
				out[filepath.Base(next.shardPath(n))] = inode(info)
			}
		}
		return out
	}
	before := inodes()
	old := fingerprint.String("第二篇")
	edited := fingerprint.String("第二篇，改")
	delete(docs, old)
	docs[edited] = markdown.Doc{HTML: "<p>第二篇，改</p>", Text: "第二篇，改"}
	require.NoError(t, next.save(docs))
	after := inodes()
	for name, ino := range before {
		changed := name == filepath.Base(next.shardPath(mdShardOf(old))) || name == filepath.Base(next.shardPath(mdShardOf(edited)))
		assert.Equal(t, changed, after[name] != ino, name)
	}
	third := &mdStore{dir: dir, salt: salt}
	_, ok = third.get(old)
	assert.False(t, ok)
	got, ok := third.get(edited)
	require.True(t, ok)
	assert.Equal(t, "第二篇，改", got.Text)

	// Another program: nothing is taken.
	other := &mdStore{dir: dir, salt: fingerprint.String("program B")}
	_, ok = other.get(edited)
	assert.False(t, ok)

	// A damaged shard: its documents are rendered again, the others kept.
	path := third.shardPath(mdShardOf(edited))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	// Replaced, as the store replaces shards: an earlier store may have
	// the old file mapped.
	require.NoError(t, os.WriteFile(path+".tmp", b[:len(b)-1], 0o600))
	require.NoError(t, os.Rename(path+".tmp", path))
	fourth := &mdStore{dir: dir, salt: salt}
	_, ok = fourth.get(edited)
	assert.False(t, ok)
	for k := range docs {
		if mdShardOf(k) != mdShardOf(edited) {
			_, ok := fourth.get(k)
			assert.True(t, ok)
		}
	}
}

func inode(info os.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

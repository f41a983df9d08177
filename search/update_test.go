package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomDocs makes n documents of a small vocabulary, so queries tie often.
func randomDoc(rng *rand.Rand, i int) Document {
	words := []string{"政务诚信", "营商环境", "政策兑现", "拖欠账款", "信用修复", "承诺", "整改", "公示", "税"}
	kinds := []string{"news", "cases", "records", "policies"}
	var b strings.Builder
	for range 3 + rng.IntN(6) {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteString("。")
	}
	return Document{
		URL: fmt.Sprintf("/%s/p%04d/", kinds[i%4], i), Title: fmt.Sprintf("第%d号 %s", i, words[rng.IntN(len(words))]),
		Text: b.String(), Kind: kinds[i%4], KindLabel: kinds[i%4], Departments: []string{[]string{"fgw", "czj"}[rng.IntN(2)]},
		DepartmentNames: []string{"单位"}, Status: []string{"", "done"}[rng.IntN(2)],
		Date: time.Date(2023+rng.IntN(2), time.Month(1+rng.IntN(2)), 1, 0, 0, 0, 0, time.UTC),
	}
}

// answers runs every query and returns what a user would see.
func answers(t *testing.T, dir string) []Result {
	t.Helper()
	ix, err := Open(dir)
	require.NoError(t, err)
	defer ix.Close()
	var out []Result
	for _, q := range []Query{
		{}, {Sort: SortDate}, {Text: "政务诚信"}, {Text: "承诺 整改"}, {Text: "税", Sort: SortDate, Page: 2, Size: 5},
		{Kind: "news"}, {Text: "公示", Department: "czj", Status: "done"}, {Text: "第1"}, {Text: "营商", Year: 2024, Size: 50},
	} {
		r, err := ix.Search(context.Background(), q)
		require.NoError(t, err)
		r.Took = 0
		out = append(out, r)
	}
	return out
}

// TestSyncAnswersAsBuild applies random edits, additions and deletions with
// Sync and checks, after each step, that the index answers every query
// exactly as an index built anew from the same documents, and that no
// index folder is left beyond the current one.
func TestSyncAnswersAsBuild(t *testing.T) {
	steps := 12
	if testing.Short() {
		steps = 4
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var docs []Document
	next := 0
	for range 300 {
		docs = append(docs, randomDoc(rng, next))
		next++
	}
	synced := t.TempDir()
	st, err := Sync(context.Background(), synced, docs, Options{Shards: 3})
	require.NoError(t, err)
	assert.True(t, st.Rebuilt, "the first Sync builds")
	for step := range steps {
		for range 1 + rng.IntN(8) {
			switch i := rng.IntN(len(docs)); rng.IntN(3) {
			case 0: // edit
				d := randomDoc(rng, next)
				d.URL = docs[i].URL
				docs[i] = d
			case 1: // add
				docs = append(docs, randomDoc(rng, next))
				next++
			case 2: // delete
				docs = append(docs[:i], docs[i+1:]...)
			}
		}
		st, err := Sync(context.Background(), synced, docs, Options{Shards: 3})
		require.NoError(t, err)
		require.False(t, st.Rebuilt, "step %d: updated in place", step)
		fresh := t.TempDir()
		_, err = Build(context.Background(), fresh, docs, Options{Shards: 3})
		require.NoError(t, err)
		got, want := answers(t, synced), answers(t, fresh)
		for i := range want {
			if !reflect.DeepEqual(want[i], got[i]) {
				t.Fatalf("step %d, query %+v: updated index answers\n%+v\nbuilt anew answers\n%+v", step, want[i].Query, got[i], want[i])
			}
		}
		entries, err := os.ReadDir(synced)
		require.NoError(t, err)
		assert.Len(t, entries, 2, "step %d: CURRENT and one index, no unread copy: %v", step, entries)
	}
	st, err = Sync(context.Background(), synced, docs, Options{Shards: 3})
	require.NoError(t, err)
	assert.Empty(t, st.Dir, "nothing changed, nothing written")
}

// TestFollowerKeepsOldIndexWhileReading: an index a reader holds stays on
// disk until the reader lets go, then goes.
func TestFollowerKeepsOldIndexWhileReading(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var docs []Document
	for i := range 50 {
		docs = append(docs, randomDoc(rng, i))
	}
	dir := t.TempDir()
	_, err := Sync(context.Background(), dir, docs, Options{Shards: 2})
	require.NoError(t, err)
	f := Follow(dir)
	_, err = f.Search(context.Background(), Query{Text: "承诺"})
	require.NoError(t, err)
	first, _ := readPointer(dir)

	docs[0].Title = "改过的标题"
	_, err = Sync(context.Background(), dir, docs, Options{Shards: 2})
	require.NoError(t, err)
	assert.DirExists(t, dir+"/"+first, "the follower still reads it")
	f.Reload()
	res, err := f.Search(context.Background(), Query{Text: "改过的标题"})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Total, "Reload switches at once")
	require.Eventually(t, func() bool { _, err := os.Stat(dir + "/" + first); return os.IsNotExist(err) }, 5*time.Second, 10*time.Millisecond,
		"the last reader removes the old index")
	require.NoError(t, f.Close())
}

func TestFingerprintCoversDocument(t *testing.T) {
	base := Document{URL: "/a/", Date: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	sum := fingerprintDoc(&base)
	v := reflect.ValueOf(&base).Elem()
	for i := range v.NumField() {
		d := base
		f := reflect.ValueOf(&d).Elem().Field(i)
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{"x"}))
		case reflect.Struct:
			f.Set(reflect.ValueOf(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)))
		case reflect.Int:
			f.SetInt(7)
		case reflect.Bool:
			f.SetBool(true)
		}
		assert.NotEqual(t, sum, fingerprintDoc(&d), "Document.%s changes the fingerprint", v.Type().Field(i).Name)
	}
}

package generator

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
	"portal/generator/outputtest"
)

// TestOnce: a pipeline that runs once writes the same site as one that
// runs again, then holds no rendered HTML and no Markdown source for the
// stages after publish (the entries keep their text), and refuses a
// second run.
func TestOnce(t *testing.T) {
	now := fday(2026, 11, 1)
	want := filepath.Join(t.TempDir(), "public")
	kept, err := Build(t.Context(), Options{SiteDir: "..", OutDir: want, Now: now})
	require.NoError(t, err)

	got := filepath.Join(t.TempDir(), "public")
	var atIndex []model.Entry // what a stage after publish sees
	p := New(Options{SiteDir: "..", OutDir: got, Now: now, Once: true}).After(StagePublish, Stage{Name: "look", Run: func(_ context.Context, r *Result) error {
		atIndex = r.Entries
		return nil
	}})
	res, err := p.Run(t.Context())
	require.NoError(t, err)
	outputtest.Same(t, "a build with Once against one without", want, got)

	require.Len(t, atIndex, len(kept.Entries))
	for i, e := range atIndex {
		assert.Empty(t, e.HTML, e.Path)
		assert.Equal(t, kept.Entries[i].Text, e.Text, "the index reads the text: %s", e.Path)
	}
	require.NotEmpty(t, kept.Site.News)
	assert.NotEmpty(t, kept.Site.News[0].Body, "without Once the model is whole")
	for _, n := range res.Site.News {
		assert.Empty(t, n.Body, n.ID)
	}
	assert.NotEmpty(t, kept.Entries[0].HTML)

	_, err = p.Run(t.Context())
	assert.Error(t, err, "a pipeline with Once runs once")
}

package generator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPipelineStages(t *testing.T) {
	var ran []string
	stage := func(name string, fn func(r *Result) error) Stage {
		return Stage{Name: name, Run: func(_ context.Context, r *Result) error {
			ran = append(ran, name)
			if fn != nil {
				return fn(r)
			}
			return nil
		}}
	}
	out := filepath.Join(t.TempDir(), "public")
	p := New(Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-07-01"), Site: tinySite()})
	p.After(StageDerive, stage("figures", func(r *Result) error {
		require.False(t, r.Today.IsZero(), "derive ran first")
		r.AddPage(ExtraPage{Path: "/hello/", Template: "list", Title: "你好", Data: &ListData{}})
		return nil
	}))
	p.After(StageDerive, stage("second", nil))
	p.Before(StagePublish, stage("log", func(r *Result) error {
		require.NotEmpty(t, r.Entries, "render ran first")
		r.AddFile("log/checkpoint", []byte("ok\n"))
		return nil
	}))
	p.After(StagePublish, stage("index", func(r *Result) error {
		assert.FileExists(t, filepath.Join(out, "log", "checkpoint"), "published before the stages after publish")
		return nil
	}))
	assert.Equal(t, []string{StageLoad, StageLedger, StageDerive, "figures", "second", StageIndicators, StageRender, "log", StagePublish, "index"}, p.Stages())

	res, err := p.Run(context.Background())
	require.NoError(t, err)
	assert.Equal(t, []string{"figures", "second", "log", "index"}, ran)
	assert.Contains(t, readOut(t, out, "hello/index.html"), "你好")
	var names []string
	for _, st := range res.Stages {
		names = append(names, st.Name)
	}
	assert.Equal(t, p.Stages(), names, "every stage is timed")

	t.Run("a failing stage publishes nothing", func(t *testing.T) {
		before := readOut(t, out, "index.html")
		q := New(Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-08-01"), Site: tinySite()})
		q.Before(StagePublish, Stage{Name: "fails", Run: func(context.Context, *Result) error { return errors.New("boom") }})
		_, err := q.Run(context.Background())
		require.ErrorContains(t, err, "boom")
		assert.Equal(t, before, readOut(t, out, "index.html"))
		left, err := os.ReadDir(filepath.Dir(out))
		require.NoError(t, err)
		assert.Len(t, left, 2, "the link and its versions, nothing else: %v", left)
	})

	t.Run("misplaced stages are programming errors", func(t *testing.T) {
		assert.Panics(t, func() {
			New(Options{}).After("nope", Stage{Name: "x", Run: func(context.Context, *Result) error { return nil }})
		})
		assert.Panics(t, func() {
			New(Options{}).After(StageLoad, Stage{Name: StageRender, Run: func(context.Context, *Result) error { return nil }})
		})
	})

	t.Run("check runs through derive and writes nothing", func(t *testing.T) {
		o := filepath.Join(t.TempDir(), "public")
		r, err := New(Options{SiteDir: t.TempDir(), OutDir: o, Now: date("2025-07-01"), Site: tinySite()}).RunThrough(context.Background(), StageDerive)
		require.NoError(t, err)
		assert.NotNil(t, r.Site)
		assert.NoDirExists(t, o)
	})
}

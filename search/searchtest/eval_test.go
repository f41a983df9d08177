package searchtest

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/search"
)

// measured holds the scores the default analysis reached on the generated
// judged set when it was chosen (see the table in the package README); the
// test fails if a change lowers them.
var measured = struct{ P, R, MRR float64 }{P: 1, R: 1, MRR: 1}

func TestRelevanceGenerated(t *testing.T) {
	t.Parallel()
	docs := Corpus(3000, 1)
	judged := GeneratedJudged(docs)
	require.NotEmpty(t, judged)
	for _, j := range judged {
		require.NotEmpty(t, j.Relevant, "judged query %q has answers in the corpus", j.Query)
	}
	results := map[string]Metrics{}
	for _, analysis := range []string{search.AnalysisBigram, search.AnalysisBigramUnigram} {
		dir := t.TempDir()
		_, err := search.Build(context.Background(), dir, Documents(docs), search.Options{Analysis: analysis})
		require.NoError(t, err)
		ix, err := search.Open(dir)
		require.NoError(t, err)
		m, err := Evaluate(context.Background(), ix, judged, 10)
		ix.Close()
		require.NoError(t, err)
		var b strings.Builder
		m.WriteTable(&b)
		t.Logf("analysis %s:\n%s", analysis, b.String())
		results[analysis] = m
	}
	def := results[search.DefaultAnalysis]
	assert.GreaterOrEqual(t, def.PrecisionK, measured.P)
	assert.GreaterOrEqual(t, def.RecallK, measured.R)
	assert.GreaterOrEqual(t, def.MRR, measured.MRR)
	assert.Equal(t, def.TopAsked, def.TopOK, "identifier lookups come first")
	assert.Zero(t, def.ZeroResults)
}

// TestPhrasePrecisionGenerated: for 6–8 character policy phrases (whose
// words also occur apart in many pages), the first results all hold the
// phrase whole.
func TestPhrasePrecisionGenerated(t *testing.T) {
	t.Parallel()
	docs := Corpus(3000, 1)
	judged := GeneratedPhrases(docs, 20)
	require.GreaterOrEqual(t, len(judged), 15)
	dir := t.TempDir()
	_, err := search.Build(context.Background(), dir, Documents(docs), search.Options{})
	require.NoError(t, err)
	ix, err := search.Open(dir)
	require.NoError(t, err)
	defer ix.Close()
	m, err := Evaluate(context.Background(), ix, judged, 10)
	require.NoError(t, err)
	var b strings.Builder
	m.WriteTable(&b)
	t.Logf("6–8 character phrases over 3,000 generated pages:\n%s", b.String())
	for _, q := range m.PerQuery {
		assert.InDelta(t, 1, q.P, 1e-9, "the first results for %q all hold it (%d hits, %d hold it)", q.Query, q.Hits, q.Relevant)
	}
}

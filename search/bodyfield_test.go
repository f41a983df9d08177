package search

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/stretchr/testify/require"
)

// bleveBody analyses text as bleve's own TextField with the zh analyzer
// does: the reference countTerms must equal.
func bleveBody(t testing.TB, dm *docMapper, text string) (int, map[string]int) {
	f := document.NewTextFieldCustom(fBody, nil, []byte(text), dm.bodyOptions, dm.analyzer)
	f.Analyze()
	return f.AnalyzedLength(), freqs(f.AnalyzedTokenFrequencies())
}

func freqs(tfs index.TokenFrequencies) map[string]int {
	out := make(map[string]int, len(tfs))
	for k, tf := range tfs {
		if k != string(tf.Term) {
			panic("term " + k + " keyed as " + string(tf.Term))
		}
		out[k] = tf.Frequency()
	}
	return out
}

// bodyTexts mixes what the tokenizer treats differently: Chinese runs,
// punctuation gaps, numbers and letters touching characters, repeats.
func bodyTexts() []string {
	pieces := []string{"政策兑现", "信用", "、", "，", " ", "“", "”", "。", "\n", "临发改信用〔2024〕295号", "a税b", "罚2022年",
		"gb 32100-2015", "abc1", "号", "——", "\xff", "ｅ\u0301", "拖欠中小企业账款", "政务诚信", "1", "x", "\U00020000"}
	cases := []string{"", "政策兑现", "税。费", "双随机、一公开", "“一把手”亮承诺", strings.Repeat("政务诚信建设，", 400)}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(30) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	return cases
}

// TestBodyFieldMatchesBleve holds the body field's own analysis equal to
// bleve's TextField with the zh analyzer (terms, frequencies, length), for
// both built-in analyses, so an index built or updated with it answers as
// one built through bleve's mapping would.
func TestBodyFieldMatchesBleve(t *testing.T) {
	t.Parallel()
	for _, analysis := range []string{AnalysisBigramUnigram, AnalysisBigram} {
		m, err := newMapping(analysis)
		require.NoError(t, err)
		dm, err := newDocMapper(m, analysis)
		require.NoError(t, err)
		require.True(t, dm.count)
		for _, text := range bodyTexts() {
			n, got := countTerms(text, dm.unigrams)
			wantN, want := bleveBody(t, dm, text)
			require.Equal(t, wantN, n, "%s: length of %q", analysis, text)
			require.Equal(t, want, freqs(got), "%s: terms of %q", analysis, text)
		}
	}
}

// TestMapDocumentFields checks the whole mapped document: the body field
// is there once, analysed like bleve's, with the options of the mapping's
// body field, and no _all composite field is added.
func TestMapDocumentFields(t *testing.T) {
	t.Parallel()
	m, err := newMapping(DefaultAnalysis)
	require.NoError(t, err)
	dm, err := newDocMapper(m, DefaultAnalysis)
	require.NoError(t, err)
	d := Document{URL: "/a/", Title: "政务诚信", Text: "拖欠中小企业账款，临发改信用〔2024〕295号。", Kind: "policies",
		Departments: []string{"fgw"}, DepartmentNames: []string{"市发改委"}, Identifiers: []string{"临发改信用〔2024〕295号"},
		Date: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
	doc, err := dm.mapDocument(&d)
	require.NoError(t, err)
	require.Empty(t, doc.CompositeFields)
	var bodies int
	names := map[string]bool{}
	for _, f := range doc.Fields {
		names[f.Name()] = true
		if f.Name() != fBody {
			continue
		}
		bodies++
		require.Equal(t, dm.bodyOptions, f.Options())
		f.Analyze()
		_, body := toIndexDoc(&d)
		wantN, want := bleveBody(t, dm, body)
		require.Equal(t, wantN, f.AnalyzedLength())
		require.Equal(t, want, freqs(f.AnalyzedTokenFrequencies()))
	}
	require.Equal(t, 1, bodies)
	for _, name := range []string{fIDs, fKind, fDept, fDate, fFacet, sURL, sTitle, sText} {
		require.True(t, names[name], "field %s", name)
	}
}

func FuzzBodyField(f *testing.F) {
	for _, s := range []string{"政策兑现", "临发改信用〔2024〕295号", "a税b", "双随机、一公开", "\xff号1"} {
		f.Add(s)
	}
	m, err := newMapping(DefaultAnalysis)
	require.NoError(f, err)
	dm, err := newDocMapper(m, DefaultAnalysis)
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		n, got := countTerms(s, true)
		wantN, want := bleveBody(t, dm, s)
		if n != wantN || !equalFreqs(freqs(got), want) {
			t.Fatalf("countTerms(%q) = %d %v, bleve %d %v", s, n, freqs(got), wantN, want)
		}
	})
}

func equalFreqs(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// BenchmarkCountTerms analyses a page of ~1,900 characters like the
// generated ones: the body field's analysis against bleve's TextField with
// the zh analyzer.
func BenchmarkCountTerms(b *testing.B) {
	page := normalize(strings.Repeat("加强政务诚信建设，推进企业信用修复。依据临发改信用〔2024〕295号，防范和化解拖欠中小企业账款，2024年完成率98%。", 10) +
		strings.Repeat("市场监管局开展双随机、一公开检查，“一把手”亮承诺，营商环境持续优化，免申即享政策兑现", 12))
	m, err := newMapping(DefaultAnalysis)
	require.NoError(b, err)
	dm, err := newDocMapper(m, DefaultAnalysis)
	require.NoError(b, err)
	b.Run("count", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for range b.N {
			countTerms(page, true)
		}
	})
	b.Run("bleve", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		for range b.N {
			bleveBody(b, dm, page)
		}
	})
}

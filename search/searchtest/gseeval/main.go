// Command gseeval compares Chinese analyses for portal's search on the
// generated judged set (and, with -docs, on the shipped site): CJK bigrams,
// bigrams plus unigrams (the shipped choice), the gse dictionary segmenter,
// and gse words plus bigrams. It is a separate module so that gse (a large
// dictionary, ~190 MiB of heap) never enters the portal binary.
//
//	cd search/searchtest/gseeval && go run . -n 3000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/go-ego/gse"

	"portal/search"
	"portal/search/searchtest"
)

var seg gse.Segmenter

// gseTokenizer emits gse's words (search mode: long words and the shorter
// words inside them), with byte offsets into the input.
type gseTokenizer struct{ bigrams bool }

func (g gseTokenizer) Tokenize(input []byte) analysis.TokenStream {
	text := string(input)
	var out analysis.TokenStream
	pos := 1
	off := 0
	for _, w := range seg.Cut(text, true) {
		start := strings.Index(text[off:], w)
		if start < 0 {
			continue
		}
		start += off
		end := start + len(w)
		off = end
		if strings.TrimFunc(w, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) }) == "" {
			continue
		}
		typ := analysis.AlphaNumeric
		for _, r := range w {
			if unicode.Is(unicode.Han, r) {
				typ = analysis.Ideographic
				break
			}
		}
		out = append(out, &analysis.Token{Term: []byte(w), Start: start, End: end, Position: pos, Type: typ})
		pos++
		if g.bigrams && typ == analysis.Ideographic {
			rs := []rune(w)
			b := start
			for i := range rs {
				l := len(string(rs[i]))
				if len(rs) > 1 {
					out = append(out, &analysis.Token{Term: []byte(string(rs[i])), Start: b, End: b + l, Position: pos, Type: analysis.AlphaNumeric})
				}
				if i+1 < len(rs) && len(rs) > 2 {
					out = append(out, &analysis.Token{Term: []byte(string(rs[i : i+2])), Start: b, End: b + l + len(string(rs[i+1])), Position: pos, Type: analysis.AlphaNumeric})
				}
				b += l
			}
		}
	}
	return out
}

func main() {
	n := flag.Int("n", 3000, "generated pages")
	docsFile := flag.String("docs", "", "JSON file of shipped-site documents and judged queries (written by cmd/portal's test with PORTAL_SEARCH_DUMP)")
	flag.Parse()
	t0 := time.Now()
	seg.LoadDict()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("gse dictionary: %.1fs, heap %d MiB\n", time.Since(t0).Seconds(), ms.HeapAlloc>>20)
	registry.RegisterTokenizer("gse", func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) { return gseTokenizer{}, nil })
	registry.RegisterTokenizer("gse+bigram", func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return gseTokenizer{bigrams: true}, nil
	})

	gen := searchtest.Corpus(*n, 1)
	sets := []struct {
		name   string
		docs   []search.Document
		judged []searchtest.Judged
	}{{fmt.Sprintf("generated (%d pages)", *n), searchtest.Documents(gen), searchtest.GeneratedJudged(gen)}}
	if *docsFile != "" {
		var dump struct {
			Docs   []search.Document
			Judged []searchtest.Judged
		}
		b, err := os.ReadFile(*docsFile)
		if err == nil {
			err = json.Unmarshal(b, &dump)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		sets = append(sets, struct {
			name   string
			docs   []search.Document
			judged []searchtest.Judged
		}{fmt.Sprintf("shipped site (%d pages)", len(dump.Docs)), dump.Docs, dump.Judged})
	}
	for _, set := range sets {
		fmt.Printf("\n## %s, %d judged queries\n\n| analysis | P@10 | R@10 | MRR | ids first | index s | size MiB |\n|---|---|---|---|---|---|---|\n", set.name, len(set.judged))
		for _, a := range []string{search.AnalysisBigram, search.AnalysisBigramUnigram, "gse", "gse+bigram"} {
			dir, _ := os.MkdirTemp("", "gseeval")
			st, err := search.Build(context.Background(), dir, set.docs, search.Options{Analysis: a})
			if err != nil {
				fmt.Fprintln(os.Stderr, a, err)
				os.Exit(1)
			}
			ix, err := search.Open(dir)
			if err != nil {
				fmt.Fprintln(os.Stderr, a, err)
				os.Exit(1)
			}
			m, err := searchtest.Evaluate(context.Background(), ix, set.judged, 10)
			ix.Close()
			if err != nil {
				fmt.Fprintln(os.Stderr, a, err)
				os.Exit(1)
			}
			fmt.Printf("| %s | %.3f | %.3f | %.3f | %d/%d | %.1f | %.1f |\n", a, m.PrecisionK, m.RecallK, m.MRR, m.TopOK, m.TopAsked, st.Duration.Seconds(), float64(dirSize(dir))/(1<<20))
			if os.Getenv("VERBOSE") != "" {
				m.WriteTable(os.Stdout)
			}
			os.RemoveAll(dir)
		}
	}
}

func dirSize(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		p := dir + "/" + e.Name()
		if e.IsDir() {
			n += dirSize(p)
		} else if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

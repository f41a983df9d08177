package search_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"portal/search"
	"portal/search/searchtest"
)

// Benchmarks at scale are run by hand (see the package README):
//
//	PORTAL_BENCH_DOCS=100000 PORTAL_BENCH_INDEX=/tmp/idx100k \
//	  go test ./search/ -run '^$' -bench 'Build' -benchtime 1x
//	PORTAL_BENCH_INDEX=/tmp/idx100k go test ./search/ -run '^$' -bench 'Query' -benchtime 2000x
//
// Without the variables they use 2,000 generated pages in a temporary
// folder, so `go test -bench .` stays short.

func benchDocs() int {
	if n, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_DOCS")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// BenchmarkBuild indexes generated pages of ~1,700 characters and reports
// pages per second. With PORTAL_BENCH_INDEX it keeps the index there for
// BenchmarkQuery.
func BenchmarkBuild(b *testing.B) {
	n := benchDocs()
	docs := searchtest.Documents(searchtest.Corpus(n, 1))
	b.ResetTimer()
	for range b.N {
		dir := os.Getenv("PORTAL_BENCH_INDEX")
		if dir == "" {
			dir = b.TempDir()
		}
		batch, _ := strconv.Atoi(os.Getenv("PORTAL_BENCH_BATCH"))
		merge, _ := strconv.Atoi(os.Getenv("PORTAL_BENCH_MERGE"))
		cpu0 := processCPU()
		st, err := search.Build(context.Background(), dir, docs, search.Options{BatchSize: batch, MergeMax: merge})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(n)/st.Duration.Seconds(), "pages/s")
		// CPU per page (all cores): the figure that survives a loaded machine.
		b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(n), "cpu-ms/page")
		b.ReportMetric(float64(dirSize(st.Dir))/(1<<20), "MiB")
	}
}

// benchQueries is the query mix: planted topics, very common terms,
// single characters, identifiers, filters and date sorting.
var benchQueries = []search.Query{
	{Text: "拖欠中小企业账款"},
	{Text: "免申即享"},
	{Text: "政务诚信"},       // in nearly every page
	{Text: "企业"},         // in nearly every page
	{Text: "税"},          // a single character
	{Text: "信"},          // a very common single character
	{Text: "政府 承诺 履约"},   // three common words
	{Text: "\"新官不理旧账\""}, // a quoted phrase
	{Text: searchtest.CreditCode(4)},
	{Text: "临市监罚[2022]6号"},
	{Text: "信用修复", Kind: "cases"},
	{Text: "营商环境", Sort: search.SortDate},
	{Text: "政务诚信", Year: 2023, Department: "fgw"},
	{Text: "政策兑现", Page: 5},
	{Kind: "records", Sort: search.SortDate},
	// Issue #8: phrases, other spellings, questions and loose identifiers.
	{Text: "临沂市委宣传部"},                      // a 7-character phrase whose characters also occur apart
	{Text: "深入推进信用修复"},                     // an 8-character policy phrase
	{Text: "拖欠中小企業賬款"},                     // traditional and variant characters
	{Text: "政府拖欠企业工程款怎么投诉"},                // a question: relaxed, question word left out
	{Text: "市监罚 2025 4号"},                  // a 文号 without city prefix or brackets
	{Text: "临市监罚2024004号"},                 // … without brackets, with leading zeros
	{Text: searchtest.CreditCode(7)[4:16]}, // 12 characters of a credit code
	{Text: "市发改委 承诺"},                      // a department by its alias, and a word
}

// benchMix is the query mix: with PORTAL_BENCH_MIX=base only the first 15
// (the mix before issue #8, to pair against an older binary).
func benchMix() []search.Query {
	if os.Getenv("PORTAL_BENCH_MIX") == "base" {
		return benchQueries[:15]
	}
	return benchQueries
}

// BenchmarkQuery runs the query mix against an index and reports the median
// and 99th-percentile latency of single queries.
func BenchmarkQuery(b *testing.B) {
	dir := os.Getenv("PORTAL_BENCH_INDEX")
	if dir == "" {
		dir = b.TempDir()
		if _, err := search.Build(context.Background(), dir, searchtest.Documents(searchtest.Corpus(benchDocs(), 1)), search.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	ix, err := search.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	// Warm the page cache and bleve's lazily loaded structures once.
	mix := benchMix()
	for _, q := range mix {
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	cpu0 := processCPU()
	for i := range b.N {
		t0 := time.Now()
		if _, err := ix.Search(ctx, mix[i%len(mix)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	reportCPU(b, cpu0)
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-median")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
	b.ReportMetric(float64(ix.Docs()), "pages")
}

// BenchmarkQueryEach reports each query of the mix alone, to find the slow
// ones.
func BenchmarkQueryEach(b *testing.B) {
	dir := os.Getenv("PORTAL_BENCH_INDEX")
	if dir == "" {
		b.Skip("set PORTAL_BENCH_INDEX")
	}
	ix, err := search.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	for i, q := range benchQueries {
		b.Run(strconv.Itoa(i), func(b *testing.B) {
			cpu0 := processCPU()
			for range b.N {
				if _, err := ix.Search(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
		})
	}
}

// reportCPU reports the process's CPU time per operation since cpu0
// (garbage collection included): with GOMAXPROCS=1 it is the cost of a
// query, which wall-clock time on a loaded machine is not.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

// BenchmarkOpen opens an index: the shards plus the in-memory facet and
// date tables the query loop uses (what serve pays at start and after every
// rebuild).
func BenchmarkOpen(b *testing.B) {
	dir := os.Getenv("PORTAL_BENCH_INDEX")
	if dir == "" {
		b.Skip("set PORTAL_BENCH_INDEX")
	}
	for range b.N {
		ix, err := search.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		ix.Close()
	}
}

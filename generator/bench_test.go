package generator

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkBuild renders generated sites of realistic Chinese content
// (~1,700 characters a page, commitments with progress, news, disclosures,
// departments). The model is built outside the timer; what is measured is
// Generate: derive, Markdown, lists and department pages, feeds, open data,
// writing and the swap.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("pages=%d", n), func(b *testing.B) {
			out := filepath.Join(b.TempDir(), "public")
			var pages int
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				site := genSite(n)
				b.StartTimer()
				res, err := Generate(context.Background(), site, Options{SiteDir: b.TempDir(), OutDir: out, Now: date("2025-07-01")})
				if err != nil {
					b.Fatal(err)
				}
				pages = res.Pages
			}
			b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
			b.ReportMetric(float64(pages), "pages")
		})
	}
}

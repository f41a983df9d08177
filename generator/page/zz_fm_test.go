package page

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"portal/generator/diag"
	"portal/generator/model"
)

func BenchmarkFMParse(b *testing.B) {
	var files [][]byte
	var kinds []model.Kind
	for _, k := range []string{"disclosures", "news", "commitments", "cases"} {
		ms, _ := filepath.Glob("/dev/shm/fm/c10k/content/" + k + "/p00*.md")
		for _, m := range ms[:300] {
			d, _ := os.ReadFile(m)
			files = append(files, d)
			kinds = append(kinds, model.Kind(k))
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for i, d := range files {
			var dl diag.List
			buf := append([]byte(nil), d...)
			Parse("content/"+string(kinds[i])+"/x.md", kinds[i], buf, Options{Location: time.UTC}, &dl)
		}
	}
}

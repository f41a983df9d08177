package loader

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

// TestMeasureLoad loads a site folder twice through a parse cache kept on
// disk, as two builds do (the first parses every file, the second reads the
// cache), requires the two loads to give the same records, and logs the
// live heap after each. The site is the shipped one, or PORTAL_MEASURE_SITE
// (a big data file, to measure); with PORTAL_MEASURE_HEAP set it writes a
// heap profile of each load to $PORTAL_MEASURE_HEAP<n>.pprof
// (go tool pprof -sample_index=inuse_space):
//
//	go test -c -o /tmp/loader.test ./generator/loader
//	PORTAL_MEASURE_SITE=/tmp/bigsite PORTAL_MEASURE_HEAP=/tmp/load- \
//	  /usr/bin/time -v /tmp/loader.test -test.run TestMeasureLoad -test.v
func TestMeasureLoad(t *testing.T) {
	dir := os.Getenv("PORTAL_MEASURE_SITE")
	if dir == "" {
		dir = filepath.Join("..", "..")
	}
	cacheDir := t.TempDir()
	var first *model.Site
	for run := range 2 {
		c := &Cache{Dir: func(model.Config) string { return cacheDir }}
		site, dl := Load(os.DirFS(dir), Options{Cache: c})
		require.NoError(t, dl.Err())
		require.NoError(t, c.Save())
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		t.Logf("load %d: %d disclosures, live heap %d MiB", run, len(site.Disclosures), m.HeapAlloc>>20)
		if first == nil {
			first = site
			require.NotEmpty(t, site.Disclosures)
		} else {
			require.Equal(t, first.Disclosures, site.Disclosures, "read from the cache")
			require.Equal(t, first.Commitments, site.Commitments, "read from the cache")
		}
		if p := os.Getenv("PORTAL_MEASURE_HEAP"); p != "" {
			f, err := os.Create(filepath.Clean(fmt.Sprintf("%s%d.pprof", p, run)))
			require.NoError(t, err)
			require.NoError(t, pprof.WriteHeapProfile(f))
			require.NoError(t, f.Close())
		}
		runtime.KeepAlive(site)
	}
}

package generator

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMeasureBuild loads a site folder from disk and generates it in one
// process without the command's hooks (no search index, no complaint
// figures), printing the time of each stage and the heap. It runs only when
// asked; run the compiled test under /usr/bin/time -v for the peak RSS:
//
//	go test -c -o /tmp/generator.test ./generator/
//	PORTAL_MEASURE_SITE=/tmp/gen10k PORTAL_MEASURE_OUT=/dev/shm/o10k \
//	  /usr/bin/time -v /tmp/generator.test -test.run TestMeasureBuild -test.v
func TestMeasureBuild(t *testing.T) {
	dir := os.Getenv("PORTAL_MEASURE_SITE")
	if dir == "" {
		t.Skip("set PORTAL_MEASURE_SITE (and PORTAL_MEASURE_OUT) to measure a build")
	}
	out := os.Getenv("PORTAL_MEASURE_OUT")
	if out == "" {
		out = t.TempDir()
	}
	opts := Options{SiteDir: dir, OutDir: out, Now: date("2025-07-01")}
	res, err := Build(context.Background(), opts)
	require.NoError(t, err)
	ms := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(ms)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	var stages []string
	for _, st := range res.Stages {
		stages = append(stages, fmt.Sprintf("%s %.2f s", st.Name, st.Duration.Seconds()))
	}
	t.Logf("pages %d: %s; allocated %d MiB in %d GC cycles; heap now %d MiB, sys %d MiB",
		res.Pages, strings.Join(stages, ", "),
		ms[0].Value.Uint64()>>20, ms[1].Value.Uint64(), m.HeapAlloc>>20, m.Sys>>20)
	if p := os.Getenv("PORTAL_MEASURE_HEAP"); p != "" {
		// What the build still holds once it is done (the site and the
		// entries the search index reads).
		runtime.GC()
		f, err := os.Create(p)
		require.NoError(t, err)
		require.NoError(t, pprof.WriteHeapProfile(f))
		require.NoError(t, f.Close())
	}
	runtime.KeepAlive(res)
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strings"
	"time"

	"portal/cmd/internal/siteindex"
	"portal/generator"
	"portal/generator/diag"
	"portal/search"
)

// cmdBuild is `portal build [-site DIR] [-out DIR] [-now YYYY-MM-DD] [-strict] [-no-index]`.
func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build", "portal build [-site DIR] [-out DIR] [-now YYYY-MM-DD] [-strict] [-no-index]", stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml, content/, data/)")
	outDir := fs.String("out", "", "output folder (default <site>/public)")
	nowFlag := fs.String("now", "", "build date YYYY-MM-DD for overdue and publicity checks (default: today in the site's time zone)")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	noIndex := fs.Bool("no-index", false, "do not update the search index (a preview of the pages; search keeps answering from the last index)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("build: unexpected argument %q", fs.Arg(0))}
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	if err := requireSiteDir(*siteDir); err != nil {
		return err
	}
	stop, err := cpuProfile()
	if err != nil {
		return err
	}
	defer stop()
	buildMemoryLimit()
	// Nothing changed since the last build (files, settings, date, the
	// complaint store, the index): keep what it published. One run: the
	// index stage runs beside a heap without the rendered bodies.
	opts := generator.Options{SiteDir: *siteDir, OutDir: *outDir, Now: now, Strict: *strict, Progress: stderr,
		SkipUnchanged: true, Once: true, NoText: *noIndex}
	p := sitePipeline(opts, "", nil)
	if *noIndex {
		p = pagesPipeline(opts, "")
	}
	res, err := runPipeline(ctx, p, stderr)
	if err != nil {
		return err
	}
	printSummary(stdout, res)
	return nil
}

// cpuProfile writes a CPU profile of the command (build, publish, verify) to the file PORTAL_CPUPROFILE
// names, if set, so the real command can be profiled where it is slow
// (go tool pprof -top FILE); docs/BUILD.md shows how. With
// PORTAL_HEAPPROFILE=PREFIX it also writes a heap profile every two seconds
// (PREFIX.001, PREFIX.002 …): where the memory goes is a question of when,
// and the peak is in whichever stage holds most at its last collection.
// With PORTAL_TRACE=FILE it writes an execution trace (execTrace).
func cpuProfile() (stop func(), err error) {
	stopTrace, err := execTrace(os.Getenv("PORTAL_TRACE"))
	if err != nil {
		return nil, err
	}
	heap := heapProfiles(os.Getenv("PORTAL_HEAPPROFILE"), 2*time.Second)
	stopHeap := func() { heap(); stopTrace() }
	path := os.Getenv("PORTAL_CPUPROFILE")
	if path == "" {
		return stopHeap, nil
	}
	f, err := os.Create(path)
	if err != nil {
		stopHeap()
		return nil, fmt.Errorf("PORTAL_CPUPROFILE: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		stopHeap()
		return nil, fmt.Errorf("PORTAL_CPUPROFILE: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close(); stopHeap() }, nil
}

// execTrace writes an execution trace of the command to path (nothing when
// it is empty): where a core idles while the other works, which a CPU
// profile cannot show (go tool trace FILE).
func execTrace(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("PORTAL_TRACE: %w", err)
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("PORTAL_TRACE: %w", err)
	}
	return func() { trace.Stop(); f.Close() }, nil
}

// heapProfiles writes a heap profile to prefix.NNN every interval until
// stop is called (nothing when prefix is empty). The profiles' in-use
// figures are as of the last garbage collection: what was live, not the
// garbage not yet collected. A profile that cannot be written is skipped:
// profiling must not fail the build.
func heapProfiles(prefix string, interval time.Duration) (stop func()) {
	if prefix == "" {
		return func() {}
	}
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-t.C:
			}
			if f, err := os.Create(fmt.Sprintf("%s.%03d", prefix, n)); err == nil {
				_ = pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-finished }
}

// parseNow reads -now. The date is returned at noon UTC so that converting
// it to the site's zone (within ±12 h of UTC) keeps the same calendar day.
func parseNow(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, usageError{fmt.Sprintf("-now: %q is not a date (use YYYY-MM-DD)", s)}
	}
	return t.Add(12 * time.Hour), nil
}

// sitePipeline is the whole build that build and serve run: the
// generator's stages, the complaint pages and figures (from the store, dsn
// overriding the configured one), the search page, and the search index
// (swapped, when set, is called when a new index becomes current), and the
// reverse proxy's error pages (proxy_errors.go).
func sitePipeline(opts generator.Options, dsn string, swapped func()) *generator.Pipeline {
	return pagesPipeline(opts, dsn).After(proxyErrorsStageName, siteindex.Stage(search.Options{}, swapped))
}

// pagesPipeline is sitePipeline without the search index (portal build
// -no-index): the pages, feeds and data files are the same, the search page
// included, and the index stays the one the last full build left. Leaving
// the stage out changes the up-to-date key (uptodate.go keys the added
// stages by name), so the next full build is never skipped as unchanged.
func pagesPipeline(opts generator.Options, dsn string) *generator.Pipeline {
	opts.ExtraPages = append(opts.ExtraPages, searchPages()...)
	return generator.New(opts).
		After(generator.StageDerive, complaintsStage(dsn)).
		After(generator.StagePublish, proxyErrorsStage())
}

// runPipeline runs p, printing warnings, and content errors in full, to
// stderr (then it returns errReported: nothing was written).
func runPipeline(ctx context.Context, p *generator.Pipeline, stderr io.Writer) (*generator.Result, error) {
	res, err := p.Run(ctx)
	for _, w := range res.Warnings {
		fmt.Fprintln(stderr, w)
	}
	var d diag.Diagnostic
	if errors.As(err, &d) {
		fmt.Fprintln(stderr, err)
		return nil, errReported
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// printSummary writes the closing summary: pages, files, records left out
// by reason, warnings and time.
func printSummary(w io.Writer, res *generator.Result) {
	fmt.Fprintf(w, "已生成 %d 个页面，共 %d 个文件 (%d pages, %d files)\n", res.Pages, res.Files, res.Pages, res.Files)
	if res.Unchanged {
		fmt.Fprintf(w, "内容、设置、构建日期和投诉数据均未改变，沿用发布版本 %d (nothing changed since the last build)\n", res.Version)
	} else {
		fmt.Fprintf(w, "本次重新生成 %d 个页面，更新 %d 个文件，删除 %d 个；搜索索引写入 %d 条，删除 %d 条；发布版本 %d\n",
			res.Rendered, res.Written+res.Linked, res.Removed, res.Indexed, res.Unindexed, res.Version)
	}
	if len(res.Omitted) > 0 {
		reasons := make([]string, 0, len(res.Omitted))
		for r := range res.Omitted {
			reasons = append(reasons, r)
		}
		sort.Strings(reasons)
		parts := make([]string, 0, len(reasons))
		for _, r := range reasons {
			parts = append(parts, fmt.Sprintf("%s %d 条", r, res.Omitted[r]))
		}
		fmt.Fprintf(w, "未发布记录：%s\n", strings.Join(parts, "，"))
	}
	if n := len(res.Warnings); n > 0 {
		fmt.Fprintf(w, "警告 %d 个（见上）\n", n)
	}
	printLedger(w, res.Ledger)
	stages := make([]string, 0, len(res.Stages))
	for _, st := range res.Stages {
		stages = append(stages, fmt.Sprintf("%s %.2f", st.Name, st.Duration.Seconds()))
	}
	fmt.Fprintf(w, "用时 %.2f 秒 (%s)\n", res.Duration.Seconds(), strings.Join(stages, ", "))
}

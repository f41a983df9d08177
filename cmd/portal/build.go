package main

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"portal/generator"
)

// cmdBuild is `portal build [-site DIR] [-out DIR] [-now YYYY-MM-DD] [-strict]`.
func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build", "portal build [-site DIR] [-out DIR] [-now YYYY-MM-DD] [-strict]", stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml, content/, data/)")
	outDir := fs.String("out", "", "output folder (default <site>/public)")
	nowFlag := fs.String("now", "", "build date YYYY-MM-DD for overdue and publicity checks (default: today in the site's time zone)")
	strict := fs.Bool("strict", false, "treat warnings as errors")
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
	opts := generator.Options{SiteDir: *siteDir, OutDir: *outDir, Now: now, Strict: *strict, Progress: stderr}
	res, err := buildSite(ctx, opts, stderr)
	if err != nil {
		return err
	}
	printSummary(stdout, res)
	return nil
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

// buildSite loads the site, gathers the data the hooks supply (complaint
// figures, search and complaint pages), renders it and indexes it. Content
// errors are printed to stderr in full and nothing is written.
func buildSite(ctx context.Context, opts generator.Options, stderr io.Writer) (*generator.Result, error) {
	start := time.Now()
	site, warnings, err := generator.Load(opts)
	loaded := time.Now()
	for _, w := range warnings {
		fmt.Fprintln(stderr, w)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, errReported
	}
	stats, err := complaintStats(ctx, opts.SiteDir, site.Config)
	if err != nil {
		return nil, fmt.Errorf("complaint figures: %w", err)
	}
	opts.ComplaintStats = stats
	opts.ExtraPages = append(append(opts.ExtraPages, searchPages()...), complaintPages(site, stats)...)
	opts.DeferCleanup = true
	res, err := generator.Generate(ctx, site, opts)
	if err != nil {
		return nil, err
	}
	res.Warnings = append(warnings, res.Warnings...)
	generated := time.Now()
	// Removing the previous site is disk work and indexing is CPU work: do
	// both at once.
	cleaned := make(chan error, 1)
	go func() {
		if res.Cleanup == nil {
			cleaned <- nil
			return
		}
		cleaned <- res.Cleanup()
	}()
	indexErr := buildIndex(ctx, opts.SiteDir, site, res.Entries, res.Profiles)
	if err := <-cleaned; err != nil {
		return nil, fmt.Errorf("removing the previous site: %w", err)
	}
	if indexErr != nil {
		return nil, fmt.Errorf("search index: %w", indexErr)
	}
	end := time.Now()
	res.Duration = end.Sub(start)
	res.Stages = []generator.Stage{
		{Name: "加载 load", Duration: loaded.Sub(start)},
		{Name: "生成 render", Duration: generated.Sub(loaded)},
		{Name: "索引 index", Duration: end.Sub(generated)},
	}
	return res, nil
}

// printSummary writes the closing summary: pages, files, records left out
// by reason, warnings and time.
func printSummary(w io.Writer, res *generator.Result) {
	fmt.Fprintf(w, "已生成 %d 个页面，共 %d 个文件 (%d pages, %d files)\n", res.Pages, res.Files, res.Pages, res.Files)
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
	stages := make([]string, 0, len(res.Stages))
	for _, st := range res.Stages {
		stages = append(stages, fmt.Sprintf("%s %.2f", st.Name, st.Duration.Seconds()))
	}
	fmt.Fprintf(w, "用时 %.2f 秒 (%s)\n", res.Duration.Seconds(), strings.Join(stages, ", "))
}

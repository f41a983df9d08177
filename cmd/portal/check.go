package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"portal/generator"
	"portal/generator/dataimport"
	"portal/generator/dataset"
)

// cmdCheck is `portal check [-site DIR] [-now YYYY-MM-DD] [-strict]`: it
// loads and validates the whole site without writing anything, prints every
// diagnostic (errors first, then warnings) and a count line to stdout, and
// fails (exit 1) when there is any error. Given data files, it checks them
// against the site instead, as `portal import` does without -apply.
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("check", "portal check [-site DIR] [-now YYYY-MM-DD] [-strict] [FILE...]", stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml, content/, data/)")
	nowFlag := fs.String("now", "", "date YYYY-MM-DD for overdue and publicity checks (default: today in the site's time zone)")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	for _, a := range fs.Args() {
		if !slices.Contains(dataset.DataFileExts, strings.ToLower(filepath.Ext(a))) {
			return usageError{fmt.Sprintf("check: unexpected argument %q (name data files: .csv, .xlsx or .json)", a)}
		}
	}
	if fs.NArg() > 0 {
		// portal check FILE...: the data files' dry-run report, as portal import gives it.
		return importFiles(ctx, *siteDir, fs.Args(), dataimport.Options{Now: now, Strict: *strict}, false, stdout)
	}
	if err := requireSiteDir(*siteDir); err != nil {
		return err
	}
	// Everything a build does before it writes: load and derive.
	p := generator.New(generator.Options{SiteDir: *siteDir, Now: now, Strict: *strict})
	res, err := p.RunThrough(ctx, generator.StageDerive)
	if res == nil || res.Diagnostics == nil {
		return err
	}
	dl := res.Diagnostics
	for _, d := range dl.Errors() {
		fmt.Fprintln(stdout, d)
	}
	if more, _ := dl.More(); more > 0 {
		fmt.Fprintf(stdout, "……另有 %d 个错误未列出，请先改正以上错误，或在 portal.toml 的 [limits] 中调高 diagnostics (and %d more errors not listed)\n", more, more)
	}
	for _, d := range dl.Warnings() {
		fmt.Fprintln(stdout, d.String()) // String marks it a warning; Error does not
	}
	fmt.Fprintln(stdout, dl.Summary())
	if dl.Err() != nil {
		return errReported
	}
	if err != nil {
		return err
	}
	site := res.Site
	fmt.Fprintf(stdout, "已检查：承诺 %d，双公示 %d，政务失信记录 %d，典型案例 %d，政策文件 %d，信用动态 %d，部门 %d\n",
		len(site.Commitments), len(site.Disclosures), len(site.Records), len(site.Cases), len(site.Policies), len(site.News), len(site.Departments))
	return nil
}

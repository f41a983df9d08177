package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/width"

	"portal/generator/dataimport"
	"portal/generator/dataset"
	"portal/internal/atomicfile"
)

const importUsage = "portal import [-site DIR] [-now YYYY-MM-DD] [-strict] [-encoding utf-8|gbk|gb18030] [-apply] FILE..."

// cmdImport is `portal import FILE...`: a dry-run report of what the data
// files (CSV, .xlsx, JSON in the national 双公示 columns) would do to the
// site — rows new, changed, unchanged, invalid, past their 公示期 or
// withheld, per deciding body — with every problem listed. It fails (exit 1)
// on any error. With -apply and no errors it places each file in
// data/disclosures/ (replacing one of the same name); publishing is the next
// build.
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", importUsage, stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml, content/, data/)")
	nowFlag := fs.String("now", "", "date YYYY-MM-DD for the 公示期 check (default: today in the site's time zone)")
	strict := fs.Bool("strict", false, "treat warnings as errors")
	enc := fs.String("encoding", "", "text encoding of CSV files: utf-8, gbk or gb18030 (default: detected, or as declared in portal.toml)")
	apply := fs.Bool("apply", false, "when there are no errors, copy the files into data/disclosures/")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"import: name at least one data file (.csv, .xlsx or .json)\nUsage: " + importUsage}
	}
	for _, a := range fs.Args() {
		if !slices.Contains(dataset.DataFileExts, strings.ToLower(filepath.Ext(a))) {
			return usageError{fmt.Sprintf("import: %q is not a data file portal reads (.csv, .xlsx or .json; save an .xls workbook as .xlsx)", a)}
		}
	}
	if _, ok := dataset.NormalizeEncoding(*enc); !ok {
		return usageError{fmt.Sprintf("import: -encoding %q is not one of %s", *enc, strings.Join(dataset.Encodings, ", "))}
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	return importFiles(ctx, *siteDir, fs.Args(), dataimport.Options{Now: now, Strict: *strict, Encoding: *enc}, *apply, stdout)
}

// importFiles checks files against the site in siteDir, prints the report
// and, with apply and no errors, places the files.
func importFiles(_ context.Context, siteDir string, names []string, opts dataimport.Options, apply bool, stdout io.Writer) error {
	if err := requireSiteDir(siteDir); err != nil {
		return err
	}
	var files []dataimport.File
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		files = append(files, dataimport.File{Name: filepath.ToSlash(n), Data: data})
	}
	rep, dl := dataimport.Check(os.DirFS(siteDir), files, opts)
	for _, d := range dl.Errors() {
		fmt.Fprintln(stdout, d)
	}
	if more, _ := dl.More(); more > 0 {
		fmt.Fprintf(stdout, "……另有 %d 个错误未列出 (and %d more errors not listed)\n", more, more)
	}
	for _, d := range dl.Warnings() {
		fmt.Fprintln(stdout, d.String()) // String marks it a warning; Error does not
	}
	printImportReport(stdout, rep)
	fmt.Fprintln(stdout, dl.Summary())
	if dl.Err() != nil {
		fmt.Fprintln(stdout, "有错误，未写入任何文件 (errors: nothing written)")
		return errReported
	}
	if !apply {
		fmt.Fprintln(stdout, "预检完成，未写入任何文件；确认无误后加 -apply 放入 data/disclosures/，再运行 portal build 发布 (dry run: nothing written; add -apply to place the files, then portal build)")
		return nil
	}
	for _, f := range rep.Files {
		dst := filepath.Join(siteDir, filepath.FromSlash(f.Target))
		if err := writeAtomic(dst, f.File.Data); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		verb := "已写入 (written)"
		if f.Replaces {
			verb = "已替换 (replaced)"
		}
		fmt.Fprintf(stdout, "%s %s\n", verb, f.Target)
	}
	fmt.Fprintln(stdout, "运行 portal build 发布 (run portal build to publish)")
	return nil
}

// writeAtomic writes data to path through a temporary file in the same
// folder, so a reader never sees half a file.
func writeAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o644, true)
}

// importColumns are the report's count columns.
var importColumns = []struct {
	label string
	get   func(dataimport.Counts) int
}{
	{"新增", func(c dataimport.Counts) int { return c.New }},
	{"变更", func(c dataimport.Counts) int { return c.Changed }},
	{"未变", func(c dataimport.Counts) int { return c.Unchanged }},
	{"有误", func(c dataimport.Counts) int { return c.Invalid }},
	{"已过公示期", func(c dataimport.Counts) int { return c.Expired }},
	{"不予公示", func(c dataimport.Counts) int { return c.Withheld }},
	{"已撤销", func(c dataimport.Counts) int { return c.Withdrawn }},
}

// maxChanges is how many changed rows a file's report lists.
const maxChanges = 20

func printImportReport(w io.Writer, rep *dataimport.Report) {
	fmt.Fprintf(w, "\n导入预检 (import dry run)，公示期按 %s 计算：\n", rep.Today.Format(time.DateOnly))
	for _, f := range rep.Files {
		action := "新文件 (new file)"
		if f.Replaces {
			action = "替换现有文件 (replaces the file)"
		}
		fmt.Fprintf(w, "\n%s → %s（%s）\n", f.File.Name, f.Target, action)
		if !f.Read {
			fmt.Fprintln(w, "  文件未能读取，见上方错误 (the file could not be read: see the errors above)")
			continue
		}
		parts := make([]string, 0, len(importColumns)+1)
		for _, c := range importColumns {
			parts = append(parts, fmt.Sprintf("%s %d", c.label, c.get(f.Counts)))
		}
		if f.Replaces {
			parts = append(parts, fmt.Sprintf("将删除 %d", f.Removed))
		}
		fmt.Fprintf(w, "  共 %d 行：%s\n", f.Total(), strings.Join(parts, "，"))
		fmt.Fprintln(w, "  (rows: new, changed, unchanged, invalid, past 公示期, withheld, withdrawn; removed: rows of the replaced file the new one lacks)")
		dataimport.SortChanges(f.Changes)
		for i, c := range f.Changes {
			if i == maxChanges {
				fmt.Fprintf(w, "  ……另有 %d 行变更 (and %d more changed rows)\n", len(f.Changes)-maxChanges, len(f.Changes)-maxChanges)
				break
			}
			where := "第 " + strconv.Itoa(c.Line) + " 行"
			if c.Sheet != "" {
				where = "工作表“" + c.Sheet + "”" + where
			}
			fmt.Fprintf(w, "  变更 %s %s：%s\n", where, c.DocNumber, strings.Join(c.Fields, "、"))
		}
	}
	if len(rep.Depts) == 0 {
		return
	}
	fmt.Fprintln(w, "\n按决定机关 (by deciding body)：")
	rows := [][]string{{"决定机关"}}
	for _, c := range importColumns {
		rows[0] = append(rows[0], c.label)
	}
	add := func(name string, c dataimport.Counts) {
		r := []string{name}
		for _, col := range importColumns {
			r = append(r, strconv.Itoa(col.get(c)))
		}
		rows = append(rows, r)
	}
	for _, d := range rep.Depts {
		name := d.Name
		if name == "" {
			name = "（未识别的机关）"
		}
		add(name, d.Counts)
	}
	add("合计", rep.Total)
	printTable(w, rows)
}

// printTable prints rows as aligned columns, counting East Asian wide
// characters as two columns as a terminal shows them; the first column is
// left-aligned, the others right-aligned.
func printTable(w io.Writer, rows [][]string) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-displayWidth(c))
			if i == 0 {
				b.WriteString(c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}

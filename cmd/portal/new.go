package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"portal/generator/loader"
	"portal/generator/model"
	"portal/generator/page"
)

// kindAliases lets `portal new` take the singular too.
var kindAliases = map[string]model.Kind{
	"commitment": model.KindCommitment, "disclosure": model.KindDisclosure, "policy": model.KindPolicy,
	"case": model.KindCase, "record": model.KindRecord,
}

// cmdNew is `portal new [-site DIR] KIND "title"`: it writes
// content/<kind>/<id>.md with every required key filled with a sensible
// value (today's date, a department from the registry) and draft = true, so
// `portal check` passes on it and nothing is published before someone edits
// it. The id is the title made URL-safe (spaces become -, characters not
// allowed in an address are dropped), or today's date when nothing is left.
// It never overwrites a file.
func cmdNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = `portal new [-site DIR] KIND "title"   (KIND: commitments, disclosures, records, cases, policies, news)`
	flags := newFlagSet("new", usage, stderr)
	siteDir := flags.String("site", ".", "site folder (portal.toml, content/, data/)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() != 2 {
		flags.Usage()
		return usageError{fmt.Sprintf("new: need KIND and a title, got %d argument(s)", flags.NArg())}
	}
	kind := model.Kind(flags.Arg(0))
	if k, ok := kindAliases[flags.Arg(0)]; ok {
		kind = k
	}
	if !slices.Contains(model.Kinds, kind) {
		return usageError{fmt.Sprintf("new: unknown kind %q (use one of: commitments, disclosures, records, cases, policies, news)", flags.Arg(0))}
	}
	title := strings.Join(strings.Fields(flags.Arg(1)), " ")
	if title == "" {
		return usageError{"new: the title is empty"}
	}
	if err := requireSiteDir(*siteDir); err != nil {
		return err
	}

	// The site's zone and registry, even if other files have errors.
	site, _ := loader.LoadSettings(os.DirFS(*siteDir), loader.Options{})
	today := model.Today(time.Time{}, site.Config.Location)
	dept := ""
	if len(site.Departments) > 0 {
		dept = site.Departments[0].Short
	}

	dir := filepath.Join(*siteDir, "content", string(kind))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("new: %w", err)
	}
	id := page.Slug(title)
	if id == "" {
		id = freeDateID(dir, today)
	}
	file := filepath.Join(dir, id+".md")
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("new: %s already exists; not overwriting it (choose another title or edit that file)", file)
	}
	if err != nil {
		return fmt.Errorf("new: %w", err)
	}
	_, werr := io.WriteString(f, scaffold(kind, title, today, dept))
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		return fmt.Errorf("new: %w", werr)
	}
	fmt.Fprintln(stdout, file)
	if dept == "" && slices.Contains([]model.Kind{model.KindCommitment, model.KindDisclosure, model.KindRecord}, kind) {
		fmt.Fprintln(stderr, "portal new: data/departments.toml lists no department; add one and set department before running portal check")
	}
	return nil
}

// freeDateID returns YYYY-MM-DD, or YYYY-MM-DD-N when taken.
func freeDateID(dir string, today time.Time) string {
	base := today.Format(time.DateOnly)
	id := base
	for n := 2; ; n++ {
		if _, err := os.Stat(filepath.Join(dir, id+".md")); errors.Is(err, fs.ErrNotExist) {
			return id
		}
		id = fmt.Sprintf("%s-%d", base, n)
	}
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// scaffold returns the new file's text: required keys set, optional keys
// as comments so the writer sees what exists.
func scaffold(kind model.Kind, title string, today time.Time, dept string) string {
	if dept == "" {
		dept = "（部门）"
	}
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("+++")
	line("title = %s", tomlString(title))
	line("date = %s", today.Format(time.DateOnly))
	switch kind {
	case model.KindCommitment:
		line("department = %s  # lead body (牵头): registry id, full name, short name or alias", tomlString(dept))
		line(`# partners = ["…"]  # cooperating bodies (配合)`)
		line(`category = "服务承诺"  # %s`, strings.Join(model.CommitmentCategories, " | "))
		line(`# deadline = %d-12-31  # leave out for an ongoing task`, today.Year())
		line(`status = "pending"  # pending | in_progress | fulfilled | partial | broken | withdrawn`)
		line(`# source = "临发改信用〔2024〕295号"`)
		line(`# measure = 1`)
	case model.KindDisclosure:
		line(`subject_name = "（行政相对人名称）"`)
		line(`# credit_code = "…"  # 统一社会信用代码, 18 characters`)
		line(`doc_number = "（决定文书号）"`)
		line(`category = "行政许可"  # %s`, strings.Join(model.DisclosureCategories, " | "))
		line("department = %s  # 决定机关", tomlString(dept))
		line(`# publicity_until = %d-12-31  # 公示截止期`, today.Year()+3)
	case model.KindPolicy:
		line(`# doc_number = "…"  # 文号`)
		line(`# publisher = "…"  # 发布机构`)
		line(`# written_date = %s  # 成文日期`, today.Format(time.DateOnly))
		line(`validity = "有效"  # %s`, strings.Join(model.PolicyValidities, " | "))
	case model.KindCase:
		line(`case_type = "守信激励"  # %s`, strings.Join(model.CaseTypes, " | "))
		line(`# departments = ["…"]`)
	case model.KindNews:
		line(`# source_name = "…"  # 来源`)
		line(`# source_url = "https://…"`)
	case model.KindRecord:
		line("department = %s", tomlString(dept))
		line(`record_type = "其他"  # %s`, strings.Join(model.RecordTypes, " | "))
		line(`basis = "（认定依据）"`)
		line(`status = "整改中"  # %s`, strings.Join(model.RecordStatuses, " | "))
	}
	line("draft = true  # remove this line to publish")
	line("+++")
	line("")
	line("（正文）")
	return b.String()
}

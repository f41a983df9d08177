package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"portal/cmd/internal/intake"
	"portal/generator/dataset"
	"portal/generator/model"
)

const complaintsUsage = `portal complaints — 投诉办理（受理 → 办理 → 答复 → 回访 → 办结）

Usage:
  portal complaints list   [flags] [-status S] [-department ID|名称] [-since YYYY-MM-DD] [-until YYYY-MM-DD] [-limit N] [-warning yellow|red] [-json]
  portal complaints show   [flags] [-json] RECEIPT
  portal complaints accept [flags] -actor NAME [-note TEXT] RECEIPT
  portal complaints reject [flags] -actor NAME -reason TEXT RECEIPT
  portal complaints assign [flags] -actor NAME -to BODY [-note TEXT] RECEIPT
  portal complaints extend [flags] -actor NAME -days N -reason TEXT RECEIPT
  portal complaints reply  [flags] -actor NAME (-text TEXT | -text-file FILE) RECEIPT
  portal complaints visit  [flags] -actor NAME -satisfaction 满意|基本满意|不满意 [-note TEXT] RECEIPT
  portal complaints close  [flags] -actor NAME [-note TEXT] RECEIPT
  portal complaints export [flags] [-format csv|json] [-o FILE] [list filters]
  portal complaints erase-expired [flags] [-dry-run]   erase personal data retention_days after closing
  portal complaints backup  [flags] [-o FILE] [-keep N]  copy the whole SQLite store while it is in use (0600)
  portal complaints restore [flags] -from FILE          put a backup in place (portal serve stopped)

Common flags: -site DIR (default .), -db PATH|postgres://… (default from portal.toml).
-actor defaults to $PORTAL_ACTOR, then $USER.
`

// csvBOM starts every CSV the command line writes, so spreadsheet programs
// read it as UTF-8.
const csvBOM = "\uFEFF"

// cmdComplaints is the staff tool: the same store and transitions as the
// admin API.
func cmdComplaints(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, complaintsUsage)
		return usageError{"complaints: 请给出子命令，如 portal complaints list（见上方用法） (no subcommand given)"}
	}
	sub, rest := args[0], args[1:]
	if sub == "backup" || sub == "restore" {
		return cmdComplaintsBackup(ctx, sub, rest, stdout, stderr)
	}
	fs := newFlagSet("complaints "+sub, "portal complaints "+sub+" [flags] …", stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml)")
	db := fs.String("db", "", "complaint store: SQLite path or postgres:// URL (default from portal.toml)")
	asJSON := fs.Bool("json", false, "print JSON")
	actor := fs.String("actor", firstNonEmpty(os.Getenv("PORTAL_ACTOR"), os.Getenv("USER")), "who acts (recorded in the history)")
	note := fs.String("note", "", "a note recorded with the action")
	reason := fs.String("reason", "", "reason (reject, extend)")
	to := fs.String("to", "", "the body that handles it (assign): registry id or name")
	days := fs.Int("days", 0, "working days of extension (extend)")
	text := fs.String("text", "", "reply text (reply)")
	textFile := fs.String("text-file", "", "file holding the reply text (reply)")
	satisfaction := fs.String("satisfaction", "", "满意 | 基本满意 | 不满意 (visit)")
	status := fs.String("status", "", "filter: status (received, accepted, rejected, handling, replied, visited, closed)")
	department := fs.String("department", "", "filter: department (registry id, full or short name)")
	since := fs.String("since", "", "filter: received on or after YYYY-MM-DD")
	until := fs.String("until", "", "filter: received before YYYY-MM-DD")
	limit := fs.Int("limit", 0, "filter: at most N complaints")
	warning := fs.String("warning", "", "filter (list, export): yellow (due within a working day, or past) or red (past the limit)")
	format := fs.String("format", "csv", "export format: csv or json")
	out := fs.String("o", "", "export to FILE instead of standard output")
	dryRun := fs.Bool("dry-run", false, "erase-expired: only list what would be erased")

	var receipt string
	switch sub {
	case "list", "export", "show", "accept", "reject", "assign", "extend", "reply", "visit", "close", "erase-expired":
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, complaintsUsage)
		return nil
	default:
		fmt.Fprint(stderr, complaintsUsage)
		return usageError{fmt.Sprintf("complaints: unknown subcommand %q", sub)}
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	// Flags may also follow the receipt: portal complaints show TS-… -json.
	if fs.NArg() > 0 {
		receipt = fs.Arg(0)
		if err := parseFlags(fs, fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usageError{fmt.Sprintf("complaints %s: unexpected arguments %q", sub, fs.Args())}
		}
	}
	needsReceipt := sub != "list" && sub != "export" && sub != "erase-expired"
	if needsReceipt && receipt == "" {
		return usageError{fmt.Sprintf("complaints %s: give the receipt number, e.g. TS-20250115-000123", sub)}
	}
	if !needsReceipt && receipt != "" {
		return usageError{fmt.Sprintf("complaints %s: takes no receipt number", sub)}
	}

	// What staff read on a terminal came from the public: it must not be
	// able to send the terminal escape sequences. Exports are data and are
	// written as they are (JSON escapes control characters itself).
	if sub != "export" {
		stdout = terminalSafe(stdout)
	}
	// The settings only: a content error must not stop complaint work.
	site, err := loadSettings(*siteDir, stderr)
	if err != nil {
		return err
	}
	svc, closer, err := openService(ctx, site, complaintDSN(*siteDir, site.Config, *db))
	if err != nil {
		return err
	}
	defer closer.Close()
	// Every action and every look at personal data is in the audit trail,
	// the command line's too.
	operator := intake.Who{Login: "cli:" + firstNonEmpty(os.Getenv("USER"), "operator"), Name: *actor, Role: intake.RoleSupervisor, Addr: "cli"}

	filter := func() (intake.Filter, error) {
		f := intake.Filter{Status: intake.Status(*status), Department: departmentID(site, *department), Limit: *limit}
		if f.Status != "" && !f.Status.Valid() {
			return f, usageError{fmt.Sprintf("-status %q: unknown (use received, accepted, rejected, handling, replied, visited, closed)", *status)}
		}
		for name, p := range map[string]*string{"since": since, "until": until} {
			if *p == "" {
				continue
			}
			t, err := time.ParseInLocation(time.DateOnly, *p, svc.Calendar().Location())
			if err != nil {
				return f, usageError{fmt.Sprintf("-%s %q: not a date (use YYYY-MM-DD)", name, *p)}
			}
			if name == "since" {
				f.Since = t
			} else {
				f.Until = t
			}
		}
		return f, nil
	}

	if *warning != "" && *warning != "yellow" && *warning != "red" {
		return usageError{fmt.Sprintf("-warning %q: use yellow or red", *warning)}
	}
	// byWarning keeps the complaints at or past the asked warning level.
	byWarning := func(list []*intake.Complaint) []*intake.Complaint {
		if *warning == "" {
			return list
		}
		var out []*intake.Complaint
		for _, c := range list {
			lvl := svc.Timing(c).Level
			if lvl == "red" || lvl == "yellow" && *warning == "yellow" {
				out = append(out, c)
			}
		}
		return out
	}

	switch sub {
	case "list":
		f, err := filter()
		if err != nil {
			return err
		}
		list, err := svc.List(ctx, f)
		if err != nil {
			return err
		}
		list = byWarning(list)
		if *asJSON {
			return intake.WriteJSON(stdout, staffRecords(svc, list))
		}
		return printList(stdout, svc, list)
	case "erase-expired":
		if *dryRun {
			list, err := svc.List(ctx, intake.Filter{Status: intake.StatusClosed})
			if err != nil {
				return err
			}
			cutoff := time.Now().AddDate(0, 0, -svc.RetentionDays())
			n := 0
			for _, c := range list {
				if c.ErasedAt.IsZero() && !c.ClosedAt.IsZero() && c.ClosedAt.Before(cutoff) {
					fmt.Fprintf(stdout, "%s 办结于 %s\n", c.Receipt, c.ClosedAt.In(svc.Calendar().Location()).Format(time.DateOnly))
					n++
				}
			}
			fmt.Fprintf(stdout, "将删除 %d 件投诉的个人信息（办结超过 %d 天）\n", n, svc.RetentionDays())
			return nil
		}
		done, err := svc.Retain(ctx)
		fmt.Fprintf(stdout, "已删除 %d 件投诉的个人信息（办结超过 %d 天）\n", len(done), svc.RetentionDays())
		return err
	case "export":
		f, err := filter()
		if err != nil {
			return err
		}
		list, err := svc.Export(ctx, operator, f)
		if err != nil {
			return err
		}
		list = byWarning(list)
		w := stdout
		if *out != "" {
			file, err := createPrivate(*out)
			if err != nil {
				return err
			}
			defer file.Close()
			w = file
		}
		var werr error
		switch *format {
		case "csv":
			// A byte order mark, as the back office's export has: without
			// it Excel on a Chinese Windows reads UTF-8 as GBK.
			if _, werr = io.WriteString(w, csvBOM); werr == nil {
				werr = intake.WriteCSV(w, staffRecords(svc, list))
			}
		case "json":
			werr = intake.WriteJSON(w, staffRecords(svc, list))
		default:
			return usageError{fmt.Sprintf("-format %q: use csv or json", *format)}
		}
		if werr != nil {
			return werr
		}
		if f, ok := w.(*os.File); ok && f != os.Stdout {
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintf(stderr, "已导出 %d 件投诉到 %s (exported %d complaints to %s)\n", len(list), *out, len(list), *out)
		}
		return nil
	case "show":
		c, err := svc.View(ctx, operator, receipt)
		if err != nil {
			return err
		}
		if *asJSON {
			return intake.WriteJSON(stdout, []intake.StaffRecord{svc.Staff(c)})
		}
		printComplaint(stdout, svc.Staff(c))
		return nil
	}

	a := intake.Action{Kind: intake.ActionKind(sub), Actor: *actor, Note: *note}
	switch sub {
	case "reject":
		a.Note = firstNonEmpty(*reason, *note)
	case "assign":
		a.Assignee = departmentID(site, *to)
	case "extend":
		a.Days, a.Note = *days, firstNonEmpty(*reason, *note)
	case "reply":
		a.Note = *text
		if *textFile != "" {
			b, err := os.ReadFile(*textFile)
			if err != nil {
				return err
			}
			a.Note = string(b)
		}
	case "visit":
		a.Satisfaction = *satisfaction
	}
	c, err := svc.ActAs(ctx, operator, receipt, a)
	if err != nil {
		return actionError(err)
	}
	r := svc.Staff(c)
	fmt.Fprintf(stdout, "%s: %s（%s）\n", r.Receipt, r.StatusLabel, r.Status)
	if r.ReplyDue != "" {
		fmt.Fprintf(stdout, "答复期限：%s\n", r.ReplyDue)
	}
	return nil
}

// actionError turns an intake error into a CLI error naming the flags.
func actionError(err error) error {
	if intake.ErrorCode(err) == intake.EINTERNAL {
		return err // staff see the real cause
	}
	fields := intake.ErrorFields(err)
	if len(fields) == 0 {
		return errors.New(intake.ErrorMessage(err))
	}
	flagOf := map[string]string{"actor": "-actor", "note": "-note/-reason/-text", "assignee": "-to", "days": "-days", "satisfaction": "-satisfaction", "action": "subcommand"}
	var parts []string
	for k, v := range fields {
		parts = append(parts, fmt.Sprintf("%s: %s", firstNonEmpty(flagOf[k], k), v))
	}
	return usageError{intake.ErrorMessage(err) + ": " + strings.Join(parts, "; ")}
}

// departmentID maps what an operator types for a department (its id, full
// name, short name or an alias, as content names it) to the registry id;
// anything else is returned trimmed, for the caller to refuse or keep.
func departmentID(site *model.Site, name string) string {
	name = strings.TrimSpace(name)
	if id, err := dataset.NewRegistry(site.Departments).Resolve(name); err == nil {
		return id
	}
	return name
}

func staffRecords(svc *intake.Service, list []*intake.Complaint) []intake.StaffRecord {
	out := make([]intake.StaffRecord, 0, len(list))
	for _, c := range list {
		out = append(out, svc.Staff(c))
	}
	return out
}

// printList prints one line per complaint, without personal data, so a list
// can be shown on a shared screen.
func printList(w io.Writer, svc *intake.Service, list []*intake.Complaint) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "受理编号\t登记时间\t状态\t答复期限\t预警\t类别\t被投诉单位\t标题")
	for _, c := range list {
		r := svc.Staff(c)
		warn := map[string]string{"yellow": "黄", "red": "红"}[r.Warning]
		if r.DuplicateOf != "" {
			warn += " 重复件"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Receipt, r.CreatedAt.Format("2006-01-02 15:04"), r.StatusLabel,
			r.ReplyDue, strings.TrimSpace(warn), r.Category, r.DepartmentName, oneLine(r.Title, 40))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "共 %d 件\n", len(list))
	return nil
}

func printComplaint(w io.Writer, r intake.StaffRecord) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%-6s %s\n", k+"：", v)
		}
	}
	line("受理编号", r.Receipt)
	line("登记时间", r.CreatedAt.Format("2006-01-02 15:04:05"))
	line("状态", r.StatusLabel+"（"+string(r.Status)+"）")
	line("答复期限", r.ReplyDue)
	line("预警", map[string]string{"yellow": "黄色（临近期限）", "red": "红色（已超期）"}[r.Warning])
	line("重复件", r.DuplicateOf)
	line("类别", r.Category)
	line("被投诉单位", r.DepartmentName)
	line("承办单位", r.Assignee)
	line("关联事项", r.RelatedID)
	line("异议理由", r.ObjectionReason)
	line("标题", r.Title)
	line("联系人", r.Name)
	line("联系电话", r.Phone)
	line("电子邮箱", r.Email)
	if r.Anonymous {
		line("匿名", "是（不向被投诉单位透露身份）")
	}
	if r.ConsentPublish {
		line("公开答复", "同意")
	}
	fmt.Fprintf(w, "投诉内容：\n%s\n", indent(r.Description))
	fmt.Fprintln(w, "办理记录：")
	for _, e := range r.Events {
		extra := firstNonEmpty(e.Assignee, e.Satisfaction)
		if e.Days > 0 {
			extra = fmt.Sprintf("%d 个工作日", e.Days)
		}
		fmt.Fprintf(w, "  %d. %s  %s  %s", e.Seq, e.At.Format("2006-01-02 15:04"), e.Label, e.Actor)
		if extra != "" {
			fmt.Fprintf(w, "  [%s]", extra)
		}
		fmt.Fprintln(w)
		if e.Note != "" {
			fmt.Fprintln(w, indent(e.Note))
		}
	}
	var next []string
	for _, k := range r.Allowed {
		next = append(next, string(k))
	}
	line("可执行", strings.Join(next, ", "))
}

func indent(s string) string { return "    " + strings.ReplaceAll(s, "\n", "\n    ") }

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

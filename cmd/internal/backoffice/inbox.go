package backoffice

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"portal/cmd/internal/intake"
)

// inboxFilter is the inbox's query: every field is a GET parameter, so a
// filtered inbox is a link staff can bookmark.
type inboxFilter struct {
	Status     string // "" open (not 已办结), "all", or a status
	Department string
	Category   string
	Since      string // YYYY-MM-DD
	Until      string // YYYY-MM-DD, inclusive
	Warning    string // "", red, yellow, today
	Q          string
	Page       int
}

type option struct {
	Value, Label string
	Selected     bool
}

type inboxRow struct {
	Receipt, Received, Category, Title, Department, Assignee, Status string
	Due, Warning, WarningText                                        string
	Duplicate                                                        bool
}

type inboxPage struct {
	Filter                          inboxFilter
	Statuses, Departments, Warnings []option
	Categories                      []option
	Rows                            []inboxRow
	Total, Red, Yellow, Today       int
	Page, Pages                     int
	Prev, Next                      string
	Errors                          map[string]string
	ExportURL                       string
	Scope                           string // what a handler sees
	Supervisor                      bool
	SiteProblem                     *SiteProblem // for supervisors: the public site's last build failed
	SiteProblemSince                string
}

// parseInbox reads the inbox's query; bad values are named in errors and ignored.
func (h *Handler) parseInbox(q url.Values) (inboxFilter, intake.Filter, map[string]string) {
	f := inboxFilter{Status: q.Get("status"), Department: q.Get("department"), Category: q.Get("category"),
		Since: q.Get("since"), Until: q.Get("until"), Warning: q.Get("warning"), Q: strings.TrimSpace(q.Get("q"))}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if f.Page < 1 {
		f.Page = 1
	}
	bad := map[string]string{}
	sf := intake.Filter{Department: f.Department, Category: f.Category, Text: f.Q}
	switch f.Status {
	case "":
		sf.Open = true
	case "all":
	default:
		if st := intake.Status(f.Status); st.Valid() {
			sf.Status = st
		} else {
			bad["status"], f.Status = "未知状态", ""
			sf.Open = true
		}
	}
	if f.Category != "" && !slices.Contains(intake.Categories, f.Category) {
		bad["category"], f.Category, sf.Category = "未知类别", "", ""
	}
	loc := h.opts.Complaints.Calendar().Location()
	for key, p := range map[string]*string{"since": &f.Since, "until": &f.Until} {
		if *p == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, *p, loc)
		if err != nil {
			bad[key], *p = "日期格式应为 YYYY-MM-DD", ""
			continue
		}
		if key == "since" {
			sf.Since = t
		} else {
			sf.Until = t.AddDate(0, 0, 1)
		}
	}
	switch f.Warning {
	case "", "red", "yellow", "today", "tomorrow":
	default:
		bad["warning"], f.Warning = "未知预警", ""
	}
	if len([]rune(f.Q)) > 100 {
		bad["q"], f.Q, sf.Text = "搜索词过长（最多 100 个字）", "", ""
	}
	return f, sf, bad
}

// warningMatches reports whether a complaint with timing t is in the
// inbox's warning filter w ("" all, red, yellow (today and tomorrow), today,
// tomorrow), so the counts above the list, the list and its export agree.
func warningMatches(w string, t intake.Timing) bool {
	today := t.Level == "yellow" && t.DaysLeft == 0
	switch w {
	case "red":
		return t.Level == "red"
	case "yellow":
		return t.Level == "yellow"
	case "today":
		return today
	case "tomorrow":
		return t.Level == "yellow" && !today
	}
	return true
}

// warningText says how a complaint stands against its limit, in words (the
// colour is never the only sign).
func warningText(t intake.Timing) string {
	switch {
	case t.Due.IsZero():
		return ""
	case t.Level == "red":
		return fmt.Sprintf("已超期 %d 个工作日", -t.DaysLeft)
	case t.DaysLeft == 0:
		return "今日到期"
	}
	return fmt.Sprintf("剩 %d 个工作日", t.DaysLeft)
}

func (h *Handler) inbox(w http.ResponseWriter, r *http.Request, rq *request) {
	f, sf, bad := h.parseInbox(r.URL.Query())
	list, err := h.opts.Complaints.ListFor(r.Context(), rq.who, sf)
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	svc := h.opts.Complaints
	type item struct {
		c *intake.Complaint
		t intake.Timing
	}
	var items []item
	d := inboxPage{Filter: f, Errors: bad, Supervisor: rq.acct.Role == intake.RoleSupervisor}
	if d.Supervisor && h.opts.SiteProblem != nil {
		if p := h.opts.SiteProblem(); p != nil {
			d.SiteProblem, d.SiteProblemSince = p, h.clock(p.Since)
		}
	}
	for _, c := range list {
		t := svc.Timing(c)
		today := t.Level == "yellow" && t.DaysLeft == 0
		switch {
		case t.Level == "red":
			d.Red++
		case today:
			d.Today++
		case t.Level == "yellow":
			d.Yellow++
		}
		if !warningMatches(f.Warning, t) {
			continue
		}
		items = append(items, item{c, t})
	}
	// Late first, then due today and tomorrow, then by due date, then the
	// rest by receipt; so whatever needs doing first is at the top.
	rank := func(t intake.Timing) int {
		switch t.Level {
		case "red":
			return 0
		case "yellow":
			return 1
		}
		if t.Due.IsZero() {
			return 3
		}
		return 2
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if ra, rb := rank(a.t), rank(b.t); ra != rb {
			return ra < rb
		}
		if !a.t.Due.Equal(b.t.Due) {
			return a.t.Due.Before(b.t.Due)
		}
		return a.c.CreatedAt.Before(b.c.CreatedAt)
	})
	d.Total = len(items)
	d.Pages = max(1, (len(items)+pageSize-1)/pageSize)
	d.Page = min(f.Page, d.Pages)
	start := (d.Page - 1) * pageSize
	for _, it := range items[start:min(len(items), start+pageSize)] {
		c, t := it.c, it.t
		row := inboxRow{Receipt: c.Receipt, Received: h.clock(c.CreatedAt), Category: c.Category, Title: oneLine(c.Title, 40),
			Department: svc.DepartmentName(c.Department), Status: c.Status.Label(), Warning: t.Level, WarningText: warningText(t),
			Duplicate: c.DuplicateOf != ""}
		if c.Assignee != "" {
			row.Assignee = svc.DepartmentName(c.Assignee)
		}
		if !t.Due.IsZero() {
			row.Due = t.Due.Format(time.DateOnly)
		}
		d.Rows = append(d.Rows, row)
	}
	q := r.URL.Query()
	link := func(p int) string {
		q.Set("page", strconv.Itoa(p))
		return "/inbox?" + q.Encode()
	}
	if d.Page > 1 {
		d.Prev = link(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.Next = link(d.Page + 1)
	}
	q.Del("page")
	d.ExportURL = "/export.csv?" + q.Encode()

	d.Statuses = []option{{"", "未办结（全部待办）", f.Status == ""}, {"all", "全部（含已办结）", f.Status == "all"}}
	for _, st := range intake.Statuses {
		d.Statuses = append(d.Statuses, option{string(st), st.Label(), f.Status == string(st)})
	}
	d.Warnings = []option{{"", "全部", f.Warning == ""}, {"red", "红色：已超期", f.Warning == "red"},
		{"today", "今日到期", f.Warning == "today"}, {"tomorrow", "明日到期", f.Warning == "tomorrow"},
		{"yellow", "黄色：一个工作日内到期（含今日）", f.Warning == "yellow"}}
	d.Categories = []option{{"", "全部类别", f.Category == ""}}
	for _, c := range intake.Categories {
		d.Categories = append(d.Categories, option{c, c, f.Category == c})
	}
	if rq.acct.Role == intake.RoleSupervisor {
		d.Departments = []option{{"", "全部单位", f.Department == ""}, {intake.DepartmentUnknown, "不确定（待转办）", f.Department == intake.DepartmentUnknown}}
		for _, dep := range svc.Departments() {
			d.Departments = append(d.Departments, option{dep.ID, dep.Name, f.Department == dep.ID})
		}
	} else {
		d.Scope = svc.DepartmentName(rq.acct.Department)
	}
	h.render(w, r, http.StatusOK, "inbox", rq, "待办投诉", d)
}

// export is GET /export.csv: the inbox's filter as the 12345 export sheet,
// with personal data, for supervisors; recorded in the audit trail.
func (h *Handler) export(w http.ResponseWriter, r *http.Request, rq *request) {
	f, sf, bad := h.parseInbox(r.URL.Query())
	if len(bad) > 0 {
		h.fail(w, r, rq, &intake.Error{Code: intake.EINVALID, Message: "筛选条件有误", Fields: bad})
		return
	}
	list, err := h.opts.Complaints.Export(r.Context(), rq.who, sf)
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	recs := make([]intake.StaffRecord, 0, len(list))
	for _, c := range list {
		// The warning is the inbox's own filter (not the store's): the
		// export is 当前结果, never more personal data than the list shows.
		if !warningMatches(f.Warning, h.opts.Complaints.Timing(c)) {
			continue
		}
		recs = append(recs, h.opts.Complaints.StaffFor(rq.who, c))
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="complaints-`+time.Now().Format("20060102")+`.csv"`)
	w.Write([]byte("\uFEFF")) // so spreadsheet programs read UTF-8
	if err := intake.WriteCSV(w, recs); err != nil {
		h.log.Error("export", "err", err)
	}
}

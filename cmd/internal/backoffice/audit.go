package backoffice

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"portal/cmd/internal/intake"
)

type auditRow struct {
	Seq                                        int64
	Time, Login, Addr, Action, Receipt, Detail string
}

type auditPage struct {
	Login, Receipt, Action, Since, Until string
	Rows                                 []auditRow
	Limit                                int
	CSV                                  string
	Errors                               map[string]string
	Actions                              []option
}

const auditLimit = 500

func (h *Handler) auditFilter(q url.Values) (intake.AuditFilter, auditPage) {
	d := auditPage{Login: strings.TrimSpace(q.Get("login")), Receipt: strings.ToUpper(strings.TrimSpace(q.Get("receipt"))),
		Action: q.Get("action"), Since: q.Get("since"), Until: q.Get("until"), Errors: map[string]string{}}
	f := intake.AuditFilter{Login: d.Login, Receipt: d.Receipt, Action: d.Action}
	loc := h.opts.Complaints.Calendar().Location()
	for key, p := range map[string]*string{"since": &d.Since, "until": &d.Until} {
		if *p == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, *p, loc)
		if err != nil {
			d.Errors[key], *p = "日期格式应为 YYYY-MM-DD", ""
			continue
		}
		if key == "since" {
			f.Since = t
		} else {
			f.Until = t.AddDate(0, 0, 1)
		}
	}
	d.Actions = []option{{"", "全部操作", d.Action == ""}}
	for _, a := range []string{intake.AuditLogin, intake.AuditLoginFailed, intake.AuditLogout, intake.AuditView, intake.AuditDownload,
		intake.AuditExport, intake.AuditNote, "act:accept", "act:reject", "act:assign", "act:extend", "act:reply", "act:visit", "act:close",
		intake.AuditDenied, intake.AuditErase, intake.AuditAccountAdd, intake.AuditAccountDisable, intake.AuditAccountEnable, intake.AuditAccountReset} {
		d.Actions = append(d.Actions, option{a, intake.AuditLabel(a), d.Action == a})
	}
	return f, d
}

// audit is GET /audit: the newest entries of the trail, filtered, for admins.
func (h *Handler) audit(w http.ResponseWriter, r *http.Request, rq *request) {
	f, d := h.auditFilter(r.URL.Query())
	f.Limit = auditLimit
	entries, err := h.opts.Complaints.AuditTrail(r.Context(), rq.who, f)
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	for _, e := range entries {
		d.Rows = append(d.Rows, auditRow{Seq: e.Seq, Time: h.clock(e.At), Login: e.Login, Addr: e.Addr, Action: intake.AuditLabel(e.Action),
			Receipt: e.Receipt, Detail: e.Detail})
	}
	d.Limit = auditLimit
	d.CSV = "/audit.csv?" + r.URL.Query().Encode()
	h.render(w, r, http.StatusOK, "audit", rq, "审计记录", d)
}

// auditCSV is GET /audit.csv: the whole filtered trail as CSV.
func (h *Handler) auditCSV(w http.ResponseWriter, r *http.Request, rq *request) {
	f, _ := h.auditFilter(r.URL.Query())
	entries, err := h.opts.Complaints.AuditTrail(r.Context(), rq.who, f)
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="audit-`+time.Now().Format("20060102")+`.csv"`)
	w.Write([]byte("\uFEFF"))
	if err := intake.WriteAuditCSV(w, entries, h.opts.Complaints.Calendar().Location()); err != nil {
		h.log.Error("audit export", "err", err)
	}
	h.log.Info("audit exported", "login", rq.acct.Login, "entries", strconv.Itoa(len(entries)))
}

type accountRow struct {
	Login, Name, Role, Department, State, Created string
}

// accounts is GET /accounts: who has access (managed with portal staff).
func (h *Handler) accounts(w http.ResponseWriter, r *http.Request, rq *request) {
	list, err := h.opts.Accounts.List(r.Context())
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	var rows []accountRow
	now := time.Now()
	for _, a := range list {
		state := "正常"
		switch {
		case a.Disabled:
			state = "已停用"
		case now.Before(a.LockedUntil):
			state = "锁定至 " + h.clock(a.LockedUntil)
		}
		rows = append(rows, accountRow{Login: a.Login, Name: a.Name, Role: a.Role.Label(), Department: h.opts.Complaints.DepartmentName(a.Department),
			State: state, Created: h.clock(a.CreatedAt)})
	}
	h.render(w, r, http.StatusOK, "accounts", rq, "账号", rows)
}

package backoffice

import (
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"portal/cmd/internal/intake"
)

type eventView struct {
	Time, Label, Actor, Note, Extra string
}

type noteView struct {
	Time, Actor, Text string
}

type fileView struct {
	Name, Type, Size, URL string
}

// actionForm is one allowed action as a form on the detail page.
type actionForm struct {
	Kind  intake.ActionKind
	Label string
	URL   string
}

type detailPage struct {
	R            intake.StaffRecord
	Received     string
	Due          string
	Warning      string
	WarningText  string
	Related      *Related
	Events       []eventView
	Notes        []noteView
	Files        []fileView
	Actions      []actionForm
	Departments  []intake.Department
	Satisfaction []string
	ExtensionMax int
	ErasedAt     string
	Contact      bool // who sees the contact details
	Done         string
	// The failed action's input and errors, to show the form again as it was.
	Failed  string
	Message string
	Errors  map[string]string
	Values  intake.Action
}

func (h *Handler) detailData(rq *request, c *intake.Complaint) detailPage {
	svc := h.opts.Complaints
	t := svc.Timing(c)
	d := detailPage{R: svc.StaffFor(rq.who, c), Received: h.clock(c.CreatedAt), Warning: t.Level, WarningText: warningText(t),
		Departments: svc.Departments(), Satisfaction: intake.Satisfactions, ExtensionMax: svc.Limits().ExtensionMaxDays,
		ErasedAt: h.clock(c.ErasedAt), Contact: rq.who.SeesContact(c)}
	if !t.Due.IsZero() {
		d.Due = t.Due.Format("2006-01-02")
	}
	if c.RelatedID != "" && h.opts.Related != nil {
		if rel, ok := h.opts.Related(c.RelatedID); ok {
			d.Related = &rel
		}
	}
	for _, e := range c.Events {
		ev := eventView{Time: h.clock(e.At), Label: e.Type.Label(), Actor: e.Actor, Note: e.Note}
		switch {
		case e.Assignee != "":
			ev.Extra = "承办单位：" + svc.DepartmentName(e.Assignee)
		case e.Satisfaction != "":
			ev.Extra = "满意度：" + e.Satisfaction
		case e.Days > 0:
			ev.Extra = fmt.Sprintf("延期 %d 个工作日", e.Days)
		}
		if e.Actor == "public" {
			ev.Actor = "投诉人"
		}
		d.Events = append(d.Events, ev)
	}
	for _, n := range c.Notes {
		d.Notes = append(d.Notes, noteView{Time: h.clock(n.At), Actor: n.Actor, Text: n.Text})
	}
	for _, a := range c.Attachments {
		d.Files = append(d.Files, fileView{Name: a.Name, Type: intake.TypeLabel(a.Type), Size: intake.FormatSize(a.Size),
			URL: fmt.Sprintf("/complaints/%s/attachments/%d", c.Receipt, a.ID)})
	}
	for _, k := range intake.Allowed(c.Status) {
		if rq.who.CanAct(k) {
			d.Actions = append(d.Actions, actionForm{Kind: k, Label: k.Label(), URL: "/complaints/" + c.Receipt + "/act/" + string(k)})
		}
	}
	return d
}

var doneLabels = map[string]string{"note": "已添加内部备注"}

func (h *Handler) detail(w http.ResponseWriter, r *http.Request, rq *request) {
	c, err := h.opts.Complaints.View(r.Context(), rq.who, r.PathValue("receipt"))
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	d := h.detailData(rq, c)
	if done := r.URL.Query().Get("done"); done != "" {
		if l := intake.ActionKind(done).Label(); l != "" {
			d.Done = "已完成：" + l
		} else {
			d.Done = doneLabels[done]
		}
	}
	h.render(w, r, http.StatusOK, "detail", rq, "投诉 "+c.Receipt, d)
}

// act is POST /complaints/{receipt}/act/{action}: one action from its
// form; success goes back to the detail page, a refusal shows it again
// with the message beside the form and the input kept.
func (h *Handler) act(w http.ResponseWriter, r *http.Request, rq *request) {
	kind := intake.ActionKind(r.PathValue("action"))
	f := r.PostForm
	a := intake.Action{Kind: kind, Actor: rq.who.Name, Note: f.Get("note"), Assignee: f.Get("assignee"), Satisfaction: f.Get("satisfaction")}
	bad := map[string]string{}
	if v := strings.TrimSpace(f.Get("days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			bad["days"] = "请填写整数天数"
		}
		a.Days = n
	}
	var c *intake.Complaint
	var err error
	if len(bad) > 0 {
		err = &intake.Error{Code: intake.EINVALID, Message: kind.Label() + "所需信息不完整", Fields: bad}
	} else {
		c, err = h.opts.Complaints.ActAs(r.Context(), rq.who, r.PathValue("receipt"), a)
	}
	if err == nil {
		h.log.Info("complaint action", "receipt", c.Receipt, "action", string(kind), "login", rq.acct.Login, "status", string(c.Status))
		http.Redirect(w, r, "/complaints/"+c.Receipt+"?done="+string(kind), http.StatusSeeOther)
		return
	}
	status := statusOf(err)
	if status == http.StatusServiceUnavailable {
		h.unsaved(w, r, rq, err, a.Note)
		return
	}
	if status == http.StatusNotFound || status == http.StatusInternalServerError {
		h.fail(w, r, rq, err)
		return
	}
	// Show the complaint again (its current state) with the refusal.
	c, verr := h.opts.Complaints.View(r.Context(), rq.who, r.PathValue("receipt"))
	if verr != nil {
		h.fail(w, r, rq, verr)
		return
	}
	d := h.detailData(rq, c)
	d.Failed, d.Message, d.Errors, d.Values = string(kind), intake.ErrorMessage(err), intake.ErrorFields(err), a
	h.render(w, r, status, "detail", rq, "投诉 "+c.Receipt, d)
}

func (h *Handler) note(w http.ResponseWriter, r *http.Request, rq *request) {
	text := r.PostForm.Get("note")
	c, err := h.opts.Complaints.AddNote(r.Context(), rq.who, r.PathValue("receipt"), text)
	if err == nil {
		http.Redirect(w, r, "/complaints/"+c.Receipt+"?done=note#notes", http.StatusSeeOther)
		return
	}
	if statusOf(err) == http.StatusServiceUnavailable {
		h.unsaved(w, r, rq, err, text)
		return
	}
	if statusOf(err) != http.StatusBadRequest {
		h.fail(w, r, rq, err)
		return
	}
	c, verr := h.opts.Complaints.View(r.Context(), rq.who, r.PathValue("receipt"))
	if verr != nil {
		h.fail(w, r, rq, verr)
		return
	}
	d := h.detailData(rq, c)
	d.Failed, d.Message, d.Errors, d.Values = "note", intake.ErrorMessage(err), intake.ErrorFields(err), intake.Action{Note: text}
	h.render(w, r, http.StatusBadRequest, "detail", rq, "投诉 "+c.Receipt, d)
}

// attachment is GET …/attachments/{id}: the file as a download, never
// shown inline, under a sandbox policy.
func (h *Handler) attachment(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id < 1 {
		h.fail(w, r, rq, intake.Errorf(intake.ENOTFOUND, "没有该附件"))
		return
	}
	a, err := h.opts.Complaints.AttachmentFor(r.Context(), rq.who, r.PathValue("receipt"), id)
	if err != nil {
		h.fail(w, r, rq, err)
		return
	}
	h.log.Info("attachment downloaded", "receipt", strings.ToUpper(r.PathValue("receipt")), "id", id, "login", rq.acct.Login)
	w.Header().Set("Content-Type", a.Type)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	w.Header().Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Data)))
	w.Write(a.Data)
}

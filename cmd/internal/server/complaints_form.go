package server

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"portal/cmd/internal/intake"
)

// receiptCookie carries "receipt.code" from the form's 303 to the receipt
// page: the query code must be shown once but never sit in a URL (history,
// logs, Referer). It is scoped to the receipt page and short-lived.
const (
	receiptCookie     = "portal_receipt"
	receiptCookiePath = "/complaints/receipt/"
	receiptCookieAge  = 15 * time.Minute
)

func (s *Server) formData() ComplaintFormData {
	return NewComplaintFormData(s.opts.Complaints.Departments(), s.opts.Complaints.Limits())
}

// handleComplaintFormPage is GET /complaints/: the form, pre-filled from the
// query (category, department, related_id, objection_reason), as a
// disclosure page's 提出异议申诉 link does.
func (s *Server) handleComplaintFormPage(w http.ResponseWriter, r *http.Request) {
	d := s.formData()
	q := r.URL.Query()
	if c := q.Get("category"); slices.Contains(intake.Categories, c) {
		d.Values.Category = c
	}
	if dep := q.Get("department"); dep == intake.DepartmentUnknown || slices.ContainsFunc(d.Departments, func(x intake.Department) bool { return x.ID == dep }) {
		d.Values.Department = dep
	}
	if reason := q.Get("objection_reason"); slices.Contains(intake.ObjectionReasons, reason) {
		d.Values.ObjectionReason = reason
	}
	// Disclosure and record pages link with ?disclosure=ID or ?record=ID.
	id := firstValue(q.Get("related_id"), q.Get("disclosure"), q.Get("record"), q.Get("commitment"))
	if len(id) <= intake.RelatedIDMax && !strings.ContainsAny(id, "/\\?#<>\"'` ") {
		d.Values.RelatedID = id
	}
	s.render(w, r, http.StatusOK, LayoutComplaintForm, "政务失信投诉", d)
}

func firstValue(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// handleComplaintForm is POST /complaints/: the form. Success is a 303 to the
// receipt page; errors re-render the form with the input kept and a message
// beside each bad field.
func (s *Server) handleComplaintForm(w http.ResponseWriter, r *http.Request) {
	d := s.formData()
	var values url.Values
	var files []intake.Attachment
	var err error
	switch {
	case isMultipart(r):
		values, files, err = readMultipartForm(r)
	case isForm(r):
		err = r.ParseForm()
		values = r.PostForm
	default:
		_, msg, _ := s.publicError(r, errNotForm)
		d.Message = msg
		s.render(w, r, http.StatusBadRequest, LayoutComplaintForm, "政务失信投诉", d)
		return
	}
	if err != nil && intake.ErrorCode(err) != intake.EINVALID {
		// Whatever arrived of the form is shown again.
		status, msg := http.StatusBadRequest, msgBadBody
		switch is, timeout := bodyError(err); {
		case tooLarge(err):
			status, msg = http.StatusRequestEntityTooLarge, tooLargeMessage(MaxUploadBytes)
		case is && timeout:
			status, msg = http.StatusRequestTimeout, msgBodyTimeout
		}
		sub := intake.FromForm(values)
		sub.Website = ""
		d.Values, d.Message = sub, msg+"。"+keptMessage(sub)
		s.render(w, r, status, LayoutComplaintForm, "政务失信投诉", d)
		return
	}
	sub := intake.FromForm(values)
	sub.Client = s.clientAddr(r).String()
	if err != nil {
		// A refused attachment: the rest of the form is kept, the files
		// must be chosen again (a browser never re-sends them).
		sub.Website = ""
		d.Values, d.Message = sub, intake.ErrorMessage(err)
		d.Errors = map[string]string{"attachments": intake.ErrorMessage(err) + "。请重新选择附件后提交"}
		s.render(w, r, http.StatusBadRequest, LayoutComplaintForm, "政务失信投诉", d)
		return
	}
	sub.Attachments = files
	rec, err := s.opts.Complaints.Submit(r.Context(), sub)
	if err != nil {
		status, msg, _ := s.publicError(r, err)
		sub.Website = ""
		d.Values, d.Errors, d.Message = sub, intake.ErrorFields(err), msg
		if len(files) > 0 && len(d.Errors) > 0 && d.Errors["attachments"] == "" {
			// The files were good but are not kept, and a browser never
			// re-sends them: say so beside the file field, or the citizen
			// corrects the phone number and sends the complaint without them.
			errs := maps.Clone(d.Errors)
			errs["attachments"] = fmt.Sprintf("已选择的 %d 个附件未保存，请重新选择后提交", len(files))
			d.Errors = errs
		}
		if status == http.StatusServiceUnavailable {
			d.Message += "。" + keptMessage(sub)
		}
		retryAfter(w, status)
		s.render(w, r, status, LayoutComplaintForm, "政务失信投诉", d)
		return
	}
	s.log.Info("complaint received", "receipt", rec.Receipt, "via", "form", "duplicate", rec.DuplicateOf != "", "attachments", len(files))
	http.SetCookie(w, &http.Cookie{
		Name: receiptCookie, Value: rec.Receipt + "." + strings.ReplaceAll(rec.QueryCode, "-", ""),
		Path: receiptCookiePath, MaxAge: int(receiptCookieAge.Seconds()),
		HttpOnly: true, Secure: s.viaTLS(r), SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, receiptCookiePath, http.StatusSeeOther)
}

// handleComplaintReceipt is GET /complaints/receipt/: shows the receipt
// number and query code from the cookie, after checking them against the
// store so a forged cookie shows nothing.
func (s *Server) handleComplaintReceipt(w http.ResponseWriter, r *http.Request) {
	// The page checks a code, so it shares the POST limit: otherwise forged
	// cookies would be an unlimited way to guess codes.
	if !s.allow(w, r) {
		return
	}
	c, err := r.Cookie(receiptCookie)
	var receipt, code string
	if err == nil {
		receipt, code, _ = strings.Cut(c.Value, ".")
	}
	st, err := s.opts.Complaints.Status(r.Context(), receipt, code)
	if receipt == "" || err != nil {
		s.render(w, r, http.StatusNotFound, LayoutComplaintStatus, "投诉查询", ComplaintStatusData{
			Message: "回执已过期或不存在。请使用受理编号和查询码查询办理进度。",
		})
		return
	}
	pretty := code
	if len(code) == intake.QueryCodeLen {
		pretty = code[:4] + "-" + code[4:8] + "-" + code[8:]
	}
	w.Header().Set("Referrer-Policy", "no-referrer")
	s.render(w, r, http.StatusOK, LayoutComplaintReceipt, "投诉已接收", ComplaintReceiptData{
		Receipt:     intake.Receipt{Receipt: st.Receipt, QueryCode: pretty, Status: st.Status, Due: st.Due},
		Duplicate:   st.Duplicate,
		Attachments: st.Attachments,
		Enterprise:  st.Enterprise,
		Submitted:   st,
	})
}

// handleComplaintStatusForm is POST /complaints/status: the status lookup
// form; the answer is the status page with the timeline or the errors.
func (s *Server) handleComplaintStatusForm(w http.ResponseWriter, r *http.Request) {
	var d ComplaintStatusData
	if !isForm(r) {
		_, d.Message, _ = s.publicError(r, errNotForm)
		s.render(w, r, http.StatusBadRequest, LayoutComplaintStatus, "投诉查询", d)
		return
	}
	if err := r.ParseForm(); err != nil {
		status, msg, _ := s.publicError(r, err)
		if !tooLarge(err) && status != http.StatusRequestTimeout {
			status, msg = http.StatusBadRequest, msgBadBody
		}
		d.Message = msg
		s.render(w, r, status, LayoutComplaintStatus, "投诉查询", d)
		return
	}
	q := intake.StatusQuery{Receipt: r.PostForm.Get("receipt"), QueryCode: r.PostForm.Get("query_code")}
	d.Receipt = strings.TrimSpace(q.Receipt)
	err := q.Check()
	if err == nil {
		d.Result, err = s.opts.Complaints.Status(r.Context(), q.Receipt, q.QueryCode)
	}
	if err != nil {
		status, msg, _ := s.publicError(r, err)
		d.Errors, d.Message = intake.ErrorFields(err), msg
		retryAfter(w, status)
		s.render(w, r, status, LayoutComplaintStatus, "投诉查询", d)
		return
	}
	s.render(w, r, http.StatusOK, LayoutComplaintStatus, "投诉查询", d)
}

// isMultipart reports whether the request body is multipart/form-data.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// formTextMax bounds the form's text fields together, as for a plain form.
const formTextMax = MaxBodyBytes

// readMultipartForm reads the complaint form with its attachments as a
// stream, in memory (nothing personal touches the disk before the store):
// the text fields up to formTextMax together, and each file part named
// "attachments" up to the attachment limit, checked by content. A refused
// file is an EINVALID error naming it; the text fields are returned even
// then, so the form can be shown again as it was.
func readMultipartForm(r *http.Request) (url.Values, []intake.Attachment, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, nil, err
	}
	values := url.Values{}
	var files []intake.Attachment
	var refused error
	text := 0
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return values, nil, err
		}
		name := p.FormName()
		if p.FileName() == "" && name != "attachments" {
			b, err := io.ReadAll(io.LimitReader(p, int64(formTextMax-text)+1))
			if err != nil {
				return values, nil, err
			}
			if text += len(b); text > formTextMax {
				return values, nil, &http.MaxBytesError{Limit: formTextMax}
			}
			values.Add(name, string(b))
			continue
		}
		if name != "attachments" {
			continue // a file in a field the form does not have
		}
		data, err := io.ReadAll(io.LimitReader(p, intake.MaxAttachmentSize+1))
		if err != nil {
			return values, nil, err
		}
		if p.FileName() == "" && len(data) == 0 {
			continue // the file input left empty
		}
		if refused != nil {
			continue
		}
		if len(files) == intake.MaxAttachments {
			refused = intake.Errorf(intake.EINVALID, "最多上传 %d 个附件", intake.MaxAttachments)
			continue
		}
		a, err := intake.CheckAttachment(p.FileName(), p.Header.Get("Content-Type"), data)
		if err != nil {
			refused = err
			continue
		}
		files = append(files, a)
	}
	if refused != nil {
		return values, nil, refused
	}
	return values, files, nil
}

// refuseComplaintForm answers a refused complaint form (429, 413) with the
// form itself, holding everything the citizen typed and saying in Chinese
// what to do; attachments must be chosen again (no browser re-sends them).
func (s *Server) refuseComplaintForm(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if s.opts.Complaints == nil || s.opts.Pages == nil {
		s.errorPage(w, r, status, msg)
		return
	}
	d := s.formData()
	sub := intake.FromForm(salvageForm(r))
	sub.Website = ""
	d.Values = sub
	d.Message = msg + "。" + keptMessage(sub)
	if status == http.StatusRequestEntityTooLarge {
		d.Errors = map[string]string{"attachments": tooLargeMessage(MaxUploadBytes) + "。请改选较小的文件（可压缩图片或分次提交）"}
	}
	s.render(w, r, status, LayoutComplaintForm, "政务失信投诉", d)
}

// keptMessage tells the citizen their text is still there.
func keptMessage(sub intake.Submission) string {
	if sub.Title == "" && sub.Description == "" && sub.Name == "" && sub.Phone == "" {
		return "请重新填写后提交"
	}
	return "您填写的内容已保留在下方，附件需重新选择，确认无误后再次提交即可"
}

// refuseStatusForm answers a refused status lookup with the lookup page,
// the receipt number kept (the query code is never echoed back).
func (s *Server) refuseStatusForm(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if s.opts.Pages == nil {
		s.errorPage(w, r, status, msg)
		return
	}
	v := salvageForm(r)
	s.render(w, r, status, LayoutComplaintStatus, "投诉查询", ComplaintStatusData{
		Receipt: strings.TrimSpace(v.Get("receipt")), Message: msg + "。请稍后重新输入查询码查询",
	})
}

// salvageForm reads what it can of a refused form's text fields: a
// urlencoded body, or a multipart one whose file parts are read past and
// dropped. It stops at the body limit or the deadline the guard set, and
// never fails: what could not be read is simply not kept.
func salvageForm(r *http.Request) url.Values {
	values := url.Values{}
	switch {
	case isForm(r):
		b, _ := io.ReadAll(io.LimitReader(r.Body, formTextMax))
		if v, err := url.ParseQuery(string(b)); err == nil {
			return v
		}
	case isMultipart(r):
		mr, err := r.MultipartReader()
		if err != nil {
			return values
		}
		text := 0
		for {
			p, err := mr.NextPart()
			if err != nil {
				return values
			}
			if p.FileName() != "" || p.FormName() == "attachments" {
				if _, err := io.Copy(io.Discard, p); err != nil {
					return values
				}
				continue
			}
			b, err := io.ReadAll(io.LimitReader(p, int64(formTextMax-text)))
			text += len(b)
			values.Add(p.FormName(), string(b))
			if err != nil || text >= formTextMax {
				return values
			}
		}
	}
	return values
}

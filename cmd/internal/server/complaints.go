package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strings"

	"portal/cmd/internal/intake"
)

// ComplaintService is complaint intake (implemented by *intake.Service).
type ComplaintService interface {
	Submit(ctx context.Context, s intake.Submission) (intake.Receipt, error)
	Status(ctx context.Context, receipt, code string) (*intake.PublicStatus, error)
	Get(ctx context.Context, receipt string) (*intake.Complaint, error)
	List(ctx context.Context, f intake.Filter) ([]*intake.Complaint, error)
	Act(ctx context.Context, receipt string, a intake.Action) (*intake.Complaint, error)
	// The admin API's audited forms (see intake's Who).
	ActAs(ctx context.Context, who intake.Who, receipt string, a intake.Action) (*intake.Complaint, error)
	View(ctx context.Context, who intake.Who, receipt string) (*intake.Complaint, error)
	Export(ctx context.Context, who intake.Who, f intake.Filter) ([]*intake.Complaint, error)
	Staff(c *intake.Complaint) intake.StaffRecord
	Departments() []intake.Department
	Limits() intake.Limits
}

var _ ComplaintService = (*intake.Service)(nil)

// Complaint page layouts under themes/<name>/layouts.
const (
	LayoutComplaintForm    = "complaints"         // the form, at /complaints/
	LayoutComplaintReceipt = "complaints-receipt" // after a form submission
	LayoutComplaintStatus  = "complaints-status"  // the status lookup, at /complaints/status/
)

// ComplaintFormData is the form page's .Data, both at build time (empty) and
// when the server re-renders it with the user's input and errors.
type ComplaintFormData struct {
	Categories       []string
	Departments      []intake.Department
	Reasons          []string // objection reasons (异议申诉)
	Objection        string   // the objection category's name
	Unknown          string   // the 不确定 department value
	Values           intake.Submission
	Errors           map[string]string // field → message
	Message          string            // a general message above the form
	ReplyWorkingDays int
	DescriptionMin   int
	DescriptionMax   int
	TitleMax         int
	MaxAttachments   int // attachments: how many, how large (MiB), which types
	AttachmentMiB    int
	AttachmentTypes  string
}

// NewComplaintFormData returns the empty form's data.
func NewComplaintFormData(departments []intake.Department, lim intake.Limits) ComplaintFormData {
	if lim.ReplyWorkingDays == 0 {
		lim.ReplyWorkingDays = 5
	}
	return ComplaintFormData{
		Categories: intake.Categories, Departments: departments, Reasons: intake.ObjectionReasons,
		Objection: intake.CategoryObjection, Unknown: intake.DepartmentUnknown,
		ReplyWorkingDays: lim.ReplyWorkingDays, DescriptionMin: intake.DescriptionMin,
		DescriptionMax: intake.DescriptionMax, TitleMax: intake.TitleMax,
		MaxAttachments: intake.MaxAttachments, AttachmentMiB: intake.MaxAttachmentSize >> 20, AttachmentTypes: "PDF、JPEG、PNG",
	}
}

// ComplaintReceiptData is the receipt page's .Data.
type ComplaintReceiptData struct {
	Receipt     intake.Receipt
	Duplicate   bool
	Attachments []intake.PublicFile // what was received (type and size, no names)
	Enterprise  bool                // made in an enterprise's name
	// Submitted is what the receipt repeats of what was sent: category,
	// department, title and time, as the status page shows them (no name,
	// phone, e-mail or description).
	Submitted *intake.PublicStatus
}

// ComplaintStatusData is the status page's .Data: the query (receipt only;
// the code is never echoed back) and either errors or the result.
type ComplaintStatusData struct {
	Receipt string
	Errors  map[string]string
	Message string
	Result  *intake.PublicStatus
}

// registerComplaints serves /complaints/… and /api/complaints…. (The admin
// API is not here: the back office serves it, see NewAdminAPI.)
func (s *Server) registerComplaints() {
	post := func(pattern string, h http.HandlerFunc) {
		s.mux.Handle("POST "+pattern, s.protect(s.needComplaints(h)))
	}
	// The form may carry attachments: its own, larger body limit and
	// deadline. A refused form comes back with what was typed in it.
	form := s.protectForm(s.needComplaints(s.handleComplaintForm), MaxUploadBytes, s.uploadTimeout(), s.refuseComplaintForm)
	s.mux.Handle("POST /complaints/{$}", form)
	s.mux.Handle("POST /complaints", form)
	status := s.protectForm(s.needComplaints(s.handleComplaintStatusForm), MaxBodyBytes, s.bodyTimeout(), s.refuseStatusForm)
	s.mux.Handle("POST /complaints/status", status)
	s.mux.Handle("POST /complaints/status/{$}", status)
	post("/api/complaints", s.handleComplaintAPI)
	post("/api/complaints/status", s.handleComplaintStatusAPI)
	s.mux.Handle("GET /complaints/receipt/{$}", s.needComplaints(s.handleComplaintReceipt))
	if s.opts.Complaints != nil && s.opts.Pages != nil {
		// Links such as a disclosure page's 提出异议申诉 pre-fill the form.
		s.mux.Handle("GET /complaints/{$}", http.HandlerFunc(s.handleComplaintFormPage))
	}
}

// needComplaints answers 503 when no store is configured.
func (s *Server) needComplaints(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Complaints == nil {
			s.errorPage(w, r, http.StatusServiceUnavailable, "投诉受理暂未开通")
			return
		}
		h(w, r)
	})
}

// isJSON reports whether the request says its body is JSON.
func isJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// isForm reports whether the request body is an urlencoded form.
func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// apiErrorBody is every JSON error: a message, and for bad input the
// message of each bad field.
type apiErrorBody struct {
	Error  string            `json:"error"`
	Errors map[string]string `json:"errors,omitempty"`
	Ref    string            `json:"ref,omitempty"`
}

// errorStatus maps an intake error code to an HTTP status.
func errorStatus(err error) int {
	if tooLarge(err) {
		return http.StatusRequestEntityTooLarge
	}
	if is, timeout := bodyError(err); is {
		if timeout {
			return http.StatusRequestTimeout
		}
		return http.StatusBadRequest
	}
	switch intake.ErrorCode(err) {
	case intake.EINVALID:
		return http.StatusBadRequest
	case intake.ENOTFOUND:
		return http.StatusNotFound
	case intake.ECONFLICT:
		return http.StatusConflict
	case intake.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// RetryAfterOutage is what a 503 for a store outage tells the client.
const RetryAfterOutage = 30

// Messages for refused bodies: the client's doing, never an internal error.
const (
	msgBadBody     = "提交的数据不完整或格式不正确（连接可能中断），请重新提交"
	msgBodyTimeout = "提交超时：内容未能在规定时间内完整送达（网络可能较慢），请重新提交"
)

// publicError returns the status and the user-safe message for err, and
// logs internal errors with a reference id (the only detail shown). A
// store outage is logged as a warning (repeats of one are folded by the
// logger) and told to the user as temporary.
func (s *Server) publicError(r *http.Request, err error) (int, string, string) {
	status := errorStatus(err)
	switch status {
	case http.StatusRequestEntityTooLarge:
		return status, "提交内容过大（上限 64 KiB）", ""
	case http.StatusRequestTimeout:
		return status, msgBodyTimeout, ""
	case http.StatusServiceUnavailable:
		s.log.Warn("complaint store unavailable", "path", r.URL.Path, "err", err)
		return status, intake.ErrorMessage(err), ""
	case http.StatusInternalServerError:
		ref := newRef()
		s.log.Error("complaint intake failed", "ref", ref, "method", r.Method, "path", r.URL.Path, "err", err)
		return status, fmt.Sprintf("系统内部错误，请稍后再试（参考编号 %s）", ref), ref
	}
	if is, _ := bodyError(err); is {
		return status, msgBadBody, ""
	}
	return status, intake.ErrorMessage(err), ""
}

// retryAfter sets Retry-After on an outage answer.
func retryAfter(w http.ResponseWriter, status int) {
	if status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", fmt.Sprint(RetryAfterOutage))
	}
}

// apiError answers err as JSON.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, ref := s.publicError(r, err)
	retryAfter(w, status)
	body := apiErrorBody{Error: msg, Errors: intake.ErrorFields(err), Ref: ref}
	if status == http.StatusBadRequest && len(body.Errors) == 0 {
		body.Errors = map[string]string{"body": msg}
	}
	writeJSON(w, status, body)
}

func newRef() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}

var plainErrorPage = template.Must(template.New("e").Parse(`<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Message}}</title></head>
<body><main><h1>{{.Message}}</h1><p><a href="{{.BackURL}}">{{.BackLabel}}</a></p></main></body></html>
`))

// LayoutError is the theme layout of error pages (403, 408, 413, 429, 431,
// 503 …): every refusal a browser sees is in the site's theme.
const LayoutError = "error"

// ErrorPageData is the error layout's .Data.
type ErrorPageData struct {
	Status    int
	Message   string // what happened and what to do, in Chinese
	BackURL   string // where to go next
	BackLabel string
}

// errorPage answers a refusal: JSON under /api/, the theme's error page
// otherwise (a minimal page only when there is no theme, or it fails).
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		body := apiErrorBody{Error: msg}
		if status == http.StatusBadRequest {
			body.Errors = map[string]string{"body": msg}
		}
		writeJSON(w, status, body)
		return
	}
	d := ErrorPageData{Status: status, Message: msg, BackURL: "/", BackLabel: "返回首页"}
	switch {
	case strings.HasPrefix(r.URL.Path, "/complaints"):
		d.BackURL, d.BackLabel = "/complaints/", "返回投诉页面"
	case strings.HasPrefix(r.URL.Path, "/search"):
		d.BackURL, d.BackLabel = "/search/", "返回搜索"
	}
	w.Header().Set("Cache-Control", "no-store")
	if s.opts.Pages != nil {
		var buf strings.Builder
		if err := s.opts.Pages.RenderPage(&buf, LayoutError, errorTitle(status), r.URL.Path, d); err == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			io.WriteString(w, buf.String())
			return
		} else {
			s.log.Warn("render error page", "layout", LayoutError, "err", err)
		}
	}
	bareErrorPage(w, status, d)
}

// errorTitle is an error page's heading: what kind of refusal it is.
func errorTitle(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "请求有误"
	case http.StatusForbidden:
		return "请求被拒绝"
	case http.StatusNotFound:
		return "页面未找到"
	case http.StatusRequestTimeout:
		return "提交超时"
	case http.StatusRequestEntityTooLarge:
		return "提交内容过大"
	case http.StatusTooManyRequests:
		return "操作过于频繁"
	case http.StatusRequestHeaderFieldsTooLarge:
		return "请求头过大"
	case http.StatusServiceUnavailable:
		return "服务暂时不可用"
	}
	return "出错了"
}

// plainError is errorPage (the name search.go calls).
func (s *Server) plainError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.errorPage(w, r, status, msg)
}

// bareErrorPage is errorPage without a theme.
func bareErrorPage(w http.ResponseWriter, status int, d ErrorPageData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	plainErrorPage.Execute(w, d)
}

// render renders a complaint layout, falling back to a plain page when the
// server has no theme (tests, or a broken theme: logged).
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, layout, title string, data any) {
	w.Header().Set("Cache-Control", "no-store")
	if s.opts.Pages == nil {
		bareErrorPage(w, status, ErrorPageData{Status: status, Message: title, BackURL: "/complaints/", BackLabel: "返回投诉页面"})
		return
	}
	var buf strings.Builder
	if err := s.opts.Pages.RenderPage(&buf, layout, title, r.URL.Path, data); err != nil {
		ref := newRef()
		s.log.Error("render complaint page", "ref", ref, "layout", layout, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "页面生成失败（参考编号 "+ref+"）")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

// errNotJSON and errNotForm are wrong content types.
var (
	errNotJSON = &intake.Error{Code: intake.EINVALID, Message: "Content-Type 须为 application/json"}
	errNotForm = &intake.Error{Code: intake.EINVALID, Message: "Content-Type 须为 application/x-www-form-urlencoded"}
)

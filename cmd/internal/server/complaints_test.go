package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

// fakePages records what the server asked to render.
type fakePages struct {
	mu    sync.Mutex
	calls []pageCall
}

type pageCall struct {
	Name, Title, Path string
	Data              any
}

func (f *fakePages) RenderPage(w io.Writer, name, title, path string, data any) error {
	f.mu.Lock()
	f.calls = append(f.calls, pageCall{name, title, path, data})
	f.mu.Unlock()
	_, err := fmt.Fprintf(w, "<p>%s</p>", name)
	return err
}

func (f *fakePages) last(t *testing.T) pageCall {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.calls, "a page was rendered")
	return f.calls[len(f.calls)-1]
}

type fixture struct {
	srv   *Server
	mem   *intaketest.Mem
	svc   *intake.Service
	pages *fakePages
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	mem := intaketest.NewMem()
	loc := time.FixedZone("CST", 8*3600)
	cal, err := intake.NewCalendar(loc, nil, nil)
	require.NoError(t, err)
	svc := intake.NewService(intake.Config{Store: mem, Calendar: cal, Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}}})
	pages := &fakePages{}
	opts.Complaints = svc
	if opts.Pages == nil {
		opts.Pages = pages
	}
	if opts.PostRate == 0 {
		opts.PostRate, opts.PostBurst = 1000, 1000
	}
	return &fixture{srv: New(opts), mem: mem, svc: svc, pages: pages}
}

const goodJSON = `{"category":"拖欠账款","department":"fgw","title":"工程款拖欠两年未付","description":"某局拖欠我公司工程款两年，多次催要未果。","name":"张三","phone":"13800000000","consent":true}`

func goodForm() url.Values {
	return url.Values{
		"category": {"拖欠账款"}, "department": {"fgw"}, "title": {"工程款拖欠两年未付"},
		"description": {"某局拖欠我公司工程款两年，多次催要未果。"}, "name": {"张三"},
		"phone": {"13800000000"}, "consent": {"on"}, "website": {""},
	}
}

func (f *fixture) do(method, target, ctype, body string, hdr ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

func TestComplaintAPISubmitAndStatus(t *testing.T) {
	f := newFixture(t, Options{})
	rec := f.do("POST", "/api/complaints", "application/json", goodJSON)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	got := decode[map[string]any](t, rec)
	receipt, code := got["receipt"].(string), got["query_code"].(string)
	assert.Regexp(t, `^TS-\d{8}-000001$`, receipt)
	assert.NotEmpty(t, code)
	assert.Equal(t, "received", got["status"])

	stored, err := f.mem.Get(context.Background(), receipt)
	require.NoError(t, err, "stored before the answer")
	assert.NotContains(t, stored.QueryHash, strings.ReplaceAll(code, "-", ""))

	body := fmt.Sprintf(`{"receipt":%q,"query_code":%q}`, receipt, code)
	rec = f.do("POST", "/api/complaints/status", "application/json", body)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	for _, personal := range []string{"张三", "13800000000", "某局拖欠"} {
		assert.NotContains(t, rec.Body.String(), personal, "no personal data in the status")
	}
	st := decode[intake.PublicStatus](t, rec)
	assert.Equal(t, intake.StatusReceived, st.Status)
	require.Len(t, st.Timeline, 1)

	wrong := f.do("POST", "/api/complaints/status", "application/json", fmt.Sprintf(`{"receipt":%q,"query_code":"AAAA-AAAA-AAAA"}`, receipt))
	missing := f.do("POST", "/api/complaints/status", "application/json", fmt.Sprintf(`{"receipt":"TS-20200101-000001","query_code":%q}`, code))
	assert.Equal(t, http.StatusNotFound, wrong.Code)
	assert.Equal(t, http.StatusNotFound, missing.Code)
	assert.Equal(t, wrong.Body.String(), missing.Body.String(), "a wrong code looks exactly like a missing receipt")
}

func TestComplaintAPIAcceptsDepartmentName(t *testing.T) {
	f := newFixture(t, Options{})
	rec := f.do("POST", "/api/complaints", "application/json", strings.Replace(goodJSON, `"fgw"`, `"市发展改革委"`, 1))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	list, err := f.mem.List(context.Background(), intake.Filter{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "fgw", list[0].Department)
}

// FuzzComplaintPOST sends arbitrary bodies with arbitrary content types to
// every complaint POST endpoint (the form, the status lookup, both APIs):
// the answer is always a deliberate status, never a server error, and a
// stored complaint always passed validation.
func FuzzComplaintPOST(f *testing.F) {
	f.Add(uint8(0), "application/json", goodJSON)
	f.Add(uint8(0), "application/json", `{"title":1}`)
	f.Add(uint8(0), "application/json", "{\"name\":\"\xff\"}")
	f.Add(uint8(1), "application/x-www-form-urlencoded", goodForm().Encode())
	f.Add(uint8(1), "application/x-www-form-urlencoded", "title=%zz&consent=on")
	f.Add(uint8(1), "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nabc\r\n--X--\r\n")
	f.Add(uint8(1), "multipart/form-data; boundary=X", "--X\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\r\n--X")
	f.Add(uint8(2), "application/x-www-form-urlencoded", "receipt=TS-20250101-000001&query_code=AAAA-BBBB-CCCC")
	f.Add(uint8(3), "application/json", `{"receipt":"TS-20250101-1000000","query_code":"x"}`)
	f.Add(uint8(1), "text/plain", "x")
	targets := []string{"/api/complaints", "/complaints/", "/complaints/status/", "/api/complaints/status"}
	f.Fuzz(func(t *testing.T, target uint8, ctype, body string) {
		fx := newFixture(t, Options{})
		rec := fx.do("POST", targets[int(target)%len(targets)], ctype, body)
		switch rec.Code {
		case http.StatusOK, http.StatusCreated, http.StatusSeeOther, http.StatusBadRequest, http.StatusNotFound,
			http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %q %q: %s", rec.Code, ctype, body, rec.Body.String())
		}
		list, _ := fx.mem.List(context.Background(), intake.Filter{})
		for _, c := range list {
			if c.Phone == "" || c.Title == "" || !utf8.ValidString(c.Title+c.Description+c.Name) {
				t.Fatalf("stored an invalid complaint: %+v", c)
			}
		}
	})
}

func TestComplaintAPIErrors(t *testing.T) {
	tests := []struct {
		name   string
		ctype  string
		body   string
		status int
		fields []string
	}{
		{"every bad field", "application/json", `{}`, 400, []string{"category", "department", "title", "description", "name", "phone", "consent"}},
		{"one bad field", "application/json", strings.Replace(goodJSON, `"13800000000"`, `"123"`, 1), 400, []string{"phone"}},
		{"unknown field", "application/json", `{"nickname":"x"}`, 400, []string{"nickname"}},
		{"wrong type", "application/json", `{"consent":"yes"}`, 400, []string{"consent"}},
		{"syntax", "application/json", `{`, 400, []string{"body"}},
		{"wrong content type", "text/plain", goodJSON, 400, []string{"body"}},
		{"no content type", "", goodJSON, 400, []string{"body"}},
		{"form to the JSON API", "application/x-www-form-urlencoded", goodForm().Encode(), 400, []string{"body"}},
		{"honeypot", "application/json", strings.Replace(goodJSON, `{`, `{"website":"x",`, 1), 400, []string{"body"}},
		{"too large", "application/json", `{"description":"` + strings.Repeat("x", MaxBodyBytes) + `"}`, 413, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, Options{})
			rec := f.do("POST", "/api/complaints", tt.ctype, tt.body)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
			body := decode[apiErrorBody](t, rec)
			assert.NotEmpty(t, body.Error)
			for _, k := range tt.fields {
				assert.Contains(t, body.Errors, k)
			}
			if tt.fields != nil {
				assert.Len(t, body.Errors, len(tt.fields), "only bad fields are named: %v", body.Errors)
			}
			list, _ := f.mem.List(context.Background(), intake.Filter{})
			assert.Empty(t, list, "nothing stored")
		})
	}
}

func TestTooLargeWithoutContentLength(t *testing.T) {
	f := newFixture(t, Options{})
	req := httptest.NewRequest("POST", "/api/complaints", io.MultiReader(strings.NewReader(`{"description":"`), strings.NewReader(strings.Repeat("x", MaxBodyBytes+10))))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
}

func TestComplaintFormFlow(t *testing.T) {
	f := newFixture(t, Options{})
	rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", goodForm().Encode())
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	assert.Equal(t, "/complaints/receipt/", rec.Header().Get("Location"))
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	assert.True(t, cookies[0].HttpOnly)
	assert.Equal(t, "/complaints/receipt/", cookies[0].Path)

	req := httptest.NewRequest("GET", "/complaints/receipt/", nil)
	req.AddCookie(cookies[0])
	page := httptest.NewRecorder()
	f.srv.ServeHTTP(page, req)
	require.Equal(t, http.StatusOK, page.Code)
	call := f.pages.last(t)
	assert.Equal(t, LayoutComplaintReceipt, call.Name)
	d := call.Data.(ComplaintReceiptData)
	assert.Regexp(t, `^TS-\d{8}-000001$`, d.Receipt.Receipt)
	assert.Regexp(t, `^\w{4}-\w{4}-\w{4}$`, d.Receipt.QueryCode)
	assert.Equal(t, "no-store", page.Header().Get("Cache-Control"))

	// The code shown works for the status lookup.
	form := url.Values{"receipt": {d.Receipt.Receipt}, "query_code": {d.Receipt.QueryCode}}
	st := f.do("POST", "/complaints/status", "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, http.StatusOK, st.Code)
	sd := f.pages.last(t).Data.(ComplaintStatusData)
	require.NotNil(t, sd.Result)
	assert.Equal(t, d.Receipt.Receipt, sd.Result.Receipt)

	// A forged cookie shows nothing.
	req = httptest.NewRequest("GET", "/complaints/receipt/", nil)
	req.AddCookie(&http.Cookie{Name: receiptCookie, Value: d.Receipt.Receipt + ".AAAAAAAAAAAA"})
	page = httptest.NewRecorder()
	f.srv.ServeHTTP(page, req)
	assert.Equal(t, http.StatusNotFound, page.Code)
}

func TestComplaintFormErrorsKeepInput(t *testing.T) {
	f := newFixture(t, Options{})
	v := goodForm()
	v.Set("phone", "12345")
	v.Del("consent")
	v.Set("title", "<script>x</script>标题")
	rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", v.Encode())
	require.Equal(t, http.StatusBadRequest, rec.Code)
	call := f.pages.last(t)
	assert.Equal(t, LayoutComplaintForm, call.Name)
	d := call.Data.(ComplaintFormData)
	assert.Equal(t, "<script>x</script>标题", d.Values.Title, "input kept (the template escapes it)")
	assert.Equal(t, "12345", d.Values.Phone)
	assert.Len(t, d.Errors, 2)
	assert.Contains(t, d.Errors["phone"], "格式")
	assert.Contains(t, d.Errors["consent"], "同意")
	assert.NotEmpty(t, d.Categories)
	assert.NotEmpty(t, d.Departments)
}

func TestComplaintStatusFormErrors(t *testing.T) {
	f := newFixture(t, Options{})
	rec := f.do("POST", "/complaints/status", "application/x-www-form-urlencoded", "receipt=&query_code=")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	d := f.pages.last(t).Data.(ComplaintStatusData)
	assert.Contains(t, d.Errors, "receipt")
	assert.Contains(t, d.Errors, "query_code")
	rec = f.do("POST", "/complaints/status", "application/x-www-form-urlencoded", "receipt=TS-20250101-000001&query_code=ABCD")
	assert.Equal(t, http.StatusNotFound, rec.Code)
	d = f.pages.last(t).Data.(ComplaintStatusData)
	assert.Equal(t, "TS-20250101-000001", d.Receipt)
	assert.Contains(t, d.Message, "未找到")
}

func TestFormPrefill(t *testing.T) {
	f := newFixture(t, Options{})
	q := url.Values{"category": {"异议申诉"}, "disclosure": {"xk-2024-001"}, "department": {"evil"}, "objection_reason": {"遗漏"}}
	rec := f.do("GET", "/complaints/?"+q.Encode(), "", "")
	require.Equal(t, http.StatusOK, rec.Code)
	d := f.pages.last(t).Data.(ComplaintFormData)
	assert.Equal(t, "异议申诉", d.Values.Category)
	assert.Equal(t, "xk-2024-001", d.Values.RelatedID)
	assert.Equal(t, "遗漏", d.Values.ObjectionReason)
	assert.Empty(t, d.Values.Department, "an unknown department is not pre-filled")
}

func TestProtection(t *testing.T) {
	t.Run("cross-origin refused", func(t *testing.T) {
		f := newFixture(t, Options{})
		rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", goodForm().Encode(), "Sec-Fetch-Site", "cross-site")
		assert.Equal(t, http.StatusForbidden, rec.Code)
		rec = f.do("POST", "/api/complaints", "application/json", goodJSON, "Origin", "https://evil.example")
		assert.Equal(t, http.StatusForbidden, rec.Code)
		list, _ := f.mem.List(context.Background(), intake.Filter{})
		assert.Empty(t, list)
	})
	t.Run("same-origin allowed", func(t *testing.T) {
		f := newFixture(t, Options{})
		rec := f.do("POST", "/api/complaints", "application/json", goodJSON, "Sec-Fetch-Site", "same-origin")
		assert.Equal(t, http.StatusCreated, rec.Code)
	})
	t.Run("rate limit", func(t *testing.T) {
		f := newFixture(t, Options{PostRate: 0.001, PostBurst: 2})
		for i := range 2 {
			rec := f.do("POST", "/api/complaints/status", "application/json", `{"receipt":"x","query_code":"y"}`)
			assert.Equal(t, http.StatusNotFound, rec.Code, "request %d within the burst", i)
		}
		rec := f.do("POST", "/api/complaints", "application/json", goodJSON)
		assert.Equal(t, http.StatusTooManyRequests, rec.Code)
		assert.NotEmpty(t, rec.Header().Get("Retry-After"))
		// Another client is not affected.
		req := httptest.NewRequest("POST", "/api/complaints", strings.NewReader(goodJSON))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "192.0.2.99:1234"
		other := httptest.NewRecorder()
		f.srv.ServeHTTP(other, req)
		assert.Equal(t, http.StatusCreated, other.Code)
		// The receipt page checks codes too, so it shares the limit.
		page := f.do("GET", "/complaints/receipt/", "", "")
		assert.Equal(t, http.StatusTooManyRequests, page.Code)
	})
	t.Run("no store: 503", func(t *testing.T) {
		s := New(Options{})
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/api/complaints", strings.NewReader(goodJSON))
		req.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
	})
}

func TestInternalErrorsShowOnlyARef(t *testing.T) {
	var logs strings.Builder
	f := newFixture(t, Options{})
	f.mem.Fail = errors.New("disk on fire: INSERT ... 13800000000")
	f.srv.log = newTestLogger(&logs)
	rec := f.do("POST", "/api/complaints", "application/json", goodJSON)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	body := decode[apiErrorBody](t, rec)
	assert.NotEmpty(t, body.Ref)
	assert.NotContains(t, rec.Body.String(), "disk on fire")
	assert.Contains(t, logs.String(), body.Ref)
}

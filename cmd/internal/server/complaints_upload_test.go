package server

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

type upload struct {
	name, ctype string
	data        []byte
}

// multipartForm is the complaint form as a browser sends it with files.
func multipartForm(t *testing.T, extra map[string]string, files ...upload) (string, *bytes.Buffer) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fields := goodForm()
	for k, v := range extra {
		fields.Set(k, v)
	}
	for k, vs := range fields {
		for _, v := range vs {
			require.NoError(t, w.WriteField(k, v))
		}
	}
	if len(files) == 0 {
		// A browser sends an empty part for a file input left empty.
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachments"; filename=""`)
		h.Set("Content-Type", "application/octet-stream")
		_, err := w.CreatePart(h)
		require.NoError(t, err)
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachments"; filename="`+f.name+`"`)
		h.Set("Content-Type", f.ctype)
		p, err := w.CreatePart(h)
		require.NoError(t, err)
		p.Write(f.data)
	}
	require.NoError(t, w.Close())
	return w.FormDataContentType(), &b
}

func (f *fixture) post(ctype string, body *bytes.Buffer) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", "/complaints/", body)
	req.Header.Set("Content-Type", ctype)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return rec
}

func TestComplaintFormAttachments(t *testing.T) {
	ctx := context.Background()
	t.Run("files and enterprise stored, receipt says what came", func(t *testing.T) {
		f := newFixture(t, Options{})
		ctype, body := multipartForm(t, map[string]string{"enterprise_name": "临沂某某建设有限公司", "credit_code": "91371300MA3C8L1X1A"},
			upload{"合同.pdf", "application/pdf", intaketest.PDF}, upload{"现场.png", "image/png", intaketest.PNG})
		rec := f.post(ctype, body)
		require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
		list, err := f.mem.List(ctx, intake.Filter{})
		require.NoError(t, err)
		require.Len(t, list, 1)
		c := list[0]
		assert.Equal(t, "临沂某某建设有限公司", c.EnterpriseName)
		require.Len(t, c.Attachments, 2)
		a, err := f.mem.Attachment(ctx, c.Receipt, 1)
		require.NoError(t, err)
		assert.Equal(t, intaketest.PDF, a.Data)
		assert.Equal(t, "合同.pdf", a.Name)

		req := httptest.NewRequest("GET", "/complaints/receipt/", nil)
		for _, ck := range rec.Result().Cookies() {
			req.AddCookie(ck)
		}
		out := httptest.NewRecorder()
		f.srv.ServeHTTP(out, req)
		require.Equal(t, http.StatusOK, out.Code)
		d := f.pages.last(t).Data.(ComplaintReceiptData)
		assert.Equal(t, []intake.PublicFile{{Type: "PDF", Size: intake.FormatSize(int64(len(intaketest.PDF)))}, {Type: "PNG", Size: intake.FormatSize(int64(len(intaketest.PNG)))}}, d.Attachments)
		assert.True(t, d.Enterprise)
	})
	t.Run("no file chosen", func(t *testing.T) {
		f := newFixture(t, Options{})
		ctype, body := multipartForm(t, nil)
		require.Equal(t, http.StatusSeeOther, f.post(ctype, body).Code)
	})
	refused := []struct {
		name  string
		files []upload
		msg   string
	}{
		{"html that says it is a pdf", []upload{{"合同.pdf", "application/pdf", []byte("<html><script>alert(1)</script>")}}, "不是有效的"},
		{"png named .pdf", []upload{{"合同.pdf", "application/pdf", intaketest.PNG}}, "扩展名与内容不符"},
		{"four files", []upload{{"a.png", "image/png", intaketest.PNG}, {"b.png", "image/png", intaketest.PNG}, {"c.png", "image/png", intaketest.PNG}, {"d.png", "image/png", intaketest.PNG}}, "最多上传 3 个"},
		{"over 5 MiB", []upload{{"a.pdf", "application/pdf", append(append([]byte("%PDF-1.4\n"), make([]byte, intake.MaxAttachmentSize)...), "%%EOF"...)}}, "超过 5 MiB"},
	}
	for _, tt := range refused {
		t.Run("refused: "+tt.name, func(t *testing.T) {
			f := newFixture(t, Options{})
			ctype, body := multipartForm(t, map[string]string{"name": "李四"}, tt.files...)
			rec := f.post(ctype, body)
			assert.Equal(t, http.StatusBadRequest, rec.Code)
			d := f.pages.last(t).Data.(ComplaintFormData)
			assert.Contains(t, d.Errors["attachments"], tt.msg)
			assert.Equal(t, "李四", d.Values.Name, "the typed fields are kept")
			list, _ := f.mem.List(ctx, intake.Filter{})
			assert.Empty(t, list, "nothing stored")
		})
	}
	t.Run("good files, another field wrong: the files must be chosen again and the page says so", func(t *testing.T) {
		f := newFixture(t, Options{})
		ctype, body := multipartForm(t, map[string]string{"phone": "12345"},
			upload{"合同.pdf", "application/pdf", intaketest.PDF}, upload{"现场.png", "image/png", intaketest.PNG})
		rec := f.post(ctype, body)
		assert.Equal(t, http.StatusBadRequest, rec.Code)
		d := f.pages.last(t).Data.(ComplaintFormData)
		assert.Contains(t, d.Errors, "phone")
		assert.Contains(t, d.Errors["attachments"], "2 个附件未保存")
		assert.Contains(t, d.Errors["attachments"], "重新选择")
	})
	t.Run("a body over the upload limit is 413", func(t *testing.T) {
		f := newFixture(t, Options{})
		req := httptest.NewRequest("POST", "/complaints/", bytes.NewReader(make([]byte, MaxUploadBytes+1)))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	})
	t.Run("the JSON API keeps its 64 KiB limit", func(t *testing.T) {
		f := newFixture(t, Options{})
		rec := f.do("POST", "/api/complaints", "application/json", string(make([]byte, MaxBodyBytes+1)))
		assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	})
}

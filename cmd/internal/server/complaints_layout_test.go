package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/generator"
	"portal/generator/theme"
	"portal/themes"
)

// themePages renders with the real default theme, so these tests check the
// shipped complaint layouts: input kept and escaped, each error beside its
// field, and no personal data on the status page.
func themePages(t *testing.T) *theme.Theme {
	t.Helper()
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	th.SetSite(&generator.SiteView{Title: "测试站", HasComplaints: true})
	return th
}

func TestLayoutFormKeepsInputAndShowsErrors(t *testing.T) {
	f := newFixture(t, Options{Pages: themePages(t)})
	v := goodForm()
	v.Set("title", `<script>alert("x")</script>标题`)
	v.Set("phone", "12345")
	v.Del("consent")
	v.Set("consent_publish", "1")
	rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", v.Encode())
	require.Equal(t, http.StatusBadRequest, rec.Code)
	body := rec.Body.String()
	assert.NotContains(t, body, `<script>alert`, "input is escaped")
	assert.Contains(t, body, `value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;标题"`)
	assert.NotContains(t, body, "&amp;lt;", "not escaped twice")
	assert.Contains(t, body, `value="12345"`)
	assert.Contains(t, body, `id="e-phone"`)
	assert.Contains(t, body, `aria-describedby="h-phone e-phone" aria-invalid="true"`)
	assert.Contains(t, body, `id="e-consent"`)
	assert.NotContains(t, body, `id="e-title"`, "no error where there is none")
	assert.Contains(t, body, `<option value="拖欠账款" selected>`)
	assert.Contains(t, body, `<option value="fgw" selected>市发展改革委</option>`)
	assert.Contains(t, body, `id="f-consent_publish" name="consent_publish" value="1" checked`)
	assert.Contains(t, body, `name="website" value=""`, "honeypot present and empty")
}

func TestLayoutReceiptAndStatus(t *testing.T) {
	f := newFixture(t, Options{Pages: themePages(t)})
	rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", goodForm().Encode())
	require.Equal(t, http.StatusSeeOther, rec.Code)
	req := httptest.NewRequest("GET", "/complaints/receipt/", nil)
	req.AddCookie(rec.Result().Cookies()[0])
	page := httptest.NewRecorder()
	f.srv.ServeHTTP(page, req)
	require.Equal(t, http.StatusOK, page.Code)
	list, err := f.mem.List(t.Context(), intake.Filter{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	receipt := list[0].Receipt
	assert.Contains(t, page.Body.String(), receipt)
	cookie := rec.Result().Cookies()[0].Value
	code := cookie[strings.IndexByte(cookie, '.')+1:]
	pretty := code[:4] + "-" + code[4:8] + "-" + code[8:]
	assert.Contains(t, page.Body.String(), pretty)

	_, err = f.svc.Act(t.Context(), receipt, intake.Action{Kind: intake.ActAccept, Actor: "李四"})
	require.NoError(t, err)
	form := url.Values{"receipt": {receipt}, "query_code": {pretty}}
	st := f.do("POST", "/complaints/status", "application/x-www-form-urlencoded", form.Encode())
	require.Equal(t, http.StatusOK, st.Code)
	body := st.Body.String()
	assert.Contains(t, body, "已受理")
	assert.Contains(t, body, "工程款拖欠两年未付")
	for _, personal := range []string{"张三", "13800000000", "某局拖欠我公司", "李四", pretty} {
		assert.NotContains(t, body, personal)
	}
}

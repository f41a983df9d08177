package server

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
)

// newAdminFixture is newFixture serving the admin API instead of the public handler.
func newAdminFixture(t *testing.T, opts Options) *fixture {
	f := newFixture(t, opts)
	opts.Complaints = f.svc
	if opts.PostRate == 0 {
		opts.PostRate, opts.PostBurst = 1000, 1000
	}
	f.srv = NewAdminAPI(opts)
	return f
}

func TestAdminAPI(t *testing.T) {
	f := newAdminFixture(t, Options{AdminToken: "s3cret-token"})
	r, err := f.svc.Submit(context.Background(), intake.Submission{Category: "拖欠账款", Department: "fgw", Title: "工程款拖欠两年未付",
		Description: "某局拖欠我公司工程款两年，多次催要未果。", Name: "张三", Phone: "13800000000", Consent: true})
	require.NoError(t, err)
	receipt := r.Receipt
	auth := []string{"Authorization", "Bearer s3cret-token"}

	tests := []struct {
		name   string
		method string
		target string
		body   string
		hdr    []string
		status int
	}{
		{"no token", "GET", "/api/admin/complaints", "", nil, 401},
		{"wrong token", "GET", "/api/admin/complaints", "", []string{"Authorization", "Bearer nope"}, 401},
		{"token in URL refused", "GET", "/api/admin/complaints?token=s3cret-token", "", nil, 400},
		{"list", "GET", "/api/admin/complaints?status=received", "", auth, 200},
		{"list bad filter", "GET", "/api/admin/complaints?status=zzz&since=2025", "", auth, 400},
		{"get", "GET", "/api/admin/complaints/" + receipt, "", auth, 200},
		{"get missing", "GET", "/api/admin/complaints/TS-20200101-000009", "", auth, 404},
		{"reply before accept", "POST", "/api/admin/complaints/" + receipt + "/reply", `{"actor":"李四","note":"x"}`, auth, 409},
		{"accept without actor", "POST", "/api/admin/complaints/" + receipt + "/accept", `{}`, auth, 400},
		{"accept unknown field", "POST", "/api/admin/complaints/" + receipt + "/accept", `{"actor":"李四","x":1}`, auth, 400},
		{"accept", "POST", "/api/admin/complaints/" + receipt + "/accept", `{"actor":"李四"}`, auth, 200},
		{"assign", "POST", "/api/admin/complaints/" + receipt + "/assign", `{"actor":"李四","assignee":"fgw"}`, auth, 200},
		{"unknown action", "POST", "/api/admin/complaints/" + receipt + "/delete", `{"actor":"李四"}`, auth, 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctype := ""
			if tt.method == "POST" {
				ctype = "application/json"
			}
			rec := f.do(tt.method, tt.target, ctype, tt.body, tt.hdr...)
			assert.Equal(t, tt.status, rec.Code, rec.Body.String())
		})
	}
	c, err := f.mem.Get(context.Background(), receipt)
	require.NoError(t, err)
	assert.Equal(t, intake.StatusHandling, c.Status)

	t.Run("staff are not rate limited, guessers are", func(t *testing.T) {
		g := newAdminFixture(t, Options{AdminToken: "s3cret-token", PostRate: 0.001, PostBurst: 2})
		for i := range 5 {
			rec := g.do("GET", "/api/admin/complaints", "", "", auth...)
			assert.Equal(t, http.StatusOK, rec.Code, "staff request %d", i)
		}
		codes := []int{}
		for range 3 {
			codes = append(codes, g.do("GET", "/api/admin/complaints", "", "", "Authorization", "Bearer guess").Code)
		}
		assert.Equal(t, []int{401, 401, 429}, codes)
		rec := g.do("POST", "/api/admin/complaints/TS-20200101-000001/accept", "application/json", `{"actor":"a"}`, "Origin", "https://evil.example", auth[0], auth[1])
		assert.Equal(t, http.StatusForbidden, rec.Code, "cross-origin still refused")
	})
	t.Run("disabled without a token", func(t *testing.T) {
		g := newAdminFixture(t, Options{})
		rec := g.do("GET", "/api/admin/complaints", "", "", auth...)
		assert.Equal(t, http.StatusNotFound, rec.Code)
	})
	t.Run("never on the public handler", func(t *testing.T) {
		g := newFixture(t, Options{AdminToken: "s3cret-token"})
		rec := g.do("GET", "/api/admin/complaints", "", "", auth...)
		assert.Equal(t, http.StatusNotFound, rec.Code)
	})
	t.Run("every call is audited", func(t *testing.T) {
		trail, err := f.mem.ListAudit(context.Background(), intake.AuditFilter{Receipt: receipt})
		require.NoError(t, err)
		var got []string
		for _, e := range trail {
			got = append(got, e.Login+" "+e.Action)
			assert.Equal(t, "192.0.2.1", e.Addr, "the client's address")
		}
		assert.Equal(t, []string{"api:李四 act:assign", "api:李四 act:accept", "api view"}, got)
	})
}

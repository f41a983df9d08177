package server

import (
	"crypto/subtle"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"portal/cmd/internal/intake"
)

// NewAdminAPI returns the staff API, the same transitions as `portal
// complaints`, behind a bearer token (opts.AdminToken; with none the routes
// do not exist, 404). It is served by the back office on its own address,
// never by the public handler. Every call is in the audit trail as
// api:<actor> from the client's address.
func NewAdminAPI(opts Options) *Server {
	s := &Server{opts: opts, mux: http.NewServeMux(), log: opts.Logger, limiter: newLimiter(opts.PostRate, opts.PostBurst)}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.registerAdmin()
	return s
}

// apiWho is the token holder acting as actor from r's address.
func apiWho(r *http.Request, actor string) intake.Who {
	login := "api"
	if actor = strings.TrimSpace(actor); actor != "" {
		login += ":" + actor
	}
	return intake.Who{Login: login, Name: actor, Role: intake.RoleSupervisor, Addr: peerAddr(r).String()}
}

// registerAdmin registers the admin API routes:
//
//	GET  /api/admin/complaints?status=&department=&since=&until=&limit=
//	GET  /api/admin/complaints/{receipt}
//	POST /api/admin/complaints/{receipt}/{action}   {"actor", "note", "assignee", "satisfaction", "days"}
func (s *Server) registerAdmin() {
	if s.opts.AdminToken == "" {
		return
	}
	s.mux.Handle("GET /api/admin/complaints", s.admin(s.handleAdminList))
	s.mux.Handle("GET /api/admin/complaints/{receipt}", s.admin(s.handleAdminGet))
	s.mux.Handle("POST /api/admin/complaints/{receipt}/{action}", s.protectAdmin(s.admin(s.handleAdminAct)))
}

// admin checks the bearer token (constant time) and refuses a token in the
// URL, where it would end up in logs and histories. A wrong token costs a
// token of the client's rate limit, so guessing meets 429; a right one does
// not, so staff are never slowed.
func (s *Server) admin(h http.HandlerFunc) http.Handler {
	return s.needComplaints(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Has("token") || q.Has("access_token") {
			writeJSON(w, http.StatusBadRequest, apiErrorBody{Error: "令牌不得放在 URL 中，请使用 Authorization: Bearer 请求头",
				Errors: map[string]string{"token": "不得放在 URL 中"}})
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.opts.AdminToken)) != 1 {
			if !s.allow(w, r) {
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="portal-admin"`)
			writeJSON(w, http.StatusUnauthorized, apiErrorBody{Error: "未授权：需要有效的管理令牌"})
			return
		}
		h(w, r)
	})
}

func (s *Server) handleAdminList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := intake.Filter{Status: intake.Status(q.Get("status")), Department: q.Get("department")}
	bad := map[string]string{}
	if f.Status != "" && !f.Status.Valid() {
		bad["status"] = "未知状态"
	}
	for key, dst := range map[string]*time.Time{"since": &f.Since, "until": &f.Until} {
		if v := q.Get(key); v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				bad[key] = "日期格式应为 YYYY-MM-DD"
			}
			*dst = t
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			bad["limit"] = "应为非负整数"
		}
		f.Limit = n
	}
	if len(bad) > 0 {
		s.apiError(w, r, &intake.Error{Code: intake.EINVALID, Message: "查询参数有误", Fields: bad})
		return
	}
	list, err := s.opts.Complaints.Export(r.Context(), apiWho(r, ""), f)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]intake.StaffRecord, 0, len(list))
	for _, c := range list {
		out = append(out, s.opts.Complaints.Staff(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"complaints": out})
}

func (s *Server) handleAdminGet(w http.ResponseWriter, r *http.Request) {
	c, err := s.opts.Complaints.View(r.Context(), apiWho(r, ""), r.PathValue("receipt"))
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.opts.Complaints.Staff(c))
}

// adminAction is the admin API's action body; the action itself is in the URL.
type adminAction struct {
	Actor        string `json:"actor"`
	Note         string `json:"note"`
	Assignee     string `json:"assignee"`
	Satisfaction string `json:"satisfaction"`
	Days         int    `json:"days"`
}

func (s *Server) handleAdminAct(w http.ResponseWriter, r *http.Request) {
	if !isJSON(r) {
		s.apiError(w, r, errNotJSON)
		return
	}
	var a adminAction
	if err := intake.DecodeStrict(r.Body, &a); err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.opts.Complaints.ActAs(r.Context(), apiWho(r, a.Actor), r.PathValue("receipt"), intake.Action{
		Kind: intake.ActionKind(r.PathValue("action")), Actor: a.Actor, Note: a.Note,
		Assignee: a.Assignee, Satisfaction: a.Satisfaction, Days: a.Days,
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.log.Info("complaint action", "receipt", c.Receipt, "action", r.PathValue("action"), "status", string(c.Status))
	writeJSON(w, http.StatusOK, s.opts.Complaints.Staff(c))
}

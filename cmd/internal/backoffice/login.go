package backoffice

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/staff"
)

type loginPage struct {
	Login   string
	Message string
	Expired bool
	Token   string // the form's CSRF token, also in the login cookie
}

// loginToken returns the login form's CSRF token: the one in the
// browser's login cookie, or a new one set there.
func loginToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(loginCookie); err == nil && len(ck.Value) >= 32 {
		return ck.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/", MaxAge: 3600, HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	return tok
}

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	d := loginPage{Expired: r.URL.Query().Get("expired") != "", Token: loginToken(w, r)}
	h.render(w, r, http.StatusOK, "login", nil, "登录", d)
}

// login is POST /login: the CSRF token must match the login cookie, the
// client's address must have attempts left, then the account is checked.
func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	d := loginPage{Login: r.PostForm.Get("login")}
	ck, err := r.Cookie(loginCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(ck.Value), []byte(r.PostForm.Get("csrf"))) != 1 || len(ck.Value) < 32 {
		d.Token = loginToken(w, r)
		d.Message = "登录表单已失效，请重新输入后登录"
		h.render(w, r, http.StatusForbidden, "login", nil, "登录", d)
		return
	}
	d.Token = ck.Value
	addr := clientAddr(r)
	if !h.allowLogin(addr) {
		w.Header().Set("Retry-After", "60")
		d.Message = "登录尝试过于频繁，请稍后再试"
		h.render(w, r, http.StatusTooManyRequests, "login", nil, "登录", d)
		return
	}
	token, _, acct, err := h.opts.Accounts.Login(r.Context(), r.PostForm.Get("login"), r.PostForm.Get("password"), r.PostForm.Get("code"), addr)
	var locked *staff.LockedError
	switch {
	case errors.As(err, &locked):
		d.Message = "连续登录失败次数过多，账号已临时锁定，请于 " + h.clock(locked.Until) + " 后再试；如忘记密码，请联系系统管理员重置"
		h.render(w, r, http.StatusTooManyRequests, "login", nil, "登录", d)
		return
	case errors.Is(err, staff.ErrLogin):
		d.Message = staff.ErrLogin.Message
		h.render(w, r, http.StatusUnauthorized, "login", nil, "登录", d)
		return
	case intake.ErrorCode(err) == intake.EUNAVAILABLE:
		h.unsaved(w, r, nil, err, "")
		return
	case err != nil:
		h.internal(w, r, err)
		return
	}
	h.log.Info("staff signed in", "login", acct.Login)
	clearCookie(w, loginCookie)
	// A session cookie (no Max-Age): the server ends it after the idle and
	// absolute limits, and the browser forgets it when it closes.
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request, rq *request) {
	if err := h.opts.Accounts.Logout(r.Context(), rq.token, rq.who); err != nil {
		if intake.ErrorCode(err) == intake.EUNAVAILABLE {
			h.unsaved(w, r, rq, err, "")
			return
		}
		h.internal(w, r, err)
		return
	}
	h.log.Info("staff signed out", "login", rq.acct.Login)
	clearCookie(w, sessionCookie)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

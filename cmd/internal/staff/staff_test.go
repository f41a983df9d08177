package staff

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

var admin = intake.Who{Login: "cli:root", Name: "root", Role: intake.RoleAdmin, Addr: "cli"}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T) (*Service, *intaketest.Mem, *clock) {
	mem := intaketest.NewMem()
	c := &clock{t: time.Date(2025, 3, 3, 1, 0, 0, 0, time.UTC)}
	return New(Config{Store: mem, Known: func(id string) bool { return id == "fgw" }, Issuer: "临沂市政务诚信公开平台", Now: c.now}), mem, c
}

func TestPasswordHash(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$"), h)
	assert.True(t, CheckPassword(h, "correct horse battery"))
	assert.False(t, CheckPassword(h, "correct horse batterx"))
	h2, _ := HashPassword("correct horse battery")
	assert.NotEqual(t, h, h2, "salted")
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", strings.Replace(h, "v=19", "v=18", 1)} {
		assert.False(t, CheckPassword(bad, "x"), bad)
	}
	pw, err := NewPassword()
	require.NoError(t, err)
	assert.Len(t, pw, 16)
	assert.NoError(t, CheckNewPassword(pw))
	assert.Error(t, CheckNewPassword("short"))
}

func TestAddAndLoginHandler(t *testing.T) {
	s, mem, c := newService(t)
	ctx := context.Background()
	a, cred, err := s.Add(ctx, admin, "Li.Si", "李四", "fgw", intake.RoleHandler)
	require.NoError(t, err)
	assert.Equal(t, "li.si", a.Login)
	assert.Nil(t, cred.TOTP, "handlers have no second factor")
	assert.NotContains(t, a.PasswordHash, cred.Password)

	_, _, err = s.Add(ctx, admin, "li.si", "李四", "fgw", intake.RoleHandler)
	assert.Equal(t, intake.ECONFLICT, intake.ErrorCode(err))
	_, _, err = s.Add(ctx, admin, "wang", "王五", "", intake.RoleHandler)
	assert.Contains(t, intake.ErrorFields(err), "department", "a handler belongs to a department")
	_, _, err = s.Add(ctx, admin, "wang", "王五", "nope", intake.RoleHandler)
	assert.Contains(t, intake.ErrorFields(err), "department")
	_, _, err = s.Add(ctx, admin, "x", "王五", "fgw", "boss")
	assert.Contains(t, intake.ErrorFields(err), "role")

	token, sess, acct, err := s.Login(ctx, "LI.SI ", cred.Password, "", "10.1.1.1")
	require.NoError(t, err)
	assert.Equal(t, "li.si", acct.Login)
	assert.NotEqual(t, token, sess.ID, "the store keeps a hash of the token")
	assert.NotEmpty(t, sess.CSRF)
	got, _, err := s.Check(ctx, token)
	require.NoError(t, err)
	assert.Equal(t, sess.ID, got.ID)

	trail, err := mem.ListAudit(ctx, intake.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, trail, 2)
	assert.Equal(t, intake.AuditLogin, trail[0].Action)
	assert.Equal(t, "10.1.1.1", trail[0].Addr)
	assert.Equal(t, intake.AuditAccountAdd, trail[1].Action)
	for _, e := range trail {
		assert.NotContains(t, e.Detail, cred.Password)
	}

	// Logout ends the session.
	c.t = c.t.Add(time.Minute)
	require.NoError(t, s.Logout(ctx, token, WhoOf(acct, "10.1.1.1")))
	_, _, err = s.Check(ctx, token)
	assert.ErrorIs(t, err, ErrNoSession)
}

func TestSessionExpiry(t *testing.T) {
	s, _, c := newService(t)
	ctx := context.Background()
	_, cred, err := s.Add(ctx, admin, "li", "李四", "fgw", intake.RoleHandler)
	require.NoError(t, err)
	login := func() string {
		token, _, _, err := s.Login(ctx, "li", cred.Password, "", "127.0.0.1")
		require.NoError(t, err)
		return token
	}

	idle := login()
	c.t = c.t.Add(DefaultIdle - time.Second)
	_, _, err = s.Check(ctx, idle)
	require.NoError(t, err, "used just before the idle limit")
	c.t = c.t.Add(DefaultIdle - time.Second)
	_, _, err = s.Check(ctx, idle)
	require.NoError(t, err, "each use restarts the idle clock")
	c.t = c.t.Add(DefaultIdle + time.Second)
	_, _, err = s.Check(ctx, idle)
	assert.ErrorIs(t, err, ErrNoSession, "idle too long")

	busy := login()
	for range int(DefaultAbsolute / (20 * time.Minute)) {
		c.t = c.t.Add(20 * time.Minute)
		_, _, err = s.Check(ctx, busy)
		require.NoError(t, err)
	}
	c.t = c.t.Add(20 * time.Minute)
	_, _, err = s.Check(ctx, busy)
	assert.ErrorIs(t, err, ErrNoSession, "past the absolute limit even when busy")

	_, _, err = s.Check(ctx, "forged-token")
	assert.ErrorIs(t, err, ErrNoSession)
	_, _, err = s.Check(ctx, "")
	assert.ErrorIs(t, err, ErrNoSession)

	// Disabling an account ends its sessions; enabling does not revive them.
	live := login()
	_, err = s.SetDisabled(ctx, admin, "li", true)
	require.NoError(t, err)
	_, _, err = s.Check(ctx, live)
	assert.ErrorIs(t, err, ErrNoSession)
	_, _, _, err = s.Login(ctx, "li", cred.Password, "", "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin, "a disabled account cannot sign in")
	_, err = s.SetDisabled(ctx, admin, "li", false)
	require.NoError(t, err)
	_, _, err = s.Check(ctx, live)
	assert.ErrorIs(t, err, ErrNoSession)

	// Reset: the old password stops working, sessions end.
	live = login()
	_, fresh, err := s.Reset(ctx, admin, "li")
	require.NoError(t, err)
	_, _, err = s.Check(ctx, live)
	assert.ErrorIs(t, err, ErrNoSession)
	_, _, _, err = s.Login(ctx, "li", cred.Password, "", "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin)
	_, _, _, err = s.Login(ctx, "li", fresh.Password, "", "127.0.0.1")
	assert.NoError(t, err)
}

func TestLockoutBackOff(t *testing.T) {
	s, mem, c := newService(t)
	ctx := context.Background()
	_, cred, err := s.Add(ctx, admin, "li", "李四", "fgw", intake.RoleHandler)
	require.NoError(t, err)
	for i := 1; i < FreeAttempts; i++ {
		_, _, _, err := s.Login(ctx, "li", "guess", "", "203.0.113.9")
		assert.ErrorIs(t, err, ErrLogin, "attempt %d", i)
	}
	_, _, _, err = s.Login(ctx, "li", "guess", "", "203.0.113.9")
	assert.ErrorIs(t, err, ErrLogin)
	// Locked for a minute: the right password is refused too.
	_, _, _, err = s.Login(ctx, "li", cred.Password, "", "203.0.113.9")
	var locked *LockedError
	require.True(t, errors.As(err, &locked), "locked: %v", err)
	assert.Equal(t, c.t.Add(LockBase), locked.Until)

	// Each further failure doubles the lock.
	want := []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute}
	for _, d := range want {
		c.t = locked.Until.Add(time.Second)
		_, _, _, err = s.Login(ctx, "li", "guess", "", "203.0.113.9")
		assert.ErrorIs(t, err, ErrLogin)
		a, err := mem.GetAccount(ctx, "li")
		require.NoError(t, err)
		assert.Equal(t, c.t.Add(d), a.LockedUntil)
		locked.Until = a.LockedUntil
	}
	assert.Equal(t, LockMax, lockFor(40), "capped")

	c.t = locked.Until.Add(time.Second)
	_, _, _, err = s.Login(ctx, "li", cred.Password, "", "203.0.113.9")
	require.NoError(t, err, "after the lock, the right password works")
	a, err := mem.GetAccount(ctx, "li")
	require.NoError(t, err)
	assert.Zero(t, a.FailedLogins, "and the count starts again")

	// Unknown logins fail the same way.
	_, _, _, err = s.Login(ctx, "nobody", "guess", "", "203.0.113.9")
	assert.ErrorIs(t, err, ErrLogin)
	failed, err := mem.ListAudit(ctx, intake.AuditFilter{Action: intake.AuditLoginFailed})
	require.NoError(t, err)
	assert.Len(t, failed, FreeAttempts+1+len(want)+1)
	for _, e := range failed {
		assert.NotContains(t, e.Detail, "guess", "attempted passwords are never recorded")
	}
}

func TestTOTP(t *testing.T) {
	s, _, c := newService(t)
	ctx := context.Background()
	_, cred, err := s.Add(ctx, admin, "zhao", "赵六", "", intake.RoleSupervisor)
	require.NoError(t, err)
	require.NotNil(t, cred.TOTP)
	assert.Contains(t, cred.TOTP.URL(), "otpauth://totp/")
	secret := cred.TOTP.Secret()

	_, _, _, err = s.Login(ctx, "zhao", cred.Password, "", "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin, "a supervisor needs a code")
	_, _, _, err = s.Login(ctx, "zhao", cred.Password, "000000", "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin)
	old, err := totp.GenerateCode(secret, c.t.Add(-2*time.Minute))
	require.NoError(t, err)
	_, _, _, err = s.Login(ctx, "zhao", cred.Password, old, "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin, "an old code")

	code, err := totp.GenerateCode(secret, c.t)
	require.NoError(t, err)
	_, _, _, err = s.Login(ctx, "zhao", "wrong password", code, "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin, "a right code does not help a wrong password")
	_, _, _, err = s.Login(ctx, "zhao", cred.Password, code, "127.0.0.1")
	require.NoError(t, err)
	_, _, _, err = s.Login(ctx, "zhao", cred.Password, code, "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin, "a code is accepted once")

	c.t = c.t.Add(30 * time.Second)
	prev, err := totp.GenerateCode(secret, c.t.Add(-30*time.Second))
	require.NoError(t, err)
	_, _, _, err = s.Login(ctx, "zhao", cred.Password, prev, "127.0.0.1")
	assert.ErrorIs(t, err, ErrLogin, "the step already used stays used")
	c.t = c.t.Add(30 * time.Second)
	next, err := totp.GenerateCode(secret, c.t.Add(30*time.Second))
	require.NoError(t, err)
	_, _, _, err = s.Login(ctx, "zhao", cred.Password, next, "127.0.0.1")
	assert.NoError(t, err, "one step of clock skew is allowed")
}

// Package staff is the back office's accounts and sign-in: argon2id
// password hashes, TOTP second factors, lockout with back-off, and
// sessions with idle and absolute expiry, over the intake store.
//
// Contract:
//   - A password is never stored or logged: only its argon2id hash (PHC
//     string). Generated passwords and TOTP secrets are returned once, to
//     the admin who created or reset the account.
//   - Login fails the same way for an unknown login, a wrong password, a
//     wrong code and a disabled account, and costs the same hashing time.
//     After FreeAttempts consecutive failures an account is locked, first
//     for LockBase, doubling with every further failure up to LockMax; a
//     locked account refuses even the right password until the lock ends.
//   - Supervisors and admins must give a TOTP code (RFC 6238, 30 s, 6
//     digits, one step of clock skew); a code is accepted once.
//   - A session is a random 256-bit token held by the browser; the store
//     keeps only its SHA-256. It ends on logout, after Idle without use, after
//     Absolute since sign-in, and when the account is disabled or reset.
//   - Every sign-in, failed sign-in, sign-out and account change is in the
//     audit trail.
package staff

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"golang.org/x/crypto/argon2"

	"portal/cmd/internal/intake"
)

// Argon2id parameters (OWASP's recommended minimum: 19 MiB, 2 passes, 1
// lane): about 0.2 s a hash on the shared 2-core machine (a benchmark of
// HashPassword, 50 runs × 3), so guessing online is slow and lockout does the rest.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Lockout and session defaults.
const (
	FreeAttempts    = 5
	LockBase        = time.Minute
	LockMax         = time.Hour
	DefaultIdle     = 30 * time.Minute
	DefaultAbsolute = 12 * time.Hour
	PasswordMin     = 12
	totpPeriod      = 30
)

// HashPassword returns the argon2id hash of pw in PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the PHC hash, in constant time.
// The parameters come from the hash, so old hashes keep working when the
// defaults change.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil || mem == 0 || iter == 0 || threads == 0 || mem > 1<<20 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against for unknown logins so they cost the same.
// It is made on first use, not at start-up: an argon2 hash takes 20 MiB and
// a fifth of a second, which every portal command (a build with nothing to
// do included) would otherwise pay.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("unknown-login-placeholder")
	return h
})

// passwordAlphabet leaves out look-alikes (0 O 1 l I) for passwords read
// off a screen.
const passwordAlphabet = "23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"

// NewPassword returns a random 16-character password (~93 bits).
func NewPassword() (string, error) {
	out := make([]byte, 16)
	buf := make([]byte, 1)
	limit := byte(256 - 256%len(passwordAlphabet))
	for i := 0; i < len(out); {
		if _, err := rand.Read(buf); err != nil {
			return "", err
		}
		if buf[0] >= limit {
			continue
		}
		out[i] = passwordAlphabet[int(buf[0])%len(passwordAlphabet)]
		i++
	}
	return string(out), nil
}

// CheckNewPassword says what is wrong with a password a person chose.
func CheckNewPassword(pw string) error {
	if len([]rune(pw)) < PasswordMin {
		return &intake.Error{Code: intake.EINVALID, Message: "密码太短", Fields: map[string]string{"password": fmt.Sprintf("密码至少 %d 个字符", PasswordMin)}}
	}
	return nil
}

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// NewTOTP returns a new TOTP key for login, to be added to an
// authenticator app (its URL, or a QR code of it).
func NewTOTP(issuer, login string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: login, Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// CheckTOTP reports whether code is valid for secret at now and newer than
// the step last accepted, and returns its step.
func CheckTOTP(secret, code string, now time.Time, last int64) (int64, bool) {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		if s <= last {
			continue
		}
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// Service manages accounts and sessions.
type Service struct {
	store    intake.Store
	known    func(string) bool
	issuer   string
	Idle     time.Duration
	Absolute time.Duration
	now      func() time.Time
}

// Config wires a Service.
type Config struct {
	Store    intake.Store
	Known    func(department string) bool // the department registry
	Issuer   string                       // shown in authenticator apps, e.g. the site name
	Idle     time.Duration                // 0: DefaultIdle
	Absolute time.Duration                // 0: DefaultAbsolute
	Now      func() time.Time
}

// New returns the service for cfg.
func New(cfg Config) *Service {
	s := &Service{store: cfg.Store, known: cfg.Known, issuer: cfg.Issuer, Idle: cfg.Idle, Absolute: cfg.Absolute, now: cfg.Now}
	if s.Idle <= 0 {
		s.Idle = DefaultIdle
	}
	if s.Absolute <= 0 {
		s.Absolute = DefaultAbsolute
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.issuer == "" {
		s.issuer = "portal"
	}
	return s
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Credentials are what an account is handed once: the password and, for
// supervisors and admins, the TOTP key.
type Credentials struct {
	Password string
	TOTP     *otp.Key // nil for handlers
}

// Add creates an account with a generated password (and TOTP key when the
// role needs one), recorded as done by who.
func (s *Service) Add(ctx context.Context, who intake.Who, login, name, department string, role intake.Role) (*intake.Account, Credentials, error) {
	now := s.clock()
	a := &intake.Account{Login: strings.ToLower(strings.TrimSpace(login)), Name: strings.TrimSpace(name), Department: strings.TrimSpace(department),
		Role: role, CreatedAt: now, UpdatedAt: now}
	if err := intake.CheckAccount(a, s.known); err != nil {
		return nil, Credentials{}, err
	}
	cred, err := s.newCredentials(a)
	if err != nil {
		return nil, Credentials{}, err
	}
	err = s.store.CreateAccount(ctx, a, intake.AuditEntry{At: now, Login: who.Login, Addr: who.Addr, Action: intake.AuditAccountAdd,
		Detail: fmt.Sprintf("%s（%s，%s）", a.Login, a.Name, a.Role.Label())})
	if err != nil {
		return nil, Credentials{}, err
	}
	return a, cred, nil
}

func (s *Service) newCredentials(a *intake.Account) (Credentials, error) {
	pw, err := NewPassword()
	if err != nil {
		return Credentials{}, err
	}
	if a.PasswordHash, err = HashPassword(pw); err != nil {
		return Credentials{}, err
	}
	cred := Credentials{Password: pw}
	a.TOTPSecret, a.TOTPLastStep = "", 0
	if a.Role.NeedsTOTP() {
		if cred.TOTP, err = NewTOTP(s.issuer, a.Login); err != nil {
			return Credentials{}, err
		}
		a.TOTPSecret = cred.TOTP.Secret()
	}
	return cred, nil
}

// List returns every account.
func (s *Service) List(ctx context.Context) ([]*intake.Account, error) {
	return s.store.ListAccounts(ctx)
}

// SetDisabled disables (ending its sessions) or enables an account.
func (s *Service) SetDisabled(ctx context.Context, who intake.Who, login string, disabled bool) (*intake.Account, error) {
	now := s.clock()
	action := intake.AuditAccountEnable
	if disabled {
		action = intake.AuditAccountDisable
	}
	a, err := s.store.UpdateAccount(ctx, login, func(a *intake.Account) error {
		a.Disabled, a.UpdatedAt = disabled, now
		if !disabled {
			a.FailedLogins, a.LockedUntil = 0, time.Time{}
		}
		return nil
	}, intake.AuditEntry{At: now, Login: who.Login, Addr: who.Addr, Action: action, Detail: login})
	if err != nil {
		return nil, err
	}
	if disabled {
		return a, s.store.DeleteSessions(ctx, login)
	}
	return a, nil
}

// Reset gives an account a new password (and a new TOTP key when its role
// needs one), unlocks it and ends its sessions.
func (s *Service) Reset(ctx context.Context, who intake.Who, login string) (*intake.Account, Credentials, error) {
	now := s.clock()
	var cred Credentials
	a, err := s.store.UpdateAccount(ctx, login, func(a *intake.Account) error {
		var err error
		cred, err = s.newCredentials(a)
		a.FailedLogins, a.LockedUntil, a.UpdatedAt = 0, time.Time{}, now
		return err
	}, intake.AuditEntry{At: now, Login: who.Login, Addr: who.Addr, Action: intake.AuditAccountReset, Detail: login})
	if err != nil {
		return nil, Credentials{}, err
	}
	return a, cred, s.store.DeleteSessions(ctx, login)
}

// ErrLogin is the one answer to bad credentials of any kind.
var ErrLogin = &intake.Error{Code: intake.EINVALID, Message: "登录名、密码或动态验证码不正确"}

// LockedError says an account is locked until a time.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string { return "account locked until " + e.Until.Format(time.RFC3339) }

// lockFor is how long the n-th consecutive failure locks an account.
func lockFor(n int) time.Duration {
	if n < FreeAttempts {
		return 0
	}
	d := LockBase
	for i := FreeAttempts; i < n && d < LockMax; i++ {
		d *= 2
	}
	return min(d, LockMax)
}

// Login checks a login, password and (for supervisors and admins) TOTP
// code from addr, and on success starts a session; it returns the cookie
// token, which is never stored.
func (s *Service) Login(ctx context.Context, login, password, code, addr string) (_ string, _ *intake.Session, _ *intake.Account, err error) {
	defer s.outage(&err)
	login = strings.ToLower(strings.TrimSpace(login))
	now := s.clock()
	fail := func(detail string) error {
		_ = s.store.AppendAudit(ctx, intake.AuditEntry{At: now, Login: login, Addr: addr, Action: intake.AuditLoginFailed, Detail: detail})
		return ErrLogin
	}
	a, err := s.store.GetAccount(ctx, login)
	if intake.ErrorCode(err) == intake.ENOTFOUND {
		CheckPassword(dummyHash(), password)
		return "", nil, nil, fail("无此账号")
	}
	if err != nil {
		return "", nil, nil, err
	}
	if now.Before(a.LockedUntil) {
		_ = s.store.AppendAudit(ctx, intake.AuditEntry{At: now, Login: login, Addr: addr, Action: intake.AuditLoginFailed, Detail: "账号锁定中"})
		return "", nil, nil, &LockedError{Until: a.LockedUntil}
	}
	ok := CheckPassword(a.PasswordHash, password)
	var step int64
	reason := "密码错误"
	if ok && a.Role.NeedsTOTP() {
		step, ok = CheckTOTP(a.TOTPSecret, code, now, a.TOTPLastStep)
		reason = "动态验证码错误或已使用"
	}
	if ok && a.Disabled {
		ok, reason = false, "账号已停用"
	}
	if !ok {
		var locked time.Time
		_, err := s.store.UpdateAccount(ctx, login, func(a *intake.Account) error {
			a.FailedLogins++
			if d := lockFor(a.FailedLogins); d > 0 {
				a.LockedUntil = now.Add(d)
				locked = a.LockedUntil
			}
			return nil
		})
		if err != nil {
			return "", nil, nil, err
		}
		if !locked.IsZero() {
			reason += fmt.Sprintf("；连续失败，锁定至 %s", locked.Format(time.RFC3339))
		}
		return "", nil, nil, fail(reason)
	}
	a, err = s.store.UpdateAccount(ctx, login, func(a *intake.Account) error {
		if step > 0 {
			if step <= a.TOTPLastStep {
				return ErrLogin // the same code used twice at once
			}
			a.TOTPLastStep = step
		}
		a.FailedLogins, a.LockedUntil = 0, time.Time{}
		return nil
	}, intake.AuditEntry{At: now, Login: login, Addr: addr, Action: intake.AuditLogin})
	if err != nil {
		if errors.Is(err, ErrLogin) {
			return "", nil, nil, fail("动态验证码已使用")
		}
		return "", nil, nil, err
	}
	token, sess, err := s.newSession(ctx, a.Login, addr, now)
	if err != nil {
		return "", nil, nil, err
	}
	return token, sess, a, nil
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SessionID is the stored form of a cookie token.
func SessionID(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func (s *Service) newSession(ctx context.Context, login, addr string, now time.Time) (string, *intake.Session, error) {
	token, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", nil, err
	}
	sess := &intake.Session{ID: SessionID(token), Login: login, CSRF: csrf, Addr: addr, CreatedAt: now, LastSeen: now}
	if err := s.store.CreateSession(ctx, sess); err != nil {
		return "", nil, err
	}
	return token, sess, nil
}

// ErrNoSession means the request is not signed in (no session, ended or expired).
var ErrNoSession = &intake.Error{Code: intake.ENOTFOUND, Message: "请先登录（会话不存在、已退出或已过期）"}

// Check returns the session and account of a cookie token, ending it when
// it has been idle too long or has reached its absolute limit, or when the
// account is disabled.
func (s *Service) Check(ctx context.Context, token string) (_ *intake.Session, _ *intake.Account, err error) {
	defer s.outage(&err)
	if token == "" {
		return nil, nil, ErrNoSession
	}
	id := SessionID(token)
	sess, err := s.store.GetSession(ctx, id)
	if intake.ErrorCode(err) == intake.ENOTFOUND {
		return nil, nil, ErrNoSession
	}
	if err != nil {
		return nil, nil, err
	}
	now := s.clock()
	if now.Sub(sess.LastSeen) > s.Idle || now.Sub(sess.CreatedAt) > s.Absolute {
		_ = s.store.DeleteSession(ctx, id)
		return nil, nil, ErrNoSession
	}
	a, err := s.store.GetAccount(ctx, sess.Login)
	if err != nil && intake.ErrorCode(err) != intake.ENOTFOUND {
		return nil, nil, err // an outage does not sign anyone out
	}
	if err != nil || a.Disabled {
		_ = s.store.DeleteSession(ctx, id)
		return nil, nil, ErrNoSession
	}
	// Record activity at most once a minute: fewer writes, same expiry.
	if now.Sub(sess.LastSeen) > time.Minute {
		if err := s.store.TouchSession(ctx, id, now); err != nil {
			return nil, nil, err
		}
		sess.LastSeen = now
	}
	return sess, a, nil
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string, who intake.Who) (err error) {
	defer s.outage(&err)
	if err := s.store.DeleteSession(ctx, SessionID(token)); err != nil {
		return err
	}
	return s.store.AppendAudit(ctx, intake.AuditEntry{At: s.clock(), Login: who.Login, Addr: who.Addr, Action: intake.AuditLogout})
}

// outage marks a store failure the store calls an outage as EUNAVAILABLE,
// so the back office says "try again" instead of reporting a fault, and
// keeps the session cookie.
func (s *Service) outage(err *error) { *err = intake.Outage(s.store, *err) }

// Sweep deletes expired sessions; serve runs it now and then.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	now := s.clock()
	return s.store.DeleteStaleSessions(ctx, now.Add(-s.Idle), now.Add(-s.Absolute))
}

// WhoOf is the acting person of an account signed in from addr.
func WhoOf(a *intake.Account, addr string) intake.Who {
	return intake.Who{Login: a.Login, Name: a.Name, Role: a.Role, Department: a.Department, Addr: addr}
}

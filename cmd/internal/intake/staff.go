package intake

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a staff account may do in the back office.
type Role string

// The roles.
const (
	// RoleHandler works the complaints assigned to their department: reads
	// them, replies, keeps internal notes.
	RoleHandler Role = "handler"
	// RoleSupervisor is the 12345 centre: sees every complaint and takes
	// every action (accept, reject, assign, extend, reply, visit, close).
	RoleSupervisor Role = "supervisor"
	// RoleAdmin manages accounts and reads the audit trail; it sees no
	// complaint.
	RoleAdmin Role = "admin"
)

// Roles lists the roles.
var Roles = []Role{RoleHandler, RoleSupervisor, RoleAdmin}

var roleLabels = map[Role]string{
	RoleHandler:    "承办人员",
	RoleSupervisor: "受理督办人员（12345 中心）",
	RoleAdmin:      "系统管理员",
}

// Label is the Chinese name of r.
func (r Role) Label() string { return roleLabels[r] }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// NeedsTOTP reports whether accounts of role r must give a one-time code
// (TOTP) at login: everyone who sees every complaint or manages accounts.
func (r Role) NeedsTOTP() bool { return r == RoleSupervisor || r == RoleAdmin }

// Account is a back-office staff account.
type Account struct {
	Login        string // unique, lower case: letters, digits, . _ -
	Name         string // shown in the history and the audit trail
	Department   string // registry id; required for handlers
	Role         Role
	PasswordHash string // argon2id, PHC string format; the password itself is never stored
	TOTPSecret   string // base32; empty for handlers
	TOTPLastStep int64  // the last accepted TOTP time step, so a code is never accepted twice
	Disabled     bool
	FailedLogins int       // consecutive failed logins
	LockedUntil  time.Time // zero: not locked
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

var loginRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// CheckAccount validates an account's fields (not its secrets); known
// reports whether a department id is in the registry.
func CheckAccount(a *Account, known func(string) bool) error {
	bad := map[string]string{}
	if !loginRe.MatchString(a.Login) {
		bad["login"] = "登录名须为 2–32 个小写字母、数字或 . _ -，以字母或数字开头"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(a.Name)); n == 0 || n > NameMax {
		bad["name"] = fmt.Sprintf("请填写姓名（最多 %d 个字符）", NameMax)
	}
	if !a.Role.Valid() {
		bad["role"] = "角色须为 handler（承办人员）、supervisor（受理督办人员）或 admin（系统管理员）"
	}
	switch {
	case a.Role == RoleHandler && a.Department == "":
		bad["department"] = "承办人员须指定所属单位（部门名录中的编号）"
	case a.Department != "" && (known == nil || !known(a.Department)):
		bad["department"] = fmt.Sprintf("单位 %q 不在部门名录中", a.Department)
	}
	if len(bad) > 0 {
		return &Error{Code: EINVALID, Message: "账号信息有误", Fields: bad}
	}
	return nil
}

// Session is a signed-in browser. The token the browser holds is never
// stored: ID is its SHA-256.
type Session struct {
	ID        string // hex SHA-256 of the cookie token
	Login     string
	CSRF      string // the token every form of this session carries
	Addr      string // the client address that signed in
	CreatedAt time.Time
	LastSeen  time.Time
}

// Who is the person behind a request: a staff account in the back office,
// or the operator of the command line or the token API.
type Who struct {
	Login      string // account login, or "cli:<user>" / "api:<actor>"
	Name       string // the name recorded in the complaint history
	Role       Role
	Department string // for handlers: the department whose complaints they see
	Addr       string // client address, or "cli"
}

// System is the actor of automatic work (retention).
var System = Who{Login: "system", Name: "系统", Role: RoleSupervisor, Addr: "local"}

// CanSee reports whether who may see complaint c (and its personal data):
// supervisors see all, handlers those assigned to their department, admins none.
func (w Who) CanSee(c *Complaint) bool {
	switch w.Role {
	case RoleSupervisor:
		return true
	case RoleHandler:
		return w.Department != "" && c.Assignee == w.Department
	}
	return false
}

// CanAct reports whether who may take action k at all.
func (w Who) CanAct(k ActionKind) bool {
	switch w.Role {
	case RoleSupervisor:
		return true
	case RoleHandler:
		return k == ActReply
	}
	return false
}

// SeesContact reports whether who may see c's contact details: a handler
// does not when the complainant asked not to be named to the body concerned.
func (w Who) SeesContact(c *Complaint) bool {
	return w.Role == RoleSupervisor || w.Role == RoleHandler && !c.Anonymous
}

// Note is an internal note on a complaint: staff only, never shown to the
// complainant or published. Notes are append-only like the history.
type Note struct {
	Seq   int
	At    time.Time
	Actor string // staff name
	Login string // staff login
	Text  string
}

// Attachment is a file a complainant sent with the complaint. Data is
// filled only when the file itself is asked for (Store.Attachment) and when
// a complaint is created.
type Attachment struct {
	ID     int    // 1-based position within the complaint
	Name   string // the name the complainant gave, cleaned
	Type   string // application/pdf, image/jpeg or image/png, from the content
	Size   int64
	SHA256 string // hex
	Data   []byte
}

// AuditEntry is one line of the audit trail: who did what, when, from
// where. The trail is append-only.
type AuditEntry struct {
	Seq     int64
	At      time.Time
	Login   string // account login, "cli:<user>", "api:<actor>" or "system"
	Addr    string // client address
	Action  string // see the Audit* constants
	Receipt string // the complaint concerned, if any
	Detail  string // what else: the action's arguments, the account changed, a count
}

// Audit actions.
const (
	AuditLogin          = "login"
	AuditLoginFailed    = "login_failed"
	AuditLogout         = "logout"
	AuditView           = "view"     // a complaint's detail, with personal data
	AuditDownload       = "download" // an attachment
	AuditExport         = "export"   // an export of complaints with personal data
	AuditNote           = "note"
	AuditAccountAdd     = "account_add"
	AuditAccountDisable = "account_disable"
	AuditAccountEnable  = "account_enable"
	AuditAccountReset   = "account_reset"
	AuditErase          = "erase" // retention: personal data erased
	AuditDenied         = "denied"
	// A staff action is recorded as "act:" + its kind, e.g. "act:accept".
)

var auditLabels = map[string]string{
	AuditLogin: "登录", AuditLoginFailed: "登录失败", AuditLogout: "退出登录", AuditView: "查看投诉详情（含个人信息）",
	AuditDownload: "下载附件", AuditExport: "导出投诉", AuditNote: "添加内部备注", AuditAccountAdd: "新建账号",
	AuditAccountDisable: "停用账号", AuditAccountEnable: "启用账号", AuditAccountReset: "重置密码",
	AuditErase: "到期删除个人信息", AuditDenied: "越权访问被拒绝",
}

// AuditLabel is the Chinese name of an audit action.
func AuditLabel(action string) string {
	if k, ok := strings.CutPrefix(action, "act:"); ok {
		return "办理：" + ActionKind(k).Label()
	}
	if l, ok := auditLabels[action]; ok {
		return l
	}
	return action
}

// AuditFilter selects audit entries. Zero fields match everything.
type AuditFilter struct {
	Login   string
	Receipt string
	Action  string
	Since   time.Time
	Until   time.Time
	Limit   int // 0: no limit
}

// audit returns the entry of who doing action on receipt now.
func (w Who) audit(now time.Time, action, receipt, detail string) AuditEntry {
	return AuditEntry{At: now, Login: w.Login, Addr: w.Addr, Action: action, Receipt: receipt, Detail: detail}
}

// AuditCSVHeader is the audit export's header row.
var AuditCSVHeader = []string{"序号", "时间", "账号", "来源地址", "操作", "操作说明", "受理编号", "详情"}

package main

import (
	"context"
	"fmt"
	"image/png"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/staff"
	"portal/generator/dataset"
)

const staffUsage = `portal staff — 投诉办理后台账号管理

Usage:
  portal staff add     [flags] -login LOGIN -name 姓名 -role handler|supervisor|admin [-department ID|名称] [-qr FILE.png]
  portal staff list    [flags]
  portal staff disable [flags] LOGIN
  portal staff enable  [flags] LOGIN
  portal staff reset   [flags] [-qr FILE.png] LOGIN
  portal staff audit   [flags] [-since YYYY-MM-DD] [-until YYYY-MM-DD] [-login LOGIN] [-receipt R] [-action A] [-limit N] [-format table|csv] [-o FILE]

Roles: handler 承办人员 (sees and answers the complaints assigned to -department),
supervisor 受理督办人员 (the 12345 centre: every complaint, every action),
admin 系统管理员 (accounts and the audit trail). Supervisors and admins sign in
with a TOTP code: add the printed key (or the -qr picture) to an authenticator app.
add and reset print a generated password once; hand it over in person.

Common flags: -site DIR (default .), -db PATH|postgres://… (default from portal.toml).
`

// cmdStaff manages back-office accounts and reads the audit trail, on the
// server, by the operator (recorded as cli:$USER).
func cmdStaff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, staffUsage)
		return usageError{"staff: 请给出子命令，如 portal staff add（见上方用法） (no subcommand given)"}
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "add", "list", "disable", "enable", "reset", "audit":
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, staffUsage)
		return nil
	default:
		fmt.Fprint(stderr, staffUsage)
		return usageError{fmt.Sprintf("staff: unknown subcommand %q", sub)}
	}
	// Audit details and names can carry what the public or the admin API
	// sent: never raw escape sequences to the operator's terminal.
	stdout = terminalSafe(stdout)
	fs := newFlagSet("staff "+sub, "portal staff "+sub+" [flags] …", stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml)")
	db := fs.String("db", "", "complaint store: SQLite path or postgres:// URL (default from portal.toml)")
	login := fs.String("login", "", "login name (add; filter for audit)")
	name := fs.String("name", "", "the person's name (add)")
	role := fs.String("role", "", "handler | supervisor | admin (add)")
	department := fs.String("department", "", "the handler's department: registry id, full or short name (add)")
	qr := fs.String("qr", "", "write the TOTP key as a QR code picture to FILE.png (add, reset)")
	since := fs.String("since", "", "audit: on or after YYYY-MM-DD")
	until := fs.String("until", "", "audit: before YYYY-MM-DD")
	receipt := fs.String("receipt", "", "audit: one complaint")
	action := fs.String("action", "", "audit: one action (login, login_failed, view, download, export, act:reply, …)")
	limit := fs.Int("limit", 200, "audit: at most N entries, newest first (0: all)")
	format := fs.String("format", "table", "audit: table or csv")
	out := fs.String("o", "", "audit: write to FILE instead of standard output")
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	var arg string
	if fs.NArg() > 0 {
		arg = fs.Arg(0)
		if err := parseFlags(fs, fs.Args()[1:]); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usageError{fmt.Sprintf("staff %s: unexpected arguments %q", sub, fs.Args())}
		}
	}
	needsLogin := sub == "disable" || sub == "enable" || sub == "reset"
	if needsLogin && arg == "" {
		return usageError{fmt.Sprintf("staff %s: give the login, e.g. portal staff %s li.si", sub, sub)}
	}
	if !needsLogin && arg != "" {
		return usageError{fmt.Sprintf("staff %s: unexpected argument %q", sub, arg)}
	}
	if sub == "add" && (*login == "" || *name == "" || *role == "") {
		return usageError{"staff add: 须给出 -login 登录名、-name 姓名和 -role 角色 (-login, -name and -role are required)"}
	}
	if *format != "table" && *format != "csv" {
		return usageError{fmt.Sprintf("-format %q: use table or csv", *format)}
	}

	// The settings only: a content error must not stop staff work.
	site, err := loadSettings(*siteDir, stderr)
	if err != nil {
		return err
	}
	cfg := site.Config
	svc, store, err := openServiceStore(ctx, site, complaintDSN(*siteDir, cfg, *db))
	if err != nil {
		return err
	}
	defer store.Close()
	accounts := staff.New(staff.Config{Store: store, Known: svc.Known, Issuer: cfg.Title})
	user := firstNonEmpty(os.Getenv("USER"), "operator")
	operator := intake.Who{Login: "cli:" + user, Name: user, Role: intake.RoleAdmin, Addr: "cli"}

	switch sub {
	case "add":
		a, cred, err := accounts.Add(ctx, operator, *login, *name, departmentID(site, *department), intake.Role(*role))
		if err != nil {
			return actionError(err)
		}
		fmt.Fprintf(stdout, "已创建账号 %s（%s，%s）\n", a.Login, a.Name, a.Role.Label())
		return printCredentials(stdout, a, cred, *qr)
	case "reset":
		a, cred, err := accounts.Reset(ctx, operator, arg)
		if err != nil {
			return actionError(err)
		}
		fmt.Fprintf(stdout, "已重置账号 %s 的密码%s，原有登录会话已全部结束，锁定已解除\n", a.Login, map[bool]string{true: "和动态验证码", false: ""}[cred.TOTP != nil])
		return printCredentials(stdout, a, cred, *qr)
	case "disable", "enable":
		a, err := accounts.SetDisabled(ctx, operator, arg, sub == "disable")
		if err != nil {
			return actionError(err)
		}
		if a.Disabled {
			fmt.Fprintf(stdout, "已停用账号 %s，其登录会话已全部结束\n", a.Login)
		} else {
			fmt.Fprintf(stdout, "已启用账号 %s\n", a.Login)
		}
		return nil
	case "list":
		list, err := accounts.List(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "登录名\t姓名\t角色\t所属单位\t状态\t创建时间")
		loc := svc.Calendar().Location()
		for _, a := range list {
			state := "正常"
			switch {
			case a.Disabled:
				state = "已停用"
			case time.Now().Before(a.LockedUntil):
				state = "锁定至 " + a.LockedUntil.In(loc).Format("15:04")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", a.Login, a.Name, a.Role.Label(), svc.DepartmentName(a.Department), state,
				a.CreatedAt.In(loc).Format("2006-01-02"))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "共 %d 个账号\n", len(list))
		return nil
	}

	// audit
	f := intake.AuditFilter{Login: *login, Receipt: strings.ToUpper(*receipt), Action: *action, Limit: *limit}
	for flagName, p := range map[string]*string{"since": since, "until": until} {
		if *p == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, *p, svc.Calendar().Location())
		if err != nil {
			return usageError{fmt.Sprintf("-%s %q: not a date (use YYYY-MM-DD)", flagName, *p)}
		}
		if flagName == "since" {
			f.Since = t
		} else {
			f.Until = t
		}
	}
	entries, err := svc.AuditTrail(ctx, operator, f)
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		file, err := createPrivate(*out)
		if err != nil {
			return err
		}
		defer file.Close()
		w = file
	}
	loc := svc.Calendar().Location()
	if *format == "csv" {
		if _, err := io.WriteString(w, csvBOM); err != nil {
			return err
		}
		if err := intake.WriteAuditCSV(w, entries, loc); err != nil {
			return err
		}
	} else {
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "序号\t时间\t账号\t来源地址\t操作\t受理编号\t详情")
		for _, e := range entries {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.In(loc).Format("2006-01-02 15:04:05"), e.Login, e.Addr,
				intake.AuditLabel(e.Action), e.Receipt, e.Detail)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	if file, ok := w.(*os.File); ok && file != os.Stdout {
		if err := file.Close(); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "exported %d audit entries to %s\n", len(entries), *out)
	}
	return nil
}

// printCredentials shows a new password and TOTP key once.
func printCredentials(w io.Writer, a *intake.Account, cred staff.Credentials, qrFile string) error {
	fmt.Fprintf(w, "初始密码（只显示这一次，请当面交给本人）：%s\n", cred.Password)
	if cred.TOTP == nil {
		return nil
	}
	fmt.Fprintf(w, "动态验证码密钥（添加到身份验证器应用，只显示这一次）：%s\n", cred.TOTP.Secret())
	fmt.Fprintf(w, "身份验证器链接：%s\n", cred.TOTP.URL())
	if qrFile == "" {
		return nil
	}
	img, err := cred.TOTP.Image(256, 256)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(qrFile, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(w, "二维码已写入 %s（扫描后请删除该文件）\n", qrFile)
	return nil
}

// checkCreditCode checks a complainant's 统一社会信用代码 exactly as the
// content loader checks the ones in data files; a wrong check character,
// only a warning there, is refused here, where it is most likely a typo.
func checkCreditCode(code string) error {
	bad, warn := dataset.CheckCreditCode(code)
	if bad != nil {
		return bad
	}
	return warn
}

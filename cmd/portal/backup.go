package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/sqlite"
)

// backupPrefix names the backups `portal complaints backup` writes by
// default, and the ones -keep prunes.
const backupPrefix = "intake-"

// cmdComplaintsBackup is `portal complaints backup [-o FILE] [-keep N]` and
// `portal complaints restore -from FILE`: whole-store copies of the SQLite
// complaint database (complaints, attachments, notes, staff accounts and
// sessions, the audit trail). PostgreSQL is backed up with pg_dump.
func cmdComplaintsBackup(ctx context.Context, sub string, args []string, stdout, stderr io.Writer) error {
	usage := "portal complaints backup [-site DIR] [-db PATH] [-o FILE] [-keep N]"
	if sub == "restore" {
		usage = "portal complaints restore [-site DIR] [-db PATH] -from FILE"
	}
	fs := newFlagSet("complaints "+sub, usage, stderr)
	siteDir := fs.String("site", ".", "site folder (portal.toml)")
	db := fs.String("db", "", "complaint store: SQLite path (default from portal.toml)")
	out := fs.String("o", "", "backup: the file to write (default <state_dir>/backups/intake-YYYYMMDD-HHMMSS.db)")
	keep := fs.Int("keep", 0, "backup: keep only the newest N intake-*.db backups in the backup's folder (0 keeps all)")
	from := fs.String("from", "", "restore: the backup file to restore")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("complaints %s: unexpected argument %q", sub, fs.Arg(0))}
	}
	if *keep < 0 {
		return usageError{"-keep: use 0 (keep all) or more"}
	}
	site, err := loadSettings(*siteDir, stderr)
	if err != nil {
		return err
	}
	dsn := complaintDSN(*siteDir, site.Config, *db)
	if isPostgres(dsn) {
		return pgDumpAdvice(sub, dsn)
	}
	if sub == "restore" {
		if *from == "" {
			return usageError{"complaints restore: give the backup with -from FILE"}
		}
		counts, aside, err := sqlite.Restore(ctx, *from, dsn)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已从 %s 恢复投诉库 %s：%s\n", *from, dsn, countLine(counts))
		if aside != "" {
			fmt.Fprintf(stdout, "原投诉库已保留为 %s（确认无误后可自行删除）\n", aside)
		}
		return nil
	}

	path := *out
	if path == "" {
		path = site.Config.StatePath(*siteDir, "backups", backupPrefix+time.Now().Format("20060102-150405")+".db")
	}
	svc, store, err := openServiceStore(ctx, site, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	// The audit line goes in first, so the backup itself records who took it.
	operator := firstNonEmpty(os.Getenv("USER"), "operator")
	if err := svc.Audit(ctx, intake.AuditEntry{Login: "cli:" + operator, Addr: "cli", Action: intake.AuditExport,
		Detail: "整库备份 " + path}); err != nil {
		return err
	}
	counts, err := sqlite.Backup(ctx, store, path)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已备份到 %s（仅所有者可读）：%s\n", path, countLine(counts))
	if *keep > 0 {
		removed, err := pruneBackups(filepath.Dir(path), *keep)
		for _, r := range removed {
			fmt.Fprintf(stdout, "已删除较早的备份 %s\n", r)
		}
		return err
	}
	return nil
}

// countLine says what a backup holds, in the operator's words.
func countLine(c sqlite.Counts) string {
	return fmt.Sprintf("投诉 %d 件（办理记录 %d 条，附件 %d 个，内部备注 %d 条），工作人员账号 %d 个，登录会话 %d 个，审计记录 %d 条",
		c["complaints"], c["complaint_events"], c["complaint_attachments"], c["complaint_notes"],
		c["staff_accounts"], c["staff_sessions"], c["audit_log"])
}

// pruneBackups removes all but the newest keep intake-*.db files in dir
// (their names sort by time) and returns what it removed.
func pruneBackups(dir string, keep int) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, backupPrefix+"*.db"))
	if err != nil || len(names) <= keep {
		return nil, err
	}
	slices.Sort(names)
	var removed []string
	for _, n := range names[:len(names)-keep] {
		if err := os.Remove(n); err != nil {
			return removed, err
		}
		removed = append(removed, n)
	}
	return removed, nil
}

// pgDumpAdvice is the answer for a PostgreSQL store: its own tools copy it
// consistently while replicas write, and restore it (DEPLOY.md).
func pgDumpAdvice(sub, dsn string) error {
	shown := dsn
	if u, err := url.Parse(dsn); err == nil {
		shown = u.Redacted()
	}
	if sub == "restore" {
		return fmt.Errorf("complaints restore: 投诉库在 PostgreSQL 上，请停止全部 portal serve 后用 pg_restore 恢复到空数据库：\n  createdb portal_restored && pg_restore --no-owner -d portal_restored FILE.dump\n然后把 [complaints] store 指向它（见 docs/DEPLOY.md）")
	}
	return fmt.Errorf("complaints backup: 投诉库在 PostgreSQL 上，请用 pg_dump 备份（服务不必停止）：\n  pg_dump --format=custom --file=intake-$(date +%%Y%%m%%d).dump '%s'\n备份文件含个人信息，请设为仅所有者可读（umask 077）。见 docs/DEPLOY.md", strings.ReplaceAll(shown, "'", ""))
}

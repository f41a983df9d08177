package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"portal/generator/ledger"
	"portal/generator/loader"
)

// cmdKeygen is `portal keygen [-site DIR] [-name ORIGIN] [-force] -o FILE`.
func cmdKeygen(_ context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("keygen", "portal keygen [-site DIR] [-name ORIGIN] [-force] -o FILE", stderr)
	siteDir := flags.String("site", ".", "site folder whose portal.toml receives the public key")
	out := flags.String("o", "", "file for the private key (mode 0600), outside the site folder")
	name := flags.String("name", "", "the log's name (default: base_url's host and path + log, e.g. xyxx.linyi.gov.cn/log)")
	force := flags.Bool("force", false, "replace a public key portal.toml already has (verifiers that pinned the old key will report the change)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError{fmt.Sprintf("keygen: unexpected argument %q", flags.Arg(0))}
	}
	if *out == "" {
		return usageError{"keygen: 须用 -o 文件 指定私钥保存位置（站点文件夹之外，例如 /etc/portal/log.key） (-o FILE is required: where to keep the private key, outside the site folder)"}
	}
	site, dl := loader.LoadSettings(os.DirFS(*siteDir), loader.Options{})
	if err := dl.Err(); err != nil {
		fmt.Fprintln(stderr, err)
		return errReported
	}
	if inside(*out, *siteDir) {
		return fmt.Errorf("私钥文件 %s 在站点文件夹 %s 内：私钥不得与站点一起保存或提交，请放在站点文件夹之外（例如 /etc/portal/log.key）", *out, *siteDir)
	}
	if site.Config.Ledger.PublicKey != "" && !*force {
		return fmt.Errorf("%s 已有发布记录公钥 %s。更换密钥后，此前记下旧公钥的核验者会收到“公钥变更”的警告；确需更换（例如私钥泄露）请加 -force", loader.ConfigFile, site.Config.Ledger.PublicKey)
	}
	origin := *name
	if origin == "" {
		u, err := url.Parse(site.Config.BaseURL)
		if err != nil || u.Host == "" {
			return usageError{"keygen: portal.toml 没有 base_url，请用 -name 给发布记录命名（例如 -name xyxx.example.gov.cn/log） (portal.toml has no base_url; give the log a name with -name)"}
		}
		origin = u.Host + strings.TrimSuffix(u.Path, "/") + "/log"
	}
	skey, vkey, err := ledger.GenerateKey(origin)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s 已存在：不会覆盖已有的私钥文件（换一个文件名，或先妥善处置旧文件）", *out)
	}
	if err != nil {
		return err
	}
	_, err = f.WriteString(skey + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(*out)
		return err
	}
	if err := ledger.SetPublicKey(filepath.Join(*siteDir, loader.ConfigFile), vkey); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已生成发布记录密钥 %s\n私钥：%s（权限 0600；只给执行 portal publish 的人，不要提交到仓库）\n公钥已写入 %s：\n  %s\n",
		origin, *out, filepath.Join(*siteDir, loader.ConfigFile), vkey)
	return nil
}

// inside reports whether path is dir or under it.
func inside(path, dir string) bool {
	p, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	if r, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		p = filepath.Join(r, filepath.Base(p))
	}
	if r, err := filepath.EvalSymlinks(d); err == nil {
		d = r
	}
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

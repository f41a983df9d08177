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
	"slices"
	"strings"

	"portal/generator/ledger"
	"portal/generator/loader"
)

// cmdKeygen is `portal keygen [-site DIR] [-name ORIGIN] [-force [-key OLDFILE]] -o FILE`.
//
// With -force it rotates the key: the replaced public key moves to
// [ledger] previous_keys (what it signed still verifies), and with -key
// (the old private key) the old key signs a rotation endorsing the new one,
// so verifiers that remember the old key follow the change.
func cmdKeygen(_ context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("keygen", "portal keygen [-site DIR] [-name ORIGIN] [-force [-key OLDFILE]] -o FILE", stderr)
	siteDir := flags.String("site", ".", "site folder whose portal.toml receives the public key")
	out := flags.String("o", "", "file for the private key (mode 0600), outside the site folder")
	name := flags.String("name", "", "the log's name (default: the current key's name, else base_url's host and path + log, e.g. xyxx.linyi.gov.cn/log)")
	force := flags.Bool("force", false, "replace a public key portal.toml already has; the old one moves to previous_keys")
	oldKey := flags.String("key", "", "with -force: the current (old) private key file; the old key then signs a rotation endorsing the new key")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError{fmt.Sprintf("keygen: unexpected argument %q", flags.Arg(0))}
	}
	if *out == "" {
		return usageError{"keygen: 须用 -o 文件 指定私钥保存位置（站点文件夹之外，例如 /etc/portal/log.key） (-o FILE is required: where to keep the private key, outside the site folder)"}
	}
	if *oldKey != "" && !*force {
		return usageError{"keygen: -key 旧私钥文件 只与 -force（换钥）同用 (-key OLDFILE goes with -force)"}
	}
	site, dl := loader.LoadSettings(os.DirFS(*siteDir), loader.Options{})
	if err := dl.Err(); err != nil {
		fmt.Fprintln(stderr, err)
		return errReported
	}
	if inside(*out, *siteDir) {
		return fmt.Errorf("私钥文件 %s 在站点文件夹 %s 内：私钥不得与站点一起保存或提交，请放在站点文件夹之外（例如 /etc/portal/log.key）", *out, *siteDir)
	}
	lcfg := site.Config.Ledger
	current := strings.TrimSpace(lcfg.PublicKey)
	if current != "" && !*force {
		return fmt.Errorf("%s 已有发布记录公钥 %s。确需更换（例如私钥泄露）请加 -force：旧公钥会移入 [ledger] previous_keys，此前签名的检查点仍可核验；旧私钥还在时再加 -key 旧私钥文件，由旧密钥签署换钥记录，记住旧公钥的核验者据此改用新公钥", loader.ConfigFile, current)
	}
	origin := *name
	if origin == "" && current != "" {
		origin, _ = ledger.KeyName(current) // the log keeps its name
	}
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

	// A rotation: what the replaced key signed must keep verifying.
	ledgerDir := filepath.Join(*siteDir, ledger.Dir)
	previous := lcfg.PreviousKeys
	var rotation []byte
	var rotated ledger.Checkpoint
	if current != "" {
		signed := false
		if _, err := os.Stat(filepath.Join(ledgerDir, ledger.CheckpointFile)); err == nil {
			signed = true
		}
		if signed && !slices.Contains(previous, current) {
			previous = append(slices.Clone(previous), current)
		}
		if *oldKey != "" {
			oskey, err := readKey(*oldKey, stderr)
			if err != nil {
				return err
			}
			if pub, err := ledger.PublicKey(oskey); err != nil {
				return fmt.Errorf("-key %s：%w", *oldKey, err)
			} else if pub != current {
				return fmt.Errorf("-key %s 不是 %s 现在的公钥（密钥 %s）对应的私钥（它对应密钥 %s）：换钥记录须由现在的密钥签署", *oldKey, loader.ConfigFile, ledger.KeyID(current), ledger.KeyID(pub))
			}
			if signed {
				l, err := ledger.ReadVerified(ledgerDir, oskey, lcfg.PreviousKeys...)
				if err != nil {
					return err
				}
				if rotated, err = l.VerifyCheckpoint(current, lcfg.PreviousKeys...); err != nil {
					return err
				}
				if rotation, err = ledger.Rotate(rotated, oskey, skey); err != nil {
					return err
				}
			}
		}
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
	config := filepath.Join(*siteDir, loader.ConfigFile)
	if err := ledger.SetKeys(config, vkey, previous); err != nil {
		return err
	}
	if rotation != nil {
		if err := ledger.AddRotation(ledgerDir, rotation); err != nil {
			return fmt.Errorf("写入换钥记录：%w（新密钥已生成并写入 %s；可删除新私钥文件、恢复 %s 后重试）", err, config, loader.ConfigFile)
		}
	}
	fmt.Fprintf(stdout, "已生成发布记录密钥 %s（密钥 %s）\n私钥：%s（权限 0600；只给执行 portal publish 的人，不要提交到仓库）\n公钥已写入 %s：\n  %s\n",
		origin, ledger.KeyID(vkey), *out, config, vkey)
	if current == "" {
		return nil
	}
	printRotation(stdout, *siteDir, *out, current, previous, rotation != nil, rotated, *oldKey != "")
	return nil
}

// printRotation says, in Chinese, what keygen -force did with the old key
// and what the office does next.
func printRotation(w io.Writer, siteDir, keyFile, old string, previous []string, rotation bool, at ledger.Checkpoint, haveOld bool) {
	id := ledger.KeyID(old)
	if slices.Contains(previous, old) {
		fmt.Fprintf(w, "旧公钥（密钥 %s）已移入 [ledger] previous_keys：更换前由它签名的检查点仍可核验。不要删除它，否则 portal build、publish 和 verify 会拒绝这些检查点。\n", id)
	} else {
		fmt.Fprintf(w, "旧公钥（密钥 %s）没有签名过检查点（站点还没有发布记录），已直接替换。\n", id)
	}
	switch {
	case rotation:
		fmt.Fprintf(w, "旧密钥已签署换钥记录 %s/%s（发布记录当时 %d 条）：用 -follow 记住旧公钥的核验者会据此改用新公钥，并照样用一致性证明核对历史。\n",
			ledger.Dir, ledger.RotationName(len(mustRotations(siteDir))-1), at.N)
	case haveOld:
		fmt.Fprintln(w, "站点还没有签名的检查点，不需要换钥记录。")
	case slices.Contains(previous, old):
		fmt.Fprintln(w, "没有用 -key 给出旧私钥，因此没有换钥记录：用 -follow 记住旧公钥的核验者会看到“公钥与上次核验时记录的不同”，需要按单位公告核对新公钥。（旧私钥仍在手时，应改用 -force -key 旧私钥文件 换钥。）")
	}
	fmt.Fprintf(w, "下一步：\n  1. 用新私钥发布，签名新的检查点：portal publish -site %s -key %s -m \"更换发布记录密钥\"\n", siteDir, keyFile)
	fmt.Fprintf(w, "  2. 提交：git add %s %s && git commit -m \"更换发布记录密钥\"\n", loader.ConfigFile, ledger.Dir)
	fmt.Fprintln(w, "  3. 在单位官方渠道（门户网站公告、政务新媒体）公告更换原因和新公钥。")
	fmt.Fprintln(w, "  4. 旧私钥：泄露时在公告中写明泄露时间；未泄露时销毁或离线封存，不再使用。")
}

// mustRotations is the rotations in a site's log folder (nil on error).
func mustRotations(siteDir string) [][]byte {
	r, _ := ledger.ReadRotations(filepath.Join(siteDir, ledger.Dir))
	return r
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

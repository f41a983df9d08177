package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"portal/generator"
	"portal/generator/ledger"
	"portal/generator/ledger/gitseed"
	"portal/generator/loader"
	"portal/generator/markdown"
	"portal/generator/model"
)

// keyEnv names the environment variable that may hold the private key
// file's path instead of -key.
const keyEnv = "PORTAL_LOG_KEY_FILE"

const publishUsage = "portal publish [-site DIR] [-out DIR] [-now YYYY-MM-DD] [-key FILE] [-m NOTE] [-seed-git]"

// cmdPublish is `portal publish`: append every change since the last entry
// to the publication log, sign a new checkpoint, then build.
func cmdPublish(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("publish", publishUsage, stderr)
	siteDir := flags.String("site", ".", "site folder (portal.toml, content/, data/)")
	outDir := flags.String("out", "", "output folder (default <site>/public)")
	nowFlag := flags.String("now", "", "publication date YYYY-MM-DD (default: today in the site's time zone)")
	keyFile := flags.String("key", "", "private key file from portal keygen (default: $"+keyEnv+")")
	note := flags.String("m", "", "a note for this publication, shown with each change (e.g. 因征地延误调整完成时限)")
	seed := flags.Bool("seed-git", false, "on an empty log, first add the site's past from its git history (each commit dated by its commit)")
	strict := flags.Bool("strict", false, "treat warnings as errors")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return usageError{fmt.Sprintf("publish: unexpected argument %q", flags.Arg(0))}
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	if *keyFile == "" {
		*keyFile = os.Getenv(keyEnv)
	}
	if *keyFile == "" {
		return usageError{"publish: 没有私钥：用 -key 私钥文件 指定，或设置环境变量 " + keyEnv + "（私钥由 portal keygen 生成，见 docs/LEDGER.md） (no private key: give -key FILE or set " + keyEnv + "; portal keygen makes one)"}
	}
	skey, err := readKey(*keyFile, stderr)
	if err != nil {
		return err
	}
	if err := requireSiteDir(*siteDir); err != nil {
		return err
	}
	settings, dl := loader.LoadSettings(os.DirFS(*siteDir), loader.Options{})
	if err := dl.Err(); err != nil {
		fmt.Fprintln(stderr, err)
		return errReported
	}
	if settings.Config.Ledger.PublicKey == "" {
		return fmt.Errorf("%s 没有 [ledger] public_key：先运行 portal keygen -site %s -o 私钥文件", loader.ConfigFile, *siteDir)
	}
	loc := settings.Config.Location
	var seedFn func(*ledger.Log) (int, error)
	if *seed {
		seedFn = func(l *ledger.Log) (int, error) {
			if l.Size() > 0 {
				return 0, fmt.Errorf("-seed-git：发布记录已有 %d 条，只有空的发布记录才能从 git 历史补录", l.Size())
			}
			return gitseed.Seed(ctx, *siteDir, l, loc, snapshotVersions(ctx), func(w string) { fmt.Fprintln(stderr, w) })
		}
	}
	stop, err := cpuProfile()
	if err != nil {
		return err
	}
	defer stop()
	buildMemoryLimit()
	opts := generator.Options{SiteDir: *siteDir, OutDir: *outDir, Now: now, Strict: *strict, Progress: stderr,
		Publish: &generator.PublishOptions{Key: skey, Note: *note, Seed: seedFn}, Once: true}
	res, err := runPipeline(ctx, sitePipeline(opts, "", nil), stderr)
	if err != nil {
		return err
	}
	if res.Ledger != nil && res.Ledger.Published != nil {
		printPublished(stdout, res.Ledger.Published, stageTime(res, generator.StageLedger))
	}
	printSummary(stdout, res)
	return nil
}

// stageTime is how long the named stage took.
func stageTime(res *generator.Result, name string) time.Duration {
	for _, st := range res.Stages {
		if st.Name == name {
			return st.Duration
		}
	}
	return 0
}

// readKey reads a private key file, warning when others may read it.
func readKey(path string, stderr io.Writer) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("私钥文件：%w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(stderr, "警告：私钥文件 %s 的权限为 %v，其他用户可读；请执行 chmod 600 %s\n", path, st.Mode().Perm(), path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("私钥文件：%w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// siteVersions renders the site's bodies and returns its canonical forms.
func siteVersions(ctx context.Context, site *model.Site) ([]ledger.Version, error) {
	md := markdown.New()
	return ledger.SiteVersions(ctx, site, func(s string) (string, error) {
		doc, err := md.Render(s)
		return doc.HTML, err
	})
}

// snapshotVersions loads a past state of the site (from git) and returns
// its canonical forms; content errors skip the state.
func snapshotVersions(ctx context.Context) func(fs.FS, time.Time) ([]ledger.Version, error) {
	return func(fsys fs.FS, date time.Time) ([]ledger.Version, error) {
		site, dl := loader.Load(fsys, loader.Options{})
		if err := dl.Err(); err != nil {
			return nil, fmt.Errorf("%d 个错误，第一个：%v", len(dl.Errors()), dl.Errors()[0])
		}
		return siteVersions(ctx, site)
	}
}

func printPublished(w io.Writer, res *ledger.PublishResult, d time.Duration) {
	if res.Resigned {
		fmt.Fprintf(w, "发布记录：此前的检查点由换下的旧公钥签名，现已用新公钥（%s）签名检查点；旧检查点和换钥记录仍用 previous_keys 中的旧公钥核验\n", res.Checkpoint.Origin)
	}
	if len(res.Entries) == 0 && res.Unsigned == 0 {
		if !res.Resigned {
			fmt.Fprintf(w, "发布记录：没有变化（共 %d 条，检查点不变）\n", res.Checkpoint.N)
		}
		return
	}
	var add, change, remove int
	for _, e := range res.Entries {
		switch e.Op {
		case ledger.OpAdd:
			add++
		case ledger.OpChange:
			change++
		case ledger.OpRemove:
			remove++
		}
	}
	fmt.Fprintf(w, "发布记录：新增 %d 条（新发布 %d，修改 %d，删除 %d；实质性变更 %d 项", len(res.Entries), add, change, remove, res.Material)
	if res.Seeded > 0 {
		fmt.Fprintf(w, "；其中 %d 条从 git 历史补录", res.Seeded)
	}
	fmt.Fprintf(w, "），共 %d 条，已签名检查点 %s（%.2f 秒）\n", res.Checkpoint.N, res.Checkpoint.Hash, d.Seconds())
	if res.Unsigned > 0 {
		fmt.Fprintf(w, "注意：发布记录末尾原有 %d 条未签名的条目（上次发布中断），已一并核验并签名\n", res.Unsigned)
	}
}

// printLedger says what the build found in the publication log, and which
// records it would append (a build never appends: portal publish does).
func printLedger(w io.Writer, l *generator.LedgerSummary) {
	if l == nil {
		return
	}
	fmt.Fprintf(w, "发布记录：共 %d 条，检查点 %d 条", l.Entries, l.Checkpoint.N)
	if l.Unsigned > 0 {
		fmt.Fprintf(w, "（另有 %d 条未签名，未公开）", l.Unsigned)
	}
	fmt.Fprintln(w)
	if n := len(l.Differ); n > 0 && l.Published == nil {
		shown := l.Differ
		if n > 10 {
			shown = shown[:10]
		}
		more := ""
		if n > 10 {
			more = fmt.Sprintf(" 等 %d 条", n)
		}
		fmt.Fprintf(w, "有 %d 条记录与发布记录不一致（新增、修改或删除后尚未登记）：%s%s；运行 portal publish 登记\n", n, strings.Join(shown, "、"), more)
	}
}

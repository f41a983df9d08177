package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"portal/generator/ledger"
	"portal/generator/ledger/verify"
	"portal/generator/loader"
	"portal/generator/model"
)

const verifyUsage = "portal verify [-site DIR] [-out DIR] [-sample N] [-follow STATEFILE] | portal verify [-key KEY] [-sample N] [-follow STATEFILE] URL"

// errUnverifiable is a check that could not run (exit 3), as opposed to a
// check that found problems (exit 1).
type errUnverifiable struct{ err error }

func (e errUnverifiable) Error() string { return "无法完成核验：" + e.err.Error() }
func (e errUnverifiable) Unwrap() error { return e.err }

// cmdVerify is `portal verify`: check a site folder, or a deployed site,
// against its publication log.
func cmdVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("verify", verifyUsage, stderr)
	siteDir := flags.String("site", "", "site folder: check data/ledger, the content and the built output against each other")
	outDir := flags.String("out", "", "with -site: the built output (default <site>/public)")
	key := flags.String("key", "", "with URL: the office's public key (default: from the state file, else the site's /log/key.txt, trusted on first use)")
	sample := flags.Int("sample", 0, "check the pages of N records chosen at random (default: every record)")
	follow := flags.String("follow", "", "state file remembering the last checkpoint seen (each run proves the log extends it) and, with -site, the pages verified (only changed pages are parsed again)")
	nowFlag := flags.String("now", "", "date YYYY-MM-DD for publicity periods (default: today)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	now, err := parseNow(*nowFlag)
	if err != nil {
		return err
	}
	switch {
	case *siteDir != "" && flags.NArg() > 0:
		return usageError{"verify: give -site DIR or a URL, not both"}
	case *siteDir == "" && flags.NArg() == 0:
		*siteDir = "."
	case flags.NArg() > 1:
		return usageError{fmt.Sprintf("verify: unexpected argument %q", flags.Arg(1))}
	}
	stop, err := cpuProfile()
	if err != nil {
		return err
	}
	defer stop()
	if *siteDir != "" {
		if *key != "" {
			return usageError{"verify: -key goes with a URL; -site uses portal.toml's key"}
		}
		return verifySite(ctx, *siteDir, *outDir, *follow, now, *sample, stdout, stderr)
	}
	return verifyURL(ctx, flags.Arg(0), *key, *follow, now, *sample, stdout, stderr)
}

func verifySite(ctx context.Context, siteDir, outDir, follow string, now time.Time, sample int, stdout, stderr io.Writer) error {
	start := time.Now()
	if outDir == "" {
		outDir = filepath.Join(siteDir, "public")
	}
	var state *verify.State
	site, err := filepath.Abs(siteDir)
	if err != nil {
		return errUnverifiable{err}
	}
	if follow != "" {
		if state, err = verify.LoadState(follow); err != nil {
			return errUnverifiable{err}
		}
		if state != nil && state.Site != site {
			return usageError{fmt.Sprintf("verify: %s 记录的是 %s，不是 %s", follow, state.Site, site)}
		}
	}
	settings, dl := loader.LoadSettings(os.DirFS(siteDir), loader.Options{})
	if err := dl.Err(); err != nil {
		fmt.Fprintln(stderr, err)
		return errReported
	}
	cfg := settings.Config
	if cfg.Ledger.PublicKey == "" {
		return errUnverifiable{fmt.Errorf("%s 没有 [ledger] public_key：本站未启用发布记录（portal keygen）", loader.ConfigFile)}
	}
	if st, err := os.Stat(outDir); err != nil || !st.IsDir() {
		return errUnverifiable{fmt.Errorf("没有生成的网站 %s：先运行 portal build", outDir)}
	}
	// The content loads and its canonical forms are made while the log is
	// read and the pages are checked: each takes seconds on a big site
	// (docs/LEDGER.md, 十), and only the last step, comparing the content
	// with the log, needs both.
	type loaded struct {
		vs  []ledger.Version
		err error
	}
	var (
		memoCtx  string
		prev     *verify.ContentMemo
		filesc   = make(chan string, 1)
		loadc    = make(chan loaded, 1)
		needed   = make(chan struct{}) // closed when the content is asked for
		finished = make(chan struct{}) // closed when verifySite returns
		loading  sync.WaitGroup
	)
	if follow != "" {
		memoCtx = memoContext(settings.Departments)
		if state != nil {
			prev = state.Content
		}
	}
	loading.Go(func() {
		files := ""
		if follow != "" {
			files = contentDigest(siteDir, memoCtx)
		}
		filesc <- files
		if prev != nil && files != "" && files == prev.Files {
			// Probably not needed: the content is as it was when it last
			// matched the log (Run decides, seeing the log too).
			select {
			case <-needed:
			case <-finished:
				return
			}
		}
		site, dl := loader.Load(os.DirFS(siteDir), loader.Options{})
		if err := dl.Err(); err != nil {
			loadc <- loaded{err: contentError{err}}
			return
		}
		vs, err := siteVersions(ctx, site)
		if err != nil {
			err = contentError{err}
		}
		loadc <- loaded{vs, err}
	})
	defer func() {
		close(finished)
		loading.Wait() // an early return still waits for the loading it started
	}()
	contentFiles := sync.OnceValue(func() string { return <-filesc })
	content := sync.OnceValues(func() ([]ledger.Version, error) {
		close(needed)
		r := <-loadc
		return r.vs, r.err
	})
	ropts := ledger.ReadOptions{Verify: true}
	if state != nil && state.Size > 0 && state.Pages != nil && state.Pages.Context == memoCtx {
		// The entries of the last checkpoint verified were parsed strictly,
		// replayed and every version's hash checked then, by this same
		// program: if they are still those entries (the same root), that
		// is not done again.
		if h, err := tlog.ParseHash(state.Hash); err == nil {
			ropts.Verified.N, ropts.Verified.Hash = state.Size, h
		}
	}
	siteLog, err := ledger.Read(filepath.Join(siteDir, ledger.Dir), ropts)
	if err != nil {
		return reportProblems(stdout, &verify.Report{Problems: []verify.Problem{{Path: ledger.Dir, Msg: err.Error()}}}, time.Since(start))
	}
	opts := verify.Options{
		Source: verify.Dir(outDir), Key: cfg.Ledger.PublicKey, Previous: cfg.Ledger.PreviousKeys, Site: siteLog, Content: content,
		Sample: sample, Names: namesOf(settings.Departments), Today: model.Today(now, cfg.Location).Format(time.DateOnly),
		Discover: verify.DiscoverDir(outDir),
	}
	if follow != "" {
		opts.Follow = state
		opts.Memo = &verify.Memo{Context: memoCtx}
		if state != nil && state.Pages != nil && state.Pages.Context == memoCtx {
			opts.Memo.Records, opts.Memo.Pages = state.Pages.Records, state.Pages.Pages
		}
		opts.ContentFiles, opts.ContentPrev = contentFiles, prev
	}
	rep, err := verify.Run(ctx, opts)
	var ce contentError
	switch {
	case errors.As(err, &ce):
		fmt.Fprintln(stderr, ce.err)
		return errReported
	case err != nil:
		return errUnverifiable{err}
	}
	printRotated(stdout, rep)
	if follow != "" {
		// The checkpoint is remembered only when nothing is wrong (the next
		// run is then still held to the last one that verified); the pages
		// and content found right are remembered in any case (what was
		// remembered before stays when a run did not get to them: each
		// memo is keyed by what it was proved for, so it stays true).
		next := state
		switch {
		case len(rep.Problems) == 0:
			next = verify.NewState(site, strings.TrimSpace(cfg.Ledger.PublicKey), rep.Checkpoint, siteLog.Checkpoint, time.Now())
			if state != nil {
				next.Pages, next.Content = state.Pages, state.Content
			}
		case next == nil:
			next = &verify.State{Site: site}
		}
		if rep.Memo != nil {
			next.Pages = rep.Memo
		}
		if rep.Content != nil {
			next.Content = rep.Content
		}
		if err := next.Save(follow); err != nil {
			return err
		}
		if len(rep.Problems) == 0 {
			printFollowed(stdout, state, rep, follow)
		}
	}
	return reportProblems(stdout, rep, time.Since(start))
}

// printRotated says which key rotations the run followed.
func printRotated(w io.Writer, rep *verify.Report) {
	for _, r := range rep.Rotated {
		fmt.Fprintf(w, "本站更换了签名密钥：密钥 %s → 密钥 %s（发布记录有 %d 条时；旧密钥签署了换钥记录，认可新公钥 %s）\n", ledger.KeyID(r.From), ledger.KeyID(r.To), r.N, r.To)
	}
}

// printFollowed says what -follow proved and remembered.
func printFollowed(w io.Writer, state *verify.State, rep *verify.Report, follow string) {
	if state == nil || state.Size == 0 {
		fmt.Fprintf(w, "已记下检查点（%d 条）与公钥，保存在 %s；以后每次核验都会证明发布记录是在此基础上追加的。\n", rep.Checkpoint.N, follow)
		return
	}
	if state.Size == rep.Checkpoint.N {
		fmt.Fprintf(w, "发布记录仍为 %d 条，与上次核验时的检查点相同；状态已更新。\n", state.Size)
		return
	}
	fmt.Fprintf(w, "发布记录从 %d 条增至 %d 条，一致性证明成立（此前的历史未被改写）；状态已更新。\n", state.Size, rep.Checkpoint.N)
}

// hashFile writes the file path names into h.
func hashFile(h io.Writer, path func() (string, error)) error {
	p, err := path()
	if err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(h, f)
	return err
}

// contentDigest is the digest of every file the content may be loaded
// from — portal.toml, content/ and data/ (but data/ledger, the log) — by
// path and bytes, and of ctx (the program and the names: memoContext); ""
// when a file cannot be read or a folder is a symbolic link (the loader
// would follow it; the walk does not).
func contentDigest(siteDir, ctx string) string {
	h := sha256.New()
	h.Write([]byte(ctx + "\n"))
	add := func(rel string) error {
		b, err := os.ReadFile(filepath.Join(siteDir, rel))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		fmt.Fprintf(h, "%s\x00%x\n", filepath.ToSlash(rel), sum)
		return nil
	}
	if err := add(loader.ConfigFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	for _, dir := range []string{"content", "data"} {
		err := filepath.WalkDir(filepath.Join(siteDir, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(siteDir, p)
			switch {
			case d.IsDir() && filepath.ToSlash(rel) == ledger.Dir:
				return filepath.SkipDir
			case d.IsDir():
				return nil
			case d.Type()&fs.ModeSymlink != 0:
				if st, err := os.Stat(p); err != nil || st.IsDir() {
					return errors.New("a symbolic link to a folder")
				}
			}
			return add(rel)
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return ""
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// memoContext is what -follow's memo of verified pages depends on besides
// the log and the pages: the program (a new verifier may check more; any
// other binary starts afresh) and the department names pages show.
func memoContext(depts []*model.Department) string {
	h := sha256.New()
	h.Write([]byte("portal verify memo context 1\n"))
	if err := hashFile(h, os.Executable); err != nil {
		fmt.Fprintf(h, "unknown program %d %d\n", os.Getpid(), time.Now().UnixNano()) // nothing is taken as remembered
	}
	for _, d := range depts {
		fmt.Fprintf(h, "%s\t%s\n", d.ID, d.Name)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// contentError is the site's content failing to load: its diagnostics are
// printed as portal build prints them.
type contentError struct{ err error }

func (e contentError) Error() string { return e.err.Error() }

func verifyURL(ctx context.Context, raw, key, follow string, now time.Time, sample int, stdout, stderr io.Writer) error {
	start := time.Now()
	base, err := url.Parse(raw)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return usageError{fmt.Sprintf("verify: %q is not a web address (use https://host/)", raw)}
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
	}
	src := &httpSource{base: base, client: &http.Client{Timeout: 60 * time.Second}}
	var state *verify.State
	if follow != "" {
		if state, err = verify.LoadState(follow); err != nil {
			return errUnverifiable{err}
		}
		if state != nil && state.Site != base.String() {
			return usageError{fmt.Sprintf("verify: %s 记录的是 %s，不是 %s", follow, state.Site, base)}
		}
	}
	switch {
	case key != "":
	case state != nil && state.Key != "":
		key = state.Key
	default:
		b, err := src.Get(ctx, "/log/"+ledger.PublishedKey)
		if err != nil {
			return errUnverifiable{fmt.Errorf("站点没有公布公钥（/log/%s）：%w；请用 -key 指定本站公钥", ledger.PublishedKey, err)}
		}
		key = strings.TrimSpace(string(b))
		fmt.Fprintf(stderr, "注意：使用站点自己公布的公钥 %s。请与主办单位公布的公钥核对；用 -follow 记住它后，以后更换会被发现。\n", key)
	}
	if state != nil {
		// The state's key is what this verifier trusts; a different -key is
		// reported by Run as a change.
		state.Key = strings.TrimSpace(state.Key)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	rep, err := verify.Run(ctx, verify.Options{
		Source: src, Key: key, Follow: state, Sample: sample, Names: src.names(ctx),
		Today: model.Today(now, loc).Format(time.DateOnly), Discover: src.discover, Workers: 8,
	})
	if err != nil {
		return errUnverifiable{err}
	}
	printRotated(stdout, rep)
	if follow != "" && len(rep.Problems) == 0 && rep.Log != nil {
		if err := verify.NewState(base.String(), rep.Key, rep.Checkpoint, rep.Log.Checkpoint, time.Now()).Save(follow); err != nil {
			return err
		}
		printFollowed(stdout, state, rep, follow)
	}
	return reportProblems(stdout, rep, time.Since(start))
}

// reportProblems prints the report; problems make exit code 1.
func reportProblems(w io.Writer, rep *verify.Report, d time.Duration) error {
	for _, p := range rep.Problems {
		fmt.Fprintln(w, "✗", p)
	}
	fmt.Fprintf(w, "核验：发布记录 %d 条（检查点 %s），记录 %d 条", rep.Checkpoint.N, rep.Checkpoint.Hash, rep.Records)
	if rep.Redacted > 0 {
		fmt.Fprintf(w, "（其中 %d 条已停止公示，内容不再公开）", rep.Redacted)
	}
	fmt.Fprintf(w, "，页面 %d 个，历史版本页面 %d 个", rep.Pages, rep.OldPages)
	switch {
	case rep.Remembered > 0 && rep.RememberedOld > 0:
		fmt.Fprintf(w, "（其中 %d 条记录的页面、另 %d 个历史版本页面与上次核验通过时逐字节相同，未再解析）", rep.Remembered, rep.RememberedOld)
	case rep.Remembered > 0:
		fmt.Fprintf(w, "（其中 %d 条记录的页面与上次核验通过时逐字节相同，未再解析）", rep.Remembered)
	case rep.RememberedOld > 0:
		fmt.Fprintf(w, "（其中 %d 个历史版本页面与上次核验通过时逐字节相同，未再解析）", rep.RememberedOld)
	}
	if rep.ContentRemembered {
		fmt.Fprint(w, "，内容文件与上次核验通过时逐字节相同，未再加载")
	}
	fmt.Fprintf(w, "，用时 %.2f 秒\n", d.Seconds())
	if n := len(rep.Problems); n > 0 {
		fmt.Fprintf(w, "发现 %d 个问题\n", n)
		return errReported
	}
	fmt.Fprintln(w, "未发现问题：发布记录完整、只增不改，页面与发布记录一致")
	return nil
}

func namesOf(depts []*model.Department) ledger.Names {
	m := make(map[string]string, len(depts))
	for _, d := range depts {
		m[d.ID] = d.Name
	}
	return func(id string) string { return m[id] }
}

// httpSource reads a deployed site.
type httpSource struct {
	base   *url.URL
	client *http.Client
}

// maxFetch bounds one file: the largest data tile holds 256 entries.
const maxFetch = 256 * (ledger.MaxLine + 2)

func (s *httpSource) Get(ctx context.Context, p string) ([]byte, error) {
	u := *s.base
	rel, err := url.Parse(strings.TrimPrefix(p, "/"))
	if err != nil {
		return nil, err
	}
	target := u.ResolveReference(rel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "portal-verify/1 (+https://github.com/)")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, verify.ErrNotFound
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("%s: HTTP %s", target, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxFetch+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	if len(b) > maxFetch {
		return nil, fmt.Errorf("%s: 超过 %d 字节", target, maxFetch)
	}
	return b, nil
}

// names reads the site's department registry from its open data, so pages'
// department names are checked too (ids only when it is missing).
func (s *httpSource) names(ctx context.Context) ledger.Names {
	b, err := s.Get(ctx, "/data/departments.json")
	if err != nil {
		return nil
	}
	var list []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	if json.Unmarshal(b, &list) != nil {
		var wrapped struct {
			Items []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"items"`
		}
		if json.Unmarshal(b, &wrapped) != nil {
			return nil
		}
		list = wrapped.Items
	}
	m := map[string]string{}
	for _, d := range list {
		m[d.ID] = d.Name
	}
	return func(id string) string { return m[id] }
}

// discover lists the record pages the site's sitemap names.
func (s *httpSource) discover(ctx context.Context) ([]string, error) {
	b, err := s.Get(ctx, "/sitemap.xml")
	if errors.Is(err, verify.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sm struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(b, &sm); err != nil {
		return nil, nil // not a sitemap this verifier understands
	}
	var keys []string
	for _, u := range sm.URLs {
		p, err := url.Parse(u.Loc)
		if err != nil || !strings.HasPrefix(p.Path, s.base.Path) {
			continue
		}
		segs := strings.Split(strings.Trim(strings.TrimPrefix(p.Path, s.base.Path), "/"), "/")
		if len(segs) == 2 && ledger.Schema(model.Kind(segs[0])) != nil {
			keys = append(keys, ledger.Key(model.Kind(segs[0]), segs[1]))
		}
	}
	return keys, nil
}

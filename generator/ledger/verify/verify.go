// Package verify checks a published site against its publication log: the
// log is intact and append-only (signature, tree, replay, and with a state
// file a consistency proof from the last checkpoint seen), and every record
// page — current versions, old versions' permanent pages, stop notices and
// removal notices — shows exactly what its log entry says.
//
// Contract: Run reads the site only through a Source (a built folder, or a
// deployed site over HTTP supplied by the caller), never writes, and reports
// every problem it finds with the record, the version and what differs.
// Problems are findings (exit 1); an error means the check could not run.
package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"portal/generator/ledger"
	"portal/generator/model"
)

// Source reads a published site by URL path (/log/checkpoint,
// /commitments/e01/). A missing file is ErrNotFound.
type Source interface {
	Get(ctx context.Context, urlPath string) ([]byte, error)
}

// ErrNotFound is a missing file or page (HTTP 404).
var ErrNotFound = errors.New("不存在")

// Dir is a built site folder as a Source: /a/b/ is a/b/index.html.
type Dir string

// Get implements Source.
func (d Dir) Get(_ context.Context, urlPath string) ([]byte, error) {
	p, err := fileOf(urlPath)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(string(d), filepath.FromSlash(p)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return b, err
}

// read reads the file serving urlPath into *buf, growing it as needed.
func (d Dir) read(urlPath string, buf *[]byte) ([]byte, error) {
	p, err := fileOf(urlPath)
	if err != nil {
		return nil, err
	}
	b, err := readInto(filepath.Join(string(d), filepath.FromSlash(p)), (*buf)[:0])
	*buf = b
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return b, nil
}

func unescapePath(p string) (string, error) { return url.PathUnescape(p) }

// fileOf maps a URL path to the file that serves it.
func fileOf(urlPath string) (string, error) {
	p, err := unescapePath(urlPath)
	if err != nil {
		return "", err
	}
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if strings.HasSuffix(urlPath, "/") {
		p = path.Join(p, "index.html")
	}
	return p, nil
}

// Options say what to check.
type Options struct {
	Source Source
	// Key is the office's public key (portal.toml, -key or the state
	// file). Over HTTP it may be a key the office has rotated away from:
	// the rotations it signed lead to the current key. With Follow, ""
	// means the key Follow remembers.
	Key string
	// Previous are the keys the site lists as rotated away from (portal.toml
	// previous_keys; verify -site): checkpoints and rotations they signed
	// verify. Over HTTP the previous keys are those the rotations hand to
	// the current key.
	Previous []string
	// Site is the site's own log (verify -site); it must match the published
	// one entry for entry. Nil over HTTP.
	Site *ledger.Log
	// Content returns the canonical form of every record in the site's
	// content (verify -site): each must be the log's latest version. Run
	// calls it once the pages are checked, so the caller may compute it
	// meanwhile; its error ends the run.
	Content func() ([]ledger.Version, error)
	// Follow is the last checkpoint this verifier saw: the log must extend
	// it (a consistency proof). Nil on a first run.
	Follow *State
	// Sample, when positive, checks that many records' pages (chosen at
	// random) instead of all.
	Sample int
	// Names resolves department ids to the names pages show.
	Names ledger.Names
	// Today (YYYY-MM-DD) decides whether a stop notice is due.
	Today string
	// Discover lists the record keys the site has pages for, to find pages
	// the log does not know (nil: skip).
	Discover func(ctx context.Context) ([]string, error)
	// Workers is how many pages are fetched at once (default: the cores).
	Workers int
	// Progress, when set, is called after each page.
	Progress func(done, total int)
	// ContentFiles returns the caller's digest of every file the content
	// is loaded from, and of the program loading it ("" when unknown), and
	// ContentPrev is what an earlier run remembered: when both the files
	// and the log's latest versions are as they were when the content last
	// matched the log, Content is not called (same input, same result).
	ContentFiles func() string
	ContentPrev  *ContentMemo
	// Memo, when set, is what an earlier run remembered (Memo.Records may
	// be nil on a first run; its Context must be this run's): records it
	// holds as verified, with the same entries and the same page bytes,
	// are not parsed again. Report.Memo is what this run remembers.
	Memo *Memo
}

// Problem is one finding.
type Problem struct {
	Key     string // record, "" for the log as a whole
	Version int    // 0 when not about one version
	Path    string // the page or file, when there is one
	Msg     string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Key != "" {
		b.WriteString(p.Key)
		if p.Version > 0 {
			fmt.Fprintf(&b, " 第%d版", p.Version)
		}
	} else {
		b.WriteString("发布记录")
	}
	if p.Path != "" {
		b.WriteString("（" + p.Path + "）")
	}
	b.WriteString("：" + p.Msg)
	return b.String()
}

// Report is the outcome of a run.
type Report struct {
	Checkpoint ledger.Checkpoint
	Records    int // records in the log
	Redacted   int // records the published log withholds
	Pages      int // record pages checked (current, notices)
	OldPages   int // old versions' pages checked
	Problems   []Problem
	// Log is the published log as read (for callers that save state); nil
	// with Options.Site, where the published log is compared with it.
	Log *ledger.Log
	// Remembered counts the records found as Options.Memo remembers them,
	// RememberedOld the old versions' pages of other records found so.
	Remembered, RememberedOld int
	// Memo is what this run remembers (with Options.Memo).
	Memo *Memo
	// Content is what to remember of the content (with
	// Options.ContentFiles, when it matched the log); ContentRemembered
	// says the content was taken as Options.ContentPrev remembers it.
	Content           *ContentMemo
	ContentRemembered bool
	// Key is the key the log is verified under: Options.Key, or the key
	// the rotations lead to from it (or from Options.Follow's). Rotated are
	// the rotations followed from the key Options.Follow remembers.
	Key     string
	Rotated []ledger.Rotation
}

// maxRotations bounds the rotations read from a published log.
const maxRotations = 1000

// fetchRotations reads /log/rotations/1, 2 … until one is missing.
func fetchRotations(fetch ledger.Fetch) ([][]byte, error) {
	var out [][]byte
	for i := 0; i < maxRotations; i++ {
		b, err := fetch(ledger.RotationName(i))
		if errors.Is(err, ErrNotFound) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("读取 /log/%s：%w", ledger.RotationName(i), err)
		}
		out = append(out, b)
	}
	return out, nil
}

// keyChange describes a key the verifier does not trust.
func keyChange(was, now string) string {
	return fmt.Sprintf("公钥与上次核验时记录的不同（上次 %s，本次 %s）：站点更换了密钥，或有人冒用本站名义；/log/rotations/ 中没有旧公钥（密钥 %s）签署、把信任交给密钥 %s 的换钥记录。若主办单位公告了这次更换，请核对新公钥后删除状态文件重新开始", was, now, ledger.KeyID(was), ledger.KeyID(now))
}

// Run verifies the site.
func Run(ctx context.Context, opts Options) (*Report, error) {
	rep := &Report{}
	add := func(p Problem) { rep.Problems = append(rep.Problems, p) }
	fetchLog := func(name string) ([]byte, error) { return opts.Source.Get(ctx, "/log/"+name) }

	// Which key signs now: the key trusted (the one the state remembers,
	// else the one given), and any rotations the old keys signed from it.
	rawRots, err := fetchRotations(fetchLog)
	if err != nil {
		add(Problem{Path: "/log/" + ledger.RotationsDir + "/", Msg: err.Error()})
		return rep, nil
	}
	rots := make([]ledger.Rotation, 0, len(rawRots))
	for i, b := range rawRots {
		r, err := ledger.OpenRotation(b)
		if err != nil {
			add(Problem{Path: "/log/" + ledger.RotationName(i), Msg: err.Error()})
			return rep, nil
		}
		rots = append(rots, r)
	}
	given := strings.TrimSpace(opts.Key)
	trusted := given
	if opts.Follow != nil && opts.Follow.Key != "" {
		trusted = strings.TrimSpace(opts.Follow.Key)
	}
	key, followed := ledger.FollowKey(rots, trusted)
	switch {
	case opts.Site != nil && key != given:
		// A site folder's key is portal.toml's: the remembered key must lead to it.
		add(Problem{Msg: keyChange(trusted, given)})
		return rep, nil
	case given != "" && given != trusted && !slices.ContainsFunc(followed, func(r ledger.Rotation) bool { return r.To == given }):
		// A key given besides the one remembered must be one the
		// remembered key's rotations led to.
		add(Problem{Msg: keyChange(trusted, given)})
		return rep, nil
	case key == "":
		return rep, errors.New("没有公钥")
	}
	rep.Key, rep.Rotated = key, followed
	previous := opts.Previous
	if opts.Site == nil {
		previous = ledger.Predecessors(rots, key)
	} else {
		// The published rotations are the site folder's.
		for i := range max(len(rawRots), len(opts.Site.Rotations)) {
			if i >= len(rawRots) || i >= len(opts.Site.Rotations) || !bytes.Equal(rawRots[i], opts.Site.Rotations[i]) {
				add(Problem{Path: "/log/" + ledger.RotationName(i), Msg: fmt.Sprintf("网站发布的换钥记录与站点文件夹中的 %s/%s 不同（缺少、多出或被改动）", ledger.Dir, ledger.RotationName(i))})
				return rep, nil
			}
		}
		if _, err := opts.Site.CheckRotations(opts.Site.Rotations, append([]string{key}, previous...), func(i int) string { return ledger.Dir + "/" + ledger.RotationName(i) }); err != nil {
			add(Problem{Path: ledger.Dir + "/" + ledger.RotationsDir, Msg: err.Error()})
			return rep, nil
		}
	}
	var (
		log      *ledger.Log           // the fullest log available: the site's own, or the published one
		withheld = map[string]string{} // records the published log withholds, and why
	)
	if opts.Site == nil {
		pub, cp, err := ledger.ReadPublished(fetchLog, key, previous...)
		rep.Checkpoint = cp
		if err != nil {
			if errors.Is(err, ErrNotFound) && opts.Follow == nil {
				return rep, fmt.Errorf("站点没有发布记录（/log/ 下缺少文件）：%w", err)
			}
			add(Problem{Path: "/log/", Msg: err.Error()})
			return rep, nil
		}
		rep.Log, log = pub, pub
		if _, err := pub.CheckRotations(rawRots, nil, func(i int) string { return "/log/" + ledger.RotationName(i) }); err != nil {
			add(Problem{Path: "/log/" + ledger.RotationsDir + "/", Msg: err.Error()})
			return rep, nil
		}
		if opts.Follow != nil && opts.Follow.Size > 0 {
			h, err := tlog.ParseHash(opts.Follow.Hash)
			if err != nil {
				return rep, fmt.Errorf("状态文件中的根哈希无效：%v", err)
			}
			if err := pub.Consistent(cp, opts.Follow.Size, h); err != nil {
				add(Problem{Path: "/log/checkpoint", Msg: fmt.Sprintf("%v（上次核验于 %s，当时 %d 条）", err, opts.Follow.Seen, opts.Follow.Size)})
				return rep, nil
			}
		}
		for _, r := range pub.Records() {
			if r.Redacted != "" {
				withheld[r.Key()] = r.Redacted
			}
		}
	} else {
		// The site's own log is read and verified (every version) by the
		// caller; the published one must be it, entry for entry, with the
		// withheld records' entries as stubs. Comparing tiles proves that
		// without parsing and replaying the log a second time.
		log = opts.Site
		signed, err := fetchLog(ledger.PublishedCheckpoint)
		if err != nil {
			add(Problem{Path: "/log/", Msg: fmt.Sprintf("读取检查点：%v", err)})
			return rep, nil
		}
		cp, err := ledger.OpenCheckpoint(signed, key, previous...)
		rep.Checkpoint = cp
		if err != nil {
			add(Problem{Path: "/log/checkpoint", Msg: err.Error()})
			return rep, nil
		}
		scp, err := opts.Site.VerifyCheckpoint(key, previous...)
		switch {
		case err != nil:
			add(Problem{Path: ledger.Dir + "/checkpoint", Msg: err.Error()})
			return rep, nil
		case scp != cp:
			add(Problem{Path: "/log/checkpoint", Msg: fmt.Sprintf("网站发布的检查点（%d 条）与站点文件夹中的检查点（%d 条）不同：网站未按当前发布记录生成，或被替换", cp.N, scp.N)})
			return rep, nil
		}
		if opts.Follow != nil && opts.Follow.Size > 0 {
			h, err := tlog.ParseHash(opts.Follow.Hash)
			if err != nil {
				return rep, fmt.Errorf("状态文件中的根哈希无效：%v", err)
			}
			if err := opts.Site.Consistent(cp, opts.Follow.Size, h); err != nil {
				add(Problem{Path: ledger.Dir + "/checkpoint", Msg: fmt.Sprintf("%v（上次核验于 %s，当时 %d 条）", err, opts.Follow.Seen, opts.Follow.Size)})
				return rep, nil
			}
		}
		if withheld, err = opts.Site.MatchPublished(fetchLog, cp); err != nil {
			add(Problem{Path: "/log/", Msg: err.Error()})
			return rep, nil
		}
		if n := opts.Site.Size() - scp.N; n > 0 {
			add(Problem{Path: ledger.Dir, Msg: fmt.Sprintf("有 %d 条条目（第 %d 条起）在最后一个检查点之后，没有签名：上次发布未完成，或有人私自追加（运行 portal publish 重新签名前请先核对这些条目）", n, scp.N)})
		}
	}

	// Which records' pages to check.
	recs := log.Records()
	rep.Records = len(recs)
	rep.Redacted = len(withheld)
	if opts.Sample > 0 && opts.Sample < len(recs) {
		rand.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
		recs = recs[:opts.Sample]
		sort.Slice(recs, func(i, j int) bool { return recs[i].Entries[0] < recs[j].Entries[0] })
	}
	var unknown []string
	if opts.Discover != nil {
		keys, err := opts.Discover(ctx)
		if err != nil {
			return rep, err
		}
		for _, k := range keys {
			if log.Record(k) == nil {
				unknown = append(unknown, k)
			}
		}
	}
	type job struct {
		rec *ledger.Record
		key string // a page the log does not know
	}
	jobs := make([]job, 0, len(recs)+len(unknown))
	for _, r := range recs {
		jobs = append(jobs, job{rec: r})
	}
	for _, k := range unknown {
		jobs = append(jobs, job{key: k})
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		next     int
		done     int
		firstErr error
	)
	c := &checker{opts: opts, log: log, withheld: withheld}
	if opts.Memo != nil {
		c.prev = opts.Memo.Records
		// Records not checked this run (-sample) keep what was remembered:
		// a later run still checks their entries and bytes before using it.
		rep.Memo = &Memo{Context: opts.Memo.Context, Records: maps.Clone(opts.Memo.Records), Pages: maps.Clone(opts.Memo.Pages)}
		if rep.Memo.Records == nil {
			rep.Memo.Records = map[string]MemoRecord{}
		}
		if rep.Memo.Pages == nil {
			rep.Memo.Pages = map[string]string{}
		}
	}
	for w := 0; w < min(workers, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte // each worker reads its pages into one buffer
			for {
				mu.Lock()
				if next >= len(jobs) || firstErr != nil || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				j := jobs[next]
				next++
				mu.Unlock()
				var r result
				var err error
				if j.rec != nil {
					r, err = c.record(ctx, j.rec, &buf)
				} else {
					r, err = c.unknown(ctx, j.key, &buf)
				}
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				rep.Problems = append(rep.Problems, r.problems...)
				rep.Pages += r.pages
				rep.OldPages += r.old
				if rep.Memo != nil && j.rec != nil {
					if r.memo != nil {
						rep.Memo.Records[j.rec.Key()] = *r.memo
					} else {
						delete(rep.Memo.Records, j.rec.Key())
					}
					if !r.remembered {
						_, old := c.pagesOf(j.rec)
						for _, p := range old {
							delete(rep.Memo.Pages, p)
						}
						for _, pr := range r.proofs {
							rep.Memo.Pages[pr[0]] = pr[1]
						}
					}
				}
				if r.remembered {
					rep.Remembered++
				}
				rep.RememberedOld += r.oldRemembered
				done++
				if opts.Progress != nil {
					opts.Progress(done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	if firstErr == nil && opts.Site != nil && opts.Content != nil {
		latest, files := latestDigest(opts.Site), ""
		if opts.ContentFiles != nil {
			files = opts.ContentFiles()
		}
		if p := opts.ContentPrev; p != nil && files != "" && p.Files == files && p.Log == latest {
			rep.Content, rep.ContentRemembered = p, true
		} else {
			content, err := opts.Content()
			if err != nil {
				return rep, err
			}
			probs := contentProblems(opts.Site, content)
			rep.Problems = append(rep.Problems, probs...)
			if len(probs) == 0 && files != "" {
				rep.Content = &ContentMemo{Files: files, Log: latest}
			}
		}
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		a, b := rep.Problems[i], rep.Problems[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Version < b.Version
	})
	return rep, firstErr
}

// contentProblems lists the records whose content is not the log's latest
// version: new, changed or removed without a publish.
func contentProblems(l *ledger.Log, content []ledger.Version) []Problem {
	var out []Problem
	diff := l.Differences(content)
	if len(diff) == 0 {
		return nil
	}
	byKey := make(map[string]*ledger.Version, len(content))
	for i := range content {
		byKey[content[i].Key()] = &content[i]
	}
	for _, key := range diff {
		rec := l.Record(key)
		msg := "内容中的新记录尚未发布登记"
		switch {
		case rec != nil && !rec.Removed && byKey[key] == nil:
			msg = "内容中已删除该记录，但发布记录中没有删除登记"
		case rec != nil && !rec.Removed:
			msg = "内容与发布记录最新版本不一致（修改未发布登记）：" + changedFields(rec, byKey[key])
		}
		out = append(out, Problem{Key: key, Path: "content", Msg: msg + "；运行 portal publish 登记"})
	}
	return out
}

// changedFields names the fields in which the content differs from the
// log's latest version.
func changedFields(rec *ledger.Record, content *ledger.Version) string {
	var names []string
	for j, f := range ledger.Schema(rec.Kind) {
		if rec.Latest.Values[j] != content.Values[j] {
			names = append(names, f.Label)
		}
	}
	return strings.Join(names, "、")
}

type checker struct {
	opts     Options
	log      *ledger.Log           // the fullest log available (the site's own, or the published one)
	withheld map[string]string     // why the published log withholds a record, by key
	prev     map[string]MemoRecord // the memo's records (Options.Memo)
}

type result struct {
	problems   []Problem
	pages, old int
	remembered bool        // found as the memo remembers it
	memo       *MemoRecord // what the next run's memo holds for the record
	proofs     [][2]string // old versions' pages found right: path, proof (Memo.Pages)
	// oldRemembered counts the old versions' pages passed over by their
	// own proof (the record as a whole was not remembered).
	oldRemembered int
}

// record checks a record's page and its old versions' pages, or finds
// them as the memo remembers them.
func (c *checker) record(ctx context.Context, rec *ledger.Record, buf *[]byte) (result, error) {
	if c.opts.Memo == nil {
		return c.check(ctx, rec, buf, nil)
	}
	expect := c.expect(rec)
	res, ok, err := c.remembered(ctx, rec, expect, buf)
	if err != nil {
		return res, err
	}
	if ok {
		res.remembered = true
		res.memo = &MemoRecord{Expect: expect, Files: c.prev[rec.Key()].Files}
		return res, nil
	}
	files := sha256.New()
	res, err = c.check(ctx, rec, buf, files)
	if err == nil && len(res.problems) == 0 {
		res.memo = &MemoRecord{Expect: expect, Files: hex.EncodeToString(files.Sum(nil))}
	}
	return res, err
}

// check checks a record's page and its old versions' pages; files, when
// set, takes each page as read (addFile).
func (c *checker) check(ctx context.Context, rec *ledger.Record, buf *[]byte, files hash.Hash) (result, error) {
	var res result
	var memo textMemo // the record's pages mostly show the same body
	key := rec.Key()
	last := rec.LastEntry(c.log)
	p := ledger.PagePath(rec.Kind, rec.ID)
	prob := func(v int, path, format string, args ...any) {
		res.problems = append(res.problems, Problem{Key: key, Version: v, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	page, err := c.get(ctx, p, buf)
	if err != nil {
		return res, err
	}
	if files != nil {
		addFile(files, p, page)
	}
	res.pages++
	redacted := c.withheld[key]
	var info *Page
	if page != nil {
		if info, err = parsePage(page, &memo); err != nil {
			prob(last.V, p, "%v", err)
			return res, nil
		}
		if info.Key != key {
			prob(last.V, p, "页面标记的记录为 %q", info.Key)
			return res, nil
		}
	}
	switch {
	case rec.Removed:
		switch {
		case page == nil:
			prob(last.V, p, "记录已于 %s 删除，但页面消失了：删除的记录应保留删除说明和修订记录", last.Date)
		case info.State != StateRemoved:
			prob(last.V, p, "记录已于 %s 删除（发布记录第 %d 条），页面仍显示为「%s」", last.Date, last.N, stateLabel(info.State))
		}
	case redacted != "" && (page == nil || info.State != StateCurrent && info.State != StateUnregistered):
		// Withheld from the published log and off the site: as it should be.
	case redacted != "":
		prob(last.V, p, "发布记录已隐去该记录（%s），页面却仍在公示其内容", redacted)
	case page == nil:
		prob(last.V, p, "页面不存在（发布记录第 %d 条为第 %d 版，%s）", last.N, last.V, last.Date)
	case info.State == StateUnpublished:
		why := ledger.Redaction(rec, c.opts.Today)
		if why == "" {
			prob(last.V, p, "页面显示已停止公示，但发布记录第 %d 版仍在公示期内且未撤销", last.V)
		}
	case info.State == StateUnregistered:
		msg := fmt.Sprintf("页面内容未登记到发布记录（发布记录最新为第 %d 版，%s，第 %d 条）", last.V, last.Date, last.N)
		if diffs := Check(info, &rec.Latest, c.opts.Names); len(diffs) > 0 {
			msg += "：" + strings.Join(diffs, "；")
		}
		prob(last.V, p, "%s", msg)
	case info.State != StateCurrent:
		prob(last.V, p, "页面状态为「%s」，应为现行版本", stateLabel(info.State))
	case info.Version != last.V:
		prob(info.Version, p, "页面是第 %d 版，发布记录最新为第 %d 版（%s，第 %d 条）：网站提供的是旧页面", info.Version, last.V, last.Date, last.N)
	default:
		if info.Hash != last.Hash {
			prob(last.V, p, "页面记载的内容哈希 %s 与发布记录第 %d 条的 %s 不符", ledger.ShortHash(info.Hash), last.N, ledger.ShortHash(last.Hash))
		}
		if info.Entry != last.N {
			prob(last.V, p, "页面指向发布记录第 %d 条，应为第 %d 条", info.Entry, last.N)
		}
		for _, d := range Check(info, &rec.Latest, c.opts.Names) {
			prob(last.V, p, "%s", d)
		}
	}
	// Old versions: each keeps its permanent page, unless the record is
	// withheld (then none may show its content).
	if rec.Redacted != "" {
		return res, nil
	}
	vs, err := c.log.Versions(key)
	if err != nil {
		prob(0, "", "%v", err)
		return res, nil
	}
	for i, v := range vs {
		e := c.log.Entries[rec.Entries[i]]
		if v.Values == nil || (i == len(vs)-1 && !rec.Removed) {
			continue // removals have no page; the latest is the record page
		}
		vp := ledger.VersionPath(rec.Kind, rec.ID, e.V)
		page, err := c.get(ctx, vp, buf)
		if err != nil {
			return res, err
		}
		var proof string
		if files != nil {
			sum := addFile(files, vp, page)
			if redacted == "" && page != nil {
				// An old version's page does not change when later versions
				// come, nor with the date, but for its 修订记录 — which the
				// check does not read. Its own proof lets it be passed over
				// when only the record's page or another version changed.
				proof = c.oldPageProof(rec, i, sum)
				if c.opts.Memo.Pages[vp] == proof {
					res.old++
					res.oldRemembered++
					res.proofs = append(res.proofs, [2]string{vp, proof})
					continue
				}
			}
		}
		res.old++
		before := len(res.problems)
		switch {
		case redacted != "":
			if page != nil {
				if info, err := ParsePage(page); err == nil && len(info.Fields) > 0 {
					prob(e.V, vp, "发布记录已隐去该记录（%s），此历史版本页面却仍显示内容", redacted)
				}
			}
			continue
		case page == nil:
			prob(e.V, vp, "历史版本页面不存在")
			continue
		}
		info, err := parsePage(page, &memo)
		switch {
		case err != nil:
			prob(e.V, vp, "%v", err)
		case info.Key != key || info.Version != e.V || info.State != StateOld:
			prob(e.V, vp, "页面标记为 %s 第 %d 版（%s），应为 %s 第 %d 版的历史版本", info.Key, info.Version, stateLabel(info.State), key, e.V)
		case info.Hash != e.Hash:
			prob(e.V, vp, "页面记载的内容哈希 %s 与发布记录第 %d 条的 %s 不符", ledger.ShortHash(info.Hash), e.N, ledger.ShortHash(e.Hash))
		default:
			for _, d := range Check(info, &v, c.opts.Names) {
				prob(e.V, vp, "%s", d)
			}
		}
		if proof != "" && len(res.problems) == before {
			res.proofs = append(res.proofs, [2]string{vp, proof})
		}
	}
	return res, nil
}

// unknown checks a page whose record the log does not have.
func (c *checker) unknown(ctx context.Context, key string, buf *[]byte) (result, error) {
	var res result
	kind, id, _ := strings.Cut(key, "/")
	p := ledger.PagePath(model.Kind(kind), id)
	page, err := c.get(ctx, p, buf)
	if err != nil || page == nil {
		return res, err
	}
	info, err := ParsePage(page)
	if err != nil {
		return res, nil // not a record page (a list such as /disclosures/table/)
	}
	res.pages++
	if info.State == StateCurrent || info.State == StateUnregistered {
		res.problems = append(res.problems, Problem{Key: key, Path: p, Msg: "页面在公示内容，但发布记录中没有这条记录（新记录尚未发布登记）"})
	}
	return res, nil
}

// get fetches a page; a missing page is nil without error. A Dir reads it
// into *buf (valid until the next get with it), so checking a big site's
// pages does not allocate each one anew.
func (c *checker) get(ctx context.Context, p string, buf *[]byte) ([]byte, error) {
	var b []byte
	var err error
	if d, ok := c.opts.Source.(Dir); ok {
		b, err = d.read(p, buf)
	} else {
		b, err = c.opts.Source.Get(ctx, p)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return b, err
}

func stateLabel(s string) string {
	switch s {
	case StateCurrent:
		return "现行版本"
	case StateOld:
		return "历史版本"
	case StateUnpublished:
		return "已停止公示"
	case StateRemoved:
		return "已删除"
	case StateUnregistered:
		return "未登记"
	}
	return s
}

// DiscoverDir lists the record pages of a built site folder: every folder
// under a kind's folder (list folders such as page/ and status/ have no
// ledger block and are passed over when checked).
func DiscoverDir(root string) func(context.Context) ([]string, error) {
	return func(context.Context) ([]string, error) {
		var keys []string
		for _, k := range model.Kinds {
			ents, err := os.ReadDir(filepath.Join(root, string(k)))
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			for _, e := range ents {
				if e.IsDir() {
					keys = append(keys, ledger.Key(k, e.Name()))
				}
			}
		}
		return keys, nil
	}
}

// Package gitseed gives a site that adopts the publication log its past:
// it reads the site folder as it was at every commit of its git history
// that changed the content, and appends each state to the log dated by its
// commit, as if it had been published then.
//
// Contract: the repository is only read (git log, ls-tree, diff-tree and
// cat-file run in the site folder); the first-parent history of HEAD is
// walked oldest first; only content/, data/ (not data/ledger/) and
// portal.toml are read, relative to the site folder inside the repository.
// A commit whose content does not load is skipped with a warning, never
// half-published. The same history always gives the same entries.
package gitseed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strconv"
	"strings"
	"testing/fstest"
	"time"

	"portal/generator/ledger"
)

// Snapshot is the site folder at one commit.
type Snapshot struct {
	Commit string    // full hash
	Date   time.Time // committer date
	FS     fs.FS     // portal.toml, content/, data/ as they were
}

// Short is the commit's abbreviated hash.
func (s Snapshot) Short() string { return s.Commit[:min(7, len(s.Commit))] }

// sitePaths are the parts of a site folder that make its records.
var sitePaths = []string{"portal.toml", "content", "data"}

// Walk calls fn for each commit of HEAD's first-parent history that changed
// the site's records, oldest first.
func Walk(ctx context.Context, siteDir string, fn func(Snapshot) error) error {
	prefix, err := git(ctx, siteDir, "rev-parse", "--show-prefix")
	if err != nil {
		return fmt.Errorf("%s 不在 git 仓库中，无法从历史补录：%w", siteDir, err)
	}
	prefix = strings.TrimSpace(prefix)
	var paths []string
	for _, p := range sitePaths {
		paths = append(paths, ":(top)"+prefix+p)
	}
	out, err := git(ctx, siteDir, append([]string{"log", "--first-parent", "--reverse", "--format=%H %ct", "HEAD", "--"}, paths...)...)
	if err != nil {
		return err
	}
	cat, err := newCatFile(ctx, siteDir)
	if err != nil {
		return err
	}
	defer cat.close()
	files := map[string]string{} // site-relative path → blob hash
	blobs := map[string][]byte{} // blob hash → content (shared by files and commits)
	prev := ""
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		commit, ct, _ := strings.Cut(line, " ")
		secs, err := strconv.ParseInt(ct, 10, 64)
		if err != nil {
			return fmt.Errorf("git log: %q", line)
		}
		var changes []change
		if prev == "" {
			changes, err = lsTree(ctx, siteDir, commit, paths)
		} else {
			changes, err = diffTree(ctx, siteDir, prev, commit, paths)
		}
		if err != nil {
			return err
		}
		for _, c := range changes {
			rel, ok := strings.CutPrefix(c.path, prefix)
			if !ok || rel == ledger.Dir || strings.HasPrefix(rel, ledger.Dir+"/") {
				continue
			}
			if c.blob == "" {
				delete(files, rel)
				continue
			}
			files[rel] = c.blob
			if _, ok := blobs[c.blob]; !ok {
				if blobs[c.blob], err = cat.read(c.blob); err != nil {
					return err
				}
			}
		}
		prev = commit
		m := make(fstest.MapFS, len(files))
		for p, b := range files {
			m[p] = &fstest.MapFile{Data: blobs[b], Mode: 0o644}
		}
		if err := fn(Snapshot{Commit: commit, Date: time.Unix(secs, 0), FS: m}); err != nil {
			return err
		}
	}
	return nil
}

type change struct {
	path string // repository-relative
	blob string // "" when deleted
}

func lsTree(ctx context.Context, dir, commit string, paths []string) ([]change, error) {
	out, err := git(ctx, dir, append([]string{"ls-tree", "-r", "-z", "--full-tree", commit, "--"}, paths...)...)
	if err != nil {
		return nil, err
	}
	var cs []change
	for _, rec := range strings.Split(out, "\x00") {
		if rec == "" {
			continue
		}
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("git ls-tree: %q", rec)
		}
		if f[1] == "blob" {
			cs = append(cs, change{path: path, blob: f[2]})
		}
	}
	return cs, nil
}

func diffTree(ctx context.Context, dir, from, to string, paths []string) ([]change, error) {
	out, err := git(ctx, dir, append([]string{"diff-tree", "-r", "-z", "--no-renames", from, to, "--"}, paths...)...)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(out, "\x00")
	var cs []change
	for i := 0; i+1 < len(parts); i += 2 {
		meta, path := parts[i], parts[i+1]
		f := strings.Fields(strings.TrimPrefix(meta, ":"))
		if len(f) != 5 {
			return nil, fmt.Errorf("git diff-tree: %q", meta)
		}
		switch {
		case f[4] == "D" || f[1] == "000000":
			cs = append(cs, change{path: path})
		case strings.HasPrefix(f[1], "10") || strings.HasPrefix(f[1], "12"):
			cs = append(cs, change{path: path, blob: f[3]})
		}
	}
	return cs, nil
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %v: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// catFile reads blobs through one `git cat-file --batch` process.
type catFile struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func newCatFile(ctx context.Context, dir string) (*catFile, error) {
	cmd := exec.CommandContext(ctx, "git", "-C", dir, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &catFile{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}, nil
}

func (c *catFile) read(blob string) ([]byte, error) {
	if _, err := io.WriteString(c.in, blob+"\n"); err != nil {
		return nil, err
	}
	head, err := c.out.ReadString('\n')
	if err != nil {
		return nil, err
	}
	f := strings.Fields(head)
	if len(f) != 3 || f[1] != "blob" {
		return nil, fmt.Errorf("git cat-file %s: %q", blob, strings.TrimSpace(head))
	}
	n, err := strconv.Atoi(f[2])
	if err != nil {
		return nil, errors.New("git cat-file: bad size")
	}
	b := make([]byte, n+1) // content and the trailing newline
	if _, err := io.ReadFull(c.out, b); err != nil {
		return nil, err
	}
	return b[:n], nil
}

func (c *catFile) close() {
	c.in.Close()
	c.cmd.Wait()
}

// Seed appends to l every state of the site's history, oldest first:
// versions turns a snapshot into the canonical forms of its records (it
// loads the site; an error skips the commit and is passed to warn). Each
// commit's changes are dated by the commit in loc (never before the last
// entry: a commit dated earlier than one before it takes that date) and
// noted with the commit's hash. It returns how many entries it added.
func Seed(ctx context.Context, siteDir string, l *ledger.Log, loc *time.Location,
	versions func(fsys fs.FS, date time.Time) ([]ledger.Version, error), warn func(string)) (int, error) {
	if l.Size() > 0 {
		return 0, errors.New("发布记录已有条目：只有空的发布记录才能从 git 历史补录")
	}
	added := 0
	last := ""
	err := Walk(ctx, siteDir, func(s Snapshot) error {
		day := s.Date.In(loc)
		date := day.Format(time.DateOnly)
		if date < last {
			date = last
		}
		vs, err := versions(s.FS, day)
		if err != nil {
			warn(fmt.Sprintf("跳过 git 提交 %s（%s）：该版本的内容有错误，无法补录：%v", s.Short(), date, err))
			return nil
		}
		es, err := l.Plan(vs, date, "据 git 提交 "+s.Short()+" 补录")
		if err != nil {
			return err
		}
		if err := l.Append(es); err != nil {
			return err
		}
		added += len(es)
		last = date
		return nil
	})
	return added, err
}

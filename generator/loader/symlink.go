package loader

import (
	"io/fs"
	"path"
	"strings"
	"sync"

	"portal/generator/diag"
)

// OutsideLinkError says that a file is reached through a symbolic link that
// resolves outside the site folder.
type OutsideLinkError struct {
	Link   string // the link inside the site, slash path from the site root
	Target string // what it points to, as written in the link
}

func (e *OutsideLinkError) Error() string {
	return diag.Bilingual("the symbolic link %s points to %s, outside the site folder; nothing outside the site is read or published "+
		"(copy the file into the site, use a relative link that stays inside it, or set allow_outside_symlinks = true in portal.toml)",
		e.Link, e.Target)
}

// maxLinkHops bounds symbolic-link resolution, as the kernel does (ELOOP).
const maxLinkHops = 40

// Guard returns fsys refusing any file or folder reached through a symbolic
// link that resolves outside fsys's root (absolute targets included) with an
// *OutsideLinkError inside the *fs.PathError. Links that stay inside work as
// before. A file system that cannot read links (no fs.ReadLinkFS) is
// returned as it is: it has none to follow.
func Guard(fsys fs.FS) fs.FS {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return fsys
	}
	return &guarded{fsys: rl}
}

type guarded struct {
	fsys  fs.ReadLinkFS
	plain sync.Map // folder paths known to be real folders, not links
}

// check resolves name component by component and reports a link that
// leaves the root. Other problems (a missing file) are left for Open to
// report in its own words.
func (g *guarded) check(name string) error {
	_, err := g.resolve(name)
	return err
}

// resolve is check that also returns name's own Lstat when name is not a
// link (nil otherwise): what a Stat of it would say, so Stat need not ask
// the system twice for each of a site's ten thousand files.
func (g *guarded) resolve(name string) (fs.FileInfo, error) {
	if !fs.ValidPath(name) || name == "." {
		return nil, nil
	}
	var last fs.FileInfo // the Lstat of name itself, when it is no link
	parts := strings.Split(name, "/")
	cur := "."
	for hops := 0; len(parts) > 0; {
		next := path.Join(cur, parts[0])
		if _, ok := g.plain.Load(next); ok {
			cur, parts = next, parts[1:]
			continue
		}
		info, err := g.fsys.Lstat(next)
		if err != nil {
			return nil, nil
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			if info.IsDir() {
				g.plain.Store(next, true)
			}
			if len(parts) == 1 && hops == 0 {
				last = info // name itself, reached without a link
			}
			cur, parts = next, parts[1:]
			continue
		}
		if hops++; hops > maxLinkHops {
			return nil, &OutsideLinkError{Link: next, Target: "a chain of more than 40 links"}
		}
		target, err := g.fsys.ReadLink(next)
		if err != nil {
			return nil, nil
		}
		t := strings.ReplaceAll(target, "\\", "/")
		if path.IsAbs(t) || (len(t) > 1 && t[1] == ':') {
			return nil, &OutsideLinkError{Link: next, Target: target}
		}
		// cur holds no links (they were resolved), so ".." in the target
		// can be applied to it lexically.
		joined := path.Join(cur, t)
		if joined == ".." || strings.HasPrefix(joined, "../") {
			return nil, &OutsideLinkError{Link: next, Target: target}
		}
		rest := parts[1:]
		parts = nil
		if joined != "." {
			parts = strings.Split(joined, "/")
		}
		parts = append(parts, rest...)
		cur = "."
	}
	return last, nil
}

func (g *guarded) refuse(op, name string) error {
	if err := g.check(name); err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	return nil
}

func (g *guarded) Open(name string) (fs.File, error) {
	if err := g.refuse("open", name); err != nil {
		return nil, err
	}
	return g.fsys.Open(name)
}

func (g *guarded) ReadFile(name string) ([]byte, error) {
	if err := g.refuse("read", name); err != nil {
		return nil, err
	}
	return fs.ReadFile(g.fsys, name)
}

func (g *guarded) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := g.refuse("readdir", name); err != nil {
		return nil, err
	}
	return fs.ReadDir(g.fsys, name)
}

func (g *guarded) Stat(name string) (fs.FileInfo, error) {
	info, err := g.resolve(name)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if info != nil {
		return info, nil // no link on the way: its Lstat is its Stat
	}
	return fs.Stat(g.fsys, name)
}

func (g *guarded) Lstat(name string) (fs.FileInfo, error) {
	if err := g.refuse("lstat", path.Dir(name)); err != nil {
		return nil, err
	}
	return g.fsys.Lstat(name)
}

func (g *guarded) ReadLink(name string) (string, error) {
	if err := g.refuse("readlink", path.Dir(name)); err != nil {
		return "", err
	}
	return g.fsys.ReadLink(name)
}

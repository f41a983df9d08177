package loader

import (
	"io/fs"
	"os"
	"path"
)

// DirFS returns os.DirFS(dir), as a file system that also knows dir: Load
// reads a file of it (directly, or through Guard) with plain system calls
// (readFast) rather than through an *os.File, which registers every file
// it opens with the network poller (four fcntl and an epoll_ctl each, some
// 50,000 system calls for a 10,000-page site). Every other operation is
// os.DirFS's own.
func DirFS(dir string) fs.FS { return &osDir{FS: os.DirFS(dir), dir: dir} }

// osDir is DirFS's file system: os.DirFS(dir) and dir.
type osDir struct {
	fs.FS
	dir string
}

func (d *osDir) ReadFile(name string) ([]byte, error) { return d.FS.(fs.ReadFileFS).ReadFile(name) }

func (d *osDir) ReadDir(name string) ([]fs.DirEntry, error) {
	return d.FS.(fs.ReadDirFS).ReadDir(name)
}

func (d *osDir) Stat(name string) (fs.FileInfo, error)  { return d.FS.(fs.StatFS).Stat(name) }
func (d *osDir) Lstat(name string) (fs.FileInfo, error) { return d.FS.(fs.ReadLinkFS).Lstat(name) }
func (d *osDir) ReadLink(name string) (string, error)   { return d.FS.(fs.ReadLinkFS).ReadLink(name) }

// fastPath returns the operating-system path readFast may open for name in
// fsys, and whether it must refuse a symbolic link as name's last part
// (O_NOFOLLOW): through Guard it may open name only when its folder is
// known to be reached without a link (every link is left to the guard,
// which follows it or refuses it), and a link as the file itself makes the
// open fail, so that the guard's path reads it. ok is false when fsys is
// not (a guarded) DirFS or the folder is not known link-free.
func fastPath(fsys fs.FS, name string) (osPath string, nofollow, ok bool) {
	var d *osDir
	switch f := fsys.(type) {
	case *osDir:
		d = f
	case *guarded:
		if d, ok = f.fsys.(*osDir); !ok {
			return "", false, false
		}
		nofollow = true
		if dir := path.Dir(name); dir != "." {
			if _, known := f.plain.Load(dir); !known {
				// The guard's walk records every folder it meets that is
				// no link, reached from the root through folders that are
				// none either (a key of plain has no link in it).
				if f.check(dir) != nil {
					return "", false, false
				}
				if _, known = f.plain.Load(dir); !known {
					return "", false, false
				}
			}
		}
	default:
		return "", false, false
	}
	if d.dir == "" || !fs.ValidPath(name) || name == "." {
		return "", false, false
	}
	// As os.DirFS joins them (a NUL in name fails the open: the slow path
	// reports it).
	if os.IsPathSeparator(d.dir[len(d.dir)-1]) {
		return d.dir + name, nofollow, true
	}
	return d.dir + string(os.PathSeparator) + name, nofollow, true
}

package loader

import (
	"bytes"
	"io/fs"
	"syscall"
	"time"
)

// readFast is readBoundedStat's fast path for a DirFS (guarded or not): the
// file opened, stat'ed, read to its end and closed with one system call
// each (and one more read to see the end), as the slow path does through
// an *os.File. It gives the same bytes and stamp as readBoundedStat's slow
// path, or ok false for that path to read (and report) the file: on any
// error, a file that is no regular file or is larger than limit, and a
// symbolic link where the guard must decide (see fastPath).
func readFast(fsys fs.FS, name string, limit int) (data []byte, st stamp, ok bool) {
	p, nofollow, ok := fastPath(fsys, name)
	if !ok {
		return nil, st, false
	}
	flags := syscall.O_RDONLY | syscall.O_CLOEXEC
	if nofollow {
		flags |= syscall.O_NOFOLLOW
	}
	var fd int
	var err error
	for {
		if fd, err = syscall.Open(p, flags, 0); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, st, false
	}
	defer syscall.Close(fd)
	var sys syscall.Stat_t
	for {
		if err = syscall.Fstat(fd, &sys); err != syscall.EINTR {
			break
		}
	}
	if err != nil || sys.Mode&syscall.S_IFMT != syscall.S_IFREG || sys.Size > int64(limit) {
		return nil, st, false
	}
	// As the slow path sizes its buffer, and reads at most limit+1 bytes.
	buf := make([]byte, 0, int(sys.Size)+bytes.MinRead)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		room := buf[len(buf):cap(buf)]
		if rest := limit + 1 - len(buf); len(room) > rest {
			room = room[:rest]
		}
		if len(room) == 0 {
			break
		}
		n, err := syscall.Read(fd, room)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || n < 0 {
			return nil, st, false
		}
		if n == 0 {
			break
		}
		buf = buf[:len(buf)+n]
	}
	if len(buf) > limit {
		return nil, st, false
	}
	// stampOf of the *os.File's Stat, which is built from the same fstat.
	st = stamp{Size: sys.Size, ModTime: time.Unix(sys.Mtim.Unix()).UnixNano(), ChangeTime: sys.Ctim.Nano(), Inode: sys.Ino}
	return buf, st, true
}

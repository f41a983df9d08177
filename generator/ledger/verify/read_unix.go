//go:build unix

package verify

import (
	"io/fs"
	"syscall"
)

// readInto appends the file at path to b. It calls open, read and close
// directly: os.Open on Linux also sets the descriptor non-blocking, tries
// to add it to the network poller (which refuses regular files) and sets it
// back — five more system calls for each of the 100,000 pages of a big
// site (docs/LEDGER.md, 十).
func readInto(path string, b []byte) ([]byte, error) {
	var fd int
	var err error
	for {
		if fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0); err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return b, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer syscall.Close(fd)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := syscall.Read(fd, b[len(b):cap(b)])
		switch {
		case err == syscall.EINTR:
			continue
		case err != nil:
			return b, &fs.PathError{Op: "read", Path: path, Err: err}
		case n == 0:
			return b, nil
		}
		b = b[:len(b)+n]
	}
}

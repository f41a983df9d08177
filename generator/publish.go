package generator

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"portal/generator/fingerprint"
	"portal/internal/atomicfile"
)

// The published output is a symbolic link to one complete version folder:
//
//	public -> .public.versions/17
//	.public.versions/17/           the live site
//	.public.versions/16/           the site before (kept for the next build)
//	.public.versions/17.manifest   what 17 holds: path → content hash, input key
//
// A build writes the next version into the folder the site before last
// used (renamed to the new number), changing only the files that differ
// from what that folder holds, hard-linking files that the live version
// already has, and then swaps the link with one rename: a reader sees the
// old site or the new one, never a gap or a half-written file, and a mix
// only of the kind early.go describes (a kept pipeline's rebuild shows the
// pages of the records just edited before the rest, each as the new
// version has it). Files are always replaced by rename, never rewritten in
// place (except in a folder that was never live), so a
// reader holding a file open keeps reading the bytes it opened. Two folders
// are enough: a version stays untouched for a whole build after it stops
// being live, which is longer than any request takes to open its file.

// fileState is one output file in a version's manifest.
type fileState struct {
	Hash fingerprint.Sum // the content
	Key  fingerprint.Sum // the inputs it was rendered from (zero: not a rendered page)
	// Deps is what the planner says the page is made from (job.deps), when
	// it says: a page whose Deps are the live version's has its Key too,
	// so it is kept without being made or keyed.
	Deps fingerprint.Sum
}

// manifest is what a version folder holds, saved beside it.
type manifest struct {
	Version int
	Files   map[string]fileState
}

// output writes one build into the next version folder.
type output struct {
	link     string // the published path: a symbolic link to the live version
	root     string // <parent>/.<base>.versions
	lockFile *os.File

	cur     *manifest // the live version's (nil: none, or unknown)
	next    manifest
	nextDir string
	fresh   bool // nextDir was made empty by this build, not reused

	mu    sync.Mutex
	seen  map[string]bool
	dirs  map[string]bool
	trash []string // folders to remove after the swap

	written, linked atomic.Int64 // files written, files hard-linked from the live version
}

// versionsDir returns the folder that holds out's versions.
func versionsDir(out string) string {
	out = filepath.Clean(out)
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".versions")
}

// manifests remembers the manifests a pipeline published, so its next run
// (serve rebuilds after every change) need not read and decode them again:
// the live version's, and the one before it, which the next run reuses.
// A remembered manifest is used only for the same output folder and
// version number, and only while its file is still on disk (a build that
// died halfway removed it, and the folder is then unknown).
type manifests struct {
	root       string
	live, prev *manifest
}

// get returns the manifest of version n, remembered or read.
func (ms *manifests) get(root string, n int) (*manifest, error) {
	if ms != nil && ms.root == root {
		for _, m := range []*manifest{ms.live, ms.prev} {
			if m != nil && m.Version == n {
				if _, err := os.Stat(manifestPath(root, n)); err != nil {
					return nil, err
				}
				return m, nil
			}
		}
	}
	return readManifest(root, n)
}

// openOutput locks out's versions and prepares the next version folder.
// known, when set, holds the manifests the last run published.
func openOutput(out string, known *manifests) (*output, error) {
	out, err := filepath.Abs(out)
	if err != nil {
		return nil, err
	}
	o := &output{link: out, root: versionsDir(out), seen: map[string]bool{}, dirs: map[string]bool{}}
	if err := os.MkdirAll(o.root, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	}
	if o.lockFile, err = lockDir(o.root); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			o.unlock()
		}
	}()
	live := -1
	if target, err := os.Readlink(out); err == nil {
		if n, err := strconv.Atoi(filepath.Base(target)); err == nil && filepath.Clean(filepath.Join(filepath.Dir(out), target)) == filepath.Join(o.root, strconv.Itoa(n)) {
			live = n
		}
	}
	versions := o.versions()
	if live >= 0 {
		if m, err := known.get(o.root, live); err == nil && m.Version == live {
			o.cur = m
		}
	}
	newest := live
	for _, n := range versions {
		newest = max(newest, n)
	}
	o.next = manifest{Version: newest + 1, Files: map[string]fileState{}}
	o.nextDir = filepath.Join(o.root, strconv.Itoa(o.next.Version))
	// Reuse the newest folder that is not live (the version before), when
	// its manifest says what it holds; every other one is removed.
	reuse := -1
	for _, n := range slices.Backward(versions) {
		if n != live && reuse < 0 {
			if m, err := known.get(o.root, n); err == nil && m.Version == n {
				reuse = n
				o.next.Files = m.Files
				continue
			}
		}
		if n != live {
			o.trash = append(o.trash, filepath.Join(o.root, strconv.Itoa(n)))
		}
	}
	if reuse >= 0 {
		// Unknown from here until the manifest is written again: a build
		// that dies halfway leaves a folder the next one rebuilds.
		os.Remove(manifestPath(o.root, reuse))
		if err := os.Rename(filepath.Join(o.root, strconv.Itoa(reuse)), o.nextDir); err != nil {
			return nil, fmt.Errorf("output: %w", err)
		}
		for name := range o.next.Files {
			for d := filepath.Dir(filepath.Join(o.nextDir, filepath.FromSlash(name))); d != o.nextDir; d = filepath.Dir(d) {
				if o.dirs[d] {
					break
				}
				o.dirs[d] = true
			}
		}
	} else if err := os.Mkdir(o.nextDir, 0o755); err != nil {
		return nil, fmt.Errorf("output: %w", err)
	} else {
		o.fresh = true
	}
	ok = true
	return o, nil
}

// versions lists the numbered version folders.
func (o *output) versions() []int {
	entries, _ := os.ReadDir(o.root)
	var out []int
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil && e.IsDir() && n >= 0 {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func manifestPath(root string, n int) string {
	return filepath.Join(root, strconv.Itoa(n)+".manifest")
}

func readManifest(root string, n int) (*manifest, error) {
	b, err := os.ReadFile(manifestPath(root, n))
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil {
		return nil, err
	}
	return &m, nil
}

// liveKey returns the input key and content hash the live version has for
// name, when it was rendered from inputs.
func (o *output) liveKey(name string) (key, hash fingerprint.Sum, ok bool) {
	if o.cur == nil {
		return key, hash, false
	}
	f, ok := o.cur.Files[name]
	if !ok || f.Key.IsZero() {
		return key, hash, false
	}
	return f.Key, f.Hash, true
}

// liveDeps keeps name from the live version when that was made from deps
// (and has a key), and reports whether it did.
func (o *output) liveDeps(name string, deps fingerprint.Sum) (bool, error) {
	if o.cur == nil || deps.IsZero() {
		return false, nil
	}
	f, ok := o.cur.Files[name]
	if !ok || f.Key.IsZero() || f.Deps != deps {
		return false, nil
	}
	return true, o.place(name, f, nil)
}

// reuse makes name hold what the live version has for it when that was
// made from inputs with key, and reports whether it did: the caller then
// need not make the file at all.
func (o *output) reuse(name string, key fingerprint.Sum) (bool, error) {
	live, hash, ok := o.liveKey(name)
	if !ok || live != key {
		return false, nil
	}
	return true, o.keep(name, key, hash)
}

// put makes name hold data in the next version. key is the inputs it was
// rendered from (zero when none).
func (o *output) put(name string, key fingerprint.Sum, data []byte) error {
	return o.place(name, fileState{Key: key, Hash: fingerprint.Bytes(data)}, data)
}

// putFile is put for a file not rendered from a key (feeds, open data,
// assets): it is compared by content only.
func (o *output) putFile(name string, data []byte) error {
	return o.put(name, fingerprint.Sum{}, data)
}

// keep makes name hold what the live version has for it (its inputs key
// did not change), without rendering it again.
func (o *output) keep(name string, key, hash fingerprint.Sum) error {
	return o.place(name, fileState{Key: key, Hash: hash}, nil)
}

// place makes name hold st's content: data, or (nil) the live version's
// file with st.Hash.
func (o *output) place(name string, st fileState, data []byte) error {
	hash := st.Hash
	if err := outputPath(name); err != nil {
		return err
	}
	o.mu.Lock()
	if o.seen[name] {
		o.mu.Unlock()
		return fmt.Errorf("output: %s is written twice", name)
	}
	o.seen[name] = true
	have, had := o.next.Files[name]
	o.mu.Unlock()
	if had && have.Hash == hash {
		if have != st {
			o.mu.Lock()
			o.next.Files[name] = st
			o.mu.Unlock()
		}
		return nil
	}
	full := filepath.Join(o.nextDir, filepath.FromSlash(name))
	if err := o.mkdir(filepath.Dir(full)); err != nil {
		return err
	}
	// A folder this build created has never been live and holds nothing
	// it did not place, so no reader can have a file of it open: its files
	// are written in place. A reused folder's are replaced by rename.
	tmp := full
	if !o.fresh {
		tmp = full + ".portal-tmp"
		os.Remove(tmp) // left by a build that died here
	}
	linked := false
	if o.cur != nil {
		if f, ok := o.cur.Files[name]; ok && f.Hash == hash {
			linked = os.Link(filepath.Join(o.root, strconv.Itoa(o.cur.Version), filepath.FromSlash(name)), tmp) == nil
		}
	}
	if !linked {
		if data == nil {
			return fmt.Errorf("output: %s: the live version lost the file it should keep", name)
		}
		if err := writeNew(tmp, data, 0o644); err != nil {
			return fmt.Errorf("output: %w", err)
		}
	}
	if tmp != full {
		if err := os.Rename(tmp, full); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("output: %w", err)
		}
	}
	if linked {
		o.linked.Add(1)
	} else {
		o.written.Add(1)
	}
	o.mu.Lock()
	o.next.Files[name] = st
	o.mu.Unlock()
	return nil
}

// mkdir creates dir and its missing parents in the next version, each once.
func (o *output) mkdir(dir string) error {
	if dir == o.nextDir {
		return nil
	}
	if !strings.HasPrefix(dir, o.nextDir+string(filepath.Separator)) {
		return fmt.Errorf("refusing to create %s outside the output folder %s", dir, o.nextDir) // outputPath rules this out
	}
	o.mu.Lock()
	known := o.dirs[dir]
	o.mu.Unlock()
	if known {
		return nil
	}
	if err := o.mkdir(filepath.Dir(dir)); err != nil {
		return err
	}
	err := os.Mkdir(dir, 0o755)
	if errors.Is(err, syscall.ENOTDIR) || (errors.Is(err, fs.ErrExist) && !isDir(dir)) {
		// A file of an older version stands where a folder goes now.
		os.Remove(dir)
		err = os.Mkdir(dir, 0o755)
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("output: %w", err)
	}
	o.mu.Lock()
	o.dirs[dir] = true
	o.mu.Unlock()
	return nil
}

func isDir(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && st.IsDir()
}

// has reports whether name was placed in the next version.
func (o *output) has(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.seen[name]
}

// removeStale deletes the files of the next version that this build did not
// place, and the folders they leave empty. It returns how many it removed.
func (o *output) removeStale() (int, error) {
	var stale []string
	for name := range o.next.Files {
		if !o.seen[name] {
			stale = append(stale, name)
		}
	}
	slices.Sort(stale)
	var errs []error
	for _, name := range stale {
		full := filepath.Join(o.nextDir, filepath.FromSlash(name))
		if err := os.Remove(full); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		delete(o.next.Files, name)
		for d := filepath.Dir(full); d != o.nextDir; d = filepath.Dir(d) {
			if os.Remove(d) != nil { // not empty (or gone): its parents are not either
				break
			}
			delete(o.dirs, d)
		}
	}
	return len(stale), errors.Join(errs...)
}

// publish points the link at the next version, in one rename, and then
// saves the version's manifest. It returns the folders that can now be
// removed.
//
// The manifest follows the swap so that the new site is live without
// waiting for the encoding (a serve rebuild's edit is served that much
// sooner): until the manifest is saved the live version is unknown to a
// build in another process, which then renders every page rather than
// trust a folder it cannot describe, as it does after a crash. The lock
// on the versions folder is held until after the save, so no other build
// opens the output in between.
func (o *output) publish() ([]string, error) {
	trash, err := o.swap()
	if err != nil {
		return nil, err
	}
	if err := saveManifest(o.root, &o.next); err != nil {
		return trash, fmt.Errorf("output: version %d is live but its manifest was not saved: %w", o.next.Version, err)
	}
	return trash, nil
}

// saveManifest writes m beside its version folder.
func saveManifest(root string, m *manifest) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(m); err != nil {
		return err
	}
	return atomicfile.Write(manifestPath(root, m.Version), buf.Bytes(), 0o600, false)
}

// swap points the link at the next version in one rename and returns the
// folders that can be removed once it is live.
func (o *output) swap() ([]string, error) {
	rel, err := filepath.Rel(filepath.Dir(o.link), o.nextDir)
	if err != nil {
		return nil, err
	}
	tmp := o.link + ".portal-link"
	os.Remove(tmp)
	if err := os.Symlink(rel, tmp); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	trash := o.trash
	st, err := os.Lstat(o.link)
	switch {
	case err == nil && st.IsDir():
		// A plain folder from before versions (or made by hand): exchange
		// it with the link in one step where the system can, and remove it.
		if err := exchange(tmp, o.link); err != nil {
			// Without an atomic exchange: move it aside, then link. This
			// happens once per output folder.
			aside := filepath.Join(o.root, "old-folder")
			os.RemoveAll(aside)
			if err := os.Rename(o.link, aside); err != nil {
				os.Remove(tmp)
				return nil, fmt.Errorf("publish: move %s aside: %w", o.link, err)
			}
			if err := os.Rename(tmp, o.link); err != nil {
				os.Rename(aside, o.link)
				return nil, fmt.Errorf("publish: %w", err)
			}
			trash = append(trash, aside)
		} else {
			trash = append(trash, tmp) // now the old folder
		}
	case err == nil || errors.Is(err, fs.ErrNotExist):
		if err := os.Rename(tmp, o.link); err != nil {
			os.Remove(tmp)
			return nil, fmt.Errorf("publish: %w", err)
		}
	default:
		os.Remove(tmp)
		return nil, fmt.Errorf("publish: %w", err)
	}
	return trash, nil
}

// discard gives up the next version: it stays, without a manifest, and the
// next build starts it again from nothing.
func (o *output) discard() {
	o.unlock()
}

func (o *output) unlock() {
	if o.lockFile != nil {
		unlockDir(o.lockFile)
		o.lockFile = nil
	}
}

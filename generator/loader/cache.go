package loader

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/zeebo/xxh3"

	"portal/generator/dataset"
	"portal/generator/diag"
	"portal/generator/fingerprint"
	"portal/generator/model"
	"portal/generator/page"
	"portal/internal/atomicfile"
)

// Cache keeps each content and data file's parse result between loads, so a
// load reads and parses only the files that changed: a file whose size and
// modification time are unchanged is taken as it was; one whose time
// changed but whose bytes did not is too. A result is the file's pages with
// their department names already resolved, and every diagnostic of the
// file (its own and its names'). Results hold for one set of settings
// (portal.toml and the registry, and the program reading them): when those
// change, every file is parsed again.
//
// A Cache lives in memory for the life of a serve; with a folder (Dir) it
// is also kept on disk, split in shards by path so a rebuild after one edit
// rewrites one shard, for the next `portal build`.
type Cache struct {
	// Dir returns the folder that keeps the cache on disk for the site's
	// settings ("" or nil: memory only).
	Dir func(model.Config) string
	// Salt is mixed into the settings fingerprint: the program's (a new
	// version may parse differently).
	Salt fingerprint.Sum

	mu       sync.Mutex
	settings fingerprint.Sum
	dir      string
	loaded   bool
	files    map[string]*cacheEntry
	dirty    map[int]bool
}

// cacheEntry is one file's parse result.
type cacheEntry struct {
	stamp
	Hash  fingerprint.Sum
	Pages []*page.Page
	Diags []diag.Diagnostic
}

// stamp is what a file's stat says of its bytes: a file whose stamp is
// the cached one is not read. Size and modification time alone miss an
// edit of the same size whose modification time was set back (an editor
// or a copy that keeps times, or a second save within the file system's
// clock tick); the change time (which no one can set) and the inode (a
// file replaced by rename) catch the first. The second is racyWindow's.
type stamp struct {
	Size       int64
	ModTime    int64 // UnixNano; 0: check the bytes
	ChangeTime int64 // UnixNano, where the system has one
	Inode      uint64
}

func stampOf(st fs.FileInfo) stamp {
	s := stamp{Size: st.Size(), ModTime: st.ModTime().UnixNano()}
	s.ChangeTime, s.Inode = ChangeTimeInode(st)
	return s
}

// cacheable returns s as the cache keeps it at now: a file modified or
// changed within racyWindow may change again within the file system's
// clock tick without its stamp changing, so its bytes are checked next
// time (as git does with racily clean files).
func (s stamp) cacheable(now time.Time) stamp {
	if now.Sub(time.Unix(0, max(s.ModTime, s.ChangeTime))) < racyWindow {
		s.ModTime = 0
	}
	return s
}

// cacheShards is how many files the disk cache is split into.
const cacheShards = 32

func shardOf(path string) int { return int(xxh3.HashString(path) % cacheShards) }

// begin makes the cache valid for settings, loading it from disk the first
// time (or dropping it when the settings changed).
func (c *Cache) begin(cfg model.Config, settings fingerprint.Sum) {
	c.mu.Lock()
	defer c.mu.Unlock()
	settings = fingerprint.Of(c.Salt, settings)
	dir := ""
	if c.Dir != nil {
		dir = c.Dir(cfg)
	}
	if c.loaded && c.settings == settings && c.dir == dir {
		return
	}
	c.settings, c.dir, c.loaded = settings, dir, true
	c.files = map[string]*cacheEntry{}
	c.dirty = map[int]bool{}
	if dir != "" {
		c.files = readCache(dir, settings, cfg.Location)
	}
}

// lookup returns the cached result for path when it still holds: its stat
// matches, or its bytes (read once here) do. data is the file's content when
// it had to be read. A path the cache does not hold is not stat'ed here (st
// is nil): its reader takes the stat of the file it opens.
func (c *Cache) lookup(fsys fs.FS, path string, limit int, limitKey string) (e *cacheEntry, st fs.FileInfo, data []byte) {
	c.mu.Lock()
	e = c.files[path]
	c.mu.Unlock()
	if e == nil {
		return nil, nil, nil
	}
	st, err := fs.Stat(fsys, path)
	if err != nil {
		return nil, st, nil
	}
	if stampOf(st) == e.stamp {
		return e, st, nil
	}
	data, err = readBounded(fsys, path, limit, limitKey)
	if err != nil {
		return nil, st, nil
	}
	if fingerprint.Bytes(data) == e.Hash {
		// Its stamp is kept as for a file just parsed: a file changed
		// this recently is checked by its bytes again next time.
		c.store(path, &cacheEntry{stamp: stampOf(st).cacheable(time.Now()), Hash: e.Hash, Pages: e.Pages, Diags: e.Diags})
		return e, st, data
	}
	return nil, st, data
}

// Key returns the fingerprint of what path's parse result was made from:
// its bytes, the settings and the program. A page whose file has the same
// Key (and which no stage changed after loading) holds the same record,
// so a build can stand it for the record in a page's key instead of
// hashing the record. ok is false when the cache has no result for path.
func (c *Cache) Key(path string) (key fingerprint.Sum, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.files[path]
	if e == nil {
		return key, false
	}
	return fingerprint.Of(c.settings, e.Hash), true
}

// store records path's result.
func (c *Cache) store(path string, e *cacheEntry) {
	c.mu.Lock()
	c.files[path] = e
	c.dirty[shardOf(path)] = true
	c.mu.Unlock()
}

// keepOnly forgets every file not in paths (deleted or renamed files).
func (c *Cache) keepOnly(paths map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := range c.files {
		if !paths[p] {
			delete(c.files, p)
			c.dirty[shardOf(p)] = true
		}
	}
}

// Save writes the shards that changed since the last Save to disk (a no-op
// for a memory-only cache).
func (c *Cache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dir == "" || len(c.dirty) == 0 {
		return nil
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	byShard := make([]map[string]*cacheEntry, cacheShards)
	for p, e := range c.files {
		s := shardOf(p)
		if !c.dirty[s] {
			continue
		}
		if byShard[s] == nil {
			byShard[s] = map[string]*cacheEntry{}
		}
		byShard[s][p] = e
	}
	var errs []error
	for s := range c.dirty {
		errs = append(errs, writeShard(filepath.Join(c.dir, "shard-"+strconv.Itoa(s)), c.settings, byShard[s]))
	}
	c.dirty = map[int]bool{}
	return errors.Join(errs...)
}

// A shard on disk is the settings fingerprint, then a gob stream: for each
// file a shardHeader followed by its pages in chunks of at most
// shardChunk, and last a header with an empty Path. Streamed both ways, so
// neither writing nor reading holds a whole shard's bytes (a 100,000-row
// data file's entry is over 100 MB), and each chunk's disclosures are
// compacted as they are read.
type shardHeader struct {
	Path       string
	Size       int64
	ModTime    int64
	ChangeTime int64
	Inode      uint64
	Hash       fingerprint.Sum
	Diags      []diag.Diagnostic
	Pages      int
}

const shardChunk = 1024

func writeShard(path string, settings fingerprint.Sum, files map[string]*cacheEntry) error {
	err := atomicfile.WriteFunc(path, 0o600, false, func(w io.Writer) error {
		if _, err := w.Write(settings[:]); err != nil {
			return err
		}
		enc := gob.NewEncoder(w)
		for _, p := range slices.Sorted(maps.Keys(files)) {
			e := files[p]
			if err := enc.Encode(shardHeader{Path: p, Size: e.Size, ModTime: e.ModTime, ChangeTime: e.ChangeTime, Inode: e.Inode, Hash: e.Hash, Diags: e.Diags, Pages: len(e.Pages)}); err != nil {
				return err
			}
			for chunk := range slices.Chunk(e.Pages, shardChunk) {
				if err := enc.Encode(chunk); err != nil {
					return err
				}
			}
		}
		return enc.Encode(shardHeader{})
	})
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// readShard reads one shard saved for settings; a shard that is missing,
// damaged or for other settings reads as nil.
func readShard(path string, settings fingerprint.Sum, loc *time.Location) map[string]*cacheEntry {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 256<<10)
	var got fingerprint.Sum
	if _, err := io.ReadFull(r, got[:]); err != nil || got != settings {
		return nil
	}
	dec := gob.NewDecoder(r)
	m := map[string]*cacheEntry{}
	for {
		var h shardHeader
		if dec.Decode(&h) != nil || h.Pages < 0 {
			return nil
		}
		if h.Path == "" {
			return m
		}
		e := &cacheEntry{stamp: stamp{Size: h.Size, ModTime: h.ModTime, ChangeTime: h.ChangeTime, Inode: h.Inode}, Hash: h.Hash, Diags: h.Diags, Pages: make([]*page.Page, 0, min(h.Pages, 1<<20))}
		compact := dataset.NewCompactor()
		for len(e.Pages) < h.Pages {
			var chunk []*page.Page
			if dec.Decode(&chunk) != nil || len(chunk) == 0 || len(e.Pages)+len(chunk) > h.Pages {
				return nil
			}
			for _, p := range chunk {
				if p == nil {
					return nil
				}
				inZone(reflect.ValueOf(p), loc)
				if p.Disclosure != nil {
					compact.Disclosure(p.Disclosure)
				}
			}
			e.Pages = append(e.Pages, chunk...)
		}
		m[h.Path] = e
	}
}

// readCache reads every shard saved for settings, in parallel; a shard that
// is missing, damaged or for other settings counts as empty.
func readCache(dir string, settings fingerprint.Sum, loc *time.Location) map[string]*cacheEntry {
	parts := make([]map[string]*cacheEntry, cacheShards)
	var wg sync.WaitGroup
	for s := range cacheShards {
		wg.Go(func() {
			parts[s] = readShard(filepath.Join(dir, "shard-"+strconv.Itoa(s)), settings, loc)
		})
	}
	wg.Wait()
	out := map[string]*cacheEntry{}
	for _, m := range parts {
		for p, e := range m {
			out[p] = e
		}
	}
	return out
}

var timeType = reflect.TypeFor[time.Time]()

// inZone puts every time of a decoded page back in the site's zone: gob
// keeps an instant's offset but not its zone's name, and a date must read
// exactly as when it was parsed.
func inZone(v reflect.Value, loc *time.Location) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			inZone(v.Elem(), loc)
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if t := v.Interface().(time.Time); !t.IsZero() && v.CanSet() {
				v.Set(reflect.ValueOf(t.In(loc)))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				inZone(v.Field(i), loc)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			inZone(v.Index(i), loc)
		}
	}
}

// settingsPrint is the fingerprint of the files every parse depends on.
func settingsPrint(fsys fs.FS) fingerprint.Sum {
	h := fingerprint.New()
	for _, name := range []string{ConfigFile, "data/departments.toml"} {
		b, err := fs.ReadFile(fsys, name)
		h.WriteString(name)
		if err != nil {
			h.WriteString("\x00missing")
			continue
		}
		var n [binary.MaxVarintLen64]byte
		h.WriteString(string(n[:binary.PutUvarint(n[:], uint64(len(b)))]))
		h.WriteString(string(b))
	}
	return h.Sum()
}

package generator

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"unsafe"

	"portal/generator/fingerprint"
	"portal/generator/markdown"
	"portal/internal/atomicfile"
)

// mdStore keeps rendered Markdown (HTML and plain text, by the source's
// fingerprint) on disk under <state_dir>/build/markdown/, so a new process
// (the next `portal build`) renders only the bodies that changed instead of
// every body of the site: at 10,000 pages rendering them all was the
// largest part of an edit's rebuild.
//
// The store is split into shards by key, so a rebuild after one edit
// rewrites the one or two shards the old and new body fall in. A shard is
// a header (the program's fingerprint: another build of portal may render
// differently) followed by records: a 16-byte key and two length-prefixed
// strings. A shard is read whole and its records are kept as substrings of
// it: reading a shard costs one read (or a mapping, readShard), not an
// allocation per document.
// A shard that is missing, damaged or from another program counts as
// empty; a cache lost in a crash is rebuilt, so writes are not synced.
type mdStore struct {
	dir  string
	salt fingerprint.Sum

	once sync.Once
	mu   sync.Mutex
	disk map[fingerprint.Sum]markdown.Doc // what the shards on disk hold
}

// mdShards is how many files the store is split into.
const mdShards = 16

func mdShardOf(k fingerprint.Sum) int { return int(k[0]) % mdShards }

func (s *mdStore) shardPath(n int) string {
	return filepath.Join(s.dir, "shard-"+strconv.Itoa(n))
}

// get returns the document saved for key, reading the store on first use.
func (s *mdStore) get(key fingerprint.Sum) (markdown.Doc, bool) {
	s.once.Do(s.read)
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.disk[key]
	return d, ok
}

// read loads every shard, in parallel.
func (s *mdStore) read() {
	parts := make([]map[fingerprint.Sum]markdown.Doc, mdShards)
	var wg sync.WaitGroup
	for n := range mdShards {
		wg.Go(func() {
			b, err := readShard(s.shardPath(n))
			if err != nil {
				return
			}
			parts[n], _ = decodeMDShard(b, s.salt)
		})
	}
	wg.Wait()
	releaseMapped() // decoding read each record's lengths: pages of every shard
	disk := map[fingerprint.Sum]markdown.Doc{}
	for n, m := range parts {
		for k, d := range m {
			if mdShardOf(k) == n {
				disk[k] = d
			}
		}
	}
	s.mu.Lock()
	s.disk = disk
	s.mu.Unlock()
}

var errMDShard = errors.New("markdown cache: damaged shard")

// decodeMDShard reads one shard. The documents are substrings of one string
// made from b without copying it: b is never written after.
func decodeMDShard(b []byte, salt fingerprint.Sum) (map[fingerprint.Sum]markdown.Doc, error) {
	if len(b) < len(salt) || !bytes.Equal(b[:len(salt)], salt[:]) {
		return nil, errMDShard
	}
	all := unsafe.String(unsafe.SliceData(b), len(b))
	out := map[fingerprint.Sum]markdown.Doc{}
	i := len(salt)
	str := func() (string, bool) {
		n, w := binary.Uvarint(b[i:])
		if w <= 0 || n > uint64(len(b)-i-w) {
			return "", false
		}
		i += w
		v := all[i : i+int(n)]
		i += int(n)
		return v, true
	}
	for i < len(b) {
		if len(b)-i < len(fingerprint.Sum{}) {
			return nil, errMDShard
		}
		var k fingerprint.Sum
		copy(k[:], b[i:])
		i += len(k)
		h, ok1 := str()
		t, ok2 := str()
		if !ok1 || !ok2 {
			return nil, errMDShard
		}
		out[k] = markdown.Doc{HTML: h, Text: t}
	}
	return out, nil
}

// save makes the store hold exactly docs (what the run rendered or reused),
// rewriting only the shards whose set of keys changed.
func (s *mdStore) save(docs map[fingerprint.Sum]markdown.Doc) error {
	s.once.Do(s.read)
	s.mu.Lock()
	defer s.mu.Unlock()
	var dirty [mdShards]bool
	for k := range docs {
		if _, ok := s.disk[k]; !ok {
			dirty[mdShardOf(k)] = true
		}
	}
	for k := range s.disk {
		if _, ok := docs[k]; !ok {
			dirty[mdShardOf(k)] = true
		}
	}
	changed := false
	for _, d := range dirty {
		changed = changed || d
	}
	if !changed {
		return nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return fmt.Errorf("markdown cache: %w", err)
	}
	// Each shard is streamed to its file: built whole in memory, the
	// shards were the largest thing a 50,000-page build held.
	byShard := make([][]fingerprint.Sum, mdShards)
	for k := range docs {
		if n := mdShardOf(k); dirty[n] {
			byShard[n] = append(byShard[n], k)
		}
	}
	var errs []error
	var failed [mdShards]bool
	for n := range mdShards {
		if !dirty[n] {
			continue
		}
		err := atomicfile.WriteFunc(s.shardPath(n), 0o600, false, func(w io.Writer) error {
			var tmp [binary.MaxVarintLen64]byte
			put := func(v string) error {
				if _, err := w.Write(tmp[:binary.PutUvarint(tmp[:], uint64(len(v)))]); err != nil {
					return err
				}
				_, err := io.WriteString(w, v)
				return err
			}
			if _, err := w.Write(s.salt[:]); err != nil {
				return err
			}
			for _, k := range byShard[n] {
				d := docs[k]
				if _, err := w.Write(k[:]); err != nil {
					return err
				}
				if err := put(d.HTML); err != nil {
					return err
				}
				if err := put(d.Text); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("markdown cache: %w", err))
			os.Remove(s.shardPath(n))
			failed[n] = true
		}
		// The documents written were read from mapped files (a one-shot
		// run's spill, the store read before): give those pages back
		// shard by shard, or saving would bring the whole store into the
		// resident set at once.
		releaseMapped()
	}
	disk := make(map[fingerprint.Sum]markdown.Doc, len(docs))
	for k, d := range docs {
		if !failed[mdShardOf(k)] { // absent, so the next save writes it again
			disk[k] = d
		}
	}
	s.disk = disk
	return errors.Join(errs...)
}

package ledger

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"golang.org/x/mod/sumdb/tlog"

	"portal/internal/atomicfile"
)

// Dir is the log's folder relative to the site root.
const Dir = "data/ledger"

// SegmentSize is the number of entries in one segment file, the width of a
// data tile (tile height 8): segment k holds entries 256k … 256k+255.
const SegmentSize = 1 << TileHeight

// TileHeight is the height of the published tiles, as in the Go checksum
// database.
const TileHeight = 8

// CheckpointFile is the signed checkpoint's name in the log folder.
const CheckpointFile = "checkpoint"

// The log folder holds
//
//	checkpoint                  the last signed checkpoint
//	rotations/1, 2 …            key rotations (Rotate), in order
//	entries/000000.jsonl.gz     full segments of 256 entries, gzip-compressed
//	entries/000001.jsonl        the open segment (fewer than 256 entries), plain
//
// one entry a line. A full segment never changes again; the open one only
// grows, so in the site's git history every publish is a few added lines.
var segmentName = regexp.MustCompile(`^(\d{6})\.jsonl(\.gz)?$`)

func segmentFile(k int64, sealed bool) string {
	name := fmt.Sprintf("%06d.jsonl", k)
	if sealed {
		name += ".gz"
	}
	return filepath.Join("entries", name)
}

// FileError is a problem in one line of a log file.
type FileError struct {
	File string // relative to the site root, slash-separated
	Line int    // 0 when the whole file is at fault
	Err  error
}

func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// ReadOptions control Read.
type ReadOptions struct {
	// Verify recomputes every version's hash (portal verify); without it
	// only each record's latest version is checked (CheckLatest).
	Verify bool
	// Name is how errors name the folder (default data/ledger).
	Name string
	// Verified, with Verify, is a tree an earlier run verified entry by
	// entry (portal verify -follow remembers its size and root): when the
	// log's first Verified.N entries make the root Verified.Hash, they are
	// the very entries verified then, and their versions' hashes are not
	// recomputed (every later entry's are).
	Verified struct {
		N    int64
		Hash tlog.Hash
	}
}

// Read loads the log in dir (a site's data/ledger). A missing folder is an
// empty log. Every line is parsed strictly and replayed; the first problem
// is returned with its file and line.
func Read(dir string, opts ReadOptions) (*Log, error) {
	name := opts.Name
	if name == "" {
		name = Dir
	}
	l := NewLog()
	cp, err := os.ReadFile(filepath.Join(dir, CheckpointFile))
	switch {
	case err == nil:
		l.Checkpoint = cp
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	if l.Rotations, err = ReadRotations(dir); err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(filepath.Join(dir, "entries"))
	if errors.Is(err, fs.ErrNotExist) {
		if l.Checkpoint != nil {
			return nil, &FileError{File: name + "/entries", Err: errors.New("缺少条目文件夹，但有检查点：条目被删除")}
		}
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	type seg struct {
		k      int64
		file   string
		sealed bool
	}
	var segs []seg
	for _, de := range ents {
		m := segmentName.FindStringSubmatch(de.Name())
		if m == nil {
			return nil, &FileError{File: name + "/entries/" + de.Name(), Err: errors.New("不是发布记录的条目文件（应为 NNNNNN.jsonl 或 NNNNNN.jsonl.gz）")}
		}
		k, _ := strconv.ParseInt(m[1], 10, 64)
		segs = append(segs, seg{k: k, file: de.Name(), sealed: m[2] != ""})
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].k < segs[j].k })
	for i, s := range segs {
		if i > 0 && segs[i-1].k == s.k {
			return nil, &FileError{File: name + "/entries/" + s.file, Err: errors.New("同一段既有压缩文件又有未压缩文件")}
		}
	}
	for i, s := range segs {
		if s.k != int64(i) {
			return nil, &FileError{File: name + "/entries/" + s.file,
				Err: fmt.Errorf("条目文件不连续：缺少第 %06d 段（条目被删除）", i)}
		}
		if !s.sealed && i != len(segs)-1 {
			return nil, &FileError{File: name + "/entries/" + s.file, Err: errors.New("未压缩的段只能是最后一段")}
		}
	}
	// Parse segments in parallel; replay in order. Lines numbered below
	// light are decoded without the strict checks (see Verified): the
	// result stands only if those lines prove to be the verified ones.
	type parsed struct {
		entries []*Entry
		leaves  []tlog.Hash
		err     error
	}
	parseAll := func(light int64) []parsed {
		results := make([]parsed, len(segs))
		var wg sync.WaitGroup
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		for i, s := range segs {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				file := name + "/entries/" + s.file
				es, leaves, err := readSegment(filepath.Join(dir, "entries", s.file), file, s.sealed, int64(i)*SegmentSize, light)
				if err == nil && s.sealed && len(es) != SegmentSize {
					err = &FileError{File: file, Err: fmt.Errorf("压缩段应有 %d 条，实有 %d 条（条目被删除或插入）", SegmentSize, len(es))}
				}
				if err == nil && !s.sealed && len(es) >= SegmentSize {
					err = &FileError{File: file, Err: fmt.Errorf("未压缩段有 %d 条，超过 %d 条", len(es), SegmentSize-1)}
				}
				results[i] = parsed{es, leaves, err}
			}()
		}
		wg.Wait()
		return results
	}
	light := int64(0)
	if opts.Verify {
		light = opts.Verified.N
	}
	results := parseAll(light)
	mode := replayMode(0)
	if opts.Verify {
		mode |= checkHashes
	}
	known := int64(0)
	if v := opts.Verified; opts.Verify && v.N > 0 {
		var leaves []tlog.Hash
		for _, r := range results {
			if r.err != nil {
				break // reported in order below
			}
			leaves = append(leaves, r.leaves...)
		}
		if v.N <= int64(len(leaves)) && rootOf(leaves[:v.N]) == v.Hash {
			known = v.N
		}
	}
	if light > 0 && known == 0 {
		results = parseAll(0) // not the verified lines: every line strictly
	}
	for i, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		for j, e := range r.entries {
			m := mode
			if e.N < known {
				m &^= checkHashes
			}
			if err := l.add(e, r.leaves[j], m); err != nil {
				return nil, &FileError{File: name + "/entries/" + segs[i].file, Line: j + 1, Err: err}
			}
		}
	}
	return l, nil
}

// rootOf is the Merkle tree hash (RFC 6962) of leaves, as tlog.TreeHash
// computes it from stored hashes.
func rootOf(leaves []tlog.Hash) tlog.Hash {
	if len(leaves) == 1 {
		return leaves[0]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return tlog.NodeHash(rootOf(leaves[:k]), rootOf(leaves[k:]))
}

// readSegment parses one segment file; first is its first entry's number.
func readSegment(path, name string, sealed bool, first, light int64) ([]*Entry, []tlog.Hash, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var r io.Reader = f
	var buf bytes.Buffer
	if sealed {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return nil, nil, &FileError{File: name, Err: fmt.Errorf("不是 gzip 文件：%v", err)}
		}
		defer zr.Close()
		r = zr
		// The size the gzip trailer gives (a hint only) saves growing
		// the buffer through a dozen copies.
		var size [4]byte
		if st, err := f.Stat(); err == nil && st.Size() > 4 {
			if _, err := f.ReadAt(size[:], st.Size()-4); err == nil {
				buf.Grow(int(min(binary.LittleEndian.Uint32(size[:]), 64<<20)) + bytes.MinRead)
			}
		}
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, SegmentSize*(MaxLine+1)+1)); err != nil {
		return nil, nil, &FileError{File: name, Err: err}
	}
	data := buf.Bytes()
	if first+SegmentSize <= light {
		return parseVerified(data, name, first)
	}
	return parseLines(data, name, first, false)
}

// parseVerified decodes the lines of a segment that a verified tree
// covers: ParseEntry accepted these very bytes in an earlier run (Read
// uses the result only once the lines' leaves give that tree's root), so
// its checks of form and canonical encoding are not repeated.
func parseVerified(data []byte, name string, first int64) ([]*Entry, []tlog.Hash, error) {
	return splitEntries(data, name, first, func(text []byte) (*Entry, error) {
		if e, ok := decodeLine(text); ok {
			return e, nil
		}
		e := new(Entry)
		if err := json.Unmarshal(text, e); err != nil {
			return nil, fmt.Errorf("not an entry: %v", err)
		}
		return e, nil
	})
}

// parseLines parses newline-terminated entry lines.
func parseLines(data []byte, name string, first int64, public bool) ([]*Entry, []tlog.Hash, error) {
	return splitEntries(data, name, first, func(text []byte) (*Entry, error) { return ParseEntry(text, public) })
}

// splitEntries decodes each newline-terminated line with decode, checks that
// the entries are numbered from first without a gap, and hashes each line
// as a leaf of the tree.
func splitEntries(data []byte, name string, first int64, decode func([]byte) (*Entry, error)) ([]*Entry, []tlog.Hash, error) {
	var es []*Entry
	var leaves []tlog.Hash
	for line := 1; len(data) > 0; line++ {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			return nil, nil, &FileError{File: name, Line: line, Err: errors.New("最后一行没有换行符（文件被截断）")}
		}
		text := data[:i]
		data = data[i+1:]
		e, err := decode(text)
		if err != nil {
			return nil, nil, &FileError{File: name, Line: line, Err: err}
		}
		if want := first + int64(line-1); e.N != want {
			return nil, nil, &FileError{File: name, Line: line,
				Err: fmt.Errorf("序号为 %d，此位置应为 %d（条目被删除、插入或调换了顺序）", e.N, want)}
		}
		es = append(es, e)
		leaves = append(leaves, LeafHash(text))
	}
	return es, leaves, nil
}

// LeafHash is tlog.RecordHash of an entry's record text (the line and its
// newline), without copying the line.
func LeafHash(line []byte) tlog.Hash {
	h := sha256.New()
	h.Write([]byte{0}) // RFC 6962 leaf prefix, as tlog.RecordHash
	h.Write(line)
	h.Write([]byte{'\n'})
	var out tlog.Hash
	h.Sum(out[:0])
	return out
}

// Write stores the entries of l from number from on (those not yet on
// disk) in dir, sealing each segment that fills up, then the checkpoint
// when it is not nil. Every file is written to a temporary name and renamed,
// so a crash leaves whole files: at worst entries without a checkpoint,
// which the next publish signs.
func Write(dir string, l *Log, from int64, checkpoint []byte) error {
	if from < 0 || from > l.Size() {
		return fmt.Errorf("ledger: write from %d of %d entries", from, l.Size())
	}
	if err := os.MkdirAll(filepath.Join(dir, "entries"), 0o755); err != nil {
		return err
	}
	for k := from / SegmentSize; k*SegmentSize < l.Size(); k++ {
		lo, hi := k*SegmentSize, min((k+1)*SegmentSize, l.Size())
		var buf bytes.Buffer
		for _, e := range l.Entries[lo:hi] {
			buf.Write(e.Encode())
			buf.WriteByte('\n')
		}
		sealed := hi-lo == SegmentSize
		data := buf.Bytes()
		if sealed {
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
			zw.Write(data)
			if err := zw.Close(); err != nil {
				return err
			}
			data = z.Bytes()
		}
		if err := writeAtomic(filepath.Join(dir, segmentFile(k, sealed)), data); err != nil {
			return err
		}
		if sealed {
			if err := os.Remove(filepath.Join(dir, segmentFile(k, false))); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	if err := syncDir(filepath.Join(dir, "entries")); err != nil {
		return err
	}
	if checkpoint != nil {
		if err := writeAtomic(filepath.Join(dir, CheckpointFile), checkpoint); err != nil {
			return err
		}
		return syncDir(dir)
	}
	return nil
}

// writeAtomic writes data to path through a synced temporary file.
func writeAtomic(path string, data []byte) error {
	return atomicfile.Write(path, data, 0o644, true)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

package search

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/zeebo/xxh3"
)

// Updating in place. Sync is Build for a site that was indexed before: it
// compares each document's fingerprint with the one the current index
// recorded (docs.fp) and writes only the documents that are new or changed,
// and deletes those that are gone. The update goes into a copy of the
// current index that shares its segment files (bleve never rewrites a
// segment file: a copy is hard links plus the small root.bolt), and the
// copy becomes current through the pointer, as a build does; readers of the
// old index finish undisturbed. Shards, order tables and labels end up as a
// fresh build would make them, so every answer is the same.

const printsName = "docs.fp"

// docPrint is a document's fingerprint: a 128-bit XXH3 of every field.
type docPrint [16]byte

var documentType = reflect.TypeFor[Document]()

// fingerprintDoc hashes every field of d, length-prefixed, in field order.
// A field of a kind it does not know panics, so a field added to Document
// is either hashed or the tests fail (TestFingerprintCoversDocument).
func fingerprintDoc(d *Document) docPrint {
	h := xxh3.New128()
	var n [binary.MaxVarintLen64]byte
	str := func(s string) {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
		h.WriteString(s)
	}
	v := reflect.ValueOf(d).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		switch x := f.Interface().(type) {
		case string:
			str(x)
		case []string:
			h.Write(n[:binary.PutUvarint(n[:], uint64(len(x)))])
			for _, s := range x {
				str(s)
			}
		case time.Time:
			str(x.Format(time.RFC3339Nano))
		case int:
			h.Write(n[:binary.PutUvarint(n[:], uint64(x))])
		case bool:
			if x {
				str("1")
			} else {
				str("0")
			}
		default:
			panic(fmt.Sprintf("search: fingerprint: Document.%s has type %T: hash it", documentType.Field(i).Name, x))
		}
	}
	return docPrint(h.Sum128().Bytes())
}

// writePrints saves the documents' fingerprints in dir, sorted by URL.
func writePrints(dir string, prints map[string]docPrint) error {
	urls := make([]string, 0, len(prints))
	for u := range prints {
		urls = append(urls, u)
	}
	slices.Sort(urls)
	var b bytes.Buffer
	b.Grow(len(urls) * 64)
	var n [binary.MaxVarintLen64]byte
	b.Write(n[:binary.PutUvarint(n[:], uint64(len(urls)))])
	for _, u := range urls {
		b.Write(n[:binary.PutUvarint(n[:], uint64(len(u)))])
		b.WriteString(u)
		p := prints[u]
		b.Write(p[:])
	}
	return writeFileAtomic(filepath.Join(dir, printsName), b.Bytes())
}

// readPrints reads what writePrints saved.
func readPrints(dir string) (map[string]docPrint, error) {
	data, err := os.ReadFile(filepath.Join(dir, printsName))
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(data))
	count, err := binary.ReadUvarint(r)
	if err != nil || count > uint64(len(data)) {
		return nil, fmt.Errorf("search: %s: damaged", printsName)
	}
	out := make(map[string]docPrint, count)
	for range count {
		l, err := binary.ReadUvarint(r)
		if err != nil || l > uint64(len(data)) {
			return nil, fmt.Errorf("search: %s: damaged", printsName)
		}
		u := make([]byte, l)
		var p docPrint
		if _, err := io.ReadFull(r, u); err != nil {
			return nil, fmt.Errorf("search: %s: damaged", printsName)
		}
		if _, err := io.ReadFull(r, p[:]); err != nil {
			return nil, fmt.Errorf("search: %s: damaged", printsName)
		}
		out[string(u)] = p
	}
	return out, nil
}

// rebuildShare is the share of documents changed above which Sync builds
// anew: the offline builder writes one merged segment per shard, faster
// than updating most of an index and faster to query.
const rebuildShare = 0.3

// maxSegments is how many segment files a shard may collect from updates
// before Sync merges them into one.
const maxSegments = 8

// Sync makes the current index under stateDir hold exactly docs, updating
// it in place when one exists that this program can update (same format,
// analysis and number of shards), else building a new one. It returns only
// when the new index is current; on error the previous one stays current.
// With nothing changed it writes nothing (Stats.Dir is "").
func Sync(ctx context.Context, stateDir string, docs []Document, opts Options) (Stats, error) {
	start := time.Now()
	if opts.Analysis == "" {
		opts.Analysis = DefaultAnalysis
	}
	shards := opts.Shards
	if shards <= 0 {
		shards = min(runtime.GOMAXPROCS(0), 8)
	}
	shards = max(1, min(shards, len(docs)))
	cur, err := readPointer(stateDir)
	if err != nil {
		return Build(ctx, stateDir, docs, opts)
	}
	curDir := filepath.Join(stateDir, cur)
	md, err := readMeta(curDir)
	if err != nil || md.Version != formatVersion || md.Analysis != opts.Analysis || md.Shards != shards {
		return Build(ctx, stateDir, docs, opts)
	}
	old, err := readPrints(curDir)
	if err != nil {
		return Build(ctx, stateDir, docs, opts)
	}

	prints := make(map[string]docPrint, len(docs))
	var put []int
	for i := range docs {
		d := &docs[i]
		if d.URL == "" {
			return Stats{}, fmt.Errorf("search: document %d (%q) has no URL", i, d.Title)
		}
		if _, dup := prints[d.URL]; dup {
			return Stats{}, fmt.Errorf("search: two documents have the URL %s", d.URL)
		}
		p := fingerprintDoc(d)
		prints[d.URL] = p
		if was, ok := old[d.URL]; !ok || was != p {
			put = append(put, i)
		}
	}
	var del []string
	for u := range old {
		if _, ok := prints[u]; !ok {
			del = append(del, u)
		}
	}
	slices.Sort(del)
	if len(put) == 0 && len(del) == 0 {
		return Stats{Docs: len(docs), Shards: shards, Duration: time.Since(start)}, nil
	}
	if float64(len(put)+len(del)) > rebuildShare*float64(len(docs)) {
		return Build(ctx, stateDir, docs, opts)
	}

	m, err := newMapping(opts.Analysis)
	if err != nil {
		return Stats{}, err
	}
	dm, err := newDocMapper(m, opts.Analysis)
	if err != nil {
		return Stats{}, err
	}
	dir, err := newIndexDir(stateDir)
	if err != nil {
		return Stats{}, err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(dir)
		}
	}()
	putBy := make([][]int, shards)
	for _, i := range put {
		s := shardOf(docs[i].URL, shards)
		putBy[s] = append(putBy[s], i)
	}
	delBy := make([][]string, shards)
	for _, u := range del {
		s := shardOf(u, shards)
		delBy[s] = append(delBy[s], u)
	}
	for s := range shards {
		from, to := filepath.Join(curDir, shardName(s)), filepath.Join(dir, shardName(s))
		if err := copyShard(from, to); err != nil {
			return Stats{}, err
		}
		if len(putBy[s]) == 0 && len(delBy[s]) == 0 {
			continue
		}
		if err := updateShard(ctx, to, dm, docs, putBy[s], delBy[s]); err != nil {
			return Stats{}, err
		}
	}
	md.Docs = len(docs)
	md.Labels = labels(docs)
	if err := finish(dir, md, prints); err != nil {
		return Stats{}, err
	}
	if err := switchTo(stateDir, dir); err != nil {
		return Stats{}, err
	}
	ok = true
	return Stats{Dir: dir, Docs: len(docs), Shards: shards, Added: len(put), Deleted: len(del), Duration: time.Since(start)}, nil
}

func readMeta(dir string) (meta, error) {
	var md meta
	b, err := os.ReadFile(filepath.Join(dir, metaName))
	if err != nil {
		return md, err
	}
	err = json.Unmarshal(b, &md)
	return md, err
}

// copyShard makes to a copy of the shard folder from that shares its
// segment files: *.zap files (never rewritten by bleve) are hard-linked,
// the rest (root.bolt, which bleve updates in place, and small files)
// copied.
func copyShard(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if strings.HasSuffix(p, ".zap") {
			if err := os.Link(p, dst); err == nil {
				return nil
			}
		}
		return copyFile(p, dst)
	})
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, st.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// updateShard writes docs[i] for each i in put and deletes the URLs in del
// in the shard at path, then merges its segments when updates have
// collected too many.
func updateShard(ctx context.Context, path string, dm *docMapper, docs []Document, put []int, del []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("search: update %s: %v", filepath.Base(path), r)
		}
	}()
	idx, err := bleve.OpenUsing(path, nil)
	if err != nil {
		return fmt.Errorf("search: update: %w", err)
	}
	b := idx.NewBatch()
	for _, u := range del {
		b.Delete(u)
	}
	for _, i := range put {
		doc, err := dm.mapDocument(&docs[i])
		if err == nil {
			err = b.IndexAdvanced(doc)
		}
		if err != nil {
			idx.Close()
			return fmt.Errorf("search: index %s: %w", docs[i].URL, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		idx.Close()
		return fmt.Errorf("search: update: %w", err)
	}
	if segments(path) > maxSegments {
		if adv, err := idx.Advanced(); err == nil {
			if sc, ok := adv.(*scorch.Scorch); ok {
				if err := sc.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil && !errors.Is(err, context.Canceled) {
					idx.Close()
					return fmt.Errorf("search: merge: %w", err)
				}
			}
		}
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("search: update: %w", err)
	}
	return ctx.Err()
}

// segments counts a shard's segment files.
func segments(path string) int {
	n := 0
	filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".zap") {
			n++
		}
		return nil
	})
	return n
}

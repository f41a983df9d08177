package search

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	index "github.com/blevesearch/bleve_index_api"
)

// Order tables. Hits with equal keys (the same score, or the same date
// when sorting by date) are ordered by URL. Inside bleve a document's
// number depends on when it was written: an index updated in place puts a
// changed page after the others, one built anew does not. So Build and
// Update write, per shard, every document number's rank among all the
// index's URLs (order-<shard>.bin, little-endian uint32, noDoc for a number
// that holds no live document), and Open reads it: answers are the same
// whichever way the index came to hold its documents.

// noDoc marks a document number without a live document.
const noDoc = math.MaxUint32

func orderFile(shard int) string { return fmt.Sprintf("order-%d.bin", shard) }

// writeOrder computes and writes the order tables of the index in dir.
func writeOrder(dir string, shards int) error {
	type doc struct {
		url   string
		shard int
		num   uint64
	}
	var docs []doc
	tables := make([][]uint32, shards)
	for s := range shards {
		idx, err := bleve.OpenUsing(filepath.Join(dir, shardName(s)), map[string]any{"read_only": true})
		if err != nil {
			return fmt.Errorf("search: order: %w", err)
		}
		err = func() error {
			defer idx.Close()
			adv, err := idx.Advanced()
			if err != nil {
				return err
			}
			r, err := adv.Reader()
			if err != nil {
				return err
			}
			defer r.Close()
			ids, err := r.DocIDReaderAll()
			if err != nil {
				return err
			}
			defer ids.Close()
			maxNum := -1
			for {
				id, err := ids.Next()
				if err != nil {
					return err
				}
				if id == nil {
					break
				}
				url, err := r.ExternalID(id)
				if err != nil {
					return err
				}
				n := id.Value()
				docs = append(docs, doc{url, s, n})
				maxNum = max(maxNum, int(n))
			}
			tables[s] = make([]uint32, maxNum+1)
			for i := range tables[s] {
				tables[s][i] = noDoc
			}
			return nil
		}()
		if err != nil {
			return fmt.Errorf("search: order: %w", err)
		}
	}
	slices.SortFunc(docs, func(a, b doc) int { return strings.Compare(a.url, b.url) })
	for rank, d := range docs {
		tables[d.shard][d.num] = uint32(rank)
	}
	for s, t := range tables {
		b := make([]byte, 4*len(t))
		for i, v := range t {
			binary.LittleEndian.PutUint32(b[4*i:], v)
		}
		if err := writeFileAtomic(filepath.Join(dir, orderFile(s)), b); err != nil {
			return err
		}
	}
	return nil
}

// loadOrder reads shard s's order table.
func (ix *Index) loadOrder(s int, _ index.IndexReader) ([]uint32, error) {
	b, err := os.ReadFile(filepath.Join(ix.dir, orderFile(s)))
	if err != nil {
		return nil, fmt.Errorf("order table: %w (run portal build)", err)
	}
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("order table %s: %d bytes is not a whole number of entries", orderFile(s), len(b))
	}
	t := make([]uint32, len(b)/4)
	for i := range t {
		t[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return t, nil
}

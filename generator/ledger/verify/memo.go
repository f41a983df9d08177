package verify

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"

	"portal/generator/ledger"
)

// Memo remembers, between runs, the records whose pages a run found
// exactly as the log says, so that the next run checks again only what
// changed: a record is taken as verified when its log entries and what its
// pages are held to (Expect) are the same as then, and the bytes of every
// page it has (Files: each page's path and SHA-256, in the order a check
// reads them) are too. The pages are read and hashed on every run — a page
// changed since, by any means and whatever its modification time, is
// checked again — but not parsed: same entries, same expectations and same
// bytes give the same verdict. Only records with no problem are
// remembered.
type Memo struct {
	// Context is what else a verdict depends on, given by the caller:
	// the program (a new verifier may check more) and the department
	// names pages are held to. A memo of another context is not used.
	Context string                `json:"context"`
	Records map[string]MemoRecord `json:"records"`
	// Pages holds, for each old version's page found right, the digest of
	// what its check read and was held to (oldPageProof), so that page is
	// passed over even when its record's other pages changed.
	Pages map[string]string `json:"old_pages,omitempty"`
}

// MemoRecord is one record's remembered verdict (hex SHA-256 digests).
type MemoRecord struct {
	Expect string `json:"expect"`
	Files  string `json:"files"`
}

// memoVersion changes whenever what Expect covers changes.
const memoVersion = "portal verify memo 1\n"

// expect is the digest of everything a record's check depends on besides
// its pages' bytes and the memo's context: its key, every one of its log
// entries (by leaf hash, which covers the whole line: number, date, op,
// version, content hash and fields), why the published log withholds it,
// and whether a stop notice is due today.
func (c *checker) expect(rec *ledger.Record) string {
	h := sha256.New()
	h.Write([]byte(memoVersion))
	h.Write([]byte(rec.Key() + "\x00" + c.withheld[rec.Key()] + "\x00"))
	if ledger.Redaction(rec, c.opts.Today) != "" {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}
	var n [8]byte
	for _, x := range rec.Entries {
		binary.BigEndian.PutUint64(n[:], uint64(x))
		h.Write(n[:])
		leaf := c.log.LeafHash(x)
		h.Write(leaf[:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// addFile adds a page as read (nil: missing) to a files digest and
// returns the page's SHA-256.
func addFile(h hash.Hash, path string, page []byte) [sha256.Size]byte {
	h.Write([]byte(path))
	if page == nil {
		h.Write([]byte{0})
		return [sha256.Size]byte{}
	}
	sum := sha256.Sum256(page)
	h.Write([]byte{1})
	h.Write(sum[:])
	return sum
}

// oldPageProof is the digest of what the check of the record's i-th
// version's page depends on: the record, its entries up to that version
// (by leaf hash: the version's fields, number, content hash), that the
// published log does not withhold it, and the page's bytes (sum). The
// memo's context covers the program and the names. 128 bits: a forged
// page would need a second preimage.
func (c *checker) oldPageProof(rec *ledger.Record, i int, sum [sha256.Size]byte) string {
	h := sha256.New()
	h.Write([]byte(memoVersion + "old page\x00" + rec.Key() + "\x00"))
	var n [8]byte
	for _, x := range rec.Entries[:i+1] {
		binary.BigEndian.PutUint64(n[:], uint64(x))
		h.Write(n[:])
		leaf := c.log.LeafHash(x)
		h.Write(leaf[:])
	}
	h.Write(sum[:])
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// pagesOf lists a record's pages in the order record reads them: its page,
// then each old version's permanent page.
func (c *checker) pagesOf(rec *ledger.Record) (current string, old []string) {
	current = ledger.PagePath(rec.Kind, rec.ID)
	if rec.Redacted != "" {
		return current, nil
	}
	for i, x := range rec.Entries {
		e := c.log.Entries[x]
		if e.Op == ledger.OpRemove || (i == len(rec.Entries)-1 && !rec.Removed) {
			continue
		}
		old = append(old, ledger.VersionPath(rec.Kind, rec.ID, e.V))
	}
	return current, old
}

// remembered reports whether the memo holds the record as verified with
// the same entries, expectations and page bytes; res counts its pages.
func (c *checker) remembered(ctx context.Context, rec *ledger.Record, expect string, buf *[]byte) (res result, ok bool, err error) {
	m, found := c.prev[rec.Key()]
	if !found || m.Expect != expect {
		return res, false, nil
	}
	h := sha256.New()
	current, old := c.pagesOf(rec)
	for i, p := range append([]string{current}, old...) {
		page, err := c.get(ctx, p, buf)
		if err != nil {
			return res, false, err
		}
		addFile(h, p, page)
		if i == 0 {
			res.pages++
		} else {
			res.old++
		}
	}
	return res, hex.EncodeToString(h.Sum(nil)) == m.Files, nil
}

// ContentMemo remembers that the site's content matched its log: the
// digest of the files it was loaded from (the caller's, with the program)
// and of the log's latest versions (latestDigest). The canonical forms are
// a function of those files and the program, and whether they match the
// log a function of them and the latest versions, so the same two digests
// give the same answer.
type ContentMemo struct {
	Files string `json:"files"`
	Log   string `json:"log"`
}

// latestDigest is the digest of what comparing the content with the log
// reads of the log: each record's key, whether it is removed or withheld,
// and its latest entry's content hash.
func latestDigest(l *ledger.Log) string {
	h := sha256.New()
	h.Write([]byte(memoVersion))
	for _, rec := range l.Records() {
		last := rec.LastEntry(l)
		flags := byte(0)
		if rec.Removed {
			flags |= 1
		}
		if rec.Redacted != "" {
			flags |= 2
		}
		h.Write([]byte(rec.Key() + "\x00" + last.Hash + "\x00"))
		h.Write([]byte{flags})
	}
	return hex.EncodeToString(h.Sum(nil))
}

package ledger

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"portal/generator/model"
)

// Log is the publication log in memory: its entries in order, each
// record's history, and the Merkle tree over the entries.
type Log struct {
	Entries []*Entry
	// Checkpoint is the last signed checkpoint as stored (nil when the log
	// was never signed), and Signed its parsed text (unverified until
	// VerifyCheckpoint).
	Checkpoint []byte
	// Rotations are the log's key rotations as stored (rotations/N, in
	// order; see Rotate), unverified until CheckRotations.
	Rotations [][]byte

	records map[string]*Record
	order   []string // record keys in order of first appearance
	hashes  []tlog.Hash
	lastDay string
}

// Record is one record's place in the log.
type Record struct {
	Kind model.Kind
	ID   string
	// Entries are the indexes of the record's entries, oldest first.
	Entries []int64
	// Latest is the newest version (the last one before a removal when
	// Removed); its Values are nil when the record's entries are redacted.
	Latest  Version
	Removed bool
	// Redacted is the reason the published log withheld the record's
	// entries ("" for the site's own log).
	Redacted string
}

// Key returns the record's key.
func (r *Record) Key() string { return Key(r.Kind, r.ID) }

// Version returns the record's version number (the latest entry's v).
func (r *Record) Version(l *Log) int { return l.Entries[r.Entries[len(r.Entries)-1]].V }

// LastEntry returns the record's newest entry.
func (r *Record) LastEntry(l *Log) *Entry { return l.Entries[r.Entries[len(r.Entries)-1]] }

// NewLog returns an empty log.
func NewLog() *Log { return &Log{records: map[string]*Record{}} }

// Size is the number of entries.
func (l *Log) Size() int64 { return int64(len(l.Entries)) }

// Record returns the record with key, or nil.
func (l *Log) Record(key string) *Record { return l.records[key] }

// Records returns every record in order of first appearance.
func (l *Log) Records() []*Record {
	out := make([]*Record, len(l.order))
	for i, k := range l.order {
		out[i] = l.records[k]
	}
	return out
}

// ReplayError is a problem found while replaying the log: which entry,
// which record and what is wrong.
type ReplayError struct {
	N   int64
	Key string
	V   int
	Msg string
}

func (e *ReplayError) Error() string {
	return fmt.Sprintf("发布记录第 %d 条（%s 第 %d 版）：%s", e.N, e.Key, e.V, e.Msg)
}

// Options for adding entries.
type replayMode int

const (
	// checkHashes recomputes every version's hash (verify); without it only
	// the edits are applied and the latest hash of each record is trusted
	// to be checked by the caller (build).
	checkHashes replayMode = 1 << iota
	// public accepts redacted stubs.
	public
)

// add appends one entry read from a file (or planned), replaying it onto
// the record's history. leaf is the entry's record text when known
// (redacted stubs have none: their leaf hash comes from the published tile).
func (l *Log) add(e *Entry, leaf tlog.Hash, mode replayMode) error {
	n := int64(len(l.Entries))
	fail := func(format string, args ...any) error {
		return &ReplayError{N: e.N, Key: e.Key(), V: e.V, Msg: fmt.Sprintf(format, args...)}
	}
	if e.N != n {
		return fail("序号为 %d，应为 %d（条目被删除、插入或调换了顺序）", e.N, n)
	}
	key := e.Key()
	rec := l.records[key]
	prevV := 0
	if rec != nil {
		prevV = rec.LastEntry(l).V
	}
	if e.V != prevV+1 {
		return fail("版本号为 %d，该记录上一版本为第 %d 版（应为第 %d 版）", e.V, prevV, prevV+1)
	}
	if e.Redacted != "" {
		if mode&public == 0 {
			return fail("站点自身的发布记录不应有隐去的条目")
		}
		if rec != nil && rec.Redacted == "" {
			return fail("该记录的较早条目未隐去，此条却隐去了")
		}
		if rec == nil {
			rec = &Record{Kind: e.Kind, ID: e.ID, Redacted: e.Redacted}
			l.records[key] = rec
			l.order = append(l.order, key)
		}
		rec.Entries = append(rec.Entries, n)
		l.Entries = append(l.Entries, e)
		return l.appendLeaf(leaf)
	}
	if rec != nil && rec.Redacted != "" {
		return fail("该记录的较早条目已隐去，此条却未隐去")
	}
	if l.lastDay != "" && e.Date < l.lastDay {
		return fail("日期 %s 早于前一条目的日期 %s（发布记录只能按时间追加）", e.Date, l.lastDay)
	}
	var next Version
	switch e.Op {
	case OpAdd:
		if rec != nil && !rec.Removed {
			return fail("记录已存在，不能再次新增")
		}
		next = newVersion(e.Kind, e.ID)
		for name, v := range e.Set {
			next.set(name, v)
		}
	case OpChange:
		if rec == nil || rec.Removed {
			return fail("记录不存在或已删除，不能修改")
		}
		next = rec.Latest.Clone()
		for name, v := range e.Set {
			next.set(name, v)
		}
		for name, ops := range e.Edit {
			old := next.Get(name)
			if old == "" {
				return fail("字段 %s 原为空，不能以编辑方式修改", name)
			}
			nv, err := ApplyOps(old, ops)
			if err != nil {
				return fail("字段 %s：%v", name, err)
			}
			if nv == "" {
				return fail("字段 %s 编辑后为空（应使用 unset）", name)
			}
			next.set(name, nv)
		}
		for _, name := range e.Unset {
			if next.Get(name) == "" {
				return fail("字段 %s 原本为空，不能清除", name)
			}
			next.set(name, "")
		}
		for name, v := range e.Set {
			if rec.Latest.Get(name) == v {
				return fail("字段 %s 未变化却写入了新值", name)
			}
		}
	case OpRemove:
		if rec == nil || rec.Removed {
			return fail("记录不存在或已删除，不能再删除")
		}
	}
	if e.Op != OpRemove && (mode&checkHashes != 0 || e.Op == OpAdd && rec == nil) {
		// An add is cheap to check; a change is checked when asked, or by
		// the caller comparing the latest hash with the site.
		if h := next.Hash(); h != e.Hash {
			return fail("按条目重建的内容哈希为 %s，条目记载为 %s（条目内容被改动）", ShortHash(h), ShortHash(e.Hash))
		}
	}
	if rec == nil {
		rec = &Record{Kind: e.Kind, ID: e.ID}
		l.records[key] = rec
		l.order = append(l.order, key)
	}
	rec.Entries = append(rec.Entries, n)
	if e.Op == OpRemove {
		rec.Removed = true
	} else {
		rec.Removed = false
		rec.Latest = next
	}
	l.lastDay = e.Date
	l.Entries = append(l.Entries, e)
	return l.appendLeaf(leaf)
}

// appendLeaf adds the stored hashes of the next leaf.
func (l *Log) appendLeaf(leaf tlog.Hash) error {
	hs, err := tlog.StoredHashesForRecordHash(int64(len(l.Entries)-1), leaf, l)
	if err != nil {
		return err
	}
	l.hashes = append(l.hashes, hs...)
	return nil
}

// ReadHashes implements tlog.HashReader over the log's stored hashes.
func (l *Log) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(l.hashes)) {
			return nil, fmt.Errorf("ledger: no stored hash %d (the log has %d)", x, len(l.hashes))
		}
		out[i] = l.hashes[x]
	}
	return out, nil
}

// TreeHash returns the root hash of the tree of the first n entries.
func (l *Log) TreeHash(n int64) (tlog.Hash, error) {
	if n < 0 || n > l.Size() {
		return tlog.Hash{}, fmt.Errorf("ledger: tree size %d (the log has %d entries)", n, l.Size())
	}
	return tlog.TreeHash(n, l)
}

// LeafHash returns entry n's leaf hash.
func (l *Log) LeafHash(n int64) tlog.Hash {
	return l.hashes[tlog.StoredHashIndex(0, n)]
}

// Append replays new entries onto the log in memory (Store.Append writes
// them). Each must follow the last; on error the log is unchanged.
func (l *Log) Append(entries []*Entry) error {
	snapshot := l.snapshot()
	for _, e := range entries {
		if err := l.add(e, tlog.RecordHash(e.Leaf()), checkHashes); err != nil {
			l.restore(snapshot)
			return err
		}
	}
	return nil
}

type snapshot struct {
	entries, hashes, order int
	lastDay                string
}

// snapshot remembers enough to undo appends (restore replays the records
// the undone entries touched).
func (l *Log) snapshot() *snapshot {
	return &snapshot{entries: len(l.Entries), hashes: len(l.hashes), order: len(l.order), lastDay: l.lastDay}
}

func (l *Log) restore(s *snapshot) {
	for _, e := range l.Entries[s.entries:] {
		key := e.Key()
		rec := l.records[key]
		if rec == nil {
			continue
		}
		// Drop this batch's entries from the record; recompute its state
		// by replaying its older entries.
		keep := rec.Entries[:0]
		for _, x := range rec.Entries {
			if x < int64(s.entries) {
				keep = append(keep, x)
			}
		}
		if len(keep) == 0 {
			delete(l.records, key)
			continue
		}
		rec.Entries = keep
		vs, err := l.versions(rec)
		if err == nil && len(vs) > 0 {
			last := vs[len(vs)-1]
			rec.Removed = last.Values == nil
			if !rec.Removed {
				rec.Latest = last
			}
		}
	}
	l.Entries = l.Entries[:s.entries]
	l.hashes = l.hashes[:s.hashes]
	l.order = l.order[:s.order]
	l.lastDay = s.lastDay
}

// Versions returns every version of the record with key, oldest first; a
// removal is a Version with nil Values.
func (l *Log) Versions(key string) ([]Version, error) {
	rec := l.records[key]
	if rec == nil {
		return nil, fmt.Errorf("ledger: no record %s", key)
	}
	return l.versions(rec)
}

func (l *Log) versions(rec *Record) ([]Version, error) {
	if rec.Redacted != "" {
		return nil, fmt.Errorf("ledger: %s is redacted in this log", rec.Key())
	}
	out := make([]Version, 0, len(rec.Entries))
	var cur Version
	for _, x := range rec.Entries {
		e := l.Entries[x]
		switch e.Op {
		case OpAdd:
			cur = newVersion(e.Kind, e.ID)
			for name, v := range e.Set {
				cur.set(name, v)
			}
		case OpChange:
			cur = cur.Clone()
			for name, v := range e.Set {
				cur.set(name, v)
			}
			for name, ops := range e.Edit {
				nv, err := ApplyOps(cur.Get(name), ops)
				if err != nil {
					return nil, &ReplayError{N: e.N, Key: e.Key(), V: e.V, Msg: err.Error()}
				}
				cur.set(name, nv)
			}
			for _, name := range e.Unset {
				cur.set(name, "")
			}
		case OpRemove:
			out = append(out, Version{Kind: e.Kind, ID: e.ID})
			continue
		}
		out = append(out, cur)
	}
	return out, nil
}

// Plan returns the entries that bring the log up to date with current, the
// canonical forms of every record the site publishes now: an add for each
// new record (or one published again), a change for each changed one, a
// remove for each logged record the site no longer has. Entries are dated
// date (YYYY-MM-DD, not before the last entry) and carry note; they come
// in kind order, then id order, numbered after the last entry.
func (l *Log) Plan(current []Version, date, note string) ([]*Entry, error) {
	if !isDateForm(date) {
		return nil, fmt.Errorf("ledger: date %q is not YYYY-MM-DD", date)
	}
	if l.lastDay != "" && date < l.lastDay {
		return nil, fmt.Errorf("发布日期 %s 早于发布记录最后一条的日期 %s：发布记录只能按时间追加（用 -now 指定不早于 %s 的日期）", date, l.lastDay, l.lastDay)
	}
	note = oneLine(note)
	seen := make(map[string]bool, len(current))
	var out []*Entry
	for i := range current {
		v := &current[i]
		if schemas[v.Kind] == nil {
			return nil, fmt.Errorf("ledger: %s is not a record kind", v.Kind)
		}
		key := v.Key()
		if seen[key] {
			return nil, fmt.Errorf("ledger: %s appears twice", key)
		}
		seen[key] = true
		rec := l.records[key]
		if rec != nil && rec.Redacted != "" {
			return nil, fmt.Errorf("ledger: %s is redacted in this log; publish from the site's own log", key)
		}
		hash := v.Hash()
		switch {
		case rec == nil || rec.Removed:
			e := &Entry{Date: date, Op: OpAdd, Kind: v.Kind, ID: v.ID, V: 1, Hash: hash, Note: note, Set: map[string]string{}}
			if rec != nil {
				e.V = rec.Version(l) + 1
			}
			for i, f := range schemas[v.Kind] {
				if v.Values[i] != "" {
					e.Set[f.Name] = v.Values[i]
				}
			}
			out = append(out, e)
		case rec.LastEntry(l).Hash != hash:
			out = append(out, change(&rec.Latest, v, rec.Version(l)+1, hash, date, note))
		}
	}
	for _, key := range l.order {
		rec := l.records[key]
		if !seen[key] && !rec.Removed && rec.Redacted == "" {
			out = append(out, &Entry{Date: date, Op: OpRemove, Kind: rec.Kind, ID: rec.ID, V: rec.Version(l) + 1, Note: note})
		}
	}
	slices.SortStableFunc(out, func(a, b *Entry) int {
		if a.Kind != b.Kind {
			return kindOrder(a.Kind) - kindOrder(b.Kind)
		}
		return strings.Compare(a.ID, b.ID)
	})
	for i, e := range out {
		e.N = l.Size() + int64(i)
	}
	return out, nil
}

// change builds the entry that turns old into cur.
func change(old, cur *Version, v int, hash, date, note string) *Entry {
	e := &Entry{Date: date, Op: OpChange, Kind: cur.Kind, ID: cur.ID, V: v, Hash: hash, Note: note}
	for i, f := range schemas[cur.Kind] {
		was, now := old.Values[i], cur.Values[i]
		switch {
		case was == now:
		case now == "":
			e.Unset = append(e.Unset, f.Name)
		case f.edited() && was != "":
			if e.Edit == nil {
				e.Edit = map[string][]string{}
			}
			e.Edit[f.Name] = Ops(Diff(was, now))
		default:
			if e.Set == nil {
				e.Set = map[string]string{}
			}
			e.Set[f.Name] = now
		}
	}
	return e
}

func kindOrder(k model.Kind) int {
	if i := slices.Index(model.Kinds, k); i >= 0 {
		return i
	}
	return len(model.Kinds)
}

// Differences compares the site's current records with the log's latest
// versions and returns the keys that differ (new, changed or gone), sorted;
// the build reports them, publish logs them.
func (l *Log) Differences(current []Version) []string {
	var out []string
	seen := make(map[string]bool, len(current))
	for i := range current {
		key := current[i].Key()
		seen[key] = true
		rec := l.records[key]
		if rec == nil || rec.Removed || rec.Redacted != "" || rec.LastEntry(l).Hash != current[i].Hash() {
			out = append(out, key)
		}
	}
	for _, key := range l.order {
		if rec := l.records[key]; !seen[key] && !rec.Removed && rec.Redacted == "" {
			out = append(out, key)
		}
	}
	slices.Sort(out)
	return out
}

// CheckLatest recomputes the hash of every record's latest version and
// compares it with its entry: a build trusts the log's history only after
// this (verify checks every version).
func (l *Log) CheckLatest() error {
	var errs []error
	for _, key := range l.order {
		rec := l.records[key]
		if rec.Removed || rec.Redacted != "" {
			continue
		}
		e := rec.LastEntry(l)
		if h := rec.Latest.Hash(); h != e.Hash {
			errs = append(errs, &ReplayError{N: e.N, Key: key, V: e.V,
				Msg: fmt.Sprintf("按条目重建的内容哈希为 %s，条目记载为 %s（条目内容被改动）", ShortHash(h), ShortHash(e.Hash))})
		}
	}
	return errors.Join(errs...)
}

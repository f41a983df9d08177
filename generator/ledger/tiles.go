package ledger

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"

	"portal/generator/model"
)

// The published log, under the site's /log/ folder, is laid out as the Go
// checksum database lays out its tiles:
//
//	/log/checkpoint            the signed checkpoint
//	/log/key.txt               the public key (also in portal.toml)
//	/log/rotations/1, 2 …      key rotations the old keys signed (Rotate)
//	/log/tile/8/0/000 …        hash tiles, levels 0, 1, 2 … (.p/W: partial)
//	/log/tile/8/data/000 …     data tiles: each entry's line, then a blank line
//
// The tiles cover exactly the checkpoint's tree; an entry of a record that
// is not published any more (Redaction) appears in its data tile as a stub.
const (
	PublishedCheckpoint = "checkpoint"
	PublishedKey        = "key.txt"
)

// Redaction returns why the published log withholds a record's entries
// ("" when it does not): disclosures and dishonesty records that are off the
// site — removed (已删除), withdrawn after 信用修复 or objection (已撤销), or
// past their 公示截止期 as of today (YYYY-MM-DD) (公示期满) — must not stay
// readable in the log either. The site's own log keeps them; the stub keeps
// their place in the tree.
func Redaction(rec *Record, today string) string {
	if rec.Kind != model.KindDisclosure && rec.Kind != model.KindRecord {
		return ""
	}
	switch {
	case rec.Redacted != "":
		return rec.Redacted
	case rec.Removed:
		return "已删除"
	case rec.Latest.Get("withdrawn") != "":
		return "已撤销"
	case rec.Latest.Get("publicity_until") != "" && rec.Latest.Get("publicity_until") < today:
		return "公示期满"
	}
	return ""
}

// Stub is the published form of a redacted entry.
func Stub(e *Entry, reason string) *Entry {
	return &Entry{N: e.N, Kind: e.Kind, ID: e.ID, V: e.V, Redacted: reason}
}

// PublishFiles writes the published log of the tree cp signs (cp.N
// entries; entries after it are not signed and not published): write gets
// names relative to /log/. redact gives the reason a record is withheld.
func (l *Log) PublishFiles(signed []byte, cp Checkpoint, vkey string, redact func(*Record) string, write func(name string, data []byte) error) error {
	if cp.N > l.Size() {
		return fmt.Errorf("检查点记载 %d 条，发布记录只有 %d 条", cp.N, l.Size())
	}
	if err := write(PublishedCheckpoint, signed); err != nil {
		return err
	}
	if vkey != "" {
		if err := write(PublishedKey, []byte(vkey+"\n")); err != nil {
			return err
		}
	}
	for i, r := range l.Rotations {
		if err := write(RotationName(i), r); err != nil {
			return err
		}
	}
	if cp.N == 0 {
		return nil
	}
	reasons := map[string]string{}
	for _, rec := range l.Records() {
		if r := redact(rec); r != "" {
			reasons[rec.Key()] = r
		}
	}
	for _, t := range tlog.NewTiles(TileHeight, 0, cp.N) {
		data, err := tlog.ReadTileData(t, l)
		if err != nil {
			return err
		}
		if err := write(t.Path(), data); err != nil {
			return err
		}
		if t.L != 0 {
			continue
		}
		dt := t
		dt.L = -1
		var buf bytes.Buffer
		start := t.N << TileHeight
		for n := start; n < start+int64(t.W); n++ {
			e := l.Entries[n]
			if r := reasons[e.Key()]; r != "" {
				e = Stub(e, r)
			}
			buf.Write(e.Encode())
			buf.WriteString("\n\n")
		}
		if err := write(dt.Path(), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// Fetch reads one file of a published log by its name under /log/.
type Fetch func(name string) ([]byte, error)

// ReadPublished reads and checks a published log: the checkpoint's
// signature with vkey (or one of the previous keys), every data tile's entries against the level-0 hash
// tiles, the tree those leaves make against the checkpoint, every higher
// hash tile against the tree, and every entry replayed (versions and
// hashes). It returns the log (redacted records have no versions) and the
// checkpoint.
func ReadPublished(fetch Fetch, vkey string, previous ...string) (*Log, Checkpoint, error) {
	signed, err := fetch(PublishedCheckpoint)
	if err != nil {
		return nil, Checkpoint{}, fmt.Errorf("读取检查点：%w", err)
	}
	cp, err := OpenCheckpoint(signed, vkey, previous...)
	if err != nil {
		return nil, Checkpoint{}, err
	}
	l := NewLog()
	l.Checkpoint = signed
	tiles := tlog.NewTiles(TileHeight, 0, cp.N)
	for _, t := range tiles {
		if t.L != 0 {
			continue
		}
		hashes, err := fetch(t.Path())
		if err != nil {
			return nil, cp, fmt.Errorf("读取 %s：%w", t.Path(), err)
		}
		if len(hashes) != t.W*tlog.HashSize {
			return nil, cp, fmt.Errorf("%s：应有 %d 个哈希（%d 字节），实有 %d 字节", t.Path(), t.W, t.W*tlog.HashSize, len(hashes))
		}
		dt := t
		dt.L = -1
		data, err := fetch(dt.Path())
		if err != nil {
			return nil, cp, fmt.Errorf("读取 %s：%w", dt.Path(), err)
		}
		start := t.N << TileHeight
		lines := bytes.Split(data, []byte("\n\n"))
		if len(lines) != t.W+1 || len(lines[t.W]) != 0 {
			return nil, cp, fmt.Errorf("%s：应有 %d 条（每条后空一行），格式不符", dt.Path(), t.W)
		}
		for i := 0; i < t.W; i++ {
			e, err := ParseEntry(lines[i], true)
			if err != nil {
				return nil, cp, &FileError{File: "log/" + dt.Path(), Line: 2*i + 1, Err: err}
			}
			if e.N != start+int64(i) {
				return nil, cp, &FileError{File: "log/" + dt.Path(), Line: 2*i + 1,
					Err: fmt.Errorf("序号为 %d，此位置应为 %d（条目被删除、插入或调换了顺序）", e.N, start+int64(i))}
			}
			var leaf tlog.Hash
			copy(leaf[:], hashes[i*tlog.HashSize:])
			if e.Redacted == "" && LeafHash(lines[i]) != leaf {
				return nil, cp, &FileError{File: "log/" + dt.Path(), Line: 2*i + 1,
					Err: fmt.Errorf("条目内容与哈希瓦片 %s 记载的叶哈希不符（条目被改动）", t.Path())}
			}
			if err := l.add(e, leaf, checkHashes|public); err != nil {
				return nil, cp, &FileError{File: "log/" + dt.Path(), Line: 2*i + 1, Err: err}
			}
		}
	}
	root, err := l.TreeHash(cp.N)
	if err != nil {
		return nil, cp, err
	}
	if root != cp.Hash {
		return nil, cp, fmt.Errorf("由条目计算的树根哈希 %s 与检查点记载的 %s 不符：发布记录与签名的检查点不一致（条目或检查点被替换）", root, cp.Hash)
	}
	for _, t := range tiles {
		if t.L == 0 {
			continue
		}
		want, err := tlog.ReadTileData(t, l)
		if err != nil {
			return nil, cp, err
		}
		got, err := fetch(t.Path())
		if err != nil {
			return nil, cp, fmt.Errorf("读取 %s：%w", t.Path(), err)
		}
		if !bytes.Equal(got, want) {
			return nil, cp, fmt.Errorf("哈希瓦片 %s 与条目计算的不符", t.Path())
		}
	}
	return l, cp, nil
}

// VerifyCheckpoint checks the log's stored checkpoint with vkey (or one of
// the previous keys, see OpenCheckpoint) and that it signs the tree of the
// log's first N entries. It returns the checkpoint; entries after it are
// unsigned (the caller decides what that means).
func (l *Log) VerifyCheckpoint(vkey string, previous ...string) (Checkpoint, error) {
	if l.Checkpoint == nil {
		if l.Size() == 0 {
			return Checkpoint{}, nil
		}
		return Checkpoint{}, errors.New("发布记录有条目但没有检查点（data/ledger/checkpoint 缺失）")
	}
	cp, err := OpenCheckpoint(l.Checkpoint, vkey, previous...)
	if err != nil {
		return cp, err
	}
	if cp.N > l.Size() {
		return cp, fmt.Errorf("检查点记载 %d 条，发布记录只有 %d 条：条目被删除", cp.N, l.Size())
	}
	root, err := l.TreeHash(cp.N)
	if err != nil {
		return cp, err
	}
	if root != cp.Hash {
		return cp, fmt.Errorf("前 %d 条条目计算的树根哈希 %s 与检查点记载的 %s 不符：已签名的条目被改动、删除或调换，或检查点被替换", cp.N, root, cp.Hash)
	}
	return cp, nil
}

// Consistent checks, with a tlog consistency proof, that the log's tree
// of size cp.N (whose root is cp.Hash) extends an older tree of size n
// with root h: history up to n was not rewritten.
func (l *Log) Consistent(cp Checkpoint, n int64, h tlog.Hash) error {
	if n > cp.N {
		return fmt.Errorf("发布记录从 %d 条缩减为 %d 条：历史被删除", n, cp.N)
	}
	if n == 0 {
		return nil
	}
	proof, err := tlog.ProveTree(cp.N, n, l)
	if err != nil {
		return err
	}
	if err := tlog.CheckTree(proof, cp.N, cp.Hash, n, h); err != nil {
		return fmt.Errorf("一致性证明不成立：当前发布记录（%d 条）不是此前所见发布记录（%d 条，根哈希 %s）的延续，历史被改写", cp.N, n, h)
	}
	return nil
}

// MatchPublished checks that a published log (fetch, whose checkpoint cp
// the caller opened with the key) is the site's own log l as a build
// publishes it, without parsing and replaying it again: every hash tile of
// cp's tree must be the one l's entries make, and every line of every data
// tile must be l's entry itself (its leaf hash is l's) or a stub withholding
// that entry, with all of a record's entries withheld or none. l must be
// verified (Read with Verify, VerifyCheckpoint) and its checkpoint be cp:
// then the published log proves what ReadPublished would, entry for entry.
// It returns the reason each withheld record is withheld, by key.
func (l *Log) MatchPublished(fetch Fetch, cp Checkpoint) (map[string]string, error) {
	if cp.N > l.Size() {
		return nil, fmt.Errorf("检查点记载 %d 条，站点文件夹中的发布记录只有 %d 条", cp.N, l.Size())
	}
	withheld := map[string]string{}
	shown := map[string]bool{}
	for _, t := range tlog.NewTiles(TileHeight, 0, cp.N) {
		want, err := tlog.ReadTileData(t, l)
		if err != nil {
			return nil, err
		}
		got, err := fetch(t.Path())
		if err != nil {
			return nil, fmt.Errorf("读取 %s：%w", t.Path(), err)
		}
		if !bytes.Equal(got, want) {
			return nil, fmt.Errorf("哈希瓦片 %s 与站点文件夹中的发布记录计算的不符（瓦片被改动，或网站未按当前发布记录生成）", t.Path())
		}
		if t.L != 0 {
			continue
		}
		dt := t
		dt.L = -1
		data, err := fetch(dt.Path())
		if err != nil {
			return nil, fmt.Errorf("读取 %s：%w", dt.Path(), err)
		}
		lines := bytes.Split(data, []byte("\n\n"))
		if len(lines) != t.W+1 || len(lines[t.W]) != 0 {
			return nil, fmt.Errorf("%s：应有 %d 条（每条后空一行），格式不符", dt.Path(), t.W)
		}
		start := t.N << TileHeight
		for i := 0; i < t.W; i++ {
			n := start + int64(i)
			se := l.Entries[n]
			key := se.Key()
			fail := func(format string, args ...any) error {
				return &FileError{File: "log/" + dt.Path(), Line: 2*i + 1, Err: &ReplayError{N: n, Key: key, V: se.V, Msg: fmt.Sprintf(format, args...)}}
			}
			if LeafHash(lines[i]) == l.LeafHash(n) {
				if _, ok := withheld[key]; ok {
					return nil, fail("该记录的较早条目已隐去，此条却未隐去")
				}
				shown[key] = true
				continue
			}
			e, err := ParseEntry(lines[i], true)
			if err != nil {
				return nil, &FileError{File: "log/" + dt.Path(), Line: 2*i + 1, Err: err}
			}
			switch {
			case e.Redacted == "":
				return nil, fail("条目内容与站点文件夹中的第 %d 条不同（条目被改动）", n)
			case e.N != n || e.Kind != se.Kind || e.ID != se.ID || e.V != se.V:
				return nil, fail("隐去的条目为 %s 第 %d 版（第 %d 条），此位置应为 %s 第 %d 版", e.Key(), e.V, e.N, key, se.V)
			case shown[key]:
				return nil, fail("该记录的较早条目未隐去，此条却隐去了")
			}
			if _, ok := withheld[key]; !ok {
				withheld[key] = e.Redacted
			}
		}
	}
	return withheld, nil
}

package ledger

import (
	"os"
	"testing"
)

// FuzzReadSegment feeds arbitrary bytes to the reader of a segment file: it
// must return entries or an error, never panic, and what it accepts must
// replay or be refused by the log with an error.
func FuzzReadSegment(f *testing.F) {
	dir := f.TempDir()
	l, _ := history(f, dir)
	var seg []byte
	for _, e := range l.Entries {
		seg = append(append(seg, e.Encode()...), '\n')
	}
	f.Add(seg, false)
	f.Add(seg[:len(seg)/2], false)
	f.Add([]byte("{}\n"), true)
	f.Add([]byte(`{"n":0,"kind":"disclosures","id":"d","v":1,"redacted":"公示期满"}`+"\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, public bool) {
		es, leaves, err := parseLines(data, "fuzz", 0, public)
		if err != nil {
			return
		}
		if len(es) != len(leaves) {
			t.Fatalf("%d entries, %d leaves", len(es), len(leaves))
		}
		lg := NewLog()
		mode := checkHashes
		if public {
			mode |= public0
		}
		for i, e := range es {
			if lg.add(e, leaves[i], mode) != nil {
				return
			}
		}
		if _, err := lg.TreeHash(lg.Size()); err != nil {
			t.Fatal(err)
		}
	})
}

// public0 is the replay mode for published logs (the name public is taken
// by the fuzz argument above).
const public0 = public

// FuzzReadPublished feeds an arbitrary data tile to the published-log
// reader beside valid hash tiles and checkpoint: anything but the real tile
// must be refused with an error, never a panic.
func FuzzReadPublished(f *testing.F) {
	l, skey := history(f, f.TempDir())
	vkey := mustPublic(f, skey)
	cp, err := l.VerifyCheckpoint(vkey)
	if err != nil {
		f.Fatal(err)
	}
	files := map[string][]byte{}
	if err := l.PublishFiles(l.Checkpoint, cp, vkey, func(r *Record) string { return Redaction(r, "2025-08-01") },
		func(name string, b []byte) error { files[name] = b; return nil }); err != nil {
		f.Fatal(err)
	}
	const data = "tile/8/data/000.p/5"
	real := string(files[data])
	f.Add(files[data])
	f.Add([]byte(""))
	f.Add([]byte("\n\n\n\n\n\n\n\n\n\n"))
	f.Fuzz(func(t *testing.T, tile []byte) {
		fetch := func(name string) ([]byte, error) {
			if name == data {
				return tile, nil
			}
			if b, ok := files[name]; ok {
				return b, nil
			}
			return nil, os.ErrNotExist
		}
		_, _, err := ReadPublished(fetch, vkey)
		if err == nil && string(tile) != real {
			t.Fatalf("accepted a data tile that is not the published one: %q", tile)
		}
	})
}

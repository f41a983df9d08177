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
		pub, _, err := ReadPublished(fetch, vkey)
		if err == nil && string(tile) != real {
			t.Fatalf("accepted a data tile that is not the published one: %q", tile)
		}
		// Comparing with the site's log (verify -site) accepts exactly what
		// reading and replaying the published log does, and finds the same
		// records withheld.
		withheld, merr := l.MatchPublished(fetch, cp)
		if (err == nil) != (merr == nil) {
			t.Fatalf("ReadPublished: %v; MatchPublished: %v", err, merr)
		}
		if err == nil {
			for _, r := range pub.Records() {
				if withheld[r.Key()] != r.Redacted {
					t.Fatalf("%s withheld %q by MatchPublished, %q by ReadPublished", r.Key(), withheld[r.Key()], r.Redacted)
				}
			}
		}
	})
}

// FuzzScanMatches: wherever the fast scanner accepts a fragment, its
// visible text is exactly the tokenizer's (the scanner only saves time).
func FuzzScanMatches(f *testing.F) {
	for _, s := range []string{
		"<p>企业开办全流程1个工作日内办结。</p>\n<p>第二段 &lt;https://a.example/?x=1&amp;y=2&gt;</p>",
		`<p>见<a href="https://www.gov.cn/">中国政府网</a>和<a href="#top">顶部</a>，<a href="mailto:a@b.cn">a@b.cn</a></p>`,
		`<ul><li>一</li><li>二 &#34;引号&#34; &#39;x&#39; &#43;1</li></ul><img src="a.png" alt="图"><img alt="">`,
		`<a href="/departments/fgw/">临沂市发展和改革委员会</a>`,
		`<time datetime="2025-06-30">2025年6月30日</time>`,
		"<P>upper</P><!-- c --><script>x</script>&nbsp;&#0;\r\n",
		`<span a="1" a="2">dup</span><br><hr>`, `<p>&#x41;&#065;&#126;&#127;&quot;&gt</p>`, "<a>x</a", "<p\ttitle=\"a\">x</p>",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, links bool) {
		got, ok := visibleTextSimple(s, links)
		if !ok {
			return
		}
		if want := visibleTextTokenized(s, links); got != want {
			t.Fatalf("scanner %q, tokenizer %q", got, want)
		}
	})
}

package ledger

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"

	"portal/generator/model"
)

func TestEntryRoundTrip(t *testing.T) {
	e := &Entry{N: 3, Date: "2025-07-01", Op: OpChange, Kind: model.KindCommitment, ID: "e01", V: 2,
		Hash: strings.Repeat("ab", 32), Set: map[string]string{"deadline": "2025-12-31", "status": "in_progress"},
		Edit: map[string][]string{"body": {"=5", "-2", "+新文字<b>&"}}, Unset: []string{"summary"}, Note: "因征地延误调整时限"}
	line := e.Encode()
	assert.Equal(t, `{"n":3,"date":"2025-07-01","op":"change","kind":"commitments","id":"e01","v":2,"hash":"`+strings.Repeat("ab", 32)+
		`","set":{"deadline":"2025-12-31","status":"in_progress"},"edit":{"body":["=5","-2","+新文字<b>&"]},"unset":["summary"],"note":"因征地延误调整时限"}`, string(line))
	got, err := ParseEntry(line, false)
	require.NoError(t, err)
	assert.Equal(t, e, got)
	assert.Equal(t, []string{"deadline", "status", "summary", "body"}, got.Changed())
	assert.Equal(t, tlog.RecordHash(e.Leaf()), LeafHash(line))
}

func TestParseEntryRejects(t *testing.T) {
	h := strings.Repeat("0", 64)
	for _, tc := range []struct{ line, want string }{
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x"}} `, "canonical"},
		{`{"date":"2025-01-01","n":0,"op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x"}}`, "canonical"},
		{`{"n":0, "date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x"}}`, "canonical"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"\u0078"}}`, "canonical"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x","body":"y"}}`, "canonical"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x","title":"y"}}`, "canonical"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x"},"extra":1}`, "unknown field"},
		{`{"n":0,"date":"2025-1-1","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x"}}`, "date"},
		{`{"n":0,"date":"2025-01-01","op":"edit","kind":"commitments","id":"a","v":1,"hash":"` + h + `"}`, "op"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"pages","id":"a","v":1,"hash":"` + h + `"}`, "kind"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a/b","v":1,"hash":"` + h + `"}`, "id"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":0,"hash":"` + h + `"}`, "v:"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"xyz"}`, "hash"},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"colour":"x"}}`, "not a field"},
		{`{"n":0,"date":"2025-01-01","op":"change","kind":"commitments","id":"a","v":2,"hash":"` + h + `","edit":{"deadline":["=1"]}}`, "not a text field"},
		{`{"n":0,"date":"2025-01-01","op":"change","kind":"commitments","id":"a","v":2,"hash":"` + h + `","edit":{"body":["*1"]}}`, "operation"},
		{`{"n":0,"date":"2025-01-01","op":"change","kind":"commitments","id":"a","v":2,"hash":"` + h + `"}`, "changes no field"},
		{`{"n":0,"date":"2025-01-01","op":"remove","kind":"commitments","id":"a","v":2,"hash":"` + h + `"}`, "remove carries"},
		{`{"n":0,"kind":"commitments","id":"a","v":2,"redacted":"公示期满"}`, "only the published log"},
		{"{\"n\":0,\"date\":\"2025-01-01\",\"op\":\"add\",\"kind\":\"commitments\",\"id\":\"a\",\"v\":1,\"hash\":\"" + h + "\",\"set\":{\"title\":\"\xff\"}}", "UTF-8"},
	} {
		_, err := ParseEntry([]byte(tc.line), false)
		if assert.Error(t, err, tc.line) {
			assert.Contains(t, err.Error(), tc.want, tc.line)
		}
	}
	_, err := ParseEntry([]byte(`{"n":0,"kind":"disclosures","id":"a","v":2,"redacted":"公示期满"}`), true)
	assert.NoError(t, err)
}

func FuzzParseEntry(f *testing.F) {
	h := strings.Repeat("0", 64)
	for _, s := range []string{
		`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"title":"x"}}`,
		`{"n":1,"date":"2025-01-02","op":"change","kind":"news","id":"b","v":2,"hash":"` + h + `","edit":{"body":["=1","+新"]},"unset":["summary"]}`,
		`{"n":2,"date":"2025-01-03","op":"remove","kind":"records","id":"c","v":3}`,
		`{"n":3,"kind":"disclosures","id":"d","v":1,"redacted":"已撤销"}`,
		`{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, line []byte, public bool) {
		e, err := ParseEntry(line, public)
		if err != nil {
			return
		}
		if string(e.Encode()) != string(line) {
			t.Fatalf("accepted a line it does not write: %q", line)
		}
		again, err := ParseEntry(e.Encode(), public)
		if err != nil || again.Key() != e.Key() {
			t.Fatalf("round trip: %v", err)
		}
	})
}

func TestDiffOps(t *testing.T) {
	for _, tc := range []struct{ old, new string }{
		{"企业开办全流程1个工作日内办结", "企业开办全流程3个工作日内办结"},
		{"完成时限为2025年6月30日。", "完成时限调整为2025年12月31日，并增加一项。"},
		{"第一段\n第二段\n第三段", "第一段\n第三段\n第四段"},
		{"a", "b"},
		{"", "新"},
		{"旧", ""},
		{strings.Repeat("为深入贯彻落实党中央、国务院的决策部署。\n", 200), strings.Repeat("为深入贯彻落实党中央、国务院的决策部署。\n", 100) + "新增一段。\n" + strings.Repeat("为深入贯彻落实党中央、国务院的决策部署。\n", 99)},
	} {
		segs := Diff(tc.old, tc.new)
		ops := Ops(segs)
		got, err := ApplyOps(tc.old, ops)
		require.NoError(t, err)
		assert.Equal(t, tc.new, got)
		back, err := SegmentsOf(tc.old, ops)
		require.NoError(t, err)
		assert.Equal(t, segs, back)
	}
	segs := Diff("企业开办全流程1个工作日内办结", "企业开办全流程3个工作日内办结")
	assert.Equal(t, []Segment{{'=', "企业开办全流程"}, {'-', "1"}, {'+', "3"}, {'=', "个工作日内办结"}}, segs)
	_, err := ApplyOps("abc", []string{"=2"})
	assert.ErrorContains(t, err, "unaccounted")
	_, err = ApplyOps("abc", []string{"=4"})
	assert.ErrorContains(t, err, "past the end")
}

func FuzzDiffOps(f *testing.F) {
	f.Add("企业开办全流程1个工作日内办结", "企业开办全流程3个工作日内办结")
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Fuzz(func(t *testing.T, a, b string) {
		if len(a) > 2000 || len(b) > 2000 {
			return
		}
		a, b = NormText(a), NormText(b)
		got, err := ApplyOps(a, Ops(Diff(a, b)))
		if a != "" && (err != nil || got != b) {
			t.Fatalf("ApplyOps(%q, Diff → %q) = %q, %v", a, b, got, err)
		}
	})
}

// history builds a log of a commitment and a disclosure over three
// publishes in dir.
func history(t testing.TB, dir string) (*Log, string) {
	skey, _ := testKey(t)
	l := NewLog()
	c, d := startup(), penalty()
	publish(t, dir, l, skey, "2024-11-25", versionOf(t, c), versionOf(t, d))
	c.Deadline = day0("2025-12-31")
	c.Body = strings.Replace(c.Body, "1个工作日", "3个工作日", 1)
	c.Progress = append(c.Progress, model.Progress{Date: day0("2025-06-01"), Status: model.StatusInProgress, Note: "试点扩大到全市"})
	publish(t, dir, l, skey, "2025-06-01", versionOf(t, c), versionOf(t, d))
	c.Status = model.StatusFulfilled
	publish(t, dir, l, skey, "2025-07-01", versionOf(t, c))
	return l, skey
}

func TestPlanAppendReadWrite(t *testing.T) {
	dir := t.TempDir()
	l, skey := history(t, dir)
	require.EqualValues(t, 5, l.Size())
	ops := []string{}
	for _, e := range l.Entries {
		ops = append(ops, fmt.Sprintf("%d %s %s v%d", e.N, e.Op, e.Key(), e.V))
	}
	assert.Equal(t, []string{"0 add commitments/e01 v1", "1 add disclosures/p01 v1", "2 change commitments/e01 v2",
		"3 change commitments/e01 v3", "4 remove disclosures/p01 v2"}, ops)
	e2 := l.Entries[2]
	assert.Equal(t, map[string]string{"deadline": "2025-12-31"}, e2.Set)
	assert.Contains(t, e2.Edit, "body")
	assert.Contains(t, e2.Edit, "progress")

	back, err := Read(dir, ReadOptions{Verify: true})
	require.NoError(t, err)
	assert.Equal(t, l.Size(), back.Size())
	cp, err := back.VerifyCheckpoint(mustPublic(t, skey))
	require.NoError(t, err)
	assert.EqualValues(t, 5, cp.N)
	require.NoError(t, back.CheckLatest())

	c := startup()
	c.Deadline = day0("2025-12-31")
	c.Body = strings.Replace(c.Body, "1个工作日", "3个工作日", 1)
	c.Progress = append(c.Progress, model.Progress{Date: day0("2025-06-01"), Status: model.StatusInProgress, Note: "试点扩大到全市"})
	c.Status = model.StatusFulfilled
	assert.Empty(t, back.Differences([]Version{versionOf(t, c)}), "the log's latest is the site")
	assert.Equal(t, []string{"commitments/e01", "disclosures/p01"}, back.Differences([]Version{versionOf(t, startup()), versionOf(t, penalty())}))

	// A later date than the last entry only.
	_, err = back.Plan(nil, "2025-06-30", "")
	assert.ErrorContains(t, err, "早于")

	// Nothing to publish: no entries.
	es, err := back.Plan([]Version{versionOf(t, c)}, "2025-08-01", "")
	require.NoError(t, err)
	assert.Empty(t, es)

	// Published again after removal: an add with the next version.
	es, err = back.Plan([]Version{versionOf(t, c), versionOf(t, penalty())}, "2025-08-01", "重新公示")
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, OpAdd, es[0].Op)
	assert.Equal(t, 3, es[0].V)
	assert.Equal(t, "重新公示", es[0].Note)
}

func TestSegmentsSeal(t *testing.T) {
	dir := t.TempDir()
	skey, vkey := testKey(t)
	l := NewLog()
	var vs []Version
	for i := 0; i < 300; i++ {
		c := startup()
		c.ID = fmt.Sprintf("c%03d", i)
		vs = append(vs, versionOf(t, c))
	}
	publish(t, dir, l, skey, "2025-01-01", vs[:200]...)
	publish(t, dir, l, skey, "2025-01-02", vs...)
	names := []string{}
	ents, _ := os.ReadDir(filepath.Join(dir, "entries"))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"000000.jsonl.gz", "000001.jsonl"}, names)
	back, err := Read(dir, ReadOptions{Verify: true})
	require.NoError(t, err)
	assert.EqualValues(t, 300, back.Size())
	_, err = back.VerifyCheckpoint(vkey)
	require.NoError(t, err)

	// A sealed segment the remembered tree covers is decoded without the
	// strict checks, to the same entries; changed, it is read strictly.
	opts := ReadOptions{Verify: true}
	opts.Verified.N = 256
	opts.Verified.Hash, err = back.TreeHash(256)
	require.NoError(t, err)
	light, err := Read(dir, opts)
	require.NoError(t, err)
	assert.Equal(t, back.Entries, light.Entries)
	seg := filepath.Join(dir, "entries", "000000.jsonl.gz")
	f, err := os.Open(seg)
	require.NoError(t, err)
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	f.Close()
	// Not canonical (a space): ParseEntry refuses what json.Unmarshal takes.
	plain = bytes.Replace(plain, []byte(`{"n":3,`), []byte(`{"n": 3,`), 1)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	_, err = zw.Write(plain)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(seg, z.Bytes(), 0o644))
	_, err = Read(dir, opts)
	require.ErrorContains(t, err, "entries/000000.jsonl.gz:4")
	require.ErrorIs(t, err, ErrNotCanonical)
}

func TestCheckpoint(t *testing.T) {
	skey, vkey := testKey(t)
	cp := Checkpoint{Origin: "xyxx.example.gov.cn/log", N: 7, Hash: tlog.RecordHash([]byte("x"))}
	signed, err := Sign(cp, skey)
	require.NoError(t, err)
	got, err := OpenCheckpoint(signed, vkey)
	require.NoError(t, err)
	assert.Equal(t, cp, got)
	pub, err := PublicKey(skey)
	require.NoError(t, err)
	assert.Equal(t, vkey, pub)

	_, other := testKey(t)
	_, err = OpenCheckpoint(signed, other)
	assert.ErrorContains(t, err, "不是用本站公钥")
	_, otherNamed, _ := GenerateKey("other.example/log")
	_, err = OpenCheckpoint(signed, otherNamed)
	assert.ErrorContains(t, err, "不是用本站公钥")
	forged := strings.Replace(string(signed), "\n7\n", "\n8\n", 1)
	_, err = OpenCheckpoint([]byte(forged), vkey)
	assert.ErrorContains(t, err, "签名无效")
	_, err = Sign(Checkpoint{Origin: "other/log", N: 1}, skey)
	assert.ErrorContains(t, err, "不是本站的密钥")
	_, _, err = GenerateKey("bad name")
	assert.Error(t, err)
}

func TestPublishedLog(t *testing.T) {
	dir := t.TempDir()
	l, skey := history(t, dir)
	vkey := mustPublic(t, skey)
	cp, err := l.VerifyCheckpoint(vkey)
	require.NoError(t, err)
	files := map[string][]byte{}
	write := func(name string, b []byte) error { files[name] = b; return nil }
	redact := func(r *Record) string { return Redaction(r, "2025-08-01") }
	require.NoError(t, l.PublishFiles(l.Checkpoint, cp, vkey, redact, write))
	assert.Contains(t, files, "tile/8/0/000.p/5")
	assert.Contains(t, files, "tile/8/data/000.p/5")
	assert.Contains(t, string(files["tile/8/data/000.p/5"]), `{"n":1,"kind":"disclosures","id":"p01","v":1,"redacted":"已删除"}`)
	assert.NotContains(t, string(files["tile/8/data/000.p/5"]), "某某商贸", "a removed disclosure's content is not published")
	fetch := func(name string) ([]byte, error) {
		b, ok := files[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		return b, nil
	}
	pub, pcp, err := ReadPublished(fetch, vkey)
	require.NoError(t, err)
	assert.Equal(t, cp, pcp)
	assert.Equal(t, "已删除", pub.Record("disclosures/p01").Redacted)
	assert.Equal(t, "fulfilled", pub.Record("commitments/e01").Latest.Get("status"))

	// An earlier checkpoint is consistent with the log; a made-up one is not.
	old, err := l.TreeHash(3)
	require.NoError(t, err)
	require.NoError(t, pub.Consistent(pcp, 3, old))
	assert.ErrorContains(t, pub.Consistent(pcp, 3, tlog.RecordHash([]byte("rewritten"))), "历史被改写")
	assert.ErrorContains(t, pub.Consistent(pcp, 9, old), "缩减")
}

func TestClassify(t *testing.T) {
	base := versionOf(t, startup())
	edit := func(f func(c *model.Commitment)) *Version {
		c := startup()
		f(c)
		v := versionOf(t, c)
		return &v
	}
	types := func(ms []Material) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Type)
		}
		return out
	}
	for name, tc := range map[string]struct {
		cur  *Version
		want []string
	}{
		"deadline later":   {edit(func(c *model.Commitment) { c.Deadline = day0("2025-12-31") }), []string{DeadlineLater}},
		"deadline earlier": {edit(func(c *model.Commitment) { c.Deadline = day0("2025-05-31") }), nil},
		"fulfilled":        {edit(func(c *model.Commitment) { c.Status = model.StatusFulfilled }), nil},
		"backwards":        {edit(func(c *model.Commitment) { c.Status = model.StatusPending }), []string{StatusBackward}},
		"broken":           {edit(func(c *model.Commitment) { c.Status = model.StatusBroken }), nil},
		"withdrawn":        {edit(func(c *model.Commitment) { c.Status = model.StatusWithdrawn }), []string{CommitmentWithdraw}},
		"promise reworded": {edit(func(c *model.Commitment) { c.Title = "企业开办全流程3个工作日内办结" }), []string{PromiseChanged}},
		"lead body":        {edit(func(c *model.Commitment) { c.Department = "fgw" }), []string{LeadChanged}},
		"progress appended": {edit(func(c *model.Commitment) {
			c.Progress = append(c.Progress, model.Progress{Date: day0("2025-02-01"), Note: "x"})
		}), nil},
		"progress rewritten": {edit(func(c *model.Commitment) { c.Progress[0].Note = "已完成" }), []string{ProgressRewritten}},
		"tags only":          {edit(func(c *model.Commitment) { c.Tags = []string{"新标签"} }), nil},
		"removed":            {nil, []string{CommitmentRemoved}},
		"several at once":    {edit(func(c *model.Commitment) { c.Deadline = day0("2026-01-01"); c.Status = model.StatusPending }), []string{DeadlineLater, StatusBackward}},
	} {
		cur := tc.cur
		assert.Equal(t, tc.want, types(Classify(&base, cur, "2025-05-01")), name)
	}
	dropped := versionOf(t, startup())
	dropped.set("deadline", "")
	assert.Equal(t, []string{DeadlineLater}, types(Classify(&base, &dropped, "2025-05-01")), "deadline dropped")
	d := versionOf(t, penalty())
	d2 := versionOf(t, func() *model.Disclosure { p := penalty(); p.Content = "罚款人民币三千元"; return p }())
	assert.Equal(t, []string{ContentChanged}, types(Classify(&d, &d2, "2025-05-01")))
	assert.Nil(t, Classify(&d, &d2, "2026-04-01"), "after the 公示截止期 a change is not material")
	assert.Equal(t, []string{RemovedEarly}, types(Classify(&d, nil, "2025-05-01")))
	w := versionOf(t, func() *model.Disclosure {
		p := penalty()
		p.Withdrawn = true
		p.WithdrawnNote = "信用修复"
		return p
	}())
	assert.Equal(t, []string{RemovedEarly}, types(Classify(&d, &w, "2025-05-01")))
	s := versionOf(t, func() *model.Disclosure { p := penalty(); p.PublicityUntil = day0("2025-06-01"); return p }())
	assert.Equal(t, []string{PublicityShortened}, types(Classify(&d, &s, "2025-05-01")))
	assert.Equal(t, "xzsp", Responsible(&base, nil))
}

func TestHistory(t *testing.T) {
	l, _ := history(t, t.TempDir())
	revs, err := l.History("commitments/e01")
	require.NoError(t, err)
	require.Len(t, revs, 3)
	assert.Empty(t, revs[0].Changes)
	var fields []string
	for _, c := range revs[1].Changes {
		fields = append(fields, c.Field.Name)
	}
	assert.Equal(t, []string{"deadline", "body", "progress"}, fields)
	dl := revs[1].Changes[0]
	assert.Equal(t, "2025-06-30", dl.Old)
	assert.Equal(t, "2025-12-31", dl.New)
	body := revs[1].Changes[1]
	assert.Contains(t, body.Segments, Segment{'-', "1"})
	assert.Contains(t, body.Segments, Segment{'+', "3"})
	removed, added := revs[1].Changes[2].Lines()
	assert.Empty(t, removed)
	assert.Equal(t, []string{"2025-06-01\tin_progress\t试点扩大到全市\t"}, added)
	var types []string
	for _, m := range revs[1].Material {
		types = append(types, m.Type)
	}
	assert.Equal(t, []string{DeadlineLater, PromiseChanged}, types)
	assert.Empty(t, revs[2].Material, "fulfilled is not a step back")

	drevs, err := l.History("disclosures/p01")
	require.NoError(t, err)
	require.Len(t, drevs, 2)
	assert.Nil(t, drevs[1].Version.Values)
	assert.Equal(t, RemovedEarly, drevs[1].Material[0].Type)
}

// publishedFiles is l's published log as a build writes it on 2025-08-01
// (the removed disclosure withheld), and its checkpoint.
func publishedFiles(t testing.TB, l *Log, vkey string) (map[string][]byte, Checkpoint) {
	cp, err := l.VerifyCheckpoint(vkey)
	require.NoError(t, err)
	files := map[string][]byte{}
	require.NoError(t, l.PublishFiles(l.Checkpoint, cp, vkey, func(r *Record) string { return Redaction(r, "2025-08-01") },
		func(name string, b []byte) error { files[name] = b; return nil }))
	return files, cp
}

func fetchFrom(files map[string][]byte) Fetch {
	return func(name string) ([]byte, error) {
		b, ok := files[name]
		if !ok {
			return nil, os.ErrNotExist
		}
		return b, nil
	}
}

// TestMatchPublished: the published log must be the site's own, entry for
// entry, with withheld records as stubs; every other difference is named.
func TestMatchPublished(t *testing.T) {
	l, skey := history(t, t.TempDir())
	vkey := mustPublic(t, skey)
	const data, hashes = "tile/8/data/000.p/5", "tile/8/0/000.p/5"
	line := func(files map[string][]byte, n int) []byte {
		return bytes.Split(files[data], []byte("\n\n"))[n]
	}
	setLine := func(files map[string][]byte, n int, b []byte) {
		lines := bytes.Split(files[data], []byte("\n\n"))
		lines[n] = b
		files[data] = bytes.Join(lines, []byte("\n\n"))
	}
	for _, tc := range []struct {
		name   string
		tamper func(files map[string][]byte)
		want   string // "" when it matches
	}{
		{"as built", func(map[string][]byte) {}, ""},
		{"an entry's content edited", func(f map[string][]byte) {
			setLine(f, 0, bytes.Replace(line(f, 0), []byte("1个工作日"), []byte("2个工作日"), 1))
		}, "条目内容与站点文件夹中的第 0 条不同"},
		{"a withheld entry shown", func(f map[string][]byte) { setLine(f, 1, l.Entries[1].Encode()) }, "此条却隐去了"},
		{"a shown record's first entry withheld", func(f map[string][]byte) {
			setLine(f, 0, Stub(l.Entries[0], "已撤销").Encode())
		}, "此条却未隐去"},
		{"a stub of another version", func(f map[string][]byte) {
			e := *l.Entries[4]
			e.V = 3
			setLine(f, 4, Stub(&e, "已删除").Encode())
		}, "此位置应为 disclosures/p01 第 2 版"},
		{"a hash tile changed", func(f map[string][]byte) { f[hashes] = append([]byte{f[hashes][0] ^ 1}, f[hashes][1:]...) }, "哈希瓦片 tile/8/0/000.p/5"},
		{"an entry dropped", func(f map[string][]byte) {
			lines := bytes.Split(f[data], []byte("\n\n"))
			f[data] = bytes.Join(append(lines[:2], lines[3:]...), []byte("\n\n"))
		}, "格式不符"},
		{"a data tile missing", func(f map[string][]byte) { delete(f, data) }, "读取 tile/8/data/000.p/5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files, cp := publishedFiles(t, l, vkey)
			tc.tamper(files)
			withheld, err := l.MatchPublished(fetchFrom(files), cp)
			if tc.want == "" {
				require.NoError(t, err)
				assert.Equal(t, map[string]string{"disclosures/p01": "已删除"}, withheld)
				return
			}
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// TestReadVerifiedPrefix: a tree remembered as verified spares only the
// entries that still make it; an edited entry changes the root and is
// checked again.
func TestReadVerifiedPrefix(t *testing.T) {
	dir := t.TempDir()
	l, _ := history(t, dir)
	var leaves []tlog.Hash
	for n := int64(0); n < l.Size(); n++ {
		leaves = append(leaves, l.LeafHash(n))
		want, err := l.TreeHash(n + 1)
		require.NoError(t, err)
		require.Equal(t, want, rootOf(leaves), "tree of %d", n+1)
	}
	opts := ReadOptions{Verify: true}
	opts.Verified.N, opts.Verified.Hash = l.Size(), rootOf(leaves)
	_, err := Read(dir, opts)
	require.NoError(t, err)

	seg := filepath.Join(dir, "entries", "000000.jsonl")
	b, err := os.ReadFile(seg)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(seg, bytes.Replace(b, []byte(`"deadline":"2025-06-30"`), []byte(`"deadline":"2025-09-30"`), 1), 0o644))
	_, err = Read(dir, opts)
	require.ErrorContains(t, err, "内容哈希")
}

// FuzzEntryForms holds the hand-written checks of an entry's id, hash and
// date to the regular expressions they were first written as.
func FuzzEntryForms(f *testing.F) {
	id := regexp.MustCompile(`^[^/\s\\][^/\s\\]{0,199}$`)
	hash := regexp.MustCompile(`^[0-9a-f]{64}$`)
	date := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	for _, s := range []string{"", "e01", "a/b", "a b", "a\vb", "a\\b", "企业", "\xff", strings.Repeat("x", 200), strings.Repeat("企", 201),
		strings.Repeat("ab", 32), strings.Repeat("AB", 32), "2025-06-30", "2025-6-30", "２０２５-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		assert.Equal(t, id.MatchString(s), isID(s), "id %q", s)
		assert.Equal(t, hash.MatchString(s), isHash(s), "hash %q", s)
		assert.Equal(t, date.MatchString(s), isDateForm(s), "date %q", s)
	})
}

package ledger

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

func TestDecodeCanonical(t *testing.T) {
	h := strings.Repeat("ab", 32)
	for _, tc := range []struct {
		line string
		ok   bool
	}{
		{`{"n":3,"date":"2025-07-01","op":"change","kind":"commitments","id":"e01","v":2,"hash":"` + h +
			`","set":{"deadline":"2025-12-31","status":"in_progress"},"edit":{"body":["=5","-2","+新文字<b>&"]},"unset":["summary"],"note":"因征地延误调整时限"}`, true},
		{`{"n":0,"kind":"disclosures","id":"d","v":1,"redacted":"公示期满"}`, true},
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"news","id":"a","v":1,"hash":"` + h + `","set":{"body":"一\n二\t\"三\"\\ \u0001 \u2028 ` + "\x7f" + `"}}`, true},
		// Not Encode's: the decoder leaves them to encoding/json.
		{`{"n":0,"date":"2025-01-01","op":"add","kind":"news","id":"a","v":1,"hash":"` + h + `","set":{"title":"x"}} `, false},
		{`{"n":00,"kind":"news","id":"a","v":1}`, false},
		{`{"n":-1,"kind":"news","id":"a","v":1}`, false},
		{`{"n":1.0,"kind":"news","id":"a","v":1}`, false},
		{`{"n":0,"kind":"news","id":"a","v":1,"set":{}}`, false},
		{`{"n":0,"kind":"news","id":"a","v":1,"set":{"b":"1","a":"2"}}`, false},
		{`{"n":0,"kind":"news","id":"a","v":1,"set":{"a":"1","a":"2"}}`, false},
		{`{"n":0,"kind":"news","id":"a","v":1,"edit":{"body":[]}}`, false},
		{`{"n":0,"kind":"news","id":"a","v":1,"unset":null}`, false},
		{`{"n":0,"date":"","kind":"news","id":"a","v":1}`, false},
		{`{"n":0,"kind":"news","id":"a\/b","v":1}`, false},
		{`{"n":0,"kind":"news","id":"\u0041","v":1}`, false},
		{`{"n":0,"kind":"news","id":"\u000a","v":1}`, false},
		{`{"n":0,"kind":"news","id":"\u001F","v":1}`, false},
		{"{\"n\":0,\"kind\":\"news\",\"id\":\"\u2028\",\"v\":1}", false},
		{"{\"n\":0,\"kind\":\"news\",\"id\":\"\t\",\"v\":1}", false},
		{"{\"n\":0,\"kind\":\"news\",\"id\":\"\xff\",\"v\":1}", false},
		{`{"kind":"news","n":0,"id":"a","v":1}`, false},
		{`{"n":0,"kind":"news","id":"a","v":1,"extra":1}`, false},
		{`{"n":1234567890123456789,"kind":"news","id":"a","v":1}`, false},
	} {
		e, ok := decodeCanonical(tc.line, false)
		require.Equal(t, tc.ok, ok, tc.line)
		if ok {
			assert.Equal(t, tc.line, string(e.Encode()))
			var want Entry
			require.NoError(t, json.Unmarshal([]byte(tc.line), &want))
			assert.Equal(t, &want, e)
		}
	}
}

// FuzzDecodeCanonical: the fast decoder accepts only lines Encode writes,
// decoding them as encoding/json does, so ParseEntry accepts and refuses
// exactly what it did with encoding/json alone.
func FuzzDecodeCanonical(f *testing.F) {
	h := strings.Repeat("0", 64)
	for _, s := range []string{
		`{"n":0,"date":"2025-01-01","op":"add","kind":"commitments","id":"a","v":1,"hash":"` + h + `","set":{"body":"x\ny","title":"x"}}`,
		`{"n":1,"date":"2025-01-02","op":"change","kind":"news","id":"b","v":2,"hash":"` + h + `","edit":{"body":["=1","+新"],"title":["-1","+\"x\""]},"unset":["summary"],"note":"n"}`,
		`{"n":2,"date":"2025-01-03","op":"remove","kind":"records","id":"c","v":3}`,
		`{"n":3,"kind":"disclosures","id":"d","v":1,"redacted":"已撤销"}`,
		`{"n":0,"kind":"news","id":"\u0001\b\f\n\r\t\"\\\u2028\u2029","v":1}`,
		`{}`, `[]`, `null`, ``,
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, line []byte, public bool) {
		buf := bytes.Clone(line)
		if e, ok := decodeLine(buf); ok {
			clear(buf) // the reader's buffer, reused: the entry must not share it
			if string(e.Encode()) != string(line) {
				t.Fatalf("accepted %q, which Encode writes %q", line, e.Encode())
			}
			var want Entry
			if err := json.Unmarshal(line, &want); err != nil {
				t.Fatalf("accepted %q, which encoding/json refuses: %v", line, err)
			}
			assert.Equal(t, &want, e)
		}
		got, gerr := ParseEntry(line, public)
		want, werr := parseEntryJSON(line, public)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("ParseEntry: %v; by encoding/json: %v", gerr, werr)
		}
		assert.Equal(t, want, got)
	})
}

// FuzzEncodeCanonical: every entry Encode writes is read by the fast
// decoder, as encoding/json reads it.
func FuzzEncodeCanonical(f *testing.F) {
	f.Add(int64(3), "commitments", "e01", 2, "body", "新文字<b>&\n\t\"\\", "note")
	f.Add(int64(0), "", "", 1, "", "", "")
	f.Add(int64(9), "news", "\u2028\x01", 7, "a\u2029", "\xff", "\x7f")
	f.Fuzz(func(t *testing.T, n int64, kind, id string, v int, k, val, note string) {
		if n < 0 || n >= 1e18 || v < 0 || v >= 1e18 {
			return
		}
		e := &Entry{N: n, Date: note, Op: val, Kind: model.Kind(kind), ID: id, V: v, Hash: k, Note: note, Redacted: val,
			Set: map[string]string{k: val, k + "x": note}, Edit: map[string][]string{k: {val, note}, val: {k}}, Unset: []string{k, val}}
		line := e.Encode()
		var want Entry
		require.NoError(t, json.Unmarshal(line, &want))
		if string(want.Encode()) != string(line) {
			return // invalid UTF-8 written as \ufffd: not a line Encode writes of what it reads
		}
		got, ok := decodeLine(line)
		require.True(t, ok, "%s", line)
		assert.Equal(t, &want, got)
	})
}

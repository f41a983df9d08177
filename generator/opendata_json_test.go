package generator

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encodedOpenJSON is openData's encoding/json path, the reference.
func encodedOpenJSON(objs []any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(objs)
	return b.String(), err
}

type openRowA struct {
	ID       string   `json:"id"`
	Title    string   `json:"title,omitempty"`
	Tags     []string `json:"tags"`
	More     []string `json:"more,omitempty"`
	N        int      `json:"n,omitempty"`
	M        int      `json:"m"`
	OK       bool     `json:"ok"`
	Example  bool     `json:"example,omitempty"`
	Plain    string
	Skipped  string `json:"-"`
	internal string
}

type openRowEmpty struct{}

type openRowString struct {
	N int `json:"n,string"`
}

type openRowEmbedded struct {
	openRowA
	X string `json:"x"`
}

type openRowKind string

type openRowNamed struct {
	K openRowKind `json:"k"`
}

type openRowMarshal struct {
	T textish `json:"t"`
}

type textish string

func (t textish) MarshalText() ([]byte, error) { return []byte("T" + string(t)), nil }

type openRowFloat struct {
	F float64 `json:"f"`
}

type openRowFloatOmit struct {
	F float64 `json:"f,omitempty"`
}

func TestOpenJSON(t *testing.T) {
	full := openRowA{ID: "c1", Title: "承诺 \"引号\" \\ <&>\n\t", Tags: []string{"a", "", "标签"}, More: []string{"x"}, N: -3, M: 7, OK: true, Example: true, Plain: "p", Skipped: "s", internal: "i"}
	tests := map[string]struct {
		objs    []any
		written bool // writeOpenJSON writes it (else the caller falls back)
	}{
		"nil":             {nil, true},
		"empty":           {[]any{}, true},
		"full":            {[]any{full}, true},
		"zero":            {[]any{openRowA{}}, true},
		"empty tags":      {[]any{openRowA{Tags: []string{}, More: []string{}}}, true},
		"rows of types":   {[]any{full, openRowA{ID: "2"}, openRowEmpty{}, openRowNamed{K: "k"}}, true},
		"empty struct":    {[]any{openRowEmpty{}}, true},
		"odd text":        {[]any{openRowA{ID: "\x01\u2028"}}, false},
		"invalid UTF-8":   {[]any{openRowA{Tags: []string{"\xff"}}}, false},
		"string option":   {[]any{openRowString{N: 1}}, false},
		"embedded":        {[]any{openRowEmbedded{X: "x"}}, false},
		"marshaler":       {[]any{openRowMarshal{T: "x"}}, false},
		"float":           {[]any{openRowFloat{F: 1.25}, openRowFloat{}, openRowFloatOmit{}, openRowFloatOmit{F: 3000.5}}, true},
		"tiny float":      {[]any{openRowFloat{F: 1e-9}}, false},
		"huge float":      {[]any{openRowFloat{F: 1e22}}, false},
		"pointer row":     {[]any{&full}, false},
		"raw row":         {[]any{full, json.RawMessage(`{"id":"r"}`)}, false},
		"nil row":         {[]any{nil}, false},
		"map row":         {[]any{map[string]string{"a": "b"}}, false},
		"a string as row": {[]any{"x"}, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			want, err := encodedOpenJSON(tt.objs)
			require.NoError(t, err)
			var got bytes.Buffer
			ok := writeOpenJSON(&got, tt.objs)
			require.Equal(t, tt.written, ok)
			if ok {
				assert.Equal(t, want, got.String())
			}
		})
	}
}

func FuzzOpenJSON(f *testing.F) {
	f.Add("临沂市发展改革委", "\"\\\n\r\t<&>", 2, true, 2500.5)
	f.Add("\x00\u2028\xff", "", -1, false, 0.0)
	f.Add("", "\u2029", 0, true, -1e21)
	f.Add("a", "b", 1, false, 1e-7)
	f.Add("a", "b", 1, false, math.Copysign(0, -1))
	f.Fuzz(func(t *testing.T, a, b string, n int, flag bool, x float64) {
		row := openRowA{ID: a, Title: b, Tags: []string{a, b}, N: n, M: -n, OK: flag, Example: !flag, Plain: a + b}
		if flag {
			row.Tags, row.More = nil, []string{b}
		}
		objs := []any{row, openRowEmpty{}, openRowNamed{K: openRowKind(b)}, openRowFloat{F: x}, openRowFloatOmit{F: x}}
		want, err := encodedOpenJSON(objs)
		var got bytes.Buffer
		if writeOpenJSON(&got, objs) {
			require.NoError(t, err)
			require.Equal(t, want, got.String())
		}
	})
}

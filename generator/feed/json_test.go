package feed

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkJSON requires JSON (written in Go) to give jsonEncoded's bytes, or
// its error.
func checkJSON(t *testing.T, f *Feed) {
	t.Helper()
	want, wantErr := jsonEncoded(f)
	got, err := JSON(f)
	if wantErr != nil {
		require.Error(t, err)
		assert.Equal(t, wantErr.Error(), err.Error())
		return
	}
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

// The JSON Feed written in Go is encoding/json's, byte for byte, on every
// optional member and every kind of string.
func TestJSONWriter(t *testing.T) {
	odd := "控制\x01\x1f \b\f 换行\n\r\t 引号\" 反斜杠\\ <&> \u2028\u2029 坏\xff\xfe 零\x00 \U0001F600"
	variants := map[string]func(f *Feed){
		"sample":       func(f *Feed) {},
		"no items":     func(f *Feed) { f.Items, f.Updated = nil, day(2025, 1, 1) },
		"empty items":  func(f *Feed) { f.Items, f.Updated = []Item{}, day(2025, 1, 1) },
		"no optionals": func(f *Feed) { f.Language, f.Description, f.Author, f.Self = "", "", "", URLs{} },
		"item optionals": func(f *Feed) {
			f.Items[0].Summary, f.Items[0].HTML, f.Items[0].Author, f.Items[0].Categories = "", "", "", nil
		},
		"empty tags": func(f *Feed) { f.Items[0].Categories = []string{} },
		"one tag":    func(f *Feed) { f.Items[0].Categories = []string{""} },
		"odd strings": func(f *Feed) {
			f.Title, f.Items[0].Title, f.Items[0].HTML, f.Items[0].Categories = odd, odd, odd, []string{odd, "x"}
		},
		"odd author":      func(f *Feed) { f.Author, f.Items[1].Author = odd, odd },
		"utc":             func(f *Feed) { f.Location = nil },
		"nanoseconds":     func(f *Feed) { f.Items[0].Published = time.Date(2025, 3, 1, 8, 9, 10, 123456789, shanghai) },
		"year 10000":      func(f *Feed) { f.Items[1].Published = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"negative year":   func(f *Feed) { f.Items[1].Updated = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"invalid (no id)": func(f *Feed) { f.Items[0].ID = "" },
	}
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			f := sample()
			v(f)
			checkJSON(t, f)
		})
	}
	// The sample is written in Go, not handed back to encoding/json.
	sc := jsonScratches.Get().(*jsonScratch)
	defer jsonScratches.Put(sc)
	var b bytes.Buffer
	require.True(t, writeJSON(&b, sc, sample()))
	want, err := jsonEncoded(sample())
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())
}

func FuzzJSONWriter(f *testing.F) {
	f.Add("标题 <b> & “引号”", "摘要", "<p>正文</p>", "作者", "标签", int64(0))
	f.Add("a\x00\x1f\"\\\u2028", "\xff", "\n\r\t\b\f", "", "", int64(1<<40))
	f.Fuzz(func(t *testing.T, title, summary, content, author, tag string, nanos int64) {
		fd := sample()
		fd.Title, fd.Description, fd.Author = title, summary, author
		it := &fd.Items[0]
		it.Title, it.Summary, it.HTML, it.Author, it.Categories = title, summary, content, author, []string{tag, title}
		it.Updated = it.Published.Add(time.Duration(nanos))
		checkJSON(t, fd)
	})
}

// writeJSONString writes encoding/json's string, HTML unescaped.
func FuzzJSONString(f *testing.F) {
	for _, s := range []string{"", "a", "中文\u2028", "\u2029x", "\xe2\x80", "\"\\\n\r\t\b\f\x00\x1f\x7f", "<&>", "\xff", "\U0001F600"} {
		f.Add(s)
	}
	sc := jsonScratches.Get().(*jsonScratch)
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		require.NoError(t, enc.Encode(s))
		var got bytes.Buffer
		got.WriteString("x")
		writeJSONString(&got, sc, s)
		require.Equal(t, "x"+strings.TrimSuffix(want.String(), "\n"), got.String())
	})
}

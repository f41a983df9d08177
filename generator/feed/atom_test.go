package feed

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkAtom requires Atom (written in Go) to give atomEncoded's bytes, or its
// error.
func checkAtom(t *testing.T, f *Feed) {
	t.Helper()
	want, wantErr := atomEncoded(f)
	got, err := Atom(f)
	if wantErr != nil {
		require.Error(t, err)
		assert.Equal(t, wantErr.Error(), err.Error())
		return
	}
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

// The Atom written in Go is encoding/xml's, byte for byte, on every
// optional element and every kind of text.
func TestAtomWriter(t *testing.T) {
	odd := "控制\x01\x1f 换行\n\r\t 引号\"' <&> ]]> ]]]>> 坏\xff\xfe 零\x00 \uFFFE \U0001F600 \uFFFD"
	variants := map[string]func(f *Feed){
		"sample":       func(f *Feed) {},
		"no items":     func(f *Feed) { f.Items, f.Updated = nil, day(2025, 1, 1) },
		"no optionals": func(f *Feed) { f.Language, f.Description, f.Author, f.Self = "", "", "", URLs{} },
		"item optionals": func(f *Feed) {
			f.Items[0].Summary, f.Items[0].HTML, f.Items[0].Author, f.Items[0].Categories = "", "", "", nil
		},
		"empty category": func(f *Feed) { f.Items[0].Categories = []string{""} },
		"odd text":       func(f *Feed) { f.Title, f.Description, f.Items[0].Title, f.Items[0].Summary = odd, odd, odd, odd },
		"odd html":       func(f *Feed) { f.Items[0].HTML, f.Items[1].HTML = odd, "]]>]]>" },
		"odd ids":        func(f *Feed) { f.Items[0].ID, f.Items[0].Author, f.Items[0].Categories = odd, odd, []string{odd} },
		"odd links": func(f *Feed) {
			f.HomeURL, f.Self.Atom, f.Items[0].Link = "https://x/a\"b<c>&'\xff\uFFFE", "https://x/\t\n\x00", "https://x/?a=1&b=2"
		},
		"utc":             func(f *Feed) { f.Location = nil },
		"updated later":   func(f *Feed) { f.Items[1].Updated = day(2026, 1, 1) },
		"invalid (no id)": func(f *Feed) { f.Items[0].ID = "" },
		"feed id":         func(f *Feed) { f.ID = "tag:x,2025:/feed<&>" },
		"no authors":      func(f *Feed) { f.Author, f.Items[0].Author = "", "" },
		"entry authors":   func(f *Feed) { f.Author, f.Items[1].Author = "", "作者" },
		"odd language":    func(f *Feed) { f.Language = "zh\"<&>" },
	}
	for name, v := range variants {
		t.Run(name, func(t *testing.T) {
			f := sample()
			v(f)
			checkAtom(t, f)
		})
	}
}

func FuzzAtomWriter(f *testing.F) {
	f.Add("标题 <b> & “引号”", "摘要", "<p>正文 ]]> </p>", "作者", "https://x/?a=1&b=2", int64(0))
	f.Add("a\x00\x1f\"'\r\n\t", "\xff", "]]]>>", "", "https://x/\xff", int64(1<<40))
	f.Fuzz(func(t *testing.T, title, summary, content, author, link string, nanos int64) {
		fd := sample()
		fd.Title, fd.Description, fd.Author, fd.Self.Atom = title, summary, author, link
		it := &fd.Items[0]
		it.Title, it.Summary, it.HTML, it.Author, it.Categories, it.ID = title, summary, content, author, []string{author, title}, "tag:"+title
		it.Published = it.Published.Add(time.Duration(nanos))
		checkAtom(t, fd)
	})
}

// The odd links above pass validation: their escaping is compared, not
// two errors.
func TestAtomWriterOddLinks(t *testing.T) {
	f := sample()
	f.HomeURL, f.Self.Atom = "https://x/a\"b<c>&'\xff\uFFFE", "https://x/\t\n\x00"
	require.NoError(t, f.validate())
	checkAtom(t, f)
}

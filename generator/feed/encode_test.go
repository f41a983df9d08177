package feed

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkEncode holds Encode to RSS, Atom and JSON on fd: the same document
// for every format asked for, nil for the others, and an error exactly when
// one of the writers asked for gives one.
func checkEncode(t *testing.T, fd *Feed) {
	t.Helper()
	for mask := range 8 {
		want := [3]bool{mask&1 != 0, mask&2 != 0, mask&4 != 0}
		got, err := Encode(fd, want)
		failed := false
		for i, w := range writers {
			if !want[i] {
				assert.Nil(t, got[i], w.name)
				continue
			}
			doc, werr := w.fn(fd)
			if werr != nil {
				failed = true
				require.Error(t, err, w.name)
				assert.Contains(t, err.Error(), werr.Error(), w.name)
				if fd.validate() == nil {
					assert.Nil(t, got[i], w.name)
				}
				continue
			}
			if fd.validate() == nil {
				assert.Equal(t, string(doc), string(got[i]), w.name)
			}
		}
		if !failed {
			require.NoError(t, err, "formats %v", want)
		}
	}
}

func TestEncode(t *testing.T) {
	cases := map[string]func(*Feed){
		"sample":          func(*Feed) {},
		"no items":        func(f *Feed) { f.Items = nil; f.Updated = time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC) },
		"invalid":         func(f *Feed) { f.Items[0].Link = "/news/n1/" },
		"atom, no author": func(f *Feed) { f.Author = ""; f.Items[0].Author = "" },
		"odd text":        func(f *Feed) { f.Title, f.Items[0].Title, f.Items[0].HTML = "a\x00\uFFFE", "]]>\xff", "<p>\x0b</p>" },
		"no zone":         func(f *Feed) { f.Location = nil },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			fd := sample()
			change(fd)
			checkEncode(t, fd)
		})
	}
}

func FuzzEncode(f *testing.F) {
	f.Add("标题 <b> & “引号”", "摘要", "<p>正文 ]]> </p>", "作者", "https://x/?a=1&b=2", int64(0))
	f.Add("a\x00\x1f\"'\r\n\t", "\xff", "]]]>>", "", "https://x/\xff", int64(1<<40))
	f.Add(" ", "", "", "", "/relative", int64(-1))
	f.Fuzz(func(t *testing.T, title, summary, content, author, link string, nanos int64) {
		fd := sample()
		fd.Title, fd.Description, fd.Author, fd.Self.RSS = title, summary, author, link
		it := &fd.Items[0]
		it.Title, it.Summary, it.HTML, it.Author, it.Categories, it.ID, it.Link = title, summary, content, author, []string{author, title}, "tag:"+title, link
		it.Published = it.Published.Add(time.Duration(nanos))
		checkEncode(t, fd)
	})
}

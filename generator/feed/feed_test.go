package feed

import (
	"bytes"
	"encoding/xml"
	"flag"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	nethtml "golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, shanghai) }

// sample is a small feed with the characters that break naive writers:
// markup characters in plain text, Chinese quotes, and HTML content.
func sample() *Feed {
	return &Feed{
		Title:       "临沂市政务诚信公开平台 · 信用动态",
		Description: "信用动态栏目的最新内容",
		HomeURL:     "https://xyxx.example.gov.cn/news/",
		Self: URLs{
			RSS:  "https://xyxx.example.gov.cn/news/feed.xml",
			Atom: "https://xyxx.example.gov.cn/news/atom.xml",
			JSON: "https://xyxx.example.gov.cn/news/feed.json",
		},
		Language: "zh-CN",
		Author:   "临沂市政务诚信公开平台",
		Location: shanghai,
		Items: []Item{
			{
				ID:         "tag:xyxx.example.gov.cn,2025-03-01:/news/%E6%96%B0%E9%97%BB",
				Title:      `“诚信临沂”建设 <试行> & 推进`,
				Link:       "https://xyxx.example.gov.cn/news/%E6%96%B0%E9%97%BB/",
				Summary:    `摘要含 <b>不是标签</b> & “引号”`,
				HTML:       `<p>正文 <a href="https://xyxx.example.gov.cn/policies/p1/">政策</a> A &amp; B &lt;C&gt;</p>`,
				Published:  day(2025, 3, 1),
				Updated:    day(2025, 3, 5),
				Categories: []string{"信用动态", "营商环境", "R&D"},
				Author:     "临沂市发展和改革委员会",
			},
			{
				ID:        "tag:xyxx.example.gov.cn,2025-01-15:/news/n2",
				Title:     "第二条",
				Link:      "https://xyxx.example.gov.cn/news/n2/",
				HTML:      "<p>内容 ]]> 结束</p>",
				Published: day(2025, 1, 15),
			},
		},
	}
}

type writer struct {
	name string
	ext  string
	fn   func(*Feed) ([]byte, error)
}

var writers = []writer{{"rss", "xml", RSS}, {"atom", "atom", Atom}, {"json", "json", JSON}}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got))
}

func TestWritersGolden(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			got, err := w.fn(sample())
			require.NoError(t, err)
			golden(t, "sample."+w.ext, got)
			again, err := w.fn(sample())
			require.NoError(t, err)
			assert.Equal(t, got, again, "two runs must give identical bytes")
		})
	}
}

func TestWritersParse(t *testing.T) {
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			f := sample()
			data, err := w.fn(f)
			require.NoError(t, err)
			p, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			require.NoError(t, err)

			assert.Equal(t, f.Title, p.Title)
			assert.Equal(t, "zh-CN", p.Language)
			assert.Equal(t, f.HomeURL, p.Link)
			switch w.name {
			case "rss":
				assert.Equal(t, f.Self.RSS, p.FeedLink)
			case "atom":
				assert.Equal(t, f.Self.Atom, p.FeedLink)
			case "json":
				assert.Equal(t, f.Self.JSON, p.FeedLink)
			}
			require.NotNil(t, p.UpdatedParsed, "feed date")
			assert.True(t, p.UpdatedParsed.Equal(day(2025, 3, 5)), "feed date is the newest item date, got %v", p.UpdatedParsed)

			require.Len(t, p.Items, 2)
			for i, pi := range p.Items {
				it := f.Items[i]
				assert.Equal(t, it.ID, pi.GUID)
				assert.Equal(t, it.Title, pi.Title)
				assert.Equal(t, it.Link, pi.Link)
				require.NotNil(t, pi.PublishedParsed)
				assert.True(t, pi.PublishedParsed.Equal(it.Published), "published %v", pi.PublishedParsed)
				assert.Equal(t, it.HTML, pi.Content, "content keeps the HTML as written, escaped once")
				if it.Summary != "" {
					switch w.name {
					case "rss": // description is HTML
						assert.Equal(t, it.Summary, html.UnescapeString(pi.Description))
					default:
						assert.Equal(t, it.Summary, pi.Description)
					}
				}
				assert.Equal(t, it.Categories, pi.Categories)
				if it.Author != "" {
					require.NotEmpty(t, pi.Authors)
					assert.Equal(t, it.Author, pi.Authors[0].Name)
				}
			}
			if w.name != "rss" { // RSS pubDate is the same instant, its Updated is absent
				require.NotNil(t, p.Items[0].UpdatedParsed)
				assert.True(t, p.Items[0].UpdatedParsed.Equal(day(2025, 3, 5)))
			}
		})
	}
}

func TestDateFormats(t *testing.T) {
	f := sample()
	rss, err := RSS(f)
	require.NoError(t, err)
	assert.Contains(t, string(rss), "<pubDate>Sat, 01 Mar 2025 00:00:00 +0800</pubDate>")
	assert.Contains(t, string(rss), "<lastBuildDate>Wed, 05 Mar 2025 00:00:00 +0800</lastBuildDate>")
	assert.Contains(t, string(rss), `<guid isPermaLink="false">tag:xyxx.example.gov.cn,2025-03-01:/news/%E6%96%B0%E9%97%BB</guid>`)
	assert.Contains(t, string(rss), `<atom:link href="https://xyxx.example.gov.cn/news/feed.xml" rel="self" type="application/rss+xml"></atom:link>`)

	atom, err := Atom(f)
	require.NoError(t, err)
	assert.Contains(t, string(atom), "<published>2025-03-01T00:00:00+08:00</published>")
	assert.Contains(t, string(atom), "<updated>2025-03-05T00:00:00+08:00</updated>")
	assert.Contains(t, string(atom), `<link href="https://xyxx.example.gov.cn/news/atom.xml" rel="self" type="application/atom+xml"></link>`)
	assert.Contains(t, string(atom), `<category term="R&amp;D"></category>`)
	// gorilla's own content, summary and category elements are replaced,
	// not written beside ours.
	assert.Equal(t, 2, strings.Count(string(atom), "<content "))
	assert.Equal(t, 1, strings.Count(string(atom), "<summary "))
	assert.NotContains(t, string(atom), "<category>")
	assert.Equal(t, 1, strings.Count(string(rss), "<description><![CDATA[摘要"))
	assert.NotContains(t, string(rss), "<author>", "RSS author must be an e-mail address; dc:creator is used")

	js, err := JSON(f)
	require.NoError(t, err)
	assert.Contains(t, string(js), `"date_published": "2025-03-01T00:00:00+08:00"`)
	assert.Contains(t, string(js), `"version": "https://jsonfeed.org/version/1.1"`)

	// A UTC input is still written in the feed's zone.
	f.Items[0].Published = time.Date(2025, 2, 28, 16, 0, 0, 0, time.UTC)
	rss, err = RSS(f)
	require.NoError(t, err)
	assert.Contains(t, string(rss), "<pubDate>Sat, 01 Mar 2025 00:00:00 +0800</pubDate>")
}

// TestEscaping checks that each value is escaped exactly once: a reader
// decoding the document gets back the text and HTML we put in.
func TestEscaping(t *testing.T) {
	f := sample()
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			data, err := w.fn(f)
			require.NoError(t, err)
			s := string(data)
			assert.NotContains(t, s, "&amp;amp;", "double-escaped ampersand")
			assert.NotContains(t, s, "&amp;lt;C", "double-escaped HTML content")
			assert.Contains(t, s, "“诚信临沂”", "Chinese quotes are written as is")
			if w.name != "json" {
				requireWellFormedXML(t, data)
			}
		})
	}
}

func requireWellFormedXML(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err != nil {
			require.ErrorContains(t, err, "EOF")
			return
		}
	}
}

func TestEmptyFeed(t *testing.T) {
	f := sample()
	f.Items = nil
	f.Updated = day(2024, 11, 25)
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			data, err := w.fn(f)
			require.NoError(t, err)
			p, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			require.NoError(t, err)
			assert.Empty(t, p.Items)
			switch w.name {
			case "json":
				assert.Contains(t, string(data), `"items": []`)
			case "rss":
				assert.NotContains(t, string(data), "Date>", "no item, no date")
			default:
				require.NotNil(t, p.UpdatedParsed)
				assert.True(t, p.UpdatedParsed.Equal(day(2024, 11, 25)))
			}
		})
	}
}

func TestInvalidFeeds(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Feed)
		want   string
	}{
		{"zero date", func(f *Feed) { f.Items[1].Published = time.Time{} }, "published date is missing"},
		{"empty id", func(f *Feed) { f.Items[0].ID = " " }, "id is empty"},
		{"duplicate id", func(f *Feed) { f.Items[1].ID = f.Items[0].ID }, "already used by item 1"},
		{"relative link", func(f *Feed) { f.Items[0].Link = "/news/n1/" }, "not an absolute"},
		{"empty title", func(f *Feed) { f.Items[0].Title = "" }, "title is empty"},
		{"relative home", func(f *Feed) { f.HomeURL = "news/" }, "home URL"},
		{"empty without date", func(f *Feed) { f.Items = nil }, "no items and no Updated date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, w := range writers {
				f := sample()
				tt.change(f)
				_, err := w.fn(f)
				require.Error(t, err, w.name)
				assert.Contains(t, err.Error(), tt.want, w.name)
			}
		})
	}
	t.Run("atom needs an author", func(t *testing.T) {
		f := sample()
		f.Author = ""
		_, err := Atom(f)
		require.ErrorContains(t, err, "Atom requires one")
	})
}

func TestNewest(t *testing.T) {
	items := []Item{
		{ID: "a", Published: day(2025, 1, 1)},
		{ID: "c", Published: day(2025, 3, 1)},
		{ID: "b", Published: day(2025, 3, 1)},
		{ID: "d", Published: day(2025, 2, 1), Updated: day(2025, 4, 1)},
	}
	got := Newest(items, 3)
	ids := []string{}
	for _, it := range got {
		ids = append(ids, it.ID)
	}
	assert.Equal(t, []string{"b", "c", "d"}, ids)
	assert.Len(t, Newest(items, 0), 4)
	assert.Equal(t, "a", items[0].ID, "input is not reordered")
}

func TestTagURI(t *testing.T) {
	tests := []struct {
		name string
		segs []string
		want string
	}{
		{"ascii", []string{"news", "n1"}, "tag:xyxx.example.gov.cn,2024-11-25:/news/n1"},
		{"chinese id", []string{"commitments", "企业开办"}, "tag:xyxx.example.gov.cn,2024-11-25:/commitments/%E4%BC%81%E4%B8%9A%E5%BC%80%E5%8A%9E"},
		{"slash in id", []string{"records", "a/b"}, "tag:xyxx.example.gov.cn,2024-11-25:/records/a%2Fb"},
		{"progress", []string{"commitments", "c1", "progress", "2"}, "tag:xyxx.example.gov.cn,2024-11-25:/commitments/c1/progress/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, TagURI("xyxx.example.gov.cn", day(2024, 11, 25), tt.segs...))
		})
	}
}

func TestAuthority(t *testing.T) {
	tests := []struct{ name, base, want, err string }{
		{"plain", "https://xyxx.example.gov.cn/", "xyxx.example.gov.cn", ""},
		{"port and case", "http://XYXX.Example.gov.cn:8080/sub/", "xyxx.example.gov.cn", ""},
		{"chinese domain (checked with Python's idna codec)", "https://信用临沂.中国/", "xn--miqr4bi88c8vh.xn--fiqs8s", ""},
		{"ipv4 preview", "http://127.0.0.1:1313/", "127.0.0.1", ""},
		{"ipv6 preview", "http://[::1]:1313/", "localhost", ""},
		{"bad domain", "https://a_b..cn/", "", "not a valid domain name"},
		{"relative", "/site/", "", "not an absolute URL"},
		{"empty", "", "", "not an absolute URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Authority(tt.base)
			if tt.err != "" {
				require.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAbsoluteHTML(t *testing.T) {
	const page = "https://x.gov.cn/portal/news/n1/"
	const root = "https://x.gov.cn/portal/"
	tests := []struct{ name, in, want string }{
		{"site relative", `<a href="/commitments/c1/">c</a>`, `<a href="https://x.gov.cn/portal/commitments/c1/">c</a>`},
		{"page relative", `<img src="chart.svg" alt="图"/>`, `<img src="https://x.gov.cn/portal/news/n1/chart.svg" alt="图"/>`},
		{"parent", `<a href="../n2/">n2</a>`, `<a href="https://x.gov.cn/portal/news/n2/">n2</a>`},
		{"fragment", `<a href="#fn:1">1</a>`, `<a href="https://x.gov.cn/portal/news/n1/#fn:1">1</a>`},
		{"absolute kept", `<a href="https://www.gov.cn/">gov</a>`, `<a href="https://www.gov.cn/">gov</a>`},
		{"mailto kept", `<a href="mailto:a@b.cn">a</a>`, `<a href="mailto:a@b.cn">a</a>`},
		{"text untouched", `<p>A &amp; B &lt;a href=&#34;/x&#34;&gt; “引号”</p>`, `<p>A &amp; B &lt;a href=&#34;/x&#34;&gt; “引号”</p>`},
		{"escaped attr", `<a href="/q?a=1&amp;b=2" title="&lt;t&gt;">q</a>`, `<a href="https://x.gov.cn/portal/q?a=1&amp;b=2" title="&lt;t&gt;">q</a>`},
		{"chinese path", `<a href="/commitments/%E6%89%BF%E8%AF%BA/">c</a>`, `<a href="https://x.gov.cn/portal/commitments/%E6%89%BF%E8%AF%BA/">c</a>`},
		{"root", `<a href="/">home</a>`, `<a href="https://x.gov.cn/portal/">home</a>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AbsoluteHTML(tt.in, page, root)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := AbsoluteHTML("<p>x</p>", "/news/", root)
	assert.ErrorContains(t, err, "not absolute")
}

// FuzzAbsoluteHTML checks that any fragment is rewritten without panic,
// that text outside tags survives untouched, and that no site-relative link
// is left behind.
func FuzzAbsoluteHTML(f *testing.F) {
	for _, s := range []string{
		`<p><a href="/a/">a</a> &amp; <img src="b.png"></p>`,
		`<a href="../x">`, `<a href=#f>`, `<a HREF='/x'>`, `text only`, `<a href="%zz">`,
		`<script>var a="<a href='/x'>"</script>`, `<a href="//other.cn/x">`, `<<a href=/y>>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := AbsoluteHTML(s, "https://x.gov.cn/news/n1/", "https://x.gov.cn/")
		if err != nil {
			return
		}
		z := newTokens(out)
		for _, a := range z {
			if strings.HasPrefix(a, "/") && !strings.HasPrefix(a, "//") {
				t.Fatalf("site-relative link %q left in %q", a, out)
			}
		}
	})
}

// newTokens returns the site-relative-looking href and src values of s.
func newTokens(s string) []string {
	var out []string
	z := nethtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			return out
		}
		if tt != nethtml.StartTagToken && tt != nethtml.SelfClosingTagToken {
			continue
		}
		for _, a := range z.Token().Attr {
			if a.Key != "href" && a.Key != "src" {
				continue
			}
			u, err := url.Parse(strings.TrimSpace(a.Val))
			if err == nil && !u.IsAbs() && u.Host == "" {
				out = append(out, strings.TrimSpace(a.Val))
			}
		}
	}
}

// FuzzWriters feeds arbitrary text through every writer: the output must
// parse, and give back the title (XML cannot carry every code point, so
// titles are compared only when they are valid XML text).
func FuzzWriters(f *testing.F) {
	for _, s := range []string{"标题 <b> & “引号”", "]]>", "\x00\x0b", "a\r\nb", "\uFFFE", "&amp;lt;"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, title, summary, content string) {
		fd := sample()
		fd.Items = fd.Items[:1]
		fd.Items[0].Title = title
		fd.Items[0].Summary = summary
		fd.Items[0].HTML = content
		for _, w := range writers {
			data, err := w.fn(fd)
			if err != nil {
				if strings.TrimSpace(title) == "" {
					continue
				}
				t.Fatalf("%s: %v", w.name, err)
			}
			p, err := gofeed.NewParser().Parse(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("%s: output does not parse: %v\n%s", w.name, err, data)
			}
			if len(p.Items) != 1 {
				t.Fatalf("%s: %d items", w.name, len(p.Items))
			}
		}
	})
}

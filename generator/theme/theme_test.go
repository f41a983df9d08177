package theme

import (
	"bytes"
	"html/template"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/themes"
)

func baseFS() fstest.MapFS {
	return fstest.MapFS{
		"layouts/baseof.html":          {Data: []byte(`<html lang="zh-CN"><title>{{.Page.Title}}</title>{{.Page.Header}}{{block "main" .}}{{end}}</html>`)},
		"layouts/partials/header.html": {Data: []byte(`<header>{{.Site}}</header>`)},
		"layouts/list.html":            {Data: []byte(`{{define "main"}}<main>{{.Data}}</main>{{end}}`)},
		"static/css/style.css":         {Data: []byte(`body{}`)},
	}
}

func TestLoadAndRender(t *testing.T) {
	th, err := Load(baseFS())
	require.NoError(t, err)
	assert.Equal(t, []string{"list"}, th.Layouts())
	var b bytes.Buffer
	require.NoError(t, th.Render(&b, "list", &Page{Title: "标题<1>"}, "站点", "数据&"))
	assert.Equal(t, `<html lang="zh-CN"><title>标题&lt;1&gt;</title><header>站点</header><main>数据&amp;</main></html>`, b.String())

	err = th.Render(&b, "missing", &Page{}, nil, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no layout "missing"`)
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(fstest.MapFS)
		wants []string
	}{
		{"syntax error names file and line", func(m fstest.MapFS) {
			m["layouts/list.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n\n{{if}}{{end}}")}
		}, []string{"layouts/list.html:3"}},
		{"layout without main", func(m fstest.MapFS) {
			m["layouts/news.html"] = &fstest.MapFile{Data: []byte(`<p>x</p>`)}
		}, []string{"layouts/news.html", `"main"`}},
		{"no baseof", func(m fstest.MapFS) { delete(m, "layouts/baseof.html") }, []string{"layouts/baseof.html"}},
		{"every broken layout reported", func(m fstest.MapFS) {
			m["layouts/a.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}{{.X}`)}
			m["layouts/b.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}{{end}`)}
		}, []string{"layouts/a.html", "layouts/b.html"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := baseFS()
			tt.edit(m)
			_, err := Load(m)
			require.Error(t, err)
			for _, w := range tt.wants {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestOverlay(t *testing.T) {
	top := fstest.MapFS{"layouts/partials/header.html": {Data: []byte(`<header>覆盖</header>`)}}
	th, err := Load(Overlay(top, baseFS()))
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, th.Render(&b, "list", &Page{}, nil, nil))
	assert.Contains(t, b.String(), "<header>覆盖</header>")
	assert.NotNil(t, th.Static())
}

func TestRenderPageAndPartial(t *testing.T) {
	th, err := Load(baseFS())
	require.NoError(t, err)
	th.SetSite("站")
	var b bytes.Buffer
	require.NoError(t, th.RenderPage(&b, "list", "搜索", "/search/", "结果"))
	assert.Contains(t, b.String(), "<header>站</header><main>结果</main>")
	h, err := th.Partial("header.html", Data{Site: "<x>"})
	require.NoError(t, err)
	assert.Equal(t, "<header>&lt;x&gt;</header>", string(h))
	_, err = th.Partial("nope.html", nil)
	assert.Error(t, err)
}

// TestDefaultThemeLoads parses the embedded default theme: a template error
// there would break every site.
func TestDefaultThemeLoads(t *testing.T) {
	th, err := Load(themes.Default())
	require.NoError(t, err)
	for _, l := range []string{"home", "list", "commitment", "department", "departments", "disclosure", "unpublished", "subject", "policy", "article", "record", "terms", "404"} {
		assert.True(t, th.Has(l), l)
	}
	css, err := th.Static().Open("css/style.css")
	require.NoError(t, err)
	css.Close()
	assert.False(t, strings.Contains(strings.Join(th.Layouts(), ","), "baseof"))
}

func TestMentions(t *testing.T) {
	fsys := fstest.MapFS{
		"layouts/baseof.html":          {Data: []byte(`<html>{{template "header.html" .}}{{block "main" .}}{{end}}</html>`)},
		"layouts/partials/header.html": {Data: []byte(`<h1>{{.Site.Title}}</h1>`)},
		"layouts/partials/stamp.html":  {Data: []byte(`{{with .Site}}{{.BuildDate}}{{end}}`)},
		"layouts/plain.html":           {Data: []byte(`{{define "main"}}{{.Page.Title}}{{end}}`)},
		"layouts/dated.html":           {Data: []byte(`{{define "main"}}{{if .Page}}{{template "stamp.html" .}}{{end}}{{end}}`)},
		"layouts/indexed.html":         {Data: []byte(`{{define "main"}}{{index .Site "BuildDate"}}{{end}}`)},
	}
	th, err := Load(fsys)
	require.NoError(t, err)
	assert.False(t, th.Mentions("plain", "BuildDate"))
	assert.True(t, th.Mentions("dated", "BuildDate"), "through a partial it calls")
	assert.True(t, th.Mentions("indexed", "BuildDate"), "through index and a string")
	assert.True(t, th.Mentions("missing", "BuildDate"), "unknown layouts assume the worst")

	other := fstest.MapFS{}
	for k, v := range fsys {
		other[k] = v
	}
	other["layouts/plain.html"] = &fstest.MapFile{Data: []byte(`{{define "main"}}<p>{{.Page.Title}}</p>{{end}}`)}
	th2, err := Load(other)
	require.NoError(t, err)
	assert.NotEqual(t, th.Digest(), th2.Digest(), "a template change changes the digest")
	th3, err := Load(fsys)
	require.NoError(t, err)
	assert.Equal(t, th.Digest(), th3.Digest())
}

// The Go shell is used for the default baseof.html only: a changed
// baseof.html (a site's, or the default edited without shell.go following)
// goes back to the template.
func TestDefaultShellIsFast(t *testing.T) {
	th, err := Load(themes.Default())
	require.NoError(t, err)
	for _, l := range th.Layouts() {
		assert.True(t, th.shells[l], "%s: layouts/baseof.html changed: update writeShell (shell.go) to match and shellSum to %s", l, TreeSum(th.layouts[l]))
	}
	over := fstest.MapFS{"layouts/baseof.html": {Data: []byte(`<html>{{block "main" .}}{{end}}</html>`)}}
	th, err = Load(Overlay(over, themes.Default()))
	require.NoError(t, err)
	assert.False(t, th.shells["list"])
	// A layout file that redefines the shell gets the template too.
	over = fstest.MapFS{"layouts/list.html": {Data: []byte(`{{define "layouts/baseof.html"}}<html>{{block "main" .}}{{end}}</html>{{end}}{{define "main"}}x{{end}}`)}}
	th, err = Load(Overlay(over, themes.Default()))
	require.NoError(t, err)
	assert.False(t, th.shells["list"])
	assert.True(t, th.shells["article"])
}

// EscapeHTML and EscapeURLAttr write what html/template's escapers write
// for a string in text, in a quoted attribute and in a URL attribute.
func FuzzShellEscapers(f *testing.F) {
	for _, s := range []string{"", "a", `"<b>&'+`, "\x00", "\xff\xfe", "/a b/?q=<x>&y=1", "javascript:alert(1)", "HTTP://x/%zz%4a%", "mailto:a@b", "a/b:c", "日本 語", "%", "%4", "%4G"} {
		f.Add(s)
	}
	tmpl := template.Must(template.New("").Parse(`<title>{{.}}</title><p title="{{.}}">{{.}}</p><a href="{{.}}">`))
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		require.NoError(t, tmpl.Execute(&want, s))
		var got bytes.Buffer
		got.WriteString(`<title>`)
		EscapeHTML(&got, s)
		got.WriteString(`</title><p title="`)
		EscapeHTML(&got, s)
		got.WriteString(`">`)
		EscapeHTML(&got, s)
		got.WriteString(`</p><a href="`)
		EscapeURLAttr(&got, s)
		got.WriteString(`">`)
		require.Equal(t, want.String(), got.String())
	})
}

// MainSum covers a layout's "main" and every partial it reaches, so a
// theme that replaces a partial changes the sum of the layouts calling it
// and of no other.
func TestMainSum(t *testing.T) {
	th, err := Load(themes.Default())
	require.NoError(t, err)
	assert.Empty(t, th.MainSum("no such layout"))
	for _, l := range th.Layouts() {
		assert.NotEmpty(t, th.MainSum(l), l)
	}
	// ind-cell.html is reached from indicators.html through
	// ind-row-head.html, and from no record page.
	over := fstest.MapFS{"layouts/partials/ind-cell.html": {Data: []byte(`{{.Text}}`)}}
	changed, err := Load(Overlay(over, themes.Default()))
	require.NoError(t, err)
	assert.NotEqual(t, th.MainSum("indicators"), changed.MainSum("indicators"))
	assert.Equal(t, th.MainSum("record"), changed.MainSum("record"))
	// A comment is no change.
	over = fstest.MapFS{"layouts/partials/ind-cell.html": {Data: append([]byte(`{{/* x */}}`), must(themes.Default(), "layouts/partials/ind-cell.html")...)}}
	same, err := Load(Overlay(over, themes.Default()))
	require.NoError(t, err)
	assert.Equal(t, th.MainSum("indicators"), same.MainSum("indicators"))
	// A partial the layout calls but the theme lacks (html/template
	// tells only at execution): no sum, so no Go writer stands in.
	over = fstest.MapFS{"layouts/list.html": {Data: []byte(`{{define "main"}}{{template "nowhere.html" .}}{{end}}`)}}
	missing, err := Load(Overlay(over, themes.Default()))
	require.NoError(t, err)
	assert.Empty(t, missing.MainSum("list"))
}

func must(fsys fs.FS, name string) []byte {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic(err)
	}
	return b
}

type shellSite struct{}

func (shellSite) ShellSite() (ShellSite, bool) {
	return ShellSite{Title: "站点", Footer: "<footer></footer>"}, true
}

// mainWriter writes the 404 layout's "main" in Go for the sum it knows.
type mainWriter struct{ sum string }

func (m mainWriter) WriteMain(b *bytes.Buffer, layout, sum string, d Data) (bool, error) {
	if layout != "404" || sum != m.sum {
		return false, nil
	}
	b.WriteString("<p>Go</p>")
	return true, nil
}

// The shell hands "main" to the page's MainWriter while the layout's
// MainSum is the writer's, and executes the template otherwise.
func TestMainWriter(t *testing.T) {
	th, err := Load(themes.Default())
	require.NoError(t, err)
	render := func(data any) string {
		var b bytes.Buffer
		require.NoError(t, th.Render(&b, "404", &Page{Title: "标题", Header: "<header></header>"}, shellSite{}, data))
		return b.String()
	}
	assert.Contains(t, render(mainWriter{sum: th.MainSum("404")}), "\n<p>Go</p>\n<p class=\"back-top\">")
	assert.Contains(t, render(mainWriter{sum: "other"}), "\n<h1 class=\"page-title\">页面未找到</h1>")
	assert.True(t, th.WritesMain("404", th.MainSum("404")))
	assert.False(t, th.WritesMain("404", "other"))
	assert.False(t, th.WritesMain("nowhere", ""))
	// Not with a shell of the site's own: the template calls "main".
	over := fstest.MapFS{"layouts/baseof.html": {Data: []byte(`<html>{{block "main" .}}{{end}}</html>`)}}
	own, err := Load(Overlay(over, themes.Default()))
	require.NoError(t, err)
	assert.False(t, own.WritesMain("404", own.MainSum("404")))
}

package page

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"portal/generator/diag"
)

// reserved ids would collide with list pages and feeds inside a section.
var reserved = []string{"status", "page", "category", "categories", "department", "departments", "year", "table", "type", "topic",
	"feed.xml", "atom.xml", "feed.json", "changes.xml", "index.html"}

// idRune reports whether r may appear in an id: letters (Chinese included),
// digits and marks, plus - _ . ~ which a URL path segment carries unescaped.
func idRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) ||
		r == '-' || r == '_' || r == '.' || r == '~'
}

// CheckID reports why id (a file name without its extension) cannot name a
// page, or nil. Ids become URL path segments: /commitments/<id>/.
func CheckID(id string) error {
	if id == "" {
		return diag.NewError("the file name is empty before .md")
	}
	if strings.HasPrefix(id, ".") {
		return diag.NewError("file name %q must not start with a dot", id)
	}
	if slices.Contains(reserved, strings.ToLower(id)) {
		return diag.NewError("file name %q is reserved for a list page or feed (rename the file)", id)
	}
	for _, r := range id {
		if idRune(r) {
			continue
		}
		q := fmt.Sprintf("%q", r)
		what := diag.Text{ZH: q, EN: q}
		switch {
		case r == '/':
			what = diag.Text{ZH: `"/"`, EN: `"/"`}
		case unicode.IsSpace(r):
			what = diag.Text{ZH: "空格", EN: "a space"}
		}
		return diag.NewError("file name %q contains %s, which cannot be in a page address (use letters, Chinese characters, digits, - _ . ~; e.g. replace spaces with -)", id, what)
	}
	return nil
}

// Slug makes an id from a title: whitespace becomes "-", characters not
// allowed in ids are dropped, runs of "-" collapse, and the result is cut to
// 40 characters. It returns "" when nothing usable is left.
func Slug(title string) string {
	var b strings.Builder
	dash := false
	n := 0
	for _, r := range title {
		if n >= 40 {
			break
		}
		switch {
		case unicode.IsSpace(r) || r == '-' || r == '_':
			dash = b.Len() > 0
			continue
		case !idRune(r) || r == '.' || r == '~':
			continue
		}
		if dash {
			b.WriteByte('-')
			n++
			dash = false
		}
		b.WriteRune(r)
		n++
	}
	s := b.String()
	if CheckID(s) != nil {
		return ""
	}
	return s
}

// maxSegmentBytes keeps a value that names a folder within the 255-byte limit
// of one file name on common file systems, with room for a suffix.
const maxSegmentBytes = 200

// reservedFiles are file names the build writes inside folders; a folder of
// the same name would collide with one of them.
var reservedFiles = []string{"index.html", "404.html", "feed.xml", "atom.xml", "feed.json", "changes.xml", "changes.json",
	"changes.atom.xml", "sitemap.xml", "robots.txt"}

// CheckSegment reports why value (a tag, a policy topic or another free-text
// value that becomes one folder of the output, as in /tags/<value>/) cannot
// name a folder, or nil. The build writes every page through one path check
// as well; this one exists so the content error names the file, line and key.
func CheckSegment(value string) error {
	for _, r := range value {
		switch {
		case r == '/' || r == '\\':
			return diag.NewError("%q contains %q, which would split it into several folders of the page address (write it without slashes, e.g. 、 or -)", value, r)
		case r == utf8.RuneError:
			return diag.NewError("%q contains an invalid character", value)
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return diag.NewError("%q contains the invisible character %U (remove it)", value, r)
		}
	}
	switch {
	case value == "":
		return diag.NewError("is empty")
	case value == "." || value == "..":
		return diag.NewError("%q cannot name a page address (it means the current or parent folder)", value)
	case strings.HasPrefix(value, "."):
		return diag.NewError("%q must not start with a dot (folders starting with a dot are hidden and web servers refuse them)", value)
	case len(value) > maxSegmentBytes:
		return diag.NewError("is %d bytes long; at most %d bytes (about %d Chinese characters) can name a page address", len(value), maxSegmentBytes, maxSegmentBytes/3)
	case slices.Contains(reservedFiles, strings.ToLower(value)):
		return diag.NewError("%q is the name of a file the build writes (choose another wording)", value)
	}
	return nil
}

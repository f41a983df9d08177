package page

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// reserved ids would collide with list pages and feeds inside a section.
var reserved = []string{"status", "page", "category", "categories", "department", "departments",
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
		return fmt.Errorf("the file name is empty before .md")
	}
	if strings.HasPrefix(id, ".") {
		return fmt.Errorf("file name %q must not start with a dot", id)
	}
	if slices.Contains(reserved, strings.ToLower(id)) {
		return fmt.Errorf("file name %q is reserved for a list page or feed (rename the file)", id)
	}
	for _, r := range id {
		if idRune(r) {
			continue
		}
		what := fmt.Sprintf("%q", r)
		switch {
		case r == '/':
			what = `"/"`
		case unicode.IsSpace(r):
			what = "a space"
		}
		return fmt.Errorf("file name %q contains %s, which cannot be in a page address (use letters, Chinese characters, digits, - _ . ~; e.g. replace spaces with -)", id, what)
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

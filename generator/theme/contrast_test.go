package theme

import (
	"io/fs"
	"math"
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/themes"
)

// luminance is the WCAG 2.1 relative luminance of #rrggbb.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	require.Len(t, hex, 7, hex)
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		require.NoError(t, err)
		s := float64(v) / 255
		if s <= 0.03928 {
			c[i] = s / 12.92
		} else {
			c[i] = math.Pow((s+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2]
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// TestDefaultThemeContrast checks the default theme's text colour pairs
// against WCAG 2.1 AA (4.5:1 for body text), reading the colours from the
// stylesheet's custom properties so a palette change is checked too.
func TestDefaultThemeContrast(t *testing.T) {
	css, err := fs.ReadFile(themes.Default(), "static/css/style.css")
	require.NoError(t, err)
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--([a-z-]+):\s*(#[0-9a-fA-F]{6})`).FindAllStringSubmatch(string(css), -1) {
		vars[m[1]] = m[2]
	}
	v := func(name string) string {
		c, ok := vars[name]
		require.True(t, ok, "--%s is not defined in style.css", name)
		return c
	}
	pairs := []struct {
		name, fg, bg string
	}{
		{"body text", v("ink"), v("bg")},
		{"muted text", v("muted"), v("bg")},
		{"muted on soft background (meta table labels)", v("muted"), v("bg-soft")},
		{"links", v("blue"), v("bg")},
		{"links on soft background", v("blue"), v("bg-soft")},
		{"red text (overdue)", v("red"), v("bg")},
		{"green badge", v("green"), v("bg")},
		{"amber badge", v("amber"), v("bg")},
		{"example badge", v("amber"), "#fff7e6"},
		{"header title on red", "#ffffff", v("red")},
		{"nav on blue", "#ffffff", v("blue")},
		{"current nav item", "#ffffff", "#083a66"},
		{"very overdue badge", "#ffffff", v("red")},
		{"banner text", v("red-dark"), "#fdecea"},
		{"footer text", "#f1f1f1", "#2b2f33"},
		{"footer links", "#cfe3ff", "#2b2f33"},
		{"footer date", "#d0d0d0", "#2b2f33"},
	}
	for _, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			assert.GreaterOrEqual(t, contrast(t, p.fg, p.bg), 4.5, "%s on %s", p.fg, p.bg)
		})
	}
}

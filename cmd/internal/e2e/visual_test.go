package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shotsDir is where screenshots go: $PORTAL_E2E_SHOTS to keep them for a
// person to look at, else the test's temporary folder.
func shotsDir(t *testing.T) string {
	if d := os.Getenv("PORTAL_E2E_SHOTS"); d != "" {
		require.NoError(t, os.MkdirAll(d, 0o755))
		return d
	}
	return t.TempDir()
}

// shoot saves a full-page PNG of the current page as name.png in shotsDir
// and returns its bytes.
func shoot(t *testing.T, ctx context.Context, dir, name string) []byte {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	require.NoError(t, err)
	file := filepath.Join(dir, name+".png")
	require.NoError(t, os.WriteFile(file, buf, 0o644))
	t.Logf("screenshot %s", file)
	return buf
}

// fontsOf lists the platform fonts chromium used for the text directly
// inside the first element matching sel, with the number of glyphs each drew.
func fontsOf(t *testing.T, ctx context.Context, sel string) map[string]float64 {
	t.Helper()
	present(t, ctx, sel)
	fonts, err := chromedp.Run(ctx, chromedp.QueryAfter(chromedp.CSS(sel),
		func(ctx context.Context, tg *chromedp.Target, nodes []*chromedp.Node) (map[string]float64, error) {
			if _, err := cdp.Call(ctx, tg, css.Enable, cdp.Empty{}); err != nil {
				return nil, err
			}
			res, err := cdp.Call(ctx, tg, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: nodes[0].NodeID})
			if err != nil {
				return nil, err
			}
			out := map[string]float64{}
			for _, f := range res.Fonts {
				out[f.FamilyName] += f.GlyphCount
			}
			return out, nil
		}))
	require.NoError(t, err, "fonts of %s", sel)
	return fonts
}

func TestScreenshots(t *testing.T) {
	dir := shotsDir(t)
	for _, tt := range []struct {
		name          string
		path          string
		width, height int64
		mobile        bool
		heading       string // an element whose Chinese text must be drawn with a CJK font
	}{
		{name: "home-phone", path: "/", width: 390, height: 844, mobile: true, heading: ".site-title"},
		{name: "home-desktop", path: "/", width: 1280, height: 800, heading: ".site-title"},
		{name: "complaints-phone", path: "/complaints/", width: 390, height: 844, mobile: true, heading: "h1"},
		{name: "complaints-desktop", path: "/complaints/", width: 1280, height: 800, heading: "h1"},
		// Not looked at as often, but they must not scroll sideways either.
		{name: "search-phone", path: "/search/?q=" + url.QueryEscape(foundingDocNumber), width: 390, height: 844, mobile: true, heading: "h1"},
		{name: "commitments-phone", path: "/commitments/status/overdue/", width: 390, height: 844, mobile: true, heading: "h1"},
		{name: "notfound-phone", path: "/no-such-page/", width: 390, height: 844, mobile: true, heading: "h1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := newTab(t)
			opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
			if tt.mobile {
				opts = append(opts, chromedp.EmulateMobile)
			}
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(tt.width, tt.height, opts...)))
			open(t, ctx, tt.path)

			// Nothing sticks out sideways: a phone user never scrolls left
			// and right to read a line.
			scroll, err := chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`))
			require.NoError(t, err)
			assert.LessOrEqual(t, scroll, tt.width, "page wider than the %d px viewport", tt.width)

			// Chinese is drawn with a CJK font, not as boxes from a fallback.
			fonts := fontsOf(t, ctx, tt.heading)
			cjk := false
			for name, glyphs := range fonts {
				if strings.Contains(name, "CJK") && glyphs > 0 {
					cjk = true
				}
			}
			assert.True(t, cjk, "%s is drawn with %v: no CJK font (install fonts-noto-cjk)", tt.heading, fonts)

			if tt.path == "/complaints/" {
				// Every one-line field is a comfortable target of the same
				// height, whatever its type (tel and email once had no style).
				heights, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`Object.fromEntries(
					[...document.querySelectorAll(".complaint-form input:not([type=checkbox]):not([type=hidden]):not(#f-website), .complaint-form select")]
						.map(e => [e.id, e.getBoundingClientRect().height]))`))
				require.NoError(t, err)
				require.Contains(t, heights, "f-phone")
				for id, h := range heights {
					assert.InDelta(t, heights["f-title"], h, 8, "height of #%s against #f-title (%v)", id, heights)
					assert.GreaterOrEqual(t, h, 32.0, "#%s is too small to tap", id)
				}
			}

			buf := shoot(t, ctx, dir, tt.name)
			img, err := png.Decode(bytes.NewReader(buf))
			require.NoError(t, err, "a PNG")
			b := img.Bounds()
			assert.Equal(t, int(tt.width), b.Dx(), "full width")
			assert.GreaterOrEqual(t, b.Dy(), int(tt.height), "at least the viewport's height")
			colours, inked := inkStats(img)
			assert.Greater(t, colours, 50, "distinct colours: a rendered page, not a blank one")
			assert.Greater(t, inked, 0.02, "share of pixels that differ from the background")
		})
	}
}

// inkStats samples img on a grid: the number of distinct colours, and the
// share of samples that differ from the most common colour (the background).
func inkStats(img image.Image) (int, float64) {
	b := img.Bounds()
	seen := map[[3]uint32]int{}
	total := 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}]++
			total++
		}
	}
	most := 0
	for _, n := range seen {
		most = max(most, n)
	}
	if total == 0 {
		return 0, 0
	}
	return len(seen), float64(total-most) / float64(total)
}

func TestSkipLinkIsFirstAndVisiblyFocused(t *testing.T) {
	ctx := newTab(t)
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800, chromedp.EmulateScale(1))))
	open(t, ctx, "/")

	// Tab once from the top of the page. The checks below read the page
	// through DevTools evaluation, which runs with page scripts disabled.
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)))
	type focus struct {
		Tag, Class, Href, Text     string
		OutlineStyle, OutlineWidth string
		Left, Top, Width, Height   float64
		ViewportWidth              float64
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[focus](`(() => {
		const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
		return {Tag: e.tagName, Class: e.className, Href: e.getAttribute("href") || "", Text: e.textContent.trim(),
			OutlineStyle: s.outlineStyle, OutlineWidth: s.outlineWidth,
			Left: r.left, Top: r.top, Width: r.width, Height: r.height,
			ViewportWidth: innerWidth};
	})()`))
	require.NoError(t, err)

	assert.Equal(t, "A", focused.Tag, "the first focusable element")
	assert.Equal(t, "skip-link", focused.Class)
	assert.Equal(t, "#main", focused.Href)
	assert.Equal(t, "跳到主要内容", focused.Text)
	assert.NotEqual(t, "none", focused.OutlineStyle, "a visible focus style")
	assert.NotEqual(t, "0px", focused.OutlineWidth, "a visible focus style")
	// Hidden off-screen until focused, then on screen.
	assert.GreaterOrEqual(t, focused.Left, 0.0, "the focused skip link is on screen")
	assert.GreaterOrEqual(t, focused.Top, 0.0)
	assert.LessOrEqual(t, focused.Left+focused.Width, focused.ViewportWidth)
	assert.Positive(t, focused.Width*focused.Height)

	// Enter follows it: the main content becomes the focus.
	require.NoError(t, chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)))
	assert.True(t, strings.HasSuffix(location(t, ctx), "#main"), location(t, ctx))
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	assert.Equal(t, "main", id, "focus moves to the main content")
}

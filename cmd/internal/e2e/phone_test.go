package e2e

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// phoneLayout is what TestPhoneFirst measures on a page at 390 × 844.
type phoneLayout struct {
	ViewportWidth, ViewportHeight float64
	PageWidth                     float64 // document scrollWidth
	HeaderBottom                  float64 // header and navigation, from the top of the page
	FirstResultBottom             float64 // the first result's title; -1 when the page has none
	Tables                        []struct {
		Caption  string
		Fits     bool    // the table is no wider than the screen
		Scrolls  bool    // the table scrolls sideways in a box of its own (the table or a wrapper)
		BoxRight float64 // the right edge of that box
		// CaptionRight is the right edge of the caption's text (0: none):
		// a caption that runs on past the box is read only by scrolling.
		CaptionRight float64
		Squeezed     []string // cells so narrow that they hold less than two characters a line
	}
	ChartText []float64 // every chart label's drawn size in px
}

// measurePhone is evaluated on the page; %q is the first result's selector.
const measurePhone = `(() => {
	const px = v => parseFloat(v) || 0;
	const out = {ViewportWidth: innerWidth, ViewportHeight: innerHeight,
		PageWidth: document.documentElement.scrollWidth, FirstResultBottom: -1, Tables: [], ChartText: []};
	const header = document.querySelector("header.site-header");
	out.HeaderBottom = header ? header.getBoundingClientRect().bottom + scrollY : 0;
	const first = %q && document.querySelector(%q);
	if (first) out.FirstResultBottom = first.getBoundingClientRect().bottom + scrollY;
	for (const tb of document.querySelectorAll("main table")) {
		let box = null;
		for (let e = tb; e && e !== document.body; e = e.parentElement) {
			const o = getComputedStyle(e).overflowX;
			if (o === "auto" || o === "scroll") { box = e; break; }
		}
		const r = tb.getBoundingClientRect();
		let captionRight = 0;
		if (tb.caption) {
			const range = document.createRange();
			range.selectNodeContents(tb.caption);
			for (const q of range.getClientRects()) captionRight = Math.max(captionRight, q.right);
		}
		const squeezed = [];
		for (const c of tb.querySelectorAll("th, td")) {
			const text = c.textContent.trim();
			if ([...text].length < 2) continue;
			const s = getComputedStyle(c);
			const w = c.clientWidth - px(s.paddingLeft) - px(s.paddingRight);
			if (w < 2 * px(s.fontSize) - 1) squeezed.push(text.slice(0, 20));
		}
		out.Tables.push({
			Caption: (tb.caption ? tb.caption.textContent : tb.outerHTML.slice(0, 60)).trim(),
			Fits: r.left >= -0.5 && r.right <= innerWidth + 0.5,
			Scrolls: !!box,
			BoxRight: box ? box.getBoundingClientRect().right : r.right,
			CaptionRight: captionRight,
			Squeezed: squeezed.slice(0, 5),
		});
	}
	for (const t of document.querySelectorAll("main svg text")) {
		const m = t.getScreenCTM();
		if (!m || !t.textContent.trim()) continue;
		out.ChartText.push(px(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b));
	}
	return out;
})()`

// TestPhoneFirst measures the pages at 390 × 844, as a phone shows them
// (issue 10, item 4): the header and navigation take at most a quarter of
// the screen; a list's or search's first result is on the first screen;
// every table fits or scrolls in its own box, with no column squeezed to a
// character a line, and its caption readable without scrolling; chart labels are drawn at 12 px or more.
func TestPhoneFirst(t *testing.T) {
	if env.skip != "" {
		t.Skip(env.skip)
	}
	require.NoError(t, env.setupErr, "end-to-end set-up")
	const item = ".items > .item .item-title"
	pages := []struct {
		name, path string
		first      string // the first result's selector; "" when the page is not a list
	}{
		{"home", "/", ""},
		{"commitments", "/commitments/", item},
		{"overdue", "/commitments/status/overdue/", item},
		{"disclosures", "/disclosures/", item},
		{"records", "/records/", item},
		{"news", "/news/", item},
		{"policies", "/policies/", item},
		{"search", "/search/?q=" + url.QueryEscape("政务诚信"), ".search-results > .item .item-title"},
		{"search-kind", "/search/?kind=commitments&q=" + url.QueryEscape("承诺"), ".search-results > .item .item-title"},
		{"commitment", firstURL(t, "commitments"), ""},
		{"disclosure", firstURL(t, "disclosures"), ""},
		{"policy", firstURL(t, "policies"), ""},
		{"departments", "/departments/", ""},
		{"department", firstURL(t, "departments"), ""},
		{"complaint-figures", "/complaints/stats/", ""},
		{"indicators", "/indicators/", ""},
		{"complaint-form", "/complaints/", ""},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			ctx := newTab(t)
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1), chromedp.EmulateMobile)))
			open(t, ctx, p.path)
			m, err := chromedp.Run(ctx, chromedp.Evaluate[phoneLayout](fmt.Sprintf(measurePhone, p.first, p.first)))
			require.NoError(t, err)
			require.Equal(t, 390.0, m.ViewportWidth)

			assert.LessOrEqual(t, m.PageWidth, m.ViewportWidth, "the page scrolls sideways")
			assert.Positive(t, m.HeaderBottom, "a header")
			assert.LessOrEqual(t, m.HeaderBottom, m.ViewportHeight/4, "header and navigation take more than a quarter of the screen")
			if p.first != "" {
				require.Positive(t, m.FirstResultBottom, "the page lists results (%s)", p.first)
				assert.LessOrEqual(t, m.FirstResultBottom, m.ViewportHeight, "the first result is below the first screen")
			}
			for _, tb := range m.Tables {
				assert.True(t, tb.Fits || tb.Scrolls, "table %q neither fits the screen nor scrolls in its own box", tb.Caption)
				assert.LessOrEqual(t, tb.BoxRight, m.ViewportWidth+0.5, "table %q: its box sticks out of the screen", tb.Caption)
				assert.Empty(t, tb.Squeezed, "table %q: cells narrower than two characters", tb.Caption)
				assert.LessOrEqual(t, tb.CaptionRight, min(tb.BoxRight, m.ViewportWidth)+0.5, "table %q: its caption runs past the screen (read only by scrolling the table)", tb.Caption)
			}
			for _, s := range m.ChartText {
				assert.GreaterOrEqual(t, s, 12.0, "chart labels drawn smaller than 12 px: %v", m.ChartText)
			}
			t.Logf("header %.0f px, first result ends at %.0f px, %d tables, %d chart labels", m.HeaderBottom, m.FirstResultBottom, len(m.Tables), len(m.ChartText))
		})
	}
}

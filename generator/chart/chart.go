// Package chart draws small static SVG charts at build time, so pages need no
// JavaScript. Contract: every chart is accessible (role="img" with a <title>
// and a <desc> that states every figure in words) and prints its figures as
// text beside the bars; output is escaped and deterministic.
package chart

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Bar is one labelled value.
type Bar struct {
	Label string
	Value int
	Class string // CSS class suffix, e.g. a status name; colours come from Colors
	// Part marks a bar that counts some of the others again (其中已逾期):
	// it is drawn, but not added to the total the description states.
	Part bool
}

// Colors maps a bar class to a fill colour with at least 3:1 contrast on
// white (WCAG 2.1 non-text contrast).
var defaultColors = map[string]string{
	"fulfilled":   "#1a6b34",
	"in_progress": "#0b4f8a",
	"pending":     "#555b63",
	"partial":     "#8a5300",
	"broken":      "#8c1d18",
	"overdue":     "#b3261e",
	"withdrawn":   "#6b7178",
}

// HBar draws a horizontal bar chart: one row per bar, the label on the left,
// the bar, and the value as text at its end. id must be unique on the page.
func HBar(id, title string, bars []Bar) template.HTML {
	const (
		// 360 units wide: on a 390 px phone (358 px of text column) the
		// chart is drawn at 0.99×, so its 15-unit labels stay above 14 px.
		rowH   = 28
		labelW = 120
		barMax = 190
		width  = labelW + barMax + 50
	)
	max := 0
	total := 0
	for _, b := range bars {
		if b.Value > max {
			max = b.Value
		}
		if !b.Part {
			total += b.Value
		}
	}
	height := rowH*len(bars) + 8
	var desc []string
	for _, b := range bars {
		desc = append(desc, fmt.Sprintf("%s %d项", b.Label, b.Value))
	}
	var s strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="%d" height="%d">`,
		esc(id), esc(id), width, height, width, height)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">共%d项：%s</desc>`, esc(id), esc(title), esc(id), total, esc(strings.Join(desc, "，")))
	for i, b := range bars {
		y := 4 + i*rowH
		w := 0
		if max > 0 {
			w = b.Value * barMax / max
		}
		if b.Value > 0 && w < 2 {
			w = 2
		}
		color := defaultColors[b.Class]
		if color == "" {
			color = "#0b4f8a"
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" font-size="15" fill="#1f2328">%s</text>`, labelW-8, y+18, esc(b.Label))
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="%d" height="20" fill="%s"></rect>`, labelW, y+3, w, color)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="15" fill="#1f2328">%d</text>`, labelW+w+6, y+18, b.Value)
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) // every interpolated string is escaped above
}

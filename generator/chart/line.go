package chart

import (
	"fmt"
	"html"
	"html/template"
	"strconv"
	"strings"
)

// Point is one labelled value of a line chart; Missing points (no figure
// for that period) break the line and are named as such in the description.
type Point struct {
	// Label is drawn under the point; a "\n" splits it into two lines
	// (Q1 over 2025), so labels stay short enough for a phone.
	Label string
	// Name is the point's full name in the description (2025年第一季度);
	// empty means Label.
	Name    string
	Value   float64
	Missing bool
}

// Guide is a horizontal reference line, e.g. a grade's lowest score.
type Guide struct {
	Value float64
	Label string
}

// Line sizes: 15-unit text in a chart kept near 360 units wide, so that on a
// 390 px phone (a 358 px text column) every label is still drawn at 14 px or
// more, as the bar charts are.
const (
	lineFont  = 15
	guideFont = 15
	lineLeft  = 36
	lineRight = 24
	lineMinW  = 320
)

// textWidth estimates the drawn width of s at the chart's font size: a
// Chinese character is a full em, other characters a little over half.
func textWidth(s string) int {
	w := 0
	for _, r := range s {
		if r < 0x2E80 {
			w += lineFont * 6 / 10
		} else {
			w += lineFont
		}
	}
	return w
}

// Line draws a line chart of values between 0 and scale over labelled
// points (oldest first): a dot and the value as text at every point with a
// figure, the line broken where a figure is missing, and dashed guide lines.
// id must be unique on the page; unit follows each value in the description
// (分). The description states every point in words.
func Line(id, title, unit string, scale float64, points []Point, guides []Guide) template.HTML {
	const (
		top   = 24
		plotH = 140
	)
	if scale <= 0 {
		scale = 100
	}
	// Each point gets room for its widest label line and its value.
	step := textWidth("88.8") + 4
	lines := 1
	for _, p := range points {
		parts := strings.Split(p.Label, "\n")
		lines = max(lines, len(parts))
		for _, l := range parts {
			step = max(step, textWidth(l)+8)
		}
	}
	n := max(len(points)-1, 1)
	if lineLeft+lineRight+step*n < lineMinW {
		step = (lineMinW - lineLeft - lineRight + n - 1) / n
	}
	right := lineRight
	if len(points) > 0 {
		for _, l := range strings.Split(points[len(points)-1].Label, "\n") {
			right = max(right, textWidth(l)/2+4) // the last label is centred on the right end
		}
	}
	width := lineLeft + right + step*n
	height := top + plotH + (lineFont+2)*lines + 12
	x := func(i int) int {
		if len(points) == 1 {
			return lineLeft + step/2
		}
		return lineLeft + i*step
	}
	y := func(v float64) float64 {
		v = min(scale, max(v, 0))
		return float64(top) + float64(plotH)*(1-v/scale)
	}
	esc := html.EscapeString
	var desc []string
	for _, p := range points {
		name := p.Name
		if name == "" {
			name = strings.ReplaceAll(p.Label, "\n", "")
		}
		if p.Missing {
			desc = append(desc, name+" 无评价结果")
		} else {
			desc = append(desc, name+" "+num1(p.Value)+unit)
		}
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="%d" height="%d">`,
		esc(id), esc(id), width, height, width, height)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(strings.Join(desc, "，")))
	// Axis and guides.
	fmt.Fprintf(&s, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#555b63"></line>`, lineLeft, y(0), width-right, y(0))
	fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="end" font-size="%d" fill="#1f2328">0</text>`, lineLeft-4, y(0)+5, lineFont)
	fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="end" font-size="%d" fill="#1f2328">%s</text>`, lineLeft-4, y(scale)+5, lineFont, num1(scale))
	for _, g := range guides {
		fmt.Fprintf(&s, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#6b7178" stroke-dasharray="4 3"></line>`, lineLeft, y(g.Value), width-right, y(g.Value))
		fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="end" font-size="%d" fill="#555b63">%s</text>`, width-right, y(g.Value)-3, guideFont, esc(g.Label))
	}
	// The line, broken at missing points.
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			fmt.Fprintf(&s, `<polyline points="%s" fill="none" stroke="#0b4f8a" stroke-width="2"></polyline>`, strings.Join(seg, " "))
		}
		seg = seg[:0]
	}
	for i, p := range points {
		if p.Missing {
			flush()
			continue
		}
		seg = append(seg, fmt.Sprintf("%d,%.1f", x(i), y(p.Value)))
	}
	flush()
	for i, p := range points {
		if p.Missing {
			fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="middle" font-size="%d" fill="#555b63">—</text>`, x(i), y(0)-6, lineFont)
		} else {
			fmt.Fprintf(&s, `<circle cx="%d" cy="%.1f" r="4" fill="#0b4f8a"></circle>`, x(i), y(p.Value))
			fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="middle" font-size="%d" fill="#1f2328">%s</text>`, x(i), y(p.Value)-9, lineFont, num1(p.Value))
		}
		for j, l := range strings.Split(p.Label, "\n") {
			fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="middle" font-size="%d" fill="#1f2328">%s</text>`, x(i), top+plotH+lineFont+4+j*(lineFont+2), lineFont, esc(l))
		}
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) // every interpolated string is escaped above
}

// num1 formats a figure with at most one decimal.
func num1(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

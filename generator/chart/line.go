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
	Label   string
	Value   float64
	Missing bool
}

// Guide is a horizontal reference line, e.g. a grade's lowest score.
type Guide struct {
	Value float64
	Label string
}

// Line draws a line chart of values between 0 and scale over labelled points
// (oldest first): a dot and the value as text at every point with a figure,
// the line broken where a figure is missing, and dashed guide lines. id must
// be unique on the page; unit follows each value in the description (分).
func Line(id, title, unit string, scale float64, points []Point, guides []Guide) template.HTML {
	const (
		left        = 40
		top, bottom = 18, 40
		plotH       = 140
		minStep     = 44
	)
	if scale <= 0 {
		scale = 100
	}
	// Each label gets room for its text (12 px a Chinese character, 7 px
	// others at font size 12), and the chart is at least 320 px wide, so
	// a page scaling it to its column never blows two points up to a poster.
	step, right := minStep, 34
	for i, p := range points {
		w := 10
		for _, r := range p.Label {
			if r < 0x2E80 {
				w += 7
			} else {
				w += 12
			}
		}
		step = max(step, w)
		if i == len(points)-1 {
			right = max(right, w/2+4) // the last label is centred on the right end
		}
	}
	if n := len(points) - 1; n > 0 && left+right+step*n < 320 {
		step = (320 - left - right + n - 1) / n
	}
	width := max(left+right+step*max(len(points)-1, 1), 320)
	height := top + plotH + bottom
	x := func(i int) int {
		if len(points) == 1 {
			return left + step/2
		}
		return left + i*step
	}
	y := func(v float64) float64 {
		v = min(scale, v)
		if v < 0 {
			v = 0
		}
		return float64(top) + float64(plotH)*(1-v/scale)
	}
	esc := html.EscapeString
	var desc []string
	for _, p := range points {
		if p.Missing {
			desc = append(desc, p.Label+" 无评价结果")
		} else {
			desc = append(desc, p.Label+" "+num1(p.Value)+unit)
		}
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s-t %s-d" viewBox="0 0 %d %d" width="%d" height="%d">`,
		esc(id), esc(id), width, height, width, height)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(title), esc(id), esc(strings.Join(desc, "，")))
	// Axis and guides.
	fmt.Fprintf(&s, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#555b63"></line>`, left, y(0), width-right, y(0))
	fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="end" font-size="12" fill="#1f2328">0</text>`, left-6, y(0)+4)
	fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="end" font-size="12" fill="#1f2328">%s</text>`, left-6, y(scale)+4, num1(scale))
	for _, g := range guides {
		fmt.Fprintf(&s, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#6b7178" stroke-dasharray="4 3"></line>`, left, y(g.Value), width-right, y(g.Value))
		fmt.Fprintf(&s, `<text x="%d" y="%.1f" font-size="11" fill="#555b63">%s</text>`, width-right-2, y(g.Value)-3, esc(g.Label))
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
			fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="middle" font-size="12" fill="#555b63">—</text>`, x(i), y(0)-6)
		} else {
			fmt.Fprintf(&s, `<circle cx="%d" cy="%.1f" r="3.5" fill="#0b4f8a"></circle>`, x(i), y(p.Value))
			fmt.Fprintf(&s, `<text x="%d" y="%.1f" text-anchor="middle" font-size="12" fill="#1f2328">%s</text>`, x(i), y(p.Value)-8, num1(p.Value))
		}
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#1f2328">%s</text>`, x(i), top+plotH+18, esc(p.Label))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) // every interpolated string is escaped above
}

// num1 formats a figure with at most one decimal.
func num1(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

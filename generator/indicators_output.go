package generator

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"portal/generator/feed"
	"portal/generator/fingerprint"
	"portal/generator/indicators"
	"portal/generator/model"
	"portal/internal/jsonstr"
)

// indicatorFeeds returns the scoreboard's feed files: one item per closed
// period (years and quarters), published the day after the period ends,
// the moment its results stop changing. A period's item never changes, so
// readers are told once per new period.
func indicatorFeeds(site *model.Site, rep *indicators.Report) (map[string][]byte, error) {
	if defaultPeriod(rep) == nil {
		return nil, nil
	}
	c, err := newFeedContext(site)
	if err != nil {
		return nil, err
	}
	var items []feed.Item
	for _, per := range append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...) {
		if !per.Closed {
			continue
		}
		published := per.End.AddDate(0, 0, 1)
		link := c.abs(indicatorsPeriodURL(per))
		summary, body := periodSummary(c, rep, per, link)
		items = append(items, feed.Item{
			ID:         feed.TagURI(c.authority, c.day(published), "indicators", per.Key),
			Title:      periodHeading(per) + "政务诚信评价结果",
			Link:       link,
			Summary:    summary,
			HTML:       body,
			Published:  c.day(published),
			Categories: []string{indicatorsSection},
			Author:     site.Config.Government.Sponsor,
		})
	}
	cfg := &site.Config
	author := cfg.Government.Sponsor
	if author == "" {
		author = cfg.Title
	}
	f := &feed.Feed{
		Title:       cfg.Title + " · " + indicatorsSection,
		Description: "每个年度、季度结束后发布一次各市直部门和县区的政务诚信评价结果（得分、等次和排名），结果发布后不再变化。",
		HomeURL:     c.abs("/indicators/"),
		Self:        feed.URLs{RSS: c.abs("/" + indicatorFeedNames[0]), Atom: c.abs("/" + indicatorFeedNames[1]), JSON: c.abs("/" + indicatorFeedNames[2])},
		Language:    cfg.Language,
		Author:      author,
		Updated:     c.day(rep.Quarters[0].Start),
		Location:    c.loc,
		Items:       feed.Newest(items, feedLimit(site)),
	}
	out := map[string][]byte{}
	for i, write := range []func(*feed.Feed) ([]byte, error){feed.RSS, feed.Atom, feed.JSON} {
		b, err := write(f)
		if err != nil {
			return nil, fmt.Errorf("indicators feed: %w", err)
		}
		out[indicatorFeedNames[i]] = b
	}
	return out, nil
}

// indicatorFeedGroup lists the scoreboard's feed on the /feeds/ page.
func indicatorFeedGroup(site *model.Site, rep *indicators.Report) FeedGroup {
	n := 0
	for _, p := range append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...) {
		if p.Closed {
			n++
		}
	}
	n = min(n, feedLimit(site))
	return FeedGroup{ID: "indicators", Title: indicatorsSection, Description: "每个年度、季度结束后发布一次评价结果。",
		Feeds: []FeedListing{{Title: indicatorsSection + "结果", Description: "各市直部门和县区每个年度、季度的政务诚信评价得分、等次和排名，周期结束后发布，发布后不再变化。",
			Page: "/indicators/", RSS: "/" + indicatorFeedNames[0], Atom: "/" + indicatorFeedNames[1], JSON: "/" + indicatorFeedNames[2], Items: n}}}
}

// periodSummary states a closed period's results: per level how many bodies
// were graded and how, and the first and last three.
func periodSummary(c *feedContext, rep *indicators.Report, per *indicators.Period, link string) (string, string) {
	var text []string
	var b strings.Builder
	esc := html.EscapeString
	for _, level := range model.DepartmentLevels {
		table := per.Table(level, "")
		var ranked []indicators.Standing
		grades := map[string]int{}
		for _, st := range table {
			if st.Rank > 0 {
				ranked = append(ranked, st)
				grades[st.Row.Grade]++
			}
		}
		label := levelLabels[level]
		if len(ranked) == 0 {
			// Nobody reached the base for a score: name those who lost points.
			var lost []string
			for _, st := range table {
				if st.Row.Penalty > 0 {
					lost = append(lost, fmt.Sprintf("%s扣%s分", shortName(st.Row.Dept), pts(st.Row.Penalty)))
				}
			}
			line := label + "本期没有单位的记录达到计算综合得分的基数，未排名"
			if len(lost) > 0 {
				line += "；有扣分记录的：" + strings.Join(lost, "、")
			}
			text = append(text, line)
			fmt.Fprintf(&b, "<h3>%s</h3><p>%s。</p>", esc(label), esc(line))
			continue
		}
		var dist []string
		for _, g := range rep.Config.Grades {
			if n := grades[g.Name]; n > 0 {
				dist = append(dist, fmt.Sprintf("%s%d个", g.Name, n))
			}
		}
		line := fmt.Sprintf("%s%d个单位参评：%s", label, len(ranked), strings.Join(dist, "、"))
		text = append(text, line)
		fmt.Fprintf(&b, "<h3>%s</h3><p>%s。</p><ol>", esc(label), esc(line))
		show := ranked
		if len(show) > 6 {
			show = append(append([]indicators.Standing{}, ranked[:3]...), ranked[len(ranked)-3:]...)
		}
		for i, st := range show {
			if len(ranked) > 6 && i == 3 {
				b.WriteString("</ol><p>……</p><ol>")
			}
			u := c.abs(indicatorsBodyURL(per, st.Row.Dept.ID))
			fmt.Fprintf(&b, `<li value="%d"><a href="%s">%s</a> %s分 %s</li>`, st.Rank, esc(u), esc(st.Row.Dept.Name), pts(st.Row.Score), esc(st.Row.Grade))
		}
		b.WriteString("</ol>")
	}
	fmt.Fprintf(&b, `<p><a href="%s">查看全部结果和每项指标背后的记录</a>；<a href="%s">评价说明</a>。</p>`, esc(link), esc(c.abs(indicatorsMethodURL)))
	return strings.Join(text, "；") + "。", b.String()
}

// indicatorOpenData adds /data/indicators.json and .csv: every body's
// figures in every period.
//
// Like openData, each file is keyed by its rows (keys), and reuse (when set)
// keeps the published file that has the key instead of encoding it again.
func indicatorOpenData(rep *indicators.Report, files map[string][]byte, keys map[string]fingerprint.Sum,
	reuse func(name string, key fingerprint.Sum) (bool, error)) error {
	hdr := indicatorOpenHeader(rep.Specs)
	var rows []indicatorOpenRow
	var records [][]string
	if defaultPeriod(rep) != nil {
		for _, per := range append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...) {
			for _, r := range per.Rows {
				o := indicatorOpenRow{Period: per.Key, PeriodLabel: per.Label, PeriodKind: string(per.Kind), Start: day(per.Start), End: day(per.End),
					AsOf: day(per.AsOf), Closed: per.Closed, Department: r.Dept.ID, Name: r.Dept.Name, Level: r.Dept.Level, Parent: r.Dept.Parent,
					Scored: r.Scored, Bonus: roundTo(r.Bonus, 2), Penalty: roundTo(r.Penalty, 2), Grade: r.Grade, URL: bodyURL(per, r.Dept.ID),
					Values: []indicatorOpenValue{}}
				rec := []string{per.Key, per.Label, string(per.Kind), day(per.AsOf), strconv.FormatBool(per.Closed), r.Dept.ID, r.Dept.Name, r.Dept.Level,
					strconv.FormatBool(r.Scored), "", pts(r.Bonus), pts(r.Penalty), "", r.Grade, "", o.URL}
				if r.HasBase {
					b := roundTo(r.Base, 2)
					o.Base = &b
					rec[9] = strconv.FormatFloat(b, 'f', -1, 64)
				}
				if r.Scored {
					s := r.Score
					o.Score = &s
					rec[12] = pts(s)
				}
				if r.Rank > 0 {
					n := r.Rank
					o.Rank = &n
					rec[14] = strconv.Itoa(n)
				}
				for _, v := range r.Values {
					s := v.Spec
					ov := indicatorOpenValue{Indicator: s.ID, Name: s.Name, Kind: string(s.Kind), Num: v.Num, Known: v.Known, Counted: v.Enough, Undated: v.Undated}
					pointsText := ""
					if v.Known && (s.Kind != indicators.Rate || v.Enough) {
						p := roundTo(v.Points, 2)
						ov.Points = &p
						pointsText = strconv.FormatFloat(p, 'f', -1, 64)
					}
					if s.Kind == indicators.Rate {
						den := v.Den
						ov.Den = &den
						rateText := ""
						if v.Known && v.Enough {
							rate := roundTo(v.Rate, 4)
							ov.Rate = &rate
							rateText = strconv.FormatFloat(rate, 'f', -1, 64)
						}
						num, denText := strconv.Itoa(v.Num), strconv.Itoa(v.Den)
						if !v.Known {
							num, denText = "", ""
						}
						rec = append(rec, num, denText, rateText)
					} else {
						count := strconv.Itoa(v.Num)
						if !v.Known {
							count = ""
						}
						rec = append(rec, count)
					}
					rec = append(rec, pointsText)
					o.Values = append(o.Values, ov)
				}
				rows = append(rows, o)
				records = append(records, rec)
			}
		}
	}
	if rows == nil {
		rows = []indicatorOpenRow{}
	}
	const jsonName, csvName = "data/indicators.json", "data/indicators.csv"
	keys[jsonName], keys[csvName] = fingerprint.Of(program(), "json", rows), fingerprint.Of(program(), "csv", hdr, records)
	if kept, err := reusable(reuse, jsonName, keys[jsonName]); err != nil {
		return err
	} else if !kept {
		// Written in Go as encoding/json writes rows (FuzzIndicatorJSON),
		// unless a value is outside what writeIndicatorRows writes.
		var jb bytes.Buffer
		jb.Grow(len(rows) * (1024 + 256*len(rep.Specs)))
		if !writeIndicatorRows(&jb, rows) {
			jb.Reset()
			enc := json.NewEncoder(&jb)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rows); err != nil {
				return fmt.Errorf("open data indicators: %w", err)
			}
		}
		files[jsonName] = jb.Bytes()
	}
	if kept, err := reusable(reuse, csvName, keys[csvName]); err != nil || kept {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Write(hdr)
	cw.WriteAll(records)
	if err := cw.Error(); err != nil {
		return fmt.Errorf("open data indicators: %w", err)
	}
	files[csvName] = buf.Bytes()
	return nil
}

// indicatorOpenRow is one body's figures in one period in
// /data/indicators.json; indicatorOpenValue one indicator's.
type indicatorOpenValue struct {
	Indicator string   `json:"indicator"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	Num       int      `json:"num"`
	Den       *int     `json:"den,omitempty"`
	Rate      *float64 `json:"rate,omitempty"`
	Points    *float64 `json:"points"`
	Known     bool     `json:"known"`
	Counted   bool     `json:"counted"`
	Undated   int      `json:"undated,omitempty"`
}
type indicatorOpenRow struct {
	Period      string               `json:"period"`
	PeriodLabel string               `json:"period_label"`
	PeriodKind  string               `json:"period_kind"`
	Start       string               `json:"start"`
	End         string               `json:"end"`
	AsOf        string               `json:"as_of"`
	Closed      bool                 `json:"closed"`
	Department  string               `json:"department"`
	Name        string               `json:"name"`
	Level       string               `json:"level"`
	Parent      string               `json:"parent,omitempty"`
	Scored      bool                 `json:"scored"`
	Base        *float64             `json:"base"`
	Bonus       float64              `json:"bonus"`
	Penalty     float64              `json:"penalty"`
	Score       *float64             `json:"score"`
	Grade       string               `json:"grade"`
	Rank        *int                 `json:"rank"`
	URL         string               `json:"url"`
	Values      []indicatorOpenValue `json:"values"`
}

// writeIndicatorRows writes rows as encoding/json's Encoder does with
// SetIndent("", "  ") and SetEscapeHTML(false), and reports false (having
// written part of them) when a value is outside what jsonWriter writes
// alike. TestIndicatorJSON and FuzzIndicatorJSON compare the two.
func writeIndicatorRows(b *bytes.Buffer, rows []indicatorOpenRow) bool {
	var j jsonWriter
	j.b = b
	if rows == nil {
		b.WriteString("null\n")
		return true
	}
	if len(rows) == 0 {
		b.WriteString("[]\n")
		return true
	}
	b.WriteString("[")
	for i := range rows {
		o := &rows[i]
		if i > 0 {
			b.WriteByte(',')
		}
		j.indent, j.first = "\n    ", true
		b.WriteString("\n  {")
		j.str("period", o.Period)
		j.str("period_label", o.PeriodLabel)
		j.str("period_kind", o.PeriodKind)
		j.str("start", o.Start)
		j.str("end", o.End)
		j.str("as_of", o.AsOf)
		j.boolean("closed", o.Closed)
		j.str("department", o.Department)
		j.str("name", o.Name)
		j.str("level", o.Level)
		if o.Parent != "" {
			j.str("parent", o.Parent)
		}
		j.boolean("scored", o.Scored)
		j.floatPtr("base", o.Base)
		j.float("bonus", o.Bonus)
		j.float("penalty", o.Penalty)
		j.floatPtr("score", o.Score)
		j.str("grade", o.Grade)
		j.intPtr("rank", o.Rank)
		j.str("url", o.URL)
		j.key("values")
		if o.Values == nil {
			b.WriteString("null")
		} else if len(o.Values) == 0 {
			b.WriteString("[]")
		} else {
			b.WriteString("[")
			for k := range o.Values {
				v := &o.Values[k]
				if k > 0 {
					b.WriteByte(',')
				}
				b.WriteString("\n      {")
				j.indent, j.first = "\n        ", true
				j.str("indicator", v.Indicator)
				j.str("name", v.Name)
				j.str("kind", v.Kind)
				j.integer("num", v.Num)
				if v.Den != nil {
					j.integer("den", *v.Den)
				}
				if v.Rate != nil {
					j.float("rate", *v.Rate)
				}
				j.floatPtr("points", v.Points)
				j.boolean("known", v.Known)
				j.boolean("counted", v.Counted)
				if v.Undated != 0 {
					j.integer("undated", v.Undated)
				}
				b.WriteString("\n      }")
			}
			b.WriteString("\n    ]")
		}
		b.WriteString("\n  }")
	}
	b.WriteString("\n]\n")
	return j.ok()
}

// indicatorOpenHeader is /data/indicators.csv's header: the period and the
// department's result, then each indicator's counts and points.
func indicatorOpenHeader(specs []indicators.Spec) []string {
	hdr := []string{"period", "period_label", "period_kind", "as_of", "closed", "department", "name", "level", "scored", "base", "bonus", "penalty", "score", "grade", "rank", "url"}
	for _, s := range specs {
		if s.Kind == indicators.Rate {
			hdr = append(hdr, s.ID+"_num", s.ID+"_den", s.ID+"_rate")
		} else {
			hdr = append(hdr, s.ID+"_count")
		}
		hdr = append(hdr, s.ID+"_points")
	}
	return hdr
}

// jsonWriter writes the members of a JSON object as encoding/json's
// Encoder does with SetIndent and SetEscapeHTML(false), for the values it
// can write alike: strings that need no escape but " \\ newline, return
// and tab, and floats in 'f' notation (neither NaN nor infinite, zero or
// at least 1e-6 and below 1e21). It notes any other value (ok is then
// false) so that the caller encodes with encoding/json instead.
type jsonWriter struct {
	b      *bytes.Buffer
	indent string // newline and indentation before a member
	first  bool   // no member written yet in this object
	odd    bool   // a value it cannot write as encoding/json would
}

func (j *jsonWriter) ok() bool { return !j.odd }

func (j *jsonWriter) key(k string) {
	if !j.first {
		j.b.WriteByte(',')
	}
	j.first = false
	j.b.WriteString(j.indent)
	j.b.WriteByte('"')
	j.b.WriteString(k) // keys are plain ASCII constants
	j.b.WriteString("\": ")
}

func (j *jsonWriter) str(k, v string) {
	j.key(k)
	j.strValue(v)
}

// strValue writes a string value (str without the key).
func (j *jsonWriter) strValue(v string) {
	if !jsonstr.Append(j.b, v) {
		j.odd = true
	}
}

func (j *jsonWriter) boolean(k string, v bool) {
	j.key(k)
	j.b.WriteString(strconv.FormatBool(v))
}

func (j *jsonWriter) integer(k string, v int) {
	j.key(k)
	j.b.WriteString(strconv.Itoa(v))
}

func (j *jsonWriter) intPtr(k string, v *int) {
	if v == nil {
		j.key(k)
		j.b.WriteString("null")
		return
	}
	j.integer(k, *v)
}

func (j *jsonWriter) float(k string, v float64) {
	j.key(k)
	if abs := math.Abs(v); math.IsNaN(v) || math.IsInf(v, 0) || abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		j.odd = true
		return
	}
	j.b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
}

func (j *jsonWriter) floatPtr(k string, v *float64) {
	if v == nil {
		j.key(k)
		j.b.WriteString("null")
		return
	}
	j.float(k, *v)
}

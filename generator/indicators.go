package generator

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"portal/generator/chart"
	"portal/generator/fingerprint"
	"portal/generator/indicators"
	"portal/generator/model"
	"portal/generator/theme"
	"portal/generator/workday"
)

// StageIndicators computes the 正反向评价 of measure 12 as of Result.Today
// into Result.Indicators: from the derived site, the complaint figures (a
// stage placed after StageDerive sets them first) and the publication log
// (Site.Log, set by StageLedger).
// The render stage publishes it under /indicators/.
const StageIndicators = "评价 indicators"

// indicatorsStage is StageIndicators.
func indicatorsStage(_ context.Context, r *Result) error {
	site := r.Site
	cfg := &site.Config
	cal, err := workday.New(cfg.Location, cfg.Complaints.Holidays, cfg.Complaints.ExtraWorkdays)
	if err != nil {
		return fmt.Errorf("portal.toml: complaints.%w", err)
	}
	in := indicators.Input{Config: cfg.Indicators, Departments: site.Departments, Commitments: site.Commitments,
		Disclosures: site.Disclosures, Records: site.Records, Cases: site.Cases, Calendar: cal, Location: cfg.Location, Now: r.Today}
	if r.ComplaintStats != nil { // a complaint store exists: its figures are known, even when there are none
		in.Complaints = r.ComplaintStats.Facts
		if in.Complaints == nil {
			in.Complaints = []model.ComplaintFact{}
		}
	}
	if log := site.Log; log != nil { // the publication log: material changes and first publication dates
		in.Changes, in.HasLog, in.LogPublished = log.Changes, true, log.FirstPublished
	}
	// Computed beside what follows (the theme's parsing and the Markdown
	// are the render stage's first steps and need no figures): on two
	// cores a serial step run alone costs its whole time in wall time.
	// Result.waitIndicators sets Result.Indicators before anything reads
	// it.
	done := make(chan *indicators.Report, 1)
	go func() { done <- indicators.Compute(in) }()
	r.indicators = done
	return nil
}

// waitIndicators waits for the report StageIndicators computes, if it has
// not been taken yet, and sets Result.Indicators and the warnings. Run
// calls it before an added stage (which may read Result.Indicators) and
// before it returns; renderStage before it reads the report.
func (r *Result) waitIndicators() {
	if r.indicators == nil {
		return
	}
	r.Indicators = <-r.indicators
	r.indicators = nil
	for _, w := range r.Indicators.Warnings {
		r.Warnings = append(r.Warnings, w.Error())
	}
}

// The scoreboard's URLs.
func indicatorsPeriodURL(p *indicators.Period) string { return urlOf("indicators", p.Key) }
func indicatorsSortURL(p *indicators.Period, key string) string {
	if key == "" {
		return indicatorsPeriodURL(p)
	}
	return urlOf("indicators", p.Key, "sort", key)
}
func indicatorsBodyURL(p *indicators.Period, id string) string {
	return urlOf("indicators", p.Key, "departments", id)
}

const (
	indicatorsMethodURL = "/indicators/method/"
	indicatorsSection   = "政务诚信评价"
)

// levelLabels name the two ranked levels of the registry.
var levelLabels = map[string]string{"市": "市直部门", "县区": "县区"}

// Trend is a row's change against the previous period of the same kind.
type Trend struct {
	Arrow string // ↑ ↓ → or "" when either period has no score
	Text  string // +3.5, −2.0, 0
	Label string // 较上期上升3.5分 (for screen readers and the title)
	Class string // up, down, same
}

// IndicatorCell is one figure of the scoreboard or a card: its text, the
// page listing the records behind it, and what it rests on.
type IndicatorCell struct {
	Label   string // the indicator's name
	Text    string // 66.7%（2/3）, —（2项）, 1项 扣5分
	URL     string // the records behind it
	Title   string // a longer explanation (title attribute)
	Missing bool   // "—": no figure
}

// IndicatorColumn is a column head of the scoreboard.
type IndicatorColumn struct {
	ID, Name, URL string // URL sorts the table on the column
	Current       bool
}

// IndicatorRow is one body's line of the scoreboard.
type IndicatorRow struct {
	Rank      string // 1, 2 … or — (not ranked on the sort key)
	Name      string // the short name
	FullName  string
	DeptURL   string
	URL       string // the body's page for the period
	Score     string // 83.3 or —
	Grade     string
	GradeNote string // why the grade was held down
	Trend     Trend
	Rates     []IndicatorCell // one per rate column
	Bonus     IndicatorCell
	Penalties []IndicatorCell // the deductions that took points
	Penalty   string          // total points taken, e.g. 15
	Extra     *IndicatorCell  // the sort key's figure when it is not a column
	// Head and Tail are the rendered ind-row-head.html and ind-row-tail.html
	// of the line: everything but its rank and Extra, which are the same on
	// every sort of the period, so each is rendered once per body and period
	// instead of once per sort. Empty: the layout renders the partials.
	Head, Tail template.HTML `fingerprint:"-"`
	// core is the fingerprint of the line as scoreRow made it (Rank "—",
	// no Extra), and sum that of the line as shown (core, Rank and Extra):
	// a body's line is on every sort page of its period, so its cells are
	// hashed once per period, not once per page key. scoreboard sets sum
	// after the rank; a zero sum (a line made elsewhere) means the fields
	// are hashed.
	core fingerprint.Sum `fingerprint:"-"`
	sum  fingerprint.Sum `fingerprint:"sum"`
}

// IndicatorTable is one level's ranking.
type IndicatorTable struct {
	Level, Label string
	Rows         []IndicatorRow
	Ranked       int // rows with a rank on the sort key
}

// IndicatorsData is the indicators layout's .Data: one period's scoreboard
// (also the /indicators/ landing page, which shows the default period).
type IndicatorsData struct {
	Heading   string // 2025年度
	AsOf      string // 截至2026年11月30日, for a period still open
	Closed    bool
	Landing   bool
	Periods   []theme.FilterGroup // 年度 and 季度 links
	Sorts     []theme.FilterGroup
	SortLabel string
	Rates     []IndicatorColumn
	Extra     *IndicatorColumn
	Tables    []IndicatorTable
	MinBase   int
	Sources   []string // missing sources, e.g. 尚无投诉办理数据
	MethodURL string
	DataURL   string
	Feeds     []theme.Link
}

// IndicatorRef is one record behind a figure.
type IndicatorRef struct {
	Title, URL, Note, Date string
	OK                     bool // counts toward a rate's numerator
	// HTML is the rendered ind-ref.html of the fields above: a record is
	// listed on its body's year and quarter pages and on those of the
	// bodies it rolls up into (12,000 distinct lines on 63,000 at 10k), so
	// each is rendered once. Empty: the layout renders the partial.
	HTML template.HTML `fingerprint:"-"`
}

// IndicatorSection is one indicator on a body's page.
type IndicatorSection struct {
	ID, Name, Kind, Definition, Rule string
	Figure                           string // 66.7%（2/3）, 2项
	Points                           string // 折合33.3分, 加2分, 扣5分
	Note                             string // why there is no figure
	Missing                          bool
	Refs                             []IndicatorRef
	More                             []theme.Link
}

// IndicatorBodyData is the indicators-body layout's .Data: one body's
// evaluation in one period, every figure with the records behind it.
type IndicatorBodyData struct {
	Name      string
	Level     string // 市直部门 | 县区
	Heading   string
	AsOf      string
	Closed    bool
	DeptURL   string
	PeriodURL string
	MethodURL string
	Score     string
	Grade     string
	GradeNote string
	Rank      string // 县区第2名（共9个参评单位）
	Trend     Trend
	Formula   []string // the score worked out in numbers, one line each
	Sections  []IndicatorSection
	Periods   []theme.FilterGroup // the same body in other periods
	// Charts are the score by year, and by quarter when any quarter has
	// one: the same on every period's page of the body, so a page's key
	// has their fingerprint, charts, worked out once per body, instead.
	Charts     []template.HTML `fingerprint:"-"`
	charts     fingerprint.Sum
	RolledUp   []theme.Link // bodies whose figures this one holds
	RolledInto *theme.Link  // the body this one is counted in
}

// MethodGroup is one kind of indicator on the 评价说明 page.
type MethodGroup struct {
	Label string
	Specs []indicators.Spec
}

// IndicatorMethodData is the indicators-method layout's .Data (评价说明).
type IndicatorMethodData struct {
	Groups        []MethodGroup
	Grades        []model.Grade
	MinBase       int
	WorkingDays   int
	Categories    string
	GradeLimit    string
	Start         string
	WeightSum     string
	HasComplaints bool
	HasLog        bool
	ScoreboardURL string
}

// IndicatorCard is the department page's indicator card.
type IndicatorCard struct {
	Heading   string
	AsOf      string
	Score     string
	Grade     string
	GradeNote string
	Rank      string
	Trend     Trend
	Rates     []IndicatorCell
	Penalties []IndicatorCell
	Bonus     IndicatorCell
	URL       string // the body's page for the period
	IndexURL  string
	Charts    []template.HTML // the score by year, and by quarter when any quarter has one
}

// defaultPeriod is the period the landing page and the cards show: the
// latest closed year (the last full evaluation), else the current year.
func defaultPeriod(rep *indicators.Report) *indicators.Period {
	if rep == nil || len(rep.Years) == 0 {
		return nil
	}
	for i := len(rep.Years) - 1; i >= 0; i-- {
		if rep.Years[i].Closed {
			return rep.Years[i]
		}
	}
	return rep.Years[len(rep.Years)-1]
}

func periodHeading(p *indicators.Period) string {
	if p.Kind == indicators.Year {
		return p.Label + "度"
	}
	return p.Label
}

func asOfText(p *indicators.Period) string {
	if p.Closed {
		return ""
	}
	return "截至" + chineseDate(p.AsOf)
}

func pct(rate float64) string {
	return strconv.FormatFloat(roundTo(rate*100, 1), 'f', -1, 64) + "%"
}

func pts(f float64) string { return strconv.FormatFloat(roundTo(f, 1), 'f', -1, 64) }

func roundTo(f float64, places int) float64 {
	p := 1.0
	for range places {
		p *= 10
	}
	if f < 0 {
		return -float64(int64(-f*p+0.5)) / p
	}
	return float64(int64(f*p+0.5)) / p
}

// cell formats one value for the scoreboard.
func cell(rep *indicators.Report, v indicators.Value, url string) IndicatorCell {
	s := v.Spec
	c := IndicatorCell{Label: s.Name}
	if url != "" {
		c.URL = url + "#ind-" + s.ID
	}
	switch {
	case !v.Known:
		c.Text, c.Missing = "—", true
		c.Title = sourceMissing(s)
	case s.Kind == indicators.Rate && v.Den == 0:
		c.Text, c.Missing = "—", true
		c.Title = "本期没有可计入的记录，不计算比率、不计入得分"
	case s.Kind == indicators.Rate && !v.Enough:
		c.Text, c.Missing = fmt.Sprintf("—（%d%s）", v.Den, s.Unit), true
		c.Title = fmt.Sprintf("仅%d%s，不足%d%s，不计算比率、不计入得分", v.Den, s.Unit, rep.Config.MinBase, s.Unit)
	case s.Kind == indicators.Rate:
		c.Text = fmt.Sprintf("%s（%d/%d）", pct(v.Rate), v.Num, v.Den)
		c.Title = fmt.Sprintf("%d%s中%d%s达标，折合%s分", v.Den, s.Unit, v.Num, s.Unit, pts(v.Points))
	case v.Num == 0:
		c.Text = "0"
	case s.Kind == indicators.Bonus:
		c.Text = fmt.Sprintf("%d%s", v.Num, s.Unit)
		if v.Points > 0 {
			c.Text += " 加" + pts(v.Points) + "分"
		}
	default:
		c.Text = fmt.Sprintf("%d%s", v.Num, s.Unit)
		if v.Points > 0 {
			c.Text += " 扣" + pts(v.Points) + "分"
		}
	}
	return c
}

func sourceMissing(s *indicators.Spec) string {
	if s.NeedsLog {
		return "本站尚无发布日志，暂不评价此项"
	}
	return "尚无投诉办理数据，暂不评价此项"
}

func trendOf(row *indicators.Row) Trend {
	if row == nil || !row.Scored || row.Prev == nil || !row.Prev.Scored {
		return Trend{}
	}
	d := roundTo(row.Score-row.Prev.Score, 1)
	switch {
	case d > 0:
		return Trend{Arrow: "↑", Text: "+" + pts(d), Label: "较上期上升" + pts(d) + "分", Class: "up"}
	case d < 0:
		return Trend{Arrow: "↓", Text: "−" + pts(-d), Label: "较上期下降" + pts(-d) + "分", Class: "down"}
	}
	return Trend{Arrow: "→", Text: "0", Label: "与上期持平", Class: "same"}
}

func gradeNote(rep *indicators.Report, row *indicators.Row) string {
	if !row.GradeLimited {
		return ""
	}
	return fmt.Sprintf("期末有%d条政务失信记录尚未整改，等次不高于“%s”", row.OpenRecords, rep.Config.OpenRecordMaxGrade)
}

func scoreText(row *indicators.Row) string {
	if !row.Scored {
		return "—"
	}
	return pts(row.Score)
}

// indicatorPages adds the scoreboard: the landing page, every period's
// tables (one page per sort key), every body's page per period, and the
// 评价说明 page.
func (pl *planner) indicatorPages() {
	rep := pl.rep
	def := defaultPeriod(rep)
	if def == nil {
		return
	}
	all := append(append([]*indicators.Period{}, rep.Years...), rep.Quarters...)
	pl.indFrag = indFragmentsOf(pl.th)
	// Every figures page is made from the report and the registry alone
	// (which page it is follows from its file, which its deps have): one
	// key for them all, computed once, keeps them unmade and unkeyed
	// while an edit moves no figure.
	deps := sync.OnceValue(pl.figuresDeps)
	pl.add("/indicators/", "indicators/index.html", "indicators", true, func() (*theme.Page, any) {
		d := pl.scoreboard(def, "")
		d.Landing = true
		p := pl.page(indicatorsSection, "/indicators/", "", "indicators")
		p.Section, p.SectionURL = indicatorsSection, "/indicators/"
		p.Description = "按照临发改信用〔2024〕295号第12条，对市直部门和县区的政务诚信情况开展正反向评价：承诺按期兑现、双公示按时公示、投诉办理和政务失信记录。"
		p.Alternates = append(pl.indicatorFeedLinks(), p.Alternates...)
		return p, d
	})
	pl.depend(deps)
	for _, per := range all {
		for _, key := range rep.SortKeys() {
			u := indicatorsSortURL(per, key)
			f, _ := fileForURL(u)
			pl.add(u, f, "indicators", key == "", func() (*theme.Page, any) {
				d := pl.scoreboard(per, key)
				title := periodHeading(per) + "政务诚信评价"
				if key != "" {
					title += "（按" + d.SortLabel + "排序）"
				}
				p := pl.page(title, u, "", "indicators")
				p.Section, p.SectionURL = indicatorsSection, "/indicators/"
				p.Alternates = append(pl.indicatorFeedLinks(), p.Alternates...)
				return p, d
			})
			pl.depend(deps)
		}
		for _, row := range per.Rows {
			if !hasRecords(row) {
				continue
			}
			u := indicatorsBodyURL(per, row.Dept.ID)
			f, _ := fileForURL(u)
			pl.add(u, f, "indicators-body", true, func() (*theme.Page, any) {
				d := pl.bodyPage(per, row)
				p := pl.page(row.Dept.Name+" "+d.Heading+"政务诚信评价", u, "", "indicators-body")
				p.Section, p.SectionURL = indicatorsSection, "/indicators/"
				return p, d
			})
			pl.depend(deps)
		}
	}
	pl.add(indicatorsMethodURL, "indicators/method/index.html", "indicators-method", true, func() (*theme.Page, any) {
		p := pl.page("评价说明", indicatorsMethodURL, "", "indicators-method")
		p.Section, p.SectionURL = indicatorsSection, "/indicators/"
		p.Description = "政务诚信正反向评价的指标、计算公式、权重、扣分标准和等次划分。"
		return p, pl.methodPage()
	})
	pl.depend(deps)
	// Worked out beside the rest of the plan (it reads only the report
	// and the index), so the render loop need not wait for it.
	go deps()
}

// figuresDeps is what the figures pages are made from besides globalDeps
// (the registry is in .Site there): the whole report (the build date, the
// settings, every period's rows, values and the records behind them) and
// which bodies have disclosures (a body's page links to their list).
func (pl *planner) figuresDeps() fingerprint.Sum {
	h := fingerprint.New()
	h.Add(pl.rep)
	for _, d := range pl.site.Departments {
		h.WriteString(d.ID)
		h.Add(len(pl.ix.byDept[d.ID][model.KindDisclosure]) > 0)
	}
	return h.Sum()
}

// hasRecords reports whether any record counts for row: a body with none
// gets no page for the period (its line links to the department page).
func hasRecords(row *indicators.Row) bool {
	for _, v := range row.Values {
		if v.Den > 0 || v.Undated > 0 {
			return true
		}
	}
	return false
}

// bodyURL is the body's page for the period, or "" when it has none.
func bodyURL(per *indicators.Period, id string) string {
	if row := per.Row(id); row != nil && hasRecords(row) {
		return indicatorsBodyURL(per, id)
	}
	return ""
}

func shortName(d *model.Department) string {
	if d.Short != "" {
		return d.Short
	}
	return d.Name
}

// periodLinks lists every year and quarter, the current one marked; link
// returns the URL of a period.
func periodLinks(rep *indicators.Report, cur *indicators.Period, link func(*indicators.Period) string) []theme.FilterGroup {
	years := theme.FilterGroup{Label: "年度"}
	for i := len(rep.Years) - 1; i >= 0; i-- {
		p := rep.Years[i]
		l := theme.Link{Label: p.Label, URL: link(p), Current: p == cur}
		if l.URL == "" {
			continue
		}
		if !p.Closed {
			l.Label += "（截至" + chineseDate(p.AsOf) + "）"
		}
		years.Links = append(years.Links, l)
	}
	quarters := theme.FilterGroup{Label: "季度"}
	for i := len(rep.Quarters) - 1; i >= 0; i-- {
		p := rep.Quarters[i]
		if u := link(p); u != "" {
			quarters.Links = append(quarters.Links, theme.Link{Label: p.Short, URL: u, Current: p == cur})
		}
	}
	return []theme.FilterGroup{years, quarters}
}

// bodyPeriods is periodLinks for body id's pages, period per's marked:
// the links are worked out once per body, not once per page.
func (pl *planner) bodyPeriods(per *indicators.Period, id string) []theme.FilterGroup {
	v, ok := pl.periodMemo.Load(id)
	if !ok {
		v, _ = pl.periodMemo.LoadOrStore(id, periodLinks(pl.rep, nil, func(p *indicators.Period) string { return bodyURL(p, id) }))
	}
	// A link is per's when it has per's URL: every period has its own,
	// and per has one (its page is the one being made).
	cur := bodyURL(per, id)
	groups := slices.Clone(v.([]theme.FilterGroup))
	for i := range groups {
		groups[i].Links = slices.Clone(groups[i].Links)
		for j := range groups[i].Links {
			groups[i].Links[j].Current = groups[i].Links[j].URL == cur
		}
	}
	return groups
}

// scoreboard builds a period's tables sorted on key.
func (pl *planner) scoreboard(per *indicators.Period, key string) *IndicatorsData {
	rep := pl.rep
	d := &IndicatorsData{Heading: periodHeading(per), AsOf: asOfText(per), Closed: per.Closed, MinBase: rep.Config.MinBase,
		MethodURL: indicatorsMethodURL, DataURL: "/data/indicators.csv", Feeds: pl.indicatorFeedLinks(), SortLabel: "综合得分"}
	d.Periods = periodLinks(rep, per, indicatorsPeriodURL)
	sorts := theme.FilterGroup{Label: "排序"}
	for _, k := range rep.SortKeys() {
		label := "综合得分"
		if k != "" {
			label = rep.Spec(k).Name
		}
		sorts.Links = append(sorts.Links, theme.Link{Label: label, URL: indicatorsSortURL(per, k), Current: k == key})
		if k == key {
			d.SortLabel = label
		}
	}
	d.Sorts = []theme.FilterGroup{sorts}
	rateIdx := []int{}
	for i, s := range rep.Specs {
		if s.Kind == indicators.Rate {
			rateIdx = append(rateIdx, i)
			d.Rates = append(d.Rates, IndicatorColumn{ID: s.ID, Name: s.Name, URL: indicatorsSortURL(per, s.ID), Current: s.ID == key})
		}
	}
	extra := -1
	if s := rep.Spec(key); s != nil && s.Kind == indicators.Deduction {
		for i := range rep.Specs {
			if rep.Specs[i].ID == key {
				extra = i
			}
		}
		d.Extra = &IndicatorColumn{ID: s.ID, Name: s.Name, URL: indicatorsSortURL(per, s.ID), Current: true}
	}
	if !rep.HasComplaints {
		d.Sources = append(d.Sources, "本站尚无投诉办理数据，投诉按期答复率、满意率等投诉指标暂不评价（显示为“—”），权重按其余指标折算。")
	}
	if !rep.HasLog {
		d.Sources = append(d.Sources, "本站尚无发布日志，实质性变更、提前撤下公示两项暂不评价（显示为“—”）。")
	}
	for _, level := range model.DepartmentLevels {
		t := IndicatorTable{Level: level, Label: levelLabels[level]}
		table := per.Table(level, key)
		t.Rows = make([]IndicatorRow, 0, len(table))
		for _, st := range table {
			row := st.Row
			r := *pl.scoreRow(per, row, rateIdx)
			if st.Rank > 0 {
				r.Rank = strconv.Itoa(st.Rank)
				t.Ranked++
			}
			if extra >= 0 {
				c := cell(rep, row.Values[extra], r.URL)
				r.Extra = &c
			}
			r.seal()
			t.Rows = append(t.Rows, r)
		}
		d.Tables = append(d.Tables, t)
	}
	return d
}

// rowKey names a body's line in a period's scoreboard.
type rowKey struct {
	per  *indicators.Period
	dept string
}

// scoreRow returns row's line of period per's scoreboard but for its rank
// and Extra, which are all that differ between the period's sort pages:
// it is made once per body and period (with its rendered head and tail),
// not once per sort. rateIdx are the indexes of the rate columns in
// row.Values. The caller copies it before setting the rest.
func (pl *planner) scoreRow(per *indicators.Period, row *indicators.Row, rateIdx []int) *IndicatorRow {
	key := rowKey{per, row.Dept.ID}
	if r, ok := pl.rowMemo.Load(key); ok {
		return r.(*IndicatorRow)
	}
	rep := pl.rep
	u := bodyURL(per, row.Dept.ID) // "" when nothing counts for it: no page, no links
	r := &IndicatorRow{Rank: "—", Name: shortName(row.Dept), FullName: row.Dept.Name, DeptURL: urlOf("departments", row.Dept.ID), URL: u,
		Score: scoreText(row), Grade: row.Grade, GradeNote: gradeNote(rep, row), Trend: trendOf(row), Penalty: pts(row.Penalty)}
	r.Rates = make([]IndicatorCell, 0, len(rateIdx))
	for _, i := range rateIdx {
		r.Rates = append(r.Rates, cell(rep, row.Values[i], u))
	}
	for _, v := range row.Values {
		switch v.Spec.Kind {
		case indicators.Bonus:
			r.Bonus = cell(rep, v, u)
		case indicators.Deduction:
			if v.Points > 0 {
				r.Penalties = append(r.Penalties, cell(rep, v, u))
			}
		}
	}
	if pl.indFrag.rows {
		r.Head, r.Tail = rowFragments(r)
	} else {
		r.Head, r.Tail = pl.fragment("ind-row-head.html", r), pl.fragment("ind-row-tail.html", r)
	}
	r.setCore()
	pl.rowMemo.Store(key, r)
	return r
}

// setCore sets the line's core fingerprint from its fields (scoreRow, once
// the line is made but for its rank and Extra).
func (r *IndicatorRow) setCore() {
	r.sum = fingerprint.Sum{}
	r.core = fingerprint.Of(r)
}

// seal sets the line's sum from its core, rank and Extra (scoreboard,
// once they are set): a page key hashes the line as the sum.
func (r *IndicatorRow) seal() {
	r.sum = fingerprint.Of(r.core, r.Rank, r.Extra)
}

// refHTML returns the rendered ind-ref.html of r, rendering it on first
// use (see fragment).
func (pl *planner) refHTML(r IndicatorRef) template.HTML {
	key := r
	if h, ok := pl.refMemo.Load(key); ok {
		return h.(template.HTML)
	}
	var h template.HTML
	if pl.indFrag.refs {
		h = refFragment(&r)
	} else {
		h = pl.fragment("ind-ref.html", r)
	}
	pl.refMemo.Store(key, h)
	return h
}

// bodyPage builds one body's page for a period.
func (pl *planner) bodyPage(per *indicators.Period, row *indicators.Row) *IndicatorBodyData {
	rep := pl.rep
	id := row.Dept.ID
	u := indicatorsBodyURL(per, id)
	d := &IndicatorBodyData{Name: row.Dept.Name, Level: levelLabels[row.Dept.Level], Heading: periodHeading(per), AsOf: asOfText(per),
		Closed: per.Closed, DeptURL: urlOf("departments", id), PeriodURL: indicatorsPeriodURL(per), MethodURL: indicatorsMethodURL,
		Score: scoreText(row), Grade: row.Grade, GradeNote: gradeNote(rep, row), Trend: trendOf(row)}
	d.Periods = pl.bodyPeriods(per, id)
	switch {
	case !row.Ranked:
		if par := pl.ix.deptByID[row.Dept.Parent]; par != nil {
			d.RolledInto = &theme.Link{Label: par.Name, URL: indicatorsBodyURL(per, par.ID)}
		}
	case row.Rank > 0:
		n := 0
		for _, r := range per.Rows {
			if r.Ranked && r.Scored && r.Dept.Level == row.Dept.Level {
				n++
			}
		}
		d.Rank = fmt.Sprintf("%s第%d名（共%d个参评单位）", d.Level, row.Rank, n)
	}
	for _, r := range per.Rows {
		if r.Dept.Parent == id && r != row {
			l := theme.Link{Label: r.Dept.Name, URL: bodyURL(per, r.Dept.ID)}
			if l.URL == "" {
				l.URL = urlOf("departments", r.Dept.ID)
			}
			d.RolledUp = append(d.RolledUp, l)
		}
	}
	// The score in numbers.
	var parts, weights []string
	for _, v := range row.Values {
		if v.Spec.Kind == indicators.Rate && v.Enough {
			parts = append(parts, fmt.Sprintf("%s×%s", pts(v.Spec.Weight), pct(v.Rate)))
			weights = append(weights, pts(v.Spec.Weight))
		}
	}
	if row.HasBase {
		d.Formula = append(d.Formula, fmt.Sprintf("基础分 = 100 ×（%s）÷（%s）= %s", strings.Join(parts, " + "), strings.Join(weights, " + "), pts(row.Base)))
		d.Formula = append(d.Formula, fmt.Sprintf("综合得分 = 基础分 %s + 加分 %s − 扣分 %s = %s（在0至100分之间）", pts(row.Base), pts(row.Bonus), pts(row.Penalty), pts(row.Score)))
	} else {
		d.Formula = append(d.Formula, fmt.Sprintf("本期没有任何正向指标达到%d项（条、件）的计算基数，不计算综合得分、不评定等次、不参与排名；各项记录照常列出。", rep.Config.MinBase))
	}
	for _, v := range row.Values {
		s := v.Spec
		sec := IndicatorSection{ID: s.ID, Name: s.Name, Kind: s.Kind.Label(), Definition: s.Definition, Rule: s.Rule}
		c := cell(rep, v, u)
		sec.Figure, sec.Missing = c.Text, c.Missing
		if c.Missing {
			sec.Note = c.Title
		}
		if s.Kind != indicators.Rate && v.Known && v.Num > 0 {
			sec.Figure = fmt.Sprintf("%d%s", v.Num, s.Unit) // the points follow in the heading
		}
		switch {
		case !v.Known:
		case s.Kind == indicators.Rate && v.Enough:
			sec.Points = "折合" + pts(v.Points) + "分"
		case s.Kind == indicators.Bonus && v.Points > 0:
			sec.Points = "加" + pts(v.Points) + "分"
		case s.Kind == indicators.Deduction && v.Points > 0:
			sec.Points = "扣" + pts(v.Points) + "分"
		}
		if v.Undated > 0 {
			sec.Note = strings.TrimPrefix(sec.Note+"；", "；") + fmt.Sprintf("另有%d条未登记公示日期，未计入", v.Undated)
		}
		for _, ref := range v.Refs {
			rv := IndicatorRef{Title: ref.Title, Note: ref.Note, OK: ref.OK, Date: ref.Date.Format(time.DateOnly)}
			switch {
			case ref.URL != "":
				rv.URL = ref.URL
			case ref.Kind != "":
				rv.URL = urlOf(string(ref.Kind), ref.ID)
			}
			if !pl.indFrag.bodyGo { // else WriteMain writes the line
				rv.HTML = pl.refHTML(rv)
			}
			sec.Refs = append(sec.Refs, rv)
		}
		switch {
		case s.ID == model.IndDisclosureOnTime && v.Known:
			if items := pl.ix.byDept[id][model.KindDisclosure]; len(items) > 0 {
				sec.More = append(sec.More, theme.Link{Label: "该单位的全部双公示信息", URL: urlOf("disclosures", "department", id)})
			}
		case s.NeedsComplaints && v.Known:
			sec.More = append(sec.More, theme.Link{Label: "各单位投诉办理统计", URL: "/complaints/stats/"})
		}
		d.Sections = append(d.Sections, sec)
	}
	d.Charts, d.charts = pl.trendsKeyed(row.Dept)
	return d
}

// trends is trendCharts drawn once per body: every period's page of a body
// shows the same charts (all periods), and drawing them for each was most
// of a rebuild's work on those pages.
func (pl *planner) trends(dept *model.Department) []template.HTML {
	c, _ := pl.trendsKeyed(dept)
	return c
}

// trendsKeyed is trends and their fingerprint, both worked out once per body.
func (pl *planner) trendsKeyed(dept *model.Department) ([]template.HTML, fingerprint.Sum) {
	f, _ := pl.trendMemo.LoadOrStore(dept.ID, sync.OnceValue(func() keyedCharts {
		c := pl.trendCharts(dept)
		return keyedCharts{c, fingerprint.Of(c)}
	}))
	k := f.(func() keyedCharts)()
	return k.html, k.sum
}

// keyedCharts are a body's trend charts and their fingerprint.
type keyedCharts struct {
	html []template.HTML
	sum  fingerprint.Sum
}

// trendCharts draws a body's score over the years and, when any quarter
// has a score, over the quarters.
func (pl *planner) trendCharts(dept *model.Department) []template.HTML {
	rep := pl.rep
	var guides []chart.Guide
	for _, g := range rep.Config.Grades {
		if g.Min > 0 {
			guides = append(guides, chart.Guide{Value: g.Min, Label: g.Name})
		}
	}
	name := shortName(dept)
	series := func(ps []*indicators.Period, label func(i int, p *indicators.Period) string) ([]chart.Point, bool) {
		var points []chart.Point
		any := false
		for i, p := range ps {
			row := p.Row(dept.ID)
			scored := row != nil && row.Scored
			any = any || scored
			pt := chart.Point{Label: label(i, p), Name: p.Label, Missing: !scored}
			if !p.Closed {
				pt.Name += "（截至" + chineseDate(p.AsOf) + "）"
			}
			if scored {
				pt.Value = row.Score
			}
			points = append(points, pt)
		}
		return points, any
	}
	years, _ := series(rep.Years, func(_ int, p *indicators.Period) string {
		if !p.Closed {
			return p.Label + "\n截至" + strconv.Itoa(int(p.AsOf.Month())) + "月" + strconv.Itoa(p.AsOf.Day()) + "日"
		}
		return p.Label
	})
	out := []template.HTML{chart.Line("trend-y-"+dept.ID, name+"各年度政务诚信评价得分", "分", 100, years, guides)}
	// Quarters are labelled Q1…Q4, with the year under the first of each.
	quarters, any := series(rep.Quarters, func(i int, p *indicators.Period) string {
		q := p.Short[strings.Index(p.Short, "Q"):]
		if i == 0 || q == "Q1" {
			return q + "\n" + strconv.Itoa(p.Start.Year())
		}
		return q
	})
	if any {
		out = append(out, chart.Line("trend-q-"+dept.ID, name+"各季度政务诚信评价得分", "分", 100, quarters, guides))
	}
	return out
}

// card is the department page's indicator card (nil when nothing is
// evaluated).
func (pl *planner) card(dept *model.Department) *IndicatorCard {
	rep := pl.rep
	per := defaultPeriod(rep)
	if per == nil {
		return nil
	}
	row := per.Row(dept.ID)
	if row == nil {
		return nil
	}
	u := bodyURL(per, dept.ID)
	c := &IndicatorCard{Heading: periodHeading(per) + "政务诚信评价", AsOf: asOfText(per), Score: scoreText(row), Grade: row.Grade,
		GradeNote: gradeNote(rep, row), Trend: trendOf(row), URL: u, IndexURL: "/indicators/", Charts: pl.trends(dept)}
	if row.Ranked && row.Rank > 0 {
		c.Rank = fmt.Sprintf("%s第%d名", levelLabels[dept.Level], row.Rank)
	}
	for _, v := range row.Values {
		switch v.Spec.Kind {
		case indicators.Rate:
			c.Rates = append(c.Rates, cell(rep, v, u))
		case indicators.Bonus:
			c.Bonus = cell(rep, v, u)
		default:
			if v.Points > 0 {
				c.Penalties = append(c.Penalties, cell(rep, v, u))
			}
		}
	}
	return c
}

// methodPage builds the 评价说明 page from the configuration in use.
func (pl *planner) methodPage() *IndicatorMethodData {
	rep := pl.rep
	cfg := rep.Config
	d := &IndicatorMethodData{Grades: cfg.Grades, MinBase: cfg.MinBase, WorkingDays: cfg.DisclosureWorkingDays,
		Categories: strings.Join(cfg.DisclosureCategories, "、"), GradeLimit: cfg.OpenRecordMaxGrade,
		HasComplaints: rep.HasComplaints, HasLog: rep.HasLog, ScoreboardURL: "/indicators/"}
	if len(rep.Quarters) > 0 {
		d.Start = chineseDate(rep.Quarters[0].Start)
	}
	sum := 0.0
	for _, kind := range []indicators.SpecKind{indicators.Rate, indicators.Bonus, indicators.Deduction} {
		g := MethodGroup{Label: kind.Label()}
		for _, s := range rep.Specs {
			if s.Kind == kind {
				g.Specs = append(g.Specs, s)
				if kind == indicators.Rate {
					sum += s.Weight
				}
			}
		}
		if len(g.Specs) > 0 {
			d.Groups = append(d.Groups, g)
		}
	}
	d.WeightSum = pts(sum)
	return d
}

// indicatorFeedNames are the scoreboard's feed files.
var indicatorFeedNames = [3]string{"indicators/" + feedRSSName, "indicators/" + feedAtomName, "indicators/" + feedJSONName}

func (pl *planner) indicatorFeedLinks() []theme.Link {
	if defaultPeriod(pl.rep) == nil {
		return nil
	}
	return []theme.Link{
		{Label: indicatorsSection + "（RSS）", URL: "/" + indicatorFeedNames[0], Type: "application/rss+xml"},
		{Label: indicatorsSection + "（Atom）", URL: "/" + indicatorFeedNames[1], Type: "application/atom+xml"},
		{Label: indicatorsSection + "（JSON Feed）", URL: "/" + indicatorFeedNames[2], Type: "application/feed+json"},
	}
}

// Package indicators computes the 正反向评价 of measure 12: for every body
// in the registry and for every year and quarter up to the build date, the
// positive rates (承诺按期兑现率, 双公示按时公示率, 投诉按期答复率, 投诉满意率),
// the bonuses and deductions (典型案例; 逾期未兑现, 未兑现, 部分兑现 commitments;
// 政务失信记录 by type and whether rectified; 不满意 and 重办 complaints; the
// publication log's material changes and early take-downs), a score out of
// 100, a grade and a rank among the bodies of the same level (市 / 县区).
//
// Contract: Compute reads only its Input and imports only the model, the
// working-day calendar and the standard library. Every figure is computed
// from dated events: a commitment's deadline and its dated progress log, a
// disclosure's decision and publication dates, a record's 认定 and 整改
// dates, a case's date, a complaint's reply limit, reply and visits, a log
// entry's date. A period that has closed (its last day is before Input.Now)
// is evaluated as of its last day, so recomputing it later gives the same
// figures as long as the dated history is only appended to; the current
// period is evaluated as of Input.Now. The single exception is a record
// withdrawn as wrongly made (依法撤销): it never counts, in any period.
//
// A rate resting on fewer than Config.MinBase records shows "—" with its
// count and does not enter the score; a body none of whose rates rests on
// enough records has no score, no grade and no rank, but its counts are
// still shown. The complaint indicators need the complaint store's figures
// and the log's indicators need the publication log: without them they show
// "—" for every body. A body with a parent in the registry is rolled up into
// its parent's figures and is not ranked itself.
//
// The result is deterministic: bodies in registry order, periods oldest
// first, records behind each figure by date then id.
package indicators

import (
	"slices"
	"time"

	"portal/generator/diag"
	"portal/generator/model"
	"portal/generator/workday"
)

// Input is everything the evaluation reads.
type Input struct {
	Config      model.IndicatorConfig
	Departments []*model.Department
	Commitments []*model.Commitment
	Disclosures []*model.Disclosure
	Records     []*model.Record
	Cases       []*model.Case
	// Complaints are the complaint store's dated milestones; nil when the
	// site has no complaint store (the complaint indicators show "—").
	Complaints []model.ComplaintFact
	// Changes are the publication log's material changes; HasLog says the
	// log exists (without it the log's indicators show "—").
	Changes []model.MaterialChange
	HasLog  bool
	// LogPublished returns the date the publication log first published a
	// record (zero when unknown); nil when there is no log. It supplies the
	// 公示日期 of disclosures whose data has none.
	LogPublished func(kind model.Kind, id string) time.Time
	Calendar     *workday.Calendar // nil: weekdays, no holidays
	Location     *time.Location    // the site's zone; nil: UTC
	Now          time.Time         // the build date
}

// Report is the evaluation of every body for every period.
type Report struct {
	Now      time.Time
	Config   model.IndicatorConfig
	Specs    []Spec    // the indicators in use, in display order
	Years    []*Period // oldest first
	Quarters []*Period // oldest first
	// HasComplaints and HasLog say whether those sources were available.
	HasComplaints, HasLog bool
	Warnings              []diag.Diagnostic
}

// Period is one year or quarter and every body's row in it.
type Period struct {
	Key   string // 2025, 2025-q1: the URL segment
	Label string // 2025年, 2025年第一季度
	Short string // 2025年, 2025Q1: chart labels
	Kind  PeriodKind
	Start time.Time // first day
	End   time.Time // last day
	AsOf  time.Time // the day it is evaluated as of: End, or Now while open
	// Closed is set once the period's last day is before the build date; its
	// figures no longer change.
	Closed bool
	// Prev is the period before, of the same kind (nil for the first). A
	// fingerprint of the report leaves it out: it is the period before in
	// Years or Quarters, which the fingerprint has (and following it from
	// every period would hash the earlier ones again and again).
	Prev *Period         `fingerprint:"-"`
	Rows []*Row          // every body, registry order
	byID map[string]*Row `fingerprint:"-"` // Rows by body id
}

// Row returns the row of the body id, or nil.
func (p *Period) Row(id string) *Row { return p.byID[id] }

// Row is one body's evaluation in one period.
type Row struct {
	Dept   *model.Department
	Ranked bool    // a top-level body: it is ranked among its level
	Values []Value // one per Report.Specs
	// Base is the score from the rates (0–100), set when HasBase.
	Base    float64
	HasBase bool
	Bonus   float64 // points added
	Penalty float64 // points taken
	// Score is Base + Bonus − Penalty within 0–100, rounded to one decimal;
	// Scored is false when no rate rests on enough records.
	Score  float64
	Scored bool
	Grade  string
	// GradeLimited is set when an unrectified record held the grade down.
	GradeLimited bool
	OpenRecords  int // records open at AsOf (for the grade limit)
	Rank         int // among Ranked, Scored rows of the same level; 0 = none
	// Prev is the body's row in the period before (left out of a
	// fingerprint, as Period.Prev is: the report has it there).
	Prev *Row `fingerprint:"-"`
}

// Value is one indicator's figure for one body in one period.
type Value struct {
	Spec *Spec
	// Num and Den: a rate is Num ÷ Den; a bonus or deduction counts Num.
	Num, Den int
	// Known is false when the indicator's source is missing (no complaint
	// store, no publication log): the figure is "—".
	Known bool
	// Enough is set when the figure counts: a rate resting on at least
	// MinBase records, any known count.
	Enough bool
	Rate   float64 // Num ÷ Den when Den > 0
	// Points is what the figure gives the score: a rate's share of the base
	// score, a bonus's points added, a deduction's points taken (after the
	// cap).
	Points float64
	// Undated counts records left out because they carry no date to place
	// them (a disclosure with no 公示日期 anywhere).
	Undated int
	// Refs are the records behind the figure (for 双公示按时公示率 only the
	// late ones); complaints have none (no complaint is public).
	Refs []Ref
}

// Ref is one record behind a figure.
type Ref struct {
	Kind  model.Kind // "" for a log entry
	ID    string
	Title string
	Date  time.Time // the date that placed it in the period
	Note  string    // why it counts, e.g. 逾期12天兑现
	URL   string    // log entries only: where the change is shown
	OK    bool      // on a rate: it counts toward Num
}

// acc collects one body's counts in one period.
type acc struct {
	num, den, undated []int
	points            []float64 // record_new: points by type before the cap
	refs              [][]Ref
	open              int
}

// Compute evaluates in.
func Compute(in Input) *Report {
	loc := in.Location
	if loc == nil {
		loc = time.UTC
	}
	cal := in.Calendar
	if cal == nil {
		cal, _ = workday.New(loc, nil, nil)
	}
	now := dateOf(in.Now, loc)
	cfg := in.Config
	if cfg.MinBase < 1 {
		cfg.MinBase = 1
	}
	r := &Report{Now: now, Config: cfg, Specs: specsOf(cfg), HasComplaints: in.Complaints != nil, HasLog: in.HasLog}
	c := &computer{in: in, cfg: cfg, loc: loc, cal: cal, now: now, r: r, specIdx: map[string]int{}}
	for i, s := range r.Specs {
		c.specIdx[s.ID] = i
	}
	c.deptIdx = map[string]int{}
	for i, d := range in.Departments {
		c.deptIdx[d.ID] = i
	}
	c.chains = make([][]int, len(in.Departments))
	for i, d := range in.Departments {
		c.chains[i] = c.chain(d)
	}
	if !c.layout() {
		return r
	}
	c.commitments()
	c.disclosures()
	c.records()
	c.cases()
	c.complaints()
	c.changes()
	c.finish()
	return r
}

type computer struct {
	in      Input
	cfg     model.IndicatorConfig
	loc     *time.Location
	cal     *workday.Calendar
	now     time.Time
	r       *Report
	specIdx map[string]int
	deptIdx map[string]int
	chains  [][]int // body index → itself and its ancestors
	firstQ  int     // quarterIndex of the first quarter
	// all holds the quarters (index q-firstQ) then the years.
	all  []*Period
	nq   int      // the number of quarters
	accs [][]*acc // [period][body]
}

// chain returns the indexes of d and its ancestors (a cycle stops it).
func (c *computer) chain(d *model.Department) []int {
	var out []int
	for d != nil {
		i, ok := c.deptIdx[d.ID]
		if !ok || slices.Contains(out, i) {
			break
		}
		out = append(out, i)
		if d.Parent == "" {
			break
		}
		j, ok := c.deptIdx[d.Parent]
		if !ok {
			break
		}
		d = c.in.Departments[j]
	}
	return out
}

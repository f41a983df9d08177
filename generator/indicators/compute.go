package indicators

import (
	"fmt"
	"slices"
	"time"

	"portal/generator/diag"
	"portal/generator/model"
)

// periods lays out the quarters and years from the first evaluated quarter
// to the build date's; false when there is nothing to evaluate.
func (c *computer) layout() bool {
	start := c.cfg.Start
	if start.IsZero() {
		start = c.firstEvent()
	}
	if start.IsZero() {
		return false
	}
	start = dateOf(start, c.loc)
	last := quarterIndex(c.now)
	c.firstQ = quarterIndex(start)
	if c.firstQ > last {
		return false
	}
	c.nq = last - c.firstQ + 1
	for q := c.firstQ; q <= last; q++ {
		c.all = append(c.all, newPeriod(Quarter, q, c.loc))
	}
	for y := c.firstQ / 4; y <= last/4; y++ {
		p := newPeriod(Year, y*4, c.loc)
		if first := c.all[0].Start; p.Start.Before(first) {
			p.Start = first // events before the first quarter never count
		}
		c.all = append(c.all, p)
	}
	var prev [2]*Period
	for _, p := range c.all {
		p.AsOf, p.Closed = p.End, p.End.Before(c.now)
		if !p.Closed {
			p.AsOf = c.now
		}
		k := 0
		if p.Kind == Year {
			k = 1
		}
		p.Prev, prev[k] = prev[k], p
		if p.Kind == Year {
			c.r.Years = append(c.r.Years, p)
		} else {
			c.r.Quarters = append(c.r.Quarters, p)
		}
	}
	n := len(c.r.Specs)
	c.accs = make([][]*acc, len(c.all))
	for i := range c.all {
		c.accs[i] = make([]*acc, len(c.in.Departments))
		for j := range c.accs[i] {
			c.accs[i][j] = &acc{num: make([]int, n), den: make([]int, n), undated: make([]int, n), points: make([]float64, n), refs: make([][]Ref, n)}
		}
	}
	return true
}

// firstEvent returns the earliest date, up to the build date, of anything
// the indicators count; zero when there is none.
func (c *computer) firstEvent() time.Time {
	var first time.Time
	see := func(t time.Time) {
		t = dateOf(t, c.loc)
		if t.IsZero() || t.After(c.now) {
			return
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	for _, cm := range c.in.Commitments {
		if !cm.Deadline.IsZero() {
			see(cm.Deadline)
		}
	}
	for _, d := range c.in.Disclosures {
		if slices.Contains(c.cfg.DisclosureCategories, d.Category) {
			see(c.published(d))
		}
	}
	for _, rec := range c.in.Records {
		if !rec.Withdrawn {
			see(rec.Date)
		}
	}
	for _, cs := range c.in.Cases {
		if incentive(cs) {
			see(cs.Date)
		}
	}
	for _, f := range c.in.Complaints {
		see(f.Received)
	}
	for _, ch := range c.in.Changes {
		see(ch.Date)
	}
	return first
}

// at returns the indexes of the quarter and the year holding date d, or
// false when d is before the first period or after the build date.
func (c *computer) at(d time.Time) (q, y int, ok bool) {
	d = dateOf(d, c.loc)
	if d.IsZero() || d.After(c.now) || d.Before(c.all[0].Start) {
		return 0, 0, false
	}
	return quarterIndex(d) - c.firstQ, c.nq + d.Year() - c.firstQ/4, true
}

// count adds one record to indicator id of dept in the periods holding d
// (and its ancestors): den always, num when ok; points for record_new.
func (c *computer) count(id, dept string, d time.Time, ok bool, points float64, ref Ref) {
	q, y, in := c.at(d)
	if !in {
		return
	}
	c.countIn(q, id, dept, ok, points, ref)
	c.countIn(y, id, dept, ok, points, ref)
}

// countEach is count with the record's note written as of each period's
// end, so a closed period never shows what happened after it.
func (c *computer) countEach(id, dept string, d time.Time, ok bool, ref func(asOf time.Time) Ref) {
	q, y, in := c.at(d)
	if !in {
		return
	}
	c.countIn(q, id, dept, ok, 0, ref(c.all[q].AsOf))
	c.countIn(y, id, dept, ok, 0, ref(c.all[y].AsOf))
}

func (c *computer) countIn(p int, id, dept string, ok bool, points float64, ref Ref) {
	s, used := c.specIdx[id]
	di, known := c.deptIdx[dept]
	if !used || !known {
		return
	}
	ref.OK = ok
	for _, b := range c.chains[di] {
		a := c.accs[p][b]
		a.den[s]++
		if ok {
			a.num[s]++
		}
		a.points[s] += points
		if ref.ID != "" { // complaints have none: no complaint is public
			a.refs[s] = append(a.refs[s], ref)
		}
	}
}

// undated notes a record left out of indicator id for want of a date, in
// the periods holding d.
func (c *computer) undated(id, dept string, d time.Time) {
	s, used := c.specIdx[id]
	di, known := c.deptIdx[dept]
	q, y, in := c.at(d)
	if !used || !known || !in {
		return
	}
	for _, p := range []int{q, y} {
		for _, b := range c.chains[di] {
			c.accs[p][b].undated[s]++
		}
	}
}

// stock adds a record to indicator id of dept in period p (a state at the
// period's end, not an event).
func (c *computer) stock(p int, id, dept string, ref Ref) {
	c.countIn(p, id, dept, true, 0, ref)
}

func (c *computer) warn(src model.Source, key, format string, args ...any) {
	c.r.Warnings = append(c.r.Warnings, diag.Diagnostic{File: src.File, Line: src.Line, Key: key,
		Message: fmt.Sprintf(format, args...), Severity: diag.Warning})
}

// day writes a date in the site's one style (年月日), as the pages show dates.
func day(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// statusLog is a commitment's dated statuses, oldest first.
type statusLog []model.Progress

// logOf returns c's progress log sorted by date, with the written status
// appended when it differs from the last entry: it is dated at the last
// entry (or the commitment's date when there is none), the latest day the
// record can vouch for.
func (c *computer) logOf(cm *model.Commitment) statusLog {
	log := slices.Clone(cm.Progress)
	slices.SortStableFunc(log, func(a, b model.Progress) int { return a.Date.Compare(b.Date) })
	last := cm.Date
	if n := len(log); n > 0 {
		if log[n-1].Status == cm.Status {
			return log
		}
		last = log[n-1].Date
	}
	decisive := cm.Status == model.StatusFulfilled || cm.Status == model.StatusBroken || cm.Status == model.StatusPartial || cm.Status == model.StatusWithdrawn
	if len(log) == 0 && decisive && !cm.Deadline.IsZero() {
		c.warn(cm.Source, "status", "%q has no dated progress entry: the indicators date it to %s (the commitment's date); add a [[progress]] entry dated the day it happened",
			string(cm.Status), last.Format(time.DateOnly))
	}
	return append(log, model.Progress{Date: last, Status: cm.Status})
}

// at returns the status on day d ("pending" before the first entry).
func (l statusLog) at(d time.Time) model.Status {
	st := model.StatusPending
	for _, p := range l {
		if p.Date.After(d) {
			break
		}
		st = p.Status
	}
	return st
}

// first returns the date of the first entry with status s.
func (l statusLog) first(s model.Status) time.Time {
	for _, p := range l {
		if p.Status == s {
			return p.Date
		}
	}
	return time.Time{}
}

func (c *computer) commitments() {
	for _, cm := range c.in.Commitments {
		if cm.Draft || cm.Deadline.IsZero() {
			continue
		}
		log := c.logOf(cm)
		deadline := dateOf(cm.Deadline, c.loc)
		kept := dateOf(log.first(model.StatusFulfilled), c.loc)
		withdrawn := dateOf(log.first(model.StatusWithdrawn), c.loc)
		// Due: counted once the deadline has passed, in its period.
		if deadline.Before(c.now) && !(!withdrawn.IsZero() && !withdrawn.After(deadline) && (kept.IsZero() || withdrawn.Before(kept))) {
			onTime := !kept.IsZero() && !kept.After(deadline)
			c.countEach(model.IndCommitmentOnTime, cm.Department, deadline, onTime, func(asOf time.Time) Ref {
				ref := Ref{Kind: model.KindCommitment, ID: cm.ID, Title: cm.Title, Date: deadline}
				switch {
				case onTime:
					ref.Note = "期限" + day(deadline) + "，" + day(kept) + "兑现"
				case !kept.IsZero() && !kept.After(asOf):
					ref.Note = fmt.Sprintf("期限%s，逾期%d天兑现（%s）", day(deadline), model.DaysBetween(deadline, kept), day(kept))
				default:
					ref.Note = "期限" + day(deadline) + "，期限届满时未兑现"
				}
				return ref
			})
		}
		// State at each period's end.
		for p, per := range c.all {
			if cm.Date.After(per.AsOf) {
				continue
			}
			st := log.at(per.AsOf)
			ref := Ref{Kind: model.KindCommitment, ID: cm.ID, Title: cm.Title, Date: deadline}
			switch {
			case st == model.StatusBroken:
				ref.Note = "期末状态：未兑现"
				c.stock(p, model.IndCommitmentBroken, cm.Department, ref)
			case st == model.StatusPartial:
				ref.Note = "期末状态：部分兑现"
				c.stock(p, model.IndCommitmentPartial, cm.Department, ref)
			case (st == model.StatusPending || st == model.StatusInProgress) && deadline.Before(per.AsOf):
				ref.Note = fmt.Sprintf("期限%s，期末已逾期%d天", day(deadline), model.DaysBetween(deadline, per.AsOf))
				c.stock(p, model.IndCommitmentOverdue, cm.Department, ref)
			}
		}
	}
}

// published returns a disclosure's 公示日期: its own, else the log's.
func (c *computer) published(d *model.Disclosure) time.Time {
	if !d.Published.IsZero() {
		return d.Published
	}
	if c.in.LogPublished != nil {
		return c.in.LogPublished(model.KindDisclosure, d.ID)
	}
	return time.Time{}
}

func (c *computer) disclosures() {
	if _, used := c.specIdx[model.IndDisclosureOnTime]; !used {
		return
	}
	n := c.cfg.DisclosureWorkingDays
	for _, d := range c.in.Disclosures {
		if d.Draft || !slices.Contains(c.cfg.DisclosureCategories, d.Category) {
			continue
		}
		pub := dateOf(c.published(d), c.loc)
		if pub.IsZero() {
			c.undated(model.IndDisclosureOnTime, d.Department, d.Date)
			continue
		}
		lim := c.cal.AddWorkingDays(d.Date, n) // a date at midnight UTC
		limit := time.Date(lim.Year(), lim.Month(), lim.Day(), 0, 0, 0, 0, c.loc)
		onTime := !pub.After(limit)
		// Only the late ones are listed: a body may publish thousands on time.
		var ref Ref
		if !onTime {
			ref = Ref{Kind: model.KindDisclosure, ID: d.ID, Title: d.Title, Date: pub,
				Note: fmt.Sprintf("决定%s，公示%s，超过%d个工作日（应于%s前公示）", day(dateOf(d.Date, c.loc)), day(pub), n, day(limit))}
		}
		c.count(model.IndDisclosureOnTime, d.Department, pub, onTime, 0, ref)
	}
}

func (c *computer) records() {
	pts := c.cfg.Points[model.IndRecordNew]
	for _, rec := range c.in.Records {
		if rec.Draft || rec.Withdrawn {
			continue
		}
		date := dateOf(rec.Date, c.loc)
		p, ok := pts.ByType[rec.RecordType]
		if !ok {
			p = pts.Points
		}
		c.count(model.IndRecordNew, rec.Department, date, true, p,
			Ref{Kind: model.KindRecord, ID: rec.ID, Title: rec.Title, Date: date, Note: rec.RecordType + "，认定" + day(date)})
		fixed := dateOf(rec.RectifiedDate, c.loc)
		if fixed.IsZero() && (rec.Status == "已整改" || rec.Status == "已修复") {
			c.warn(rec.Source, "rectified_date", "status is %q but rectified_date is missing: the indicators count the record as not rectified until the date is given", rec.Status)
		}
		for pi, per := range c.all {
			if date.After(per.AsOf) || (!fixed.IsZero() && !fixed.After(per.AsOf)) {
				continue
			}
			c.stock(pi, model.IndRecordOpen, rec.Department, Ref{Kind: model.KindRecord, ID: rec.ID, Title: rec.Title, Date: date,
				Note: rec.RecordType + "，" + rec.Status})
			if di, ok := c.deptIdx[rec.Department]; ok {
				for _, b := range c.chains[di] {
					c.accs[pi][b].open++
				}
			}
		}
	}
}

func incentive(cs *model.Case) bool {
	return !cs.Draft && (cs.CaseType == "守信激励" || cs.CaseType == "承诺践诺")
}

func (c *computer) cases() {
	for _, cs := range c.in.Cases {
		if !incentive(cs) {
			continue
		}
		date := dateOf(cs.Date, c.loc)
		seen := map[int]bool{}
		for _, dept := range cs.Departments {
			// A case naming a body and its parent counts once for the parent.
			di, ok := c.deptIdx[dept]
			if !ok || seen[di] {
				continue
			}
			seen[di] = true
			c.count(model.IndIncentiveCase, dept, date, true, 0, Ref{Kind: model.KindCase, ID: cs.ID, Title: cs.Title, Date: date, Note: cs.CaseType})
		}
	}
}

func (c *computer) complaints() {
	for _, f := range c.in.Complaints {
		if f.Department == "" {
			continue
		}
		if !f.ReplyDue.IsZero() {
			due := time.Date(f.ReplyDue.Year(), f.ReplyDue.Month(), f.ReplyDue.Day(), 0, 0, 0, 0, c.loc)
			replied := dateOf(f.Replied, c.loc)
			if !replied.IsZero() && !replied.After(due) {
				c.count(model.IndComplaintReplyOnTime, f.Department, replied, true, 0, Ref{})
			} else {
				c.count(model.IndComplaintReplyOnTime, f.Department, due.AddDate(0, 0, 1), false, 0, Ref{})
			}
		}
		for _, v := range f.Visits {
			vd := dateOf(v.Date, c.loc)
			c.count(model.IndComplaintSatisfaction, f.Department, vd, v.Satisfaction != "不满意", 0, Ref{})
			if v.Satisfaction == "不满意" {
				id := model.IndComplaintUnsatisfied
				for _, r := range f.Reopened {
					if r.Before(v.Date) {
						id = model.IndComplaintReopened
					}
				}
				c.count(id, f.Department, vd, true, 0, Ref{})
			}
		}
	}
}

// changeIndicator says which indicator counts each kind of change the
// publication log flags. Kinds left out are not held against a body: a
// change of lead body is organisational, a lawful withdrawal (依法变更/撤回)
// already weighs in 承诺按期兑现率, a correction of a disclosure during its
// publicity period is not dishonest.
var changeIndicator = map[string]string{
	model.ChangeDeadlineLater:      model.IndMaterialChange,
	model.ChangePromiseWeaker:      model.IndMaterialChange,
	model.ChangePromiseChanged:     model.IndMaterialChange,
	model.ChangeStatusBackward:     model.IndMaterialChange,
	model.ChangeProgressRewritten:  model.IndMaterialChange,
	model.ChangeRemoved:            model.IndMaterialChange,
	model.ChangeRemovedEarly:       model.IndRecordRemovedEarly,
	model.ChangePublicityShortened: model.IndRecordRemovedEarly,
}

func (c *computer) changes() {
	for _, ch := range c.in.Changes {
		id, counted := changeIndicator[ch.Kind]
		if !counted {
			continue
		}
		date := dateOf(ch.Date, c.loc)
		c.count(id, ch.Department, date, true, 0, Ref{Kind: ch.RecordKind, ID: ch.RecordID, Title: ch.Title, Date: date, Note: ch.Note, URL: ch.URL})
	}
}

package indicators

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
	"portal/generator/workday"
)

var cst = time.FixedZone("CST", 8*3600)

func d(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

var depts = []*model.Department{
	{ID: "fgw", Name: "临沂市发展和改革委员会", Short: "市发展改革委", Level: "市"},
	{ID: "czj", Name: "临沂市财政局", Short: "市财政局", Level: "市"},
	{ID: "yishui", Name: "沂水县人民政府", Short: "沂水县政府", Level: "县区"},
	{ID: "yishui-fgj", Name: "沂水县发展和改革局", Short: "沂水县发改局", Level: "县区", Parent: "yishui"},
}

// prog is a progress entry.
func prog(date string, st model.Status) model.Progress {
	return model.Progress{Date: d(date), Status: st}
}

// commitment returns a commitment of dept due on deadline whose written
// status is the last entry's (or in_progress).
func commitment(id, dept, deadline string, log ...model.Progress) *model.Commitment {
	c := &model.Commitment{Common: model.Common{ID: id, Title: "承诺" + id, Date: d("2025-01-02"), Source: model.Source{File: "content/commitments/" + id + ".md", Line: 1}},
		Department: dept, Status: model.StatusInProgress, Progress: log}
	if deadline != "" {
		c.Deadline = d(deadline)
	}
	if len(log) > 0 {
		c.Status = log[len(log)-1].Status
	}
	return c
}

func cfg(mut ...func(*model.IndicatorConfig)) model.IndicatorConfig {
	c := model.DefaultIndicators()
	c.MinBase = 1
	c.Start = d("2025-01-01")
	for _, m := range mut {
		m(&c)
	}
	return c
}

func compute(t *testing.T, in Input) *Report {
	t.Helper()
	if in.Departments == nil {
		in.Departments = depts
	}
	if in.Config.Grades == nil {
		in.Config = cfg()
	}
	in.Location = cst
	r := Compute(in)
	require.NotNil(t, r)
	return r
}

func period(t *testing.T, r *Report, key string) *Period {
	t.Helper()
	for _, p := range append(append([]*Period{}, r.Quarters...), r.Years...) {
		if p.Key == key {
			return p
		}
	}
	require.Failf(t, "no period", "%s", key)
	return nil
}

func value(t *testing.T, r *Report, key, dept, id string) Value {
	t.Helper()
	row := period(t, r, key).Row(dept)
	require.NotNil(t, row, dept)
	for _, v := range row.Values {
		if v.Spec.ID == id {
			return v
		}
	}
	require.Failf(t, "indicator not in use", "%s", id)
	return Value{}
}

func TestCommitmentOnTime(t *testing.T) {
	tests := []struct {
		name        string
		c           *model.Commitment
		now         string
		num, den    int
		overdueAtQ1 int // commitment_overdue in 2025-q1
		note        string
	}{
		{"nothing due: the deadline is after the build date", commitment("a", "fgw", "2025-06-30"), "2025-03-15", 0, 0, 0, ""},
		{"due today is not yet due", commitment("a", "fgw", "2025-03-15"), "2025-03-15", 0, 0, 0, ""},
		{"kept on the deadline", commitment("a", "fgw", "2025-03-10", prog("2025-01-05", model.StatusInProgress), prog("2025-03-10", model.StatusFulfilled)), "2025-04-10", 1, 1, 0, "期限2025年3月10日，2025年3月10日兑现"},
		{"kept one day after the deadline", commitment("a", "fgw", "2025-03-10", prog("2025-03-11", model.StatusFulfilled)), "2025-04-10", 0, 1, 0, "期限2025年3月10日，逾期1天兑现（2025年3月11日）"},
		{"late and still open at the quarter's end", commitment("a", "fgw", "2025-03-10", prog("2025-01-05", model.StatusInProgress)), "2025-04-10", 0, 1, 1, "期限2025年3月10日，期限届满时未兑现"},
		{"due on the quarter's last day is not overdue at its end", commitment("a", "fgw", "2025-03-31"), "2025-04-10", 0, 1, 0, "期限2025年3月31日，期限届满时未兑现"},
		{"withdrawn by law before the deadline does not count", commitment("a", "fgw", "2025-03-10", prog("2025-02-01", model.StatusWithdrawn)), "2025-04-10", 0, 0, 0, ""},
		{"withdrawn after the deadline counts as not kept", commitment("a", "fgw", "2025-03-10", prog("2025-03-20", model.StatusWithdrawn)), "2025-04-10", 0, 1, 0, "期限2025年3月10日，期限届满时未兑现"},
		{"no deadline: never due", commitment("a", "fgw", ""), "2025-04-10", 0, 0, 0, ""},
		{"a partner is not charged", func() *model.Commitment {
			c := commitment("a", "fgw", "2025-03-10")
			c.Partners = []string{"czj"}
			return c
		}(), "2025-04-10", 0, 1, 1, "期限2025年3月10日，期限届满时未兑现"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compute(t, Input{Commitments: []*model.Commitment{tt.c}, Now: d(tt.now)})
			v := value(t, r, "2025-q1", "fgw", model.IndCommitmentOnTime)
			assert.Equal(t, [2]int{tt.num, tt.den}, [2]int{v.Num, v.Den})
			assert.Equal(t, tt.den > 0, v.Enough, "a rate with nothing due is not shown")
			if tt.note != "" {
				require.Len(t, v.Refs, 1)
				assert.Equal(t, tt.note, v.Refs[0].Note)
			}
			assert.Equal(t, tt.overdueAtQ1, value(t, r, "2025-q1", "fgw", model.IndCommitmentOverdue).Num)
			assert.Equal(t, 0, value(t, r, "2025-q1", "czj", model.IndCommitmentOnTime).Den)
			y := value(t, r, "2025", "fgw", model.IndCommitmentOnTime)
			assert.Equal(t, [2]int{tt.num, tt.den}, [2]int{y.Num, y.Den}, "the year holds its quarters")
		})
	}
}

func TestEverythingLate(t *testing.T) {
	var cs []*model.Commitment
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		cs = append(cs, commitment(id, "fgw", "2025-02-28", prog("2025-01-05", model.StatusInProgress)))
	}
	r := compute(t, Input{Commitments: cs, Now: d("2025-06-01")})
	q1 := period(t, r, "2025-q1").Row("fgw")
	assert.True(t, q1.Scored)
	assert.Equal(t, 0.0, q1.Base, "none kept: the only rate is 0")
	v := value(t, r, "2025-q1", "fgw", model.IndCommitmentOverdue)
	assert.Equal(t, 5, v.Num)
	assert.Equal(t, 20.0, v.Points, "5 × 5 points, capped at 20")
	assert.Equal(t, 0.0, q1.Score, "the score never goes below 0")
	assert.Equal(t, "差", q1.Grade)
	q2 := period(t, r, "2025-q2")
	assert.False(t, q2.Row("fgw").Scored, "nothing due in Q2: no base, no score")
	assert.Equal(t, 5, value(t, r, "2025-q2", "fgw", model.IndCommitmentOverdue).Num, "still overdue at the current date")
	assert.False(t, q2.Closed)
	assert.Equal(t, d("2025-06-01"), q2.AsOf)
}

func TestBrokenAndPartialAtPeriodEnd(t *testing.T) {
	cs := []*model.Commitment{
		commitment("a", "yishui", "2025-03-31", prog("2025-01-05", model.StatusInProgress), prog("2025-04-10", model.StatusPartial), prog("2025-08-01", model.StatusFulfilled)),
		commitment("b", "yishui", "2025-03-31", prog("2025-05-20", model.StatusBroken)),
	}
	r := compute(t, Input{Commitments: cs, Now: d("2025-09-30")})
	assert.Equal(t, 0, value(t, r, "2025-q1", "yishui", model.IndCommitmentPartial).Num, "due on the last day: neither overdue nor partial at the end of Q1")
	assert.Equal(t, 0, value(t, r, "2025-q1", "yishui", model.IndCommitmentOverdue).Num)
	assert.Equal(t, 1, value(t, r, "2025-q2", "yishui", model.IndCommitmentPartial).Num)
	assert.Equal(t, 1, value(t, r, "2025-q2", "yishui", model.IndCommitmentBroken).Num)
	assert.Equal(t, 0, value(t, r, "2025-q2", "yishui", model.IndCommitmentOverdue).Num, "counted once: as broken or partial, not also overdue")
	assert.Equal(t, 0, value(t, r, "2025-q3", "yishui", model.IndCommitmentPartial).Num, "kept late in Q3: no longer partial")
	assert.Equal(t, 1, value(t, r, "2025-q3", "yishui", model.IndCommitmentBroken).Num)
	v := value(t, r, "2025-q1", "yishui", model.IndCommitmentOnTime)
	assert.Equal(t, [2]int{0, 2}, [2]int{v.Num, v.Den})
}

func TestWrittenStatusWithoutProgress(t *testing.T) {
	c := commitment("a", "fgw", "2025-03-10")
	c.Status = model.StatusFulfilled
	r := compute(t, Input{Commitments: []*model.Commitment{c}, Now: d("2025-04-10")})
	v := value(t, r, "2025-q1", "fgw", model.IndCommitmentOnTime)
	assert.Equal(t, [2]int{1, 1}, [2]int{v.Num, v.Den}, "dated to the commitment's date, before the deadline")
	require.Len(t, r.Warnings, 1)
	assert.Equal(t, `content/commitments/a.md:1: status: "fulfilled" has no dated progress entry: the indicators date it to 2025-01-02 (the commitment's date); add a [[progress]] entry dated the day it happened (警告 warning)`, r.Warnings[0].String())
}

func TestDisclosureOnTime(t *testing.T) {
	holidays := []string{"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08"}
	withHolidays, err := workday.New(cst, holidays, []string{"2025-09-28", "2025-10-11"})
	require.NoError(t, err)
	plain, err := workday.New(cst, nil, nil)
	require.NoError(t, err)
	disc := func(id, category, decided, published string) *model.Disclosure {
		x := &model.Disclosure{Common: model.Common{ID: id, Title: "公示" + id, Date: d(decided)}, Category: category, Department: "fgw", DocNumber: id}
		if published != "" {
			x.Published = d(published)
		}
		return x
	}
	tests := []struct {
		name     string
		cal      *workday.Calendar
		d        *model.Disclosure
		key      string
		num, den int
		undated  int
		note     string
	}{
		{"published on the seventh working day", plain, disc("a", "行政许可", "2025-09-15", "2025-09-24"), "2025-q3", 1, 1, 0, ""},
		{"published on the eighth working day", plain, disc("a", "行政处罚", "2025-09-15", "2025-09-25"), "2025-q3", 0, 1, 0, "决定2025年9月15日，公示2025年9月25日，超过7个工作日（应于2025年9月24日前公示）"},
		{"a holiday inside the limit gives more calendar days", withHolidays, disc("a", "行政许可", "2025-09-26", "2025-10-13"), "2025-q4", 1, 1, 0, ""},
		{"the same dates without the holiday are late", plain, disc("a", "行政许可", "2025-09-26", "2025-10-13"), "2025-q4", 0, 1, 0, "决定2025年9月26日，公示2025年10月13日，超过7个工作日（应于2025年10月7日前公示）"},
		{"counted in the quarter of publication", plain, disc("a", "行政许可", "2025-09-29", "2025-10-09"), "2025-q4", 0, 1, 0, ""},
		{"no publication date anywhere: left out and counted apart", plain, disc("a", "行政许可", "2025-09-15", ""), "2025-q3", 0, 0, 1, ""},
		{"other categories are not 双公示", plain, disc("a", "行政检查", "2025-09-15", "2025-12-01"), "2025-q4", 0, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compute(t, Input{Disclosures: []*model.Disclosure{tt.d}, Calendar: tt.cal, Now: d("2025-12-31")})
			v := value(t, r, tt.key, "fgw", model.IndDisclosureOnTime)
			assert.Equal(t, [2]int{tt.num, tt.den}, [2]int{v.Num, v.Den})
			assert.Equal(t, tt.undated, v.Undated)
			if tt.note != "" {
				require.Len(t, v.Refs, 1)
				assert.Equal(t, tt.note, v.Refs[0].Note)
			}
		})
	}
	t.Run("the log supplies a missing date", func(t *testing.T) {
		x := disc("a", "行政许可", "2025-09-15", "")
		r := compute(t, Input{Disclosures: []*model.Disclosure{x}, Calendar: plain, Now: d("2025-12-31"),
			LogPublished: func(k model.Kind, id string) time.Time {
				if k == model.KindDisclosure && id == "a" {
					return d("2025-09-16")
				}
				return time.Time{}
			}})
		v := value(t, r, "2025-q3", "fgw", model.IndDisclosureOnTime)
		assert.Equal(t, [3]int{1, 1, 0}, [3]int{v.Num, v.Den, v.Undated})
	})
}

func TestRecords(t *testing.T) {
	rec := func(id, typ, date, fixed, status string) *model.Record {
		r := &model.Record{Common: model.Common{ID: id, Title: "记录" + id, Date: d(date), Source: model.Source{File: "content/records/" + id + ".md", Line: 1}},
			Department: "yishui", RecordType: typ, Status: status}
		if fixed != "" {
			r.RectifiedDate = d(fixed)
		}
		return r
	}
	recs := []*model.Record{
		rec("a", "失信被执行", "2025-02-10", "2025-05-06", "已整改"),
		rec("b", "拖欠账款", "2025-03-01", "", "整改中"),
		rec("c", "违约毁约", "2025-03-02", "", "已整改"), // no date: a warning, still open
	}
	withdrawn := rec("d", "违约毁约", "2025-03-03", "", "异议处理中")
	withdrawn.Withdrawn = true
	recs = append(recs, withdrawn)
	commitments := []*model.Commitment{commitment("k", "yishui", "2025-03-01", prog("2025-02-20", model.StatusFulfilled))}
	r := compute(t, Input{Records: recs, Commitments: commitments, Now: d("2025-08-01")})

	v := value(t, r, "2025-q1", "yishui", model.IndRecordNew)
	assert.Equal(t, 3, v.Num, "the withdrawn record never counts")
	assert.Equal(t, 35.0, v.Points, "失信被执行 15 + 拖欠账款 10 + 违约毁约 10")
	assert.Equal(t, 3, value(t, r, "2025-q1", "yishui", model.IndRecordOpen).Num)
	assert.Equal(t, 0, value(t, r, "2025-q2", "yishui", model.IndRecordNew).Num)
	open := value(t, r, "2025-q2", "yishui", model.IndRecordOpen)
	assert.Equal(t, 2, open.Num, "the record cleared in May no longer counts at the end of Q2")
	assert.Equal(t, []string{"b", "c"}, []string{open.Refs[0].ID, open.Refs[1].ID})

	q1 := period(t, r, "2025-q1").Row("yishui")
	require.True(t, q1.Scored)
	assert.Equal(t, 100.0, q1.Base)
	assert.Equal(t, 50.0, q1.Score, "100 − 35 (new records) − 15 (three open records × 5)")
	require.Len(t, r.Warnings, 1)
	assert.Contains(t, r.Warnings[0].String(), `content/records/c.md:1: rectified_date: status is "已整改" but rectified_date is missing`)
}

func TestGradeLimitedByOpenRecord(t *testing.T) {
	cs := []*model.Commitment{commitment("k", "fgw", "2025-03-01", prog("2025-02-20", model.StatusFulfilled)),
		commitment("l", "fgw", "2025-05-01", prog("2025-02-20", model.StatusFulfilled))}
	r := compute(t, Input{Commitments: cs, Now: d("2025-08-01"), Config: cfg(func(c *model.IndicatorConfig) {
		c.Points[model.IndRecordNew] = model.IndicatorPoints{Points: 1}
		c.Points[model.IndRecordOpen] = model.IndicatorPoints{Points: 1}
	}), Records: []*model.Record{{Common: model.Common{ID: "r", Date: d("2025-02-01")}, Department: "fgw", RecordType: "其他", Status: "已整改", RectifiedDate: d("2025-04-01")}}})
	q1 := period(t, r, "2025-q1").Row("fgw")
	assert.Equal(t, 98.0, q1.Score)
	assert.Equal(t, "良", q1.Grade, "98 would be 优, but a record was open at the quarter's end")
	assert.True(t, q1.GradeLimited)
	assert.Equal(t, "优", period(t, r, "2025-q2").Row("fgw").Grade, "rectified in April")
	y := period(t, r, "2025").Row("fgw")
	assert.Equal(t, 0, y.OpenRecords)
}

func TestComplaints(t *testing.T) {
	at := func(s string) time.Time { return d(s).Add(10 * time.Hour) }
	due := func(s string) time.Time {
		x := d(s)
		return time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)
	}
	facts := []model.ComplaintFact{
		{Department: "czj", Received: at("2025-03-03"), ReplyDue: due("2025-03-10"), Replied: at("2025-03-10"),
			Visits: []model.ComplaintVisit{{Date: at("2025-03-12"), Satisfaction: "满意"}}},
		{Department: "czj", Received: at("2025-03-20"), ReplyDue: due("2025-03-27"), Replied: at("2025-04-02"),
			Visits:   []model.ComplaintVisit{{Date: at("2025-04-03"), Satisfaction: "不满意"}, {Date: at("2025-04-20"), Satisfaction: "不满意"}},
			Reopened: []time.Time{at("2025-04-03")}},
		{Department: "czj", Received: at("2025-03-26"), ReplyDue: due("2025-03-31")}, // never answered: late from 1 April
		{Department: "czj", Received: at("2025-06-25"), ReplyDue: due("2025-07-02")}, // due after the build date
		{Department: "czj", Received: at("2025-03-05")},                              // rejected: owes no reply
		{Department: "", Received: at("2025-03-05"), ReplyDue: due("2025-03-12")},    // 不确定: nobody's
	}
	r := compute(t, Input{Complaints: facts, Now: d("2025-06-30")})
	reply := func(key string) [2]int {
		v := value(t, r, key, "czj", model.IndComplaintReplyOnTime)
		assert.Empty(t, v.Refs, "no complaint is public")
		return [2]int{v.Num, v.Den}
	}
	assert.Equal(t, [2]int{1, 2}, reply("2025-q1"), "replied late: placed the day after its limit, 28 March")
	assert.Equal(t, [2]int{0, 1}, reply("2025-q2"), "never answered: late from 1 April")
	sat := value(t, r, "2025-q2", "czj", model.IndComplaintSatisfaction)
	assert.Equal(t, [2]int{0, 2}, [2]int{sat.Num, sat.Den})
	assert.Equal(t, 1, value(t, r, "2025-q2", "czj", model.IndComplaintUnsatisfied).Num)
	assert.Equal(t, 1, value(t, r, "2025-q2", "czj", model.IndComplaintReopened).Num, "unsatisfied again after 重办")
	y := value(t, r, "2025", "czj", model.IndComplaintReplyOnTime)
	assert.Equal(t, [2]int{1, 3}, [2]int{y.Num, y.Den})

	none := compute(t, Input{Now: d("2025-06-30"), Config: cfg(func(c *model.IndicatorConfig) { c.Start = time.Time{} })})
	assert.Empty(t, none.Years, "nothing to evaluate without a start")
	noStore := compute(t, Input{Commitments: []*model.Commitment{commitment("a", "czj", "2025-03-01")}, Now: d("2025-06-30")})
	v := value(t, noStore, "2025-q1", "czj", model.IndComplaintReplyOnTime)
	assert.False(t, v.Known, "no complaint store: —")
	assert.False(t, v.Enough)
	assert.False(t, noStore.HasComplaints)
	assert.True(t, value(t, r, "2025-q1", "fgw", model.IndComplaintReplyOnTime).Known, "a store with no complaint for a body: known, 0 of 0")
}

func TestLogIndicators(t *testing.T) {
	changes := []model.MaterialChange{
		{Department: "fgw", Date: d("2025-05-06"), Kind: model.ChangeDeadlineLater, RecordKind: model.KindCommitment, RecordID: "a", Title: "承诺a", Note: "期限由2025-06-30改为2025-12-31"},
		{Department: "fgw", Date: d("2025-05-07"), Kind: model.ChangeRemovedEarly, RecordKind: model.KindRecord, RecordID: "r", Title: "记录r"},
	}
	changes = append(changes,
		model.MaterialChange{Department: "fgw", Date: d("2025-05-08"), Kind: model.ChangeLeadChanged, RecordKind: model.KindCommitment, RecordID: "b"},
		model.MaterialChange{Department: "fgw", Date: d("2025-05-09"), Kind: model.ChangeProgressRewritten, RecordKind: model.KindCommitment, RecordID: "c"})
	r := compute(t, Input{Changes: changes, HasLog: true, Now: d("2025-06-30")})
	mc := value(t, r, "2025-q2", "fgw", model.IndMaterialChange)
	assert.Equal(t, 2, mc.Num, "a later deadline and a rewritten progress log count; a new lead body does not")
	assert.Equal(t, 6.0, mc.Points)
	assert.Equal(t, "期限由2025-06-30改为2025-12-31", mc.Refs[0].Note)
	assert.Equal(t, 1, value(t, r, "2025-q2", "fgw", model.IndRecordRemovedEarly).Num)

	noLog := compute(t, Input{Commitments: []*model.Commitment{commitment("a", "fgw", "2025-03-01")}, Now: d("2025-06-30")})
	v := value(t, noLog, "2025-q1", "fgw", model.IndMaterialChange)
	assert.False(t, v.Known)
	assert.Equal(t, 0.0, v.Points)
}

func TestIncentiveCases(t *testing.T) {
	var cases []*model.Case
	for i, typ := range []string{"守信激励", "承诺践诺", "承诺践诺", "守信激励", "失信惩戒"} {
		cases = append(cases, &model.Case{Common: model.Common{ID: string(rune('a' + i)), Title: "案例", Date: d("2025-05-01")}, CaseType: typ, Departments: []string{"fgw", "fgw", "yishui"}})
	}
	cs := []*model.Commitment{commitment("k", "fgw", "2025-04-01", prog("2025-03-20", model.StatusFulfilled))}
	r := compute(t, Input{Cases: cases, Commitments: cs, Now: d("2025-06-30")})
	v := value(t, r, "2025-q2", "fgw", model.IndIncentiveCase)
	assert.Equal(t, 4, v.Num, "失信惩戒 is not an incentive; a body named twice counts once")
	assert.Equal(t, 6.0, v.Points, "4 × 2, capped at 6")
	row := period(t, r, "2025-q2").Row("fgw")
	assert.Equal(t, 100.0, row.Score, "never above 100")
	assert.Equal(t, 4, value(t, r, "2025-q2", "yishui", model.IndIncentiveCase).Num)
}

func TestScoreFormula(t *testing.T) {
	// For 2025: 承诺按期兑现率 1/2 (weight 40; b was due in September and is
	// still open), 双公示按时公示率 1/2 (weight 20); no complaint store: those
	// weights drop out and the base is 100 × (40×0.5 + 20×0.5) ÷ 60 = 50;
	// one case +2; b overdue at the build date −5.
	cs := []*model.Commitment{
		commitment("a", "fgw", "2025-03-01", prog("2025-02-20", model.StatusFulfilled)),
		commitment("b", "fgw", "2025-09-01", prog("2025-02-20", model.StatusInProgress)),
	}
	ds := []*model.Disclosure{
		{Common: model.Common{ID: "x", Date: d("2025-03-03")}, Category: "行政许可", Department: "fgw", Published: d("2025-03-04")},
		{Common: model.Common{ID: "y", Date: d("2025-03-03")}, Category: "行政处罚", Department: "fgw", Published: d("2025-03-28")},
	}
	cases := []*model.Case{{Common: model.Common{ID: "k", Date: d("2025-03-05")}, CaseType: "守信激励", Departments: []string{"fgw"}}}
	r := compute(t, Input{Commitments: cs, Disclosures: ds, Cases: cases, Now: d("2025-12-01")})
	row := period(t, r, "2025").Row("fgw")
	assert.InDelta(t, 50, row.Base, 0.001)
	assert.Equal(t, 2.0, row.Bonus)
	assert.Equal(t, 5.0, row.Penalty, "b is overdue at the build date")
	assert.Equal(t, 47.0, row.Score)
	assert.Equal(t, "差", row.Grade)
	assert.InDelta(t, 33.333, row.Values[0].Points, 0.001, "40 of 60 weight at 50%")
	assert.InDelta(t, 16.667, row.Values[1].Points, 0.001)
	// Q1: b is not yet due; 100 × (40×1 + 20×0.5) ÷ 60 = 83.33, + 2.
	q1 := period(t, r, "2025-q1").Row("fgw")
	assert.InDelta(t, 83.333, q1.Base, 0.001)
	assert.Equal(t, 85.3, q1.Score)
	assert.Equal(t, "良", q1.Grade)
}

func TestMinBase(t *testing.T) {
	cs := []*model.Commitment{
		commitment("a", "fgw", "2025-03-01", prog("2025-02-20", model.StatusFulfilled)),
		commitment("b", "fgw", "2025-03-02", prog("2025-02-20", model.StatusFulfilled)),
	}
	r := compute(t, Input{Commitments: cs, Now: d("2025-06-30"), Config: cfg(func(c *model.IndicatorConfig) { c.MinBase = 3 })})
	v := value(t, r, "2025-q1", "fgw", model.IndCommitmentOnTime)
	assert.Equal(t, [2]int{2, 2}, [2]int{v.Num, v.Den}, "the count is still given")
	assert.False(t, v.Enough, "2 due: too few for a rate")
	row := period(t, r, "2025-q1").Row("fgw")
	assert.False(t, row.Scored)
	assert.Equal(t, 0, row.Rank)
	assert.Empty(t, row.Grade)
}

func TestRankingAndRollUp(t *testing.T) {
	kept := func(id, dept string) *model.Commitment {
		return commitment(id, dept, "2025-03-01", prog("2025-02-20", model.StatusFulfilled))
	}
	late := func(id, dept string) *model.Commitment { return commitment(id, dept, "2025-03-01") }
	cs := []*model.Commitment{kept("a", "fgw"), kept("b", "czj"), late("c", "yishui-fgj"), kept("d", "yishui")}
	r := compute(t, Input{Commitments: cs, Now: d("2025-03-31")})
	p := period(t, r, "2025-q1")
	assert.Equal(t, 1, p.Row("fgw").Rank)
	assert.Equal(t, 1, p.Row("czj").Rank, "equal scores share a rank")
	county := p.Row("yishui")
	v := value(t, r, "2025-q1", "yishui", model.IndCommitmentOnTime)
	assert.Equal(t, [2]int{1, 2}, [2]int{v.Num, v.Den}, "the county holds its bureau's commitment")
	assert.Equal(t, 1, county.Rank, "counties are ranked apart from city bodies")
	sub := p.Row("yishui-fgj")
	assert.False(t, sub.Ranked, "a body with a parent is not ranked itself")
	assert.Equal(t, 0, sub.Rank)
	assert.True(t, sub.Scored)
}

func TestClosedPeriodsDoNotChange(t *testing.T) {
	base := func() []*model.Commitment {
		return []*model.Commitment{
			commitment("a", "fgw", "2025-02-01", prog("2025-01-05", model.StatusInProgress)),
			commitment("b", "fgw", "2025-03-01", prog("2025-02-20", model.StatusFulfilled)),
		}
	}
	early := compute(t, Input{Commitments: base(), Now: d("2025-04-15")})
	later := base()
	// Later the late one is kept and a new one is added; the log is only
	// appended to.
	later[0].Progress = append(later[0].Progress, prog("2025-05-05", model.StatusFulfilled))
	later[0].Status = model.StatusFulfilled
	later = append(later, commitment("c", "fgw", "2025-06-01"))
	late := compute(t, Input{Commitments: later, Now: d("2026-01-10")})
	a, b := period(t, early, "2025-q1"), period(t, late, "2025-q1")
	require.True(t, a.Closed)
	assert.Equal(t, a.Row("fgw").Score, b.Row("fgw").Score)
	assert.Equal(t, a.Row("fgw").Values, b.Row("fgw").Values)
	assert.NotEqual(t, period(t, early, "2025-q2").Row("fgw").Values[0], period(t, late, "2025-q2").Row("fgw").Values[0], "the open period did change")
	assert.Len(t, late.Years, 2)
	assert.Equal(t, "2026-q1", late.Quarters[len(late.Quarters)-1].Key)
	assert.Equal(t, late.Quarters[len(late.Quarters)-2], late.Quarters[len(late.Quarters)-1].Prev)
	assert.Same(t, late.Years[0].Row("fgw"), late.Years[1].Row("fgw").Prev)
}

func TestGrades(t *testing.T) {
	c := &computer{cfg: model.DefaultIndicators()}
	for _, tt := range []struct {
		score float64
		want  string
	}{{100, "优"}, {90, "优"}, {89.9, "良"}, {80, "良"}, {60, "中"}, {59.9, "差"}, {0, "差"}} {
		g, _ := c.grade(tt.score, 0)
		assert.Equal(t, tt.want, g, "%v", tt.score)
	}
	g, limited := c.grade(95, 1)
	assert.Equal(t, "良", g)
	assert.True(t, limited)
	g, limited = c.grade(70, 1)
	assert.Equal(t, "中", g, "already below the limit")
	assert.False(t, limited)
}

func TestSpecsFollowConfig(t *testing.T) {
	c := cfg(func(c *model.IndicatorConfig) {
		c.Weights[model.IndComplaintSatisfaction] = 0
		c.Points[model.IndRecordRemovedEarly] = model.IndicatorPoints{}
		c.DisclosureWorkingDays = 5
	})
	specs := specsOf(c)
	var ids []string
	for _, s := range specs {
		ids = append(ids, s.ID)
	}
	assert.NotContains(t, ids, model.IndComplaintSatisfaction)
	assert.NotContains(t, ids, model.IndRecordRemovedEarly)
	assert.Equal(t, "权重 40", specs[0].Rule)
	assert.Contains(t, specs[1].Definition, "不超过5个工作日")
	assert.Contains(t, specs[1].Definition, "行政许可、行政处罚")
	for _, s := range specs {
		if s.ID == model.IndRecordNew {
			assert.Equal(t, "每条按类型扣分：失信被执行15分，其他5分，其余类型10分，每期最多扣40分", s.Rule)
		}
		if s.ID == model.IndCommitmentOverdue {
			assert.Equal(t, "每项扣5分，每期最多扣20分", s.Rule)
		}
	}
}

func TestTable(t *testing.T) {
	cs := []*model.Commitment{
		commitment("a", "fgw", "2025-03-01", prog("2025-02-20", model.StatusFulfilled)),
		commitment("b", "fgw", "2025-03-01"),
		commitment("c", "czj", "2025-03-01", prog("2025-02-20", model.StatusFulfilled)),
	}
	depts := append([]*model.Department{{ID: "sfj", Name: "临沂市司法局", Level: "市"}}, depts...)
	r := compute(t, Input{Departments: depts, Commitments: cs, Now: d("2025-03-31")})
	p := period(t, r, "2025-q1")
	names := func(ss []Standing) (out [][2]any) {
		for _, s := range ss {
			out = append(out, [2]any{s.Row.Dept.ID, s.Rank})
		}
		return out
	}
	assert.Equal(t, [][2]any{{"czj", 1}, {"fgw", 2}, {"sfj", 0}}, names(p.Table("市", "")), "no score: last, unranked")
	assert.Equal(t, [][2]any{{"czj", 1}, {"fgw", 2}, {"sfj", 0}}, names(p.Table("市", model.IndCommitmentOnTime)))
	assert.Equal(t, [][2]any{{"sfj", 1}, {"czj", 1}, {"fgw", 3}}, names(p.Table("市", model.IndCommitmentOverdue)), "fewest deductions first; equal counts share a rank")
	assert.Equal(t, [][2]any{{"yishui", 0}}, names(p.Table("县区", "")), "the county bureau is rolled into its county")
	assert.Nil(t, p.Table("市", "nonexistent"))
	assert.Equal(t, "", r.SortKeys()[0])
	assert.Equal(t, "承诺按期兑现率", r.Spec(model.IndCommitmentOnTime).Name)
}

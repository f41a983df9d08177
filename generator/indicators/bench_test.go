package indicators

import (
	"fmt"
	"testing"

	"portal/generator/model"
)

// BenchmarkCompute evaluates a province-sized site: 1,000 bodies, 10,000
// commitments, 100,000 disclosures, 2,000 records and 100,000 complaints
// over six years (30 periods).
func BenchmarkCompute(b *testing.B) {
	var in Input
	in.Config = model.DefaultIndicators()
	in.Location = cst
	in.Now = d("2026-06-30")
	for i := range 1000 {
		level := "市"
		if i%2 == 1 {
			level = "县区"
		}
		in.Departments = append(in.Departments, &model.Department{ID: fmt.Sprintf("d%d", i), Level: level})
	}
	dept := func(i int) string { return fmt.Sprintf("d%d", i%1000) }
	start := d("2021-01-01")
	for i := range 10_000 {
		c := commitment(fmt.Sprintf("c%d", i), dept(i), start.AddDate(0, 0, i%2000).Format("2006-01-02"),
			model.Progress{Date: start.AddDate(0, 0, i%2000-30), Status: model.StatusInProgress},
			model.Progress{Date: start.AddDate(0, 0, i%2000+i%7-3), Status: model.StatusFulfilled})
		in.Commitments = append(in.Commitments, c)
	}
	for i := range 100_000 {
		decided := start.AddDate(0, 0, i%2000)
		in.Disclosures = append(in.Disclosures, &model.Disclosure{Common: model.Common{ID: fmt.Sprintf("x%d", i), Date: decided},
			Category: "行政处罚", Department: dept(i), Published: decided.AddDate(0, 0, i%12)})
	}
	for i := range 2_000 {
		in.Records = append(in.Records, &model.Record{Common: model.Common{ID: fmt.Sprintf("r%d", i), Date: start.AddDate(0, 0, i)},
			Department: dept(i * 7), RecordType: model.RecordTypes[i%len(model.RecordTypes)]})
	}
	for i := range 100_000 {
		at := start.AddDate(0, 0, i%2000)
		in.Complaints = append(in.Complaints, model.ComplaintFact{Department: dept(i * 3), Received: at, ReplyDue: at.AddDate(0, 0, 7), Replied: at.AddDate(0, 0, i%10),
			Visits: []model.ComplaintVisit{{Date: at.AddDate(0, 0, 12), Satisfaction: "满意"}}})
	}
	b.ReportAllocs()
	for b.Loop() {
		r := Compute(in)
		if len(r.Quarters) != 22 {
			b.Fatalf("%d quarters", len(r.Quarters))
		}
	}
}

package generator

import (
	"fmt"
	"strings"
	"time"

	"portal/generator/model"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

func date(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, shanghai)
	if err != nil {
		panic(err) // test helper on literal dates only
	}
	return t
}

func testConfig() model.Config {
	cfg := model.DefaultConfig()
	cfg.BaseURL = "https://xyxx.example.gov.cn/"
	cfg.Title = "临沂市政务诚信公开平台"
	cfg.Description = "政务诚信信息公开"
	cfg.Location = shanghai
	cfg.PageSize = 2
	cfg.Government = model.GovernmentConfig{SiteName: "临沂市政务诚信公开平台", SiteDomain: "xyxx.example.gov.cn", SiteIDCode: "3713000001",
		Sponsor: "临沂市发展和改革委员会", Contact: "0539-12345", ICP: "鲁ICP备00000000号"}
	return cfg
}

// tinySite is a small site covering every kind and every special case the
// pages must handle: a Chinese id, an overdue and a due-soon commitment, an
// expired and a withdrawn disclosure, a repealed policy, a draft.
func tinySite() *model.Site {
	return &model.Site{
		Config: testConfig(),
		Departments: []*model.Department{
			{ID: "fgw", Name: "临沂市发展和改革委员会", Short: "市发展改革委", Level: "市", Type: "政府工作部门"},
			{ID: "xzsp", Name: "临沂市行政审批服务局", Short: "市行政审批服务局", Level: "市", Type: "政府工作部门"},
			{ID: "sj", Name: "临沂市市场监督管理局", Short: "市市场监管局", Level: "市", Type: "政府工作部门", Parent: "fgw"},
		},
		Sections: map[model.Kind]*model.Section{
			model.KindCommitment: {Kind: model.KindCommitment, Title: "承诺践诺", Body: "各部门公开承诺及其履行情况。"},
		},
		Commitments: []*model.Commitment{
			{Common: model.Common{ID: "c01", Title: "企业开办全流程1个工作日内办结", Date: date("2024-11-25"), Tags: []string{"营商环境"},
				Body: "## 承诺内容\n\n企业开办\n全流程办结。", Example: true},
				Department: "xzsp", Partners: []string{"sj"}, PartnersNote: "市直有关部门单位配合", Category: "服务承诺",
				Deadline: date("2025-06-30"), Status: model.StatusInProgress, SourceDoc: "临发改信用〔2024〕295号", Measure: 4,
				Progress: []model.Progress{{Date: date("2025-01-15"), Status: model.StatusInProgress, Note: "已完成系统改造，试运行中", Evidence: "https://www.example.gov.cn/a?x=1&y=2"},
					{Date: date("2025-03-01"), Status: model.StatusInProgress, Note: "扩大试点", Evidence: "临审批发〔2025〕3号"}}},
			{Common: model.Common{ID: "兑现惠企政策", Title: "惠企政策<兑现>", Date: date("2025-01-01"), Tags: []string{"营商环境", "政策兑现"}},
				Department: "fgw", Category: "政策兑现", Deadline: date("2025-07-20"), Status: model.StatusPending},
			{Common: model.Common{ID: "c03", Title: "已兑现承诺", Date: date("2024-12-01")},
				Department: "fgw", Category: "服务承诺", Deadline: date("2025-03-01"), Status: model.StatusFulfilled},
			{Common: model.Common{ID: "c04", Title: "长期承诺", Date: date("2024-12-02")}, Department: "fgw", Category: "其他", Status: model.StatusInProgress},
			{Common: model.Common{ID: "draft", Title: "草稿", Date: date("2024-12-02"), Draft: true}, Department: "fgw", Category: "其他", Status: model.StatusPending},
		},
		Disclosures: []*model.Disclosure{
			{Common: model.Common{ID: "d01", Title: "食品经营许可", Date: date("2025-05-01"), Example: true}, SubjectName: "临沂某某食品有限公司",
				CreditCode: "91371300MA3C8XXX1X", DocNumber: "临审批食许〔2025〕1号", Category: "行政许可", Content: "准予食品经营许可",
				Department: "xzsp", LegalBasis: "《中华人民共和国食品安全法》"},
			{Common: model.Common{ID: "d02", Title: "过期处罚", Date: date("2023-01-01")}, SubjectName: "某公司", DocNumber: "临市监罚〔2023〕9号",
				Category: "行政处罚", Content: "罚款", Department: "sj", Fine: 5000, PublicityUntil: date("2024-01-01")},
			{Common: model.Common{ID: "d03", Title: "已修复", Date: date("2025-02-01")}, SubjectName: "另一公司", DocNumber: "临市监罚〔2025〕2号",
				Category: "行政处罚", Department: "sj", Withdrawn: true},
		},
		Policies: []*model.Policy{
			{Common: model.Common{ID: "295", Title: "关于加强政务诚信建设的若干措施", Date: date("2024-11-25"), Body: "第一条 总则\n\n内容。"},
				IndexNumber: "11371300MB-2024-00295", Publisher: "临沂市发展和改革委员会", WrittenDate: date("2024-11-20"), DocNumber: "临发改信用〔2024〕295号",
				Topic: "综合政务", Validity: "有效"},
			{Common: model.Common{ID: "old", Title: "旧办法", Date: date("2020-01-01"), Body: "旧。"}, Publisher: "市政府", Topic: "综合政务", Validity: "废止", ValidityNote: "被新办法废止"},
		},
		Cases: []*model.Case{{Common: model.Common{ID: "k1", Title: "守信激励案例", Date: date("2025-04-01"), Body: "案例正文。"}, CaseType: "守信激励", Departments: []string{"fgw"}}},
		News:  []*model.News{{Common: model.Common{ID: "n1", Title: "信用动态一则", Date: date("2025-05-10"), Body: "动态 & 正文 <script>x</script>"}, SourceName: "临沂日报", SourceURL: "https://example.cn/n1"}},
		Records: []*model.Record{{Common: model.Common{ID: "r1", Title: "拖欠账款记录", Date: date("2025-03-01"), Body: "记录。"}, Department: "fgw", RecordType: "拖欠账款",
			Basis: "（2024）鲁13民终1号判决", Status: "整改中"}},
	}
}

// genSite generates a realistic site of about n pages of Chinese content
// (~1,700 characters each): commitments with progress, news, disclosures and
// departments, for the benchmark and scale measurements.
func genSite(n int) *model.Site {
	site := &model.Site{Config: testConfig(), Sections: map[model.Kind]*model.Section{}}
	site.Config.PageSize = 20
	depts := n/100 + 5
	for i := 0; i < depts; i++ {
		site.Departments = append(site.Departments, &model.Department{ID: fmt.Sprintf("d%03d", i), Name: fmt.Sprintf("临沂市第%d工作局", i),
			Short: fmt.Sprintf("市%d局", i), Level: "市", Type: "政府工作部门"})
	}
	para := "为深入贯彻落实党中央、国务院关于加快推进社会信用体系建设的决策部署，进一步加强政务诚信建设，提升政府公信力，优化营商环境，" +
		"各级政府部门要严格履行向社会公开作出的承诺，建立健全承诺践诺制度，做到言必信、行必果。"
	body := func(i int) string {
		var b strings.Builder
		fmt.Fprintf(&b, "## 第%d项 工作安排\n\n", i)
		for b.Len() < 1700*3 {
			b.WriteString(para)
			b.WriteString("\n")
			b.WriteString(para)
			b.WriteString("\n\n")
		}
		b.WriteString("| 指标 | 数值 |\n|---|---|\n| 完成率 | 95% |\n")
		return b.String()
	}
	base := date("2023-01-01")
	statuses := model.Statuses
	for i := 0; i < n; i++ {
		d := site.Departments[i%depts].ID
		day := base.AddDate(0, 0, i%900)
		switch i % 4 {
		case 0, 1:
			c := &model.Commitment{Common: model.Common{ID: fmt.Sprintf("c%06d", i), Title: fmt.Sprintf("第%d项承诺：压缩审批时限提升服务效率", i), Date: day,
				Body: body(i), Tags: []string{fmt.Sprintf("标签%d", i%50)}},
				Department: d, Partners: []string{site.Departments[(i+1)%depts].ID}, Category: model.CommitmentCategories[i%7],
				Deadline: day.AddDate(0, 6, 0), Status: statuses[i%len(statuses)], SourceDoc: "临发改信用〔2024〕295号"}
			for p := 0; p < 3; p++ {
				st := model.StatusInProgress
				if p == 2 {
					st = c.Status // the log ends where the status stands
				}
				c.Progress = append(c.Progress, model.Progress{Date: day.AddDate(0, p+1, 0), Status: st, Note: "按计划推进，完成阶段性任务", Evidence: "临政办字〔2025〕12号"})
			}
			site.Commitments = append(site.Commitments, c)
		case 2:
			site.News = append(site.News, &model.News{Common: model.Common{ID: fmt.Sprintf("n%06d", i), Title: fmt.Sprintf("信用动态第%d期", i), Date: day, Body: body(i)},
				Departments: []string{d}, SourceName: "临沂日报"})
		case 3:
			site.Disclosures = append(site.Disclosures, &model.Disclosure{Common: model.Common{ID: fmt.Sprintf("x%06d", i), Title: "行政处罚决定", Date: day, Body: body(i)},
				SubjectName: fmt.Sprintf("临沂市某某商贸有限公司%d", i%500), CreditCode: fmt.Sprintf("91371300MA%07dX", i%500), DocNumber: fmt.Sprintf("临市监罚〔2025〕%d号", i),
				Category: "行政处罚", Content: "罚款人民币五千元", Department: d, Fine: 5000})
		}
	}
	return site
}

package indicators

import (
	"fmt"
	"strconv"
	"strings"

	"portal/generator/model"
)

// SpecKind says how an indicator enters the score.
type SpecKind string

// The spec kinds.
const (
	Rate      SpecKind = "rate"      // 正向指标: a share, weighted into the base score
	Bonus     SpecKind = "bonus"     // 加分
	Deduction SpecKind = "deduction" // 反向指标: 扣分
)

// Label is the Chinese name of k.
func (k SpecKind) Label() string {
	switch k {
	case Rate:
		return "正向指标"
	case Bonus:
		return "加分项"
	}
	return "反向指标"
}

// Spec is one indicator in use: its name, what it counts, and the numbers
// the configuration gives it. The 评价说明 page prints Definition and Rule.
type Spec struct {
	ID     string
	Name   string // e.g. 承诺按期兑现率
	Kind   SpecKind
	Unit   string // what one counted record is: 项, 条, 件, 次
	Source string // where the records come from: 承诺践诺, 双公示, 投诉, 发布日志 …
	// Definition states the formula in words.
	Definition string
	// Rule states the numbers: the weight, or the points per record and cap.
	Rule   string
	Weight float64               // rates
	Points model.IndicatorPoints // bonuses and deductions
	// NeedsLog is set for the indicators the publication log supplies, and
	// NeedsComplaints for those the complaint store supplies: without that
	// source they show "—".
	NeedsLog, NeedsComplaints bool
}

// specDefs are every indicator's fixed texts, in display order.
var specDefs = []Spec{
	{ID: model.IndCommitmentOnTime, Name: "承诺按期兑现率", Kind: Rate, Unit: "项", Source: "承诺践诺",
		Definition: "本期内期限届满的承诺中，在期限当日或之前经进度记录登记为“已兑现”的项数 ÷ 本期内期限届满的承诺项数。期限届满前已依法变更或撤回的承诺不计入；期限后才变更、撤回或兑现的，按未按期兑现计。没有期限的长期承诺不计入。承诺由牵头单位负责，配合单位不计。"},
	{ID: model.IndDisclosureOnTime, Name: "双公示按时公示率", Kind: Rate, Unit: "条", Source: "双公示",
		Definition: "本期上网公示的{cats}信息中，公示日期距决定日期不超过{days}个工作日的条数 ÷ 本期公示的条数。工作日扣除法定节假日并计入调休上班日；按公示日期归入统计周期。未登记公示日期、发布日志也未记录的，单列为“公示日期不明”，不计入比率。"},
	{ID: model.IndComplaintReplyOnTime, Name: "投诉按期答复率", Kind: Rate, Unit: "件", Source: "投诉办理",
		Definition: "本期答复期限届满或已作出首次答复的投诉中，在答复期限内（受理规定的工作日数，经批准延期的加上延期天数）首次答复的件数 ÷ 上述投诉件数。按期答复的按答复日归入统计周期，超期的按期限届满次日归入。不予受理的投诉不计入。"},
	{ID: model.IndComplaintSatisfaction, Name: "投诉满意率", Kind: Rate, Unit: "次", Source: "投诉办理",
		Definition: "本期回访结果为“满意”或“基本满意”的次数 ÷ 本期回访次数。"},
	{ID: model.IndIncentiveCase, Name: "守信激励、承诺践诺典型案例", Kind: Bonus, Unit: "篇", Source: "典型案例",
		Definition: "本期发布的案例类型为“守信激励”或“承诺践诺”、且列明该单位的典型案例篇数。"},
	{ID: model.IndCommitmentOverdue, Name: "逾期未兑现承诺", Kind: Deduction, Unit: "项", Source: "承诺践诺",
		Definition: "期末已过期限、仍处于“未启动”或“推进中”的承诺项数（按期末当日的进度记录）。逾期承诺在兑现或依法变更之前，每期都计入。"},
	{ID: model.IndCommitmentBroken, Name: "未兑现承诺", Kind: Deduction, Unit: "项", Source: "承诺践诺",
		Definition: "期末状态为“未兑现”的承诺项数（按期末当日的进度记录）。"},
	{ID: model.IndCommitmentPartial, Name: "部分兑现承诺", Kind: Deduction, Unit: "项", Source: "承诺践诺",
		Definition: "期末状态为“部分兑现”的承诺项数（按期末当日的进度记录）。"},
	{ID: model.IndRecordNew, Name: "新增政务失信记录", Kind: Deduction, Unit: "条", Source: "政务失信记录",
		Definition: "认定日期在本期内的政务失信记录条数，按失信类型（违约毁约、拖欠账款、政策不兑现、败诉未履行、失信被执行、新官不理旧账等）分别计分。依法撤销的记录视为自始不存在，不计入。"},
	{ID: model.IndRecordOpen, Name: "未整改政务失信记录", Kind: Deduction, Unit: "条", Source: "政务失信记录",
		Definition: "期末已认定、尚未登记整改完成日期（或整改完成日期在期末之后）的政务失信记录条数。整改完成后不再计入。"},
	{ID: model.IndComplaintUnsatisfied, Name: "不满意回访", Kind: Deduction, Unit: "次", Source: "投诉办理",
		Definition: "本期回访结果为“不满意”、且该投诉此前未重办过的次数。"},
	{ID: model.IndComplaintReopened, Name: "重办后仍不满意", Kind: Deduction, Unit: "次", Source: "投诉办理",
		Definition: "本期回访结果为“不满意”、且该投诉已因不满意重办过的次数（重办未能解决问题）。"},
	{ID: model.IndMaterialChange, Name: "实质性变更", Kind: Deduction, Unit: "次", Source: "发布日志", NeedsLog: true,
		Definition: "发布日志记录的、本期发布的承诺实质性变更次数：完成期限推迟、承诺内容修改、状态倒退、推进记录被改写或承诺被删除。牵头单位变更和依法变更、撤回不计入（后者已计入承诺按期兑现率）。"},
	{ID: model.IndRecordRemovedEarly, Name: "提前撤下公示", Kind: Deduction, Unit: "条", Source: "发布日志", NeedsLog: true,
		Definition: "发布日志记录的、本期在公示截止期之前撤下双公示信息或政务失信记录、或缩短其公示期的次数。"},
}

func init() {
	for i := range specDefs {
		if specDefs[i].Source == "投诉办理" {
			specDefs[i].NeedsComplaints = true
		}
	}
}

// specsOf returns the indicators cfg uses, in display order, with their
// numbers filled in.
func specsOf(cfg model.IndicatorConfig) []Spec {
	var out []Spec
	for _, s := range specDefs {
		s.Definition = strings.NewReplacer("{cats}", strings.Join(cfg.DisclosureCategories, "、"),
			"{days}", strconv.Itoa(cfg.DisclosureWorkingDays)).Replace(s.Definition)
		switch s.Kind {
		case Rate:
			s.Weight = cfg.Weights[s.ID]
			if s.Weight <= 0 {
				continue
			}
			s.Rule = "权重 " + num(s.Weight)
		default:
			s.Points = cfg.Points[s.ID]
			if s.Points.Points <= 0 && len(s.Points.ByType) == 0 {
				continue
			}
			verb := "扣"
			if s.Kind == Bonus {
				verb = "加"
			}
			var b strings.Builder
			fmt.Fprintf(&b, "每%s%s%s分", s.Unit, verb, num(s.Points.Points))
			if len(s.Points.ByType) > 0 {
				var parts []string
				for _, t := range model.RecordTypes {
					if p, ok := s.Points.ByType[t]; ok {
						parts = append(parts, fmt.Sprintf("%s%s分", t, num(p)))
					}
				}
				b.Reset()
				fmt.Fprintf(&b, "每%s按类型%s分：%s，其余类型%s分", s.Unit, verb, strings.Join(parts, "，"), num(s.Points.Points))
			}
			if s.Points.Cap > 0 {
				fmt.Fprintf(&b, "，每期最多%s%s分", verb, num(s.Points.Cap))
			}
			s.Rule = b.String()
		}
		out = append(out, s)
	}
	return out
}

// num formats a configured number without trailing zeros.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

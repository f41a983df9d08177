package disclosure

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unique"

	"portal/generator/model"
)

// Penalty kinds of 《中华人民共和国行政处罚法》第九条 by the 失信严重程度
// 《信用修复管理办法》(国家发展改革委令2025年第36号) gives them: a decision
// is as severe as its most severe kind (同一决定涉及多种处罚类型的，按期限最长的
// 类型确定).
var severityKinds = []struct {
	severity string
	kinds    []string
}{
	{"严重", []string{"吊销", "限制开展生产经营活动", "责令停产停业", "责令关闭", "限制从业", "严重失信主体名单"}},
	{"一般", []string{"暂扣", "降低资质等级", "没收违法所得", "没收非法财物", "罚款"}},
	{"轻微", []string{"警告", "通报批评"}},
}

// JudgeSeverity returns the 失信严重程度 of a penalty and how it was
// judged: as written (失信严重程度), else from its 处罚类别 (the most severe
// kind named), else from its amounts (a fine or confiscation is 一般),
// else 一般 with a note that nothing said otherwise.
func JudgeSeverity(d *model.Disclosure) (severity, how string) {
	if d.Severity != "" {
		return d.Severity, "按所填失信严重程度"
	}
	if k := strings.TrimSpace(d.PenaltyKind); k != "" {
		for _, s := range severityKinds {
			for _, kind := range s.kinds {
				if strings.Contains(k, kind) {
					return s.severity, fmt.Sprintf("按处罚类别“%s”认定为%s失信信息", kind, s.severity)
				}
			}
		}
	}
	if !d.FineAmount.IsZero() || !d.Confiscated.IsZero() {
		return "一般", "按罚款或没收金额认定为一般失信信息"
	}
	return "一般", "未填失信严重程度和可识别的处罚类别，按一般失信信息计"
}

// Publicity computes a record's publicity period from rules when the source
// gave no 公示截止期 (the first rule for its category and severity wins):
// it sets PublicityUntil, PublicityBasis (how it was derived, shown on the
// page), Severity (for penalties) and reports whether the rule withholds the
// record. A record with a written 公示截止期 is left as it is. The end is
// the day before the same calendar day Months later (the decision day is the
// first day: decided 2025-04-22, one year → 2026-04-21); a month without that
// day ends at its last day.
func Publicity(d *model.Disclosure, rules []model.PublicityRule) (withhold bool) {
	if !d.PublicityUntil.IsZero() && d.PublicityBasis == "" {
		return false
	}
	d.PublicityUntil, d.PublicityBasis = time.Time{}, ""
	how := ""
	if d.Category == Penalty || slices.ContainsFunc(rules, func(r model.PublicityRule) bool { return r.Category == d.Category && r.Severity != "" }) {
		if d.Severity == "" && d.Category == Penalty {
			d.Severity, how = JudgeSeverity(d)
		} else if d.Severity != "" {
			how = "按所填失信严重程度"
		}
	}
	for _, r := range rules {
		if r.Category != d.Category || (r.Severity != "" && r.Severity != d.Severity) {
			continue
		}
		name := r.Category
		if r.Severity != "" {
			name += "·" + r.Severity
		}
		var b strings.Builder
		switch {
		case r.Withhold:
			fmt.Fprintf(&b, "按公示期规则“%s”不予公示", name)
		case r.Months > 0 && !d.Date.IsZero():
			d.PublicityUntil = AddMonths(d.Date, r.Months).AddDate(0, 0, -1)
			fmt.Fprintf(&b, "本条未提供公示截止期，按公示期规则“%s”自决定日期起公示%s", name, monthsText(r.Months))
		case r.UntilValid && !d.ValidUntil.IsZero():
			d.PublicityUntil = d.ValidUntil
			fmt.Fprintf(&b, "本条未提供公示截止期，按公示期规则“%s”公示至有效期至", name)
		default:
			fmt.Fprintf(&b, "本条未提供公示截止期，按公示期规则“%s”长期公示", name)
		}
		if r.Basis != "" {
			fmt.Fprintf(&b, "（依据：%s）", r.Basis)
		}
		b.WriteString("。")
		if how != "" {
			b.WriteString(how + "。")
		}
		// The text comes from a few rules and judgements: one copy each,
		// not one per row (52 MB of a 100,000-row file's 176 MiB in memory).
		d.PublicityBasis = unique.Make(b.String()).Value()
		return r.Withhold
	}
	return false
}

func monthsText(m int) string {
	if m%12 == 0 {
		return fmt.Sprintf("%d年", m/12)
	}
	return fmt.Sprintf("%d个月", m)
}

// AddMonths returns the same calendar day months later, or the last day of
// that month when it has no such day (2024-01-31 + 1 → 2024-02-29).
func AddMonths(t time.Time, months int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), 0, 0, 0, 0, t.Location())
}

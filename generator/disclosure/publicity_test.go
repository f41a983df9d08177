package disclosure

import (
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

func TestPublicity(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		require.NoError(t, err)
		return d
	}
	rules := []model.PublicityRule{
		{Category: Penalty, Severity: "轻微", Withhold: true},
		{Category: Penalty, Severity: "一般", Months: 12, Basis: "依据甲"},
		{Category: Penalty, Severity: "严重", Months: 36},
		{Category: "行政许可", UntilValid: true},
		{Category: "守信激励"},
	}
	for _, tc := range []struct {
		name     string
		date     string
		d        model.Disclosure
		until    string
		withhold bool
		basis    string
	}{
		{"a fine: one year, the decision day first", "2025-04-22", model.Disclosure{Category: Penalty, PenaltyKind: "罚款"}, "2026-04-21", false,
			"本条未提供公示截止期，按公示期规则“行政处罚·一般”自决定日期起公示1年（依据：依据甲）。按处罚类别“罚款”认定为一般失信信息。"},
		{"29 February plus three years ends on the 27th", "2024-02-29", model.Disclosure{Category: Penalty, PenaltyKind: "吊销许可证件"}, "2027-02-27", false,
			"本条未提供公示截止期，按公示期规则“行政处罚·严重”自决定日期起公示3年。按处罚类别“吊销”认定为严重失信信息。"},
		{"a warning is withheld", "2025-01-01", model.Disclosure{Category: Penalty, PenaltyKind: "警告"}, "", true,
			"按公示期规则“行政处罚·轻微”不予公示。按处罚类别“警告”认定为轻微失信信息。"},
		{"a licence while valid", "2025-01-01", model.Disclosure{Category: "行政许可", ValidUntil: day("2030-01-01")}, "2030-01-01", false,
			"本条未提供公示截止期，按公示期规则“行政许可”公示至有效期至。"},
		{"a licence without 有效期至 stays", "2025-01-01", model.Disclosure{Category: "行政许可"}, "", false,
			"本条未提供公示截止期，按公示期规则“行政许可”长期公示。"},
		{"a written 公示截止期 wins", "2025-01-01", model.Disclosure{Category: Penalty, PenaltyKind: "罚款", PublicityUntil: day("2025-06-30")}, "2025-06-30", false, ""},
		{"no rule for the category", "2025-01-01", model.Disclosure{Category: "信用承诺"}, "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.d
			d.Date = day(tc.date)
			assert.Equal(t, tc.withhold, Publicity(&d, rules))
			if tc.until == "" {
				assert.True(t, d.PublicityUntil.IsZero(), d.PublicityUntil)
			} else {
				assert.Equal(t, tc.until, d.PublicityUntil.Format(time.DateOnly))
			}
			assert.Equal(t, tc.basis, d.PublicityBasis)
		})
	}
}

// TestPublicityBasisShared: rows derived by the same rule hold one copy of
// its text, so a 100,000-row file does not hold 100,000.
func TestPublicityBasisShared(t *testing.T) {
	rules := model.DefaultPublicityRules()
	a := model.Disclosure{Category: Penalty, PenaltyKind: "罚款"}
	b := model.Disclosure{Category: Penalty, PenaltyKind: "罚款"}
	a.Date, b.Date = time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 4, 0, 0, 0, 0, time.UTC)
	Publicity(&a, rules)
	Publicity(&b, rules)
	require.NotEmpty(t, a.PublicityBasis)
	assert.Equal(t, a.PublicityBasis, b.PublicityBasis)
	assert.Equal(t, unsafe.StringData(a.PublicityBasis), unsafe.StringData(b.PublicityBasis))
	assert.NotEqual(t, a.PublicityUntil, b.PublicityUntil)
}

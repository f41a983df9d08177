package loader

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

func TestIndicatorConfig(t *testing.T) {
	t.Parallel()
	head := "title = \"测试\"\ntime_zone = \"Asia/Shanghai\"\n"
	tests := []struct {
		name   string
		toml   string
		errors []string
		check  func(t *testing.T, ic model.IndicatorConfig)
	}{
		{
			name: "defaults when absent",
			check: func(t *testing.T, ic model.IndicatorConfig) {
				assert.Equal(t, model.DefaultIndicators(), ic)
			},
		},
		{
			name: "a site changes only what it names",
			toml: "[indicators]\nstart = 2025-01-01\nmin_base = 2\ndisclosure_working_days = 5\n" +
				"[indicators.weights]\ncomplaint_satisfaction = 0\n" +
				"[indicators.points]\ncommitment_overdue = { points = 8 }\nrecord_new = { by_type = { \"拖欠账款\" = 12 } }\n",
			check: func(t *testing.T, ic model.IndicatorConfig) {
				shanghai, _ := time.LoadLocation("Asia/Shanghai")
				assert.Equal(t, time.Date(2025, 1, 1, 0, 0, 0, 0, shanghai), ic.Start)
				assert.Equal(t, 2, ic.MinBase)
				assert.Equal(t, 5, ic.DisclosureWorkingDays)
				assert.Equal(t, 0.0, ic.Weights[model.IndComplaintSatisfaction])
				assert.Equal(t, 40.0, ic.Weights[model.IndCommitmentOnTime], "unnamed weights keep their default")
				assert.Equal(t, model.IndicatorPoints{Points: 8, Cap: 20}, ic.Points[model.IndCommitmentOverdue], "the cap keeps its default")
				assert.Equal(t, map[string]float64{"拖欠账款": 12}, ic.Points[model.IndRecordNew].ByType)
				assert.Equal(t, 40.0, model.DefaultIndicators().Weights[model.IndCommitmentOnTime], "the defaults are not changed")
				assert.Equal(t, 20.0, model.DefaultIndicators().Weights[model.IndComplaintSatisfaction], "the defaults are not changed")
			},
		},
		{
			name: "own grades",
			toml: "[indicators]\nopen_record_max_grade = \"合格\"\ngrades = [{ name = \"好\", min = 85 }, { name = \"合格\", min = 60 }, { name = \"不合格\", min = 0 }]\n",
			check: func(t *testing.T, ic model.IndicatorConfig) {
				assert.Equal(t, []model.Grade{{Name: "好", Min: 85}, {Name: "合格", Min: 60}, {Name: "不合格", Min: 0}}, ic.Grades)
				assert.Equal(t, "合格", ic.OpenRecordMaxGrade)
			},
		},
		{
			name: "every mistake named with its key",
			toml: "[indicators]\nmin_base = 0\ndisclosure_working_days = 90\ndisclosure_categories = [\"行政处分\"]\n" +
				"grades = [{ name = \"优\", min = 60 }, { name = \"良\", min = 80 }]\nopen_record_max_grade = \"中\"\n" +
				"[indicators.weights]\ncommitment_ontime = 40\ndisclosure_on_time = -1\n" +
				"[indicators.points]\ncommitment_overdue = { points = 500, cap = 10, per = 1 }\nrecord_open = { by_type = {} }\n",
			errors: []string{
				`portal.toml:4:12: indicators.min_base: 0 太小（比率至少基于 1 条记录；请使用 1 或更大的值） (0 is too small (a rate rests on at least 1 record; use 1 or more))`,
				`portal.toml:5:27: indicators.disclosure_working_days: 90 超出范围（请使用 1 至 60 个工作日；全国双公示规定为 7 个工作日） (90 is out of range (use 1 to 60 working days; the national 双公示 rule is 7))`,
				`portal.toml:6:25: indicators.disclosure_categories: "行政处分" 不是公示类别（可用：行政许可 | 行政处罚 | 行政强制 | 行政征收 | 行政检查 | 行政确认 | 行政奖励 | 其他，或加入 [vocabulary] disclosure_categories） ("行政处分" is not a disclosure category (use: 行政许可 | 行政处罚 | 行政强制 | 行政征收 | 行政检查 | 行政确认 | 行政奖励 | 其他, or add it to [vocabulary] disclosure_categories))`,
				`portal.toml:7:10: indicators.grades: 等级请从高到低列出，最低分依次下降（例如 优 90、良 80、中 60、差 0） (list the grades best first with falling minimums (e.g. 优 90, 良 80, 中 60, 差 0))`,
				`portal.toml:10:1: indicators.weights.commitment_ontime: 未知的键（是否想写 commitment_on_time？） (unknown key (did you mean commitment_on_time?))；此处可用的键 (allowed here)：commitment_on_time, disclosure_on_time, complaint_reply_on_time, complaint_satisfaction`,
				`portal.toml:11:22: indicators.weights.disclosure_on_time: -1 超出范围（权重为 0 至 100；0 表示不计此项比率） (-1 is out of range (a weight is 0 to 100; 0 leaves the rate out))`,
				`portal.toml:13:1: indicators.points.commitment_overdue.per: 未知的键 (unknown key)；此处可用的键 (allowed here)：points, cap, by_type`,
				`portal.toml:13:1: indicators.points.commitment_overdue.points: 500 超出范围（每条记录 0 至 100 分；扣分写正数；0 表示不计） (500 is out of range (0 to 100 points per record; a deduction is written positive; 0 leaves it out))`,
				`portal.toml:14:1: indicators.points.record_open.by_type: 只有 record_new 可以按记录类型计分 (only record_new has points by record type)`,
			},
		},
		{
			name:   "no weight left",
			toml:   "[indicators.weights]\ncommitment_on_time = 0\ndisclosure_on_time = 0\ncomplaint_reply_on_time = 0\ncomplaint_satisfaction = 0\n",
			errors: []string{`portal.toml:3:1: indicators.weights: 所有权重都为 0：至少要有一项正向比率计分（例如 commitment_on_time = 40） (every weight is 0: at least one positive rate must count (e.g. commitment_on_time = 40))`},
		},
		{
			name:   "the grade limit must be a grade",
			toml:   "[indicators]\nopen_record_max_grade = \"合格\"\n",
			errors: []string{`portal.toml:4:25: indicators.open_record_max_grade: "合格" 不是已设的等级（请使用 优 | 良 | 中 | 差，或写 "" 表示不限） ("合格" is not one of the grades (use 优 | 良 | 中 | 差, or "" for no limit))`},
		},
		{
			name:   "a grade scale must reach zero",
			toml:   "[indicators]\ngrades = [{ name = \"优\", min = 90 }, { name = \"良\", min = 80 }]\n",
			errors: []string{`portal.toml:4:10: indicators.grades: 最后一个等级必须 min = 0，使每个得分都有等级 (the last grade must have min = 0 so every score gets a grade)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, dl := Load(site(map[string]string{"portal.toml": head + tt.toml}), Options{})
			require.NotNil(t, s)
			assert.Equal(t, tt.errors, strs(dl.Errors()))
			if tt.check != nil {
				tt.check(t, s.Config.Indicators)
			}
		})
	}
}

// TestShippedIndicatorsAreTheDefaults: the shipped portal.toml writes out
// the built-in method, so what an editor reads there is what runs.
func TestShippedIndicatorsAreTheDefaults(t *testing.T) {
	t.Parallel()
	s, dl := Load(os.DirFS(filepath.Join("..", "..")), Options{})
	require.NoError(t, dl.Err())
	assert.Equal(t, model.DefaultIndicators(), s.Config.Indicators)
}

// TestShippedDisclosureDefaults: the shipped portal.toml writes out the
// [disclosures] defaults for operators to read and change; they must stay
// the defaults, so that the shipped site and a site without the table agree.
func TestShippedDisclosureDefaults(t *testing.T) {
	t.Parallel()
	settings, dl := LoadSettings(os.DirFS(filepath.Join("..", "..")), Options{})
	require.NoError(t, dl.Err())
	got := settings.Config.Disclosures
	assert.Equal(t, "mask", got.PersonNames)
	assert.Equal(t, model.DefaultPublicityRules(), got.Publicity)
}

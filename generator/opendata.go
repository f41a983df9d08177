package generator

import (
	"strings"

	"portal/generator/indicators"
	"portal/generator/ledger"
	"portal/generator/model"
	"portal/generator/theme"
)

// openDataHeaders are the columns of /data/<kind>.csv (and the keys of its
// JSON objects), in order, before the publication log's columns.
var openDataHeaders = map[string][]string{
	"commitments": {"id", "title", "department", "partners", "category", "date", "deadline", "status", "status_label", "overdue", "very_overdue", "days_late", "source", "url", "example"},
	"disclosures": disclosureOpenHeader,
	"records":     {"id", "title", "department", "record_type", "basis", "doc_number", "status", "date", "rectified_date", "url", "example"},
	"cases":       articleOpenHeader,
	"news":        articleOpenHeader,
	"policies":    {"id", "title", "index_number", "publisher", "written_date", "date", "doc_number", "topic", "validity", "url"},
	"departments": {"id", "name", "short", "aliases", "level", "parent", "type", "url"},
}

var articleOpenHeader = []string{"id", "title", "date", "type", "departments", "source", "summary", "url", "example"}

// openDataLogColumns follow a logged kind's columns on a site that keeps a
// publication log.
var openDataLogColumns = []string{"version", "hash", "log_entry"}

// OpenDataData is the /data/ page's .Data: every open data file and what
// each of its columns holds. Column names stay English (programs read them
// and they never change with the wording); the page says in Chinese what
// each one is.
type OpenDataData struct {
	Files []OpenDataFile
}

// OpenDataFile is one data set: its files and its columns.
type OpenDataFile struct {
	ID, Label string
	Links     []theme.Link // JSON and CSV, or the CSV alone
	// National marks the files in the national standard's columns (their
	// names are the standard's Chinese ones).
	National bool
	Fields   []OpenDataField
}

// OpenDataField is one column (JSON key) and what it holds.
type OpenDataField struct {
	Name, Meaning string
}

// openDataMeanings say what the columns the publication log's schema does
// not name hold, or hold otherwise in the open data; by kind, then for
// every kind ("").
var openDataMeanings = map[string]map[string]string{
	"": {
		"id":          "编号（页面地址的最后一段，各栏目内唯一）",
		"url":         "页面地址（本站内的路径）",
		"example":     "是否为示例数据：true 是，false 否",
		"summary":     "摘要",
		"departments": "相关单位（单位编号，多个以 ; 分隔，见单位名录）",
		"version":     "版本号：该记录在发布记录中的第几个版本（尚未登记的记录为空）",
		"hash":        "内容哈希：该版本内容的指纹，可用 portal verify 核对（尚未登记的记录为空）",
		"log_entry":   "发布记录条目号：该版本登记在发布记录的第几条（从 0 起；尚未登记的记录为空）",
	},
	"commitments": {
		"status":       "状态代码：" + statusCodes(),
		"status_label": "状态及逾期情况，如“推进中 · 逾期 1 天”",
		"overdue":      "是否已逾期（过了完成时限仍未兑现）：true 是，false 否",
		"very_overdue": "是否严重逾期：true 是，false 否",
		"days_late":    "逾期天数（未逾期为 0）",
	},
	"disclosures": {
		"fine":            "罚款金额（元）",
		"fine_shown":      "罚款金额（页面显示的写法，如“20万元”）",
		"publicity_basis": "公示期依据：未写公示截止期时，按哪条公示期规则确定",
	},
	"cases": {"type": "案例类型", "source": "来源文件"},
	"news":  {"type": "类别", "source": "来源"},
	"departments": {
		"id":      "单位编号（其他数据中的单位都写这个编号）",
		"name":    "单位全称",
		"short":   "简称",
		"aliases": "别称（多个以 ; 分隔）",
		"level":   "层级",
		"parent":  "上级单位（单位编号）",
		"type":    "单位类型",
	},
}

// statusCodes lists the commitment status codes with their names.
func statusCodes() string {
	parts := make([]string, 0, len(model.Statuses))
	for _, s := range model.Statuses {
		parts = append(parts, string(s)+" "+s.Label())
	}
	return strings.Join(parts, "，")
}

// openDataFields explains kind's columns: in its own words where the open
// data differs, else by the publication log's field label and type.
func openDataFields(kind string, header []string) []OpenDataField {
	out := make([]OpenDataField, 0, len(header))
	for _, name := range header {
		m, ok := openDataMeanings[kind][name]
		if !ok {
			m, ok = openDataMeanings[""][name]
		}
		if !ok {
			if f, found := ledger.FieldOf(model.Kind(kind), name); found && f.Label != "" {
				m = fieldMeaning(f)
			}
		}
		out = append(out, OpenDataField{Name: name, Meaning: m})
	}
	return out
}

// fieldMeaning is a logged field's label with how its value is written.
func fieldMeaning(f ledger.Field) string {
	switch f.Type {
	case ledger.Date:
		return f.Label + "（YYYY-MM-DD）"
	case ledger.Ref:
		return f.Label + "（单位编号，见单位名录）"
	case ledger.Refs:
		return f.Label + "（单位编号，多个以 ; 分隔，见单位名录）"
	}
	return f.Label
}

// indicatorMeanings say what /data/indicators.csv's fixed columns hold.
var indicatorMeanings = map[string]string{
	"period":       "评价期编号，如 2025（年度）、2025-q1（季度）",
	"period_label": "评价期",
	"period_kind":  "评价期类型：year 年度，quarter 季度",
	"as_of":        "数据截至日期（YYYY-MM-DD）",
	"closed":       "评价期是否已结束（结果不再变化）：true 是，false 否",
	"department":   "单位编号（见单位名录）",
	"name":         "单位名称",
	"level":        "层级",
	"scored":       "是否参与排名（记录不足时不参与）：true 是，false 否",
	"base":         "基础分（正向指标加权）",
	"bonus":        "加分",
	"penalty":      "扣分",
	"score":        "综合得分",
	"grade":        "等次",
	"rank":         "排名（不参与排名的为空）",
	"url":          "该单位本期评价页面的地址",
}

// indicatorFields explains /data/indicators.csv's columns, each
// indicator's by its name.
func indicatorFields(specs []indicators.Spec) []OpenDataField {
	var out []OpenDataField
	for _, name := range indicatorOpenHeader(specs)[:len(indicatorMeanings)] {
		out = append(out, OpenDataField{Name: name, Meaning: indicatorMeanings[name]})
	}
	for _, s := range specs {
		if s.Kind == indicators.Rate {
			out = append(out,
				OpenDataField{s.ID + "_num", s.Name + "：分子（" + s.Unit + "数）"},
				OpenDataField{s.ID + "_den", s.Name + "：分母（" + s.Unit + "数）"},
				OpenDataField{s.ID + "_rate", s.Name + "：比率（分子 ÷ 分母）"})
		} else {
			out = append(out, OpenDataField{s.ID + "_count", s.Name + "：" + s.Unit + "数"})
		}
		out = append(out, OpenDataField{s.ID + "_points", s.Name + "：得分（" + s.Kind.Label() + "）"})
	}
	return out
}

// dataPage lists the open data files and explains their columns.
func (pl *planner) dataPage() {
	pl.add("/data/", "data/index.html", "opendata", true, func() (*theme.Page, any) {
		p := pl.page("开放数据", "/data/", "", "opendata")
		p.Section, p.SectionURL = "开放数据", "/data/"
		d := &OpenDataData{}
		for _, k := range openDataKinds {
			label := "单位名录"
			if k != "departments" {
				label = sectionTitle(pl.site, model.Kind(k))
			}
			header := openDataHeaders[k]
			if pl.ledger != nil && ledger.Schema(model.Kind(k)) != nil {
				header = append(header[:len(header):len(header)], openDataLogColumns...)
			}
			d.Files = append(d.Files, OpenDataFile{ID: k, Label: label, Fields: openDataFields(k, header), Links: []theme.Link{
				{Label: label + "（JSON）", URL: "/data/" + k + ".json"},
				{Label: label + "（CSV）", URL: "/data/" + k + ".csv"}}})
		}
		for _, f := range nationalOpenFiles {
			d.Files = append(d.Files, OpenDataFile{ID: strings.TrimSuffix(strings.TrimPrefix(f.name, "data/"), ".csv"), Label: f.label,
				National: true, Links: []theme.Link{{Label: f.label + "（CSV）", URL: "/" + f.name}}})
		}
		if defaultPeriod(pl.rep) != nil {
			d.Files = append(d.Files, OpenDataFile{ID: "indicators", Label: indicatorsSection, Fields: indicatorFields(pl.rep.Specs),
				Links: []theme.Link{
					{Label: indicatorsSection + "（JSON）", URL: "/data/indicators.json"},
					{Label: indicatorsSection + "（CSV）", URL: "/data/indicators.csv"}}})
		}
		return p, d
	})
}

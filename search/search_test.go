package search

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// smallDocs is a tiny site with the shapes that matter: identifiers in
// several bracket styles, a character at the end of a word, markup-like text.
func smallDocs() []Document {
	return []Document{
		{
			URL: "/commitments/c01/", Title: "惠企政策兑现“免申即享”", Kind: "commitments", KindLabel: "承诺践诺",
			Departments: []string{"fgw", "czj"}, DepartmentNames: []string{"市发展改革委", "市财政局"},
			Status: "in_progress", StatusLabel: "推进中", Category: "政策兑现", Date: day("2024-11-25"),
			Identifiers: []string{"c01"},
			Text:        "梳理惠企政策清单，推动政策兑现“免申即享”，做到应兑尽兑。对拖欠中小企业账款问题建立台账，限期清偿。",
		},
		{
			URL: "/disclosures/d1/", Title: "临沂某某建材有限公司行政处罚", Kind: "disclosures", KindLabel: "双公示",
			Departments: []string{"scjgj"}, DepartmentNames: []string{"市市场监管局"},
			Category: "行政处罚", Date: day("2025-03-02"),
			Identifiers: []string{"d1", "91371300MA3C8XYZ1K", "临市监罚〔2025〕15号"},
			Text:        "当事人销售不合格建材，依据《产品质量法》责令改正，罚款人民币二万元。决定书文号：临市监罚〔2025〕15号。",
		},
		{
			URL: "/records/r1/", Title: "某区政府拖欠中小企业账款", Kind: "records", KindLabel: "政务失信记录",
			Departments: []string{"lsq"}, DepartmentNames: []string{"兰山区政府"},
			Status: "整改中", StatusLabel: "整改中", Category: "拖欠账款", Date: day("2025-05-10"),
			Identifiers: []string{"r1", "（2025）鲁1302执123号"},
			Text:        "经法院判决，某区政府应支付工程款但未履行，列入政务失信记录，目前正在整改。",
		},
		{
			URL: "/news/n1/", Title: "个人所得税专项附加扣除政策宣讲", Kind: "news", KindLabel: "信用动态",
			Departments: []string{"sw"}, DepartmentNames: []string{"市税务局"}, Date: day("2024-06-01"),
			Text: "市税务局开展宣讲，讲解个人所得税。纳税人可在线办理。<script>alert(1)</script> 2024年度汇算。",
		},
		{
			URL: "/policies/p1/", Title: "关于印发《临沂市政务诚信建设若干措施》的通知", Kind: "policies", KindLabel: "政策文件",
			Departments: []string{"fgw"}, DepartmentNames: []string{"市发展改革委"}, Date: day("2024-10-30"),
			Identifiers: []string{"p1", "临发改信用〔2024〕295号"},
			Text:        "各县区发展改革局：现将《临沂市政务诚信建设若干措施》印发给你们，请认真贯彻落实。",
		},
		{
			URL: "/cases/k1/", Title: "守信激励典型案例：容缺受理", Kind: "cases", KindLabel: "典型案例",
			Departments: []string{"xzsp"}, DepartmentNames: []string{"市行政审批服务局"}, Date: day("2025-01-20"),
			Text: "企业开办全流程１个工作日内办结，ＡＢＣ公司当天领取营业执照。",
		},
	}
}

func buildSmall(t *testing.T, opts Options) *Index {
	t.Helper()
	dir := t.TempDir()
	_, err := Build(context.Background(), dir, smallDocs(), opts)
	require.NoError(t, err)
	ix, err := Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { ix.Close() })
	return ix
}

func urls(r Result) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.URL)
	}
	return out
}

func TestSearch(t *testing.T) {
	t.Parallel()
	for _, shards := range []int{1, 2} {
		ix := buildSmall(t, Options{Shards: shards})
		tests := []struct {
			name  string
			q     Query
			first string   // the first hit, when it matters
			want  []string // exactly these hits, in any order (nil: not checked)
		}{
			{name: "phrase", q: Query{Text: "政策兑现"}, first: "/commitments/c01/", want: []string{"/commitments/c01/"}},
			{name: "quoted phrase", q: Query{Text: `"拖欠中小企业账款"`}, first: "/records/r1/", want: []string{"/records/r1/", "/commitments/c01/"}},
			{name: "single character in words", q: Query{Text: "税"}, want: []string{"/news/n1/"}},
			{name: "single character at end of run", q: Query{Text: "罚"}, want: []string{"/disclosures/d1/"}},
			{name: "crosses word boundary", q: Query{Text: "策兑"}, want: []string{"/commitments/c01/"}},
			{name: "credit code", q: Query{Text: "91371300MA3C8XYZ1K"}, first: "/disclosures/d1/", want: []string{"/disclosures/d1/"}},
			{name: "credit code lower case", q: Query{Text: "91371300ma3c8xyz1k"}, first: "/disclosures/d1/"},
			{name: "doc number square brackets", q: Query{Text: "临发改信用[2024]295号"}, first: "/policies/p1/", want: []string{"/policies/p1/"}},
			{name: "doc number full-width brackets", q: Query{Text: "临发改信用［２０２４］２９５号"}, first: "/policies/p1/", want: []string{"/policies/p1/"}},
			{name: "doc number round brackets", q: Query{Text: "临市监罚(2025)15号"}, first: "/disclosures/d1/", want: []string{"/disclosures/d1/"}},
			{name: "court number other brackets", q: Query{Text: "[2025]鲁1302执123号"}, first: "/records/r1/", want: []string{"/records/r1/"}},
			{name: "full-width digits in text", q: Query{Text: "1个工作日"}, want: []string{"/cases/k1/"}},
			{name: "latin letters any case", q: Query{Text: "abc公司"}, want: []string{"/cases/k1/"}},
			{name: "two words all required", q: Query{Text: "账款 法院"}, want: []string{"/records/r1/"}},
			{name: "department name", q: Query{Text: "市税务局"}, want: []string{"/news/n1/"}},
			{name: "filter kind", q: Query{Text: "拖欠", Kind: "commitments"}, want: []string{"/commitments/c01/"}},
			{name: "filter department", q: Query{Department: "fgw"}, want: []string{"/commitments/c01/", "/policies/p1/"}},
			{name: "filter year", q: Query{Year: 2025}, want: []string{"/disclosures/d1/", "/records/r1/", "/cases/k1/"}},
			{name: "filter status", q: Query{Status: "整改中"}, want: []string{"/records/r1/"}},
			{name: "no match", q: Query{Text: "火星殖民"}, want: []string{}},
			{name: "punctuation only", q: Query{Text: "《》，。"}, want: nil},
			{name: "id", q: Query{Text: "c01"}, first: "/commitments/c01/"},
			{name: "sort by date", q: Query{Sort: SortDate}, first: "/records/r1/"},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%d/%s", shards, tt.name), func(t *testing.T) {
				r, err := ix.Search(context.Background(), tt.q)
				require.NoError(t, err)
				if tt.first != "" {
					require.NotEmpty(t, r.Hits)
					assert.Equal(t, tt.first, r.Hits[0].URL)
				}
				if tt.want != nil {
					assert.ElementsMatch(t, tt.want, urls(r))
					assert.Equal(t, len(tt.want), r.Total)
				}
			})
		}
	}
}

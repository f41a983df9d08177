// Package searchtest generates large, realistic Chinese sites for search
// benchmarks and relevance measurement, and scores a search against judged
// queries (precision@k, recall@k, MRR).
//
// Contract: Corpus is deterministic for a given size and seed. Its text is
// sentences of the founding document (临发改信用〔2024〕295号) plus planted
// topics whose true answers are known: every planted phrase is rare, so a
// judged query has a small, exact set of relevant pages. Nothing here is
// shipped in the binary; tests, benchmarks and the load program use it.
package searchtest

import (
	_ "embed"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"portal/search"
)

//go:embed measures.txt
var measures string

// sentences are the founding document split into sentences.
var sentences = func() []string {
	var out []string
	for _, s := range strings.FieldsFunc(measures, func(r rune) bool { return strings.ContainsRune("。；\n", r) }) {
		if s = strings.TrimSpace(s); len([]rune(s)) >= 8 {
			out = append(out, s+"。")
		}
	}
	return out
}()

var (
	kinds  = []string{"commitments", "disclosures", "records", "cases", "policies", "news"}
	labels = map[string]string{"commitments": "承诺践诺", "disclosures": "双公示", "records": "政务失信记录", "cases": "典型案例", "policies": "政策文件", "news": "信用动态"}
	depts  = []string{"fgw", "czj", "sfj", "gxj", "swj", "scjgj", "xzsp", "zjj", "jtj", "nyj", "lsq", "hdq", "lzq", "yn", "tc", "ls", "fx", "pi", "jn", "mx"}
	dnames = map[string]string{"fgw": "市发展改革委", "czj": "市财政局", "sfj": "市司法局", "gxj": "市工业和信息化局", "swj": "市商务局",
		"scjgj": "市市场监管局", "xzsp": "市行政审批服务局", "zjj": "市住房城乡建设局", "jtj": "市交通运输局", "nyj": "市农业农村局",
		"lsq": "兰山区政府", "hdq": "河东区政府", "lzq": "罗庄区政府", "yn": "沂南县政府", "tc": "郯城县政府", "ls": "兰陵县政府",
		"fx": "费县政府", "pi": "平邑县政府", "jn": "莒南县政府", "mx": "蒙阴县政府"}
	statuses  = []string{"pending", "in_progress", "fulfilled", "partial", "broken", "withdrawn"}
	companies = []string{"建材", "机械", "食品", "物流", "商贸", "化工", "木业", "电子", "医药", "纺织"}
)

// Topic is a planted subject: its phrase appears in exactly Count pages
// per 10,000 (at least one), always in the text and in the title of the
// first; Decoys pages carry the phrase's words apart, which a precise
// search must not return.
type Topic struct {
	Phrase string   // what is planted
	Words  []string // the phrase split into words, planted apart in decoys
	Wrap   string   // a sentence with %s where the phrase goes
}

// Topics are the planted subjects. Their phrases do not occur in the
// founding document, so their relevant sets are exactly the planted pages.
var Topics = []Topic{
	{"拖欠中小企业账款", []string{"拖欠", "中小企业", "账款"}, "开展清理%s专项行动，建立台账，限期清偿。"},
	{"免申即享", []string{"免申", "即享"}, "推行惠企政策%s，企业无需申报即可享受。"},
	{"新官不理旧账", []string{"新官", "旧账"}, "严肃整治%s问题，对历史遗留合同逐项清理。"},
	{"个人所得税", []string{"个人", "所得税"}, "税务部门开展%s汇算清缴辅导。"},
	{"纳税信用", []string{"纳税", "信用"}, "将%s评价结果用于银行授信。"},
	{"容缺受理", []string{"容缺", "受理"}, "对申请材料推行%s，次要材料后补。"},
	{"信用修复", []string{"信用", "修复"}, "指导企业依法开展%s，及时移出公示。"},
	{"工程款支付", []string{"工程款", "支付"}, "督促建设单位按合同完成%s。"},
	{"营商环境", []string{"营商", "环境"}, "持续优化%s，提升企业满意度。"},
	{"招商引资承诺", []string{"招商引资", "承诺"}, "梳理%s事项，逐项落实兑现。"},
}

// Doc is a generated page with what the generator knows about it.
type Doc struct {
	search.Document
	Topics []int // indexes into Topics planted in this page
}

// Corpus returns n pages of about 1,700 characters each.
func Corpus(n int, seed uint64) []Doc {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	docs := make([]Doc, n)
	base := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range docs {
		kind := kinds[rng.IntN(len(kinds))]
		d := search.Document{
			URL: fmt.Sprintf("/%s/g%06d/", kind, i), Kind: kind, KindLabel: labels[kind],
			Date: base.AddDate(0, 0, rng.IntN(5*365)),
		}
		nd := 1 + rng.IntN(2)
		for range nd {
			id := depts[rng.IntN(len(depts))]
			d.Departments = append(d.Departments, id)
			d.DepartmentNames = append(d.DepartmentNames, dnames[id])
		}
		d.Identifiers = []string{fmt.Sprintf("g%06d", i)}
		switch kind {
		case "commitments":
			d.Status = statuses[rng.IntN(len(statuses))]
			d.StatusLabel = d.Status
		case "disclosures":
			d.Identifiers = append(d.Identifiers, CreditCode(i), DocNumber(i))
		case "records":
			d.Status = []string{"整改中", "已整改", "已修复"}[rng.IntN(3)]
			d.StatusLabel = d.Status
		}
		var b strings.Builder
		first := sentences[rng.IntN(len(sentences))]
		d.Title = truncate(first, 10+rng.IntN(20))
		for b.Len() < 1700*3 { // ~3 bytes a character
			b.WriteString(sentences[rng.IntN(len(sentences))])
		}
		if kind == "disclosures" {
			fmt.Fprintf(&b, "行政相对人：临沂%s%s有限公司，统一社会信用代码：%s，决定文书号：%s。", companyName(i), companies[i%len(companies)], CreditCode(i), DocNumber(i))
			d.Title = "临沂" + companyName(i) + companies[i%len(companies)] + "有限公司" + "行政处罚"
		}
		d.Text = b.String()
		d.Summary = truncate(d.Text, 80)
		docs[i] = Doc{Document: d}
	}
	// Plant topics: Count pages each, plus as many decoys.
	per := max(1, n/10000) * 5
	for t, tp := range Topics {
		for k := range per {
			i := rng.IntN(n)
			d := &docs[i]
			d.Text = insert(d.Text, fmt.Sprintf(tp.Wrap, tp.Phrase), rng)
			d.Topics = append(d.Topics, t)
			if k == 0 {
				d.Title = tp.Phrase + "工作情况通报"
			}
			j := rng.IntN(n)
			for _, w := range tp.Words {
				docs[j].Text = insert(docs[j].Text, "有关"+w+"的说明。", rng)
			}
		}
	}
	return docs
}

// Documents returns the search documents of docs.
func Documents(docs []Doc) []search.Document {
	out := make([]search.Document, len(docs))
	for i := range docs {
		out[i] = docs[i].Document
	}
	return out
}

// CreditCode returns the 统一社会信用代码 of generated page i (shape only;
// the check character is not computed).
func CreditCode(i int) string { return fmt.Sprintf("913713%08dX%03d", i*7919%100000000, i%1000) }

// DocNumber returns the 决定文书号 of generated page i.
func DocNumber(i int) string { return fmt.Sprintf("临市监罚〔%d〕%d号", 2021+i%5, i) }

func companyName(i int) string {
	const syll = "华鑫盛泰恒通达瑞丰源隆兴宏祥利新"
	r := []rune(syll)
	return string([]rune{r[i%len(r)], r[(i/len(r))%len(r)], r[(i/len(r)/len(r))%len(r)]})
}

// insert puts s after a random sentence of text.
func insert(text, s string, rng *rand.Rand) string {
	p := rng.IntN(len(text) + 1)
	cut := strings.Index(text[p:], "。")
	if cut < 0 {
		return text + s
	}
	pos := p + cut + len("。")
	return text[:pos] + s + text[pos:]
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"portal/generator/markdown"
	"portal/generator/model"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

func day0(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, shanghai)
	if err != nil {
		panic(err) // literal dates only
	}
	return t
}

var md = markdown.New()

// versionOf renders rec's body as the site does and returns its form.
func versionOf(t testing.TB, rec any) Version {
	t.Helper()
	var body string
	switch r := rec.(type) {
	case *model.Commitment:
		body = r.Body
	case *model.Disclosure:
		body = r.Body
	case *model.Record:
		body = r.Body
	case *model.Policy:
		body = r.Body
	case *model.Case:
		body = r.Body
	case *model.News:
		body = r.Body
	}
	doc, err := md.Render(body)
	require.NoError(t, err)
	v, err := Of(rec, doc.HTML)
	require.NoError(t, err)
	return v
}

// startup is the shipped site's first commitment, in short.
func startup() *model.Commitment {
	return &model.Commitment{
		Common: model.Common{ID: "e01", Title: "企业开办全流程1个工作日内办结", Date: day0("2024-11-25"), Tags: []string{"营商环境", "企业开办"},
			Body: "## 承诺内容\n\n企业开办实行“一窗受理、一网通办”，\n全流程1个工作日内办结。\n\n详见[办事指南](https://www.example.gov.cn/guide)。"},
		Department: "xzsp", Partners: []string{"sj", "ga"}, Category: "服务承诺", Deadline: day0("2025-06-30"),
		Status: model.StatusInProgress, SourceDoc: "临发改信用〔2024〕295号", Measure: 4,
		Progress: []model.Progress{{Date: day0("2025-01-15"), Status: model.StatusInProgress, Note: "已完成系统改造，试运行中", Evidence: "临审批发〔2025〕3号"}},
	}
}

func penalty() *model.Disclosure {
	return &model.Disclosure{
		Common:      model.Common{ID: "p01", Title: "某某商贸有限公司行政处罚", Date: day0("2025-03-10")},
		SubjectName: "临沂某某商贸有限公司", CreditCode: "91371300MA3C8XXX1X", DocNumber: "临市监罚〔2025〕12号",
		Category: "行政处罚", Content: "罚款人民币五千元", Department: "sj", Fine: 5000, FineAmount: model.Amount{Fen: 500000, Unit: model.UnitYuan},
		PublicityUntil: day0("2026-03-10"),
	}
}

func testKey(t testing.TB) (skey, vkey string) {
	t.Helper()
	skey, vkey, err := GenerateKey("xyxx.example.gov.cn/log")
	require.NoError(t, err)
	return skey, vkey
}

// publish plans, appends and writes one batch and signs it, as portal
// publish does; it returns the new entries.
func publish(t testing.TB, dir string, l *Log, skey string, date string, current ...Version) []*Entry {
	t.Helper()
	es, err := l.Plan(current, date, "")
	require.NoError(t, err)
	from := l.Size()
	require.NoError(t, l.Append(es))
	root, err := l.TreeHash(l.Size())
	require.NoError(t, err)
	name, err := KeyName(mustPublic(t, skey))
	require.NoError(t, err)
	signed, err := Sign(Checkpoint{Origin: name, N: l.Size(), Hash: root}, skey)
	require.NoError(t, err)
	l.Checkpoint = signed
	require.NoError(t, Write(dir, l, from, signed))
	return es
}

func mustPublic(t testing.TB, skey string) string {
	t.Helper()
	v, err := PublicKey(skey)
	require.NoError(t, err)
	return v
}

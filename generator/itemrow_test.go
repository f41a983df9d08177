package generator

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/theme"
	"portal/themes"
)

func TestDefaultItemIsFast(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	assert.Equal(t, itemSum, th.PartialSum("item.html"), "partials/item.html changed: update writeItem (itemrow.go) to match and itemSum")
}

// The list row written in Go is the default item.html's output, byte for
// byte, on every branch.
func TestItemRowMatchesTemplate(t *testing.T) {
	th, err := theme.Load(themes.Default())
	require.NoError(t, err)
	full := Item{Kind: "commitments", Title: "市司法局关于<限时>办结 & \"承诺\"+1", URL: "/commitments/p1/?a=<b>&c='d'", DateISO: "2021-03-01", DateText: "2021年3月1日",
		Summary: "摘要 'x' <y>", Department: "市司法局", Category: "类别+", StatusLabel: "已逾期", StatusClass: "overdue", Note: "逾期 428 天", NoteClass: "late", Example: true,
		Subject: "某公司", CreditCode: "913713266CQ3XWMXW6", DocNumber: "临财罚〔2021〕18号"}
	variants := map[string]func(v *Item){
		"full":           func(v *Item) {},
		"empty":          func(v *Item) { *v = Item{} },
		"disclosure":     func(v *Item) { v.Kind = "disclosures" },
		"no credit code": func(v *Item) { v.Kind, v.CreditCode = "disclosures", "" },
		"no note class":  func(v *Item) { v.NoteClass = "" },
		"no note":        func(v *Item) { v.Note = "" },
		"no status":      func(v *Item) { v.StatusLabel = "" },
		"no date":        func(v *Item) { v.DateISO = "" },
		"unsafe url":     func(v *Item) { v.URL = "javascript:alert(1)" },
		"nul, bad utf-8": func(v *Item) { v.Title, v.Summary = "a\x00b", "\xff\xfe" },
	}
	for name, f := range variants {
		t.Run(name, func(t *testing.T) {
			v := full
			f(&v)
			want, err := th.Partial("item.html", v)
			require.NoError(t, err)
			got, err := itemRow(th, &v)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
		})
	}
}

func FuzzItemRow(f *testing.F) {
	f.Add("disclosures", "标题", "/x/", "2021-03-01", "摘要", "单位", "状态", "late", "备注", "913713266CQ3XWMXW6", true)
	f.Add("news", "<&>'\"+", "javascript:x", "", "", "", "", "", "", "", false)
	th, err := theme.Load(themes.Default())
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, kind, title, url, date, summary, dept, status, class, note, code string, example bool) {
		v := Item{Kind: kind, Title: title, URL: url, DateISO: date, DateText: date, Summary: summary, Department: dept, Category: dept,
			StatusLabel: status, StatusClass: class, Note: note, NoteClass: class, Example: example, Subject: title, CreditCode: code, DocNumber: note}
		want, err := th.Partial("item.html", v)
		require.NoError(t, err)
		got, err := itemRow(th, &v)
		require.NoError(t, err)
		require.Equal(t, string(want), string(got))
	})
}

package generator

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/fingerprint"
)

// TestIndicatorRowSum: a scoreboard line carries its sum into page keys
// (setCore, then seal after the rank), and the sum still changes with
// every field a template can see: the core fields (set before setCore, as
// scoreRow does), the rank and Extra (set after it, as scoreboard does).
func TestIndicatorRowSum(t *testing.T) {
	cell := IndicatorCell{Label: "率", Text: "66.7%（2/3）", URL: "/i/a/", Title: "说明"}
	base := func() IndicatorRow {
		return IndicatorRow{Rank: "—", Name: "司法局", FullName: "临沂市司法局", DeptURL: "/d/", URL: "/i/d/", Score: "83.3", Grade: "好",
			GradeNote: "注", Trend: Trend{Arrow: "↑", Text: "+3.5", Label: "升", Class: "up"}, Rates: []IndicatorCell{cell}, Bonus: cell,
			Penalties: []IndicatorCell{cell}, Penalty: "5"}
	}
	key := func(r IndicatorRow) fingerprint.Sum {
		return fingerprint.Of(&IndicatorsData{Tables: []IndicatorTable{{Rows: []IndicatorRow{r}}}})
	}
	sealed := func(core, shown func(*IndicatorRow)) fingerprint.Sum {
		r := base()
		core(&r)
		r.setCore()
		shown(&r)
		r.seal()
		require.False(t, r.sum.IsZero())
		return key(r)
	}
	nop := func(*IndicatorRow) {}
	want := sealed(nop, nop)
	assert.Equal(t, want, sealed(func(r *IndicatorRow) { r.Head, r.Tail = "<td>", "</td>" }, nop), "Head and Tail are not in the key")
	rt := reflect.TypeFor[IndicatorRow]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() || f.Tag.Get("fingerprint") == "-" {
			continue
		}
		change := func(r *IndicatorRow) {
			v := reflect.ValueOf(r).Elem().Field(i)
			switch v.Kind() {
			case reflect.String:
				v.SetString(v.String() + "x")
			case reflect.Struct: // a cell or the trend: its first field
				v.Field(0).SetString(v.Field(0).String() + "x")
			case reflect.Slice:
				v.Set(reflect.Append(v, v.Index(0)))
			case reflect.Pointer:
				v.Set(reflect.ValueOf(&IndicatorCell{Text: "x"}))
			default:
				t.Fatalf("%s: add a change for a %s", f.Name, v.Kind())
			}
		}
		if f.Name == "Rank" || f.Name == "Extra" {
			assert.NotEqual(t, want, sealed(nop, change), f.Name)
		} else {
			assert.NotEqual(t, want, sealed(change, nop), f.Name)
		}
	}
}

package fingerprint

import (
	"html/template"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// walked is Add's value path as it was before compiled functions: the
// reflective walk of an addressable copy, the reference hashFn must equal.
func walked(v any) Sum {
	h := New()
	rv := reflect.ValueOf(v)
	t := rv.Type()
	h.typeName(t)
	if t.Kind() == reflect.Struct {
		if info := structOf(t); info.sum >= 0 {
			if sum := sumField(rv.Field(info.sum)); !sum.IsZero() {
				h.sum(sum)
				return h.Sum()
			}
		}
	}
	cp := reflect.New(t).Elem()
	cp.Set(rv)
	h.walk(cp, 0)
	return h.Sum()
}

type bytesName []byte

type kinds struct {
	B    bool
	I    int
	I8   int8
	I16  int16
	I32  int32
	I64  int64
	U    uint
	U8   uint8
	U16  uint16
	U32  uint32
	U64  uint64
	UP   uintptr
	F32  float32
	F64  float64
	C64  complex64
	C128 complex128
	S    string
	H    template.HTML
	Bs   []byte
	Bn   bytesName
	A    [3]int16
	Sl   []string
	T    time.Time
	PT   *time.Time
	when time.Time
	M    map[string][]int
	MI   map[int]*inner
	Any  any
	Anys []any
	Sum  Sum
	Skip func() `fingerprint:"-"`
}

type node struct {
	Name string
	Next *node
	Kids []node
}

type summed struct {
	A   string
	sum Sum `fingerprint:"sum"`
}

func TestCompiledIsWalk(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	day := time.Date(2025, 7, 1, 8, 30, 0, 5, sh)
	full := kinds{Skip: func() {}, B: true, I: -1, I8: -8, I16: -16, I32: -32, I64: -64, U: 1, U8: 8, U16: 16, U32: 32, U64: 1 << 63, UP: 7,
		F32: -1.5, F64: 3.25, C64: complex(1, -2), C128: complex(-3, 4), S: "承诺", H: "<p>x</p>", Bs: []byte("ab"), Bn: bytesName{},
		A: [3]int16{1, -2, 3}, Sl: []string{"a", ""}, T: day, PT: &day, when: day.UTC(), M: map[string][]int{"b": {1}, "a": nil},
		MI: map[int]*inner{2: {When: day}, 1: nil}, Any: &inner{When: day, Names: []string{"x"}},
		Anys: []any{nil, 3, "s", int8(-3), [1]*int{}, struct{ P *int }{}, map[string]int{"a": 1}, [2]string{"a", "b"}, 1.5, true, day, (*inner)(nil), inner{Names: []string{"y"}}, &summed{A: "a"}, &summed{A: "a", sum: Sum{1}}, []int{1}, Sum{2}, &day}}
	values := map[string]any{
		"zero kinds":      kinds{},
		"full kinds":      full,
		"pointer":         &full,
		"nil pointer":     (*kinds)(nil),
		"pointer pointer": func() any { p := &full; return &p }(),
		"list":            []kinds{full, {}},
		"array":           [2]*kinds{&full, nil},
		"map":             map[string]inner{"k": {When: day}},
		"recursive":       &node{Name: "a", Next: &node{Name: "b"}, Kids: []node{{Name: "c", Kids: []node{{Name: "d"}}}, {}}},
		"summed":          summed{A: "a", sum: Sum{9}},
		"unsummed":        &summed{A: "a"},
		"outer":           outer{Title: "t", In: &inner{When: day}, Any: &inner{}, M: map[string]int{"x": 1}, when: day},
		"time":            day,
		"any slice":       []any{1, "2", &day},
		"html":            template.HTML("<b>"),
	}
	for name, v := range values {
		assert.Equal(t, walked(v), Of(v), name)
	}
}

// FuzzCompiledIsWalk: compiled functions and the walk agree on values built
// from arbitrary text and numbers.
func FuzzCompiledIsWalk(f *testing.F) {
	f.Add("承诺", "", int64(0), 0.5, true)
	f.Add("\x00\xff", "abc", int64(-1), math.Inf(-1), false)
	f.Fuzz(func(t *testing.T, a, b string, n int64, x float64, flag bool) {
		day := time.Unix(n, 0).In(time.FixedZone(a, int(n%50000)))
		v := kinds{B: flag, I: int(n), I8: int8(n), I16: int16(n), I32: int32(n), I64: n, U: uint(n), U8: uint8(n), U16: uint16(n),
			U32: uint32(n), U64: uint64(n), UP: uintptr(n), F32: float32(x), F64: x, C64: complex(float32(x), 1), C128: complex(x, x),
			S: a, H: template.HTML(b), Bs: []byte(b), Bn: bytesName(a), Sl: []string{a, b}, T: day, when: day,
			M: map[string][]int{a: {int(n)}, b: nil}, Any: &inner{Names: []string{a}}, Anys: []any{a, n, &summed{A: b}, summed{A: a}, day, x}}
		if flag {
			v.PT, v.Bs, v.Sl = &day, nil, nil
		}
		for _, w := range []any{v, &v, []kinds{v, v}, &node{Name: a, Next: &node{Name: b}}} {
			if walked(w) != Of(w) {
				t.Fatalf("%T: compiled and walk differ", w)
			}
		}
	})
}

// BenchmarkCompiled and BenchmarkWalk hash the same page-like value (a
// struct of strings, links and times) by compiled functions and by the walk.
func benchValue() any {
	type link struct {
		Label, URL string
		Count      int
		Current    bool
	}
	type page struct {
		Title, Path, Kind string
		Date              time.Time
		Links             []link
		Meta              []struct{ Name, Content string }
		Any               any
	}
	p := &page{Title: "关于进一步优化营商环境的承诺", Path: "/commitments/p000123/", Kind: "commitment", Date: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)}
	for i := range 20 {
		p.Links = append(p.Links, link{Label: "链接", URL: "/x/" + string(rune('a'+i)) + "/", Count: i})
	}
	p.Meta = append(p.Meta, struct{ Name, Content string }{"ArticleTitle", "关于进一步优化营商环境的承诺"})
	p.Any = Sum{1, 2}
	return p
}

func BenchmarkCompiled(b *testing.B) {
	v := benchValue()
	for b.Loop() {
		Of(v)
	}
}

func BenchmarkWalk(b *testing.B) {
	v := benchValue()
	for b.Loop() {
		walked(v)
	}
}

// A struct with an unexported time held in an interface, which the walk
// cannot read, is hashed by its compiled function, time included.
func TestCompiledInterfaceUnexportedTime(t *testing.T) {
	day := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	a, b := []any{kinds{when: day}}, []any{kinds{when: day.AddDate(0, 0, 1)}}
	assert.NotEqual(t, Of(a), Of(b))
	assert.Equal(t, Of(a), Of([]any{kinds{when: day}}))
}

package fingerprint

import (
	"html/template"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	When  time.Time
	Names []string
}

type outer struct {
	Title string
	Body  template.HTML
	In    *inner
	Any   any
	M     map[string]int
	skip  int `fingerprint:"-"`
	when  time.Time
}

func TestOf(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	day := time.Date(2025, 7, 1, 0, 0, 0, 0, sh)
	base := func() outer {
		return outer{Title: "承诺", Body: "<p>x</p>", In: &inner{When: day, Names: []string{"a", "b"}}, Any: 3, M: map[string]int{"x": 1, "y": 2}, when: day}
	}
	sum := Of(base())
	tests := []struct {
		name   string
		change func(o *outer)
		same   bool
	}{
		{"identical", func(o *outer) {}, true},
		{"a skipped field", func(o *outer) { o.skip = 9 }, true},
		{"the same instant read in UTC is another display", func(o *outer) { o.In.When = day.UTC() }, false},
		{"the same instant from another Location value", func(o *outer) {
			o.In.When = time.Date(2025, 7, 1, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
		}, true},
		{"a title", func(o *outer) { o.Title = "承诺 " }, false},
		{"the body", func(o *outer) { o.Body = "<p>y</p>" }, false},
		{"a slice element", func(o *outer) { o.In.Names[1] = "c" }, false},
		{"strings split differently", func(o *outer) { o.In.Names = []string{"ab", ""} }, false},
		{"nil against empty", func(o *outer) { o.In.Names = nil }, false},
		{"a map value", func(o *outer) { o.M["y"] = 3 }, false},
		{"an interface's type", func(o *outer) { o.Any = int64(3) }, false},
		{"an unexported time", func(o *outer) { o.when = day.AddDate(0, 0, 1) }, false},
		{"a nil pointer", func(o *outer) { o.In = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base()
			tt.change(&o)
			if tt.same {
				assert.Equal(t, sum, Of(o))
			} else {
				assert.NotEqual(t, sum, Of(o))
			}
		})
	}
	// Map order never matters.
	for range 20 {
		m := map[string]int{}
		for i, k := range []string{"q", "w", "e", "r", "t", "y", "u", "i"} {
			m[k] = i
		}
		assert.Equal(t, Of(map[string]int{"q": 0, "w": 1, "e": 2, "r": 3, "t": 4, "y": 5, "u": 6, "i": 7}), Of(m))
	}
	assert.Panics(t, func() { Of(struct{ F func() }{func() {}}) })
	assert.Equal(t, Bytes([]byte("abc")), Bytes([]byte("abc")))
	assert.NotEqual(t, String("ab"), Of("ab"), "a typed value carries its type")
}

type row struct {
	Title string
	sum   Sum `fingerprint:"sum"`
}

// TestSumField: a struct with its sum set is hashed as the sum, wherever it
// is reached (a slice, a map value, behind an interface); a zero sum hashes
// the fields; a field tagged sum that is not a Sum is a programming error.
func TestSumField(t *testing.T) {
	a, b := row{Title: "甲"}, row{Title: "乙"}
	assert.NotEqual(t, Of(a), Of(b), "no sum: the fields")
	assert.Equal(t, Of(a), Of(row{Title: "甲"}))
	a.sum, b.sum = String("x"), String("x")
	assert.Equal(t, Of(a), Of(b), "the same sum stands for the fields")
	assert.Equal(t, Of([]row{a}), Of([]row{b}))
	assert.Equal(t, Of(map[string]row{"k": a}), Of(map[string]row{"k": b}), "a map value is not addressable")
	assert.Equal(t, Of([]any{a}), Of([]any{b}))
	b.sum = String("y")
	assert.NotEqual(t, Of(a), Of(b))
	assert.NotEqual(t, Of(map[string]row{"k": a}), Of(map[string]row{"k": b}))
	assert.NotEqual(t, Of(row{Title: "甲"}), Of(a), "a sum is not the fields' hash")
	assert.Panics(t, func() {
		Of(struct {
			S string `fingerprint:"sum"`
		}{})
	})
}

func BenchmarkOf(b *testing.B) {
	v := outer{Title: "承诺", Body: template.HTML(string(make([]byte, 6000))), In: &inner{When: time.Now(), Names: []string{"a", "b"}}, M: map[string]int{"x": 1}}
	for b.Loop() {
		Of(v)
	}
}

func TestFileIsBytes(t *testing.T) {
	b := make([]byte, 700<<10) // more than one read
	for i := range b {
		b[i] = byte(i * 7)
	}
	p := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	got, err := File(p)
	require.NoError(t, err)
	assert.Equal(t, Bytes(b), got)
	_, err = File(p + "-missing")
	assert.Error(t, err)
}

// TestAddFastPaths: the types Add hashes without reflection hash as the
// walk hashes them (reached through an interface, the walk writes the
// type's name and then the value, as Add does), so no sum changes with
// the path a value takes.
func TestAddFastPaths(t *testing.T) {
	var nilStrings []string
	var nilInts []int
	summed := row{Title: "甲", sum: String("x")}
	tests := []struct {
		name string
		v    any
	}{
		{"a sum", String("承诺")},
		{"the zero sum", Sum{}},
		{"a string", "双公示"},
		{"an empty string", ""},
		{"a long string", string(make([]byte, 5000))},
		{"true", true},
		{"false", false},
		{"an int", 12345},
		{"a negative int", -7},
		{"strings", []string{"a", "", "乙"}},
		{"no strings", []string{}},
		{"nil strings", nilStrings},
		{"ints", []int{1, 200, -3}},
		{"nil ints", nilInts},
		{"a struct with its sum", summed},
		{"a struct without", row{Title: "乙"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// []any{v}: its type's name, the slice's head, the interface's
			// mark, then what Add writes (the type's name and the value by
			// the walk).
			h := New()
			h.WriteString(typeString(reflect.TypeFor[[]any]()))
			h.byte(1)
			h.uint(1)
			h.byte(1)
			h.Add(tt.v)
			assert.Equal(t, Of([]any{tt.v}), h.Sum())
		})
	}
}

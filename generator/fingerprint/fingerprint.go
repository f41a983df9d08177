// Package fingerprint hashes Go values by what they hold: two values with the
// same contents have the same Sum, whatever their addresses, map order or
// time zone cache. The incremental build keys every output by the
// fingerprint of everything its template can see, and renders again only
// what changed.
//
// Contract: Of walks the value's whole graph: every struct field (exported
// or not, except those tagged `fingerprint:"-"`), the elements of slices,
// arrays and maps (maps in sorted key order), the values behind pointers and
// interfaces (with the dynamic type's name, so equal bits of different
// types differ). A struct with a non-zero Sum field tagged
// `fingerprint:"sum"` is hashed as that sum alone: its owner sets it to a
// fingerprint of the other fields, once, for a value hashed many times (a
// list row shown on many pages), and must set it again whenever a field
// changes; a zero sum means the fields are hashed. time.Time is hashed as its instant, zone name and offset,
// never its internal cache. Functions and channels cannot be hashed: Of
// panics on them (a programming error: a page's data must be plain values).
// The walk stops at a depth of 64, which no page data reaches (and which
// catches a cycle).
//
// Add hashes a value through a function built once for its type
// (compiled.go), which writes exactly the bytes the reflective walk writes
// (TestCompiledIsWalk, FuzzCompiledIsWalk); maps, complex numbers and
// pointer-shaped values held in interfaces other than pointers go through the walk.
package fingerprint

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/zeebo/xxh3"
)

// Sum is a fingerprint: a 128-bit XXH3. It guards against accidents, not
// attackers (the content's own editors are trusted): 128 bits make an
// accidental collision across years of builds unthinkable, and XXH3 hashes
// the tens of megabytes a rebuild keys at several GB/s (SHA-256 was a
// fifth of that here), which matters in a rebuild budget of 300 ms.
type Sum [16]byte

// String returns the sum in hex.
func (s Sum) String() string { return hex.EncodeToString(s[:]) }

// IsZero reports whether s is the zero Sum (no fingerprint).
func (s Sum) IsZero() bool { return s == Sum{} }

// Hasher accumulates values into one fingerprint. The zero value is not
// usable: call New.
type Hasher struct {
	h   *xxh3.Hasher128
	buf []byte
}

var hashers = sync.Pool{New: func() any { return &Hasher{h: xxh3.New128(), buf: make([]byte, 0, 4096)} }}

// New returns an empty Hasher.
func New() *Hasher {
	h := hashers.Get().(*Hasher)
	h.h.Reset()
	h.buf = h.buf[:0]
	return h
}

// Bytes returns the fingerprint of b (a file's content, a Markdown body).
func Bytes(b []byte) Sum {
	return xxh3.Hash128(b).Bytes()
}

// File returns the fingerprint of a file's content (as Bytes would),
// reading it in pieces.
func File(path string) (Sum, error) {
	f, err := os.Open(path)
	if err != nil {
		return Sum{}, err
	}
	defer f.Close()
	h := xxh3.New128()
	if _, err := io.CopyBuffer(h, f, make([]byte, 256<<10)); err != nil {
		return Sum{}, err
	}
	return h.Sum128().Bytes(), nil
}

// String returns the fingerprint of s.
func String(s string) Sum {
	h := New()
	h.WriteString(s)
	return h.Sum()
}

// Of returns the fingerprint of the values, in order.
func Of(vs ...any) Sum {
	h := New()
	for _, v := range vs {
		h.Add(v)
	}
	return h.Sum()
}

// Add hashes v into h.
func (h *Hasher) Add(v any) {
	// The types page keys and deps add most often are hashed without
	// reflection, into the same bytes the walk would give them: a rebuild
	// adds them hundreds of thousands of times.
	switch x := v.(type) {
	case nil:
		h.byte(0)
		return
	case Sum:
		h.WriteString(sumTypeName)
		h.uint(uint64(len(x)))
		for _, b := range x {
			h.uint(uint64(b))
		}
		return
	case string:
		h.WriteString(stringTypeName)
		h.WriteString(x)
		return
	case bool:
		h.WriteString(boolTypeName)
		h.bool(x)
		return
	case int:
		h.WriteString(intTypeName)
		h.uint(uint64(x))
		return
	case []string:
		h.WriteString(stringsTypeName)
		if h.sliceHead(x == nil, len(x)) {
			for _, s := range x {
				h.WriteString(s)
			}
		}
		return
	case []int:
		h.WriteString(intsTypeName)
		if h.sliceHead(x == nil, len(x)) {
			for _, n := range x {
				h.uint(uint64(n))
			}
		}
		return
	}
	rv := reflect.ValueOf(v)
	t := rv.Type()
	h.typeName(t)
	// A struct that carries its sum is hashed as the sum: no copy needed.
	if t.Kind() == reflect.Struct {
		if info := structOf(t); info.sum >= 0 {
			if sum := sumField(rv.Field(info.sum)); !sum.IsZero() {
				h.sum(sum)
				return
			}
		}
	}
	// What walk would write, by t's compiled function (hashFnOf).
	fn := hashFnOf(t)
	if t.Kind() == reflect.Pointer {
		ptr := rv.UnsafePointer()
		fn(h, unsafe.Pointer(&ptr), 0)
		return
	}
	// An addressable copy, so unexported time fields can be read.
	cp := reflect.New(t).Elem()
	cp.Set(rv)
	fn(h, cp.Addr().UnsafePointer(), 0)
}

// The names of the types Add hashes without reflection.
var (
	sumTypeName     = typeString(reflect.TypeFor[Sum]())
	stringTypeName  = typeString(reflect.TypeFor[string]())
	boolTypeName    = typeString(reflect.TypeFor[bool]())
	intTypeName     = typeString(reflect.TypeFor[int]())
	stringsTypeName = typeString(reflect.TypeFor[[]string]())
	intsTypeName    = typeString(reflect.TypeFor[[]int]())
)

// sliceHead writes what the walk writes before a slice's elements (nil, or
// its length), and reports whether the elements follow.
func (h *Hasher) sliceHead(isNil bool, n int) bool {
	if isNil {
		h.byte(0)
		return false
	}
	h.byte(1)
	h.uint(uint64(n))
	return true
}

func (h *Hasher) bool(b bool) {
	if b {
		h.byte(1)
	} else {
		h.byte(0)
	}
}

// sum writes a struct's own sum, which stands for its fields.
func (h *Hasher) sum(s Sum) {
	h.byte(0xff)
	h.buf = append(h.buf, s[:]...)
	h.maybeFlush()
}

// WriteString adds s, length-prefixed, so "ab","c" and "a","bc" differ.
func (h *Hasher) WriteString(s string) {
	h.uint(uint64(len(s)))
	if len(s) > 1024 {
		h.flush()
		h.h.WriteString(s) // large strings go straight to the hash
		return
	}
	h.buf = append(h.buf, s...)
	h.maybeFlush()
}

// Sum returns the fingerprint of everything added and releases h: it must
// not be used again.
func (h *Hasher) Sum() Sum {
	h.flush()
	s := Sum(h.h.Sum128().Bytes())
	hashers.Put(h)
	return s
}

func (h *Hasher) flush() {
	if len(h.buf) > 0 {
		h.h.Write(h.buf)
		h.buf = h.buf[:0]
	}
}

func (h *Hasher) maybeFlush() {
	if len(h.buf) >= 3072 {
		h.flush()
	}
}

func (h *Hasher) byte(b byte) {
	h.buf = append(h.buf, b)
	h.maybeFlush()
}

func (h *Hasher) uint(u uint64) {
	h.buf = binary.AppendUvarint(h.buf, u)
	h.maybeFlush()
}

func (h *Hasher) typeName(t reflect.Type) {
	h.WriteString(typeString(t))
}

var typeNames sync.Map // reflect.Type → string

func typeString(t reflect.Type) string {
	if s, ok := typeNames.Load(t); ok {
		return s.(string)
	}
	s := t.PkgPath() + "." + t.String()
	typeNames.Store(t, s)
	return s
}

var timeType = reflect.TypeFor[time.Time]()

var structFields sync.Map // reflect.Type → *structInfo

// structInfo is what the walk needs of a struct type.
type structInfo struct {
	fields []int // the hashed fields: all but those tagged "-" or "sum"
	sum    int   // the field tagged "sum", -1 if none
}

var sumType = reflect.TypeFor[Sum]()

// structOf returns t's hashed fields, worked out once per type: reading a
// field's tag through reflect costs more than hashing most fields, and a
// rebuild walks every page's data.
func structOf(t reflect.Type) *structInfo {
	if f, ok := structFields.Load(t); ok {
		return f.(*structInfo)
	}
	info := &structInfo{sum: -1}
	for i := range t.NumField() {
		switch t.Field(i).Tag.Get("fingerprint") {
		case "-":
		case "sum":
			if t.Field(i).Type != sumType {
				panic(fmt.Sprintf("fingerprint: %s.%s is tagged sum but is not a fingerprint.Sum", t, t.Field(i).Name))
			}
			info.sum = i
		default:
			info.fields = append(info.fields, i)
		}
	}
	structFields.Store(t, info)
	return info
}

// sumField reads a struct's sum field (exported or not, addressable or not).
func sumField(f reflect.Value) Sum {
	var s Sum
	if f.CanAddr() {
		return *(*Sum)(f.Addr().UnsafePointer())
	}
	for i := range s {
		s[i] = byte(f.Index(i).Uint())
	}
	return s
}

// maxDepth bounds the walk: page data is a few levels deep; a cycle is not.
const maxDepth = 64

func (h *Hasher) walk(v reflect.Value, depth int) {
	if depth > maxDepth {
		panic(fmt.Sprintf("fingerprint: value deeper than %d levels (a cycle?) at %s", maxDepth, v.Type()))
	}
	if v.Type() == timeType {
		var t time.Time
		switch {
		case v.CanInterface():
			t = v.Interface().(time.Time)
		case v.CanAddr(): // an unexported field: read it through its address
			t = *(*time.Time)(v.Addr().UnsafePointer())
		default:
			panic("fingerprint: an unexported time.Time that is not addressable (pass a pointer)")
		}
		h.time(t)
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		h.bool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		h.uint(uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		h.uint(v.Uint())
	case reflect.Float32, reflect.Float64:
		h.uint(math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		h.uint(math.Float64bits(real(c)))
		h.uint(math.Float64bits(imag(c)))
	case reflect.String:
		h.WriteString(v.String())
	case reflect.Slice:
		if v.IsNil() {
			h.byte(0)
			return
		}
		h.byte(1)
		if v.Type().Elem().Kind() == reflect.Uint8 {
			h.WriteString(string(v.Bytes()))
			return
		}
		fallthrough
	case reflect.Array:
		n := v.Len()
		h.uint(uint64(n))
		for i := range n {
			h.walk(v.Index(i), depth+1)
		}
	case reflect.Map:
		if v.IsNil() {
			h.byte(0)
			return
		}
		h.byte(1)
		h.uint(uint64(v.Len()))
		keys := v.MapKeys()
		slices.SortFunc(keys, compareKeys)
		for _, k := range keys {
			h.walk(k, depth+1)
			h.walk(v.MapIndex(k), depth+1)
		}
	case reflect.Pointer:
		if v.IsNil() {
			h.byte(0)
			return
		}
		h.byte(1)
		h.walk(v.Elem(), depth+1)
	case reflect.Interface:
		if v.IsNil() {
			h.byte(0)
			return
		}
		h.byte(1)
		e := v.Elem()
		h.typeName(e.Type())
		h.walk(e, depth+1)
	case reflect.Struct:
		info := structOf(v.Type())
		if info.sum >= 0 {
			if sum := sumField(v.Field(info.sum)); !sum.IsZero() {
				h.sum(sum)
				return
			}
		}
		for _, i := range info.fields {
			h.walk(v.Field(i), depth+1)
		}
	default: // Func, Chan, UnsafePointer
		panic(fmt.Sprintf("fingerprint: cannot hash a %s (%s)", v.Kind(), v.Type()))
	}
}

// time hashes an instant as a template sees it: the instant and the zone
// it is shown in.
func (h *Hasher) time(t time.Time) {
	if t.IsZero() {
		h.byte(0)
		return
	}
	h.byte(1)
	h.uint(uint64(t.Unix()))
	h.uint(uint64(t.Nanosecond()))
	name, off := t.Zone()
	h.WriteString(name)
	h.uint(uint64(off))
}

// compareKeys orders map keys of one type deterministically.
func compareKeys(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmpOrdered(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmpOrdered(a.Uint(), b.Uint())
	case reflect.Float32, reflect.Float64:
		return cmpOrdered(a.Float(), b.Float())
	case reflect.Bool:
		return cmpOrdered(boolInt(a.Bool()), boolInt(b.Bool()))
	}
	// Other key kinds (structs, arrays, interfaces): by their fingerprint.
	sa, sb := Of(a.Interface()), Of(b.Interface())
	return strings.Compare(string(sa[:]), string(sb[:]))
}

func cmpOrdered[T int64 | uint64 | float64 | int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

package fingerprint

import (
	"fmt"
	"math"
	"reflect"
	"sync"
	"time"
	"unsafe"
)

// hashFn hashes the value of one type at p into h, writing exactly the
// bytes walk writes for it: walk stays the reference (and the path for
// maps and for values inside interfaces that are not pointers), hashFn
// is walk with the type's decisions made once. (One difference: a value
// in an interface that holds a struct with an unexported time, which the
// walk cannot read and panics on, is hashed.) A rebuild keys every page:
// a few million fields per 10,000 pages, where reflect.Value's checks on
// each were most of the time.
type hashFn func(h *Hasher, p unsafe.Pointer, depth int)

var hashFns sync.Map // reflect.Type → hashFn

// hashFnOf returns the hashFn of t, compiling it on first use.
func hashFnOf(t reflect.Type) hashFn {
	if f, ok := hashFns.Load(t); ok {
		return f.(hashFn)
	}
	c := &compiler{building: map[reflect.Type]*hashFn{}, built: map[reflect.Type]hashFn{}}
	f := c.compile(t)
	// Published only now: a function of a recursive type calls one whose
	// pointer is set when the outermost type is built.
	for t, f := range c.built {
		hashFns.Store(t, f)
	}
	return f
}

// compiler builds the functions of a type and of the types it holds.
type compiler struct {
	building map[reflect.Type]*hashFn // being built: a recursive type calls its own through the pointer
	built    map[reflect.Type]hashFn
}

func (c *compiler) compile(t reflect.Type) hashFn {
	if f, ok := hashFns.Load(t); ok {
		return f.(hashFn)
	}
	if f, ok := c.built[t]; ok {
		return f
	}
	if ref, ok := c.building[t]; ok {
		return func(h *Hasher, p unsafe.Pointer, depth int) { (*ref)(h, p, depth) }
	}
	ref := new(hashFn)
	c.building[t] = ref
	f := c.build(t)
	*ref = f
	delete(c.building, t)
	c.built[t] = f
	return f
}

// deep panics as walk does past maxDepth.
func deep(t reflect.Type, depth int) {
	if depth > maxDepth {
		panic(fmt.Sprintf("fingerprint: value deeper than %d levels (a cycle?) at %s", maxDepth, t))
	}
}

func (c *compiler) build(t reflect.Type) hashFn {
	if t == timeType {
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.time(*(*time.Time)(p)) }
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.bool(*(*bool)(p)) }
	case reflect.Int:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(*(*int)(p))) }
	case reflect.Int8:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(int64(*(*int8)(p)))) }
	case reflect.Int16:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(int64(*(*int16)(p)))) }
	case reflect.Int32:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(int64(*(*int32)(p)))) }
	case reflect.Int64:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(*(*int64)(p))) }
	case reflect.Uint:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(*(*uint)(p))) }
	case reflect.Uint8:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(*(*uint8)(p))) }
	case reflect.Uint16:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(*(*uint16)(p))) }
	case reflect.Uint32:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(*(*uint32)(p))) }
	case reflect.Uint64:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(*(*uint64)(p)) }
	case reflect.Uintptr:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(uint64(*(*uintptr)(p))) }
	case reflect.Float32:
		return func(h *Hasher, p unsafe.Pointer, depth int) {
			deep(t, depth)
			h.uint(math.Float64bits(float64(*(*float32)(p))))
		}
	case reflect.Float64:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.uint(math.Float64bits(*(*float64)(p))) }
	case reflect.String:
		return func(h *Hasher, p unsafe.Pointer, depth int) { deep(t, depth); h.WriteString(*(*string)(p)) }
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return func(h *Hasher, p unsafe.Pointer, depth int) {
				deep(t, depth)
				b := *(*[]byte)(p)
				if b == nil {
					h.byte(0)
					return
				}
				h.byte(1)
				h.WriteString(string(b))
			}
		}
		elem, size := c.compile(t.Elem()), t.Elem().Size()
		return func(h *Hasher, p unsafe.Pointer, depth int) {
			deep(t, depth)
			s := (*sliceHeader)(p)
			if s.data == nil {
				h.byte(0)
				return
			}
			h.byte(1)
			h.uint(uint64(s.len))
			for i := range s.len {
				elem(h, unsafe.Add(s.data, uintptr(i)*size), depth+1)
			}
		}
	case reflect.Array:
		n, elem, size := t.Len(), c.compile(t.Elem()), t.Elem().Size()
		return func(h *Hasher, p unsafe.Pointer, depth int) {
			deep(t, depth)
			h.uint(uint64(n))
			for i := range n {
				elem(h, unsafe.Add(p, uintptr(i)*size), depth+1)
			}
		}
	case reflect.Pointer:
		elem := c.compile(t.Elem())
		return func(h *Hasher, p unsafe.Pointer, depth int) {
			deep(t, depth)
			q := *(*unsafe.Pointer)(p)
			if q == nil {
				h.byte(0)
				return
			}
			h.byte(1)
			elem(h, q, depth+1)
		}
	case reflect.Interface:
		return func(h *Hasher, p unsafe.Pointer, depth int) {
			deep(t, depth)
			v := reflect.NewAt(t, p).Elem()
			if v.IsNil() {
				h.byte(0)
				return
			}
			h.byte(1)
			e := v.Elem()
			et := e.Type()
			h.typeName(et)
			if et.Kind() != reflect.Pointer {
				if directIface(et) {
					h.walk(e, depth+1) // held in the interface's word itself
					return
				}
				// The interface's data word points to the value.
				hashFnOf(et)(h, (*[2]unsafe.Pointer)(p)[1], depth+1)
				return
			}
			deep(et, depth+1)
			q := e.UnsafePointer()
			if q == nil {
				h.byte(0)
				return
			}
			h.byte(1)
			hashFnOf(et.Elem())(h, q, depth+2)
		}
	case reflect.Struct:
		info := structOf(t)
		type field struct {
			off uintptr
			fn  hashFn
		}
		fields := make([]field, len(info.fields))
		for i, n := range info.fields {
			f := t.Field(n)
			fields[i] = field{f.Offset, c.compile(f.Type)}
		}
		sumOff := uintptr(0)
		if info.sum >= 0 {
			sumOff = t.Field(info.sum).Offset
		}
		hasSum := info.sum >= 0
		return func(h *Hasher, p unsafe.Pointer, depth int) {
			deep(t, depth)
			if hasSum {
				if sum := *(*Sum)(unsafe.Add(p, sumOff)); !sum.IsZero() {
					h.sum(sum)
					return
				}
			}
			for _, f := range fields {
				f.fn(h, unsafe.Add(p, f.off), depth+1)
			}
		}
	}
	// Maps (sorted keys), complex numbers, and what cannot be hashed
	// (walk panics on it): the reflective walk.
	return func(h *Hasher, p unsafe.Pointer, depth int) { h.walk(reflect.NewAt(t, p).Elem(), depth) }
}

// directIface reports whether an interface holds a value of t in its data
// word (as the compiler decides: a pointer-shaped type) rather than a
// pointer to it.
func directIface(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() == 1 && directIface(t.Elem())
	case reflect.Struct:
		return t.NumField() == 1 && directIface(t.Field(0).Type)
	}
	return false
}

// sliceHeader is the layout of a slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

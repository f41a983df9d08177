package generator

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"
)

// writeOpenJSON writes objs, the rows of an open-data JSON file, as
// encoding/json's Encoder does with SetIndent("", "  ") and
// SetEscapeHTML(false), and reports false (having written part of them)
// when a row is outside what it writes alike: it writes structs (not
// pointers) of exported string, bool, int and float64 fields (floats
// as jsonWriter.float can) and string slices,
// named by their json tags with omitempty, through jsonWriter. Anything
// else (a json.RawMessage row from the publication log, a Marshaler, an
// embedded field, an option it does not know) sends the caller to
// encoding/json. TestOpenJSON and FuzzOpenJSON compare the two.
func writeOpenJSON(b *bytes.Buffer, objs []any) bool {
	if objs == nil {
		b.WriteString("null\n")
		return true
	}
	if len(objs) == 0 {
		b.WriteString("[]\n")
		return true
	}
	j := jsonWriter{b: b}
	b.WriteString("[")
	for i, o := range objs {
		if o == nil {
			return false
		}
		v := reflect.ValueOf(o)
		plan := openJSONPlanOf(v.Type())
		if plan == nil {
			return false
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  {")
		j.indent, j.first = "\n    ", true
		for _, f := range plan {
			fv := v.Field(f.index)
			switch f.kind {
			case reflect.String:
				if s := fv.String(); s != "" || !f.omitEmpty {
					j.str(f.name, s)
				}
			case reflect.Bool:
				if x := fv.Bool(); x || !f.omitEmpty {
					j.boolean(f.name, x)
				}
			case reflect.Int:
				if x := fv.Int(); x != 0 || !f.omitEmpty {
					j.key(f.name)
					b.WriteString(strconv.FormatInt(x, 10))
				}
			case reflect.Float64:
				if x := fv.Float(); x != 0 || !f.omitEmpty {
					j.float(f.name, x) // notes what it cannot write alike
				}
			case reflect.Slice:
				n := fv.Len()
				if n == 0 && f.omitEmpty {
					continue
				}
				j.key(f.name)
				switch {
				case fv.IsNil():
					b.WriteString("null")
				case n == 0:
					b.WriteString("[]")
				default:
					b.WriteString("[")
					for k := range n {
						if k > 0 {
							b.WriteByte(',')
						}
						b.WriteString("\n      ")
						j.strValue(fv.Index(k).String())
					}
					b.WriteString("\n    ]")
				}
			}
		}
		if j.first {
			b.WriteString("}") // no member: encoding/json writes {}
		} else {
			b.WriteString("\n  }")
		}
	}
	b.WriteString("\n]\n")
	return j.ok()
}

// openJSONField is one member writeOpenJSON writes.
type openJSONField struct {
	index     int
	name      string
	kind      reflect.Kind // String, Bool, Int, Float64 or Slice (of strings)
	omitEmpty bool
}

var openJSONPlans sync.Map // reflect.Type → []openJSONField (nil: not writable)

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// custom reports whether encoding/json writes t its own way.
func custom(t reflect.Type) bool {
	return t.Implements(marshalerType) || t.Implements(textMarshalerType) ||
		reflect.PointerTo(t).Implements(marshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)
}

// openJSONPlanOf returns the members of a struct type writeOpenJSON can
// write, nil when it cannot write the type.
func openJSONPlanOf(t reflect.Type) []openJSONField {
	if p, ok := openJSONPlans.Load(t); ok {
		return p.([]openJSONField)
	}
	p := openJSONPlan(t)
	openJSONPlans.Store(t, p)
	return p
}

func openJSONPlan(t reflect.Type) []openJSONField {
	if t.Kind() != reflect.Struct || custom(t) {
		return nil
	}
	plan := []openJSONField{}
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			return nil
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if name == "" {
			name = sf.Name
		}
		f := openJSONField{index: i, name: name, kind: sf.Type.Kind()}
		switch opts {
		case "":
		case "omitempty":
			f.omitEmpty = true
		default:
			return nil
		}
		for _, c := range name {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
				return nil
			}
		}
		if seen[name] || custom(sf.Type) {
			return nil
		}
		seen[name] = true
		switch f.kind {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Float64:
		case reflect.Slice:
			if sf.Type.Elem().Kind() != reflect.String || custom(sf.Type.Elem()) {
				return nil
			}
		default:
			return nil
		}
		plan = append(plan, f)
	}
	return plan
}

package siteindex

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

// walkTypes calls fn with the key ("Type.Field") of every exported field
// of t that the mapping meets: embedded structs and slices of structs are
// entered, fields classified useSkip are not.
func walkTypes(t reflect.Type, fn func(key string, f reflect.StructField)) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous {
			walkTypes(f.Type, fn)
			continue
		}
		key := t.Name() + "." + f.Name
		fn(key, f)
		if rule, ok := searchFields[key]; ok && rule.use == useSkip {
			continue
		}
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct {
			walkTypes(f.Type.Elem(), fn)
		}
	}
}

// TestSearchFieldsCoverModel fails when a field of a published record is
// neither indexed nor deliberately left out: add it to searchFields.
func TestSearchFieldsCoverModel(t *testing.T) {
	seen := map[string]bool{}
	for _, rec := range searchRecordTypes {
		walkTypes(reflect.TypeOf(rec), func(key string, f reflect.StructField) {
			seen[key] = true
			rule, ok := searchFields[key]
			if !assert.True(t, ok, "%s (%s) is neither indexed nor excluded: classify it in searchFields (cmd/internal/siteindex/searchdoc.go)", key, f.Type) {
				return
			}
			if rule.use == useSkip || rule.use == useEntry {
				assert.NotEmpty(t, rule.why, "%s: say why it is not indexed here", key)
			}
		})
	}
	for key := range searchFields {
		assert.True(t, seen[key], "searchFields lists %s, which no published record has", key)
	}
}

// personal matches field names that would hold a natural person's data.
var personal = regexp.MustCompile(`(?i)phone|mobile|tel|email|idnumber|idcard|certno|certificate|address|legalrep|person|birth`)

// TestSearchKeepsPersonalDataOut: ID numbers, phone numbers and the like
// never reach the index, whatever fields the model gains.
func TestSearchKeepsPersonalDataOut(t *testing.T) {
	for key, rule := range searchFields {
		if personal.MatchString(key) {
			assert.Equal(t, useSkip, rule.use, "%s looks like personal data: it must stay out of the index", key)
		}
	}
}

// TestSearchDocumentCarriesEveryFact fills every field of every record
// type with a distinct value and checks each indexed one reaches the
// document where its rule says.
func TestSearchDocumentCarriesEveryFact(t *testing.T) {
	m := newSearchMapper([]*model.Department{{ID: "fgw", Name: "临沂市发展和改革委员会", Short: "市发展改革委", Aliases: []string{"市发改委"}}})
	for _, rec := range searchRecordTypes {
		typ := reflect.TypeOf(rec)
		t.Run(typ.Name(), func(t *testing.T) {
			v := reflect.New(typ)
			n := 0
			want := map[string][]string{} // key → values
			var fill func(v reflect.Value)
			fill = func(v reflect.Value) {
				vt := v.Type()
				for i := range vt.NumField() {
					f, fv := vt.Field(i), v.Field(i)
					if !f.IsExported() {
						continue
					}
					if f.Anonymous {
						fill(fv)
						continue
					}
					key := vt.Name() + "." + f.Name
					rule := searchFields[key]
					n++
					val := fmt.Sprintf("值%s%d", f.Name, n)
					if rule.use == useDepts {
						val = "fgw"
					}
					switch {
					case fv.Kind() == reflect.String:
						fv.SetString(val)
						want[key] = []string{val}
					case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String:
						fv.Set(reflect.ValueOf([]string{val}))
						want[key] = []string{val}
					case fv.Kind() == reflect.Int:
						fv.SetInt(int64(n))
						want[key] = []string{fmt.Sprintf("第%d条", n)}
					case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.Struct && rule.use != useSkip:
						fv.Set(reflect.MakeSlice(fv.Type(), 1, 1))
						fill(fv.Index(0))
					}
				}
			}
			fill(v.Elem())
			d := m.document(model.Entry{Kind: model.KindPolicy, Path: "/x/", Record: v.Interface()})
			for key, vals := range want {
				rule := searchFields[key]
				for _, val := range vals {
					switch rule.use {
					case useText:
						assert.Contains(t, d.Facts, val, key)
					case useID:
						assert.Contains(t, d.Identifiers, val, key)
					case useRef:
						assert.Contains(t, d.References, val, key)
						assert.Contains(t, d.Facts, val, key)
					case useName:
						assert.Contains(t, d.Names, val, key)
						assert.Contains(t, d.Facts, val, key)
					case useDepts:
						for _, name := range []string{"临沂市发展和改革委员会", "市发展改革委", "市发改委"} {
							assert.Contains(t, d.Facts, name, key)
						}
					case useSkip:
						if !strings.HasPrefix(val, "第") && val != "fgw" {
							assert.NotContains(t, d.Facts+d.Text, val, key)
						}
					}
				}
			}
			require.NotEmpty(t, d.Facts)
		})
	}
}

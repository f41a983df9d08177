// Package dataset reads the site's data/ files: the registry of government
// bodies (data/departments.toml) and bulk disclosure records
// (data/disclosures/*.csv, *.xlsx and *.json, in the national 双公示 data
// standard's columns), and validates 统一社会信用代码.
//
// Contract: every reader reports all problems to a diag.List with the file's
// line and column and the key or column concerned (CSV: the file line of the
// row and the 1-based column number; Excel: the sheet, its row and column;
// JSON: the line and character column of the key), never stops at the
// first, and never panics on any input. Messages about data files are in
// Chinese with the English after them. CSV text may be UTF-8 (with or
// without BOM), GB18030/GBK or UTF-16 with a BOM, detected or declared per
// file. Personal data never leaves a reader (see generator/disclosure). The
// Registry resolves a department given by id, full name, short name or
// alias to its id, and suggests the closest names when it cannot.
// Disclosure rows come back as page.Page values (Kind disclosures) with
// department Refs for the loader to resolve, so Markdown and data records
// go through one path; their strings are compact (see Compactor), so a
// 100,000-row file's records hold no row of the file.
package dataset

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"portal/generator/diag"
	"portal/generator/model"
	"portal/generator/page"
)

// RegistryFile is where the registry lives in a site.
const RegistryFile = "data/departments.toml"

var deptIDRE = regexp.MustCompile(`^[a-z0-9-]+$`)

// Registry is the parsed data/departments.toml.
type Registry struct {
	Departments []*model.Department // file order
	byName      map[string]string   // id, name, short or alias → id
	names       []string            // every name for suggestions
}

// ParseRegistry reads data/departments.toml. It always returns a usable
// registry holding the departments it could read.
func ParseRegistry(file string, data []byte, dl *diag.List) *Registry {
	reg := &Registry{byName: map[string]string{}}
	data, err := page.Normalize(data)
	if err != nil {
		se := err.(*page.SplitError)
		dl.Errorf(file, se.Line, se.Col, "", "%s", se.Msg)
		return reg
	}
	t := page.DecodeTOML(file, data, 1, nil, dl)
	if t == nil {
		return reg
	}
	type seen struct {
		id         string
		line, col  int
		key, value string
	}
	owners := map[string]seen{} // every name → who uses it
	claim := func(dt *page.Table, d *model.Department, key, value string) {
		if value == "" {
			return
		}
		line, col := dt.Pos(key)
		if key == "aliases" {
			line, col = dt.ElemPos(key, value)
		}
		if prev, dup := owners[value]; dup {
			if prev.id == d.ID && key == "aliases" && prev.key != "aliases" {
				dt.ErrorAt(line, col, key, "%q repeats the department's own %s (remove it)", value, prev.key)
				return
			}
			dt.ErrorAt(line, col, key, "%q is already used as %s of department %q at %s:%d (names, short names and aliases must be unique)",
				value, prev.key, prev.id, file, prev.line)
			return
		}
		owners[value] = seen{id: d.ID, line: line, col: col, key: key, value: value}
		reg.byName[value] = d.ID
		reg.names = append(reg.names, value)
	}
	type parentRef struct {
		dt     *page.Table
		d      *model.Department
		parent string
	}
	var parents []parentRef
	ids := map[string]int{}
	for _, dt := range t.Tables("department") {
		d := &model.Department{Source: model.Source{File: file, Line: dt.Line()}}
		d.ID = dt.Str(true, "id")
		if d.ID != "" && !deptIDRE.MatchString(d.ID) {
			dt.Errorf("id", "%q is not allowed: ids are lower-case ASCII letters, digits and -, e.g. \"fgw\" or \"lanshan-gov\"", d.ID)
		}
		if prev, dup := ids[d.ID]; dup && d.ID != "" {
			dt.Errorf("id", "duplicate id %q (first used at %s:%d)", d.ID, file, prev)
		} else if d.ID != "" {
			ids[d.ID] = dt.Line()
		}
		d.Name = dt.Str(true, "name")
		d.Short = dt.Str(true, "short")
		d.Aliases = dt.Strs("aliases")
		d.Level = dt.Enum(true, model.DepartmentLevels, "level")
		d.Parent = dt.Str(false, "parent")
		d.Type = dt.Enum(true, model.DepartmentTypes, "type")
		d.URL = dt.Str(false, "url")
		if d.URL != "" {
			if u, err := url.Parse(d.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				dt.Errorf("url", "%q is not a web address (use http:// or https://)", d.URL)
			}
		}
		dt.Finish()
		if d.ID != "" {
			claim(dt, d, "id", d.ID)
		}
		claim(dt, d, "name", d.Name)
		if d.Short != d.Name {
			claim(dt, d, "short", d.Short)
		}
		for _, a := range d.Aliases {
			claim(dt, d, "aliases", a)
		}
		if d.Parent != "" {
			parents = append(parents, parentRef{dt, d, d.Parent})
		}
		reg.Departments = append(reg.Departments, d)
	}
	t.Finish()
	for _, p := range parents {
		switch {
		case p.parent == p.d.ID:
			p.dt.Errorf("parent", "a department cannot be its own parent")
		case ids[p.parent] == 0:
			msg := fmt.Sprintf("%q is not the id of a department in %s", p.parent, file)
			if c := page.Closest(p.parent, slices.Sorted(mapKeys(ids)), 3); len(c) > 0 {
				msg += " (closest: " + strings.Join(c, ", ") + ")"
			}
			p.dt.Errorf("parent", "%s", msg)
		}
	}
	reg.checkCycles(t)
	return reg
}

func mapKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// checkCycles reports departments whose parent chain comes back to them.
func (r *Registry) checkCycles(t *page.Table) {
	byID := map[string]*model.Department{}
	for _, d := range r.Departments {
		if _, ok := byID[d.ID]; !ok {
			byID[d.ID] = d
		}
	}
	for _, d := range r.Departments {
		cur := d
		for steps := 0; cur != nil && cur.Parent != "" && cur.Parent != cur.ID && steps <= len(r.Departments); steps++ {
			cur = byID[cur.Parent]
			if cur == d {
				t.ErrorAt(d.Source.Line, 1, "department.parent", "department %q is its own ancestor through parent (the parent chain must end)", d.ID)
				break
			}
		}
	}
}

// NewRegistry indexes departments already read (a loaded site's) by id,
// name, short name and aliases, for resolving names as ParseRegistry's
// registry does.
func NewRegistry(departments []*model.Department) *Registry {
	r := &Registry{Departments: departments, byName: map[string]string{}}
	for _, d := range departments {
		for _, n := range append([]string{d.ID, d.Name, d.Short}, d.Aliases...) {
			if _, taken := r.byName[n]; n != "" && !taken {
				r.byName[n] = d.ID
				r.names = append(r.names, n)
			}
		}
	}
	return r
}

// Resolve maps an id, full name, short name or alias to the department id.
// The error names the closest known names.
func (r *Registry) Resolve(name string) (string, error) {
	name = strings.TrimSpace(name)
	if id, ok := r.byName[name]; ok {
		return id, nil
	}
	if len(r.Departments) == 0 {
		return "", fmt.Errorf("未知的单位 %q：%s 中还没有任何单位，请先加入 (unknown department %q: %s has no departments; add it there first)", name, RegistryFile, name, RegistryFile)
	}
	var near []string
	seen := map[string]bool{}
	for _, n := range page.Closest(name, r.names, 10) {
		if id := r.byName[n]; !seen[id] && len(near) < 3 {
			seen[id] = true
			near = append(near, fmt.Sprintf("%s (%s)", n, id))
		}
	}
	zh := fmt.Sprintf("未知的单位 %q，请使用 %s 中的编号、全称、简称或别称", name, RegistryFile)
	en := fmt.Sprintf("unknown department %q (use an id, full name, short name or alias from %s", name, RegistryFile)
	if len(near) > 0 {
		zh += "；最接近的：" + strings.Join(near, "、")
		en += "; closest: " + strings.Join(near, ", ")
	}
	return "", fmt.Errorf("%s %s", zh, "("+en+"))")
}

// Names returns every name the registry resolves, sorted.
func (r *Registry) Names() []string { return slices.Sorted(slices.Values(r.names)) }

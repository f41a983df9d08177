package loader

import (
	"maps"
	"slices"
	"strings"

	"portal/generator/model"
	"portal/generator/page"
)

// loadIndicators reads portal.toml's [indicators] over the shipped method:
// each weight, points entry and list given replaces that one default, so a
// site changes only what it names. Grades, when given, replace the whole
// scale. categories are the site's disclosure categories ([vocabulary]).
func loadIndicators(t *page.Table, ic *model.IndicatorConfig, categories []string) {
	// The defaults' maps are the site's own from here on.
	ic.Weights = maps.Clone(ic.Weights)
	ic.Points = maps.Clone(ic.Points)
	if t.Has("start") {
		ic.Start = t.Date(false, "start")
	}
	if n, ok := t.Int("min_base"); ok {
		if n < 1 {
			t.Errorf("min_base", "%d is too small (a rate rests on at least 1 record; use 1 or more)", n)
		} else {
			ic.MinBase = n
		}
	}
	if n, ok := t.Int("disclosure_working_days"); ok {
		if n < 1 || n > 60 {
			t.Errorf("disclosure_working_days", "%d is out of range (use 1 to 60 working days; the national 双公示 rule is 7)", n)
		} else {
			ic.DisclosureWorkingDays = n
		}
	}
	if t.Has("disclosure_categories") {
		cats := t.Strs("disclosure_categories")
		for _, c := range cats {
			if !slices.Contains(categories, c) {
				t.Errorf("disclosure_categories", "%q is not a disclosure category (use: %s, or add it to [vocabulary] disclosure_categories)", c, strings.Join(categories, " | "))
			}
		}
		if len(cats) == 0 {
			t.Errorf("disclosure_categories", "must name at least one category (e.g. [\"行政许可\", \"行政处罚\"]); set weights.%s = 0 to leave the rate out", model.IndDisclosureOnTime)
		} else {
			ic.DisclosureCategories = cats
		}
	}
	if w := t.Table("weights"); w != nil {
		for _, id := range model.IndicatorRates {
			if f, ok := w.Float(id); ok {
				if f < 0 || f > 100 {
					w.Errorf(id, "%g is out of range (a weight is 0 to 100; 0 leaves the rate out)", f)
					continue
				}
				ic.Weights[id] = f
			}
		}
		w.Finish()
	}
	sum := 0.0
	for _, f := range ic.Weights {
		sum += f
	}
	if sum == 0 {
		t.Errorf("weights", "every weight is 0: at least one positive rate must count (e.g. %s = 40)", model.IndCommitmentOnTime)
	}
	if p := t.Table("points"); p != nil {
		for _, id := range append(slices.Clone(model.IndicatorBonuses), model.IndicatorDeductions...) {
			e := p.Table(id)
			if e == nil {
				continue
			}
			cur := ic.Points[id]
			if f, ok := e.Float("points"); ok {
				if f < 0 || f > 100 {
					e.Errorf("points", "%g is out of range (0 to 100 points per record; a deduction is written positive; 0 leaves it out)", f)
				} else {
					cur.Points = f
				}
			}
			if f, ok := e.Float("cap"); ok {
				if f < 0 || f > 100 {
					e.Errorf("cap", "%g is out of range (0 to 100 points per period; 0 = no cap)", f)
				} else {
					cur.Cap = f
				}
			}
			if bt := e.Table("by_type"); bt != nil {
				if id != model.IndRecordNew {
					e.Errorf("by_type", "only %s has points by record type", model.IndRecordNew)
				} else {
					cur.ByType = map[string]float64{}
					for _, rt := range model.RecordTypes {
						if f, ok := bt.Float(rt); ok {
							if f < 0 || f > 100 {
								bt.Errorf(rt, "%g is out of range (0 to 100 points per record)", f)
								continue
							}
							cur.ByType[rt] = f
						}
					}
					bt.Finish()
				}
			}
			e.Finish()
			ic.Points[id] = cur
		}
		p.Finish()
	}
	if t.Has("grades") {
		var grades []model.Grade
		for _, g := range t.Tables("grades") {
			name := g.Str(true, "name")
			min, ok := g.Float("min")
			if !ok && !g.Has("min") {
				g.Errorf("min", "required key is missing; e.g. min = 90")
			}
			g.Finish()
			if name == "" {
				continue
			}
			if min < 0 || min > 100 {
				g.Errorf("min", "%g is out of range (a score is 0 to 100)", min)
				continue
			}
			grades = append(grades, model.Grade{Name: name, Min: min})
		}
		switch {
		case len(grades) == 0:
			t.Errorf("grades", "must list at least one grade, e.g. grades = [{ name = \"优\", min = 90 }, { name = \"差\", min = 0 }]")
		case !falling(grades):
			t.Errorf("grades", "list the grades best first with falling minimums (e.g. 优 90, 良 80, 中 60, 差 0)")
		case grades[len(grades)-1].Min != 0:
			t.Errorf("grades", "the last grade must have min = 0 so every score gets a grade")
		default:
			ic.Grades = grades
		}
	}
	if t.Has("open_record_max_grade") {
		ic.OpenRecordMaxGrade = t.Str(false, "open_record_max_grade")
	}
	names := make([]string, len(ic.Grades))
	for i, gr := range ic.Grades {
		names[i] = gr.Name
	}
	if g := ic.OpenRecordMaxGrade; g != "" && !slices.Contains(names, g) {
		t.Errorf("open_record_max_grade", "%q is not one of the grades (use %s, or \"\" for no limit)", g, strings.Join(names, " | "))
		ic.OpenRecordMaxGrade = ""
	}
	t.Finish()
}

// falling reports whether each grade's minimum is below the one before.
func falling(gs []model.Grade) bool {
	for i := 1; i < len(gs); i++ {
		if gs[i].Min >= gs[i-1].Min {
			return false
		}
	}
	return true
}

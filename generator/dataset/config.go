package dataset

import (
	"fmt"
	"slices"
	"strings"

	"portal/generator/disclosure"
	"portal/generator/model"
	"portal/generator/page"
)

// ParseDisclosureConfig reads portal.toml's [disclosures] table into cfg
// (over its defaults), reporting every wrong key at its position.
func ParseDisclosureConfig(t *page.Table, cfg *model.DisclosureConfig) {
	if t == nil {
		return
	}
	if t.Has("person_names") {
		cfg.PersonNames = t.Enum(true, disclosure.NameRules, "person_names")
		if cfg.PersonNames == "" {
			cfg.PersonNames = disclosure.NamesMask
		}
	}
	cfg.IgnoreColumns = append(cfg.IgnoreColumns, t.Strs("ignore_columns")...)
	if e := t.Table("encodings"); e != nil {
		cfg.Encodings = map[string]string{}
		for _, name := range e.Keys() {
			v := e.Str(true, name)
			if _, ok := NormalizeEncoding(v); !ok || v == "" {
				e.Errorf(name, "%q is not an encoding portal reads (use one of: %s)", v, strings.Join(Encodings, " | "))
				continue
			}
			if strings.ContainsAny(name, `/\`) {
				e.Errorf(name, "name a file directly in data/disclosures/ (e.g. \"2025-penalties.csv\"), not a path")
				continue
			}
			cfg.Encodings[name] = v
		}
		e.Finish()
	}
	if t.Has("publicity") {
		cfg.Publicity = []model.PublicityRule{}
		for _, rt := range t.Tables("publicity") {
			r := model.PublicityRule{
				Category: rt.Str(true, "category"),
				Severity: rt.Enum(false, model.Severities, "severity"),
				Basis:    rt.Str(false, "basis"),
			}
			if m, ok := rt.Int("months"); ok {
				if m < 1 {
					rt.Errorf("months", "%d is too small (use 1 or more; withhold = true keeps records off the site)", m)
				}
				r.Months = m
			}
			r.UntilValid = rt.Bool("until_valid")
			r.Withhold = rt.Bool("withhold")
			if n := btoi(r.Months > 0) + btoi(r.UntilValid) + btoi(r.Withhold); n > 1 {
				rt.Errorf("months", "give one of months, until_valid and withhold (or none, for 长期公示)")
			}
			rt.Finish()
			cfg.Publicity = append(cfg.Publicity, r)
		}
	}
	t.Finish()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ParseVocabularyConfig reads portal.toml's [vocabulary] table into cfg:
// each list given replaces its default.
func ParseVocabularyConfig(t *page.Table, cfg *model.VocabularyConfig) {
	if t == nil {
		return
	}
	for key, dst := range map[string]*[]string{
		"commitment_categories": &cfg.CommitmentCategories,
		"disclosure_categories": &cfg.DisclosureCategories,
		"case_types":            &cfg.CaseTypes,
	} {
		if !t.Has(key) {
			continue
		}
		list := t.Strs(key)
		if len(list) == 0 {
			t.Errorf(key, "must list at least one value")
			continue
		}
		seen := map[string]bool{}
		for _, v := range list {
			if seen[v] {
				t.Errorf(key, "%s", fmt.Sprintf("%q is listed twice", v))
			}
			seen[v] = true
		}
		*dst = slices.Clone(list)
	}
	t.Finish()
}

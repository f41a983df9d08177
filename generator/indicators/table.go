package indicators

import (
	"cmp"
	"slices"
)

// Standing is a row's place in a table sorted on one key.
type Standing struct {
	Row  *Row
	Rank int // 1-based; 0 when the row has no figure for the key ("—")
}

// SortKeys are the keys a table sorts on: "" (the score) and every spec id.
func (r *Report) SortKeys() []string {
	keys := []string{""}
	for _, s := range r.Specs {
		keys = append(keys, s.ID)
	}
	return keys
}

// Spec returns the spec with id, or nil.
func (r *Report) Spec(id string) *Spec {
	for i := range r.Specs {
		if r.Specs[i].ID == id {
			return &r.Specs[i]
		}
	}
	return nil
}

// Table returns the ranked rows of level (市 or 县区) sorted on key: "" by
// score, a rate by its rate, a bonus by points added, a deduction by points
// taken (fewest first). Rows with no figure for the key come last, unranked,
// in registry order; equal figures share a rank.
func (p *Period) Table(level, key string) []Standing {
	si := -1
	if key != "" && len(p.Rows) > 0 {
		for i, v := range p.Rows[0].Values {
			if v.Spec.ID == key {
				si = i
			}
		}
		if si < 0 {
			return nil
		}
	}
	// has reports whether r has a figure; better compares two that do.
	has := func(r *Row) bool {
		if si < 0 {
			return r.Scored
		}
		return r.Values[si].Enough
	}
	better := func(a, b *Row) int {
		if si < 0 {
			return cmp.Compare(b.Score, a.Score)
		}
		va, vb := a.Values[si], b.Values[si]
		switch va.Spec.Kind {
		case Rate:
			return cmp.Or(cmp.Compare(vb.Rate, va.Rate), cmp.Compare(vb.Den, va.Den))
		case Bonus:
			return cmp.Or(cmp.Compare(vb.Points, va.Points), cmp.Compare(vb.Num, va.Num))
		}
		return cmp.Or(cmp.Compare(va.Points, vb.Points), cmp.Compare(va.Num, vb.Num))
	}
	var with, without []*Row
	for _, r := range p.Rows {
		if !r.Ranked || r.Dept.Level != level {
			continue
		}
		if has(r) {
			with = append(with, r)
		} else {
			without = append(without, r)
		}
	}
	slices.SortStableFunc(with, better)
	out := make([]Standing, 0, len(with)+len(without))
	for i, r := range with {
		rank := i + 1
		if i > 0 && better(with[i-1], r) == 0 {
			rank = out[i-1].Rank
		}
		out = append(out, Standing{Row: r, Rank: rank})
	}
	for _, r := range without {
		out = append(out, Standing{Row: r})
	}
	return out
}

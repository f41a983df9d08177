package indicators

import (
	"cmp"
	"math"
	"slices"
)

// finish turns the counts into rows: values, score, grade, rank.
func (c *computer) finish() {
	specs := c.r.Specs
	for pi, per := range c.all {
		per.byID = map[string]*Row{}
		for bi, d := range c.in.Departments {
			a := c.accs[pi][bi]
			row := &Row{Dept: d, Ranked: d.Parent == "" || len(c.chains[bi]) == 1, OpenRecords: a.open, Values: make([]Value, len(specs))}
			wsum, wrate := 0.0, 0.0
			for si := range specs {
				s := &specs[si]
				v := Value{Spec: s, Num: a.num[si], Den: a.den[si], Undated: a.undated[si], Refs: a.refs[si]}
				v.Known = !(s.NeedsLog && !c.in.HasLog) && !(s.NeedsComplaints && c.in.Complaints == nil)
				slices.SortStableFunc(v.Refs, func(x, y Ref) int {
					if n := x.Date.Compare(y.Date); n != 0 {
						return n
					}
					return cmp.Compare(x.ID, y.ID)
				})
				switch s.Kind {
				case Rate:
					if v.Den > 0 {
						v.Rate = float64(v.Num) / float64(v.Den)
					}
					v.Enough = v.Known && v.Den >= c.cfg.MinBase
					if v.Enough {
						wsum += s.Weight
						wrate += s.Weight * v.Rate
					}
				default:
					v.Enough = v.Known
					if !v.Known {
						break
					}
					pts := float64(v.Num) * s.Points.Points
					if s.ID == "record_new" {
						pts = a.points[si]
					}
					if s.Points.Cap > 0 && pts > s.Points.Cap {
						pts = s.Points.Cap
					}
					v.Points = pts
					if s.Kind == Bonus {
						row.Bonus += pts
					} else {
						row.Penalty += pts
					}
				}
				row.Values[si] = v
			}
			if wsum > 0 {
				row.HasBase = true
				row.Base = 100 * wrate / wsum
				for si := range row.Values {
					if v := &row.Values[si]; v.Spec.Kind == Rate && v.Enough {
						v.Points = 100 * v.Spec.Weight * v.Rate / wsum
					}
				}
				row.Scored = true
				row.Score = round1(math.Min(100, math.Max(0, row.Base+row.Bonus-row.Penalty)))
				row.Grade, row.GradeLimited = c.grade(row.Score, row.OpenRecords)
			}
			if per.Prev != nil {
				row.Prev = per.Prev.byID[d.ID]
			}
			per.Rows = append(per.Rows, row)
			per.byID[d.ID] = row
		}
		rankRows(per.Rows)
	}
}

// grade returns the grade of score, held down to OpenRecordMaxGrade when
// open records are left.
func (c *computer) grade(score float64, open int) (string, bool) {
	gs := c.cfg.Grades
	if len(gs) == 0 {
		return "", false
	}
	i := len(gs) - 1
	for j, g := range gs {
		if score >= g.Min {
			i = j
			break
		}
	}
	if open > 0 && c.cfg.OpenRecordMaxGrade != "" {
		for j, g := range gs {
			if g.Name == c.cfg.OpenRecordMaxGrade && i < j {
				return g.Name, true
			}
		}
	}
	return gs[i].Name, false
}

// rankRows ranks the ranked, scored rows of each level by score: equal
// scores share a rank and the next rank skips (1, 2, 2, 4).
func rankRows(rows []*Row) {
	byLevel := map[string][]*Row{}
	for _, r := range rows {
		if r.Ranked && r.Scored {
			byLevel[r.Dept.Level] = append(byLevel[r.Dept.Level], r)
		}
	}
	for _, rs := range byLevel {
		slices.SortStableFunc(rs, func(a, b *Row) int { return cmp.Compare(b.Score, a.Score) })
		for i, r := range rs {
			if i > 0 && r.Score == rs[i-1].Score {
				r.Rank = rs[i-1].Rank
			} else {
				r.Rank = i + 1
			}
		}
	}
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }

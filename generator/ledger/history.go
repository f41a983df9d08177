package ledger

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"portal/generator/model"
)

// Revision is one entry of a record's history, ready to show.
type Revision struct {
	Entry *Entry
	// Version is the record after the entry; its Values are nil after a
	// removal.
	Version  Version
	Changes  []Change   // field by field (none for an add or a removal)
	Material []Material // the material changes it makes
}

// Change is one field's change.
type Change struct {
	Field    Field
	Old, New string
	// Segments is the character-level diff of a text field, from the edit
	// the entry stores (nil when the field was set from empty or cleared).
	Segments []Segment
}

// Lines returns a progress field's change as the lines removed and the
// lines added.
func (c Change) Lines() (removed, added []string) {
	was, now := splitLines(c.Old), splitLines(c.New)
	for _, l := range was {
		if !slices.Contains(now, l) {
			removed = append(removed, l)
		}
	}
	for _, l := range now {
		if !slices.Contains(was, l) {
			added = append(added, l)
		}
	}
	return removed, added
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// History returns the record's revisions, oldest first.
func (l *Log) History(key string) ([]Revision, error) {
	rec := l.records[key]
	if rec == nil {
		return nil, nil
	}
	vs, err := l.versions(rec)
	if err != nil {
		return nil, err
	}
	out := make([]Revision, len(vs))
	for i, x := range rec.Entries {
		e := l.Entries[x]
		r := Revision{Entry: e, Version: vs[i]}
		var prev *Version
		if i > 0 {
			prev = &vs[i-1]
		}
		if e.Op != OpRemove {
			r.Material = Classify(prev, &vs[i], e.Date)
		} else {
			r.Material = Classify(prev, nil, e.Date)
		}
		if e.Op == OpChange {
			for _, name := range e.Changed() {
				f, _ := FieldOf(e.Kind, name)
				c := Change{Field: f, Old: prev.Get(name), New: vs[i].Get(name)}
				if ops, ok := e.Edit[name]; ok {
					c.Segments, err = SegmentsOf(c.Old, ops)
					if err != nil {
						return nil, &ReplayError{N: e.N, Key: key, V: e.V, Msg: err.Error()}
					}
				}
				r.Changes = append(r.Changes, c)
			}
		}
		out[i] = r
	}
	return out, nil
}

// Facts is what the log says for the indicators and the 变更记录 page:
// every material change, oldest first, counted against the responsible
// body, and the date each record was first published. today (YYYY-MM-DD)
// and withheld decide which records are off the site (Redaction, and the
// build's publicity rules): their titles and values are not repeated. names
// resolves department ids in notes.
func (l *Log) Facts(today string, loc *time.Location, names Names, withheld func(*Record) bool) *model.PublicationLog {
	out := &model.PublicationLog{Entries: l.Size(), First: map[string]time.Time{}}
	for _, key := range l.order {
		rec := l.records[key]
		first := l.Entries[rec.Entries[0]]
		out.First[key] = first.Day(loc)
		if len(rec.Entries) < 2 || rec.Redacted != "" {
			continue
		}
		vs, err := l.versions(rec)
		if err != nil {
			continue
		}
		off := Redaction(rec, today) != "" || withheld != nil && withheld(rec)
		for i := 1; i < len(vs); i++ {
			e := l.Entries[rec.Entries[i]]
			prev, cur := &vs[i-1], &vs[i]
			if cur.Values == nil {
				cur = nil
			}
			for _, m := range Classify(prev, cur, e.Date) {
				title := prev.Get("title")
				if prev.Values == nil && cur != nil {
					title = cur.Get("title")
				}
				if off {
					title = rec.Kind.Label() + "（已停止公示）"
				}
				out.Changes = append(out.Changes, model.MaterialChange{
					Department: Responsible(prev, cur), Date: e.Day(loc), Kind: m.Type,
					RecordKind: rec.Kind, RecordID: rec.ID, Title: title, Note: Describe(rec.Kind, m, off, names),
					URL: PagePath(rec.Kind, rec.ID) + "#v" + strconv.Itoa(e.V),
				})
			}
		}
	}
	sort.SliceStable(out.Changes, func(i, j int) bool { return out.Changes[i].Date.Before(out.Changes[j].Date) })
	return out
}

// Describe says in one line what a material change did, e.g.
// 完成时限由2025年6月30日改为2025年12月31日. withheld leaves values out.
func Describe(kind model.Kind, m Material, withheld bool, names Names) string {
	label := m.Label()
	if m.Field == "" || withheld {
		return label
	}
	f, _ := FieldOf(kind, m.Field)
	switch f.Type {
	case Date, Status, Enum, Ref:
		was, now := Display(f, m.Old, names), Display(f, m.New, names)
		if was == "" {
			was = "（空）"
		}
		if now == "" {
			now = "（无）"
		}
		return fmt.Sprintf("%s由%s改为%s", f.Label, was, now)
	}
	return label + "：" + f.Label
}

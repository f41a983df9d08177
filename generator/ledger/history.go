package ledger

import (
	"slices"
	"strings"
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

package ledger

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Segment is one run of a character-level diff.
type Segment struct {
	Op   byte // '=' unchanged, '-' deleted, '+' inserted
	Text string
}

// newDiffer returns a differ whose result depends only on its input: no
// time limit (a limit would make the same edit come out differently on a
// busy machine, and two logs seeded from the same history must be equal).
func newDiffer() *diffmatchpatch.DiffMatchPatch {
	d := diffmatchpatch.New()
	d.DiffTimeout = 0
	return d
}

// Diff returns the character-level difference between two texts, cleaned
// up for people to read (an edit inside a phrase shows the phrase replaced,
// not scattered characters).
func Diff(old, new string) []Segment {
	if old == new {
		if old == "" {
			return nil
		}
		return []Segment{{'=', old}}
	}
	d := newDiffer()
	diffs := d.DiffMain(old, new, true)
	diffs = d.DiffCleanupSemantic(diffs)
	out := make([]Segment, 0, len(diffs))
	for _, df := range diffs {
		if df.Text == "" {
			continue
		}
		op := byte('=')
		switch df.Type {
		case diffmatchpatch.DiffDelete:
			op = '-'
		case diffmatchpatch.DiffInsert:
			op = '+'
		}
		out = append(out, Segment{op, df.Text})
	}
	// The library is trusted only as far as its result rebuilds both texts.
	var a, b strings.Builder
	for _, s := range out {
		if s.Op != '+' {
			a.WriteString(s.Text)
		}
		if s.Op != '-' {
			b.WriteString(s.Text)
		}
	}
	if a.String() != old || b.String() != new {
		out = out[:0]
		if old != "" {
			out = append(out, Segment{'-', old})
		}
		if new != "" {
			out = append(out, Segment{'+', new})
		}
	}
	return out
}

// Ops encodes a diff as entry edit operations.
func Ops(segs []Segment) []string {
	ops := make([]string, 0, len(segs))
	for _, s := range segs {
		switch s.Op {
		case '+':
			ops = append(ops, "+"+s.Text)
		default:
			ops = append(ops, string(s.Op)+strconv.Itoa(utf8.RuneCountInString(s.Text)))
		}
	}
	return ops
}

// SegmentsOf turns edit operations on old back into a diff for display.
func SegmentsOf(old string, ops []string) ([]Segment, error) {
	out := make([]Segment, 0, len(ops))
	rest := old
	for _, op := range ops {
		if len(op) < 2 {
			return nil, errOp(op)
		}
		if op[0] == '+' {
			out = append(out, Segment{'+', op[1:]})
			continue
		}
		n, err := strconv.Atoi(op[1:])
		if err != nil || n <= 0 || (op[0] != '=' && op[0] != '-') {
			return nil, errOp(op)
		}
		cut, ok := runePrefix(rest, n)
		if !ok {
			return nil, errOp(op)
		}
		out = append(out, Segment{op[0], rest[:cut]})
		rest = rest[cut:]
	}
	if rest != "" {
		return nil, errOp("(end)")
	}
	return out, nil
}

type errOp string

func (e errOp) Error() string {
	return "edit operation " + strconv.Quote(string(e)) + " does not fit the previous text"
}

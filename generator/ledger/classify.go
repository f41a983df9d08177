package ledger

import (
	"strings"

	"portal/generator/model"
)

// The material change types: changes a reader must not miss, flagged on the
// record's page, listed on the 变更记录 page and counted per department.
const (
	DeadlineLater      = model.ChangeDeadlineLater      // 完成时限推迟 (or dropped)
	StatusBackward     = model.ChangeStatusBackward     // 状态倒退
	PromiseChanged     = model.ChangePromiseChanged     // 承诺内容修改 after publication
	LeadChanged        = model.ChangeLeadChanged        // 牵头单位变更
	CommitmentWithdraw = model.ChangeWithdrawn          // 承诺撤回
	CommitmentRemoved  = model.ChangeRemoved            // 承诺删除
	ProgressRewritten  = model.ChangeProgressRewritten  // 推进记录被改写 (an entry changed or removed)
	ContentChanged     = model.ChangeContentChanged     // 公示期内修改
	RemovedEarly       = model.ChangeRemovedEarly       // 公示期内撤下
	PublicityShortened = model.ChangePublicityShortened // 公示期缩短
)

// MaterialTypes lists the types in the order pages show them.
var MaterialTypes = []string{DeadlineLater, StatusBackward, PromiseChanged, LeadChanged, CommitmentWithdraw,
	CommitmentRemoved, ProgressRewritten, ContentChanged, RemovedEarly, PublicityShortened}

// MaterialLabels are the Chinese names of the types.
var MaterialLabels = map[string]string{
	DeadlineLater:      "完成时限推迟",
	StatusBackward:     "状态倒退",
	PromiseChanged:     "承诺内容修改",
	LeadChanged:        "牵头单位变更",
	CommitmentWithdraw: "承诺撤回",
	CommitmentRemoved:  "承诺删除",
	ProgressRewritten:  "推进记录被改写",
	ContentChanged:     "公示期内修改",
	RemovedEarly:       "公示期内撤下",
	PublicityShortened: "公示期缩短",
}

// MaterialKinds says which kinds each type applies to.
var MaterialKinds = map[string][]model.Kind{
	DeadlineLater:      {model.KindCommitment},
	StatusBackward:     {model.KindCommitment},
	PromiseChanged:     {model.KindCommitment},
	LeadChanged:        {model.KindCommitment},
	CommitmentWithdraw: {model.KindCommitment},
	CommitmentRemoved:  {model.KindCommitment},
	ProgressRewritten:  {model.KindCommitment},
	ContentChanged:     {model.KindDisclosure, model.KindRecord},
	RemovedEarly:       {model.KindDisclosure, model.KindRecord},
	PublicityShortened: {model.KindDisclosure, model.KindRecord},
}

// Material is one material change.
type Material struct {
	Type  string
	Field string // the field it concerns; "" for the record as a whole
	Old   string // canonical values before and after
	New   string
}

// Label is the type's Chinese name.
func (m Material) Label() string { return MaterialLabels[m.Type] }

// statusRank orders the statuses a commitment moves through; a move to a
// lower rank is backwards. 未兑现 ranks with 推进中: recording a failure is
// not a step back, but reopening a kept promise is.
var statusRank = map[string]int{
	string(model.StatusPending): 0, string(model.StatusInProgress): 1, string(model.StatusBroken): 1,
	string(model.StatusPartial): 2, string(model.StatusFulfilled): 3,
}

// Classify returns the material changes from prev to cur on date
// (YYYY-MM-DD). prev is nil for a new record, cur nil for a removal.
func Classify(prev, cur *Version, date string) []Material {
	if prev == nil || prev.Values == nil {
		return nil // a new record changes nothing that was published
	}
	var out []Material
	switch prev.Kind {
	case model.KindCommitment:
		if cur == nil || cur.Values == nil {
			return []Material{{Type: CommitmentRemoved}}
		}
		if was, now := prev.Get("deadline"), cur.Get("deadline"); was != "" && (now == "" || now > was) {
			out = append(out, Material{DeadlineLater, "deadline", was, now})
		}
		was, now := prev.Get("status"), cur.Get("status")
		switch {
		case now == string(model.StatusWithdrawn) && was != now:
			out = append(out, Material{CommitmentWithdraw, "status", was, now})
		case was != now && was != string(model.StatusWithdrawn):
			rw, okw := statusRank[was]
			rn, okn := statusRank[now]
			if okw && okn && rn < rw {
				out = append(out, Material{StatusBackward, "status", was, now})
			}
		}
		// The promise is what the title and the body say; the summary only
		// introduces it in lists.
		for _, f := range []string{"title", "body"} {
			if was, now := prev.Get(f), cur.Get(f); was != now {
				out = append(out, Material{PromiseChanged, f, was, now})
			}
		}
		if was, now := prev.Get("department"), cur.Get("department"); was != now {
			out = append(out, Material{LeadChanged, "department", was, now})
		}
		if was, now := prev.Get("progress"), cur.Get("progress"); was != "" && !isLinePrefix(was, now) {
			out = append(out, Material{ProgressRewritten, "progress", was, now})
		}
	case model.KindDisclosure, model.KindRecord:
		until := prev.Get("publicity_until")
		inPublicity := until == "" || date <= until
		if !inPublicity {
			return nil
		}
		if cur == nil || cur.Values == nil {
			return []Material{{Type: RemovedEarly}}
		}
		if prev.Get("withdrawn") == "" && cur.Get("withdrawn") != "" {
			out = append(out, Material{RemovedEarly, "withdrawn", "", cur.Get("withdrawn")})
		}
		if now := cur.Get("publicity_until"); now != until && now != "" && (until == "" || now < until) {
			out = append(out, Material{PublicityShortened, "publicity_until", until, now})
		}
		// Filling in a field that was empty adds to the record (a 公示日期
		// supplied later); changing or clearing a published value alters it.
		for i, f := range schemas[prev.Kind] {
			if f.Content && prev.Values[i] != "" && prev.Values[i] != cur.Values[i] {
				out = append(out, Material{ContentChanged, f.Name, prev.Values[i], cur.Values[i]})
			}
		}
	}
	return out
}

// isLinePrefix reports whether the lines of a are the first lines of b.
func isLinePrefix(a, b string) bool {
	return a == b || strings.HasPrefix(b, a+"\n")
}

// Responsible returns the department a change is counted against: the
// record's lead body (commitments) or deciding body / body concerned
// (disclosures, records) as it was before the change, so moving a
// commitment to another body counts against the body that had it.
func Responsible(prev, cur *Version) string {
	for _, v := range []*Version{prev, cur} {
		if v != nil && v.Values != nil {
			if d := v.Get("department"); d != "" {
				return d
			}
			if d := v.Get("departments"); d != "" {
				first, _, _ := strings.Cut(d, "\n")
				return first
			}
		}
	}
	return ""
}

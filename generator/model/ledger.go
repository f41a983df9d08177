package model

import "time"

// The material changes the publication log flags (MaterialChange.Kind),
// beside ChangeDeadlineLater and ChangeRemovedEarly. generator/ledger
// classifies them; these names are what pages, feeds and the indicators
// share.
const (
	ChangeStatusBackward     = "status_backward"     // 状态倒退 (e.g. 已兑现 → 推进中)
	ChangePromiseChanged     = "promise_changed"     // 承诺内容修改 after publication
	ChangeLeadChanged        = "lead_changed"        // 牵头单位变更
	ChangeWithdrawn          = "withdrawn"           // 承诺撤回
	ChangeRemoved            = "removed"             // 承诺删除
	ChangeProgressRewritten  = "progress_rewritten"  // 推进记录被改写 (an entry changed or removed)
	ChangeContentChanged     = "content_changed"     // 公示期内修改 (disclosures, records)
	ChangePublicityShortened = "publicity_shortened" // 公示期缩短 (disclosures, records)
)

// PublicationLog is what the site's publication log (data/ledger) says,
// for the stages that count on it. It is set on Site.Log by the log stage
// when the site has a log, and nil otherwise.
type PublicationLog struct {
	// Changes is every material change the log records, oldest first, each
	// counted against the body responsible for the record before the change.
	Changes []MaterialChange
	// Entries is the number of entries in the log.
	Entries int64
	// First is the date each record (kind/id) was first published.
	First map[string]time.Time
}

// FirstPublished returns the date the log first published the record, or
// the zero time.
func (l *PublicationLog) FirstPublished(kind Kind, id string) time.Time {
	if l == nil {
		return time.Time{}
	}
	return l.First[string(kind)+"/"+id]
}

// MaterialCounts counts the material changes per department and kind of
// change dated from from to to (inclusive; zero times leave that end open).
func (l *PublicationLog) MaterialCounts(from, to time.Time) map[string]map[string]int {
	out := map[string]map[string]int{}
	if l == nil {
		return out
	}
	for _, c := range l.Changes {
		if (!from.IsZero() && c.Date.Before(from)) || (!to.IsZero() && c.Date.After(to)) {
			continue
		}
		m := out[c.Department]
		if m == nil {
			m = map[string]int{}
			out[c.Department] = m
		}
		m[c.Kind]++
	}
	return out
}

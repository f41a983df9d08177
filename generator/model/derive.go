package model

import (
	"time"
	_ "time/tzdata" // the default zone must load on machines without a zoneinfo database
)

// Reasons a disclosure or record is not published.
const (
	ReasonExpired   = "公示期满"    // past its publicity_until (公示截止期)
	ReasonWithdrawn = "信用修复/撤销" // withdrawn after 信用修复, objection or correction
	ReasonWithheld  = "不予公示"    // a publicity rule keeps it off the site (轻微失信信息)
	ReasonScheduled = "未到发布日期"  // before its publishDate
	ReasonExpiredAt = "已过期"     // after its expiryDate
)

// Today returns the build date: midnight in loc of now's calendar date in
// loc (of the current time when now is zero). A plain date is best passed
// as noon UTC, as the CLI's -now does, so every zone within ±12 h keeps the
// day.
func Today(now time.Time, loc *time.Location) time.Time {
	if now.IsZero() {
		now = time.Now()
	}
	now = now.In(loc)
	return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
}

// Derive computes every fact the site states as of today (a date in the
// site's zone, see Today): each commitment's state with the configured
// windows, and whether each disclosure and record is still published
// (withdrawn wins over an expired publicity period, which wins over a
// publicity rule withholding it). It is the only place
// derived state is computed; it reads nothing but the site and today, and
// calling it again with another date replaces every derived value.
func (s *Site) Derive(today time.Time) {
	cc := s.Config.Commitments
	for _, c := range s.Commitments {
		c.Derive(today, cc.DueSoonDays, cc.VeryOverdueDays)
	}
	for _, c := range s.Commons() {
		c.Unlisted = ""
		switch {
		case !c.PublishDate.IsZero() && DaysBetween(today, c.PublishDate) > 0:
			c.Unlisted = ReasonScheduled
		case !c.ExpiryDate.IsZero() && DaysBetween(today, c.ExpiryDate) < 0:
			c.Unlisted = ReasonExpiredAt
		}
	}
	for _, d := range s.Disclosures {
		d.Unpublished, d.UnpublishedReason = unpublished(today, d.Withdrawn, d.PublicityUntil)
		if !d.Unpublished && d.Withheld {
			d.Unpublished, d.UnpublishedReason = true, ReasonWithheld
		}
	}
	for _, r := range s.Records {
		r.Unpublished, r.UnpublishedReason = unpublished(today, r.Withdrawn, r.PublicityUntil)
	}
}

func unpublished(today time.Time, withdrawn bool, until time.Time) (bool, string) {
	switch {
	case withdrawn:
		return true, ReasonWithdrawn
	case !until.IsZero() && DaysBetween(today, until) < 0:
		return true, ReasonExpired
	}
	return false, ""
}

// Commons returns the shared fields of every page of the site.
func (s *Site) Commons() []*Common {
	out := make([]*Common, 0, len(s.Commitments)+len(s.Disclosures)+len(s.Policies)+len(s.Cases)+len(s.News)+len(s.Records))
	for _, c := range s.Commitments {
		out = append(out, &c.Common)
	}
	for _, d := range s.Disclosures {
		out = append(out, &d.Common)
	}
	for _, p := range s.Policies {
		out = append(out, &p.Common)
	}
	for _, c := range s.Cases {
		out = append(out, &c.Common)
	}
	for _, n := range s.News {
		out = append(out, &n.Common)
	}
	for _, r := range s.Records {
		out = append(out, &r.Common)
	}
	return out
}

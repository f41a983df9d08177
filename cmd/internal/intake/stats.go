package intake

import (
	"context"
	"slices"
	"sort"
	"time"
)

// Stats are the public complaint figures: counts and rates only, plus the
// replies whose complainant consented to publication (with personal-data
// patterns masked).
type Stats struct {
	Departments map[string]DepartmentStats // by registry id; DepartmentUnknown for 不确定
	Monthly     []MonthStats               // oldest first
	Replies     []PublicReply              // newest first
	Total       DepartmentStats
	Facts       []Fact // every complaint's dated milestones, duplicates left out, receipt order
}

// Fact is one complaint's dated milestones, for the integrity indicators:
// the body charged and dates only, no text and no personal data.
type Fact struct {
	Department string    // registry id, or DepartmentUnknown
	Received   time.Time // when it was received
	// ReplyDue is the last day (a date, see Calendar.Date) of the limit for
	// the first reply, with any extension granted before it; zero when the
	// complaint was rejected before a reply was owed.
	ReplyDue time.Time
	Replied  time.Time // the first reply; zero when none yet
	Visits   []Visit   // oldest first
	Reopened []time.Time
}

// Visit is one 回访 and its result.
type Visit struct {
	At           time.Time
	Satisfaction string
}

// DepartmentStats are one department's figures.
type DepartmentStats struct {
	Received           int
	Accepted           int
	Replied            int
	RepliedInTime      int
	MedianDaysToReply  float64
	Visited            int
	Satisfied          int
	BasicallySatisfied int
	Unsatisfied        int
	days               []int
}

// MonthStats are one month's figures.
type MonthStats struct {
	Month        string // YYYY-MM in the site zone
	Received     int
	Replied      int
	ReplyRate    float64 // replied / received, 0..1
	Satisfaction float64 // (满意 + 基本满意) / visited, 0..1
	// Visited is how many of the month's complaints were visited: with
	// none, Satisfaction has nothing to divide and pages show "—".
	Visited int
	ok      int
}

// PublicReply is a consented reply, without personal data.
type PublicReply struct {
	Receipt      string
	Category     string
	Department   string // registry id of the replying body
	AcceptedDate string // YYYY-MM-DD
	RepliedDate  string // YYYY-MM-DD
	Title        string
	Reply        string
}

// Stats computes the public figures over every complaint in the store.
// Duplicates are left out so a resubmission does not count twice.
func (s *Service) Stats(ctx context.Context) (*Stats, error) {
	all, err := s.store.List(ctx, Filter{})
	if err != nil {
		return nil, err
	}
	return ComputeStats(all, s.cal, s.lim, func(id string) bool { _, ok := s.names[id]; return ok }), nil
}

// ComputeStats is Stats over a given list of complaints.
func ComputeStats(all []*Complaint, cal *Calendar, lim Limits, known func(string) bool) *Stats {
	st := &Stats{Departments: map[string]DepartmentStats{}}
	months := map[string]*MonthStats{}
	var total DepartmentStats
	loc := cal.Location()
	for _, c := range all {
		if c.DuplicateOf != "" {
			continue
		}
		dept := c.Department
		// A complaint filed against 不确定 counts for the body it was assigned to.
		if dept == DepartmentUnknown && c.Assignee != "" && known(c.Assignee) {
			dept = c.Assignee
		}
		d := st.Departments[dept]
		t := TimingOf(c, cal, lim, c.CreatedAt)
		month := c.CreatedAt.In(loc).Format("2006-01")
		m := months[month]
		if m == nil {
			m = &MonthStats{Month: month}
			months[month] = m
		}
		for _, x := range []*DepartmentStats{&d, &total} {
			x.Received++
			if _, ok := c.First(EventAccepted); ok {
				x.Accepted++
			}
			if t.Replied {
				x.Replied++
				x.days = append(x.days, t.DaysToReply)
				if t.RepliedInTime {
					x.RepliedInTime++
				}
			}
			if v, ok := c.Last(EventVisited); ok {
				x.Visited++
				switch v.Satisfaction {
				case Satisfied:
					x.Satisfied++
				case BasicallySatisfied:
					x.BasicallySatisfied++
				case Unsatisfied:
					x.Unsatisfied++
				}
			}
		}
		m.Received++
		if t.Replied {
			m.Replied++
		}
		if v, ok := c.Last(EventVisited); ok {
			m.Visited++
			if v.Satisfaction != Unsatisfied {
				m.ok++
			}
		}
		st.Departments[dept] = d
		st.Facts = append(st.Facts, factOf(c, dept, cal, lim))
		if r, ok := c.Last(EventReplied); ok && c.ConsentPublish {
			acc, _ := c.First(EventAccepted)
			replier := dept
			if c.Assignee != "" && known(c.Assignee) {
				replier = c.Assignee
			}
			pr := PublicReply{
				Receipt: c.Receipt, Category: c.Category, Department: replier,
				RepliedDate: r.At.In(loc).Format(time.DateOnly),
				Title:       maskComplainant(c, c.Title), Reply: maskComplainant(c, r.Note),
			}
			if !acc.At.IsZero() {
				pr.AcceptedDate = acc.At.In(loc).Format(time.DateOnly)
			}
			st.Replies = append(st.Replies, pr)
		}
	}
	for id, d := range st.Departments {
		d.MedianDaysToReply = median(d.days)
		d.days = nil
		st.Departments[id] = d
	}
	total.MedianDaysToReply = median(total.days)
	total.days = nil
	st.Total = total
	for _, m := range months {
		if m.Received > 0 {
			m.ReplyRate = float64(m.Replied) / float64(m.Received)
		}
		if m.Visited > 0 {
			m.Satisfaction = float64(m.ok) / float64(m.Visited)
		}
		m.ok = 0
		st.Monthly = append(st.Monthly, *m)
	}
	sort.Slice(st.Monthly, func(i, j int) bool { return st.Monthly[i].Month < st.Monthly[j].Month })
	sort.SliceStable(st.Replies, func(i, j int) bool {
		if st.Replies[i].RepliedDate != st.Replies[j].RepliedDate {
			return st.Replies[i].RepliedDate > st.Replies[j].RepliedDate
		}
		return st.Replies[i].Receipt > st.Replies[j].Receipt
	})
	return st
}

// factOf returns c's milestones, charged to dept.
func factOf(c *Complaint, dept string, cal *Calendar, lim Limits) Fact {
	f := Fact{Department: dept, Received: c.CreatedAt}
	if first, ok := c.First(EventReplied); ok {
		f.Replied = first.At
		f.ReplyDue = cal.AddWorkingDays(c.CreatedAt, lim.ReplyWorkingDays+extensionBefore(c, first.Seq))
	} else if _, rejected := c.First(EventRejected); !rejected {
		f.ReplyDue = cal.AddWorkingDays(c.CreatedAt, lim.ReplyWorkingDays+c.ExtensionDays)
	}
	for _, e := range c.Events {
		switch e.Type {
		case EventVisited:
			f.Visits = append(f.Visits, Visit{At: e.At, Satisfaction: e.Satisfaction})
		case EventReopened:
			f.Reopened = append(f.Reopened, e.At)
		}
	}
	return f
}

func median(xs []int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return float64(s[n/2])
	}
	return float64(s[n/2-1]+s[n/2]) / 2
}

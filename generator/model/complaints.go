package model

import "time"

// ComplaintStats are the public complaint figures a build publishes: counts
// and rates only, never personal data or complaint text (except replies whose
// complainant consented to publication).
type ComplaintStats struct {
	Departments map[string]DepartmentComplaintStats // by registry id; "" = 不确定
	Monthly     []MonthlyComplaintStats             // oldest first
	Replies     []PublicReply                       // consented replies, newest first
	Total       DepartmentComplaintStats            // the whole site
	// Facts are every complaint's dated milestones (no text, no personal
	// data), from which the indicators count per period; duplicates left out.
	Facts []ComplaintFact
}

// ComplaintFact is one complaint's dated milestones for the indicators.
type ComplaintFact struct {
	Department string    // registry id of the body charged with it ("" = 不确定)
	Received   time.Time // 留言日期
	// ReplyDue is the last day of the reply limit (working days plus any
	// extension granted before the first reply); zero when no reply is owed
	// (不予受理).
	ReplyDue time.Time
	Replied  time.Time        // first reply; zero when none yet
	Visits   []ComplaintVisit // 回访, oldest first
	Reopened []time.Time      // 重办 after 不满意, oldest first
}

// ComplaintVisit is one 回访 and its result (满意 | 基本满意 | 不满意).
type ComplaintVisit struct {
	Date         time.Time
	Satisfaction string
}

// DepartmentComplaintStats are one department's figures.
type DepartmentComplaintStats struct {
	Received           int     // 留言数
	Accepted           int     // 受理数
	Replied            int     // 答复数
	RepliedInTime      int     // replied within the time limit
	MedianDaysToReply  float64 // working days, median over replied complaints
	Visited            int     // 回访数
	Satisfied          int     // 满意
	BasicallySatisfied int     // 基本满意
	Unsatisfied        int     // 不满意
}

// MonthlyComplaintStats are one month's figures (Month is YYYY-MM).
type MonthlyComplaintStats struct {
	Month        string
	Received     int     // 留言数
	Replied      int     // 答复数
	ReplyRate    float64 // 答复率, 0..1
	Satisfaction float64 // 满意率, 0..1 over visited
	Visited      int     // 回访数: with none, there is no 满意率 ("—")
}

// PublicReply is a reply the complainant consented to publish.
type PublicReply struct {
	Receipt      string // receipt number
	Category     string
	Department   string // registry id of the replying body
	AcceptedDate string // 受理日期 YYYY-MM-DD
	RepliedDate  string // 答复日期 YYYY-MM-DD
	Title        string
	Reply        string // 答复内容
}

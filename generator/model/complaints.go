package model

// ComplaintStats are the public complaint figures a build publishes: counts
// and rates only, never personal data or complaint text (except replies whose
// complainant consented to publication).
type ComplaintStats struct {
	Departments map[string]DepartmentComplaintStats // by registry id; "" = 不确定
	Monthly     []MonthlyComplaintStats             // oldest first
	Replies     []PublicReply                       // consented replies, newest first
	Total       DepartmentComplaintStats            // the whole site
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

package model

import "time"

// The indicators of the 正反向评价 (measure 12). The formulas live in
// generator/indicators; the ids are here so portal.toml can name them.
const (
	// Positive rates (正向指标), weighted into the base score.
	IndCommitmentOnTime      = "commitment_on_time"      // 承诺按期兑现率
	IndDisclosureOnTime      = "disclosure_on_time"      // 双公示按时公示率
	IndComplaintReplyOnTime  = "complaint_reply_on_time" // 投诉按期答复率
	IndComplaintSatisfaction = "complaint_satisfaction"  // 投诉满意率
	// Bonus points (加分).
	IndIncentiveCase = "incentive_case" // 守信激励、承诺践诺典型案例
	// Deductions (反向指标, 扣分).
	IndCommitmentOverdue    = "commitment_overdue"    // 逾期未兑现承诺
	IndCommitmentBroken     = "commitment_broken"     // 未兑现承诺
	IndCommitmentPartial    = "commitment_partial"    // 部分兑现承诺
	IndRecordNew            = "record_new"            // 新增政务失信记录
	IndRecordOpen           = "record_open"           // 未整改政务失信记录
	IndComplaintUnsatisfied = "complaint_unsatisfied" // 不满意回访
	IndComplaintReopened    = "complaint_reopened"    // 重办投诉
	IndMaterialChange       = "material_change"       // 实质性变更
	IndRecordRemovedEarly   = "record_removed_early"  // 提前撤下公示
)

// IndicatorRates are the positive rates, IndicatorBonuses the bonus points
// and IndicatorDeductions the deductions, each in the order pages show them.
var (
	IndicatorRates      = []string{IndCommitmentOnTime, IndDisclosureOnTime, IndComplaintReplyOnTime, IndComplaintSatisfaction}
	IndicatorBonuses    = []string{IndIncentiveCase}
	IndicatorDeductions = []string{IndCommitmentOverdue, IndCommitmentBroken, IndCommitmentPartial, IndRecordNew, IndRecordOpen,
		IndComplaintUnsatisfied, IndComplaintReopened, IndMaterialChange, IndRecordRemovedEarly}
)

// IndicatorConfig is portal.toml's [indicators]: the method of the
// 正反向评价, published on the 评价说明 page. A rate's weight or an entry's
// points set to 0 leaves that indicator out.
type IndicatorConfig struct {
	// Start is the first day evaluated (rounded down to its quarter); zero
	// means the first quarter holding an evaluated event.
	Start time.Time
	// MinBase is the fewest records a rate may rest on; below it the rate
	// shows "—" with its count and does not enter the score.
	MinBase int
	// DisclosureWorkingDays is the 双公示 limit: a record is on time when its
	// 公示日期 is at most this many working days after the decision date.
	DisclosureWorkingDays int
	// DisclosureCategories are the categories 双公示按时公示率 counts.
	DisclosureCategories []string
	// OpenRecordMaxGrade is the best grade a body with a dishonesty record
	// not yet rectified at the period's end can get ("" = no limit); measure
	// 14 bars such bodies from 评先评优.
	OpenRecordMaxGrade string
	Weights            map[string]float64         // positive rates by id
	Points             map[string]IndicatorPoints // bonuses and deductions by id
	Grades             []Grade                    // best first; the last has Min 0
}

// IndicatorPoints are the points one bonus or deduction indicator adds or
// takes per counted record, and the most it may add or take in one period.
type IndicatorPoints struct {
	Points float64            // per record (a deduction is written positive: 5 = 扣5分)
	Cap    float64            // most points per period; 0 = no cap
	ByType map[string]float64 // record_new only: points by record type; types not named take Points
}

// Grade is one 等次: a score of at least Min gets Name.
type Grade struct {
	Name string
	Min  float64
}

// DefaultIndicators is the shipped method. Its weights and points follow the
// shape of provincial 政务诚信 monitoring: positive rates on a base of 100,
// deductions per dishonest act with a cap each, and four grades.
func DefaultIndicators() IndicatorConfig {
	return IndicatorConfig{
		MinBase:               3,
		DisclosureWorkingDays: 7,
		DisclosureCategories:  []string{"行政许可", "行政处罚"},
		OpenRecordMaxGrade:    "良",
		Weights: map[string]float64{
			IndCommitmentOnTime:      40,
			IndDisclosureOnTime:      20,
			IndComplaintReplyOnTime:  20,
			IndComplaintSatisfaction: 20,
		},
		Points: map[string]IndicatorPoints{
			IndIncentiveCase:        {Points: 2, Cap: 6},
			IndCommitmentOverdue:    {Points: 5, Cap: 20},
			IndCommitmentBroken:     {Points: 10, Cap: 30},
			IndCommitmentPartial:    {Points: 5, Cap: 15},
			IndRecordNew:            {Points: 10, Cap: 40, ByType: map[string]float64{"失信被执行": 15, "其他": 5}},
			IndRecordOpen:           {Points: 5, Cap: 20},
			IndComplaintUnsatisfied: {Points: 1, Cap: 10},
			IndComplaintReopened:    {Points: 2, Cap: 10},
			IndMaterialChange:       {Points: 3, Cap: 15},
			IndRecordRemovedEarly:   {Points: 5, Cap: 15},
		},
		Grades: []Grade{{Name: "优", Min: 90}, {Name: "良", Min: 80}, {Name: "中", Min: 60}, {Name: "差", Min: 0}},
	}
}

// MaterialChange is one change the publication log flags on a published
// record: a deadline moved later, a promise weakened, or a record taken
// down before its 公示截止期.
type MaterialChange struct {
	Department string    // registry id of the body the record belongs to
	Date       time.Time // when the changed version was published
	Kind       string    // one of MaterialChangeKinds
	RecordKind Kind      // the record's kind
	RecordID   string    // the record's id
	Title      string    // the record's title
	Note       string    // what changed, e.g. 期限由2025-06-30改为2025-12-31
	URL        string    // where the change is shown (the record's history), optional
}

// The kinds of material change.
const (
	ChangeDeadlineLater = "deadline_later"   // 期限后延
	ChangePromiseWeaker = "promise_weakened" // 承诺内容弱化
	ChangeRemovedEarly  = "removed_early"    // 公示期满前撤下
)

// MaterialChangeKinds lists them: every kind the publication log flags
// (see ledger.go; ChangePromiseWeaker is kept for data written before the
// log classified promise changes as ChangePromiseChanged).
var MaterialChangeKinds = []string{ChangeDeadlineLater, ChangeStatusBackward, ChangePromiseChanged, ChangeLeadChanged,
	ChangeWithdrawn, ChangeRemoved, ChangeProgressRewritten, ChangeContentChanged, ChangeRemovedEarly,
	ChangePublicityShortened, ChangePromiseWeaker}

package intaketest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
)

// Run runs the conformance suite against stores made by open; each subtest
// gets a fresh, empty store (open registers its own cleanup).
func Run(t *testing.T, open func(t *testing.T) intake.Store) {
	t.Run("CreateGetRoundTrip", func(t *testing.T) { testRoundTrip(t, open(t)) })
	t.Run("ReceiptSequencePerDay", func(t *testing.T) { testSequence(t, open(t)) })
	t.Run("GetMissing", func(t *testing.T) { testMissing(t, open(t)) })
	t.Run("Duplicates", func(t *testing.T) { testDuplicates(t, open(t)) })
	t.Run("UpdateAppendsAndAborts", func(t *testing.T) { testUpdate(t, open(t)) })
	t.Run("ConcurrentCreates", func(t *testing.T) { testConcurrentCreates(t, open(t)) })
	t.Run("ConcurrentActionsSerialise", func(t *testing.T) { testConcurrentActions(t, open(t)) })
	t.Run("ConcurrentDuplicates", func(t *testing.T) { testConcurrentDuplicates(t, open(t)) })
	t.Run("ListFilters", func(t *testing.T) { testList(t, open(t)) })
	t.Run("ServiceLoop", func(t *testing.T) { testServiceLoop(t, open(t)) })
	t.Run("AttachmentsAndEnterprise", func(t *testing.T) { testAttachments(t, open(t)) })
	t.Run("NotesAppendWithAudit", func(t *testing.T) { testNotes(t, open(t)) })
	t.Run("ListOfficeFilters", func(t *testing.T) { testOfficeFilters(t, open(t)) })
	t.Run("RetentionErases", func(t *testing.T) { testRetention(t, open(t)) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open(t)) })
	t.Run("AuditTrail", func(t *testing.T) { testAudit(t, open(t)) })
	t.Run("ScopeByRole", func(t *testing.T) { testScope(t, open(t)) })
}

// base is the moment the suite's complaints are created: a fixed instant,
// so receipts are predictable.
var base = time.Date(2025, 1, 15, 2, 30, 0, 123456000, time.UTC) // 10:30 in Shanghai

// Sample returns a complaint as the service would build it, created at at.
func Sample(i int, at time.Time) *intake.Complaint {
	c := &intake.Complaint{
		CreatedAt:       at,
		Category:        "拖欠账款",
		Department:      "fgw",
		RelatedID:       fmt.Sprintf("c%02d", i),
		ObjectionReason: "",
		Title:           fmt.Sprintf("工程款拖欠第%d号", i),
		Description:     "某单位拖欠我公司工程款，多次催要未果。\n请依法督促支付。",
		Name:            "张三",
		Phone:           "13800000000",
		Email:           "a@example.com",
		Anonymous:       i%2 == 0,
		ConsentPublish:  i%3 == 0,
		Status:          intake.StatusReceived,
		QueryHash:       "00ff:abcd",
		Fingerprint:     fmt.Sprintf("fp-%d", i),
		Events:          []intake.Event{{Seq: 1, At: at, Actor: "public", Type: intake.EventReceived}},
	}
	return c
}

func day(t time.Time) time.Time {
	t = t.In(time.FixedZone("CST", 8*3600))
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func create(t *testing.T, s intake.Store, c *intake.Complaint) {
	t.Helper()
	require.NoError(t, s.Create(context.Background(), c, day(c.CreatedAt), c.CreatedAt.Add(-intake.DuplicateWindow)))
}

func testRoundTrip(t *testing.T, s intake.Store) {
	ctx := context.Background()
	c := Sample(3, base)
	c.ObjectionReason = "信息错误"
	c.Category = "异议申诉"
	c.Description = "含有引号\"、<标签>、'单引号' 和换行\n第二行"
	create(t, s, c)
	assert.Equal(t, "TS-20250115-000001", c.Receipt)
	got, err := s.Get(ctx, c.Receipt)
	require.NoError(t, err)
	assert.Equal(t, c, got)
	assert.True(t, got.CreatedAt.Equal(base), "time keeps microseconds: %v", got.CreatedAt)
}

func testSequence(t *testing.T, s intake.Store) {
	for i, at := range []time.Time{base, base.Add(time.Minute), base.Add(24 * time.Hour), base.Add(2 * time.Minute)} {
		c := Sample(i, at)
		create(t, s, c)
		want := []string{"TS-20250115-000001", "TS-20250115-000002", "TS-20250116-000001", "TS-20250115-000003"}[i]
		assert.Equal(t, want, c.Receipt, "complaint %d", i)
	}
}

func testMissing(t *testing.T, s intake.Store) {
	_, err := s.Get(context.Background(), "TS-20250115-000009")
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	_, err = s.Update(context.Background(), "TS-20250115-000009", func(*intake.Complaint) error { return nil })
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
}

func testDuplicates(t *testing.T, s intake.Store) {
	first := Sample(1, base)
	create(t, s, first)
	again := Sample(1, base.Add(23*time.Hour))
	create(t, s, again)
	assert.Equal(t, first.Receipt, again.DuplicateOf, "identical within 24 h")
	other := Sample(2, base.Add(time.Hour))
	create(t, s, other)
	assert.Empty(t, other.DuplicateOf, "different content")
	late := Sample(1, base.Add(49*time.Hour))
	create(t, s, late)
	assert.Empty(t, late.DuplicateOf, "more than 24 h after both")
	got, err := s.Get(context.Background(), again.Receipt)
	require.NoError(t, err)
	assert.Equal(t, first.Receipt, got.DuplicateOf, "the flag is stored")
}

func testUpdate(t *testing.T, s intake.Store) {
	ctx := context.Background()
	c := Sample(1, base)
	create(t, s, c)
	now := base.Add(time.Hour)
	got, err := s.Update(ctx, c.Receipt, func(c *intake.Complaint) error {
		return intake.Apply(c, intake.Action{Kind: intake.ActAccept, Actor: "李四"}, now, 10)
	})
	require.NoError(t, err)
	assert.Equal(t, intake.StatusAccepted, got.Status)
	got, err = s.Update(ctx, c.Receipt, func(c *intake.Complaint) error {
		if err := intake.Apply(c, intake.Action{Kind: intake.ActAssign, Actor: "李四", Assignee: "sj"}, now, 10); err != nil {
			return err
		}
		return intake.Apply(c, intake.Action{Kind: intake.ActExtend, Actor: "李四", Days: 3, Note: "需现场核查"}, now, 10)
	})
	require.NoError(t, err)
	boom := errors.New("boom")
	_, err = s.Update(ctx, c.Receipt, func(c *intake.Complaint) error {
		require.NoError(t, intake.Apply(c, intake.Action{Kind: intake.ActReply, Actor: "李四", Note: "已支付"}, now, 10))
		return boom
	})
	assert.ErrorIs(t, err, boom)
	stored, err := s.Get(ctx, c.Receipt)
	require.NoError(t, err)
	assert.Equal(t, got, stored, "the aborted reply left nothing behind")
	assert.Equal(t, intake.StatusHandling, stored.Status)
	assert.Equal(t, "sj", stored.Assignee)
	assert.Equal(t, 3, stored.ExtensionDays)
	require.Len(t, stored.Events, 4)
	for i, e := range stored.Events {
		assert.Equal(t, i+1, e.Seq)
	}
	assert.Equal(t, intake.EventExtended, stored.Events[3].Type)
	assert.Equal(t, 3, stored.Events[3].Days)
	assert.True(t, stored.Events[3].At.Equal(now))
}

func testConcurrentCreates(t *testing.T, s intake.Store) {
	const n = 60
	var wg sync.WaitGroup
	receipts := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := Sample(i, base.Add(time.Duration(i)*time.Millisecond))
			errs[i] = s.Create(context.Background(), c, day(c.CreatedAt), c.CreatedAt.Add(-intake.DuplicateWindow))
			receipts[i] = c.Receipt
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for i := range n {
		require.NoError(t, errs[i], "create %d", i)
		assert.False(t, seen[receipts[i]], "receipt %s given twice", receipts[i])
		seen[receipts[i]] = true
	}
	for i := 1; i <= n; i++ {
		r := fmt.Sprintf("TS-20250115-%06d", i)
		assert.True(t, seen[r], "sequence has no gap at %s", r)
		_, err := s.Get(context.Background(), r)
		assert.NoError(t, err)
	}
}

func testConcurrentDuplicates(t *testing.T, s intake.Store) {
	const n = 12
	var wg sync.WaitGroup
	got := make([]*intake.Complaint, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := Sample(7, base.Add(time.Duration(i)*time.Millisecond)) // the same content every time
			errs[i] = s.Create(context.Background(), c, day(c.CreatedAt), c.CreatedAt.Add(-intake.DuplicateWindow))
			got[i] = c
		}()
	}
	wg.Wait()
	originals := 0
	for i := range n {
		require.NoError(t, errs[i])
		if got[i].DuplicateOf == "" {
			originals++
		}
	}
	assert.Equal(t, 1, originals, "identical concurrent submissions: exactly one original")
}

func testConcurrentActions(t *testing.T, s intake.Store) {
	c := Sample(1, base)
	create(t, s, c)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.Update(context.Background(), c.Receipt, func(c *intake.Complaint) error {
				return intake.Apply(c, intake.Action{Kind: intake.ActAccept, Actor: fmt.Sprint("staff", i)}, base.Add(time.Hour), 10)
			})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		assert.Equal(t, intake.ECONFLICT, intake.ErrorCode(err), "the others see it already accepted: %v", err)
	}
	assert.Equal(t, 1, ok, "exactly one accept wins")
	got, err := s.Get(context.Background(), c.Receipt)
	require.NoError(t, err)
	assert.Len(t, got.Events, 2)
}

func testList(t *testing.T, s intake.Store) {
	ctx := context.Background()
	var all []*intake.Complaint
	for i := range 5 {
		c := Sample(i, base.Add(time.Duration(i)*time.Hour))
		if i >= 3 {
			c.Department = "sj"
		}
		create(t, s, c)
		all = append(all, c)
	}
	_, err := s.Update(ctx, all[1].Receipt, func(c *intake.Complaint) error {
		return intake.Apply(c, intake.Action{Kind: intake.ActAccept, Actor: "李四"}, base.Add(10*time.Hour), 10)
	})
	require.NoError(t, err)
	tests := []struct {
		name string
		f    intake.Filter
		want []int
	}{
		{"all", intake.Filter{}, []int{0, 1, 2, 3, 4}},
		{"status", intake.Filter{Status: intake.StatusAccepted}, []int{1}},
		{"department", intake.Filter{Department: "sj"}, []int{3, 4}},
		{"since", intake.Filter{Since: base.Add(2 * time.Hour)}, []int{2, 3, 4}},
		{"until", intake.Filter{Until: base.Add(2 * time.Hour)}, []int{0, 1}},
		{"limit", intake.Filter{Limit: 2}, []int{0, 1}},
		{"none", intake.Filter{Status: intake.StatusClosed}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.List(ctx, tt.f)
			require.NoError(t, err)
			var idx []int
			for _, c := range got {
				for i, a := range all {
					if a.Receipt == c.Receipt {
						idx = append(idx, i)
					}
				}
				assert.NotEmpty(t, c.Events, "events are loaded")
			}
			assert.Equal(t, tt.want, idx)
		})
	}
}

func testServiceLoop(t *testing.T, s intake.Store) {
	ctx := context.Background()
	now := base
	cal, err := intake.NewCalendar(time.FixedZone("CST", 8*3600), nil, nil)
	require.NoError(t, err)
	svc := intake.NewService(intake.Config{Store: s, Calendar: cal, Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}}, Now: func() time.Time { return now }})
	r, err := svc.Submit(ctx, intake.Submission{
		Category: "承诺未兑现", Department: "fgw", Title: "承诺的奖补资金未兑现",
		Description: "去年承诺的奖补资金至今没有到位。", Name: "王五", Phone: "139 0000 0000", Consent: true,
	})
	require.NoError(t, err)
	assert.Equal(t, "TS-20250115-000001", r.Receipt)
	_, err = svc.Status(ctx, r.Receipt, "WRONG-CODE-0000")
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	for _, a := range []intake.Action{
		{Kind: intake.ActAccept, Actor: "a"},
		{Kind: intake.ActAssign, Actor: "a", Assignee: "fgw"},
		{Kind: intake.ActReply, Actor: "a", Note: "资金已于本周拨付。"},
		{Kind: intake.ActVisit, Actor: "a", Satisfaction: intake.Satisfied},
		{Kind: intake.ActClose, Actor: "a"},
	} {
		now = now.Add(time.Hour)
		_, err := svc.Act(ctx, r.Receipt, a)
		require.NoError(t, err, "%s", a.Kind)
	}
	st, err := svc.Status(ctx, r.Receipt, r.QueryCode)
	require.NoError(t, err)
	assert.Equal(t, intake.StatusClosed, st.Status)
	assert.Len(t, st.Timeline, 6)
	full, err := svc.Get(ctx, r.Receipt)
	require.NoError(t, err)
	assert.Equal(t, "13900000000", full.Phone, "phone stored normalised")
}

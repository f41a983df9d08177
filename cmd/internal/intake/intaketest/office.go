package intaketest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
)

// PNG is the smallest valid PNG (1×1 pixel), for attachment tests.
var PNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")

// PDF is a minimal PDF, for attachment tests.
var PDF = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")

func testAttachments(t *testing.T, s intake.Store) {
	ctx := context.Background()
	c := Sample(1, base)
	c.EnterpriseName, c.CreditCode = "临沂某某建设有限公司", "91371300MA3C8L1X1A"
	png, err := intake.CheckAttachment("合同.png", "image/png", PNG)
	require.NoError(t, err)
	pdf, err := intake.CheckAttachment("发票.pdf", "", PDF)
	require.NoError(t, err)
	png.ID, pdf.ID = 1, 2
	c.Attachments = []intake.Attachment{png, pdf}
	create(t, s, c)
	got, err := s.Get(ctx, c.Receipt)
	require.NoError(t, err)
	assert.Equal(t, "临沂某某建设有限公司", got.EnterpriseName)
	assert.Equal(t, "91371300MA3C8L1X1A", got.CreditCode)
	require.Len(t, got.Attachments, 2)
	assert.Nil(t, got.Attachments[0].Data, "Get carries no file data")
	assert.Equal(t, "合同.png", got.Attachments[0].Name)
	assert.Equal(t, "application/pdf", got.Attachments[1].Type)
	assert.Equal(t, int64(len(PDF)), got.Attachments[1].Size)
	f, err := s.Attachment(ctx, c.Receipt, 2)
	require.NoError(t, err)
	assert.Equal(t, PDF, f.Data)
	assert.Equal(t, pdf.SHA256, f.SHA256)
	_, err = s.Attachment(ctx, c.Receipt, 3)
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	_, err = s.Attachment(ctx, "TS-20250115-000099", 1)
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
}

func testNotes(t *testing.T, s intake.Store) {
	ctx := context.Background()
	c := Sample(1, base)
	create(t, s, c)
	at := base.Add(time.Hour)
	entry := intake.AuditEntry{At: at, Login: "li", Addr: "10.0.0.1", Action: intake.AuditNote, Receipt: c.Receipt, Detail: "8 字"}
	_, err := s.Update(ctx, c.Receipt, func(c *intake.Complaint) error {
		c.Notes = append(c.Notes, intake.Note{Seq: 1, At: at, Actor: "李四", Login: "li", Text: "已电话联系承办单位"})
		return nil
	}, entry)
	require.NoError(t, err)
	// An aborted update leaves neither the note nor its audit entry.
	_, err = s.Update(ctx, c.Receipt, func(c *intake.Complaint) error {
		c.Notes = append(c.Notes, intake.Note{Seq: 2, At: at, Actor: "李四", Login: "li", Text: "不会保存"})
		return errors.New("abort")
	}, entry)
	require.Error(t, err)
	got, err := s.Get(ctx, c.Receipt)
	require.NoError(t, err)
	require.Len(t, got.Notes, 1)
	assert.Equal(t, "已电话联系承办单位", got.Notes[0].Text)
	assert.True(t, got.Notes[0].At.Equal(at))
	trail, err := s.ListAudit(ctx, intake.AuditFilter{Receipt: c.Receipt})
	require.NoError(t, err)
	require.Len(t, trail, 1, "the audit entry commits with the note, and only then")
	assert.Equal(t, "10.0.0.1", trail[0].Addr)
}

func testOfficeFilters(t *testing.T, s intake.Store) {
	ctx := context.Background()
	var all []*intake.Complaint
	for i := range 4 {
		c := Sample(i, base.Add(time.Duration(i)*time.Hour))
		all = append(all, c)
	}
	all[1].Title, all[1].Category = "供暖补贴 100%_兑现", "政策不兑现"
	all[2].EnterpriseName = "沂蒙ABC公司"
	for _, c := range all {
		create(t, s, c)
	}
	now := base.Add(10 * time.Hour)
	for _, a := range []intake.Action{{Kind: intake.ActAccept, Actor: "a"}, {Kind: intake.ActAssign, Actor: "a", Assignee: "sj"}} {
		_, err := s.Update(ctx, all[0].Receipt, func(c *intake.Complaint) error { return intake.Apply(c, a, now, 10) })
		require.NoError(t, err)
	}
	for _, a := range []intake.Action{{Kind: intake.ActReject, Actor: "a", Note: "重复"}, {Kind: intake.ActClose, Actor: "a"}} {
		_, err := s.Update(ctx, all[3].Receipt, func(c *intake.Complaint) error { return intake.Apply(c, a, now, 10) })
		require.NoError(t, err)
	}
	tests := []struct {
		name string
		f    intake.Filter
		want []int
	}{
		{"assignee", intake.Filter{Assignee: "sj"}, []int{0}},
		{"category", intake.Filter{Category: "政策不兑现"}, []int{1}},
		{"open", intake.Filter{Open: true}, []int{0, 1, 2}},
		{"text in title", intake.Filter{Text: "供暖"}, []int{1}},
		{"text: wildcards are literal", intake.Filter{Text: "100%_"}, []int{1}},
		{"text: a lone % matches only a real %", intake.Filter{Text: "%"}, []int{1}},
		{"text: every word", intake.Filter{Text: "工程款 第2号"}, []int{2}},
		{"text: enterprise, any case", intake.Filter{Text: "abc"}, []int{2}},
		{"text: receipt", intake.Filter{Text: all[3].Receipt}, []int{3}},
		{"text: nothing", intake.Filter{Text: "不存在的词"}, nil},
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
			}
			assert.Equal(t, tt.want, idx)
		})
	}
}

func testRetention(t *testing.T, s intake.Store) {
	ctx := context.Background()
	open := Sample(1, base)
	closed := Sample(2, base.Add(time.Minute))
	png, err := intake.CheckAttachment("a.png", "", PNG)
	require.NoError(t, err)
	png.ID = 1
	closed.Attachments = []intake.Attachment{png}
	closed.EnterpriseName, closed.CreditCode = "某公司", "91371300MA3C8L1X1A"
	create(t, s, open)
	create(t, s, closed)
	closedAt := base.Add(2 * time.Hour)
	for _, a := range []intake.Action{{Kind: intake.ActReject, Actor: "a", Note: "不属于受理范围"}, {Kind: intake.ActClose, Actor: "a"}} {
		_, err := s.Update(ctx, closed.Receipt, func(c *intake.Complaint) error { return intake.Apply(c, a, closedAt, 10) })
		require.NoError(t, err)
	}
	got, err := s.Get(ctx, closed.Receipt)
	require.NoError(t, err)
	assert.True(t, got.ClosedAt.Equal(closedAt), "closing sets ClosedAt from the event: %v", got.ClosedAt)

	list, err := s.ClosedBefore(ctx, closedAt, 10)
	require.NoError(t, err)
	assert.Empty(t, list, "not before the moment it closed")
	list, err = s.ClosedBefore(ctx, closedAt.Add(time.Second), 10)
	require.NoError(t, err)
	assert.Equal(t, []string{closed.Receipt}, list)

	ok, err := s.Erase(ctx, open.Receipt, closedAt, intake.AuditEntry{At: closedAt, Login: "system", Action: intake.AuditErase})
	require.NoError(t, err)
	assert.False(t, ok, "an open complaint is never erased")
	erasedAt := closedAt.Add(time.Hour)
	ok, err = s.Erase(ctx, closed.Receipt, erasedAt, intake.AuditEntry{At: erasedAt, Login: "system", Addr: "local", Action: intake.AuditErase, Receipt: closed.Receipt})
	require.NoError(t, err)
	assert.True(t, ok)
	ok, err = s.Erase(ctx, closed.Receipt, erasedAt, intake.AuditEntry{At: erasedAt, Login: "system", Action: intake.AuditErase, Receipt: closed.Receipt})
	require.NoError(t, err)
	assert.False(t, ok, "erased once")

	got, err = s.Get(ctx, closed.Receipt)
	require.NoError(t, err)
	assert.Empty(t, got.Name+got.Phone+got.Email+got.EnterpriseName+got.CreditCode)
	assert.Empty(t, got.Attachments)
	assert.True(t, got.ErasedAt.Equal(erasedAt))
	assert.Equal(t, closed.Title, got.Title, "the anonymous record stays")
	assert.Equal(t, intake.StatusClosed, got.Status)
	assert.Len(t, got.Events, 3, "the history stays")
	_, err = s.Attachment(ctx, closed.Receipt, 1)
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err), "the file is gone")
	list, err = s.ClosedBefore(ctx, erasedAt.Add(time.Hour), 10)
	require.NoError(t, err)
	assert.Empty(t, list)
	trail, err := s.ListAudit(ctx, intake.AuditFilter{Action: intake.AuditErase})
	require.NoError(t, err)
	require.Len(t, trail, 1, "the erasure is logged once")
	assert.Equal(t, closed.Receipt, trail[0].Receipt)
	other, err := s.Get(ctx, open.Receipt)
	require.NoError(t, err)
	assert.Equal(t, "张三", other.Name, "others keep theirs")
}

func testAccounts(t *testing.T, s intake.Store) {
	ctx := context.Background()
	at := base.Truncate(time.Second)
	a := &intake.Account{Login: "li.si", Name: "李四", Department: "fgw", Role: intake.RoleHandler, PasswordHash: "$argon2id$x",
		CreatedAt: at, UpdatedAt: at}
	require.NoError(t, s.CreateAccount(ctx, a, intake.AuditEntry{At: at, Login: "admin", Action: intake.AuditAccountAdd, Detail: "li.si"}))
	err := s.CreateAccount(ctx, a)
	assert.Equal(t, intake.ECONFLICT, intake.ErrorCode(err), "a login is unique")
	got, err := s.GetAccount(ctx, "li.si")
	require.NoError(t, err)
	assert.Equal(t, a, got)
	_, err = s.GetAccount(ctx, "nobody")
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))

	locked := at.Add(time.Minute)
	updated, err := s.UpdateAccount(ctx, "li.si", func(a *intake.Account) error {
		a.FailedLogins, a.LockedUntil, a.TOTPSecret, a.TOTPLastStep, a.Disabled = 5, locked, "JBSWY3DPEHPK3PXP", 12345, true
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 5, updated.FailedLogins)
	got, err = s.GetAccount(ctx, "li.si")
	require.NoError(t, err)
	assert.Equal(t, 5, got.FailedLogins)
	assert.True(t, got.LockedUntil.Equal(locked))
	assert.True(t, got.Disabled)
	assert.Equal(t, int64(12345), got.TOTPLastStep)
	_, err = s.UpdateAccount(ctx, "li.si", func(a *intake.Account) error {
		a.LockedUntil = time.Time{}
		return nil
	})
	require.NoError(t, err)
	got, err = s.GetAccount(ctx, "li.si")
	require.NoError(t, err)
	assert.True(t, got.LockedUntil.IsZero(), "unlocking clears the time")
	_, err = s.UpdateAccount(ctx, "li.si", func(a *intake.Account) error { return errors.New("no") })
	require.Error(t, err)

	require.NoError(t, s.CreateAccount(ctx, &intake.Account{Login: "admin", Name: "管理员", Role: intake.RoleAdmin, PasswordHash: "x", CreatedAt: at, UpdatedAt: at}))
	all, err := s.ListAccounts(ctx)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "admin", all[0].Login)
}

func testSessions(t *testing.T, s intake.Store) {
	ctx := context.Background()
	at := base
	require.NoError(t, s.CreateAccount(ctx, &intake.Account{Login: "li", Name: "李四", Role: intake.RoleSupervisor, PasswordHash: "x", CreatedAt: at, UpdatedAt: at}))
	for i := range 3 {
		require.NoError(t, s.CreateSession(ctx, &intake.Session{ID: fmt.Sprint("s", i), Login: "li", CSRF: "c", Addr: "127.0.0.1",
			CreatedAt: at.Add(time.Duration(i) * time.Hour), LastSeen: at.Add(time.Duration(i) * time.Hour)}))
	}
	got, err := s.GetSession(ctx, "s1")
	require.NoError(t, err)
	assert.Equal(t, "li", got.Login)
	assert.True(t, got.CreatedAt.Equal(at.Add(time.Hour)))
	require.NoError(t, s.TouchSession(ctx, "s0", at.Add(5*time.Hour)))
	got, err = s.GetSession(ctx, "s0")
	require.NoError(t, err)
	assert.True(t, got.LastSeen.Equal(at.Add(5*time.Hour)))
	n, err := s.DeleteStaleSessions(ctx, at.Add(90*time.Minute), at.Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 1, n, "s1 was idle")
	require.NoError(t, s.DeleteSession(ctx, "s2"))
	_, err = s.GetSession(ctx, "s2")
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	require.NoError(t, s.DeleteSessions(ctx, "li"))
	_, err = s.GetSession(ctx, "s0")
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
}

func testAudit(t *testing.T, s intake.Store) {
	ctx := context.Background()
	for i := range 5 {
		login := "li"
		if i%2 == 1 {
			login = "wang"
		}
		require.NoError(t, s.AppendAudit(ctx, intake.AuditEntry{At: base.Add(time.Duration(i) * time.Minute), Login: login, Addr: "127.0.0.1",
			Action: intake.AuditView, Receipt: fmt.Sprintf("TS-20250115-%06d", i+1)}))
	}
	all, err := s.ListAudit(ctx, intake.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, all, 5)
	assert.Equal(t, "TS-20250115-000005", all[0].Receipt, "newest first")
	assert.Greater(t, all[0].Seq, all[1].Seq)
	wang, err := s.ListAudit(ctx, intake.AuditFilter{Login: "wang"})
	require.NoError(t, err)
	assert.Len(t, wang, 2)
	since, err := s.ListAudit(ctx, intake.AuditFilter{Since: base.Add(3 * time.Minute), Limit: 1})
	require.NoError(t, err)
	require.Len(t, since, 1)
	assert.Equal(t, "TS-20250115-000005", since[0].Receipt)
	until, err := s.ListAudit(ctx, intake.AuditFilter{Until: base.Add(time.Minute)})
	require.NoError(t, err)
	require.Len(t, until, 1)
	assert.True(t, until[0].At.Equal(base))
}

// testScope is the service's access rules over a real store: a handler
// sees and acts on their department's complaints only, and a guess at
// another's receipt looks exactly like a missing one.
func testScope(t *testing.T, s intake.Store) {
	ctx := context.Background()
	now := base
	svc := intake.NewService(intake.Config{Store: s, Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}, {ID: "sj", Name: "市审计局"}},
		Now: func() time.Time { return now }})
	sub := intake.Submission{Category: "拖欠账款", Department: "fgw", Title: "工程款拖欠两年", Description: "某局拖欠工程款两年，多次催要未果。",
		Name: "王五", Phone: "13900000000", Consent: true}
	mine, err := svc.Submit(ctx, sub)
	require.NoError(t, err)
	sub.Title = "另一件投诉事项"
	theirs, err := svc.Submit(ctx, sub)
	require.NoError(t, err)
	boss := intake.Who{Login: "boss", Name: "赵六", Role: intake.RoleSupervisor, Addr: "127.0.0.1"}
	handler := intake.Who{Login: "li", Name: "李四", Role: intake.RoleHandler, Department: "fgw", Addr: "127.0.0.2"}
	admin := intake.Who{Login: "root", Name: "管理员", Role: intake.RoleAdmin, Addr: "127.0.0.3"}
	for _, r := range []struct {
		receipt, to string
	}{{mine.Receipt, "fgw"}, {theirs.Receipt, "sj"}} {
		_, err := svc.ActAs(ctx, boss, r.receipt, intake.Action{Kind: intake.ActAccept})
		require.NoError(t, err)
		_, err = svc.ActAs(ctx, boss, r.receipt, intake.Action{Kind: intake.ActAssign, Assignee: r.to})
		require.NoError(t, err)
	}
	list, err := svc.ListFor(ctx, handler, intake.Filter{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, mine.Receipt, list[0].Receipt)
	_, err = svc.ListFor(ctx, admin, intake.Filter{})
	assert.Equal(t, intake.EFORBIDDEN, intake.ErrorCode(err))

	_, err = svc.View(ctx, handler, theirs.Receipt)
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	_, errMissing := svc.View(ctx, handler, "TS-20990101-000001")
	assert.Equal(t, intake.ErrorMessage(errMissing), intake.ErrorMessage(err), "another's complaint reads as missing")
	_, err = svc.View(ctx, admin, mine.Receipt)
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	_, err = svc.ActAs(ctx, handler, theirs.Receipt, intake.Action{Kind: intake.ActReply, Note: "越权答复"})
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	_, err = svc.AddNote(ctx, handler, theirs.Receipt, "越权备注")
	assert.Equal(t, intake.ENOTFOUND, intake.ErrorCode(err))
	_, err = svc.ActAs(ctx, handler, mine.Receipt, intake.Action{Kind: intake.ActClose})
	assert.Equal(t, intake.EFORBIDDEN, intake.ErrorCode(err), "a handler only replies")

	c, err := svc.View(ctx, handler, mine.Receipt)
	require.NoError(t, err)
	assert.Equal(t, "王五", c.Name)
	now = now.Add(time.Hour)
	c, err = svc.ActAs(ctx, handler, mine.Receipt, intake.Action{Kind: intake.ActReply, Note: "已安排支付。"})
	require.NoError(t, err)
	assert.Equal(t, "李四", c.Events[len(c.Events)-1].Actor, "the history names the account")
	_, err = svc.AddNote(ctx, handler, mine.Receipt, "已与财务科核实")
	require.NoError(t, err)

	trail, err := svc.AuditTrail(ctx, admin, intake.AuditFilter{Login: "li"})
	require.NoError(t, err)
	var actions []string
	for _, e := range trail {
		actions = append(actions, e.Action)
		assert.Equal(t, "127.0.0.2", e.Addr)
	}
	assert.Equal(t, []string{intake.AuditNote, "act:reply", intake.AuditView, intake.AuditDenied, intake.AuditDenied, intake.AuditDenied, intake.AuditDenied}, actions)
	_, err = svc.AuditTrail(ctx, boss, intake.AuditFilter{})
	assert.Equal(t, intake.EFORBIDDEN, intake.ErrorCode(err), "only admins read the trail")
}

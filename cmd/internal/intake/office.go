package intake

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// This file is the back office's side of the service: every method takes
// the person acting (Who), checks what they may see and do, and records
// what they did in the audit trail. A complaint outside someone's scope is
// ENOTFOUND, exactly like a missing one, so guessing receipts teaches nothing.

// EFORBIDDEN is an action the person may not take (their role does not allow it).
const EFORBIDDEN = "forbidden"

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func cleanReceipt(receipt string) (string, error) {
	receipt = strings.ToUpper(strings.TrimSpace(receipt))
	if !ValidReceipt(receipt) {
		return "", Errorf(ENOTFOUND, "受理编号 %q 格式不正确（应为 TS-YYYYMMDD-NNNNNN）", receipt)
	}
	return receipt, nil
}

// notVisible is the answer for a complaint outside who's scope; the
// attempt is recorded.
func (s *Service) notVisible(ctx context.Context, who Who, receipt, what string) error {
	_ = s.store.AppendAudit(ctx, who.audit(s.clock(), AuditDenied, receipt, what))
	return errNotFound()
}

// ActAs applies a staff action by who to a complaint in one transaction,
// recorded in the history and the audit trail. A handler may only reply,
// and only to complaints assigned to their department.
func (s *Service) ActAs(ctx context.Context, who Who, receipt string, a Action) (_ *Complaint, err error) {
	defer s.outage(&err)
	receipt, err = cleanReceipt(receipt)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(a.Actor) == "" {
		a.Actor = who.Name
	}
	now := s.clock()
	hidden := false
	c, err := s.store.Update(ctx, receipt, func(c *Complaint) error {
		if !who.CanSee(c) {
			hidden = true
			return errNotFound()
		}
		if !who.CanAct(a.Kind) {
			return Errorf(EFORBIDDEN, "您的角色（%s）不能执行“%s”", who.Role.Label(), a.Kind.Label())
		}
		return Apply(c, a, now, s.lim.ExtensionMaxDays)
	}, who.audit(now, "act:"+string(a.Kind), receipt, actionDetail(s, a)))
	if hidden {
		return nil, s.notVisible(ctx, who, receipt, "act:"+string(a.Kind))
	}
	return c, err
}

// actionDetail is what the audit trail says about an action's arguments
// (never personal data: the text itself is in the history).
func actionDetail(s *Service, a Action) string {
	var parts []string
	if a.Assignee != "" {
		parts = append(parts, "承办单位："+s.DepartmentName(a.Assignee))
	}
	if a.Days > 0 {
		parts = append(parts, fmt.Sprintf("延期 %d 个工作日", a.Days))
	}
	if a.Satisfaction != "" {
		parts = append(parts, "满意度："+a.Satisfaction)
	}
	if a.Note != "" {
		parts = append(parts, fmt.Sprintf("说明 %d 字", utf8.RuneCountInString(strings.TrimSpace(a.Note))))
	}
	return strings.Join(parts, "；")
}

// View returns a complaint for who, with its personal data, and records
// the view in the audit trail.
func (s *Service) View(ctx context.Context, who Who, receipt string) (_ *Complaint, err error) {
	defer s.outage(&err)
	receipt, err = cleanReceipt(receipt)
	if err != nil {
		return nil, err
	}
	c, err := s.store.Get(ctx, receipt)
	if ErrorCode(err) == ENOTFOUND && who.Role == RoleSupervisor {
		return nil, err // a supervisor may learn that a receipt does not exist
	}
	if ErrorCode(err) == ENOTFOUND {
		return nil, s.notVisible(ctx, who, receipt, AuditView)
	}
	if err != nil {
		return nil, err
	}
	if !who.CanSee(c) {
		return nil, s.notVisible(ctx, who, receipt, AuditView)
	}
	if err := s.store.AppendAudit(ctx, who.audit(s.clock(), AuditView, receipt, "")); err != nil {
		return nil, err
	}
	return c, nil
}

// AttachmentFor returns one attachment of a complaint for who, recording
// the download.
func (s *Service) AttachmentFor(ctx context.Context, who Who, receipt string, id int) (_ *Attachment, err error) {
	defer s.outage(&err)
	receipt, err = cleanReceipt(receipt)
	if err != nil {
		return nil, err
	}
	c, err := s.store.Get(ctx, receipt)
	if ErrorCode(err) == ENOTFOUND || err == nil && !who.CanSee(c) {
		return nil, s.notVisible(ctx, who, receipt, fmt.Sprintf("%s #%d", AuditDownload, id))
	}
	if err != nil {
		return nil, err
	}
	a, err := s.store.Attachment(ctx, receipt, id)
	if err != nil {
		return nil, err
	}
	if err := s.store.AppendAudit(ctx, who.audit(s.clock(), AuditDownload, receipt, fmt.Sprintf("附件 %d（%s，%s）", id, TypeLabel(a.Type), FormatSize(a.Size)))); err != nil {
		return nil, err
	}
	return a, nil
}

// AddNote appends an internal note by who to a complaint.
func (s *Service) AddNote(ctx context.Context, who Who, receipt, text string) (_ *Complaint, err error) {
	defer s.outage(&err)
	receipt, err = cleanReceipt(receipt)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text):
		return nil, &Error{Code: EINVALID, Message: "备注有误", Fields: map[string]string{"note": "包含无效字符"}}
	case n == 0:
		return nil, &Error{Code: EINVALID, Message: "备注有误", Fields: map[string]string{"note": "请填写备注内容"}}
	case n > NoteMax:
		return nil, &Error{Code: EINVALID, Message: "备注有误", Fields: map[string]string{"note": fmt.Sprintf("备注过长（最多 %d 个字符）", NoteMax)}}
	}
	now := s.clock()
	hidden := false
	c, err := s.store.Update(ctx, receipt, func(c *Complaint) error {
		if !who.CanSee(c) {
			hidden = true
			return errNotFound()
		}
		c.Notes = append(c.Notes, Note{Seq: len(c.Notes) + 1, At: now, Actor: who.Name, Login: who.Login, Text: text})
		return nil
	}, who.audit(now, AuditNote, receipt, fmt.Sprintf("%d 字", utf8.RuneCountInString(text))))
	if hidden {
		return nil, s.notVisible(ctx, who, receipt, AuditNote)
	}
	return c, err
}

// ListFor lists the complaints who may see matching f: a handler only
// those assigned to their department; an admin none (EFORBIDDEN).
func (s *Service) ListFor(ctx context.Context, who Who, f Filter) (_ []*Complaint, err error) {
	defer s.outage(&err)
	switch who.Role {
	case RoleSupervisor:
	case RoleHandler:
		if who.Department == "" {
			return nil, nil
		}
		f.Assignee = who.Department
	default:
		return nil, Errorf(EFORBIDDEN, "您的角色（%s）不处理投诉", who.Role.Label())
	}
	return s.store.List(ctx, f)
}

// Export lists complaints with personal data for who (a supervisor) and
// records the export.
func (s *Service) Export(ctx context.Context, who Who, f Filter) (_ []*Complaint, err error) {
	defer s.outage(&err)
	if who.Role != RoleSupervisor {
		return nil, Errorf(EFORBIDDEN, "只有受理督办人员可以导出投诉")
	}
	list, err := s.store.List(ctx, f)
	if err != nil {
		return nil, err
	}
	return list, s.store.AppendAudit(ctx, who.audit(s.clock(), AuditExport, "", fmt.Sprintf("%d 件", len(list))))
}

// Audit appends entries to the audit trail (at now when At is zero).
func (s *Service) Audit(ctx context.Context, entries ...AuditEntry) error {
	for i := range entries {
		if entries[i].At.IsZero() {
			entries[i].At = s.clock()
		}
	}
	return s.store.AppendAudit(ctx, entries...)
}

// AuditTrail returns audit entries matching f, newest first, for an admin.
func (s *Service) AuditTrail(ctx context.Context, who Who, f AuditFilter) (_ []AuditEntry, err error) {
	defer s.outage(&err)
	if who.Role != RoleAdmin {
		return nil, Errorf(EFORBIDDEN, "只有系统管理员可以查看审计记录")
	}
	return s.store.ListAudit(ctx, f)
}

// StaffFor is the staff view of c for who: a handler does not see the
// contact details of a complainant who asked not to be named to them.
func (s *Service) StaffFor(who Who, c *Complaint) StaffRecord {
	r := s.Staff(c)
	if !who.SeesContact(c) {
		r.Name, r.Phone, r.Email = "（匿名）", "（匿名，由 12345 中心联系）", ""
	}
	return r
}

// Retain erases the personal data of every complaint closed more than
// RetentionDays ago, each erasure in its own transaction with its audit
// entry, and returns the receipts erased. It is safe to run on several
// replicas at once: a complaint is erased once.
func (s *Service) Retain(ctx context.Context) ([]string, error) {
	now := s.clock()
	cutoff := now.AddDate(0, 0, -s.keep)
	var done []string
	for {
		batch, err := s.store.ClosedBefore(ctx, cutoff, 500)
		if err != nil {
			return done, err
		}
		progressed := false
		for _, r := range batch {
			ok, err := s.store.Erase(ctx, r, now, System.audit(now, AuditErase, r, fmt.Sprintf("办结超过 %d 天", s.keep)))
			if err != nil {
				return done, fmt.Errorf("erase %s: %w", r, err)
			}
			if ok {
				done = append(done, r)
				progressed = true
			}
		}
		if len(batch) < 500 || !progressed {
			return done, nil
		}
	}
}

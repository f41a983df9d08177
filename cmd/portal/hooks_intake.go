package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/postgres"
	"portal/cmd/internal/intake/sqldb"
	"portal/cmd/internal/intake/sqlite"
	"portal/cmd/internal/server"
	"portal/generator"
	"portal/generator/model"
)

// complaintsStage gives the build the complaint pages (the form and the
// status lookup) and, when a store exists, the public figures, which the
// generator shows on the home page, department pages and
// /complaints/stats/. dsn overrides the configured store (serve's -db).
// A SQLite file that was never created is not created by a build.
func complaintsStage(dsn string) generator.Stage {
	return generator.Stage{Name: "投诉统计 complaint figures", Run: func(ctx context.Context, r *generator.Result) error {
		site := r.Site
		for _, p := range complaintPages(site) {
			r.AddPage(p)
		}
		dsn := complaintDSN(r.Options.SiteDir, site.Config, dsn)
		if !isPostgres(dsn) {
			if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) {
				return nil
			}
		}
		svc, closer, err := openService(ctx, site, dsn)
		if err != nil {
			return fmt.Errorf("complaint figures: %w", err)
		}
		defer closer.Close()
		st, err := svc.Stats(ctx)
		if err != nil {
			return fmt.Errorf("complaint figures: %w", err)
		}
		r.ComplaintStats = modelStats(st)
		return nil
	}, Inputs: func(_ context.Context, siteDir string, cfg model.Config) ([]byte, error) {
		// A SQLite store changes its file or its write-ahead log with
		// every complaint; a PostgreSQL store cannot be told unchanged
		// cheaply, so a build with one always runs.
		dsn := complaintDSN(siteDir, cfg, dsn)
		if isPostgres(dsn) {
			return nil, errors.New("a PostgreSQL store")
		}
		var b []byte
		for _, f := range []string{dsn, dsn + "-wal"} {
			st, err := os.Stat(f)
			if errors.Is(err, fs.ErrNotExist) {
				b = append(b, "-\n"...)
				continue
			}
			if err != nil {
				return nil, err
			}
			b = fmt.Appendf(b, "%d %d\n", st.Size(), st.ModTime().UnixNano())
		}
		return b, nil
	}}
}

// modelStats maps the intake figures to the build's model (不确定 is "").
func modelStats(st *intake.Stats) *model.ComplaintStats {
	out := &model.ComplaintStats{Departments: map[string]model.DepartmentComplaintStats{}, Total: deptStats(st.Total)}
	for id, d := range st.Departments {
		if id == intake.DepartmentUnknown {
			id = ""
		}
		out.Departments[id] = deptStats(d)
	}
	for _, m := range st.Monthly {
		out.Monthly = append(out.Monthly, model.MonthlyComplaintStats{Month: m.Month, Received: m.Received, Replied: m.Replied, ReplyRate: m.ReplyRate, Satisfaction: m.Satisfaction, Visited: m.Visited})
	}
	for _, r := range st.Replies {
		out.Replies = append(out.Replies, model.PublicReply{Receipt: r.Receipt, Category: r.Category, Department: r.Department,
			AcceptedDate: r.AcceptedDate, RepliedDate: r.RepliedDate, Title: r.Title, Reply: r.Reply})
	}
	out.Facts = make([]model.ComplaintFact, 0, len(st.Facts))
	for _, f := range st.Facts {
		mf := model.ComplaintFact{Department: f.Department, Received: f.Received, ReplyDue: f.ReplyDue, Replied: f.Replied, Reopened: f.Reopened}
		if mf.Department == intake.DepartmentUnknown {
			mf.Department = ""
		}
		for _, v := range f.Visits {
			mf.Visits = append(mf.Visits, model.ComplaintVisit{Date: v.At, Satisfaction: v.Satisfaction})
		}
		out.Facts = append(out.Facts, mf)
	}
	return out
}

func deptStats(d intake.DepartmentStats) model.DepartmentComplaintStats {
	return model.DepartmentComplaintStats{Received: d.Received, Accepted: d.Accepted, Replied: d.Replied, RepliedInTime: d.RepliedInTime,
		MedianDaysToReply: d.MedianDaysToReply, Visited: d.Visited, Satisfied: d.Satisfied, BasicallySatisfied: d.BasicallySatisfied, Unsatisfied: d.Unsatisfied}
}

// complaintPages are the complaint pages the build renders: the form and
// the status lookup.
func complaintPages(site *model.Site) []generator.ExtraPage {
	deps := siteDepartments(site)
	lim := intake.Limits{ReplyWorkingDays: site.Config.Complaints.ReplyWorkingDays, ExtensionMaxDays: site.Config.Complaints.ExtensionMaxDays}
	return []generator.ExtraPage{
		{Path: "/complaints/", Template: server.LayoutComplaintForm, Title: "政务失信投诉", Data: server.NewComplaintFormData(deps, lim)},
		{Path: "/complaints/status/", Template: server.LayoutComplaintStatus, Title: "投诉查询", Data: server.ComplaintStatusData{}},
	}
}

func siteDepartments(site *model.Site) []intake.Department {
	deps := make([]intake.Department, 0, len(site.Departments))
	for _, d := range site.Departments {
		deps = append(deps, intake.Department{ID: d.ID, Name: d.Name})
	}
	return deps
}

// complaintDSN is where complaints live: the override (-db), else
// [complaints] store (relative to the site folder), else
// <state_dir>/intake.db.
func complaintDSN(siteDir string, cfg model.Config, override string) string {
	dsn := override
	if dsn == "" {
		dsn = cfg.Complaints.Store
	}
	if dsn == "" {
		return cfg.StatePath(siteDir, "intake.db")
	}
	if !isPostgres(dsn) && !filepath.IsAbs(dsn) {
		dsn = filepath.Join(siteDir, dsn)
	}
	return dsn
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openStore opens SQLite or PostgreSQL by the DSN's form.
func openStore(ctx context.Context, dsn string) (*sqldb.Store, error) {
	if isPostgres(dsn) {
		return postgres.Open(ctx, dsn)
	}
	return sqlite.Open(ctx, dsn)
}

// openService opens the store at dsn and wires the service with the site's
// calendar, limits and department registry, as loaded once by the caller.
func openService(ctx context.Context, site *model.Site, dsn string) (*intake.Service, io.Closer, error) {
	svc, store, err := openServiceStore(ctx, site, dsn)
	if err != nil {
		return nil, nil, err
	}
	return svc, store, nil
}

// openServiceStore is openService that also returns the store, for the
// back office's accounts.
func openServiceStore(ctx context.Context, site *model.Site, dsn string) (*intake.Service, *sqldb.Store, error) {
	cfg := site.Config
	cal, err := intake.NewCalendar(cfg.Location, cfg.Complaints.Holidays, cfg.Complaints.ExtraWorkdays)
	if err != nil {
		return nil, nil, fmt.Errorf("portal.toml: %w", err)
	}
	store, err := openStore(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	svc := intake.NewService(intake.Config{
		Store: store, Calendar: cal, Departments: siteDepartments(site), CreditCode: checkCreditCode, RetentionDays: cfg.Complaints.RetentionDays,
		Limits: intake.Limits{ReplyWorkingDays: cfg.Complaints.ReplyWorkingDays, ExtensionMaxDays: cfg.Complaints.ExtensionMaxDays},
	})
	return svc, store, nil
}

// adminToken returns the admin API token: from the file when one is given
// (trailing newline dropped), else from PORTAL_ADMIN_TOKEN; never from a
// flag value or URL, where it would show in process lists and logs.
func adminToken(file string) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("admin token: %w", err)
		}
		tok := strings.TrimSpace(string(b))
		if tok == "" {
			return "", fmt.Errorf("admin token: %s is empty", file)
		}
		return tok, nil
	}
	return strings.TrimSpace(os.Getenv("PORTAL_ADMIN_TOKEN")), nil
}

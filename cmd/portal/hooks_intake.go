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
	"time"

	"github.com/BurntSushi/toml"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/postgres"
	"portal/cmd/internal/intake/sqldb"
	"portal/cmd/internal/intake/sqlite"
	"portal/cmd/internal/server"
	"portal/generator"
	"portal/generator/model"
)

// complaintStats reads the public complaint figures from the configured
// store for the build; nil when no store exists yet (a SQLite file that was
// never created is not created by a build).
func complaintStats(ctx context.Context, siteDir string, cfg model.Config) (*model.ComplaintStats, error) {
	dsn := complaintDSN(siteDir, cfg, "")
	if !isPostgres(dsn) {
		if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	svc, closer, err := openService(ctx, siteDir, cfg, dsn)
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	st, err := svc.Stats(ctx)
	if err != nil {
		return nil, fmt.Errorf("complaint figures: %w", err)
	}
	return modelStats(st), nil
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
		out.Monthly = append(out.Monthly, model.MonthlyComplaintStats{Month: m.Month, Received: m.Received, Replied: m.Replied, ReplyRate: m.ReplyRate, Satisfaction: m.Satisfaction})
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

// complaintPages are the complaint pages the build renders: the form, the
// status lookup and, when a store exists, the public figures.
func complaintPages(site *model.Site, stats *model.ComplaintStats) []generator.ExtraPage {
	deps := siteDepartments(site)
	lim := intake.Limits{ReplyWorkingDays: site.Config.Complaints.ReplyWorkingDays, ExtensionMaxDays: site.Config.Complaints.ExtensionMaxDays}
	pages := []generator.ExtraPage{
		{Path: "/complaints/", Template: server.LayoutComplaintForm, Title: "投诉举报", Data: server.NewComplaintFormData(deps, lim)},
		{Path: "/complaints/status/", Template: server.LayoutComplaintStatus, Title: "投诉查询", Data: server.ComplaintStatusData{}},
	}
	if stats != nil {
		pages = append(pages, generator.ExtraPage{Path: "/complaints/stats/", Template: "complaints-stats", Title: "投诉办理统计", Data: statsPage(site, stats)})
	}
	return pages
}

func siteDepartments(site *model.Site) []intake.Department {
	deps := make([]intake.Department, 0, len(site.Departments))
	for _, d := range site.Departments {
		deps = append(deps, intake.Department{ID: d.ID, Name: d.Name})
	}
	return deps
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

// complaintDSN is where complaints live: the override (-db), else
// [complaints] store, else <state_dir>/intake.db; relative paths are
// relative to the site folder.
func complaintDSN(siteDir string, cfg model.Config, override string) string {
	dsn := override
	if dsn == "" {
		dsn = cfg.Complaints.Store
	}
	if dsn == "" {
		state := cfg.StateDir
		if state == "" {
			state = ".portal"
		}
		dsn = filepath.Join(state, "intake.db")
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
// calendar, limits and department registry.
func openService(ctx context.Context, siteDir string, cfg model.Config, dsn string) (*intake.Service, io.Closer, error) {
	svc, store, err := openServiceStore(ctx, siteDir, cfg, dsn)
	if err != nil {
		return nil, nil, err
	}
	return svc, store, nil
}

// openServiceStore is openService that also returns the store, for the
// back office's accounts.
func openServiceStore(ctx context.Context, siteDir string, cfg model.Config, dsn string) (*intake.Service, *sqldb.Store, error) {
	loc := cfg.Location
	if loc == nil {
		tz := cfg.TimeZone
		if tz == "" {
			tz = "Asia/Shanghai"
		}
		var err error
		if loc, err = time.LoadLocation(tz); err != nil {
			return nil, nil, fmt.Errorf("portal.toml: time_zone: %w", err)
		}
	}
	cal, err := intake.NewCalendar(loc, cfg.Complaints.Holidays, cfg.Complaints.ExtraWorkdays)
	if err != nil {
		return nil, nil, fmt.Errorf("portal.toml: %w", err)
	}
	deps, err := readDepartments(siteDir)
	if err != nil {
		return nil, nil, err
	}
	store, err := openStore(ctx, dsn)
	if err != nil {
		return nil, nil, err
	}
	svc := intake.NewService(intake.Config{
		Store: store, Calendar: cal, Departments: deps, CreditCode: checkCreditCode, RetentionDays: cfg.Complaints.RetentionDays,
		Limits: intake.Limits{ReplyWorkingDays: cfg.Complaints.ReplyWorkingDays, ExtensionMaxDays: cfg.Complaints.ExtensionMaxDays},
	})
	return svc, store, nil
}

// readDepartments reads the ids and names of data/departments.toml: all
// intake needs to validate a target department and name it. (The build's
// loader validates the registry in full.) A site without one has none.
func readDepartments(siteDir string) ([]intake.Department, error) {
	var reg struct {
		Department []struct {
			ID   string `toml:"id"`
			Name string `toml:"name"`
		} `toml:"department"`
	}
	path := filepath.Join(siteDir, "data", "departments.toml")
	if _, err := toml.DecodeFile(path, &reg); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	deps := make([]intake.Department, 0, len(reg.Department))
	for _, d := range reg.Department {
		if d.ID != "" {
			deps = append(deps, intake.Department{ID: d.ID, Name: d.Name})
		}
	}
	return deps, nil
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

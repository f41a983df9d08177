package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
	"portal/generator"
	"portal/generator/model"
)

// complaintSite writes a tiny site (config and registry) and files one
// complaint in its store; it returns the site folder and the receipt.
func complaintSite(t *testing.T) (string, intake.Receipt) {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.toml"), []byte(`title = "测试"
[complaints]
reply_working_days = 5
holidays = ["2025-01-01", 2025-01-02]
`), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "data"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data", "departments.toml"), []byte(`[[department]]
id = "fgw"
name = "临沂市发展和改革委员会"
short = "市发展改革委"
level = "市"
type = "政府工作部门"
`), 0o644))
	site := settings(t, dir)
	assert.Equal(t, []string{"2025-01-01", "2025-01-02"}, site.Config.Complaints.Holidays, "quoted and TOML dates")
	svc, closer, err := openService(context.Background(), site, complaintDSN(dir, site.Config, ""))
	require.NoError(t, err)
	defer closer.Close()
	r, err := svc.Submit(context.Background(), intake.Submission{
		Category: "拖欠账款", Department: "fgw", Title: "=HYPERLINK 工程款拖欠", Description: "拖欠工程款两年，多次催要未果。",
		Name: "张三", Phone: "13800000000", Consent: true,
	})
	require.NoError(t, err)
	return dir, r
}

func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestComplaintsCLILoop(t *testing.T) {
	dir, r := complaintSite(t)
	steps := []struct {
		name   string
		args   []string
		status string
	}{
		{"accept", []string{"accept", "-actor", "李四", r.Receipt}, "已受理"},
		{"assign by full name, flags after the receipt", []string{"assign", r.Receipt, "-actor", "李四", "-to", "临沂市发展和改革委员会"}, "办理中"},
		{"extend", []string{"extend", "-actor", "李四", "-days", "3", "-reason", "需现场核查", r.Receipt}, "办理中"},
		{"reply", []string{"reply", "-actor", "李四", "-text", "已督促支付。", r.Receipt}, "已答复"},
		{"visit", []string{"visit", "-actor", "李四", "-satisfaction", "满意", r.Receipt}, "已回访"},
		{"close", []string{"close", "-actor", "李四", r.Receipt}, "已办结"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			out, _, err := runCLI(t, append([]string{"complaints", st.args[0], "-site", dir}, st.args[1:]...)...)
			require.NoError(t, err)
			assert.Contains(t, out, st.status)
		})
	}
	out, _, err := runCLI(t, "complaints", "show", "-site", dir, r.Receipt)
	require.NoError(t, err)
	for _, want := range []string{"张三", "13800000000", "已督促支付。", "3 个工作日", "fgw"} {
		assert.Contains(t, out, want)
	}
}

func TestComplaintsCLIErrors(t *testing.T) {
	dir, r := complaintSite(t)
	tests := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"no subcommand", []string{"complaints"}, "no subcommand", 2},
		{"unknown subcommand", []string{"complaints", "delete", "-site", dir}, "unknown subcommand", 2},
		{"missing receipt", []string{"complaints", "accept", "-site", dir}, "receipt number", 2},
		{"reply before accept", []string{"complaints", "reply", "-site", dir, "-actor", "a", "-text", "x", r.Receipt}, "不能答复", 1},
		{"reject without reason", []string{"complaints", "reject", "-site", dir, "-actor", "a", r.Receipt}, "-note/-reason/-text", 2},
		{"unknown receipt", []string{"complaints", "show", "-site", dir, "TS-20200101-000001"}, "TS-20200101-000001", 1},
		{"bad status filter", []string{"complaints", "list", "-site", dir, "-status", "zzz"}, "-status", 2},
		{"bad date filter", []string{"complaints", "list", "-site", dir, "-since", "2025-13-01"}, "YYYY-MM-DD", 2},
		{"bad export format", []string{"complaints", "export", "-site", dir, "-format", "xml"}, "csv or json", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, tt.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			var errb bytes.Buffer
			assert.Equal(t, tt.code, exitCode(err, &errb))
		})
	}
}

func TestComplaintsCLIListAndExport(t *testing.T) {
	dir, r := complaintSite(t)
	out, _, err := runCLI(t, "complaints", "list", "-site", dir)
	require.NoError(t, err)
	assert.Contains(t, out, r.Receipt)
	assert.Contains(t, out, "共 1 件")
	assert.NotContains(t, out, "13800000000", "the list shows no personal data")
	// A department is named as content names it: id, full or short name.
	for _, dept := range []string{"fgw", "临沂市发展和改革委员会", "市发展改革委", " 市发展改革委 "} {
		out, _, err = runCLI(t, "complaints", "list", "-site", dir, "-department", dept)
		require.NoError(t, err)
		assert.Contains(t, out, r.Receipt, dept)
	}

	out, _, err = runCLI(t, "complaints", "export", "-site", dir, "-format", "json")
	require.NoError(t, err)
	var recs []intake.StaffRecord
	require.NoError(t, json.Unmarshal([]byte(out), &recs))
	require.Len(t, recs, 1)
	assert.Equal(t, "13800000000", recs[0].Phone)

	file := filepath.Join(t.TempDir(), "out.csv")
	require.NoError(t, os.WriteFile(file, []byte("old"), 0o644))
	_, errOut, err := runCLI(t, "complaints", "export", "-site", dir, "-o", file)
	require.NoError(t, err)
	assert.Contains(t, errOut, "已导出 1 件投诉")
	st, err := os.Stat(file)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm(), "an export holds personal data: owner only, even over an older file")
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "\uFEFF"), "a byte order mark, or Excel reads the UTF-8 as GBK")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, intake.CSVHeader, rows[0])
	assert.Equal(t, r.Receipt, rows[1][0])
	assert.Equal(t, "'=HYPERLINK 工程款拖欠", rows[1][6], "formula-looking cells are defused")

	// An old complaint never answered is past its limit.
	store, err := openStore(context.Background(), complaintDSN(dir, settings(t, dir).Config, ""))
	require.NoError(t, err)
	old := intaketest.Sample(1, time.Date(2025, 1, 15, 2, 0, 0, 0, time.UTC))
	require.NoError(t, store.Create(context.Background(), old, old.CreatedAt, old.CreatedAt))
	require.NoError(t, store.Close())
	out, _, err = runCLI(t, "complaints", "list", "-site", dir, "-warning", "red")
	require.NoError(t, err)
	assert.Contains(t, out, old.Receipt)
	assert.NotContains(t, out, r.Receipt, "filed just now: not overdue")
	assert.Contains(t, out, "共 1 件")
}

func TestComplaintsStage(t *testing.T) {
	figures := func(dir string) *model.ComplaintStats {
		r := &generator.Result{Options: generator.Options{SiteDir: dir}, Site: settings(t, dir)}
		require.NoError(t, complaintsStage("").Run(context.Background(), r))
		return r.ComplaintStats
	}
	dir := t.TempDir()
	assert.Nil(t, figures(dir), "no store yet: no figures, and no database created")
	_, err := os.Stat(filepath.Join(dir, ".portal", "intake.db"))
	assert.True(t, os.IsNotExist(err))

	dir, _ = complaintSite(t)
	st := figures(dir)
	require.NotNil(t, st)
	assert.Equal(t, 1, st.Departments["fgw"].Received)
	assert.Equal(t, 1, st.Total.Received)
	require.Len(t, st.Monthly, 1)
}

// settings loads the site's settings as the commands do.
func settings(t *testing.T, dir string) *model.Site {
	t.Helper()
	var stderr strings.Builder
	site, err := loadSettings(dir, &stderr)
	require.NoError(t, err, stderr.String())
	return site
}

func TestAdminToken(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(file, []byte("from-file\n"), 0o600))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	t.Setenv("PORTAL_ADMIN_TOKEN", "from-env")

	tok, err := adminToken(file)
	require.NoError(t, err)
	assert.Equal(t, "from-file", tok, "the file wins, without its newline")
	tok, err = adminToken("")
	require.NoError(t, err)
	assert.Equal(t, "from-env", tok)
	_, err = adminToken(empty)
	assert.ErrorContains(t, err, "is empty")
	_, err = adminToken(filepath.Join(dir, "missing"))
	assert.Error(t, err)
}

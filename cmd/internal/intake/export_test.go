package intake_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create %s", path)
	assert.Equal(t, string(want), string(got))
}

// TestExportGolden files two complaints at fixed times, moves one through
// the loop, and compares the CSV and JSON exports with the golden files.
func TestExportGolden(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2025, 1, 15, 9, 30, 0, 0, loc)
	cal, err := intake.NewCalendar(loc, []string{"2025-01-20"}, nil)
	require.NoError(t, err)
	svc := intake.NewService(intake.Config{Store: intaketest.NewMem(), Calendar: cal,
		Departments: []intake.Department{{ID: "fgw", Name: "临沂市发展和改革委员会"}}, Now: func() time.Time { return now }})
	ctx := context.Background()
	r1, err := svc.Submit(ctx, intake.Submission{Category: "拖欠账款", Department: "fgw", Title: "=SUM(A1) 工程款拖欠",
		Description: "拖欠工程款两年，\n多次催要未果。", Name: "张三", Phone: "0539-8888888", Email: "z@example.com", Consent: true, ConsentPublish: true})
	require.NoError(t, err)
	now = now.Add(2 * time.Hour)
	_, err = svc.Submit(ctx, intake.Submission{Category: "异议申诉", Department: intake.DepartmentUnknown, RelatedID: "xk-001",
		ObjectionReason: "信息错误", Title: "公示信息有误", Description: "公示的企业名称有误，请更正。", Anonymous: true, Phone: "13800000000", Consent: true})
	require.NoError(t, err)
	for _, a := range []intake.Action{
		{Kind: intake.ActAccept, Actor: "李四"},
		{Kind: intake.ActAssign, Actor: "李四", Assignee: "fgw"},
		{Kind: intake.ActExtend, Actor: "李四", Days: 2, Note: "需现场核查"},
		{Kind: intake.ActReply, Actor: "王五", Note: "已督促支付，\"款项\"已到账。"},
	} {
		now = now.Add(24 * time.Hour)
		_, err := svc.Act(ctx, r1.Receipt, a)
		require.NoError(t, err)
	}
	list, err := svc.List(ctx, intake.Filter{})
	require.NoError(t, err)
	var recs []intake.StaffRecord
	for _, c := range list {
		recs = append(recs, svc.Staff(c))
	}
	var csvOut, jsonOut bytes.Buffer
	require.NoError(t, intake.WriteCSV(&csvOut, recs))
	require.NoError(t, intake.WriteJSON(&jsonOut, recs))
	golden(t, "export.csv", csvOut.Bytes())
	golden(t, "export.json", jsonOut.Bytes())
}

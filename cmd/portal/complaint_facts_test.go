package main

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
)

// TestModelStatsFacts: the dated milestones reach the build with 不确定 as
// "" and nothing but the body and dates.
func TestModelStatsFacts(t *testing.T) {
	at := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
	st := &intake.Stats{Departments: map[string]intake.DepartmentStats{}, Facts: []intake.Fact{
		{Department: "fgw", Received: at, ReplyDue: at.AddDate(0, 0, 7), Replied: at.AddDate(0, 0, 2),
			Visits: []intake.Visit{{At: at.AddDate(0, 0, 3), Satisfaction: intake.Unsatisfied}}, Reopened: []time.Time{at.AddDate(0, 0, 3)}},
		{Department: intake.DepartmentUnknown, Received: at},
	}}
	m := modelStats(st)
	require.Len(t, m.Facts, 2)
	f := m.Facts[0]
	assert.Equal(t, "fgw", f.Department)
	assert.Equal(t, at.AddDate(0, 0, 7), f.ReplyDue)
	assert.Equal(t, at.AddDate(0, 0, 2), f.Replied)
	require.Len(t, f.Visits, 1)
	assert.Equal(t, intake.Unsatisfied, f.Visits[0].Satisfaction)
	assert.Len(t, f.Reopened, 1)
	assert.Equal(t, "", m.Facts[1].Department)
}

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

// TestReceiptNumbersNeverRunOut: the millionth complaint of a day gets
// TS-YYYYMMDD-1000000 (before, every submission failed with 500 until
// midnight) and can be looked up like any other.
func TestReceiptNumbersNeverRunOut(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "intake.db"))
	require.NoError(t, err)
	defer s.Close()
	day := intaketestBase.Format("20060102")
	_, err = s.DB().ExecContext(ctx, `INSERT INTO receipt_counters (day, last) VALUES (?, 999998)`, day)
	require.NoError(t, err)
	var got []string
	for i := range 3 {
		c := intaketest.Sample(i, intaketestBase)
		require.NoError(t, s.Create(ctx, c, intaketestBase, intaketestBase))
		got = append(got, c.Receipt)
	}
	assert.Equal(t, []string{"TS-" + day + "-999999", "TS-" + day + "-1000000", "TS-" + day + "-1000001"}, got)
	for _, r := range got {
		assert.True(t, intake.ValidReceipt(r), r)
		c, err := s.Get(ctx, r)
		require.NoError(t, err)
		assert.Equal(t, r, c.Receipt)
	}
}

// TestOutagesAreRecognised: a database that cannot be reached or written
// now is an outage (intake answers 503 "try again"), not an internal error.
func TestOutagesAreRecognised(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "intake.db"))
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.DB().Close())
	_, err = s.Get(ctx, "TS-20250101-000001")
	require.Error(t, err)
	assert.True(t, s.Unavailable(err), "%v", err)
	assert.True(t, s.Unavailable(fmt.Errorf("store complaint: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED})))
	assert.True(t, s.Unavailable(fmt.Errorf("write: %w", syscall.ENOSPC)))
	assert.False(t, s.Unavailable(errors.New("UNIQUE constraint failed")))
	assert.False(t, s.Unavailable(intake.Errorf(intake.EINVALID, "bad")))
}

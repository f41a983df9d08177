package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuildMemoryLimit: a build sets a soft memory limit of its own (a
// twentieth of the machine's memory, at least 1 GiB) unless GOMEMLIMIT is
// set, which the runtime has already applied.
func TestBuildMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	for _, tc := range []struct {
		name string
		env  string // "" = GOMEMLIMIT unset
	}{
		{name: "GOMEMLIMIT unset"},
		{name: "GOMEMLIMIT set", env: "3GiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			if tc.env != "" {
				t.Setenv("GOMEMLIMIT", tc.env)
			} else {
				t.Setenv("GOMEMLIMIT", "")
				require.NoError(t, os.Unsetenv("GOMEMLIMIT"))
			}
			got := buildMemoryLimit()
			switch {
			case tc.env != "":
				assert.Zero(t, got)
				assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "left to the runtime")
			case physicalMemory() == 0:
				assert.Zero(t, got, "no machine size, no limit")
			default:
				assert.GreaterOrEqual(t, got, int64(minBuildMemory))
				assert.Equal(t, max(physicalMemory()/20, minBuildMemory), got)
				assert.Equal(t, got, debug.SetMemoryLimit(-1))
			}
		})
	}
}

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
// set, which the runtime has already applied; with it, the collector's
// percentage is buildGCPercent unless GOGC is set.
func TestBuildMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	percent := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(percent) })
	unset := func(name string) {
		t.Setenv(name, "")
		require.NoError(t, os.Unsetenv(name))
	}
	for _, tc := range []struct {
		name string
		env  string // "" = GOMEMLIMIT unset
		gogc string // "" = GOGC unset
	}{
		{name: "GOMEMLIMIT unset"},
		{name: "GOMEMLIMIT set", env: "3GiB"},
		{name: "GOGC set", gogc: "100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			debug.SetGCPercent(100)
			if tc.env != "" {
				t.Setenv("GOMEMLIMIT", tc.env)
			} else {
				unset("GOMEMLIMIT")
			}
			if tc.gogc != "" {
				t.Setenv("GOGC", tc.gogc)
			} else {
				unset("GOGC")
			}
			got := buildMemoryLimit()
			gcPercent := debug.SetGCPercent(100)
			switch {
			case tc.env != "":
				assert.Zero(t, got)
				assert.Equal(t, int64(math.MaxInt64), debug.SetMemoryLimit(-1), "left to the runtime")
				assert.Equal(t, 100, gcPercent, "left to the runtime")
			case physicalMemory() == 0:
				assert.Zero(t, got, "no machine size, no limit")
				assert.Equal(t, 100, gcPercent, "no limit, the runtime's percentage")
			default:
				assert.GreaterOrEqual(t, got, int64(minBuildMemory))
				assert.Equal(t, max(physicalMemory()/20, minBuildMemory), got)
				assert.Equal(t, got, debug.SetMemoryLimit(-1))
				if tc.gogc != "" {
					assert.Equal(t, 100, gcPercent, "GOGC is the operator's")
				} else {
					assert.Equal(t, buildGCPercent, gcPercent)
				}
			}
		})
	}
}

//go:build !unix

package search_test

import "time"

// processCPU is not measured outside unix: the benchmarks report 0.
func processCPU() time.Duration { return 0 }

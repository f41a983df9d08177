package main

import (
	"os"
	"runtime/debug"
)

// buildMemoryLimit sets the garbage collector's soft memory limit for a
// one-shot build (build, publish) to a twentieth of the machine's memory,
// at least minBuildMemory, unless GOMEMLIMIT says otherwise. It is a
// target, not a cap: near it the collector runs more often (and returns
// freed memory to the system sooner); a build whose live heap needs more
// still gets it. Without it the heap grows to twice what is live before
// each collection: at 100,000 pages 1.7 GB of heap for 0.9 GB live, at the
// render stage's peak; and the index stage's heap grows beside the index's
// own mapped segments. At 100,000 pages on a 24 GiB machine (1.2 GiB) it
// costs about 12 % more CPU than a sixteenth and keeps the peak 0.16 GiB
// lower. It returns the limit set (0: none).
//
// With the limit in place the collector's percentage is raised to
// buildGCPercent (unless GOGC says otherwise): the limit, not the
// percentage, bounds a large site's heap, and a small one's is collected
// half as often: a 10,000-page build (180 MB live) spent 7 % of its CPU
// marking at 100 and under 4 % at 200. Most of that goes again in page
// faults on the larger heap (2.03-2.26 s of CPU, median 2.15, instead of
// 2.09-2.31, median 2.18, on a quiet machine; peak RSS 0.47-0.50 GB
// instead of 0.37-0.39), a gain that grows where faults cost less (huge
// pages). At 50,000 pages the peak stays 1.3 GiB, at 100,000 1.8 GiB.
func buildMemoryLimit() int64 {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return 0
	}
	total := physicalMemory()
	if total == 0 {
		return 0
	}
	limit := max(total/20, minBuildMemory)
	debug.SetMemoryLimit(limit)
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(buildGCPercent)
	}
	return limit
}

// buildGCPercent is the collector's percentage (GOGC) under a build's
// memory limit.
const buildGCPercent = 200

// minBuildMemory is the least soft limit a build sets: below it a large
// site's live heap would keep the collector running.
const minBuildMemory = 1 << 30

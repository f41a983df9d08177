//go:build !linux

package e2e

import "os/exec"

// dieWithParent needs Linux's parent-death signal; elsewhere the server is
// only stopped by the deferred cleanup.
func dieWithParent(*exec.Cmd) {}

//go:build !linux

package generator

import "errors"

// exchange is not available: the caller moves the folder aside instead.
func exchange(a, b string) error { return errors.New("no atomic exchange on this system") }

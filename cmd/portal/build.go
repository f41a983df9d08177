package main

import (
	"context"
	"errors"
	"io"
)

// cmdBuild is not written yet.
func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("build: not implemented yet")
}

package main

import (
	"context"
	"errors"
	"io"
)

// cmdVersion is not written yet.
func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("version: not implemented yet")
}

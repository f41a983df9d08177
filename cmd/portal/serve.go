package main

import (
	"context"
	"errors"
	"io"
)

// cmdServe is not written yet.
func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("serve: not implemented yet")
}

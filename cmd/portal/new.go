package main

import (
	"context"
	"errors"
	"io"
)

// cmdNew is not written yet.
func cmdNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("new: not implemented yet")
}

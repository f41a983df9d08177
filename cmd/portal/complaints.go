package main

import (
	"context"
	"errors"
	"io"
)

// cmdComplaints is not written yet.
func cmdComplaints(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("complaints: not implemented yet")
}

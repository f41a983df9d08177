package intaketest

import (
	"testing"

	"portal/cmd/internal/intake"
)

func TestMemConforms(t *testing.T) {
	Run(t, func(t *testing.T) intake.Store { return NewMem() })
}

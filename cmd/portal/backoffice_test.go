package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackOfficeAddr(t *testing.T) {
	for _, tt := range []struct{ flag, public, want string }{
		{"", "127.0.0.1:1313", "127.0.0.1:1314"},
		{"", "0.0.0.0:8080", "127.0.0.1:8081"}, // loopback even when the public side is not
		{"", "127.0.0.1:0", "127.0.0.1:0"},
		{"10.0.0.5:9000", "127.0.0.1:1313", "10.0.0.5:9000"},
		{"off", "127.0.0.1:1313", ""},
	} {
		got, err := backOfficeAddr(tt.flag, tt.public)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%q beside %q", tt.flag, tt.public)
	}
	_, err := backOfficeAddr("", "nonsense")
	assert.Error(t, err)
}

package ledger

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShippedLog: the shipped Linyi site's log (seeded from this
// repository's git history) verifies against the key in its portal.toml:
// every entry and version, and the signed checkpoint. Content edited since
// is not checked here (the build reports it until someone publishes).
func TestShippedLog(t *testing.T) {
	root := filepath.Join("..", "..")
	cfg, err := os.ReadFile(filepath.Join(root, "portal.toml"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^public_key\s*=\s*"([^"]+)"`).FindSubmatch(cfg)
	require.NotNil(t, m, "portal.toml has the log's public key")
	l, err := Read(filepath.Join(root, Dir), ReadOptions{Verify: true})
	require.NoError(t, err)
	cp, err := l.VerifyCheckpoint(string(m[1]))
	require.NoError(t, err)
	assert.Equal(t, l.Size(), cp.N, "every entry is signed")
	assert.Equal(t, "xyxx.linyi.gov.cn/log", cp.Origin)
	var changes int
	for _, e := range l.Entries {
		if e.Op == OpChange {
			changes++
		}
	}
	assert.Positive(t, changes, "the shipped history has changes to show")
}

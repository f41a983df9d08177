package generator

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func TestGenerateTiny(t *testing.T) {
	out := filepath.Join(t.TempDir(), "public")
	res, err := Generate(context.Background(), tinySite(), Options{SiteDir: t.TempDir(), OutDir: out, Now: date("2025-07-01")})
	require.NoError(t, err)
	t.Log(res.Pages, res.Files, res.Omitted)
	if os.Getenv("KEEP") != "" {
		os.CopyFS(os.Getenv("KEEP"), os.DirFS(out))
	}
}

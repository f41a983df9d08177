package main

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// listedPackage is the part of `go list -json` the import rules need.
type listedPackage struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// TestImportRules guards the layout in STYLE.md: imports point down only,
// and each third-party library has exactly one home.
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "portal/...").Output()
	require.NoError(t, err, "go list")
	var pkgs []listedPackage
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p listedPackage
		require.NoError(t, dec.Decode(&p))
		pkgs = append(pkgs, p)
	}
	require.NotEmpty(t, pkgs)

	// onlyHome: a module prefix may be imported directly only by these packages.
	onlyHome := map[string][]string{
		"github.com/yuin/goldmark":        {"portal/generator/markdown"},
		"github.com/gorilla/feeds":        {"portal/generator/feed"},
		"github.com/blevesearch/bleve/v2": {"portal/search"},
		"github.com/go-ego/gse":           {"portal/search"},
		"modernc.org/sqlite":              {"portal/cmd/internal/intake/sqlite", "portal/cmd/internal/intake/sqldb"},
		"github.com/jackc/pgx/v5":         {"portal/cmd/internal/intake/postgres", "portal/cmd/internal/intake/sqldb"},
	}
	// forbidden: packages under a prefix must not depend (transitively) on these.
	forbidden := []struct {
		under string
		deps  []string
	}{
		{"portal/generator", []string{"portal/search", "portal/cmd/", "net/http", "database/sql", "github.com/blevesearch/"}},
		{"portal/search", []string{"portal/generator", "portal/cmd/"}},
	}
	for _, p := range pkgs {
		if strings.HasSuffix(p.ImportPath, ".test") {
			continue
		}
		for _, imp := range p.Imports {
			for prefix, homes := range onlyHome {
				if strings.HasPrefix(imp, prefix) && !underAny(p.ImportPath, homes) {
					assert.Failf(t, "import outside its home", "%s imports %s; only %v may", p.ImportPath, imp, homes)
				}
			}
		}
		for _, rule := range forbidden {
			if !strings.HasPrefix(p.ImportPath, rule.under) {
				continue
			}
			for _, dep := range p.Deps {
				for _, bad := range rule.deps {
					if dep == bad || strings.HasPrefix(dep, bad) && (strings.HasSuffix(bad, "/") || strings.HasPrefix(dep, bad+"/")) {
						assert.Failf(t, "upward or forbidden dependency", "%s depends on %s", p.ImportPath, dep)
					}
				}
			}
		}
		// Domain packages stay on the standard library; the complaint domain
		// may also use the working-day calendar it shares with the build
		// (itself standard library only).
		if allowed, ok := stdlibOnly[p.ImportPath]; ok {
			for _, imp := range p.Imports {
				if imp == allowed {
					continue
				}
				assert.NotContains(t, imp, ".", "%s must import only the standard library, imports %s", p.ImportPath, imp)
				assert.False(t, strings.HasPrefix(imp, "portal/"), "%s must import only the standard library, imports %s", p.ImportPath, imp)
			}
		}
	}
}

// stdlibOnly lists the packages that import only the standard library, each
// with the one portal package it may import besides ("" for none).
var stdlibOnly = map[string]string{
	"portal/generator/model":     "",
	"portal/generator/diag":      "",
	"portal/generator/workday":   "",
	"portal/cmd/internal/intake": "portal/generator/workday",
}

func underAny(path string, homes []string) bool {
	for _, h := range homes {
		if path == h || strings.HasPrefix(path, h+"/") {
			return true
		}
	}
	return false
}

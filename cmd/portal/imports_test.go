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
		// The HTTP server answers through interfaces: no index, no SQL.
		{"portal/cmd/internal/server", []string{"github.com/blevesearch/", "database/sql", "portal/search/searchtest"}},
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
		// Every package is in the layer table, and imports only the
		// portal packages its row allows.
		allowed, listed := layers[p.ImportPath]
		if !assert.True(t, listed, "%s is not in the layer table (cmd/portal/imports_test.go): add it with the portal packages it may import", p.ImportPath) {
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, "portal/") && !mayImport(allowed, imp) {
				assert.Failf(t, "import outside the package's layer", "%s imports %s; its row allows %v", p.ImportPath, imp, allowed)
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

// layers lists every package of the module with the portal packages it may
// import directly ("x/..." is x and everything under it). Imports point down:
// cmd above generator and search; generator's parts below generator; the
// domain packages (model, diag, workday, intake) at the bottom.
var layers = map[string][]string{
	"portal/cmd/portal":                     {"portal/cmd/internal/...", "portal/generator/...", "portal/search/...", "portal/internal/atomicfile"},
	"portal/cmd/internal/e2e":               {}, // tests only: it runs the program
	"portal/cmd/internal/deploy":            {}, // tests only: replicas behind nginx, as DEPLOY.md sets them up
	"portal/cmd/internal/backoffice":        {"portal/cmd/internal/intake", "portal/cmd/internal/staff", "portal/generator/theme"},
	"portal/cmd/internal/server":            {"portal/cmd/internal/intake", "portal/generator/theme", "portal/search/searchapi"},
	"portal/cmd/internal/siteindex":         {"portal/generator", "portal/generator/fingerprint", "portal/generator/model", "portal/search"},
	"portal/cmd/internal/staff":             {"portal/cmd/internal/intake"},
	"portal/cmd/internal/intake":            {"portal/generator/workday"},
	"portal/cmd/internal/intake/sqldb":      {"portal/cmd/internal/intake"},
	"portal/cmd/internal/intake/sqlite":     {"portal/cmd/internal/intake", "portal/cmd/internal/intake/sqldb"},
	"portal/cmd/internal/intake/postgres":   {"portal/cmd/internal/intake", "portal/cmd/internal/intake/sqldb"},
	"portal/cmd/internal/intake/intaketest": {"portal/cmd/internal/intake"},
	"portal/generator":                      {"portal/generator/...", "portal/themes", "portal/internal/atomicfile", "portal/internal/jsonstr"},
	"portal/generator/chart":                {},
	"portal/generator/dataset":              {"portal/generator/diag", "portal/generator/disclosure", "portal/generator/model", "portal/generator/page"},
	"portal/generator/dataset/xlsxtest":     {}, // tests only: writes workbooks for the readers' tests
	"portal/generator/dataimport":           {"portal/generator/dataset", "portal/generator/diag", "portal/generator/loader", "portal/generator/model"},
	"portal/generator/disclosure":           {"portal/generator/model"},
	"portal/generator/diag":                 {},
	"portal/generator/feed":                 {"portal/internal/jsonstr"},
	"portal/generator/fingerprint":          {},
	"portal/generator/outputtest":           {},
	"portal/generator/indicators":           {"portal/generator/diag", "portal/generator/model", "portal/generator/workday"},
	"portal/generator/ledger":               {"portal/generator/model", "portal/internal/atomicfile"},
	"portal/generator/ledger/gitseed":       {"portal/generator/ledger"},
	"portal/generator/ledger/verify":        {"portal/generator/ledger", "portal/generator/model", "portal/internal/atomicfile"},
	"portal/generator/loader":               {"portal/generator/dataset", "portal/generator/diag", "portal/generator/fingerprint", "portal/generator/ledger", "portal/generator/model", "portal/generator/page", "portal/internal/atomicfile"},
	"portal/generator/markdown":             {},
	"portal/generator/model":                {},
	"portal/generator/page":                 {"portal/generator/diag", "portal/generator/disclosure", "portal/generator/model"},
	"portal/generator/theme":                {"portal/generator/fingerprint"},
	"portal/generator/workday":              {},
	"portal/search":                         {"portal/search/searchapi", "portal/internal/atomicfile"},
	"portal/search/searchapi":               {},
	"portal/search/internal/foldgen":        {}, // a go:generate program: reads OpenCC and Unihan, writes fold_table.go
	"portal/search/searchtest":              {"portal/search", "portal/search/searchapi"},
	"portal/search/searchtest/load":         {"portal/search/searchtest"},
	"portal/themes":                         {},
	"portal/internal/atomicfile":            {},
	"portal/internal/jsonstr":               {},
}

func mayImport(allowed []string, imp string) bool {
	for _, a := range allowed {
		if base, ok := strings.CutSuffix(a, "/..."); ok {
			if imp == base || strings.HasPrefix(imp, base+"/") {
				return true
			}
		} else if imp == a {
			return true
		}
	}
	return false
}

func underAny(path string, homes []string) bool {
	for _, h := range homes {
		if path == h || strings.HasPrefix(path, h+"/") {
			return true
		}
	}
	return false
}

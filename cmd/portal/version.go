package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// cmdVersion is `portal version`: the module version the binary was built
// from (from its build information), or "devel" for a source build, plus
// the VCS revision when recorded.
func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "portal version", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("version: unexpected argument %q", fs.Arg(0))}
	}
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionLine(bi))
	return nil
}

// versionLine formats the version from build information (nil allowed).
func versionLine(bi *debug.BuildInfo) string {
	v, rev := "devel", ""
	if bi != nil {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" && modified {
			rev += "+dirty"
		}
	}
	line := "portal " + v
	if rev != "" {
		line += " (" + rev + ")"
	}
	return line + " " + runtime.Version()
}

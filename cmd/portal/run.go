package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"portal/generator/loader"
	"portal/generator/model"
)

// usageError is a command-line mistake: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReported is returned when the error was already printed in full.
var errReported = errors.New("errors reported above")

const usageText = `portal — 政务诚信公开平台生成与服务工具

Usage:
  portal build  [-site DIR] [-out DIR] [-now YYYY-MM-DD] [-strict] [-no-index]
                                                                      build the static site
  portal check  [-site DIR] [-now YYYY-MM-DD] [-strict] [FILE...]     validate content (or data files), list all errors
  portal import [-site DIR] [-now YYYY-MM-DD] [-apply] FILE...         dry-run report of 双公示 data files (CSV, xlsx, JSON)
  portal serve  [-site DIR] [-addr 127.0.0.1:1313] [-production] [-base-url URL] [-db PATH|postgres://…]
                                                                      build, then serve
  portal new    [-site DIR] KIND "title"                              scaffold a content file
  portal complaints list|show|accept|reject|assign|reply|visit|close|export|erase-expired|backup|restore …
  portal staff  add|list|disable|enable|reset|audit …                  back-office accounts, audit trail
  portal keygen [-site DIR] -o FILE                                   make the publication log's signing key
  portal publish [-site DIR] [-now YYYY-MM-DD] [-key FILE] [-m NOTE]  log every change, sign, then build
  portal verify [-site DIR] | portal verify [-sample N] [-follow STATEFILE] URL   check pages against the log
  portal version

Run 'portal COMMAND -h' for a command's flags.
Exit codes: 0 ok, 1 content or runtime errors (verify: problems found), 2 usage errors,
3 verify could not run (site unreachable, no log).
`

// run is the whole program behind main, testable without a process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "build":
		return cmdBuild(ctx, rest, stdout, stderr)
	case "check":
		return cmdCheck(ctx, rest, stdout, stderr)
	case "import":
		return cmdImport(ctx, rest, stdout, stderr)
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case workerCommand: // started by serve, not listed
		return cmdBuildWorker(ctx, rest, stdout, stderr)
	case "new":
		return cmdNew(ctx, rest, stdout, stderr)
	case "complaints":
		return cmdComplaints(ctx, rest, stdout, stderr)
	case "staff":
		return cmdStaff(ctx, rest, stdout, stderr)
	case "keygen":
		return cmdKeygen(ctx, rest, stdout, stderr)
	case "publish":
		return cmdPublish(ctx, rest, stdout, stderr)
	case "verify":
		return cmdVerify(ctx, rest, stdout, stderr)
	case "version", "-version", "--version":
		return cmdVersion(ctx, rest, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usageText)
		return nil
	default:
		fmt.Fprint(stderr, usageText)
		return usageError{fmt.Sprintf("unknown command %q", cmd)}
	}
}

// exitCode prints err (unless already reported) and maps it to an exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ue usageError
	var uv errUnverifiable
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintln(stderr, "portal:", ue.msg)
		return 2
	case errors.Is(err, errReported):
		return 1
	case errors.As(err, &uv):
		fmt.Fprintln(stderr, "portal:", uv)
		return 3
	default:
		fmt.Fprintln(stderr, "portal:", err)
		return 1
	}
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping flag errors to usage errors (exit 2).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

// requireSiteDir refuses a site folder that does not exist, before a
// command reads an empty site from it or writes public/ into it: a mistyped
// -site would otherwise end in a confusing later error, or a stray folder.
func requireSiteDir(siteDir string) error {
	if st, err := os.Stat(siteDir); err != nil || !st.IsDir() {
		return fmt.Errorf("网站文件夹 %q 不存在：请用 -site 指定含 portal.toml 的文件夹 (site folder %q does not exist: give the folder holding portal.toml with -site)", siteDir, siteDir)
	}
	return nil
}

// loadSettings reads the site's settings (portal.toml and the department
// registry, not the content) for commands that do not build, printing every
// problem to stderr; an error stops the command (errReported).
func loadSettings(siteDir string, stderr io.Writer) (*model.Site, error) {
	if err := requireSiteDir(siteDir); err != nil {
		return nil, err
	}
	site, dl := loader.LoadSettings(os.DirFS(siteDir), loader.Options{})
	for _, d := range dl.All() {
		fmt.Fprintln(stderr, d)
	}
	if dl.Err() != nil {
		return nil, errReported
	}
	return site, nil
}

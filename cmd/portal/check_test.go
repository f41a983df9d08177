package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testRegistry = `[[department]]
id = "fgw"
name = "临沂市发展和改革委员会"
short = "市发展改革委"
level = "市"
type = "政府工作部门"
`

// writeCheckSite writes files (slash paths) under a new temporary site folder.
func writeCheckSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	return dir
}

// runExit runs the program as main does and returns the exit code and output.
func runExit(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = exitCode(run(context.Background(), args, &out, &errOut), &errOut)
	return code, out.String(), errOut.String()
}

const goodNews = "+++\ntitle = \"动态\"\ndate = 2025-01-02\n+++\n正文\n"

func TestCheck(t *testing.T) {
	t.Parallel()
	csv := "subject_name,统一社会信用代码,决定文书号,类别,title,date,department\n某公司,%s,临发改许〔2024〕1号,行政许可,许可,2024-03-01,fgw\n"
	good := map[string]string{"data/departments.toml": testRegistry, "content/news/n1.md": goodNews}
	withCode := func(code string) map[string]string {
		m := map[string]string{"data/departments.toml": testRegistry, "data/disclosures/a.csv": strings.Replace(csv, "%s", code, 1)}
		return m
	}
	tests := []struct {
		name     string
		files    map[string]string
		args     []string
		code     int
		stdout   []string // lines, in order
		inStderr string
		warnings int // lines marked as warnings
	}{
		{name: "clean site", files: good, code: 0,
			stdout: []string{"0 个错误，0 个警告 (0 errors, 0 warnings)", "已检查：承诺 0，双公示 0，政务失信记录 0，典型案例 0，政策文件 0，信用动态 1，部门 1"}},
		{name: "errors are listed, then the count", code: 1,
			files: map[string]string{"data/departments.toml": testRegistry,
				"content/news/n1.md": "+++\ntitle = \"动态\"\ndate = 2025-13-02\n+++\n",
				"content/news/n2.md": "+++\ntitle = \"动态\"\ndate = 2025-01-02\ncolour = 1\n+++\n"},
			stdout: []string{
				"content/news/n1.md:3:8: date: TOML 语法错误：",
				"content/news/n2.md:4:1: colour: 未知的键 (unknown key)",
				"2 个错误，0 个警告 (2 errors, 0 warnings)",
			}},
		{name: "a wrong check character is only a warning", files: withCode("91350100M000100Y44"), code: 0, warnings: 1,
			stdout: []string{`data/disclosures/a.csv:2:2: 统一社会信用代码: "91350100M000100Y44" 的校验码是 4`, "0 个错误，1 个警告 (0 errors, 1 warning)", "已检查"}},
		{name: "strict makes it an error", files: withCode("91350100M000100Y44"), args: []string{"-strict"}, code: 1,
			stdout: []string{`data/disclosures/a.csv:2:2: 统一社会信用代码: `, "1 个错误，0 个警告 (1 error, 0 warnings)"}},
		{name: "a valid -now is accepted", code: 0, args: []string{"-now", "2024-01-01"}, files: good,
			stdout: []string{"0 个错误", "已检查"}},
		{name: "bad now is a usage error", files: good, args: []string{"-now", "2024-1-1x"}, code: 2, inStderr: `-now: "2024-1-1x" is not a date`},
		{name: "bad flag", files: good, args: []string{"-bogus"}, code: 2, inStderr: "flag provided but not defined: -bogus"},
		{name: "help", files: good, args: []string{"-h"}, code: 0, inStderr: "Usage: portal check"},
		{name: "extra argument", files: good, args: []string{"content"}, code: 2, inStderr: `unexpected argument "content"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := writeCheckSite(t, tt.files)
			code, stdout, stderr := runExit(t, append([]string{"check", "-site", dir}, tt.args...)...)
			assert.Equal(t, tt.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if tt.stdout != nil && assert.Len(t, lines, len(tt.stdout), stdout) {
				for i, want := range tt.stdout {
					assert.True(t, strings.HasPrefix(lines[i], want), "line %d: want prefix %q, got %q", i, want, lines[i])
				}
			}
			// A warning says so on its line: errors and warnings are listed together.
			if tt.warnings > 0 {
				assert.Equal(t, tt.warnings, strings.Count(stdout, " (警告 warning)\n"), stdout)
			}
			if tt.inStderr != "" {
				assert.Contains(t, stderr, tt.inStderr)
			}
		})
	}
}

// TestMissingSite: a mistyped -site is named as such by every command that
// reads a site, and build writes no public/ folder there.
func TestMissingSite(t *testing.T) {
	t.Parallel()
	for _, cmd := range [][]string{{"check"}, {"build"}, {"import", "x.csv"}, {"serve", "-addr", "127.0.0.1:0"}} {
		t.Run(cmd[0], func(t *testing.T) {
			t.Parallel()
			site := filepath.Join(t.TempDir(), "nope")
			code, _, stderr := runExit(t, append([]string{cmd[0], "-site", site}, cmd[1:]...)...)
			assert.Equal(t, 1, code)
			assert.Contains(t, stderr, "网站文件夹 \""+site+"\" 不存在")
			assert.NoDirExists(t, site)
		})
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	dir := writeCheckSite(t, map[string]string{"data/departments.toml": testRegistry, "portal.toml": "title = \"测试\"\n"})
	kinds := []string{"commitments", "disclosures", "records", "cases", "policies", "news"}
	for _, k := range kinds {
		code, stdout, stderr := runExit(t, "new", "-site", dir, k, `诚信 建设 "第一批"：`+k)
		require.Equal(t, 0, code, stderr)
		want := filepath.Join(dir, "content", k, "诚信-建设-第一批"+k+".md")
		assert.Equal(t, want+"\n", stdout)
		data, err := os.ReadFile(want)
		require.NoError(t, err)
		assert.Contains(t, string(data), `title = "诚信 建设 \"第一批\"：`+k+`"`)
		assert.Contains(t, string(data), "draft = true")
	}
	code, stdout, _ := runExit(t, "new", "-site", dir, "case", "！！")
	require.Equal(t, 0, code)
	assert.Regexp(t, `content/cases/\d{4}-\d{2}-\d{2}\.md\n$`, filepath.ToSlash(stdout))
	code, stdout2, _ := runExit(t, "new", "-site", dir, "case", "？？")
	require.Equal(t, 0, code)
	assert.Regexp(t, `content/cases/\d{4}-\d{2}-\d{2}-2\.md\n$`, filepath.ToSlash(stdout2))

	// Every scaffold passes check as written.
	code, out, _ := runExit(t, "check", "-site", dir)
	assert.Equal(t, 0, code, out)
	assert.Contains(t, out, "已检查：承诺 1，双公示 1，政务失信记录 1，典型案例 3，政策文件 1，信用动态 1，部门 1")

	// Never overwrite.
	before, err := os.ReadFile(filepath.Join(dir, "content", "news", "诚信-建设-第一批news.md"))
	require.NoError(t, err)
	code, _, stderr := runExit(t, "new", "-site", dir, "news", `诚信 建设 "第一批"：news`)
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "already exists; not overwriting it")
	after, err := os.ReadFile(filepath.Join(dir, "content", "news", "诚信-建设-第一批news.md"))
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

func TestNewUsage(t *testing.T) {
	t.Parallel()
	dir := writeCheckSite(t, map[string]string{"data/departments.toml": testRegistry})
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown kind", []string{"blog", "t"}, 2, `unknown kind "blog"`},
		{"no title", []string{"news"}, 2, "need KIND and a title"},
		{"blank title", []string{"news", "  "}, 2, "the title is empty"},
		{"help", []string{"-h"}, 0, "Usage: portal new"},
		{"bad flag", []string{"-x", "news", "t"}, 2, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, stderr := runExit(t, append([]string{"new", "-site", dir}, tt.args...)...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr, tt.msg)
		})
	}
	_, err := os.Stat(filepath.Join(dir, "content"))
	assert.True(t, os.IsNotExist(err), "usage errors write nothing")
}

func TestNewWithoutRegistry(t *testing.T) {
	t.Parallel()
	dir := writeCheckSite(t, map[string]string{"portal.toml": "title = \"测试\"\n"})
	code, _, stderr := runExit(t, "new", "-site", dir, "commitments", "承诺")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "lists no department")
	code, out, _ := runExit(t, "check", "-site", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `content/commitments/承诺.md:4:14: department: 未知的单位 "（部门）"`)
}

func TestVersion(t *testing.T) {
	t.Parallel()
	code, stdout, _ := runExit(t, "version")
	assert.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(stdout, "portal "), stdout)
	code, _, _ = runExit(t, "version", "extra")
	assert.Equal(t, 2, code)
	code, _, stderr := runExit(t, "version", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, stderr, "Usage: portal version")

	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "portal devel "},
		{"source build", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "portal devel "},
		{"module version", &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, "portal v1.2.3 "},
		{"revision", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}, "portal devel (0123456789ab+dirty) "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.True(t, strings.HasPrefix(versionLine(tt.bi), tt.want), versionLine(tt.bi))
		})
	}
}

// TestCheckShippedPlaceholders: the shipped site keeps placeholder
// registration numbers; check lists them as warnings and passes, -strict
// refuses them.
func TestCheckShippedPlaceholders(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	code, stdout, stderr := runExit(t, "check", "-site", root)
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	for _, key := range []string{"government.site_id_code", "government.icp", "government.police_record"} {
		assert.Contains(t, stdout, "portal.toml:")
		assert.Contains(t, stdout, key+": ")
	}
	assert.Contains(t, stdout, "0 个错误，3 个警告")
	code, stdout, _ = runExit(t, "check", "-strict", "-site", root)
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "3 个错误，0 个警告")
}

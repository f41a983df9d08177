package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"

	"portal/generator/ledger"
)

// ledgerSite writes a small site a journalist would watch: two commitments
// (one with a deadline that will move), a disclosure in its publicity
// period and a news item.
func ledgerSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"portal.toml": "base_url = \"https://xyxx.example.gov.cn/\"\ntitle = \"测试站\"\n\n[government]\nsponsor = \"临沂市发展和改革委员会\"\n",
		"data/departments.toml": "[[department]]\nid = \"fgw\"\nname = \"临沂市发展和改革委员会\"\nshort = \"市发展改革委\"\nlevel = \"市\"\ntype = \"政府工作部门\"\n\n" +
			"[[department]]\nid = \"xzsp\"\nname = \"临沂市行政审批服务局\"\nshort = \"市行政审批服务局\"\nlevel = \"市\"\ntype = \"政府工作部门\"\n",
		"content/commitments/e01.md": commitmentFile("2025-06-30", "in_progress", "企业开办全流程1个工作日内办结。"),
		"content/commitments/e02.md": "+++\ntitle = \"惠企政策免申即享\"\ndepartment = \"fgw\"\ncategory = \"政策兑现\"\ndate = 2024-12-01\nstatus = \"pending\"\n+++\n符合条件的企业无需申请即可享受。\n",
		"content/disclosures/p01.md": "+++\ntitle = \"某某商贸有限公司行政处罚\"\ndate = 2025-03-10\nsubject_name = \"临沂某某商贸有限公司\"\ndoc_number = \"临市监罚〔2025〕12号\"\ncategory = \"行政处罚\"\ncontent = \"罚款人民币五千元\"\ndepartment = \"fgw\"\npublicity_until = 2028-03-10\n+++\n",
		"content/news/n1.md":         "+++\ntitle = \"信用动态\"\ndate = 2025-01-02\ndepartments = [\"fgw\"]\n+++\n正文。\n",
	}
	for name, body := range files {
		writeFile(t, filepath.Join(dir, filepath.FromSlash(name)), body)
	}
	return dir
}

func commitmentFile(deadline, status, body string) string {
	return "+++\ntitle = \"企业开办全流程1个工作日内办结\"\ndepartment = \"xzsp\"\ncategory = \"服务承诺\"\ndate = 2024-11-25\ndeadline = " + deadline +
		"\nstatus = \"" + status + "\"\n+++\n" + body + "\n"
}

func writeFile(t *testing.T, p, body string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
}

// published is a site with a key and two publishes: e01's deadline moved
// from 2025-06-30 to 2025-12-31, then the deadline is in the log.
func published(t *testing.T) (site, key string) {
	t.Helper()
	site = ledgerSite(t)
	key = filepath.Join(t.TempDir(), "log.key")
	_, _, err := runCLI(t, "keygen", "-site", site, "-o", key)
	require.NoError(t, err)
	st, err := os.Stat(key)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	out, _, err := runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-01-05")
	require.NoError(t, err)
	assert.Contains(t, out, "新增 4 条")
	writeFile(t, filepath.Join(site, "content/commitments/e01.md"), commitmentFile("2025-12-31", "in_progress", "企业开办全流程3个工作日内办结。"))
	out, _, err = runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-07-01", "-m", "因系统改造调整")
	require.NoError(t, err)
	assert.Contains(t, out, "修改 1")
	assert.Contains(t, out, "实质性变更 2 项") // deadline later, promise changed
	return site, key
}

// runVerifySite runs portal verify -site (with more flags) and returns its
// output and exit code.
func runVerifySite(t *testing.T, site string, flags ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := exitCode(run(t.Context(), append([]string{"verify", "-site", site, "-now", "2025-07-01"}, flags...), &out, &errb), &errb)
	return out.String() + errb.String(), code
}

func TestPublishAndVerify(t *testing.T) {
	site, key := published(t)
	out, code := runVerifySite(t, site)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "未发现问题")

	page, err := os.ReadFile(filepath.Join(site, "public/commitments/e01/index.html"))
	require.NoError(t, err)
	html := string(page)
	assert.Contains(t, html, "修订记录")
	assert.Contains(t, html, "<del>2025年6月30日</del> → <ins>2025年12月31日</ins>", "the deadline's change, field by field")
	assert.Contains(t, html, "<del>1</del><ins>3</ins>", "the promise's change, character by character")
	assert.Contains(t, html, "完成时限推迟")
	assert.Contains(t, html, `href="/commitments/e01/v1/"`, "a permanent link to the old version")
	old, err := os.ReadFile(filepath.Join(site, "public/commitments/e01/v1/index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(old), "2025年6月30日")
	assert.Contains(t, string(old), "这是历史版本")

	changes, err := os.ReadFile(filepath.Join(site, "public/changes/material/index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(changes), "市行政审批服务局")
	feed, err := os.ReadFile(filepath.Join(site, "public/changes/material/feed.xml"))
	require.NoError(t, err)
	assert.Contains(t, string(feed), "完成时限推迟")
	for _, f := range []string{"log/checkpoint", "log/key.txt", "log/tile/8/0/000.p/5", "log/tile/8/data/000.p/5", "log/index.html", "verify/index.html"} {
		assert.FileExists(t, filepath.Join(site, "public", filepath.FromSlash(f)))
	}
	data, err := os.ReadFile(filepath.Join(site, "public/data/commitments.json"))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"version": 2`)
	guide, err := os.ReadFile(filepath.Join(site, "public/verify/index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(guide), `可向本站主办单位索取（见<a href="/about/contact/">联系我们</a>）`, "without verifier_url the guide says where to ask")

	// A build never appends; it says what differs.
	writeFile(t, filepath.Join(site, "content/commitments/e02.md"), "+++\ntitle = \"惠企政策免申即享\"\ndepartment = \"fgw\"\ncategory = \"政策兑现\"\ndate = 2024-12-01\nstatus = \"in_progress\"\n+++\n符合条件的企业无需申请即可享受。\n")
	before, _ := os.ReadFile(filepath.Join(site, "data/ledger/entries/000000.jsonl"))
	out, _, err = runCLI(t, "build", "-site", site, "-now", "2025-07-02")
	require.NoError(t, err)
	assert.Contains(t, out, "有 1 条记录与发布记录不一致")
	assert.Contains(t, out, "commitments/e02")
	after, _ := os.ReadFile(filepath.Join(site, "data/ledger/entries/000000.jsonl"))
	assert.Equal(t, before, after, "build never appends")
	// Publishing with the wrong key is refused.
	other := filepath.Join(t.TempDir(), "other.key")
	otherSite := ledgerSite(t)
	_, _, err = runCLI(t, "keygen", "-site", otherSite, "-o", other)
	require.NoError(t, err)
	_, _, err = runCLI(t, "publish", "-site", site, "-key", other)
	assert.ErrorContains(t, err, "不是一对")
	_ = key
}

// TestTamper: every rewrite of history the issue names is caught by
// portal verify -site with the record, the version and what differs.
func TestTamper(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, site, key string)
		want   []string
	}{
		{"an old log entry edited", func(t *testing.T, site, _ string) {
			editLog(t, site, func(lines []string) []string {
				lines[0] = strings.Replace(lines[0], `"deadline":"2025-06-30"`, `"deadline":"2025-09-30"`, 1)
				return lines
			})
		}, []string{"data/ledger/entries/000000.jsonl:1", "commitments/e01 第 1 版", "内容哈希"}},
		{"a log entry deleted", func(t *testing.T, site, _ string) {
			editLog(t, site, func(lines []string) []string { return append(lines[:1], lines[2:]...) })
		}, []string{"000000.jsonl:2", "序号为 2，此位置应为 1"}},
		{"log entries reordered", func(t *testing.T, site, _ string) {
			editLog(t, site, func(lines []string) []string { lines[1], lines[2] = lines[2], lines[1]; return lines })
		}, []string{"000000.jsonl:2", "序号为 2，此位置应为 1"}},
		{"a published page changed after the build", func(t *testing.T, site, _ string) {
			p := filepath.Join(site, "public/commitments/e01/index.html")
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			s := strings.Replace(string(b), `<time datetime="2025-12-31">2025年12月31日</time>`, `<time datetime="2025-09-30">2025年9月30日</time>`, 1)
			require.NotEqual(t, string(b), s)
			require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
		}, []string{"commitments/e01 第2版（/commitments/e01/）", "完成时限：页面显示「2025年9月30日」，发布记录为「2025年12月31日」"}},
		{"an old version's page changed after the build", func(t *testing.T, site, _ string) {
			p := filepath.Join(site, "public/commitments/e01/v1/index.html")
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			s := strings.Replace(string(b), "2025年6月30日</", "2025年5月30日</", 1)
			require.NotEqual(t, string(b), s)
			require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
		}, []string{"commitments/e01 第1版（/commitments/e01/v1/）", "完成时限：页面显示「2025年5月30日」，发布记录为「2025年6月30日」"}},
		{"an old page served", func(t *testing.T, site, _ string) {
			// The page of the first build, kept by a cache or put back.
			b, err := os.ReadFile(filepath.Join(site, "old-e01.html"))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(site, "public/commitments/e01/index.html"), b, 0o644))
		}, []string{"commitments/e01 第1版", "页面是第 1 版，发布记录最新为第 2 版", "旧页面"}},
		{"a deadline rewritten without a log entry", func(t *testing.T, site, _ string) {
			writeFile(t, filepath.Join(site, "content/commitments/e01.md"), commitmentFile("2026-06-30", "in_progress", "企业开办全流程3个工作日内办结。"))
			_, _, err := runCLI(t, "build", "-site", site, "-now", "2025-07-01")
			require.NoError(t, err)
		}, []string{"commitments/e01", "页面内容未登记到发布记录", "完成时限：页面显示「2026年6月30日」，发布记录为「2025年12月31日」", "修改未发布登记）：完成时限"}},
		{"the checkpoint replaced by one of another tree", func(t *testing.T, site, key string) {
			// The same key signs a different history of the same length.
			other := ledgerSite(t)
			copyFile(t, filepath.Join(site, "portal.toml"), filepath.Join(other, "portal.toml"))
			writeFile(t, filepath.Join(other, "content/commitments/e01.md"), commitmentFile("2025-06-30", "fulfilled", "另一段历史。"))
			_, _, err := runCLI(t, "publish", "-site", other, "-key", key, "-now", "2025-01-05")
			require.NoError(t, err)
			writeFile(t, filepath.Join(other, "content/commitments/e01.md"), commitmentFile("2025-06-30", "fulfilled", "另一段历史，已改写。"))
			_, _, err = runCLI(t, "publish", "-site", other, "-key", key, "-now", "2025-07-01")
			require.NoError(t, err)
			copyFile(t, filepath.Join(other, "data/ledger/checkpoint"), filepath.Join(site, "data/ledger/checkpoint"))
		}, []string{"树根哈希", "检查点被替换"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := ledgerSite(t)
			key := filepath.Join(t.TempDir(), "log.key")
			_, _, err := runCLI(t, "keygen", "-site", site, "-o", key)
			require.NoError(t, err)
			_, _, err = runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-01-05")
			require.NoError(t, err)
			copyFile(t, filepath.Join(site, "public/commitments/e01/index.html"), filepath.Join(site, "old-e01.html"))
			writeFile(t, filepath.Join(site, "content/commitments/e01.md"), commitmentFile("2025-12-31", "in_progress", "企业开办全流程3个工作日内办结。"))
			_, _, err = runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-07-01")
			require.NoError(t, err)
			// A -follow run remembers every page as verified: the memo must
			// never hide a tamper, so each is checked with it and without.
			state := filepath.Join(t.TempDir(), "verify.json")
			out, code := runVerifySite(t, site, "-follow", state)
			require.Equal(t, 0, code, out)

			tc.tamper(t, site, key)
			for _, flags := range [][]string{nil, {"-follow", state}} {
				out, code = runVerifySite(t, site, flags...)
				assert.Equal(t, 1, code, out)
				for _, w := range tc.want {
					assert.Contains(t, out, w, flags)
				}
			}
		})
	}
}

// TestVerifySiteFollow: with -follow, a site folder's daily check parses
// again only the pages whose bytes changed — by content, not modification
// time — and proves the log extends the last checkpoint it verified.
func TestVerifySiteFollow(t *testing.T) {
	site, key := published(t)
	state := filepath.Join(t.TempDir(), "verify.json")
	out, code := runVerifySite(t, site, "-follow", state)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "已记下检查点（5 条）")
	assert.NotContains(t, out, "未再解析")

	out, code = runVerifySite(t, site, "-follow", state)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "与上次核验时的检查点相同")
	assert.Contains(t, out, "其中 4 条记录的页面与上次核验通过时逐字节相同，未再解析")
	assert.Contains(t, out, "内容文件与上次核验通过时逐字节相同，未再加载")

	// Same bytes, new time: still remembered. Same size and time, other
	// bytes: checked again, and the change is found.
	old := filepath.Join(site, "public/commitments/e01/v1/index.html")
	st, err := os.Stat(old)
	require.NoError(t, err)
	b, err := os.ReadFile(old)
	require.NoError(t, err)
	require.NoError(t, os.Chtimes(old, st.ModTime().Add(time.Hour), st.ModTime().Add(time.Hour)))
	out, code = runVerifySite(t, site, "-follow", state)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "其中 4 条记录")
	tampered := strings.Replace(string(b), "2025年6月30日</", "2025年5月30日</", 1)
	require.Len(t, tampered, len(b))
	require.NoError(t, os.WriteFile(old, []byte(tampered), 0o644))
	require.NoError(t, os.Chtimes(old, st.ModTime(), st.ModTime()))
	out, code = runVerifySite(t, site, "-follow", state)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "commitments/e01 第1版（/commitments/e01/v1/）：完成时限：页面显示「2025年5月30日」，发布记录为「2025年6月30日」")
	assert.Contains(t, out, "其中 3 条记录", "the other records are still remembered")
	require.NoError(t, os.WriteFile(old, b, 0o644))

	// Content changed without a publish: loaded again and named, memo or
	// not; put back, it is remembered again only after a run finds it right.
	e01 := filepath.Join(site, "content/commitments/e01.md")
	src, err := os.ReadFile(e01)
	require.NoError(t, err)
	writeFile(t, e01, strings.Replace(string(src), "2025-12-31", "2026-03-31", 1))
	out, code = runVerifySite(t, site, "-follow", state)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "commitments/e01（content）：内容与发布记录最新版本不一致（修改未发布登记）：完成时限")
	assert.NotContains(t, out, "未再加载")
	writeFile(t, e01, string(src))

	// The record's page changed (bytes the check does not read, as a new
	// build date changes a countdown): the record is checked again, but its
	// old version's page, unchanged, is passed over on its own proof.
	cur := filepath.Join(site, "public/commitments/e01/index.html")
	page, err := os.ReadFile(cur)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(cur, append(page, "<!-- rebuilt -->\n"...), 0o644))
	out, code = runVerifySite(t, site, "-follow", state)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "其中 3 条记录的页面、另 1 个历史版本页面与上次核验通过时逐字节相同")

	// A new publish: the changed record is checked again, the log is proved
	// to extend the remembered checkpoint.
	writeFile(t, filepath.Join(site, "content/commitments/e02.md"), "+++\ntitle = \"惠企政策免申即享\"\ndepartment = \"fgw\"\ncategory = \"政策兑现\"\ndate = 2024-12-01\nstatus = \"in_progress\"\n+++\n符合条件的企业无需申请即可享受。\n")
	_, _, err = runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-07-01")
	require.NoError(t, err)
	out, code = runVerifySite(t, site, "-follow", state)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "发布记录从 5 条增至 6 条，一致性证明成立")
	assert.Contains(t, out, "其中 3 条记录", "e02 changed and is checked again")

	// History rewritten under the same key: the remembered checkpoint
	// catches it even though the new log verifies on its own.
	other := ledgerSite(t)
	copyFile(t, filepath.Join(site, "portal.toml"), filepath.Join(other, "portal.toml"))
	for i, now := range []string{"2025-01-05", "2025-07-01", "2025-07-01"} {
		writeFile(t, filepath.Join(other, "content/commitments/e01.md"), commitmentFile("2025-06-30", "fulfilled", fmt.Sprintf("另一段历史，第%d稿。", i)))
		_, _, err = runCLI(t, "publish", "-site", other, "-key", key, "-now", now)
		require.NoError(t, err)
	}
	require.NoError(t, os.RemoveAll(filepath.Join(site, "data/ledger")))
	require.NoError(t, os.CopyFS(filepath.Join(site, "data/ledger"), os.DirFS(filepath.Join(other, "data/ledger"))))
	_, _, err = runCLI(t, "build", "-site", site, "-now", "2025-07-01")
	require.NoError(t, err)
	out, code = runVerifySite(t, site, "-follow", state)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "一致性证明不成立")
	assert.Contains(t, out, "历史被改写")
}

func editLog(t *testing.T, site string, f func([]string) []string) {
	t.Helper()
	p := filepath.Join(site, "data/ledger/entries/000000.jsonl")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	require.NoError(t, os.WriteFile(p, []byte(strings.Join(f(lines), "\n")+"\n"), 0o644))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o644))
}

// TestVerifyURL: a journalist follows a deployed site daily; a rewrite of
// history between two runs is caught by the consistency proof.
func TestVerifyURL(t *testing.T) {
	site, key := published(t)
	pub := filepath.Join(site, "public")
	srv := httptest.NewServer(http.FileServer(http.Dir(pub)))
	defer srv.Close()
	state := filepath.Join(t.TempDir(), "state.json")
	verifyURL := func(args ...string) (string, int) {
		var out, errb bytes.Buffer
		code := exitCode(run(t.Context(), append([]string{"verify", "-now", "2025-07-01"}, args...), &out, &errb), &errb)
		return out.String() + errb.String(), code
	}
	out, code := verifyURL("-follow", state, srv.URL+"/")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "已记下检查点")
	assert.Contains(t, out, "使用站点自己公布的公钥", "trust on first use is said")
	out, code = verifyURL("-sample", "1", srv.URL+"/")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "页面 1 个")

	// The office publishes a change: the log grows, the proof holds.
	writeFile(t, filepath.Join(site, "content/commitments/e02.md"), "+++\ntitle = \"惠企政策免申即享\"\ndepartment = \"fgw\"\ncategory = \"政策兑现\"\ndate = 2024-12-01\nstatus = \"in_progress\"\n+++\n符合条件的企业无需申请即可享受。\n")
	_, _, err := runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-07-01")
	require.NoError(t, err)
	out, code = verifyURL("-follow", state, srv.URL+"/")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "一致性证明成立")

	// Someone rebuilds the log from scratch with the deadline never moved,
	// signs it with the office's key and deploys it: the history seen
	// before is gone.
	require.NoError(t, os.RemoveAll(filepath.Join(site, "data/ledger")))
	writeFile(t, filepath.Join(site, "content/commitments/e01.md"), commitmentFile("2025-12-31", "in_progress", "企业开办全流程3个工作日内办结。"))
	_, _, err = runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-07-02")
	require.NoError(t, err)
	out, code = verifyURL("-follow", state, srv.URL+"/")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "发布记录从 6 条缩减为 4 条：历史被删除")

	// Grown past the old size, the rewritten log still fails the proof.
	for i, status := range []string{"partial", "fulfilled", "broken"} {
		writeFile(t, filepath.Join(site, "content/commitments/e02.md"), "+++\ntitle = \"惠企政策免申即享\"\ndepartment = \"fgw\"\ncategory = \"政策兑现\"\ndate = 2024-12-01\nstatus = \""+status+"\"\n+++\n符合条件的企业无需申请即可享受。\n")
		_, _, err = runCLI(t, "publish", "-site", site, "-key", key, "-now", "2025-07-0"+string(rune('3'+i)))
		require.NoError(t, err)
	}
	out, code = verifyURL("-follow", state, srv.URL+"/")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "一致性证明不成立")
	assert.Contains(t, out, "历史被改写")

	// A different key is reported, not trusted.
	out, code = verifyURL("-follow", state, "-key", "other.example/log+01234567+AcB3iNhSuJHQU3evAmrpPKtH5cyq3s7fX4QCX6OvWr6k", srv.URL+"/")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "公钥与上次核验时记录的不同")
}

// TestKeygenRefuses: the private key never lands in the site folder, an
// existing key file is never overwritten, a key is never replaced by
// accident.
func TestKeygenRefuses(t *testing.T) {
	site := ledgerSite(t)
	_, _, err := runCLI(t, "keygen", "-site", site, "-o", filepath.Join(site, "log.key"))
	assert.ErrorContains(t, err, "在站点文件夹")
	key := filepath.Join(t.TempDir(), "log.key")
	_, _, err = runCLI(t, "keygen", "-site", site, "-o", key)
	require.NoError(t, err)
	cfg, err := os.ReadFile(filepath.Join(site, "portal.toml"))
	require.NoError(t, err)
	assert.Contains(t, string(cfg), "public_key = \"xyxx.example.gov.cn/log+")
	_, _, err = runCLI(t, "keygen", "-site", site, "-o", key)
	assert.ErrorContains(t, err, "已有发布记录公钥")
	_, _, err = runCLI(t, "keygen", "-site", site, "-o", key, "-force")
	assert.ErrorContains(t, err, "已存在")
}

// runVerifyURL runs portal verify on a URL (with more flags) and returns
// its output and exit code.
func runVerifyURL(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := exitCode(run(t.Context(), append([]string{"verify", "-now", "2025-07-01"}, args...), &out, &errb), &errb)
	return out.String() + errb.String(), code
}

// publicKeyOf is the [ledger] public_key a site's portal.toml holds.
func publicKeyOf(t *testing.T, site string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(site, "portal.toml"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^public_key = "([^"]+)"$`).FindSubmatch(b)
	require.NotNil(t, m, string(b))
	return string(m[1])
}

// dropPreviousKeys removes portal.toml's previous_keys line.
func dropPreviousKeys(t *testing.T, site string) {
	t.Helper()
	p := filepath.Join(site, "portal.toml")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	s := regexp.MustCompile(`(?m)^previous_keys = .*\n`).ReplaceAllString(string(b), "")
	require.NotEqual(t, string(b), s)
	require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
}

// TestKeyRotation: the office changes its signing key while it still holds
// the old one. keygen -force keeps the old public key listed and has the old
// key endorse the new one; the site builds and verifies before and after the
// first publish with the new key; followers of the site folder and of the
// deployed site follow the rotation, and the history is still proved
// append-only across it.
func TestKeyRotation(t *testing.T) {
	site, oldKey := published(t)
	oldPub := publicKeyOf(t, site)
	siteState := filepath.Join(t.TempDir(), "site.json")
	out, code := runVerifySite(t, site, "-follow", siteState)
	require.Equal(t, 0, code, out)
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(site, "public"))))
	defer srv.Close()
	urlState := filepath.Join(t.TempDir(), "url.json")
	out, code = runVerifyURL(t, "-follow", urlState, srv.URL+"/")
	require.Equal(t, 0, code, out)

	newKey := filepath.Join(t.TempDir(), "new.key")
	out, _, err := runCLI(t, "keygen", "-site", site, "-force", "-key", oldKey, "-o", newKey)
	require.NoError(t, err)
	newPub := publicKeyOf(t, site)
	require.NotEqual(t, oldPub, newPub)
	oldID, newID := ledger.KeyID(oldPub), ledger.KeyID(newPub)
	assert.Contains(t, out, "旧公钥（密钥 "+oldID+"）已移入 [ledger] previous_keys")
	assert.Contains(t, out, "旧密钥已签署换钥记录 data/ledger/rotations/1（发布记录当时 5 条）")
	assert.Contains(t, out, "portal publish -site "+site+" -key "+newKey)
	cfg, err := os.ReadFile(filepath.Join(site, "portal.toml"))
	require.NoError(t, err)
	assert.Contains(t, string(cfg), `previous_keys = ["`+oldPub+`"]`)
	assert.Equal(t, strings.SplitN(oldPub, "+", 2)[0], strings.SplitN(newPub, "+", 2)[0], "the log keeps its name")

	// Before the first publish with the new key the checkpoint is the old
	// key's: the site still builds and verifies.
	_, _, err = runCLI(t, "build", "-site", site, "-now", "2025-07-01")
	require.NoError(t, err)
	assert.FileExists(t, filepath.Join(site, "public/log/rotations/1"))
	out, code = runVerifySite(t, site)
	require.Equal(t, 0, code, out)
	_, _, err = runCLI(t, "publish", "-site", site, "-key", oldKey, "-now", "2025-07-01")
	assert.ErrorContains(t, err, "这是换下的旧私钥（密钥 "+oldID)

	// The first publish with the new key signs the checkpoint with it, even
	// with nothing new; then a change is published as usual.
	out, _, err = runCLI(t, "publish", "-site", site, "-key", newKey, "-now", "2025-07-01")
	require.NoError(t, err)
	assert.Contains(t, out, "现已用新公钥")
	signed, err := os.ReadFile(filepath.Join(site, "data/ledger/checkpoint"))
	require.NoError(t, err)
	assert.True(t, ledger.SignedBy(signed, newPub))
	assert.False(t, ledger.SignedBy(signed, oldPub))
	writeFile(t, filepath.Join(site, "content/commitments/e02.md"), "+++\ntitle = \"惠企政策免申即享\"\ndepartment = \"fgw\"\ncategory = \"政策兑现\"\ndate = 2024-12-01\nstatus = \"in_progress\"\n+++\n符合条件的企业无需申请即可享受。\n")
	out, _, err = runCLI(t, "publish", "-site", site, "-key", newKey, "-now", "2025-07-01")
	require.NoError(t, err)
	assert.Contains(t, out, "修改 1")
	// The office names where visitors get the verifier.
	cfg, err = os.ReadFile(filepath.Join(site, "portal.toml"))
	require.NoError(t, err)
	cfg = regexp.MustCompile(`(?m)^previous_keys = .*$`).ReplaceAll(cfg, []byte("$0\nverifier_url = \"https://example.org/portal/\""))
	writeFile(t, filepath.Join(site, "portal.toml"), string(cfg))
	_, _, err = runCLI(t, "build", "-site", site, "-now", "2025-07-01")
	require.NoError(t, err)
	logPage, err := os.ReadFile(filepath.Join(site, "public/log/index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(logPage), "<dt>旧公钥</dt>")
	assert.Contains(t, string(logPage), strings.ReplaceAll(oldPub, "+", "&#43;"), "/log/ lists the old key")
	assert.Contains(t, string(logPage), `href="/log/rotations/1"`)
	guide, err := os.ReadFile(filepath.Join(site, "public/verify/index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(guide), "本站更换过签名密钥")
	assert.Contains(t, string(guide), `<a href="https://example.org/portal/">下载地址</a>`)

	out, code = runVerifySite(t, site)
	require.Equal(t, 0, code, out)
	out, code = runVerifySite(t, site, "-follow", siteState)
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "本站更换了签名密钥：密钥 "+oldID+" → 密钥 "+newID)
	assert.Contains(t, out, "发布记录从 5 条增至 6 条，一致性证明成立")
	out, code = runVerifySite(t, site, "-follow", siteState)
	require.Equal(t, 0, code, out)
	assert.NotContains(t, out, "更换了签名密钥", "the state now holds the new key")

	// Over HTTP: the follower that remembered the old key, a newcomer
	// taking /log/key.txt, and one given the old key all verify.
	out, code = runVerifyURL(t, "-follow", urlState, srv.URL+"/")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "本站更换了签名密钥：密钥 "+oldID+" → 密钥 "+newID)
	assert.Contains(t, out, "一致性证明成立")
	st, err := os.ReadFile(urlState)
	require.NoError(t, err)
	assert.Contains(t, string(st), newPub)
	out, code = runVerifyURL(t, srv.URL+"/")
	require.Equal(t, 0, code, out)
	out, code = runVerifyURL(t, "-key", oldPub, srv.URL+"/")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "本站更换了签名密钥")

	// The old key taken off the list: the rotation it signed no longer
	// verifies, and the error names the key.
	dropPreviousKeys(t, site)
	out, code = runVerifySite(t, site)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "密钥 "+oldID)
	assert.Contains(t, out, "previous_keys")
	_, _, err = runCLI(t, "build", "-site", site, "-now", "2025-07-01")
	assert.ErrorContains(t, err, "密钥 "+oldID)
}

// TestKeyRotationRefused: a rotation without the old key's endorsement is
// reported to followers, a removed previous key makes the checkpoints it
// signed fail with its key id, and a checkpoint (or rotation) signed by a
// key the site does not list is tampering.
func TestKeyRotationRefused(t *testing.T) {
	site, _ := published(t)
	oldPub := publicKeyOf(t, site)
	oldID := ledger.KeyID(oldPub)
	siteState := filepath.Join(t.TempDir(), "site.json")
	out, code := runVerifySite(t, site, "-follow", siteState)
	require.Equal(t, 0, code, out)

	// The old private key is lost: no rotation record.
	newKey := filepath.Join(t.TempDir(), "new.key")
	out, _, err := runCLI(t, "keygen", "-site", site, "-force", "-o", newKey)
	require.NoError(t, err)
	assert.Contains(t, out, "没有用 -key 给出旧私钥，因此没有换钥记录")
	assert.NoFileExists(t, filepath.Join(site, "data/ledger/rotations/1"))
	cfg, err := os.ReadFile(filepath.Join(site, "portal.toml"))
	require.NoError(t, err)

	// Without the old key listed, the old checkpoint does not verify: build
	// and publish say which key signed it.
	dropPreviousKeys(t, site)
	_, _, err = runCLI(t, "build", "-site", site, "-now", "2025-07-01")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "签名者为 ")
	assert.Contains(t, err.Error(), "（密钥 "+oldID+"）")
	assert.Contains(t, err.Error(), "previous_keys")
	_, _, err = runCLI(t, "publish", "-site", site, "-key", newKey, "-now", "2025-07-01")
	assert.ErrorContains(t, err, "（密钥 "+oldID+"）")
	require.NoError(t, os.WriteFile(filepath.Join(site, "portal.toml"), cfg, 0o644))

	_, _, err = runCLI(t, "publish", "-site", site, "-key", newKey, "-now", "2025-07-01")
	require.NoError(t, err)
	out, code = runVerifySite(t, site)
	require.Equal(t, 0, code, out)
	out, code = runVerifySite(t, site, "-follow", siteState)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "公钥与上次核验时记录的不同")
	assert.Contains(t, out, "没有旧公钥（密钥 "+oldID+"）签署")

	// A key nobody listed signs a checkpoint of the very same tree: build
	// and verify refuse it, naming the key.
	thiefSite := ledgerSite(t)
	thiefKey := filepath.Join(t.TempDir(), "thief.key")
	origin := strings.SplitN(oldPub, "+", 2)[0]
	_, _, err = runCLI(t, "keygen", "-site", thiefSite, "-name", origin, "-o", thiefKey)
	require.NoError(t, err)
	thiefID := ledger.KeyID(publicKeyOf(t, thiefSite))
	skey, err := os.ReadFile(thiefKey)
	require.NoError(t, err)
	l, err := ledger.Read(filepath.Join(site, "data/ledger"), ledger.ReadOptions{})
	require.NoError(t, err)
	root, err := l.TreeHash(l.Size())
	require.NoError(t, err)
	forged, err := ledger.Sign(ledger.Checkpoint{Origin: origin, N: l.Size(), Hash: root}, string(skey))
	require.NoError(t, err)
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(site, "public"))))
	defer srv.Close()
	urlState := filepath.Join(t.TempDir(), "url.json")
	out, code = runVerifyURL(t, "-follow", urlState, srv.URL+"/")
	require.Equal(t, 0, code, out)
	for _, f := range []string{"data/ledger/checkpoint", "public/log/checkpoint"} {
		require.NoError(t, os.WriteFile(filepath.Join(site, f), forged, 0o644))
	}
	_, _, err = runCLI(t, "build", "-site", site, "-now", "2025-07-01")
	assert.ErrorContains(t, err, "（密钥 "+thiefID+"）")
	out, code = runVerifySite(t, site)
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "（密钥 "+thiefID+"）")
	out, code = runVerifyURL(t, "-follow", urlState, srv.URL+"/")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "（密钥 "+thiefID+"）")

	// Nor does a rotation the thief signs alone make its key trusted.
	pubKey := publicKeyOf(t, site)
	text := fmt.Sprintf("%s\n%d\n%s\nkey-rotation %s %s\n", origin, l.Size(), root, pubKey, publicKeyOf(t, thiefSite))
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	require.NoError(t, err)
	rot, err := note.Sign(&note.Note{Text: text}, signer)
	require.NoError(t, err)
	writeFile(t, filepath.Join(site, "public/log/rotations/1"), string(rot))
	out, code = runVerifyURL(t, "-follow", urlState, srv.URL+"/")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "没有旧公钥")
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stallEnv names a file: while it exists, every build in a test's build
// worker hangs without looking at its context, as a build stuck in a long
// render would.
const stallEnv = "PORTAL_TEST_WORKER_STALL"

// TestMain lets this test binary stand in for portal as serve's build
// worker (serve starts os.Executable, which in tests is this binary).
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if p := os.Getenv(stallEnv); p != "" {
			workerTestHook = func(context.Context) {
				if _, err := os.Stat(p); err == nil {
					fmt.Fprintln(os.Stderr, "test: build stalls")
					time.Sleep(time.Hour)
				}
			}
		}
		if p := os.Getenv(editAfterFirstEnv); p != "" {
			workerTestAfterBuild = func(n int) {
				if n == 1 {
					writeNewsFile(p, "构建时保存的修改")
				}
			}
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// editAfterFirstEnv names a news file the test worker edits at the end of
// its first build, after the build read it.
const editAfterFirstEnv = "PORTAL_TEST_WORKER_EDIT_AFTER_FIRST"

func writeNewsFile(path, title string) {
	if err := os.WriteFile(path, []byte("+++\ntitle = \""+title+"\"\ndate = 2025-01-02\n+++\n正文。\n"), 0o644); err != nil {
		panic(err)
	}
}

// TestServeEditDuringFirstBuild: an edit saved while serve's first build
// runs, after the build read the file, is published by a rebuild after
// it. (The watcher used to start after the first build: such an edit was
// never live until the next one.)
func TestServeEditDuringFirstBuild(t *testing.T) {
	site := writeMiniSite(t, "启动前的标题")
	t.Setenv(editAfterFirstEnv, filepath.Join(site, "content", "news", "n1.md"))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-site", site, "-addr", "127.0.0.1:0", "-admin-addr", "off"}, &stdout, &stderr)
	}()
	addrRe := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
	eventually(t, "the server to print its address", func() bool { return addrRe.MatchString(stdout.String()) })
	base := addrRe.FindString(stdout.String())
	eventually(t, "the edit saved during the first build to be live", func() bool {
		_, b := get(t, base+"news/n1/")
		return strings.Contains(b, "构建时保存的修改")
	})
	assert.Contains(t, stdout.String(), "内容修改：content/news/n1.md", "the rebuild names the file that triggered it")
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

const brokenNews = "+++\ntitle = \"坏\"\ndate = 2025-13-40\n+++\n"

func writeNews(t *testing.T, site, title string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n1.md"),
		[]byte("+++\ntitle = \""+title+"\"\ndate = 2025-01-02\n+++\n正文。\n"), 0o644))
}

// TestServeStartsWithContentErrors: content with errors does not keep
// serve from starting. With a last good build it serves that build, and
// search and complaint intake in the site's theme; without one it still
// takes complaints. The errors go to the log with file and line, never to
// the public; fixing the content publishes it.
func TestServeStartsWithContentErrors(t *testing.T) {
	t.Parallel()
	t.Run("last good build", func(t *testing.T) {
		t.Parallel()
		site := writeMiniSite(t, "上一版动态")
		require.NoError(t, run(context.Background(), []string{"build", "-site", site}, &syncBuffer{}, &syncBuffer{}))
		require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n1.md"), []byte(brokenNews), 0o644))
		base, _, stderr, _ := startServeIn(t, "-site", site)
		assert.Contains(t, stderr.String(), "content/news/n1.md:")
		assert.Contains(t, stderr.String(), "继续提供上一版网站")

		code, body := get(t, base+"/news/n1/")
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "上一版动态")
		code, body = get(t, base+"/complaints/")
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "测试站", "the complaint form has the site's theme")
		assert.Contains(t, body, `href="/search/"`, "and its menu")
		assert.NotContains(t, body, "n1.md")
		assert.Equal(t, 1, strings.Count(stderr.String(), "content/news/n1.md:"), "each error is logged once")
		code, _ = get(t, base+"/search/?q="+url.QueryEscape("动态"))
		assert.Equal(t, http.StatusOK, code)

		writeNews(t, site, "修正后的动态")
		eventually(t, "the fixed content", func() bool { _, b := get(t, base+"/news/n1/"); return strings.Contains(b, "修正后的动态") })
	})
	t.Run("no build yet", func(t *testing.T) {
		t.Parallel()
		site := writeMiniSite(t, "x")
		require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n1.md"), []byte(brokenNews), 0o644))
		base, _, stderr, _ := startServeIn(t, "-site", site)
		assert.Contains(t, stderr.String(), "还没有可提供的网站")
		code, body := get(t, base+"/complaints/")
		assert.Equal(t, http.StatusOK, code, "complaint intake never waits on content")
		assert.Contains(t, body, "测试站")
		code, body = postForm(t, base+"/complaints/", url.Values{
			"category": {"拖欠账款"}, "department": {"fgw"}, "title": {"工程款拖欠两年未付"},
			"description": {"某局拖欠我公司工程款两年，多次催要未果。"}, "name": {"张三"},
			"phone": {"13800000000"}, "consent": {"on"}, "website": {""},
		})
		assert.Equal(t, http.StatusSeeOther, code, body)

		writeNews(t, site, "第一次成功")
		eventually(t, "the first good build", func() bool { _, b := get(t, base+"/news/n1/"); return strings.Contains(b, "第一次成功") })
	})
}

func postForm(t *testing.T, target string, v url.Values) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(v.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	u, _ := url.Parse(target)
	req.Header.Set("Origin", u.Scheme+"://"+u.Host)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestBuildOutOfMemoryEndsOnlyTheBuild: a build over its memory bound ends
// its worker, not the server, which reports it and goes on serving.
func TestBuildOutOfMemoryEndsOnlyTheBuild(t *testing.T) {
	t.Parallel()
	site := writeMiniSite(t, "上一版动态")
	require.NoError(t, run(context.Background(), []string{"build", "-site", site}, &syncBuffer{}, &syncBuffer{}))
	// 8 MiB is less than any build needs: the worker runs out at once.
	base, _, stderr, _ := startServeIn(t, "-site", site, "-build-memory", "8")
	// The runtime says "out of memory", or near the bound fails otherwise.
	assert.Regexp(t, `重新生成进程(内存超过上限 8 MiB|异常退出.*-build-memory 提高上限（现为 8 MiB）)`, stderr.String())
	assert.Contains(t, stderr.String(), "继续提供上一版网站")
	code, body := get(t, base+"/news/n1/")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "上一版动态")
	code, _ = get(t, base+"/complaints/")
	assert.Equal(t, http.StatusOK, code)

	// Each rebuild gets a new worker, which fails the same way: the server
	// reports each and stays up.
	writeNews(t, site, "新动态")
	eventually(t, "the second failure", func() bool { return strings.Count(stderr.String(), "重新生成失败") >= 1 })
	code, _ = get(t, base+"/news/n1/")
	assert.Equal(t, http.StatusOK, code)
}

// TestStuckBuildIsCancelled: a build that ignores cancellation is killed
// within the grace period when a newer edit arrives, and the edit is
// built by a new worker; stopping the server kills a stuck build too.
// (Not parallel: the stall switch is in the environment.)
func TestStuckBuildIsCancelled(t *testing.T) {
	stall := filepath.Join(t.TempDir(), "stall")
	t.Setenv(stallEnv, stall)
	site := writeMiniSite(t, "第一版")
	base, stdout, stderr, stop := startServeIn(t, "-site", site)

	require.NoError(t, os.WriteFile(stall, nil, 0o644))
	writeNews(t, site, "卡住的一版")
	eventually(t, "the build to stall", func() bool { return strings.Contains(stderr.String(), "test: build stalls") })
	require.NoError(t, os.Remove(stall))
	writeNews(t, site, "第三版")
	eventually(t, "the cancellation", func() bool { return strings.Contains(stdout.String(), "重新生成已取消") })
	assert.Contains(t, stderr.String(), "重新生成进程已结束", "the log says the worker was killed")
	eventually(t, "the newer edit", func() bool { _, b := get(t, base+"/news/n1/"); return strings.Contains(b, "第三版") })

	require.NoError(t, os.WriteFile(stall, nil, 0o644))
	n := strings.Count(stderr.String(), "test: build stalls")
	writeNews(t, site, "又卡住")
	eventually(t, "the build to stall again", func() bool { return strings.Count(stderr.String(), "test: build stalls") > n })
	stop() // fails the test unless serve returns (the stall lasts an hour)
}

// TestNoGapThroughRebuilds (#9.3): clients fetching pages, feeds and
// searches without pause through 20 rebuilds see no error status and no
// partly written page.
func TestNoGapThroughRebuilds(t *testing.T) {
	t.Parallel()
	site := writeMiniSite(t, "版本 0")
	for i := range 30 {
		p := filepath.Join(site, "content", "news", fmt.Sprintf("m%02d.md", i))
		require.NoError(t, os.WriteFile(p, []byte(fmt.Sprintf("+++\ntitle = \"固定动态 %d\"\ndate = 2025-01-%02d\n+++\n正文 %d。\n", i, i%28+1, i)), 0o644))
	}
	base, _, stderr, _ := startServeIn(t, "-site", site, "-refresh", "0")
	targets := []struct{ path, want string }{
		{"/", "</html>"},
		{"/news/", "</html>"},
		{"/news/n1/", "</html>"},
		{"/news/m07/", "固定动态 7"},
		{"/sitemap.xml", "</urlset>"},
		{"/search/?q=" + url.QueryEscape("固定动态"), "</html>"},
		{"/api/search?q=" + url.QueryEscape("固定动态"), "固定动态"},
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var fetched atomic.Int64
	var mu sync.Mutex
	var failures []string
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; ctx.Err() == nil; i++ {
				tg := targets[i%len(targets)]
				code, body, err := fetch(client, base+tg.path)
				fetched.Add(1)
				if err != nil || code != http.StatusOK || !strings.Contains(body, tg.want) {
					mu.Lock()
					failures = append(failures, fmt.Sprintf("%s: %d %v (%d bytes)", tg.path, code, err, len(body)))
					mu.Unlock()
				}
			}
		}()
	}
	for i := 1; i <= 20; i++ {
		title := fmt.Sprintf("版本 %d", i)
		writeNews(t, site, title)
		eventually(t, title, func() bool { _, b := get(t, base+"/news/n1/"); return strings.Contains(b, title) })
	}
	cancel()
	wg.Wait()
	assert.Empty(t, failures, stderr.String())
	assert.Greater(t, fetched.Load(), int64(100))
}

func fetch(c *http.Client, u string) (int, string, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// TestOOMWatch: the runtime's out-of-memory message is seen even when the
// worker's output splits it across writes.
func TestOOMWatch(t *testing.T) {
	tests := []struct {
		name   string
		writes []string
		want   bool
	}{
		{"whole", []string{"fatal error: runtime: cannot allocate memory\n"}, true},
		{"split", []string{"fatal error: runtime: cannot all", "ocate memory\n"}, true},
		{"out of memory", []string{"runtime: out of memory: cannot allocate 4194304-byte block\n"}, true},
		{"a content error", []string{"content/news/n1.md:3:8: date: 2025-13-40 is not a date\n"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o oomWatch
			for _, w := range tt.writes {
				_, _ = o.Write([]byte(w))
			}
			assert.Equal(t, tt.want, o.outOfMemory())
		})
	}
}

// TestWorkerReportsContentErrors: a build refused for content errors comes
// back from the worker with the errors, file and line, for staff.
func TestWorkerReportsContentErrors(t *testing.T) {
	t.Parallel()
	site := writeMiniSite(t, "x")
	require.NoError(t, os.WriteFile(filepath.Join(site, "content", "news", "n1.md"), []byte(brokenNews), 0o644))
	w := newBuildWorker(site, filepath.Join(site, "public"), "http://127.0.0.1:1/", "", 0, &syncBuffer{}, &syncBuffer{})
	defer w.close()
	_, err := w.build(context.Background())
	require.ErrorIs(t, err, errReported)
	var ce *contentErrors
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.lines, 1)
	assert.Contains(t, ce.lines[0], "content/news/n1.md:3:")

	writeNews(t, site, "修好了")
	_, err = w.build(context.Background())
	require.NoError(t, err, "the same worker builds the fixed content")
}

// TestSiteStatus: what the back office is told about the public site.
func TestSiteStatus(t *testing.T) {
	var s siteStatus
	assert.Nil(t, s.problem())
	s.record(&contentErrors{lines: []string{"content/a.md:1:1: x"}, more: 2})
	p := s.problem()
	require.NotNil(t, p)
	assert.Equal(t, "网站内容有 3 处错误", p.Summary)
	assert.Equal(t, []string{"content/a.md:1:1: x"}, p.Lines)
	since := p.Since

	s.record(errBuildCancelled)
	assert.Same(t, p, s.problem(), "a cancelled build says nothing")
	s.record(fmt.Errorf("重新生成进程异常退出（signal: killed）"))
	assert.Equal(t, "重新生成进程异常退出（signal: killed）", s.problem().Summary)
	assert.Equal(t, since, s.problem().Since, "failing since the first failure")
	s.record(nil)
	assert.Nil(t, s.problem())
}

func TestLineCapture(t *testing.T) {
	c := &lineCapture{max: 2}
	for _, w := range []string{"进度 10%\r", "content/a.md:3:8: date: bad\ncontent/b", ".md:4:1: bogus\nportal: errors reported above\n", "data/x.csv:9: more\n"} {
		_, _ = c.Write([]byte(w))
	}
	lines, more := c.lines()
	assert.Equal(t, []string{"content/a.md:3:8: date: bad", "content/b.md:4:1: bogus"}, lines)
	assert.Equal(t, 1, more)
}

// TestWorkerIsTheOOMKillersFirstChoice: the worker raises its own OOM
// score, so a machine short of memory loses a build, not the server.
func TestWorkerIsTheOOMKillersFirstChoice(t *testing.T) {
	if _, err := os.Stat("/proc/self/oom_score_adj"); err != nil {
		t.Skip("no /proc/self/oom_score_adj (not Linux)")
	}
	t.Parallel()
	site := writeMiniSite(t, "x")
	w := newBuildWorker(site, filepath.Join(site, "public"), "http://127.0.0.1:1/", "", 0, &syncBuffer{}, &syncBuffer{})
	require.NoError(t, w.start())
	defer w.kill()
	pid := w.cmd.Process.Pid
	eventually(t, "the worker's score", func() bool {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/oom_score_adj", pid))
		return err == nil && strings.TrimSpace(string(b)) == "800"
	})
}

// TestPublishedFilesReadableUnderPrivateUmask: serve runs with umask 077
// (for the complaint store), yet the site its worker writes can be read by
// a web server running as another user. (Not parallel: umask is per
// process.)
func TestPublishedFilesReadableUnderPrivateUmask(t *testing.T) {
	old := syscall.Umask(0o077)
	defer syscall.Umask(old)
	site := writeMiniSite(t, "x")
	w := newBuildWorker(site, filepath.Join(site, "public"), "http://127.0.0.1:1/", "", 0, &syncBuffer{}, &syncBuffer{})
	defer w.close()
	_, err := w.build(context.Background())
	require.NoError(t, err)
	for _, p := range []string{"public/", "public/index.html", "public/news/n1/index.html"} {
		st, err := os.Stat(filepath.Join(site, p))
		require.NoError(t, err)
		assert.NotZero(t, st.Mode().Perm()&0o004, "%s is readable by others: %v", p, st.Mode())
	}
	st, err := os.Stat(filepath.Join(site, ".portal", "intake.db"))
	if err == nil {
		assert.Zero(t, st.Mode().Perm()&0o077, "the complaint store stays private")
	}
}

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startServeIn runs `portal serve` in this process with args and returns
// its address and a stop function that waits for a clean shutdown.
func startServeIn(t *testing.T, args ...string) (base string, stdout, stderr *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0", "-admin-addr", "off"}, args...), stdout, stderr)
	}()
	addrRe := regexp.MustCompile(`\(serving\) (http://127\.0\.0\.1:\d+)/`)
	eventually(t, "the server to print its address", func() bool {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s", err, stderr.String())
		default:
		}
		return addrRe.MatchString(stdout.String())
	})
	base = addrRe.FindStringSubmatch(stdout.String())[1]
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				assert.NoError(t, err)
			case <-time.After(30 * time.Second):
				t.Error("serve did not shut down")
			}
		})
	}
	t.Cleanup(stop)
	return base, stdout, stderr, stop
}

// TestServeProductionLinks: in production every link, feed id, the sitemap
// and robots.txt name the public address, never the listen address; a
// development server names its own address; -base-url overrides both.
func TestServeProductionLinks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		public string // "" = the listen address
	}{
		{"development", nil, ""},
		{"production takes base_url", []string{"-production"}, "https://example.gov.cn/"},
		{"-base-url overrides", []string{"-production", "-base-url", "https://xyxx.example.gov.cn/portal"}, "https://xyxx.example.gov.cn/portal/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			site := writeMiniSite(t, "第一条动态")
			base, stdout, stderr, _ := startServeIn(t, append([]string{"-site", site, "-watch=false"}, tt.args...)...)
			public := tt.public
			if public == "" {
				public = base + "/"
			} else {
				assert.Contains(t, stdout.String(), "公开地址 (public address) "+public)
			}
			_, home := get(t, base+"/")
			assert.Contains(t, home, `<link rel="canonical" href="`+public+`">`)
			_, sitemap := get(t, base+"/sitemap.xml")
			assert.Contains(t, sitemap, "<loc>"+public+"news/n1/</loc>")
			_, robots := get(t, base+"/robots.txt")
			assert.Contains(t, robots, "Sitemap: "+public+"sitemap.xml")
			_, atom := get(t, base+"/atom.xml")
			assert.Contains(t, atom, "<id>"+public)
			_, rss := get(t, base+"/feed.xml")
			assert.Contains(t, rss, "<link>"+public+"news/n1/</link>")
			for _, b := range []string{home, sitemap, robots, atom, rss} {
				if tt.public != "" {
					assert.NotContains(t, b, base, "no link to the listen address")
				}
			}
			if tt.public != "" {
				// Production logs are JSON lines (one per request error, start-up note…).
				for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
					if strings.HasPrefix(line, "{") {
						assert.Contains(t, line, `"level":`)
					}
				}
			}
		})
	}
}

func TestServeProductionNeedsBaseURL(t *testing.T) {
	t.Parallel()
	site := writeCheckSite(t, map[string]string{"portal.toml": "title = \"测试\"\n", "data/departments.toml": testRegistry})
	code, _, stderr := runExit(t, "serve", "-site", site, "-addr", "127.0.0.1:0", "-production")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "portal.toml has no base_url")
	code, _, stderr = runExit(t, "serve", "-site", site, "-addr", "127.0.0.1:0", "-base-url", "xyxx.example.gov.cn")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "not an absolute web address")
}

// TestServeStatsFromFirstStart: /complaints/stats/ is there on a fresh
// site's first start (no complaint yet), and shows a complaint soon after
// it arrives, without any content change.
func TestServeStatsFromFirstStart(t *testing.T) {
	t.Parallel()
	site := writeMiniSite(t, "动态")
	base, stdout, _, _ := startServeIn(t, "-site", site, "-watch=false", "-refresh", "100ms")
	code, body := get(t, base+"/complaints/stats/")
	require.Equal(t, http.StatusOK, code, "the figures page exists from the first start")
	assert.Contains(t, body, "<li>收到 0 件</li>")
	resp, err := http.Post(base+"/api/complaints", "application/json", strings.NewReader(
		`{"category":"拖欠账款","department":"fgw","title":"工程款拖欠","description":"某局拖欠我公司工程款两年，多次催要未果。","name":"张三","phone":"13800000000","consent":true}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	eventually(t, "the figures to be rebuilt", func() bool { return strings.Contains(stdout.String(), "重新生成（投诉数据变化）") })
	eventually(t, "the new figures", func() bool {
		_, b := get(t, base+"/complaints/stats/")
		return strings.Contains(b, "<li>收到 1 件</li>")
	})
}

func TestRebuildsCoalesce(t *testing.T) {
	t.Parallel()
	rb := newRebuilds()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var runs []string
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	go rb.run(ctx, func(_ context.Context, reasons string) {
		mu.Lock()
		runs = append(runs, reasons)
		mu.Unlock()
		started <- struct{}{}
		<-release
	})
	rb.request(reasonContent)
	<-started
	// While one runs, many requests make one next rebuild with every reason.
	for range 5 {
		rb.request(reasonFigures)
		rb.request(reasonDay)
		rb.request(reasonFigures)
	}
	release <- struct{}{}
	<-started
	release <- struct{}{}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{reasonContent, reasonFigures + "、" + reasonDay}, runs)
}

// TestContentChangeCancelsRebuild: an edit while a rebuild runs cancels it
// (it builds what is already out of date) and the next rebuild starts with
// the edit; a new day or new figures do not cancel it.
func TestContentChangeCancelsRebuild(t *testing.T) {
	t.Parallel()
	rb := newRebuilds()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type run struct {
		reasons string
		ctx     context.Context
	}
	runs := make(chan run, 10)
	release := make(chan struct{})
	go rb.run(ctx, func(ctx context.Context, reasons string) {
		runs <- run{reasons, ctx}
		select {
		case <-ctx.Done():
		case <-release:
		}
	})
	rb.request(reasonDay)
	first := <-runs
	rb.request(reasonFigures)
	assert.NoError(t, first.ctx.Err(), "new figures do not cancel a running rebuild")
	rb.request(reasonContent)
	<-first.ctx.Done()
	second := <-runs
	assert.Equal(t, reasonFigures+"、"+reasonContent, second.reasons)
	assert.NoError(t, second.ctx.Err())
	close(release)
}

// TestWatchDay: the rebuild for a new day comes at the first look after
// midnight in the site's zone, not at midnight UTC, and once per day.
func TestWatchDay(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	var now atomic.Pointer[time.Time]
	set := func(s string) {
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
		require.NoError(t, err)
		now.Store(&v)
	}
	set("2025-06-30 23:59:00")
	live := &liveState{}
	live.set(time.Date(2025, 6, 30, 0, 0, 0, 0, loc), 0, true)
	var requests atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go watchDay(ctx, func() time.Time { return *now.Load() }, loc, live.builtDay, time.Millisecond, func(r string) {
		assert.Equal(t, reasonDay, r)
		requests.Add(1)
	})
	time.Sleep(30 * time.Millisecond)
	assert.Zero(t, requests.Load(), "still 30 June in Shanghai")
	set("2025-07-01 00:00:10") // 16:00 UTC the day before
	eventually(t, "the midnight rebuild", func() bool { return requests.Load() > 0 })
	live.set(time.Date(2025, 7, 1, 0, 0, 0, 0, loc), 0, true) // the rebuild happened
	n := requests.Load()
	time.Sleep(30 * time.Millisecond)
	assert.LessOrEqual(t, requests.Load()-n, int32(1), "no more requests once the live build is for the new day")
}

func TestWatchFigures(t *testing.T) {
	t.Parallel()
	var count atomic.Int64
	live := &liveState{}
	live.set(time.Now(), 3, true)
	count.Store(3)
	var requests atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failing := atomic.Bool{}
	go watchFigures(ctx, func(context.Context) (int64, error) {
		if failing.Load() {
			return 0, fmt.Errorf("store down")
		}
		return count.Load(), nil
	}, live.builtChanges, time.Millisecond, func(string) { requests.Add(1) })
	time.Sleep(30 * time.Millisecond)
	assert.Zero(t, requests.Load(), "nothing changed")
	failing.Store(true)
	time.Sleep(30 * time.Millisecond)
	assert.Zero(t, requests.Load(), "an unreadable store is not a change")
	failing.Store(false)
	count.Store(4)
	eventually(t, "the figures rebuild", func() bool { return requests.Load() > 0 })
}

// TestServeNoBuildFollowsBuilds: a build host (here `portal build` in the
// same site folder) builds; `serve -no-build` serves that output without
// building, and follows each new build: its pages, its search index and
// the title on pages rendered on request.
func TestServeNoBuildFollowsBuilds(t *testing.T) {
	t.Parallel()
	site := writeMiniSite(t, "第一条动态")
	code, _, stderr := runExit(t, "serve", "-site", site, "-addr", "127.0.0.1:0", "-no-build")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "run portal build -site "+site+" first")

	code, _, stderr = runExit(t, "build", "-site", site)
	require.Equal(t, 0, code, stderr)
	base, stdout, _, _ := startServeIn(t, "-site", site, "-no-build", "-production")
	assert.NotContains(t, stdout.String(), "已生成", "it builds nothing")
	_, home := get(t, base+"/")
	assert.Contains(t, home, "第一条动态")
	_, found := get(t, base+"/search/?q=第一条动态")
	assert.Contains(t, found, "news/n1/")

	// The build host publishes a new build: new content and a new title.
	writeFile := func(name, text string) {
		require.NoError(t, os.WriteFile(filepath.Join(site, filepath.FromSlash(name)), []byte(text), 0o644))
	}
	writeFile("content/news/n2.md", "+++\ntitle = \"第二条动态\"\ndate = 2025-01-03\n+++\n新的正文。\n")
	writeFile("portal.toml", "base_url = \"https://example.gov.cn/\"\ntitle = \"改名后的测试站\"\n")
	code, _, stderr = runExit(t, "build", "-site", site)
	require.Equal(t, 0, code, stderr)
	_, home = get(t, base+"/")
	assert.Contains(t, home, "第二条动态", "the new build is served at once")
	eventually(t, "the new index", func() bool { _, b := get(t, base+"/search/?q=第二条动态"); return strings.Contains(b, "news/n2/") })
	eventually(t, "the new layouts' data", func() bool {
		_, b := get(t, base+"/search/?q=动态")
		return strings.Contains(b, "改名后的测试站")
	})
	assert.Contains(t, stdout.String(), "已切换到新生成的网站")
}

package deploy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const site = "https://" + host

// The complaint rate limit of the replicas: a burst of postBurst, then
// postsPerMinute, per client and per replica.
const (
	postBurst      = 10
	postsPerMinute = 6
)

// receipt is what POST /api/complaints answers.
type receipt struct {
	Receipt   string `json:"receipt"`
	QueryCode string `json:"query_code"`
}

func complaintJSON(title string) string {
	return fmt.Sprintf(`{"category":"拖欠账款","department":"fgw","title":%q,"description":"某局拖欠我公司工程款两年，多次催要未果。","name":"张三","phone":"13800000000","consent":true}`, title)
}

// submit posts a complaint through c; it returns the receipt when the
// complaint was acknowledged (201) and the status either way.
func submit(c *http.Client, title string) (receipt, int, error) {
	resp, err := c.Post(site+"/api/complaints", "application/json", strings.NewReader(complaintJSON(title)))
	if err != nil {
		return receipt{}, 0, err
	}
	defer resp.Body.Close()
	var r receipt
	if resp.StatusCode == http.StatusCreated {
		err = json.NewDecoder(resp.Body).Decode(&r)
	} else {
		io.Copy(io.Discard, resp.Body)
	}
	return r, resp.StatusCode, err
}

func getBody(t *testing.T, c *http.Client, url string) (int, string) {
	t.Helper()
	resp, err := c.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestReplicasBehindNginx is the production shape of DEPLOY.md, end to end:
// nginx with TLS in front of two replicas sharing PostgreSQL.
func TestReplicasBehindNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL-backed replicas and nginx")
	}
	nginxPath(t)
	dsn, db := freshSchema(t, postgresDSN(t))
	bin := buildPortal(t)
	const token = "deploy-test-token-0123456789"
	// Each replica has its own copy of the site, as on its own machine; the
	// store is shared.
	// The rate limit is the shipped one's size, tight enough to see; nginx
	// on this machine is the trusted proxy, the clients come from other
	// loopback addresses.
	edit := func(cfg string) string {
		cfg = strings.Replace(cfg, "[complaints]\nstore = \"\"\n", "[complaints]\nposts_per_minute = "+
			fmt.Sprint(postsPerMinute)+"\npost_burst = "+fmt.Sprint(postBurst)+"\nstore = \""+dsn+"\"\n", 1)
		return cfg + "\n[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\n"
	}
	sites := []string{copySite(t, edit), copySite(t, edit)}
	for _, s := range sites {
		b, _ := os.ReadFile(filepath.Join(s, "portal.toml"))
		require.Contains(t, string(b), dsn, "the shipped portal.toml changed: update the test's edit")
	}
	// Started together, as after a power cut: they migrate the store once.
	var replicas [2]*replica
	var errs [2]error
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			replicas[i], errs[i] = startReplica(t, bin, fmt.Sprintf("replica %d", i+1), sites[i],
				[]string{"PORTAL_ADMIN_TOKEN=" + token}, "-refresh", "300ms")
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	px := startNginx(t, "nginx-replicas.conf", map[string]string{
		"server 127.0.0.1:1313 ": "server " + replicas[0].base[len("http://"):] + " ",
		"server 127.0.0.1:1323 ": "server " + replicas[1].base[len("http://"):] + " ",
	})
	browse := px.client("127.0.0.1")

	t.Run("pages and search through the proxy, over TLS", func(t *testing.T) {
		code, home := getBody(t, browse, site+"/")
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, home, `<link rel="canonical" href="`+site+`/">`, "links name the public address")
		assert.NotContains(t, home, "127.0.0.1")
		code, body := getBody(t, browse, site+"/search/?q=营商环境")
		require.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "营商环境")
		resp, err := browse.Get("http://" + host + "/commitments/")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusMovedPermanently, resp.StatusCode)
		assert.Equal(t, site+"/commitments/", resp.Header.Get("Location"), "plain HTTP goes to HTTPS")
	})

	t.Run("complaints through either replica are stored once, seen by staff and in the figures", func(t *testing.T) {
		const n = 12
		var receipts []string
		for i := range n {
			// A new real client every few posts: far below any limit.
			c := px.client(fmt.Sprintf("127.0.1.%d", 1+i/3))
			r, code, err := submit(c, fmt.Sprintf("两副本投诉第%d件", i))
			require.NoError(t, err)
			require.Equal(t, http.StatusCreated, code)
			receipts = append(receipts, r.Receipt)
		}
		log := px.accessLog(t)
		for _, r := range replicas {
			assert.Contains(t, log, "upstream="+r.base[len("http://"):], "nginx sent complaints to %s", r.name)
		}
		var rows, distinct int
		require.NoError(t, db.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT title) FROM complaints WHERE title LIKE '两副本投诉第%'`).Scan(&rows, &distinct))
		assert.Equal(t, n, rows, "each complaint stored once")
		assert.Equal(t, n, distinct)
		for _, r := range replicas {
			req, _ := http.NewRequest("GET", r.office+"/api/admin/complaints", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var list struct {
				Complaints []struct {
					Receipt string `json:"receipt"`
				} `json:"complaints"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&list))
			resp.Body.Close()
			seen := map[string]bool{}
			for _, c := range list.Complaints {
				seen[c.Receipt] = true
			}
			for _, rc := range receipts {
				assert.True(t, seen[rc], "%s's staff see %s", r.name, rc)
			}
		}
		// Both replicas publish the new figures (each rebuilds when the
		// shared history grows).
		for _, r := range replicas {
			want := fmt.Sprintf("<li>收到 %d 件</li>", n)
			deadline := time.Now().Add(2 * time.Minute)
			for {
				code, body := getBody(t, http.DefaultClient, r.base+"/complaints/stats/")
				if code == http.StatusOK && strings.Contains(body, want) {
					break
				}
				require.True(t, time.Now().Before(deadline), "%s never showed %s", r.name, want)
				time.Sleep(200 * time.Millisecond)
			}
		}
	})

	t.Run("the rate limit holds per real client behind the proxy, per replica", func(t *testing.T) {
		// One client posting fast: each replica lets its burst through,
		// then refuses (nginx alternates between the two), whatever the
		// client writes in X-Forwarded-For.
		flood := px.client("127.0.6.1")
		acked, refused := 0, 0
		for i := range 4 * postBurst {
			req, _ := http.NewRequest("POST", site+"/api/complaints", strings.NewReader(complaintJSON(fmt.Sprintf("限流测试%d", i))))
			req.Header.Set("Content-Type", "application/json")
			if i >= postBurst {
				// Spoofed: a new address each time, to escape the limit.
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.9.%d.%d", i/250, i%250+1))
				req.Header.Set("X-Real-IP", fmt.Sprintf("10.8.%d.%d", i/250, i%250+1))
			}
			resp, err := flood.Do(req)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			switch resp.StatusCode {
			case http.StatusCreated:
				acked++
			case http.StatusTooManyRequests:
				refused++
				assert.NotEmpty(t, resp.Header.Get("Retry-After"))
			default:
				t.Fatalf("post %d: status %d", i, resp.StatusCode)
			}
		}
		t.Logf("one client: %d acknowledged, %d refused (burst %d on each of 2 replicas)", acked, refused, postBurst)
		assert.GreaterOrEqual(t, acked, postBurst, "a citizen's burst goes through")
		assert.LessOrEqual(t, acked, 2*postBurst+2, "the limit holds per replica: spoofed headers do not escape it")
		assert.Positive(t, refused)
		// Another citizen behind the same proxy is not held by the first.
		for i := range 3 {
			_, code, err := submit(px.client("127.0.6.2"), fmt.Sprintf("另一位市民%d", i))
			require.NoError(t, err)
			assert.Equal(t, http.StatusCreated, code, "another client keeps its own limit")
		}
	})

	t.Run("a form over the upload limit is refused by serve, keeping what the citizen typed", func(t *testing.T) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		for k, v := range map[string]string{"category": "拖欠账款", "department": "fgw", "title": "附件过大的投诉",
			"description": "某局拖欠我公司工程款两年，合同编号 2023-018，多次催要未果。", "name": "张三",
			"phone": "13800000000", "consent": "on"} {
			require.NoError(t, w.WriteField(k, v))
		}
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="attachments"; filename="scan.pdf"`)
		h.Set("Content-Type", "application/pdf")
		part, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = part.Write(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 20<<20)...))
		require.NoError(t, err)
		require.NoError(t, w.Close())
		req, _ := http.NewRequest("POST", site+"/complaints/", &b)
		req.Header.Set("Content-Type", w.FormDataContentType())
		req.Header.Set("Origin", site)
		resp, err := px.client("127.0.6.9").Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
		assert.Contains(t, string(body), "附件过大的投诉", "the title is kept")
		assert.Contains(t, string(body), "合同编号 2023-018", "the description is kept")
		assert.Contains(t, string(body), "请改选较小的文件")
		assert.Contains(t, string(body), "临沂", "the page is in the site's theme, not nginx's")
	})

	t.Run("a rebuild on a replica causes no failed request", func(t *testing.T) {
		r := replicas[0]
		builds := strings.Count(r.output(), "已生成")
		stop := make(chan struct{})
		var fetched atomic.Int64
		var failures []string
		var mu sync.Mutex
		var fetchers sync.WaitGroup
		for w := range 3 {
			fetchers.Add(1)
			go func() {
				defer fetchers.Done()
				c := px.client(fmt.Sprintf("127.0.7.%d", w+1))
				paths := []string{"/", "/commitments/", "/search/?q=承诺", "/sitemap.xml", "/complaints/stats/"}
				for i := w; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					p := paths[i%len(paths)]
					resp, err := c.Get(site + p)
					fetched.Add(1)
					if err != nil {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%s: %v", p, err))
						mu.Unlock()
						continue
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK || len(b) == 0 {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%s: %d %v", p, resp.StatusCode, err))
						mu.Unlock()
					}
				}
			}()
		}
		// An editor's change on replica 1: it rebuilds while serving.
		news, err := filepath.Glob(filepath.Join(r.site, "content", "news", "*.md"))
		require.NoError(t, err)
		require.NotEmpty(t, news)
		b, err := os.ReadFile(news[0])
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(news[0], append(b, []byte("\n补充说明。\n")...), 0o644))
		deadline := time.Now().Add(2 * time.Minute)
		for strings.Count(r.output(), "已生成") <= builds {
			require.True(t, time.Now().Before(deadline), "replica 1 never rebuilt:\n%s", r.output())
			time.Sleep(100 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // requests right after the swap too
		close(stop)
		fetchers.Wait()
		t.Logf("%d requests through a rebuild", fetched.Load())
		assert.Empty(t, failures)
	})

	t.Run("kill -9 of a replica loses no acknowledged complaint, and nginx answers through the other", func(t *testing.T) {
		type ack struct{ receipt, code, title string }
		var (
			mu        sync.Mutex
			acked     []ack
			failed    int
			afterDead []string // failures of requests sent after the replica was gone
			killed    = make(chan struct{})
			once      sync.Once
			clients   sync.WaitGroup
			deadAt    atomic.Pointer[time.Time]
		)
		go func() {
			<-replicas[1].exited
			now := time.Now()
			deadAt.Store(&now)
		}()
		const perClient, nClients = 8, 24
		for ci := range nClients {
			clients.Add(1)
			go func() {
				defer clients.Done()
				c := px.client(fmt.Sprintf("127.0.4.%d", ci+1))
				for i := range perClient {
					title := fmt.Sprintf("宕机测试%d-%d", ci, i)
					sent := time.Now()
					r, code, err := submit(c, title)
					mu.Lock()
					if err == nil && code == http.StatusCreated {
						acked = append(acked, ack{r.Receipt, r.QueryCode, title})
						if len(acked) == nClients*perClient/3 {
							once.Do(func() {
								close(killed)
								assert.NoError(t, replicas[1].cmd.Process.Signal(syscall.SIGKILL))
							})
						}
					} else {
						failed++ // in flight on the killed replica: never acknowledged
						if d := deadAt.Load(); d != nil && sent.After(*d) {
							afterDead = append(afterDead, fmt.Sprintf("%s: %d %v", title, code, err))
						}
					}
					mu.Unlock()
				}
			}()
		}
		clients.Wait()
		<-killed
		<-replicas[1].exited
		t.Logf("%d acknowledged, %d not (in flight at the kill)", len(acked), failed)
		assert.Greater(t, len(acked), nClients*perClient/2, "most submissions succeed, through the surviving replica")
		assert.Empty(t, afterDead, "once the replica is gone, nginx sends every submission to the other")

		for _, a := range acked {
			var n int
			require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM complaints WHERE receipt = $1 AND title = $2`, a.receipt, a.title).Scan(&n))
			assert.Equal(t, 1, n, "acknowledged %s (%s) is stored once", a.receipt, a.title)
		}
		// The complainant can still look it up, through the proxy.
		c := px.client("127.0.5.1")
		for _, a := range acked[:5] {
			resp, err := c.Post(site+"/api/complaints/status", "application/json",
				strings.NewReader(fmt.Sprintf(`{"receipt":%q,"query_code":%q}`, a.receipt, a.code)))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode)
		}
		// Pages keep coming, every one of them, with one replica gone.
		for i := range 20 {
			code, _ := getBody(t, browse, site+[]string{"/", "/commitments/", "/search/?q=承诺"}[i%3])
			assert.Equal(t, http.StatusOK, code)
		}
	})
}

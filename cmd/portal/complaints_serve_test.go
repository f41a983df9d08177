package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
)

// servedSite copies the shipped site into a temporary folder with the POST
// limits raised (the tests submit from one address), or skips.
func servedSite(t *testing.T) string {
	t.Helper()
	root := filepath.Join("..", "..")
	cfg, err := os.ReadFile(filepath.Join(root, "portal.toml"))
	require.NoError(t, err, "the shipped site")
	dir := t.TempDir()
	raised := strings.Replace(string(cfg), "[complaints]\n", "[complaints]\nposts_per_minute = 6000000\npost_burst = 100000\n", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.toml"), []byte(raised), 0o644))
	copyTree(t, filepath.Join(root, "content"), filepath.Join(dir, "content"))
	copyTree(t, filepath.Join(root, "data"), filepath.Join(dir, "data"))
	return dir
}

// portalBinary builds the real program once per test.
func portalBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "portal")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}

var servingRe = regexp.MustCompile(`\(serving\) (http://[^ ]+)/`)

type served struct {
	cmd  *exec.Cmd
	base string
	out  *bufio.Scanner
}

// startServe runs `portal serve` on a free port and waits for its address.
func startServe(t *testing.T, bin, site string) *served {
	t.Helper()
	cmd := exec.Command(bin, "serve", "-site", site, "-addr", "127.0.0.1:0")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := servingRe.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stdout) // keep the pipe drained
			return &served{cmd: cmd, base: m[1], out: sc}
		}
	}
	cmd.Wait()
	t.Fatalf("portal serve did not start: %s", stderr.String())
	return nil
}

// TestServeSIGKILLKeepsAcknowledged runs the real `portal serve`, submits
// complaints concurrently, kills it with SIGKILL midway, restarts it, and
// finds every acknowledged complaint with its query code; then SIGTERM stops
// it cleanly.
func TestServeSIGKILLKeepsAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the program")
	}
	site := servedSite(t)
	bin := portalBinary(t)
	s := startServe(t, bin, site)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 10 * time.Second}
	body := func(i int) string {
		return fmt.Sprintf(`{"category":"拖欠账款","department":"fgw","title":"工程款拖欠第%d件","description":"某局拖欠我公司工程款两年，多次催要未果。","name":"张三","phone":"13800000000","consent":true}`, i)
	}
	type ack struct{ receipt, code, title string }
	var (
		mu     sync.Mutex
		acked  []ack
		wg     sync.WaitGroup
		once   sync.Once
		killed = make(chan struct{})
		next   int
	)
	const killAt = 200
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				next++
				i := next
				mu.Unlock()
				resp, err := client.Post(s.base+"/api/complaints", "application/json", strings.NewReader(body(i)))
				var r intake.Receipt
				if err == nil {
					if resp.StatusCode != http.StatusCreated {
						t.Errorf("status %d", resp.StatusCode)
					}
					err = json.NewDecoder(resp.Body).Decode(&r)
					resp.Body.Close()
				}
				if err != nil {
					select {
					case <-killed:
					default:
						t.Errorf("submit before the kill: %v", err)
					}
					return
				}
				mu.Lock()
				acked = append(acked, ack{r.Receipt, r.QueryCode, fmt.Sprintf("工程款拖欠第%d件", i)})
				n := len(acked)
				mu.Unlock()
				if n >= killAt {
					once.Do(func() {
						close(killed)
						assert.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
					})
				}
			}
		}()
	}
	wg.Wait()
	s.cmd.Wait()
	require.GreaterOrEqual(t, len(acked), killAt)

	s2 := startServe(t, bin, site)
	for _, a := range acked {
		resp, err := client.Post(s2.base+"/api/complaints/status", "application/json",
			strings.NewReader(fmt.Sprintf(`{"receipt":%q,"query_code":%q}`, a.receipt, a.code)))
		require.NoError(t, err)
		var st intake.PublicStatus
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "acknowledged %s lost", a.receipt)
		assert.Equal(t, a.title, st.Title)
	}
	t.Logf("%d acknowledged before SIGKILL, all found after restart", len(acked))

	require.NoError(t, s2.cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, s2.cmd.Wait(), "SIGTERM: a clean exit")
}

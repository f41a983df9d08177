package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/sqlite"
)

// The crash tests run the intake server in a child process (this test
// binary, re-executed with PORTAL_INTAKE_CHILD set to a database path): the
// SQLite store, the handler and an http.Server that drains on SIGTERM, as
// `portal serve` wires them.
func TestMain(m *testing.M) {
	if db := os.Getenv("PORTAL_INTAKE_CHILD"); db != "" {
		os.Exit(childServer(db))
	}
	os.Exit(m.Run())
}

func childServer(db string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer store.Close()
	svc := intake.NewService(intake.Config{Store: store, Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}}})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var entered sync.Once
	h := New(Options{Complaints: svc, PostRate: 1e9, PostBurst: 1e9})
	srv := &http.Server{
		// Tell the drain test when the first request is in the handler:
		// net/http drops a request whose headers arrive during Shutdown
		// before it reaches a handler, so in flight means in a handler.
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			entered.Do(func() { fmt.Println("handling") })
			h.ServeHTTP(w, r)
		}),
	}
	fmt.Println("listening", ln.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintln(os.Stderr, err)
		return 1
	case <-ctx.Done():
	}
	// Drain: stop accepting, finish in-flight requests, then exit.
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		fmt.Fprintln(os.Stderr, "shutdown:", err)
		return 1
	}
	fmt.Println("drained")
	return 0
}

type child struct {
	cmd  *exec.Cmd
	addr string
	out  *bufio.Scanner
}

func startChild(t *testing.T, db string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PORTAL_INTAKE_CHILD="+db)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	require.True(t, sc.Scan(), "child prints its address")
	addr, ok := strings.CutPrefix(sc.Text(), "listening ")
	require.True(t, ok, sc.Text())
	return &child{cmd: cmd, addr: addr, out: sc}
}

type ack struct{ Receipt, Code, Title string }

func submit(client *http.Client, addr, title string) (ack, error) {
	body := strings.Replace(goodJSON, "工程款拖欠两年未付", title, 1)
	resp, err := client.Post("http://"+addr+"/api/complaints", "application/json", strings.NewReader(body))
	if err != nil {
		return ack{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return ack{}, fmt.Errorf("status %d", resp.StatusCode)
	}
	var r intake.Receipt
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		// The process died after answering 201 but before the body arrived:
		// not acknowledged.
		return ack{}, err
	}
	return ack{r.Receipt, r.QueryCode, title}, nil
}

// TestSIGKILLLosesNoAcknowledgedComplaint submits concurrently, kills the
// server with SIGKILL midway, restarts it on the same database and finds
// every acknowledged complaint intact.
func TestSIGKILLLosesNoAcknowledgedComplaint(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	db := filepath.Join(t.TempDir(), "intake.db")
	c := startChild(t, db)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}, Timeout: 10 * time.Second}

	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	killAt := 300
	killed := make(chan struct{})
	var once sync.Once
	for w := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				a, err := submit(client, c.addr, fmt.Sprintf("工程款拖欠两年未付 w%d-%d", w, i))
				if err != nil {
					select {
					case <-killed:
						return // expected: the server is gone
					default:
					}
					t.Errorf("submit before the kill: %v", err)
					return
				}
				mu.Lock()
				acked = append(acked, a)
				n := len(acked)
				mu.Unlock()
				if n >= killAt {
					once.Do(func() {
						close(killed) // first, so no worker mistakes the kill for a failure
						assert.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
					})
				}
			}
		}()
	}
	wg.Wait()
	c.cmd.Wait()
	require.GreaterOrEqual(t, len(acked), killAt)

	c2 := startChild(t, db)
	seen := map[string]bool{}
	for _, a := range acked {
		require.False(t, seen[a.Receipt], "receipt %s acknowledged twice", a.Receipt)
		seen[a.Receipt] = true
		body := fmt.Sprintf(`{"receipt":%q,"query_code":%q}`, a.Receipt, a.Code)
		resp, err := client.Post("http://"+c2.addr+"/api/complaints/status", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		var st intake.PublicStatus
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "acknowledged %s is lost", a.Receipt)
		assert.Equal(t, a.Title, st.Title)
		assert.Equal(t, intake.StatusReceived, st.Status)
	}
	t.Logf("%d complaints acknowledged before SIGKILL, all found after restart", len(acked))
	// The restarted server keeps numbering after the last stored receipt.
	a, err := submit(client, c2.addr, "重启后的新投诉事项")
	require.NoError(t, err)
	assert.False(t, seen[a.Receipt], "a new receipt after restart")
}

// TestSIGTERMDrainsInFlight starts a request, sends SIGTERM while its body
// is still arriving, and expects the request to complete and the process to
// exit cleanly.
func TestSIGTERMDrainsInFlight(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	db := filepath.Join(t.TempDir(), "intake.db")
	c := startChild(t, db)
	conn, err := net.Dial("tcp", c.addr)
	require.NoError(t, err)
	defer conn.Close()
	half := len(goodJSON) / 2
	_, err = fmt.Fprintf(conn, "POST /api/complaints HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		c.addr, len(goodJSON), goodJSON[:half])
	require.NoError(t, err)
	// The child says when the request is in the handler (reading its body).
	require.True(t, c.out.Scan())
	require.Equal(t, "handling", c.out.Text())
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	_, err = io.WriteString(conn, goodJSON[half:])
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "the in-flight request completes")
	var rec intake.Receipt
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&rec))
	conn.Close()
	require.True(t, c.out.Scan())
	assert.Equal(t, "drained", c.out.Text())
	err = c.cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		t.Fatalf("child exited with %v", exit)
	}
	require.NoError(t, err)

	// And it is stored.
	store, err := sqlite.Open(context.Background(), db)
	require.NoError(t, err)
	defer store.Close()
	_, err = store.Get(context.Background(), rec.Receipt)
	require.NoError(t, err)
}

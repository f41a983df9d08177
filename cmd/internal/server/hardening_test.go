package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	f := newFixture(t, Options{PublicDir: t.TempDir(), PostRate: 0.001, PostBurst: 1})
	for _, tt := range []struct{ method, target, ctype, body string }{
		{"GET", "/", "", ""},
		{"GET", "/no/such/page/", "", ""},
		{"GET", "/complaints/", "", ""},
		{"GET", "/api/search?q=x", "", ""},
		{"POST", "/api/complaints", "application/json", goodJSON},
		{"POST", "/api/complaints", "application/json", goodJSON}, // 429
		{"POST", "/complaints/", "application/x-www-form-urlencoded", goodForm().Encode()},
	} {
		rec := f.do(tt.method, tt.target, tt.ctype, tt.body)
		h := rec.Header()
		where := fmt.Sprintf("%s %s → %d", tt.method, tt.target, rec.Code)
		assert.Contains(t, h.Get("Content-Security-Policy"), "default-src 'none'", where)
		assert.Contains(t, h.Get("Content-Security-Policy"), "frame-ancestors 'none'", where)
		assert.NotContains(t, h.Get("Content-Security-Policy"), "script-src", where)
		assert.Equal(t, "nosniff", h.Get("X-Content-Type-Options"), where)
		assert.Equal(t, "DENY", h.Get("X-Frame-Options"), where)
		assert.NotEmpty(t, h.Get("Referrer-Policy"), where)
		assert.Empty(t, h.Get("Strict-Transport-Security"), where)
	}
	assert.Equal(t, "no-referrer", f.do("GET", "/complaints/", "", "").Header().Get("Referrer-Policy"))

	https := newFixture(t, Options{HSTS: true})
	assert.Equal(t, "max-age=31536000", https.do("GET", "/", "", "").Header().Get("Strict-Transport-Security"))
}

// TestRefusalsKeepTheComplaint: a form refused for flooding or size comes
// back with everything typed and a Chinese instruction, in the theme.
func TestRefusalsKeepTheComplaint(t *testing.T) {
	t.Run("429 urlencoded", func(t *testing.T) {
		f := newFixture(t, Options{PostRate: 0.001, PostBurst: 1})
		f.do("POST", "/api/complaints/status", "application/json", `{"receipt":"x","query_code":"y"}`)
		form := goodForm()
		form.Set("description", "某局拖欠我公司工程款两年，合同编号 2023-018，多次催要未果。")
		rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", form.Encode())
		require.Equal(t, http.StatusTooManyRequests, rec.Code)
		assert.NotEmpty(t, rec.Header().Get("Retry-After"))
		call := f.pages.last(t)
		require.Equal(t, LayoutComplaintForm, call.Name)
		d := call.Data.(ComplaintFormData)
		assert.Equal(t, form.Get("description"), d.Values.Description)
		assert.Equal(t, "张三", d.Values.Name)
		assert.Equal(t, "13800000000", d.Values.Phone)
		assert.True(t, d.Values.Consent)
		assert.Contains(t, d.Message, "秒后再次提交")
		assert.Contains(t, d.Message, "您填写的内容已保留")
	})
	t.Run("429 multipart", func(t *testing.T) {
		f := newFixture(t, Options{PostRate: 0.001, PostBurst: 1})
		f.do("POST", "/api/complaints/status", "application/json", `{"receipt":"x","query_code":"y"}`)
		ctype, body := multipartForm(t, map[string]string{"title": "合同款项拖欠"}, upload{"a.pdf", "application/pdf", []byte("%PDF-1.4\n")})
		rec := f.post(ctype, body)
		require.Equal(t, http.StatusTooManyRequests, rec.Code)
		d := f.pages.last(t).Data.(ComplaintFormData)
		assert.Equal(t, "合同款项拖欠", d.Values.Title)
		assert.True(t, d.Values.Consent, "fields after the attachment are kept too")
	})
	t.Run("413 attachments too large", func(t *testing.T) {
		f := newFixture(t, Options{})
		big := bytes.Repeat([]byte("x"), MaxUploadBytes)
		ctype, body := multipartForm(t, map[string]string{"title": "合同款项拖欠"}, upload{"big.pdf", "application/pdf", append([]byte("%PDF-1.4\n"), big...)})
		rec := f.post(ctype, body)
		require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
		d := f.pages.last(t).Data.(ComplaintFormData)
		assert.Equal(t, "合同款项拖欠", d.Values.Title)
		assert.Equal(t, "张三", d.Values.Name)
		assert.Contains(t, d.Errors["attachments"], "请改选较小的文件")
	})
	t.Run("429 status lookup keeps the receipt", func(t *testing.T) {
		f := newFixture(t, Options{PostRate: 0.001, PostBurst: 1})
		f.do("POST", "/api/complaints/status", "application/json", `{"receipt":"x","query_code":"y"}`)
		rec := f.do("POST", "/complaints/status/", "application/x-www-form-urlencoded", "receipt=TS-20250115-000123&query_code=ABCD-EFGH-JKLM")
		require.Equal(t, http.StatusTooManyRequests, rec.Code)
		d := f.pages.last(t).Data.(ComplaintStatusData)
		assert.Equal(t, "TS-20250115-000123", d.Receipt)
		assert.NotContains(t, rec.Body.String(), "ABCD-EFGH-JKLM")
	})
	t.Run("other refusals are themed pages", func(t *testing.T) {
		f := newFixture(t, Options{})
		rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", goodForm().Encode(), "Sec-Fetch-Site", "cross-site")
		require.Equal(t, http.StatusForbidden, rec.Code)
		call := f.pages.last(t)
		assert.Equal(t, LayoutError, call.Name)
		assert.Equal(t, "请求被拒绝", call.Title)
		assert.Contains(t, call.Data.(ErrorPageData).Message, "跨站提交")
	})
}

// outageStore is the memory store that says which of its failures are
// outages, as the SQL stores do (a refused connection is one).
type outageStore struct{ *intaketest.Mem }

func (outageStore) Unavailable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

func TestStoreOutage(t *testing.T) {
	var logs syncBuffer
	mem := intaketest.NewMem()
	cal, err := intake.NewCalendar(time.FixedZone("CST", 8*3600), nil, nil)
	require.NoError(t, err)
	svc := intake.NewService(intake.Config{Store: outageStore{mem}, Calendar: cal, Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}}})
	pages := &fakePages{}
	f := &fixture{srv: New(Options{Complaints: svc, Pages: pages, PostRate: 1000, PostBurst: 1000}), mem: mem, svc: svc, pages: pages}
	f.srv.log = slog.New(NewQuietHandler(slog.NewTextHandler(&logs, nil), time.Hour))
	f.mem.Fail = &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}

	for range 200 {
		rec := f.do("POST", "/api/complaints", "application/json", goodJSON)
		require.Equal(t, http.StatusServiceUnavailable, rec.Code)
		assert.Equal(t, "30", rec.Header().Get("Retry-After"))
		body := decode[apiErrorBody](t, rec)
		assert.Contains(t, body.Error, "请稍后重试")
		assert.NotContains(t, rec.Body.String(), "connection refused")
	}
	rec := f.do("POST", "/complaints/", "application/x-www-form-urlencoded", goodForm().Encode())
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	d := f.pages.last(t).Data.(ComplaintFormData)
	assert.Equal(t, "张三", d.Values.Name, "the form comes back filled in")
	assert.Contains(t, d.Message, "您填写的内容已保留")

	lines := strings.Count(logs.String(), "complaint store unavailable")
	assert.Equal(t, 1, lines, "201 identical failures, one line:\n%s", logs.String())
	assert.NotContains(t, logs.String(), "level=ERROR")

	// The database comes back: the next submission is stored.
	f.mem.Fail = nil
	rec = f.do("POST", "/api/complaints", "application/json", goodJSON)
	assert.Equal(t, http.StatusCreated, rec.Code)
}

func TestQuietHandlerCounts(t *testing.T) {
	var out syncBuffer
	log := slog.New(NewQuietHandler(slog.NewTextHandler(&out, nil), 2*time.Second))
	for range 1000 {
		log.Error("store down", "err", "connection refused", "ref", newRef())
	}
	log.Error("another failure", "err", "x")
	log.Info("fine", "n", 1)
	log.Info("fine", "n", 1)
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "repeated=999") }, 15*time.Second, 20*time.Millisecond)
	assert.Equal(t, 2, strings.Count(out.String(), `msg="store down"`), "the first line and the count:\n%s", out.String())
	assert.Equal(t, 1, strings.Count(out.String(), "another failure"))
	assert.Equal(t, 2, strings.Count(out.String(), "msg=fine"), "info lines are never folded")
}

// syncBuffer is a bytes.Buffer safe for the logger's timer goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestInvalidUTF8IsRefused(t *testing.T) {
	f := newFixture(t, Options{})
	bad := strings.Replace(goodJSON, "张三", "张\xff三", 1)
	rec := f.do("POST", "/api/complaints", "application/json", bad)
	require.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, decode[apiErrorBody](t, rec).Error, "UTF-8")
	list, _ := f.mem.List(context.Background(), intake.Filter{})
	assert.Empty(t, list)
}

func TestSecureCookieBehindTLSProxy(t *testing.T) {
	f := newFixture(t, Options{TrustedProxies: prefixes(t, "127.0.0.1/32")})
	post := func(peer, proto string) *http.Cookie {
		req := httptest.NewRequest("POST", "/complaints/", strings.NewReader(goodForm().Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = peer
		req.Header.Set("X-Forwarded-Proto", proto)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", len(peer)))
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
		return rec.Result().Cookies()[0]
	}
	assert.True(t, post("127.0.0.1:5000", "https").Secure)
	assert.False(t, post("127.0.0.1:5000", "http").Secure)
	assert.False(t, post("203.0.113.5:5000", "https").Secure, "an untrusted peer cannot claim TLS")
}

// liveServer runs the handler the way serve does: NewHTTPServer on Listen.
func liveServer(t *testing.T, f *fixture, c HTTPConfig) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := NewHTTPServer(f.srv, c)
	go srv.Serve(Listen(ln, c))
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// raw sends a request as bytes and returns the status line's code (0 when
// the server closed the connection without answering).
func raw(t *testing.T, addr string, req string) (int, string) {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	_, err = io.WriteString(c, req)
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0, err.Error()
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHostileFraming(t *testing.T) {
	var logs syncBuffer
	f := newFixture(t, Options{BodyTimeout: 300 * time.Millisecond})
	f.srv.log = newTestLogger(&logs)
	addr := liveServer(t, f, HTTPConfig{HeaderTimeout: 300 * time.Millisecond})
	jsonHead := "POST /api/complaints HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"

	t.Run("obs-fold refused", func(t *testing.T) {
		code, _ := raw(t, addr, "GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n")
		assert.Equal(t, http.StatusBadRequest, code)
	})
	t.Run("keep-alive bodies are not mistaken for folds", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		br := bufio.NewReader(c)
		body := "{\r\n  \"receipt\": \"x\",\r\n  \"query_code\": \"y\"\r\n}"
		for i := range 3 {
			fmt.Fprintf(c, "POST /api/complaints/status HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
			resp, err := http.ReadResponse(br, nil)
			require.NoError(t, err)
			io.Copy(io.Discard, resp.Body)
			assert.Equal(t, http.StatusNotFound, resp.StatusCode, "request %d", i)
		}
	})
	t.Run("malformed chunk size is 400", func(t *testing.T) {
		code, _ := raw(t, addr, jsonHead+"Transfer-Encoding: chunked\r\n\r\nffffffffffffffffffff\r\n{}\r\n0\r\n\r\n")
		assert.Equal(t, http.StatusBadRequest, code)
	})
	t.Run("a body cut short is 400", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		fmt.Fprintf(c, "%sContent-Length: 500\r\n\r\n{\"title\":", jsonHead)
		c.(*net.TCPConn).CloseWrite()
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("too many header fields is 431", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("GET / HTTP/1.1\r\nHost: x\r\n")
		for i := range 150 {
			fmt.Fprintf(&b, "X-H%d: v\r\n", i)
		}
		b.WriteString("\r\n")
		code, _ := raw(t, addr, b.String())
		assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, code)
	})
	t.Run("headers over the size limit are 431", func(t *testing.T) {
		code, _ := raw(t, addr, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 64<<10)+"\r\n\r\n")
		assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, code)
	})
	t.Run("a trickling body is cut off", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		fmt.Fprintf(c, "%sContent-Length: 1000\r\n\r\n{", jsonHead)
		start := time.Now()
		done := make(chan int, 1)
		go func() {
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				done <- 0
				return
			}
			done <- resp.StatusCode
		}()
		for {
			select {
			case code := <-done:
				assert.Equal(t, http.StatusRequestTimeout, code)
				assert.Less(t, time.Since(start), 5*time.Second)
				return
			case <-time.After(50 * time.Millisecond):
				c.Write([]byte(" ")) // one byte at a time, forever
			}
		}
	})
	t.Run("trickling headers are cut off", func(t *testing.T) {
		c, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		defer c.Close()
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
		start := time.Now()
		for range 100 {
			if _, err := io.WriteString(c, "X-Slow: 1\r\n"); err != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
			c.SetReadDeadline(time.Now().Add(time.Millisecond))
			if _, err := c.Read(make([]byte, 1)); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
				break // the server gave up on us
			}
		}
		assert.Less(t, time.Since(start), 4*time.Second, "the header deadline closed the connection")
	})
	assert.NotContains(t, logs.String(), "level=ERROR", "client mistakes are not internal errors")
}

// TestConnectionBounds: an idle keep-alive connection is closed after the
// idle timeout, and connections beyond MaxConnections wait (in the
// kernel's queue) until one closes instead of being served at once.
func TestConnectionBounds(t *testing.T) {
	f := newFixture(t, Options{})
	addr := liveServer(t, f, HTTPConfig{IdleTimeout: 200 * time.Millisecond, MaxConnections: 1})

	first, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer first.Close()
	br := bufio.NewReader(first)
	io.WriteString(first, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	status := resp.StatusCode

	// While the first holds the only slot, a second is not answered.
	second, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer second.Close()
	io.WriteString(second, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	second.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	_, err = second.Read(make([]byte, 1))
	require.ErrorIs(t, err, os.ErrDeadlineExceeded, "the second connection waits while the first holds the only slot")

	// The idle first connection is closed by the server, not by us…
	first.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err = br.ReadByte()
	require.ErrorIs(t, err, io.EOF, "the server closes an idle keep-alive connection")
	// …which frees the slot: the second is answered.
	second.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(second), nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, status, resp.StatusCode)
}

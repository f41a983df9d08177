package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/netutil"
)

// HTTPConfig bounds what one client can hold of the server: time to send
// its headers, how long an idle keep-alive connection stays, header size,
// and how many connections are open at once. Zero values take the
// defaults.
type HTTPConfig struct {
	HeaderTimeout  time.Duration // default 10 s
	IdleTimeout    time.Duration // default 60 s
	MaxHeaderBytes int           // default 32 KiB
	MaxConnections int           // default 2048
}

// NewHTTPServer returns an http.Server for h with the bounds of c. Serve it
// on Listen's listener so folded headers are seen and connections counted.
func NewHTTPServer(h http.Handler, c HTTPConfig) *http.Server {
	c = c.withDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: c.HeaderTimeout,
		IdleTimeout:       c.IdleTimeout,
		MaxHeaderBytes:    c.MaxHeaderBytes,
		ConnContext: func(ctx context.Context, nc net.Conn) context.Context {
			if fc, ok := nc.(*foldConn); ok {
				return context.WithValue(ctx, connKey{}, fc)
			}
			return ctx
		},
		ConnState: func(nc net.Conn, st http.ConnState) {
			if fc, ok := nc.(*foldConn); ok && st == http.StateIdle {
				fc.nextRequest()
			}
		},
	}
}

func (c HTTPConfig) withDefaults() HTTPConfig {
	if c.HeaderTimeout <= 0 {
		c.HeaderTimeout = 10 * time.Second
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 60 * time.Second
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = 32 << 10
	}
	if c.MaxConnections <= 0 {
		c.MaxConnections = 2048
	}
	return c
}

// Listen wraps a plain-TCP listener (TLS ends at the proxy; never wrap a
// TLS listener, whose bytes are ciphertext) so that at most c.MaxConnections
// are open at once (the rest wait in the kernel's backlog) and each
// connection watches its request headers for obs-fold.
func Listen(ln net.Listener, c HTTPConfig) net.Listener {
	c = c.withDefaults()
	return foldListener{netutil.LimitListener(ln, c.MaxConnections)}
}

type foldListener struct{ net.Listener }

func (l foldListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &foldConn{Conn: c}, nil
}

type connKey struct{}

func connFrom(ctx context.Context) *foldConn {
	c, _ := ctx.Value(connKey{}).(*foldConn)
	return c
}

// foldConn scans the header section of each request for obs-fold (a header
// line starting with a space or tab), which Go's server would silently join
// to the line before. RFC 9112 lets a server reject such a request with
// 400 instead, and we do: folding is how smuggled and split headers hide.
// The scan starts with the connection and again whenever the server is
// idle between requests; body bytes are never scanned. (A pipelined
// request that the server read ahead before going idle is not scanned:
// browsers and proxies do not pipeline.)
type foldConn struct {
	net.Conn
	mu    sync.Mutex
	state foldState
	bad   bool
}

type foldState int

const (
	stateStart     foldState = iota // before the request line (blank lines allowed)
	stateLine                       // inside a line of the head
	stateLineStart                  // at the start of a header line
	stateCR                         // a CR at the start of a line: the head ends at LF
	stateBody                       // past the head: not scanned
)

func (c *foldConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.scan(p[:n])
		c.mu.Unlock()
	}
	return n, err
}

func (c *foldConn) scan(b []byte) {
	for _, ch := range b {
		switch c.state {
		case stateBody:
			return
		case stateStart:
			if ch != '\r' && ch != '\n' {
				c.state = stateLine
			}
		case stateLine:
			if ch == '\n' {
				c.state = stateLineStart
			}
		case stateLineStart:
			switch ch {
			case '\r':
				c.state = stateCR
			case '\n':
				c.state = stateBody
			case ' ', '\t':
				c.bad = true
				c.state = stateLine
			default:
				c.state = stateLine
			}
		case stateCR:
			if ch == '\n' {
				c.state = stateBody
			} else {
				c.state = stateLine
			}
		}
	}
}

// nextRequest starts scanning the next request's head.
func (c *foldConn) nextRequest() {
	c.mu.Lock()
	c.state, c.bad = stateStart, false
	c.mu.Unlock()
}

// folded reports whether the current request's head had a folded line.
func (c *foldConn) folded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bad
}

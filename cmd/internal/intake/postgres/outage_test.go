package postgres

import (
	"context"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
)

// cuttable is a TCP forwarder in front of PostgreSQL that can be cut (every
// connection dropped, new ones refused) and restored on the same port: a
// database outage as the server sees it.
type cuttable struct {
	target, addr string
	mu           sync.Mutex
	ln           net.Listener
	conns        []net.Conn
}

func newCuttable(t *testing.T, target string) *cuttable {
	c := &cuttable{target: target}
	c.listen(t, "127.0.0.1:0")
	t.Cleanup(c.cut)
	return c
}

func (c *cuttable) listen(t *testing.T, addr string) {
	var ln net.Listener
	require.Eventually(t, func() bool {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err == nil
	}, 5*time.Second, 50*time.Millisecond)
	c.mu.Lock()
	c.ln, c.addr = ln, ln.Addr().String()
	c.mu.Unlock()
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
}

func (c *cuttable) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ln != nil {
		c.ln.Close()
	}
	for _, x := range c.conns {
		x.Close()
	}
	c.conns = nil
}

// TestOutageIsUnavailableAndRecovers: with PostgreSQL unreachable a
// submission is refused as EUNAVAILABLE (the server's 503 with
// Retry-After), nothing is acknowledged, and once the database is back the
// next submission is stored with no restart.
func TestOutageIsUnavailableAndRecovers(t *testing.T) {
	dsn := freshSchema(t, testDSN(t))
	u, err := url.Parse(dsn)
	require.NoError(t, err)
	proxy := newCuttable(t, u.Host)
	u.Host = proxy.addr
	ctx := context.Background()
	s, err := Open(ctx, u.String())
	require.NoError(t, err)
	defer s.Close()
	cal, err := intake.NewCalendar(time.UTC, nil, nil)
	require.NoError(t, err)
	svc := intake.NewService(intake.Config{Store: s, Calendar: cal, Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}}})
	sub := intake.Submission{Category: "拖欠账款", Department: "fgw", Title: "工程款拖欠两年未付",
		Description: "某局拖欠我公司工程款两年，多次催要未果。", Name: "张三", Phone: "13800000000", Consent: true}

	_, err = svc.Submit(ctx, sub)
	require.NoError(t, err)

	proxy.cut()
	for i := range 3 {
		sub.Title = "断开期间的投诉" + string(rune('一'+i))
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = svc.Submit(cctx, sub)
		cancel()
		require.Error(t, err)
		assert.Equal(t, intake.EUNAVAILABLE, intake.ErrorCode(err), "%v", err)
		assert.Contains(t, intake.ErrorMessage(err), "请稍后重试")
	}

	proxy.listen(t, proxy.addr)
	require.Eventually(t, func() bool {
		sub.Title = "恢复之后的投诉"
		_, err := svc.Submit(ctx, sub)
		return err == nil
	}, 10*time.Second, 100*time.Millisecond, "the pool reconnects by itself")
	list, err := s.List(ctx, intake.Filter{})
	require.NoError(t, err)
	assert.Len(t, list, 2, "only the acknowledged complaints are stored")
}

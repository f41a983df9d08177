package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func prefixes(t *testing.T, cidrs ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		require.NoError(t, err)
		out = append(out, p)
	}
	return out
}

func TestClientAddr(t *testing.T) {
	trusted := []string{"127.0.0.1/32", "10.0.0.0/8", "::1/128"}
	tests := []struct {
		name    string
		header  string // Options.ClientIPHeader
		trusted []string
		peer    string
		hdr     []string // header name, value pairs
		want    string
	}{
		{"no proxies configured: the peer, whatever it claims", "", nil, "203.0.113.9:5000", []string{"X-Forwarded-For", "1.2.3.4"}, "203.0.113.9"},
		{"untrusted peer's spoofed header ignored", "", trusted, "203.0.113.9:5000", []string{"X-Forwarded-For", "1.2.3.4", "X-Real-IP", "5.6.7.8"}, "203.0.113.9"},
		{"trusted proxy: the client it names", "", trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "198.51.100.7"}, "198.51.100.7"},
		{"client's own forgery left of the real entry", "", trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "1.1.1.1, 198.51.100.7"}, "198.51.100.7"},
		{"chain of trusted proxies skipped from the right", "", trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "1.1.1.1, 198.51.100.7, 10.0.0.5"}, "198.51.100.7"},
		{"several header lines read as one list", "", trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "1.1.1.1", "X-Forwarded-For", "198.51.100.7"}, "198.51.100.7"},
		{"entries with ports", "", trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "198.51.100.7:6000"}, "198.51.100.7"},
		{"every entry trusted: the leftmost", "", trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "10.1.1.1, 10.0.0.5"}, "10.1.1.1"},
		{"an unreadable hop: the peer", "", trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "1.1.1.1, garbage"}, "127.0.0.1"},
		{"no header from a trusted peer: the peer", "", trusted, "127.0.0.1:40000", nil, "127.0.0.1"},
		{"IPv6 client", "", trusted, "[::1]:40000", []string{"X-Forwarded-For", "2001:db8::7"}, "2001:db8::7"},
		{"IPv4-mapped peer", "", trusted, "[::ffff:127.0.0.1]:40000", []string{"X-Forwarded-For", "198.51.100.7"}, "198.51.100.7"},
		{"X-Real-IP mode", HeaderXRealIP, trusted, "127.0.0.1:40000", []string{"X-Real-IP", "198.51.100.8", "X-Forwarded-For", "1.1.1.1"}, "198.51.100.8"},
		{"X-Real-IP mode ignores X-Forwarded-For", HeaderXRealIP, trusted, "127.0.0.1:40000", []string{"X-Forwarded-For", "1.1.1.1"}, "127.0.0.1"},
		{"Forwarded mode", HeaderForwarded, trusted, "127.0.0.1:40000", []string{"Forwarded", `for=1.1.1.1, for="[2001:db8::9]:4711";proto=https`}, "2001:db8::9"},
		{"Forwarded mode: obfuscated identifier is unreadable", HeaderForwarded, trusted, "127.0.0.1:40000", []string{"Forwarded", `for=_hidden`}, "127.0.0.1"},
		{"X-Forwarded-For mode ignores Forwarded", "", trusted, "127.0.0.1:40000", []string{"Forwarded", "for=1.1.1.1"}, "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(Options{TrustedProxies: prefixes(t, tt.trusted...), ClientIPHeader: tt.header})
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for i := 0; i+1 < len(tt.hdr); i += 2 {
				r.Header.Add(tt.hdr[i], tt.hdr[i+1])
			}
			assert.Equal(t, tt.want, s.clientAddr(r).String())
		})
	}
}

func TestRateAndLogKeys(t *testing.T) {
	a := netip.MustParseAddr("2001:db8:1:2:3:4:5:6")
	b := netip.MustParseAddr("2001:db8:1:2:ffff::1")
	assert.Equal(t, rateKey(a), rateKey(b), "one IPv6 /64 is one client")
	assert.Equal(t, "2001:db8:1::/48", logAddr(a))
	assert.Equal(t, "198.51.100.0/24", logAddr(netip.MustParseAddr("198.51.100.7")))
	assert.Equal(t, "198.51.100.7", rateKey(netip.MustParseAddr("198.51.100.7")))
}

// TestRateLimitPerRealClient: behind a trusted proxy each citizen has their
// own bucket (before, everyone shared the proxy's), and a client cannot
// get a fresh bucket by forging X-Forwarded-For, since the proxy appends
// the address it saw to whatever the client sent.
func TestRateLimitPerRealClient(t *testing.T) {
	f := newFixture(t, Options{PostRate: 0.001, PostBurst: 2, TrustedProxies: prefixes(t, "127.0.0.1/32")})
	post := func(xff string) int {
		req := httptest.NewRequest("POST", "/api/complaints/status", strings.NewReader(`{"receipt":"x","query_code":"y"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "127.0.0.1:40000"
		req.Header.Set("X-Forwarded-For", xff)
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		return rec.Code
	}
	assert.Equal(t, 404, post("198.51.100.1"))
	assert.Equal(t, 404, post("198.51.100.1"))
	assert.Equal(t, http.StatusTooManyRequests, post("198.51.100.1"), "the citizen's burst is spent")
	assert.Equal(t, http.StatusTooManyRequests, post("9.9.9.9, 198.51.100.1"), "a forged entry on the left changes nothing")
	assert.Equal(t, 404, post("198.51.100.2"), "another citizen behind the same proxy is not affected")
}

// TestRateLimitPerReplica shows how the limit behaves with several
// replicas: each keeps its own buckets in memory, so a proxy that spreads
// one client's posts round-robin over N replicas lets it post N bursts
// before it is held to the rate; with the proxy hashing the client address
// to a replica (nginx: hash $remote_addr consistent, see DEPLOY.md) the
// limit is exactly the configured one.
func TestRateLimitPerReplica(t *testing.T) {
	opts := Options{PostRate: 0.001, PostBurst: 3, TrustedProxies: prefixes(t, "127.0.0.1/32")}
	replicas := []*fixture{newFixture(t, opts), newFixture(t, opts)}
	post := func(f *fixture) int {
		req := httptest.NewRequest("POST", "/api/complaints/status", strings.NewReader(`{"receipt":"x","query_code":"y"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "127.0.0.1:40000"
		req.Header.Set("X-Forwarded-For", "198.51.100.1")
		rec := httptest.NewRecorder()
		f.srv.ServeHTTP(rec, req)
		return rec.Code
	}
	accepted := func(pick func(i int) *fixture) int {
		n := 0
		for i := range 20 {
			if post(pick(i)) != http.StatusTooManyRequests {
				n++
			}
		}
		return n
	}
	assert.Equal(t, 6, accepted(func(i int) *fixture { return replicas[i%2] }), "round-robin: one burst per replica")
	replicas = []*fixture{newFixture(t, opts), newFixture(t, opts)}
	assert.Equal(t, 3, accepted(func(int) *fixture { return replicas[0] }), "client hashed to one replica: the configured burst")
}

func TestViaTLS(t *testing.T) {
	s := New(Options{TrustedProxies: prefixes(t, "127.0.0.1/32")})
	req := func(peer string, hdr ...string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Add(hdr[i], hdr[i+1])
		}
		return r
	}
	assert.True(t, s.viaTLS(req("127.0.0.1:1", "X-Forwarded-Proto", "https")))
	assert.False(t, s.viaTLS(req("127.0.0.1:1", "X-Forwarded-Proto", "http")))
	assert.False(t, s.viaTLS(req("203.0.113.1:1", "X-Forwarded-Proto", "https")), "only a trusted proxy is believed")
	assert.False(t, s.viaTLS(req("127.0.0.1:1")))
}

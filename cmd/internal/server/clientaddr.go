package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Forwarding headers a trusted proxy may use to name the client. Only the
// one configured (Options.ClientIPHeader) is read: a header the proxy does
// not set passes through from the client untouched, so believing it would
// let anyone choose their own address.
const (
	HeaderXForwardedFor = "X-Forwarded-For" // appended to by each proxy (nginx: $proxy_add_x_forwarded_for)
	HeaderXRealIP       = "X-Real-IP"       // set by the proxy to its peer (nginx: $remote_addr)
	HeaderForwarded     = "Forwarded"       // RFC 7239: for=…;proto=…, appended to by each proxy
)

// clientAddr returns the address of the client that sent r. It is the
// connecting peer, unless the peer is a trusted proxy: then the configured
// forwarding header is read from the right, skipping addresses that are
// themselves trusted proxies, and the first other address is the client
// (every proxy appends what it saw, so only the entries right of the first
// untrusted one were written by proxies we trust; anything left of it may
// be forged). When every entry is trusted the leftmost is the client. A
// header that cannot be read leaves the peer as the client.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	peer := peerAddr(r)
	if !s.trusted(peer) {
		return peer
	}
	hops := s.forwardedHops(r)
	if len(hops) == 0 {
		return peer
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a := hops[i]
		if !a.IsValid() {
			return peer // a hop we cannot read: nothing left of it can be believed
		}
		if !s.trusted(a) || i == 0 {
			return a
		}
	}
	return peer
}

// peerAddr is the connecting peer's address (the zero Addr if unreadable).
func peerAddr(r *http.Request) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err == nil {
		return ap.Addr().Unmap()
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

func (s *Server) trusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedHops returns the addresses in the configured forwarding header,
// in order (client first); an entry that is not an address is the zero Addr.
func (s *Server) forwardedHops(r *http.Request) []netip.Addr {
	var hops []netip.Addr
	switch s.clientIPHeader() {
	case HeaderXRealIP:
		if v := strings.TrimSpace(r.Header.Get(HeaderXRealIP)); v != "" {
			hops = append(hops, parseHop(v))
		}
	case HeaderForwarded:
		for _, line := range r.Header.Values(HeaderForwarded) {
			for _, elem := range strings.Split(line, ",") {
				hops = append(hops, parseHop(forwardedParam(elem, "for")))
			}
		}
	default:
		for _, line := range r.Header.Values(HeaderXForwardedFor) {
			for _, v := range strings.Split(line, ",") {
				hops = append(hops, parseHop(v))
			}
		}
	}
	return hops
}

// clientIPHeader is the configured forwarding header, one of the three
// constants (X-Forwarded-For when unset or unknown).
func (s *Server) clientIPHeader() string {
	for _, h := range []string{HeaderXRealIP, HeaderForwarded} {
		if strings.EqualFold(s.opts.ClientIPHeader, h) {
			return h
		}
	}
	return HeaderXForwardedFor
}

// parseHop reads one forwarded address: "203.0.113.7", "203.0.113.7:4711",
// "2001:db8::1", "[2001:db8::1]:4711", optionally quoted.
func parseHop(v string) netip.Addr {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().Unmap()
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	a, err := netip.ParseAddr(v)
	if err != nil || a.Zone() != "" {
		return netip.Addr{}
	}
	return a.Unmap()
}

// forwardedParam returns the value of key in one element of a Forwarded
// header ("for=192.0.2.60;proto=https;by=…"), or "".
func forwardedParam(elem, key string) string {
	for _, pair := range strings.Split(elem, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), key) {
			return strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	return ""
}

// viaTLS reports whether the client reached us over TLS: directly, or
// through a trusted proxy that says so (X-Forwarded-Proto: https, or
// proto=https in Forwarded when that is the configured header; the value
// nearest to us counts).
func (s *Server) viaTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.trusted(peerAddr(r)) {
		return false
	}
	proto := ""
	if s.clientIPHeader() == HeaderForwarded {
		vals := r.Header.Values(HeaderForwarded)
		if len(vals) > 0 {
			elems := strings.Split(vals[len(vals)-1], ",")
			proto = forwardedParam(elems[len(elems)-1], "proto")
		}
	} else if vals := r.Header.Values("X-Forwarded-Proto"); len(vals) > 0 {
		parts := strings.Split(vals[len(vals)-1], ",")
		proto = parts[len(parts)-1]
	}
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// rateKey is the rate-limit key of a client: its address, or for IPv6 its
// /64 network (one subscriber's share, which it can fill with addresses).
func rateKey(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

// logAddr is the client as written to logs: its network, not the person
// (IPv4 /24, IPv6 /48), enough to see a flood's source and no more.
func logAddr(a netip.Addr) string {
	if !a.IsValid() {
		return "unknown"
	}
	bits := 24
	if a.Is6() {
		bits = 48
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

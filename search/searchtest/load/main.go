// Command load sends concurrent search requests to a running `portal serve`
// on loopback and reports queries per second and latency percentiles.
//
//	portal serve -site DIR -addr 127.0.0.1:1313 &
//	go run ./search/searchtest/load -url http://127.0.0.1:1313 -c 16 -d 20s
//
// It refuses any host but 127.0.0.1, ::1 or localhost.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"portal/search/searchtest"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:1313", "portal serve address (loopback only)")
	path := flag.String("path", "/api/search", "endpoint: /api/search (JSON) or /search/ (HTML)")
	conc := flag.Int("c", 16, "concurrent clients")
	dur := flag.Duration("d", 20*time.Second, "duration")
	flag.Parse()
	u, err := url.Parse(*base)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if h := u.Hostname(); h != "localhost" && !net.ParseIP(h).IsLoopback() {
		fmt.Fprintln(os.Stderr, "load: only loopback targets are allowed, not", h)
		os.Exit(2)
	}
	r := searchtest.Load(context.Background(), http.DefaultClient, *base+*path, *conc, *dur)
	fmt.Println(r)
	if r.Errors > 0 {
		os.Exit(1)
	}
}

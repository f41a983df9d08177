// Command editlatency measures how soon an edit is live under `portal serve`:
// it starts serve on a site, then, n times, appends a unique word to one
// content file and polls the page until it shows the word (served) and
// /api/search until the word finds the page (searchable), both timed from
// the moment the file is saved. It prints each edit's two times and their
// medians and maxima.
//
// It is its own module (standard library only), outside portal's packages:
//
//	cd bench/editlatency && go run . -portal /tmp/portal -site /dev/shm/c10k -file content/news/p000123.md
//
// The site is edited in place: use a copy.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	portal := flag.String("portal", "portal", "the portal binary")
	site := flag.String("site", "", "site folder (edited in place: use a copy)")
	file := flag.String("file", "", "content file to edit, relative to the site (default: the first news page)")
	n := flag.Int("n", 10, "edits")
	pause := flag.Duration("pause", 2*time.Second, "wait between edits, so each is a rebuild of its own")
	timeout := flag.Duration("timeout", 60*time.Second, "give up on one edit after this long")
	poll := flag.Duration("poll", 5*time.Millisecond, "polling interval")
	flag.Parse()
	if *site == "" {
		fail("-site is required")
	}
	if *file == "" {
		m, _ := filepath.Glob(filepath.Join(*site, "content", "news", "*.md"))
		slices.Sort(m)
		for _, f := range m {
			if filepath.Base(f) != "_index.md" {
				*file, _ = filepath.Rel(*site, f)
				break
			}
		}
	}
	// content/<kind>/<name>.md is served at /<kind>/<name>/.
	rel := filepath.ToSlash(*file)
	page := "/" + strings.TrimSuffix(strings.TrimPrefix(rel, "content/"), ".md") + "/"

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail(err.Error())
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(*portal, "serve", "-site", *site, "-addr", addr, "-admin-addr", "off")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if os.Getenv("EDITLATENCY_VERBOSE") != "" {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err.Error())
	}
	stop := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM); _ = cmd.Wait() }
	defer stop()
	// fail exits without running deferred calls: serve must not outlive
	// the run (a forgotten serve keeps rebuilding the site on every edit of
	// the next run).
	stopServe = stop
	base := "http://" + addr
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(path string) (int, string) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if !until(10*time.Minute, 50*time.Millisecond, func() bool { c, _ := get(page); return c == 200 }) {
		fail("serve did not serve " + page + " within 10 minutes")
	}
	fmt.Printf("serve: %s served after %.1f s (first build)\n", page, time.Since(start).Seconds())
	// Let the first index settle before editing.
	time.Sleep(*pause)

	path := filepath.Join(*site, *file)
	var served, searchable []time.Duration
	for i := range *n {
		word := fmt.Sprintf("edit%dlat%dq", os.Getpid(), i)
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			fail(err.Error())
		}
		_, err = fmt.Fprintf(f, "\n\n测量编辑 %s。\n", word)
		if err == nil {
			err = f.Close()
		}
		if err != nil {
			fail(err.Error())
		}
		saved := time.Now()
		pageDone, searchDone := make(chan time.Duration, 1), make(chan time.Duration, 1)
		go func() {
			ok := until(*timeout, *poll, func() bool { _, b := get(page); return strings.Contains(b, word) })
			pageDone <- sinceIf(saved, ok)
		}()
		go func() {
			q := "/api/search?q=" + url.QueryEscape(word)
			ok := until(*timeout, *poll, func() bool {
				_, b := get(q)
				var r struct {
					Hits []struct{ URL string } `json:"hits"`
				}
				if json.Unmarshal([]byte(b), &r) != nil {
					return false
				}
				for _, h := range r.Hits {
					if strings.HasSuffix(h.URL, page) {
						return true
					}
				}
				return false
			})
			searchDone <- sinceIf(saved, ok)
		}()
		s, found := <-pageDone, <-searchDone
		if s < 0 || found < 0 {
			fail(fmt.Sprintf("edit %d: not live within %s (served %v, searchable %v)", i, *timeout, s, found))
		}
		served, searchable = append(served, s), append(searchable, found)
		fmt.Printf("edit %d: served after %4d ms, searchable after %4d ms\n", i, s.Milliseconds(), found.Milliseconds())
		time.Sleep(*pause)
	}
	fmt.Printf("served:     median %d ms, max %d ms (%d edits)\n", median(served).Milliseconds(), slices.Max(served).Milliseconds(), len(served))
	fmt.Printf("searchable: median %d ms, max %d ms\n", median(searchable).Milliseconds(), slices.Max(searchable).Milliseconds())
}

func until(limit, every time.Duration, ok func() bool) bool {
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		if ok() {
			return true
		}
		time.Sleep(every)
	}
	return false
}

func sinceIf(t time.Time, ok bool) time.Duration {
	if !ok {
		return -1
	}
	return time.Since(t)
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// stopServe stops the serve this run started, once it has started.
var stopServe = func() {}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "editlatency:", msg)
	stopServe()
	os.Exit(1)
}

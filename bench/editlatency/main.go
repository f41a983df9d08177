// Command editlatency measures how soon an edit is live under `portal serve`:
// it starts serve on a site, then, n times, appends a unique word to one
// content file and polls the page until it shows the word (served) and
// /api/search until the word finds the page (searchable), both timed from
// the moment the file is saved. It prints each edit's two times and their
// medians, 90th percentiles and maxima, and (where /proc shows serve's
// build worker) the worker's CPU time per edit, from one save to the next.
//
// -same-size makes each edit replace the last one's word with one of the
// same length and set the file's modification time back (an editor that
// keeps times): the case a cache keyed by size and time alone misses.
// -interval saves an edit every interval without waiting for the last to
// be live, so edits arrive while builds run (and cancel them); then the
// last edit, and every word, must be live.
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
	sameSize := flag.Bool("same-size", false, "each edit replaces the last one's word with one of the same length and sets the file's modification time back to what it was (an editor that keeps times)")
	interval := flag.Duration("interval", 0, "save an edit every interval without waiting for the last to be live (edits during running builds); 0: one at a time")
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
	words := make([]string, *n)
	for i := range words {
		words[i] = fmt.Sprintf("edit%dlat%04dq", os.Getpid(), i) // all of one length
	}
	// save writes edit i: appended, or (-same-size) over edit i-1's word.
	save := func(i int) {
		if !*sameSize || i == 0 {
			f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				fail(err.Error())
			}
			_, err = fmt.Fprintf(f, "\n\n测量编辑 %s。\n", words[i])
			if err == nil {
				err = f.Close()
			}
			if err != nil {
				fail(err.Error())
			}
			return
		}
		st, err := os.Stat(path)
		if err != nil {
			fail(err.Error())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			fail(err.Error())
		}
		b = []byte(strings.Replace(string(b), words[i-1], words[i], 1))
		if err := os.WriteFile(path, b, 0o644); err != nil {
			fail(err.Error())
		}
		if err := os.Chtimes(path, st.ModTime(), st.ModTime()); err != nil {
			fail(err.Error())
		}
	}
	// await polls until edit i is served and searchable, timed from saved.
	await := func(i int, saved time.Time) (time.Duration, time.Duration) {
		word := words[i]
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
		return s, found
	}
	var served, searchable, cpu []time.Duration
	if *interval > 0 {
		// Edits every interval, whatever is building; then the last one
		// must be live (with -same-size only the last word is on the page).
		var saved time.Time
		for i := range *n {
			save(i)
			saved = time.Now()
			fmt.Printf("edit %d saved\n", i)
			if i < *n-1 {
				time.Sleep(*interval)
			}
		}
		s, found := await(*n-1, saved)
		fmt.Printf("last edit (%d): served after %4d ms, searchable after %4d ms\n", *n-1, s.Milliseconds(), found.Milliseconds())
		if !*sameSize {
			_, b := get(page)
			for i, w := range words {
				if !strings.Contains(b, w) {
					fail(fmt.Sprintf("edit %d: not on the page after the last edit", i))
				}
			}
		}
		return
	}
	// The build worker's CPU time (user + system) from one save to the
	// next, when /proc shows it: steadier than wall times on a shared
	// machine.
	worker := workerPID(cmd.Process.Pid)
	for i := range *n {
		before, cpuOK := cpuTime(worker)
		save(i)
		s, found := await(i, time.Now())
		served, searchable = append(served, s), append(searchable, found)
		time.Sleep(*pause)
		line := fmt.Sprintf("edit %d: served after %4d ms, searchable after %4d ms", i, s.Milliseconds(), found.Milliseconds())
		if after, ok := cpuTime(worker); ok && cpuOK {
			cpu = append(cpu, after-before)
			line += fmt.Sprintf(", worker CPU %4d ms", (after - before).Milliseconds())
		}
		fmt.Println(line)
	}
	fmt.Printf("served:     median %d ms, p90 %d ms, max %d ms (%d edits)\n", median(served).Milliseconds(), p90(served).Milliseconds(), slices.Max(served).Milliseconds(), len(served))
	fmt.Printf("searchable: median %d ms, p90 %d ms, max %d ms\n", median(searchable).Milliseconds(), p90(searchable).Milliseconds(), slices.Max(searchable).Milliseconds())
	if len(cpu) > 0 {
		fmt.Printf("worker CPU: median %d ms, p90 %d ms, max %d ms per edit (user + system)\n", median(cpu).Milliseconds(), p90(cpu).Milliseconds(), slices.Max(cpu).Milliseconds())
	}
}

// workerPID returns serve's build worker (its child process), or 0.
func workerPID(serve int) int {
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		var pid int
		if _, err := fmt.Sscan(d.Name(), &pid); err != nil {
			continue
		}
		if f := statFields(pid); len(f) > 1 && f[1] == fmt.Sprint(serve) {
			return pid
		}
	}
	return 0
}

// statFields returns /proc/PID/stat's fields after the command name (the
// first is the state, the second the parent's pid), or nil.
func statFields(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	// The command name, in parentheses, may hold spaces.
	rest := string(b)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	return strings.Fields(rest)
}

// cpuTime returns the user + system time pid has used (/proc/PID/stat,
// in clock ticks of 10 ms).
func cpuTime(pid int) (time.Duration, bool) {
	if pid == 0 {
		return 0, false
	}
	// utime and stime are fields 14 and 15 of the whole line.
	f := statFields(pid)
	if len(f) < 13 {
		return 0, false
	}
	var user, sys int64
	if _, err := fmt.Sscan(f[11], &user); err != nil {
		return 0, false
	}
	if _, err := fmt.Sscan(f[12], &sys); err != nil {
		return 0, false
	}
	return time.Duration(user+sys) * 10 * time.Millisecond, true
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

// p90 is the 90th percentile (nearest rank).
func p90(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[(len(s)*9+9)/10-1]
}

// stopServe stops the serve this run started, once it has started.
var stopServe = func() {}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "editlatency:", msg)
	stopServe()
	os.Exit(1)
}

package searchtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"
)

// LoadQueries is the request mix (URL query strings).
var LoadQueries = []string{
	"q=" + url.QueryEscape("拖欠中小企业账款"),
	"q=" + url.QueryEscape("免申即享"),
	"q=" + url.QueryEscape("政务诚信"),
	"q=" + url.QueryEscape("企业"),
	"q=" + url.QueryEscape("税"),
	"q=" + url.QueryEscape("政府 承诺 履约"),
	"q=" + url.QueryEscape(`"新官不理旧账"`),
	"q=" + url.QueryEscape("临市监罚[2022]6号"),
	"q=" + url.QueryEscape("信用修复") + "&kind=cases",
	"q=" + url.QueryEscape("营商环境") + "&sort=date",
	"q=" + url.QueryEscape("政策兑现") + "&page=5",
}

// Report is the outcome of a run.
type Report struct {
	Requests, Errors int
	Elapsed          time.Duration
	Median, P99      time.Duration
	Statuses         map[int]int
}

func (r Report) String() string {
	return fmt.Sprintf("%d requests in %.1fs: %.0f queries/s, median %.2f ms, p99 %.2f ms, %d errors, statuses %v",
		r.Requests, r.Elapsed.Seconds(), float64(r.Requests)/r.Elapsed.Seconds(),
		float64(r.Median.Microseconds())/1000, float64(r.P99.Microseconds())/1000, r.Errors, r.Statuses)
}

// Load sends GET endpoint?<query> from conc clients for d and reports
// throughput and latency. Any status but 200 counts as an error.
func Load(ctx context.Context, c *http.Client, endpoint string, conc int, d time.Duration) Report {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	rep := Report{Statuses: map[int]int{}}
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for w := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			statuses := map[int]int{}
			errs := 0
			for i := w; ctx.Err() == nil; i++ {
				t0 := time.Now()
				resp, err := c.Get(endpoint + "?" + LoadQueries[i%len(LoadQueries)] + "&n=" + strconv.Itoa(i))
				if err != nil {
					if ctx.Err() == nil {
						errs++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				statuses[resp.StatusCode]++
				if resp.StatusCode != http.StatusOK {
					errs++
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range statuses {
				rep.Statuses[k] += v
			}
			rep.Errors += errs
			mu.Unlock()
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	rep.Requests = len(lat)
	if len(lat) > 0 {
		slices.Sort(lat)
		rep.Median = lat[len(lat)/2]
		rep.P99 = lat[len(lat)*99/100]
	}
	return rep
}

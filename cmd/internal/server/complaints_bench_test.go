package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/postgres"
	"portal/cmd/internal/intake/sqlite"
)

// BenchmarkSubmit measures durable submissions per second: JSON POSTs over
// loopback TCP from 32 concurrent clients, each answered only after the
// store committed (SQLite: WAL, synchronous=FULL, group commit). Run:
//
//	go test ./cmd/internal/server -run '^$' -bench Submit -benchtime 3000x
//
// PostgreSQL runs when PORTAL_TEST_POSTGRES_DSN is set (.ci/postgres.sh).
func BenchmarkSubmit(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		store, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "intake.db"))
		require.NoError(b, err)
		defer store.Close()
		benchSubmit(b, store)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := os.Getenv("PORTAL_TEST_POSTGRES_DSN")
		if dsn == "" {
			b.Skip("PORTAL_TEST_POSTGRES_DSN is not set")
		}
		store, err := postgres.Open(context.Background(), dsn)
		require.NoError(b, err)
		defer store.Close()
		benchSubmit(b, store)
	})
}

func benchSubmit(b *testing.B, store intake.Store) {
	svc := intake.NewService(intake.Config{Store: store, Departments: []intake.Department{{ID: "fgw", Name: "市发展改革委"}}})
	ts := httptest.NewServer(New(Options{Complaints: svc, PostRate: 1e9, PostBurst: 1e9}))
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: 30 * time.Second}
	var n atomic.Int64
	b.SetParallelism(16) // × GOMAXPROCS clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := strings.Replace(goodJSON, "工程款拖欠两年未付", fmt.Sprintf("工程款拖欠两年未付%d", n.Add(1)), 1)
			resp, err := client.Post(ts.URL+"/api/complaints", "application/json", strings.NewReader(body))
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "submissions/s")
}

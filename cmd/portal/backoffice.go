package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"portal/cmd/internal/backoffice"
	"portal/cmd/internal/intake"
	"portal/cmd/internal/server"
	"portal/cmd/internal/staff"
	"portal/generator/model"
)

// backOfficeAddr is where the back office listens: -admin-addr, or by
// default loopback at the public port + 1 (127.0.0.1:1314 beside the
// default 127.0.0.1:1313; port 0 beside port 0). "off" turns it off.
func backOfficeAddr(flagValue, publicAddr string) (string, error) {
	switch flagValue {
	case "off", "none":
		return "", nil
	case "":
	default:
		return flagValue, nil
	}
	_, port, err := net.SplitHostPort(publicAddr)
	if err != nil {
		return "", fmt.Errorf("-addr %q: %w", publicAddr, err)
	}
	n, err := strconv.Atoi(port)
	if err != nil {
		return "", fmt.Errorf("-addr %q: port is not a number", publicAddr)
	}
	if n != 0 {
		n++
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(n)), nil
}

// relatedPages finds the published page of a complaint's related id; it
// is refreshed by every build.
type relatedPages struct {
	m atomic.Pointer[map[string]backoffice.Related]
}

func (p *relatedPages) set(site *model.Site, base string) {
	if site == nil {
		return
	}
	base = strings.TrimSuffix(base, "/")
	m := map[string]backoffice.Related{}
	for _, c := range site.Commitments {
		m[c.ID] = backoffice.Related{Kind: "承诺", Title: c.Title, URL: base + "/commitments/" + c.ID + "/"}
	}
	for _, d := range site.Disclosures {
		m[d.ID] = backoffice.Related{Kind: "公示信息", Title: d.Title, URL: base + "/disclosures/" + d.ID + "/"}
	}
	for _, r := range site.Records {
		m[r.ID] = backoffice.Related{Kind: "政务失信记录", Title: r.Title, URL: base + "/records/" + r.ID + "/"}
	}
	p.m.Store(&m)
}

func (p *relatedPages) find(id string) (backoffice.Related, bool) {
	m := p.m.Load()
	if m == nil {
		return backoffice.Related{}, false
	}
	r, ok := (*m)[id]
	return r, ok
}

// backOffice is the running back office.
type backOffice struct {
	srv     *http.Server
	ln      net.Listener
	related *relatedPages
	done    chan error
}

// startBackOffice listens on addr and serves the back office (and the
// token API) over svc and store, and runs its upkeep: expired sessions
// are swept and personal data past retention erased at start and hourly.
func startBackOffice(ctx context.Context, addr string, svc *intake.Service, store intake.Store, cfg model.Config, token string,
	logger *slog.Logger, siteProblem func() *backoffice.SiteProblem) (*backOffice, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("back office: %w", err)
	}
	accounts := staff.New(staff.Config{Store: store, Known: svc.Known, Issuer: cfg.Title})
	bo := &backOffice{ln: ln, related: &relatedPages{}, done: make(chan error, 1)}
	h, err := backoffice.New(backoffice.Options{
		Complaints: svc, Accounts: accounts, Title: cfg.Title, Logger: logger, Related: bo.related.find, SiteProblem: siteProblem,
		API: server.NewAdminAPI(server.Options{Complaints: svc, AdminToken: token, Logger: logger}),
	})
	if err != nil {
		ln.Close()
		return nil, err
	}
	bo.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: time.Minute, WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute}
	go func() { bo.done <- bo.srv.Serve(ln) }()
	go upkeep(ctx, svc, accounts, logger)
	return bo, nil
}

// upkeep sweeps expired sessions and erases personal data past retention,
// now and every hour, until ctx ends. Several replicas may run it at once.
func upkeep(ctx context.Context, svc *intake.Service, accounts *staff.Service, logger *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		if _, err := accounts.Sweep(ctx); err != nil && ctx.Err() == nil {
			logger.Error("sweep sessions", "err", err)
		}
		erased, err := svc.Retain(ctx)
		if err != nil && ctx.Err() == nil {
			logger.Error("retention", "err", err)
		}
		if len(erased) > 0 {
			logger.Info("personal data erased after the retention period", "complaints", len(erased), "days", svc.RetentionDays())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// announce prints where the back office is (after the public address, which
// scripts read first).
func (b *backOffice) announce(stdout io.Writer) {
	if b != nil {
		fmt.Fprintf(stdout, "投诉办理后台 (back office) http://%s/  — 仅供办理人员，勿经公网代理开放\n", b.ln.Addr())
	}
}

// shutdown stops the back office, letting requests finish.
func (b *backOffice) shutdown(ctx context.Context) error {
	if b == nil {
		return nil
	}
	err := b.srv.Shutdown(ctx)
	if serr := <-b.done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

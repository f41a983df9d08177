package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"portal/cmd/internal/backoffice"
	"portal/cmd/internal/intake"
	"portal/cmd/internal/server"
	"portal/cmd/internal/staff"
	"portal/generator/model"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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

// relatedPages finds the published page of a complaint's related id in
// the live output, when the back office shows the complaint: the server
// holds no list of the site's records (at 100,000 pages that list would be
// most of its memory), and the page it finds is the one the public sees.
type relatedPages struct {
	dir  string // the output folder (portal serve's -out)
	base string // the public address, ending in a slash
}

// relatedSections are the kinds a complaint may refer to, in the order
// an id is looked up (ids are unique within a kind, not across kinds).
var relatedSections = []struct{ dir, kind string }{
	{"commitments", "承诺"},
	{"disclosures", "公示信息"},
	{"records", "政务失信记录"},
}

// relatedHead is how much of a page is read for its title: the head
// comes first, and a page's head is a few KiB.
const relatedHead = 64 << 10

func (p *relatedPages) find(id string) (backoffice.Related, bool) {
	// The id is what a complainant typed: one path element, no more.
	if p == nil || id == "" || id == "." || id == ".." || strings.ContainsAny(id, "/\\\x00") || !fs.ValidPath(id) {
		return backoffice.Related{}, false
	}
	root, err := os.OpenRoot(p.dir)
	if err != nil {
		return backoffice.Related{}, false
	}
	defer root.Close()
	for _, s := range relatedSections {
		f, err := root.Open(s.dir + "/" + id + "/index.html")
		if err != nil {
			continue
		}
		title := pageTitle(io.LimitReader(f, relatedHead))
		f.Close()
		if title == "" {
			title = id
		}
		return backoffice.Related{Kind: s.kind, Title: title, URL: strings.TrimSuffix(p.base, "/") + "/" + s.dir + "/" + id + "/"}, true
	}
	return backoffice.Related{}, false
}

// pageTitle is a generated page's title: its ArticleTitle meta tag (the
// government-site tag the article layouts carry), else its <title>.
func pageTitle(r io.Reader) string {
	z := html.NewTokenizer(r)
	var title string
	inTitle := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(title)
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.DataAtom {
			case atom.Meta:
				var name, content string
				for _, a := range tok.Attr {
					switch a.Key {
					case "name":
						name = a.Val
					case "content":
						content = a.Val
					}
				}
				if name == "ArticleTitle" && strings.TrimSpace(content) != "" {
					return strings.TrimSpace(content)
				}
			case atom.Title:
				inTitle = title == ""
			case atom.Body:
				return strings.TrimSpace(title) // the head is over
			}
		case html.TextToken:
			if inTitle {
				title += string(z.Text())
			}
		case html.EndTagToken:
			inTitle = false
		}
	}
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
	logger *slog.Logger, siteProblem func() *backoffice.SiteProblem, related *relatedPages) (*backOffice, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("back office: %w", err)
	}
	accounts := staff.New(staff.Config{Store: store, Known: svc.Known, Issuer: cfg.Title})
	bo := &backOffice{ln: ln, related: related, done: make(chan error, 1)}
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

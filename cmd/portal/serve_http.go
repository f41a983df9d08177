package main

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"portal/cmd/internal/server"
	"portal/generator/model"
)

// publicServerSettings applies the site's [server] table to the public
// handler's options and returns the connection bounds for its http.Server.
// HSTS follows the configured base_url (serve may link to its own address
// in development, but the site is https when its base_url says so); cfg is
// portal.toml as read, not overridden by serve's own address.
func publicServerSettings(cfg model.Config, opts *server.Options) (server.HTTPConfig, error) {
	sc := cfg.Server
	for _, c := range sc.TrustedProxies {
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return server.HTTPConfig{}, fmt.Errorf("portal.toml: [server] trusted_proxies: %q: %w", c, err)
		}
		opts.TrustedProxies = append(opts.TrustedProxies, p.Masked())
	}
	opts.ClientIPHeader = sc.ClientIPHeader
	opts.BodyTimeout = seconds(sc.BodyTimeout)
	opts.UploadTimeout = seconds(sc.UploadTimeout)
	opts.MaxHeaders = sc.MaxHeaders
	opts.HSTS = strings.HasPrefix(cfg.BaseURL, "https://")
	return server.HTTPConfig{
		HeaderTimeout:  seconds(sc.HeaderTimeout),
		IdleTimeout:    seconds(sc.IdleTimeout),
		MaxHeaderBytes: sc.MaxHeaderBytes,
		MaxConnections: sc.MaxConnections,
	}, nil
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

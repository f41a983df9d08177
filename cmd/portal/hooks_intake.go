package main

import (
	"context"
	"io"

	"portal/cmd/internal/server"
	"portal/generator"
	"portal/generator/model"
)

// complaintStats reads the public complaint figures from the configured
// store for the build; nil when no store exists yet.
func complaintStats(ctx context.Context, siteDir string, cfg model.Config) (*model.ComplaintStats, error) {
	return nil, nil
}

// openComplaints opens the complaint store for serve (dsn overrides the config).
func openComplaints(ctx context.Context, siteDir string, cfg model.Config, dsn string) (server.ComplaintService, io.Closer, error) {
	return nil, nopCloser{}, nil
}

// complaintPages are the complaint pages the build renders (the form).
func complaintPages(site *model.Site) []generator.ExtraPage { return nil }

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

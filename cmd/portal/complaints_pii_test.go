package main

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/search"
)

// Personal-data patterns that must never appear in public output: mainland
// mobile numbers and 18-digit ID numbers (身份证号, with a plausible birth date).
var (
	mobileNumberRe = regexp.MustCompile(`(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)`)
	idNumberRe     = regexp.MustCompile(`(^|[^0-9])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]([^0-9A-Za-z]|$)`)
)

// copyTree copies the shipped site's sources (not its state or output).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	}))
}

// TestBuiltSiteHasNoPersonalData files complaints full of personal data,
// takes one through the loop with consent to publish (its reply quoting a
// phone number), builds the shipped site with the figures, and greps every
// published file, feed, open-data file and the search index for phone and
// ID numbers and for the planted values.
func TestBuiltSiteHasNoPersonalData(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole shipped site")
	}
	root := filepath.Join("..", "..")
	require.FileExists(t, filepath.Join(root, "portal.toml"), "the shipped site")
	dir := t.TempDir()
	toml, err := os.ReadFile(filepath.Join(root, "portal.toml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "portal.toml"), toml, 0o644))
	copyTree(t, filepath.Join(root, "content"), filepath.Join(dir, "content"))
	copyTree(t, filepath.Join(root, "data"), filepath.Join(dir, "data"))

	ctx := context.Background()
	site := settings(t, dir)
	cfg := site.Config
	svc, closer, err := openService(ctx, site, complaintDSN(dir, cfg, ""))
	require.NoError(t, err)
	planted := []string{"13912345678", "371302199001011234", "zhangsan.private@example.com", "张秘密", "私人投诉正文内容"}
	r, err := svc.Submit(ctx, intake.Submission{
		Category: "拖欠账款", Department: "fgw", Title: "拖欠工程款 请回电13912345678",
		Description: "私人投诉正文内容：身份证371302199001011234，电话13912345678。", Name: "张秘密",
		Phone: "13912345678", Email: "zhangsan.private@example.com", Consent: true, ConsentPublish: true,
	})
	require.NoError(t, err)
	for _, a := range []intake.Action{
		{Kind: intake.ActAccept, Actor: "staff"},
		{Kind: intake.ActAssign, Actor: "staff", Assignee: "fgw"},
		{Kind: intake.ActReply, Actor: "staff", Note: "已联系张秘密（13912345678，身份证371302199001011234）并支付。"},
		{Kind: intake.ActVisit, Actor: "staff", Satisfaction: intake.Satisfied},
	} {
		_, err := svc.Act(ctx, r.Receipt, a)
		require.NoError(t, err)
	}
	_, err = svc.Submit(ctx, intake.Submission{Category: "其他", Department: intake.DepartmentUnknown, Title: "另一件投诉事项",
		Description: "私人投诉正文内容，不同意公开。", Name: "张秘密", Phone: "13912345678", Consent: true})
	require.NoError(t, err)
	require.NoError(t, closer.Close())

	out := filepath.Join(t.TempDir(), "public")
	_, stderr, err := runCLI(t, "build", "-site", dir, "-out", out, "-now", "2025-06-01")
	require.NoError(t, err, stderr)

	stats, err := os.ReadFile(filepath.Join(out, "complaints", "stats", "index.html"))
	require.NoError(t, err)
	assert.Contains(t, string(stats), r.Receipt, "the consented reply is published")
	assert.Contains(t, string(stats), "已联系", "…with its text")

	files := 0
	live, err := filepath.EvalSymlinks(out)
	require.NoError(t, err)
	for _, top := range []string{live, filepath.Join(dir, cfg.StateDir)} {
		require.NoError(t, filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if strings.HasPrefix(d.Name(), "intake.db") {
				return nil // the store itself: private state, never published
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			text := string(b)
			for _, s := range planted {
				assert.NotContains(t, text, s, "%s leaks planted personal data", p)
			}
			assert.False(t, mobileNumberRe.MatchString(text), "%s contains a mobile number: %q", p, mobileNumberRe.FindString(text))
			assert.False(t, idNumberRe.MatchString(text), "%s contains an ID number: %q", p, idNumberRe.FindString(text))
			return nil
		}))
	}
	t.Logf("checked %d files", files)
	require.Greater(t, files, 10)

	// The index stores compressed fields, so bytes alone prove little: ask
	// it too. A search for the site's own name must work, the planted
	// values must find nothing.
	idx, err := openSearch(dir, cfg)
	require.NoError(t, err)
	defer idx.Close()
	res, err := idx.Search(ctx, search.Query{Text: "诚信"})
	require.NoError(t, err)
	require.Positive(t, res.Total, "the index answers")
	for _, s := range planted {
		res, err := idx.Search(ctx, search.Query{Text: s})
		require.NoError(t, err)
		for _, h := range res.Hits {
			assert.NotContains(t, string(h.Snippet)+h.Title, s, "search for %q finds %s", s, h.URL)
		}
	}
}

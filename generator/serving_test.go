package generator

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServingTheme: the theme a server sets up from the site's settings and
// section pages alone shows the site exactly as the theme of a run through
// the whole content does (navigation, section titles, the publication
// log's links, the footer).
func TestServingTheme(t *testing.T) {
	t.Parallel()
	extra := []ExtraPage{{Path: "/search/", Template: "search", Title: "搜索"}}
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"the shipped site", Options{SiteDir: "..", Now: fday(2026, 11, 30)}},
		{"with a search page and a base URL", Options{SiteDir: "..", Now: fday(2026, 11, 30), ExtraPages: extra, BaseURL: "https://xyxx.example.gov.cn"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := New(tt.opts).RunThrough(t.Context(), StageDerive)
			require.NoError(t, err)
			want, err := PageTheme(res)
			require.NoError(t, err)
			got, err := ServingTheme(tt.opts)
			require.NoError(t, err)
			assert.Equal(t, want.Site(), got.Site())
			sv := got.Site().(*SiteView)
			assert.True(t, sv.HasLedger, "the shipped site keeps a publication log")
			assert.NotEmpty(t, sv.Footer)
		})
	}
}

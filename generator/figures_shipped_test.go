package generator

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShippedFiguresSayWhatAndWhen (issue #10.2): every page of figures on
// the shipped site states as of which date it counts and what it counts,
// and no rate prints as 0.0% (a rate with nothing to divide reads "—";
// TestComplaintStatsPage and the indicators' tests hold that per figure).
func TestShippedFiguresSayWhatAndWhen(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the whole shipped site")
	}
	out := filepath.Join(t.TempDir(), "public")
	_, err := Build(t.Context(), Options{SiteDir: "..", OutDir: out, Now: fday(2026, 11, 1)})
	require.NoError(t, err)

	tags := regexp.MustCompile(`<[^>]*>`)
	space := regexp.MustCompile(`\s+`)
	text := func(page string) string {
		b := mustRead(t, filepath.Join(out, filepath.FromSlash(page)))
		return space.ReplaceAllString(tags.ReplaceAllString(string(b), " "), " ")
	}
	for page, counts := range map[string]string{
		"index.html":             "承诺按官方状态计数",
		"departments/index.html": "按官方状态统计各单位牵头或配合的承诺",
		"indicators/index.html":  "计算方法见 评价说明",
	} {
		s := text(page)
		assert.Regexp(t, `截至 ?2026年11月1日`, s, "%s does not say as of which date it counts", page)
		assert.Contains(t, s, counts, "%s does not say what it counts", page)
		assert.NotContains(t, s, "0.0%", "%s prints a rate of nothing as 0.0%%", page)
	}
}

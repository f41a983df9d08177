package loader

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The formats come from live government sites' footers (网站标识码 bm07000001,
// 1303000020, 鲁ICP备2024091574号-1, 鲁公网安备37028102001616号); the values
// below are made up in those shapes.
func TestGovernmentNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, value string
		problem          string // "" when the value is fine; else a part of the warning
	}{
		{"local site code", "site_id_code", "3713000012", ""},
		{"department site code", "site_id_code", "bm04000007", ""},
		{"site code serial 0000", "site_id_code", "3713000000", "顺序号从 0001 起"},
		{"site code all zeros", "site_id_code", "0000000000", "占位值"},
		{"site code counting up", "site_id_code", "1234567890", "占位值"},
		{"site code of no province", "site_id_code", "9913000012", "不是省级行政区划代码"},
		{"site code too short", "site_id_code", "371300001", "格式不对"},
		{"site code XXXX", "site_id_code", "3713XXXXXX", "占位值"},
		{"site code empty", "site_id_code", "", "未填写"},
		{"site code bm zeros", "site_id_code", "bm00000000", "占位值"},

		{"ICP eight digits", "icp", "鲁ICP备13024581号", ""},
		{"ICP ten digits and site number", "icp", "鲁ICP备2024091574号-1", ""},
		{"ICP with spaces", "icp", "京ICP备 05009132号", ""},
		{"ICP licence", "icp", "京ICP证040867号", ""},
		{"ICP zeros", "icp", "鲁ICP备00000000号", "占位值"},
		{"ICP counting up", "icp", "鲁ICP备12345678号", "占位值"},
		{"ICP of no province", "icp", "中ICP备13024581号", "不是省级行政区的简称"},
		{"ICP without 号", "icp", "鲁ICP备13024581", "格式不对"},
		{"ICP to be filled", "icp", "鲁ICP备（待备案）号", "占位值"},
		{"ICP empty", "icp", "", "未填写"},

		{"police record", "police_record", "鲁公网安备37130202000123号", ""},
		{"police record with space", "police_record", "鲁公网安备 37130202000123号", ""},
		{"police record zeros", "police_record", "鲁公网安备00000000000000号", "占位值"},
		{"police record serial zeros", "police_record", "鲁公网安备37130200000000号", "占位值"},
		{"police record other province", "police_record", "鲁公网安备11010802020088号", "与“鲁”（37）不符"},
		{"police record 13 digits", "police_record", "鲁公网安备3713020200012号", "格式不对"},
		{"police record empty", "police_record", "", "未填写"},
	}
	good := map[string]string{"site_id_code": "3713000012", "icp": "鲁ICP备13024581号", "police_record": "鲁公网安备37130202000123号"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var toml strings.Builder
			toml.WriteString("[government]\nsite_name = \"测试\"\n")
			for _, k := range []string{"site_id_code", "icp", "police_record"} {
				v := good[k]
				if k == tt.key {
					v = tt.value
				}
				if v != "" {
					toml.WriteString(k + " = \"" + v + "\"\n")
				}
			}
			_, dl := loadAt(site(map[string]string{"portal.toml": toml.String()}), Options{}, now)
			require.NoError(t, dl.Err(), "a registration number is a warning, never an error")
			warnings := strs(dl.Warnings())
			if tt.problem == "" {
				assert.Empty(t, warnings)
				return
			}
			require.Len(t, warnings, 1)
			assert.True(t, strings.HasPrefix(warnings[0], "portal.toml:"), warnings[0])
			assert.Contains(t, warnings[0], "government."+tt.key+": ")
			assert.Contains(t, warnings[0], tt.problem)
			assert.Contains(t, warnings[0], "上线前改为", "it says what to do")

			_, dl = loadAt(site(map[string]string{"portal.toml": toml.String()}), Options{Strict: true}, now)
			assert.Error(t, dl.Err(), "-strict refuses it")
		})
	}
}

// TestShippedPlaceholdersWarn: the shipped site keeps its placeholders, and
// check names all three as warnings (strict refuses them).
func TestShippedPlaceholdersWarn(t *testing.T) {
	t.Parallel()
	s, dl := LoadSettings(os.DirFS(filepath.Join("..", "..")), Options{})
	require.NoError(t, dl.Err())
	require.NotNil(t, s)
	var keys []string
	for _, w := range dl.Warnings() {
		if w.File == "portal.toml" {
			keys = append(keys, w.Key)
		}
	}
	assert.Equal(t, []string{"government.site_id_code", "government.icp", "government.police_record"}, keys)
}

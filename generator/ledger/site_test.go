package ledger

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

func TestSetPublicKey(t *testing.T) {
	const key = "xyxx.example.gov.cn/log+01234567+AQID"
	for name, tc := range map[string]struct{ in, want string }{
		"no file":       {"", "[ledger]\n# 发布记录的公钥（portal keygen 写入）：访问者用它核验本站签名的检查点。\npublic_key = \"" + key + "\"\n"},
		"no table":      {"title = \"站\" # 标题\n", "title = \"站\" # 标题\n\n[ledger]\n# 发布记录的公钥（portal keygen 写入）：访问者用它核验本站签名的检查点。\npublic_key = \"" + key + "\"\n"},
		"key replaced":  {"[ledger]\npublic_key = \"old+1+2\"\n\n[feeds]\nitems = 5\n", "[ledger]\npublic_key = \"" + key + "\"\n\n[feeds]\nitems = 5\n"},
		"table, no key": {"[ledger] # 发布记录\n\n[feeds]\nitems = 5\n", "[ledger] # 发布记录\npublic_key = \"" + key + "\"\n\n[feeds]\nitems = 5\n"},
	} {
		p := filepath.Join(t.TempDir(), "portal.toml")
		if tc.in != "" {
			require.NoError(t, os.WriteFile(p, []byte(tc.in), 0o644))
		}
		require.NoError(t, SetPublicKey(p, key), name)
		b, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, tc.want, string(b), name)
		var cfg struct {
			Ledger struct {
				PublicKey string `toml:"public_key"`
			} `toml:"ledger"`
		}
		_, err = toml.Decode(string(b), &cfg)
		require.NoError(t, err, name)
		assert.Equal(t, key, cfg.Ledger.PublicKey, name)
	}
}

func TestSiteVersions(t *testing.T) {
	c := startup()
	draft := startup()
	draft.ID, draft.Draft = "draft", true
	site := &model.Site{Commitments: []*model.Commitment{c, draft}, Disclosures: []*model.Disclosure{penalty()}}
	vs, err := SiteVersions(context.Background(), site, func(s string) (string, error) {
		doc, err := md.Render(s)
		return doc.HTML, err
	})
	require.NoError(t, err)
	require.Len(t, vs, 2, "drafts are not published")
	assert.Equal(t, versionOf(t, c).Hash(), vs[0].Hash())
	assert.Equal(t, "disclosures/p01", vs[1].Key())
}

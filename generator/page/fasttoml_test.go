package page

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// slowTOML is the reference the fast path must equal: BurntSushi/toml.
func slowTOML(src string) (map[string]any, error) {
	m := make(map[string]any)
	_, err := toml.Decode(src, &m)
	return m, err
}

// requireSameAsSlow requires that, when the fast path decodes src, the
// reference decodes it without error to the same values (types, zones),
// and that its key positions are scanKeys's.
func requireSameAsSlow(t *testing.T, src string) (fast bool) {
	t.Helper()
	got, pos, ok := fastTOML(src)
	if !ok {
		return false
	}
	want, err := slowTOML(src)
	require.NoError(t, err, "the fast path accepted what BurntSushi refuses:\n%s", src)
	require.Equal(t, want, got, "source:\n%s", src)
	require.Equal(t, scanKeys(src), pos, "key positions; source:\n%s", src)
	return true
}

func TestFastTOML(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		fast      bool // in the subset
	}{
		{"empty", "", true},
		{"blank and comments", "\n  \n# c\n\t# c2\n", true},
		{"page", "title = \"企业开办\"\ndate = 2024-11-25\ndepartment = \"市发改委\"\ntags = [\"a\", \"b\"]\n", true},
		{"offset date-time", "date = 2021-01-05T03:31:00+08:00\n", true},
		{"utc date-time", "date = 2021-01-05T03:31:00Z", true},
		{"negative offset", "date = 2021-01-05T03:31:00-05:30", true},
		{"local date-time", "date = 2021-01-05T03:31:00", true},
		{"quoted RFC 3339", "date = '2024-03-05T09:30:00+08:00'", true},
		{"quoted keys", "\"决定日期\" = 2024-01-01\n'名称' = \"x\"\n", true},
		{"escapes", `a = "x\"y\\z\n\t"`, true},
		{"numbers", "a = 0\nb = -12\nc = +7\nd = 1250.5\ne = -0.0\nf = 9223372036854775807\n", true},
		{"bools", "a = true\nb = false # comment\n", true},
		{"multi-line array", "a = [\n  \"x\",\n  \"y\",\n]\n", true},
		{"empty array", "a = []\n", true},
		{"mixed array", "a = [1, \"x\", 2024-01-01, true]\n", true},
		{"array of tables", "title = \"t\"\n[[progress]]\ndate = 2025-01-01\nnote = \"n\"\n\n[[progress]]\ndate = 2025-02-01\n", true},
		{"table", "[menu]\nweight = 3\n", true},
		{"blanks around", "  a\t=\t\"x\"  \n", true},
		{"comment after header", "[[p]] # x\na = 1\n", true},
		{"positions after a multi-line array", "a = [\n \"x\", \"[\",\n]\n  b = '名' # c\n[[p]]\nc = 1\n[[p]]\n\tc = 2\n[t]\nd = 3\n", true},
		{"empty quoted key", "\"\" = 1\n", true},
		{"quoted key with blanks", "\" a \" = 1\n", true},
		{"quoted key with a dot", "\"a.b\" = 1\n", false},

		// Outside the subset (BurntSushi decides, errors included).
		{"dotted key", "a.b = 1\n", false},
		{"inline table", "a = {b = 1}\n", false},
		{"nested array", "a = [[1], [2]]\n", false},
		{"multi-line string", "a = \"\"\"\nx\n\"\"\"\n", false},
		{"unicode escape", `a = "\u00e9"`, false},
		{"comment in array", "a = [\n 1, # one\n 2]\n", false},
		{"underscore", "a = 1_000\n", false},
		{"exponent", "a = 1e3\n", false},
		{"leading zero", "a = 012\n", false},
		{"hex", "a = 0x1F\n", false},
		{"overflow", "a = 9223372036854775808\n", false},
		{"fraction of seconds", "a = 2021-01-05T03:31:00.5Z\n", false},
		{"space separator", "a = 2021-01-05 03:31:00\n", false},
		{"bad month", "a = 2021-13-05\n", false},
		{"local time", "a = 03:31:00\n", false},
		{"duplicate key", "a = 1\na = 2\n", false},
		{"table twice", "[t]\n[t]\n", false},
		{"table over array of tables", "[[t]]\n[t]\n", false},
		{"array of tables over key", "t = 1\n[[t]]\n", false},
		{"unquoted Chinese key", "名称 = \"x\"\n", false},
		{"unquoted text", "a = 文本\n", false},
		{"two values", "a = 1 2\n", false},
		{"unclosed string", "a = \"x\n", false},
		{"control character", "a = \"x\x01\"\n", false},
		{"carriage return", "a = 1\r\n", false},
		{"dotted header", "[a.b]\n", false},
		{"spaced header", "[ a ]\n", false},
		{"nan", "a = nan\n", false},
		{"bad utf-8", "a = \"\xff\"\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tc.fast, requireSameAsSlow(t, tc.src))
		})
	}
}

// TestFastTOMLZones checks the fast path's times carry BurntSushi's zones,
// which Table.Date tells local dates by.
func TestFastTOMLZones(t *testing.T) {
	t.Parallel()
	m, _, ok := fastTOML("d = 2024-03-05\nt = 2024-03-05T10:00:00\n")
	require.True(t, ok)
	assert.Equal(t, "date-local", m["d"].(time.Time).Location().String())
	assert.Equal(t, "datetime-local", m["t"].(time.Time).Location().String())
}

// shippedFrontMatter returns the front matter of every page of the shipped
// site (the repository's content/).
func shippedFrontMatter(t testing.TB) map[string]string {
	out := map[string]string{}
	root := filepath.Join("..", "..", "content")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if data, err = Normalize(data); err != nil {
			return nil
		}
		if front, _, _, err := Split(data); err == nil {
			out[p] = string(front)
		}
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, out)
	return out
}

// TestFastTOMLShippedSite requires every page of the shipped site to take
// the fast path (the subset is what pages are written in) and to decode as
// BurntSushi decodes it.
func TestFastTOMLShippedSite(t *testing.T) {
	t.Parallel()
	for p, front := range shippedFrontMatter(t) {
		assert.True(t, requireSameAsSlow(t, front), "%s is outside the fast path's subset", p)
	}
}

// FuzzFastTOML requires the fast path to decode any input it accepts
// exactly as BurntSushi/toml does. Seeds: the table tests' kind of input,
// the shipped site's front matter, and the settings and registry files of
// the shipped site and of generator/testdata's Hugo corpus.
func FuzzFastTOML(f *testing.F) {
	for _, s := range []string{
		"title = \"企业开办\"\ndate = 2024-11-25\ndepartment = \"fgw\"\npartners = [\"a\",\n \"b\"]\ncategory = \"服务承诺\"\nstatus = \"pending\"\n[[progress]]\ndate = 2025-01-01\nstatus = \"pending\"\nnote = \"n\"\nevidence = \"临发改信用〔2024〕295号\"\n",
		"date = 2021-01-05T03:31:00+08:00\nx = 2021-01-05T03:31:00\ny = 2021-01-05T03:31:00Z\n",
		"a = [1, -2, 3.5, true, 'x', \"y\\n\"]\n[t]\nb = 0\n",
		"\"名称\" = \"x\"\n'决定日期' = 2024-01-01 # c\n",
		"a = \"\\\"\\\\\\t\"\nb = ''\n",
	} {
		f.Add(s)
	}
	for _, front := range shippedFrontMatter(f) {
		f.Add(front)
	}
	// The other TOML the decoder reads: the site's settings and registry,
	// and the Hugo corpus's.
	for _, name := range []string{"../../portal.toml", "../../data/departments.toml",
		"../testdata/hugo-corpus/portal.toml", "../testdata/hugo-corpus/departments.toml"} {
		data, err := os.ReadFile(name)
		require.NoError(f, err)
		f.Add(string(data))
	}
	f.Fuzz(func(t *testing.T, src string) {
		requireSameAsSlow(t, src)
	})
}

// BenchmarkFrontMatter decodes the shipped site's front matter with
// BurntSushi and scanKeys (the reference, and the path outside the subset)
// and with the fast path.
func BenchmarkFrontMatter(b *testing.B) {
	var fronts []string
	for _, f := range shippedFrontMatter(b) {
		fronts = append(fronts, f)
	}
	b.Run("burntsushi", func(b *testing.B) {
		for b.Loop() {
			for _, f := range fronts {
				if _, err := slowTOML(f); err != nil {
					b.Fatal(err)
				}
				scanKeys(f)
			}
		}
	})
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			for _, f := range fronts {
				if _, _, ok := fastTOML(f); !ok {
					b.Fatal("outside the subset")
				}
			}
		}
	})
}

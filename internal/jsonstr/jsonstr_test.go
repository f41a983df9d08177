package jsonstr

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// encoded is s as encoding/json writes it without HTML escapes.
func encoded(t testing.TB, s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(s))
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

func TestAppend(t *testing.T) {
	tests := []struct {
		s  string
		ok bool
	}{
		{"", true},
		{"临沂市发展和改革委员会", true},
		{`引号"与\反斜杠`, true},
		{"行\n换\r\t", true},
		{"<a href='x'>&</a>", true},
		{"控制\x01字符", false},
		{"行分隔\u2028", false},
		{"段分隔\u2029", false},
		{"坏\xff", false},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		b.WriteString("前")
		ok := Append(&b, tt.s)
		assert.Equal(t, tt.ok, ok, "%q", tt.s)
		if ok {
			assert.Equal(t, "前"+encoded(t, tt.s), b.String())
		} else {
			assert.Equal(t, "前", b.String(), "nothing written for %q", tt.s)
		}
	}
}

func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "统一社会信用代码", `"\`, "\n\r\t", "\x00", "\u2028", "\xe2\x80", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		if Append(&b, s) {
			assert.Equal(t, encoded(t, s), b.String())
		} else {
			assert.Zero(t, b.Len())
		}
	})
}

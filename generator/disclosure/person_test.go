package disclosure

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// slowDigitRun is hasDigitRun's reference (its former code): every byte
// in order.
func slowDigitRun(s string, n int) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			if run >= n {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

func TestHasDigitRun(t *testing.T) {
	t.Parallel()
	id := "11010519491231002X"
	for _, tc := range []struct {
		s    string
		n    int
		want bool
	}{
		{"", 17, false},
		{"12345678901234567", 17, true},
		{"1234567890123456", 17, false},
		{"身份证号" + id + "。", 17, true},
		{"电话 0539-12345678，传真 0539-87654321", 17, false},
		{strings.Repeat("1234567890123456x", 10), 17, false},
		{strings.Repeat("一", 40) + "12345678901234567", 17, true},
		{"12345678901234567" + strings.Repeat("一", 40), 17, true},
		{"x1234567890123456", 16, true},
		{"a1b", 1, true},
		{"ab", 1, false},
		{"ab", 0, false},
		{"a1", 0, true},
	} {
		assert.Equal(t, tc.want, hasDigitRun(tc.s, tc.n), "%q %d", tc.s, tc.n)
		assert.Equal(t, tc.want, slowDigitRun(tc.s, tc.n), "%q %d (reference)", tc.s, tc.n)
	}
}

// FuzzHasDigitRun requires the skipping scan to agree with the byte-by-byte
// one on any text and run length.
func FuzzHasDigitRun(f *testing.F) {
	f.Add("身份证号11010519491231002X。", uint8(17))
	f.Add("1234567890123456x12345678901234567", uint8(17))
	f.Add("0539-12345678", uint8(4))
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		k := int(n % 24)
		if got, want := hasDigitRun(s, k), slowDigitRun(s, k); got != want {
			t.Fatalf("hasDigitRun(%q, %d) = %v, want %v", s, k, got, want)
		}
	})
}

// BenchmarkHasDigitRun scans a disclosure body of Chinese text with short
// numbers (dates, counts, sums), as the 10k benchmark corpus has.
func BenchmarkHasDigitRun(b *testing.B) {
	body := strings.Repeat("经核查，当事人临沂市兰山区禾聚食品有限公司已按要求整改，累计办理543件，涉及金额3181.4万元。\n", 100)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if hasDigitRun(body, 17) {
			b.Fatal("found a run")
		}
	}
}

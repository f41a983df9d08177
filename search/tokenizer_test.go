package search

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestZhTokenizer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		unigrams bool
		want     []string
	}{
		{"bigrams and unigrams", "政策兑现", true, []string{"政", "策", "政策", "兑", "策兑", "现", "兑现"}},
		{"bigrams only", "政策兑现", false, []string{"政策", "策兑", "兑现"}},
		{"lone character kept", "a税b", false, []string{"a", "a税", "税", "b", "税b"}},
		{"document number", "临发改信用〔2024〕295号", false, []string{"临发", "发改", "改信", "信用", "2024", "295", "295号", "号"}},
		{"character then number", "罚2022年", false, []string{"罚", "2022", "罚2022", "2022年", "年"}},
		{"latin words and digits", "gb 32100-2015 abc1", false, []string{"gb", "32100", "2015", "abc1"}},
		{"sentence end separates", "税。费", true, []string{"税", "费"}},
		{"line break separates", "税\n费", false, []string{"税", "费"}},
		{"enumeration comma joins", "机、一", false, []string{"机一"}},
		{"quotes join", "“手”亮", false, []string{"手亮"}},
		{"space joins", "信用 修复", false, []string{"信用", "用修", "修复"}},
		{"long gap separates", "税 —— 费", false, []string{"税", "费"}},
		{"empty", "", true, nil},
		{"invalid utf-8 skipped", "\xff税", true, []string{"税"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tok := range (zhTokenizer{unigrams: tt.unigrams}).Tokenize([]byte(tt.in)) {
				got = append(got, string(tok.Term))
				// A bigram joined across punctuation spans it.
				span := strings.Map(func(r rune) rune {
					if isHan(r) || unicode.IsLetter(r) || unicode.IsDigit(r) {
						return r
					}
					return -1
				}, tt.in[tok.Start:tok.End])
				assert.Equal(t, string(tok.Term), span, "offsets of %q", tok.Term)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func FuzzZhTokenizer(f *testing.F) {
	for _, s := range []string{"政策兑现", "临发改信用〔2024〕295号", "a税b", "a号b号c", "1a2b号3", "\xff", "ＡＢＣ１２３"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := (zhTokenizer{unigrams: true}).Tokenize([]byte(s))
		// Tokenize sizes its slab on this bound.
		require.LessOrEqual(t, len(toks), 2*utf8.RuneCountInString(s)+1, "tokens of %q", s)
		for _, tok := range toks {
			if len(tok.Term) == 0 || tok.Start < 0 || tok.End > len(s) || tok.Start >= tok.End {
				t.Fatalf("bad token %+v in %q", tok, s)
			}
		}
	})
}

// TestStableRune checks the snippet's shortcut against the full
// normalisation for every character it claims to be stable.
func TestStableRune(t *testing.T) {
	for r := rune(0); r <= 0x9FFF; r++ {
		if !stableRune(r) {
			continue
		}
		require.Equal(t, string(r), bracketFold.Replace(normalize(string(r))), "U+%04X", r)
	}
}

// TestFold checks the generated folding on the pairs people type.
func TestFold(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ a, b string }{
		{"誠信", "诚信"}, {"拖欠中小企業賬款", "拖欠中小企业账款"}, {"新官不理旧帐", "新官不理旧账"},
		{"帳款", "账款"}, {"裡", "里"}, {"裏", "里"}, {"著", "着"}, {"臺", "台"}, {"後", "后"},
		{"政務誠信", "政务诚信"}, {"ＡＢＣ１２３", "abc123"},
	} {
		assert.Equal(t, normalize(tc.b), normalize(tc.a), "%s ~ %s", tc.a, tc.b)
	}
	for _, tc := range []struct{ a, b string }{{"欠", "缺"}, {"干", "千"}, {"账", "帐篷"}} {
		assert.NotEqual(t, normalize(tc.b), normalize(tc.a), "%s !~ %s", tc.a, tc.b)
	}
	// Folding is idempotent and never leaves the ideograph blocks.
	for r := rune(foldBase); r < foldEnd; r++ {
		f := foldRune(r)
		require.Equal(t, f, foldRune(f), "U+%04X", r)
	}
}

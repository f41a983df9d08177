package search

import (
	"math/rand/v2"
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

// TestNormalizeMatchesReference checks the one-pass normalize against its
// definition (NFKC, lower case, fold) on text mixing the characters that
// matter: CJK with variants, full-width forms, combining marks after Latin
// letters and after CJK characters, compatibility ideographs, case.
func TestNormalizeMatchesReference(t *testing.T) {
	pieces := []string{"诚信", "誠信", "帐", "賬", "ＡＢＣ", "２０２４", "〔", "［", "（", "Ａ", "E\u0301", "e", "\u0301", "中\u0301",
		"\uF900", "\u2F00", "①", "ß", "İ", "Σ", "ﬁ", "　", " ", "，", "。", "“", "号", "〇", "\u3400", "\u4DC0", "\u9FFF", "\uA000", "ｶ", "ﾞ", "が", "\U00020000", "x", "，", "：", "Ｅ", "％", "～", "\u00A0", "\u00B4", "\u00C5", "\u0308", "\u2026", "\u3099", "\uFF9E"}
	cases := []string{"", "ABC", "临发改信用〔2024〕295号", "拖欠中小企業賬款", "Ｅ\u0301中ｶﾞ"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		cases = append(cases, b.String())
	}
	for _, s := range cases {
		require.Equal(t, normalizeSlow(s), normalize(s), "%q", s)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"临发改信用〔2024〕295号", "拖欠中小企業賬款", "E\u0301中\u0301ｶﾞ", "\uF900ABC①"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normalize(s), normalizeSlow(s); got != want {
			t.Fatalf("normalize(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestIsHanFastPath checks the shortcut against unicode.Han over every
// code point it decides by range.
func TestIsHanFastPath(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		require.Equal(t, unicode.Is(unicode.Han, r), isHan(r), "%U", r)
	}
}

// BenchmarkNormalize normalises a page of ~1,700 characters like the
// generated ones (Chinese with punctuation, numbers and a 文号), one pass
// against the three-pass definition.
func BenchmarkNormalize(b *testing.B) {
	page := strings.Repeat("加强政务诚信建设，推进企业信用修复。依据临发改信用〔2024〕295号，防范和化解拖欠中小企业账款，2024年完成率98%。", 30)
	for _, f := range []struct {
		name string
		fn   func(string) string
	}{{"onepass", normalize}, {"definition", normalizeSlow}} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for range b.N {
				f.fn(page)
			}
		})
	}
}

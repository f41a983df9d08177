package dataset

import (
	"fmt"
	"strings"
)

// creditCharset is the alphabet of the 统一社会信用代码 (GB 32100-2015): the
// digits and the capital letters without I, O, Z, S and V. A character's
// value is its index.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeCheckChar computes the GB 32100-2015 check character of the first
// 17 characters of a 统一社会信用代码. It fails when first17 is not 17
// characters of the code alphabet.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("need the first 17 characters, got %d", len([]rune(first17)))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCharset, first17[i])
		if v < 0 {
			return 0, fmt.Errorf("character %d (%q) is not one of %s", i+1, first17[i], creditCharset)
		}
		sum += v * creditWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return creditCharset[c], nil
}

// CheckCreditCode validates a 统一社会信用代码. bad says why the code is
// malformed (length or alphabet), an error; warn says the check character is
// wrong, only a warning because some early legally issued codes fail it.
func CheckCreditCode(code string) (bad, warn error) {
	n := len([]rune(code))
	if n != 18 {
		return fmt.Errorf("%q 有 %d 个字符，统一社会信用代码为 18 位（数字和除 I O Z S V 外的大写字母） (%q has %d characters; a 统一社会信用代码 has 18: digits and capitals except I O Z S V)", code, n, code, n), nil
	}
	for i, r := range []rune(code) {
		if r >= 0x80 || !strings.ContainsRune(creditCharset, r) {
			zh, en := "", ""
			if r >= 'a' && r <= 'z' && strings.ContainsRune(creditCharset, r-'a'+'A') {
				zh, en = "，字母须大写", "; use capital letters"
			}
			return fmt.Errorf("%q 的第 %d 个字符 %q 不允许（只能是数字和除 I O Z S V 外的大写字母%s） (%q: character %d (%q) is not allowed: digits and capitals except I O Z S V%s)", code, i+1, r, zh, code, i+1, r, en), nil
		}
	}
	want, _ := CreditCodeCheckChar(code[:17])
	if code[17] != want {
		return nil, fmt.Errorf("%q 的校验码是 %c，按 GB 32100-2015 应为 %c（请更正；如代码确系如此核发，可保留） (%q: the check character is %c, GB 32100-2015 expects %c: correct it, or keep it if the code was issued so)", code, code[17], want, code, code[17], want)
	}
	return nil, nil
}

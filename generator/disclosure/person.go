package disclosure

import (
	"regexp"
	"strings"
	"unicode"

	"portal/generator/model"
)

// Name rules of [disclosures] person_names.
const (
	NamesMask = "mask" // 张*, 欧阳** (the default)
	NamesFull = "full" // as written (only where a law requires it)
	NamesHide = "hide" // 某某
)

// NameRules lists the allowed person_names values.
var NameRules = []string{NamesMask, NamesFull, NamesHide}

// subjectTypeNames maps the ways offices write 行政相对人类别 to the
// standard's three values.
var subjectTypeNames = map[string]string{
	"法人及非法人组织": model.SubjectOrganization, "法人和非法人组织": model.SubjectOrganization,
	"法人及其他组织": model.SubjectOrganization, "法人或其他组织": model.SubjectOrganization,
	"法人": model.SubjectOrganization, "非法人组织": model.SubjectOrganization, "其他组织": model.SubjectOrganization,
	"单位": model.SubjectOrganization, "企业": model.SubjectOrganization,
	"自然人": model.SubjectPerson, "个人": model.SubjectPerson, "公民": model.SubjectPerson,
	"个体工商户": model.SubjectSoleTrader, "个体户": model.SubjectSoleTrader,
}

// SubjectType reads a 行政相对人类别 value; ok is false for a value that is
// none of the standard's three (nor a common way of writing one).
func SubjectType(s string) (string, bool) {
	t, ok := subjectTypeNames[Normalize(s)]
	return t, ok
}

// compoundSurnames are the two-character surnames kept whole by the mask.
var compoundSurnames = []string{"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
	"宇文", "司徒", "夏侯", "令狐", "轩辕", "端木", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "闻人",
	"澹台", "申屠", "太史", "公冶", "宗政", "濮阳", "淳于", "单于", "仲孙", "钟离", "赫连", "东郭", "拓跋"}

// MaskName keeps a person's surname and replaces every other character with
// "*": 张三 → 张*, 欧阳娜娜 → 欧阳**, a one-character name → *. Spaces and
// the name separator "·" are kept so foreign and minority names keep their
// shape.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	if len(r) <= 1 {
		return strings.Repeat("*", len(r))
	}
	keep := 1
	if len(r) > 2 {
		for _, s := range compoundSurnames {
			if strings.HasPrefix(string(r), s) {
				keep = 2
				break
			}
		}
	}
	for i := keep; i < len(r); i++ {
		if r[i] != '·' && r[i] != '•' && !unicode.IsSpace(r[i]) {
			r[i] = '*'
		}
	}
	return string(r)
}

// ShowName returns a natural person's name as the rule shows it.
func ShowName(name, rule string) string {
	switch rule {
	case NamesFull:
		return name
	case NamesHide:
		if strings.TrimSpace(name) == "" {
			return ""
		}
		return "某某"
	}
	return MaskName(name)
}

// idCandidate matches the shape of an 18-character 居民身份证号码 (GB 11643):
// area, a birth date from 1900 on, sequence and check character.
var idCandidate = regexp.MustCompile(`[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]`)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// IsIDNumber reports whether s is an 18-character 居民身份证号码 with a
// correct GB 11643 check character.
func IsIDNumber(s string) bool {
	if len(s) != 18 || !idCandidate.MatchString(s) {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(s[i]-'0') * idWeights[i]
	}
	want := "10X98765432"[sum%11]
	got := s[17]
	if got == 'x' {
		got = 'X'
	}
	return got == want
}

// hasDigitRun reports whether s has n ASCII digits in a row (an ID number
// starts with 17), the cheap test before the pattern. It is run over every
// disclosure's body, mostly Chinese text without digits, so it looks at
// every n-th byte: a byte that is not a digit rules out every run through
// it, and the next run to test ends n bytes later. At a digit it counts
// back to where that run starts and tests the run ending n-1 bytes after.
func hasDigitRun(s string, n int) bool {
	n = max(n, 1) // a run of 0 digits is found at the first digit, as of 1
	// end is the last byte of the next run to test, start its first.
	for end := n - 1; end < len(s); {
		if !isDigit(s[end]) {
			end += n
			continue
		}
		start := end - n + 1
		j := end
		for j > start && isDigit(s[j-1]) {
			j--
		}
		if j == start {
			return true
		}
		// s[j-1] is not a digit: the next run to test starts at j.
		end = j + n - 1
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ContainsIDNumber reports whether an ID number appears anywhere in s, even
// run together with other digits.
func ContainsIDNumber(s string) bool {
	if !hasDigitRun(s, 17) {
		return false
	}
	for i := 0; i+18 <= len(s); i++ {
		if s[i] >= '1' && s[i] <= '9' && IsIDNumber(s[i:i+18]) {
			return true
		}
	}
	return false
}

// HiddenID replaces an ID number found in free text.
const HiddenID = "（证件号码已隐去）"

// ScrubIDNumbers replaces every 居民身份证号码 in s (right shape, correct
// check character, not part of a longer run of digits or letters) with
// HiddenID and reports how many it replaced.
func ScrubIDNumbers(s string) (string, int) {
	if !hasDigitRun(s, 17) {
		return s, 0
	}
	locs := idCandidate.FindAllStringIndex(s, -1)
	if locs == nil {
		return s, 0
	}
	var b strings.Builder
	last, n := 0, 0
	for _, l := range locs {
		if !IsIDNumber(s[l[0]:l[1]]) || alnumAt(s, l[0]-1) || alnumAt(s, l[1]) {
			continue
		}
		b.WriteString(s[last:l[0]])
		b.WriteString(HiddenID)
		last = l[1]
		n++
	}
	if n == 0 {
		return s, 0
	}
	b.WriteString(s[last:])
	return b.String(), n
}

func alnumAt(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

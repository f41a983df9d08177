package loader

import (
	"fmt"
	"regexp"
	"strings"

	"portal/generator/model"
	"portal/generator/page"
)

// The registration numbers every government website shows in its footer
// (政府网站发展指引, 国办发〔2017〕47号) are checked here. A wrong or
// placeholder number is a warning, not an error: the shipped demonstration
// site keeps placeholders and must still build, while `portal check -strict`
// (warnings are errors) refuses to let a site go live with them.
//
// Formats, as issued and as shown on live government sites:
//   - 网站标识码: ten characters issued through 全国政府网站信息报送系统;
//     a local site has ten digits, the first six its 行政区划代码 (GB/T 2260)
//     and the last four a serial from 0001 (临沂 "3713000012"); a State
//     Council department's site has "bm" and eight digits ("bm07000001").
//   - ICP备案号: the province's one-character abbreviation, "ICP备", the
//     filing holder's number (eight digits for older filings, ten since
//     2020: "鲁ICP备2024091574号"), "号", and "-N" for the holder's Nth
//     site ("京ICP备13021685号-2").
//   - 公安机关备案号: the abbreviation, "公网安备", fourteen digits whose
//     first six are the filing police bureau's 行政区划代码, and "号"
//     ("鲁公网安备37028102001616号").

// provinces maps each province-level 行政区划代码 prefix to the
// abbreviations used in ICP and 公网安备 numbers (some provinces have two).
var provinces = map[string]string{
	"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙",
	"21": "辽", "22": "吉", "23": "黑",
	"31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁",
	"41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
	"50": "渝", "51": "川蜀", "52": "贵黔", "53": "云滇", "54": "藏",
	"61": "陕秦", "62": "甘陇", "63": "青", "64": "宁", "65": "新",
}

// provinceOf returns the 行政区划代码 prefix an abbreviation stands for.
func provinceOf(abbr string) (string, bool) {
	for code, names := range provinces {
		if strings.Contains(names, abbr) {
			return code, true
		}
	}
	return "", false
}

var (
	siteIDCodeRE   = regexp.MustCompile(`^(?:(\d{6})(\d{4})|bm(\d{8}))$`)
	icpRE          = regexp.MustCompile(`^(\p{Han})ICP[备证](\d{6,10})号(?:-(\d{1,3}))?$`)
	policeRecordRE = regexp.MustCompile(`^(\p{Han})公网安备(\d{14})号$`)
	// placeholderWords are what people type where they do not know the value yet.
	placeholderWords = []string{"xx", "*", "?", "？", "待", "示例", "样例", "占位", "请替换", "请填写", "todo", "tbd"}
)

// checkGovernment warns about missing, malformed and placeholder
// registration numbers in [government].
func checkGovernment(g *page.Table, gc model.GovernmentConfig) {
	if msg := siteIDCodeProblem(gc.SiteIDCode); msg != "" {
		g.Warnf("site_id_code", "网站标识码%s；上线前改为本网站在全国政府网站信息报送系统取得的标识码（地方网站为 10 位数字：前 6 位行政区划代码，后 4 位顺序号；国务院部门网站为 bm 加 8 位数字）", msg)
	}
	if msg := icpProblem(gc.ICP); msg != "" {
		g.Warnf("icp", "ICP备案号%s；上线前改为工业和信息化部备案系统登记的号码（省级简称 + ICP备 + 8 或 10 位数字 + 号，同一主体的第 N 个网站再加 -N）", msg)
	}
	if msg := policeRecordProblem(gc.PoliceRecord); msg != "" {
		g.Warnf("police_record", "公安机关备案号%s；上线前改为全国互联网安全管理服务平台登记的号码（省级简称 + 公网安备 + 14 位数字 + 号，前 6 位数字为备案公安机关的行政区划代码）", msg)
	}
}

// siteIDCodeProblem says what is wrong with a 网站标识码 ("" when nothing).
func siteIDCodeProblem(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return "未填写"
	}
	if w := placeholderWord(v); w != "" {
		return fmt.Sprintf(" %q 是占位值（含“%s”）", v, w)
	}
	m := siteIDCodeRE.FindStringSubmatch(v)
	if m == nil {
		return fmt.Sprintf(" %q 格式不对", v)
	}
	if m[3] != "" { // bm + 8 digits
		if allSame(m[3]) {
			return fmt.Sprintf(" %q 是占位值", v)
		}
		return ""
	}
	if allSame(v) || isRun(v) {
		return fmt.Sprintf(" %q 是占位值", v)
	}
	if _, ok := provinces[m[1][:2]]; !ok {
		return fmt.Sprintf(" %q 的前 2 位 %s 不是省级行政区划代码", v, m[1][:2])
	}
	if m[2] == "0000" {
		return fmt.Sprintf(" %q 是占位值（顺序号从 0001 起，0000 不会被分配）", v)
	}
	return ""
}

// icpProblem says what is wrong with an ICP备案号 ("" when nothing).
func icpProblem(v string) string {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if v == "" {
		return "未填写"
	}
	if w := placeholderWord(v); w != "" {
		return fmt.Sprintf(" %q 是占位值（含“%s”）", v, w)
	}
	m := icpRE.FindStringSubmatch(v)
	if m == nil {
		return fmt.Sprintf(" %q 格式不对", v)
	}
	if _, ok := provinceOf(m[1]); !ok {
		return fmt.Sprintf(" %q 的“%s”不是省级行政区的简称", v, m[1])
	}
	if allSame(m[2]) || isRun(m[2]) {
		return fmt.Sprintf(" %q 是占位值", v)
	}
	return ""
}

// policeRecordProblem says what is wrong with a 公安机关备案号 ("" when nothing).
func policeRecordProblem(v string) string {
	v = strings.ReplaceAll(strings.TrimSpace(v), " ", "")
	if v == "" {
		return "未填写"
	}
	if w := placeholderWord(v); w != "" {
		return fmt.Sprintf(" %q 是占位值（含“%s”）", v, w)
	}
	m := policeRecordRE.FindStringSubmatch(v)
	if m == nil {
		return fmt.Sprintf(" %q 格式不对", v)
	}
	digits := m[2]
	if allSame(digits) || allSame(digits[6:]) || isRun(digits) {
		return fmt.Sprintf(" %q 是占位值", v)
	}
	code, ok := provinceOf(m[1])
	if !ok {
		return fmt.Sprintf(" %q 的“%s”不是省级行政区的简称", v, m[1])
	}
	if digits[:2] != code {
		return fmt.Sprintf(" %q 的前 2 位数字 %s 与“%s”（%s）不符", v, digits[:2], m[1], code)
	}
	return ""
}

func placeholderWord(v string) string {
	low := strings.ToLower(v)
	for _, w := range placeholderWords {
		if strings.Contains(low, w) {
			return w
		}
	}
	return ""
}

// allSame reports whether every byte of s is the same (00000000, 11111111).
func allSame(s string) bool {
	return s != "" && strings.Count(s, s[:1]) == len(s)
}

// isRun reports whether the digits of s only count up or down by one
// (12345678, 0123456789, 987654321): typed as filler, never issued.
func isRun(s string) bool {
	if len(s) < 6 {
		return false
	}
	up, down := true, true
	for i := 1; i < len(s); i++ {
		d := int(s[i]) - int(s[i-1])
		up = up && (d == 1 || s[i-1] == '9' && s[i] == '0')
		down = down && d == -1
	}
	return up || down
}

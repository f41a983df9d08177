package diag

import (
	"fmt"
	"unicode"
)

// Text is an argument that reads differently in each language, such as a
// description of a value ("整数 1" / "the integer 1"): the Chinese message
// gets ZH, the English one EN.
type Text struct{ ZH, EN string }

// String returns the English form, so Text also works in plain fmt calls.
func (t Text) String() string { return t.EN }

// TextError is an error worded in both languages. Error() reads
// "中文 (English)"; as an argument of a diagnostic's format each language's
// message takes its own form, so the two never mix.
type TextError struct{ ZH, EN string }

func (e *TextError) Error() string { return e.ZH + " (" + e.EN + ")" }

// NewError returns the error format describes, in Chinese (from the table)
// and English. A format without a Chinese form reads the same in both.
func NewError(format string, args ...any) *TextError {
	en := fmt.Sprintf(format, args...)
	zh, ok := chinese[format]
	if !ok {
		return &TextError{ZH: en, EN: en}
	}
	return &TextError{ZH: fmt.Sprintf(zh, chineseArgs(args)...), EN: en}
}

// Bilingual formats like Errorf's message: "中文 (English)" when format has a
// Chinese form, else the English alone. For texts composed before they are
// reported.
func Bilingual(format string, args ...any) string { return message(format, args) }

// message formats one diagnostic's text: the Chinese form of format (from
// chinese) first, then the English in parentheses. A format that already
// holds Chinese, or has no Chinese form, is used as it is, with each Text or
// TextError argument in its Chinese form first when it has one.
func message(format string, args []any) string {
	en := fmt.Sprintf(format, englishArgs(args)...)
	zh, ok := chinese[format]
	if !ok {
		// A format that only passes a worded error on ("%v") still reads
		// Chinese first.
		zh = format
	}
	zh = fmt.Sprintf(zh, chineseArgs(args)...)
	if zh == en {
		return en
	}
	return zh + " (" + en + ")"
}

// chineseArgs gives each Text and TextError argument its Chinese form.
func chineseArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case Text:
			out[i] = a.ZH
		case *TextError:
			out[i] = a.ZH
		default:
			out[i] = a
		}
	}
	return out
}

// englishArgs gives each TextError argument its English form (a Text
// already formats as English).
func englishArgs(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		if e, ok := a.(*TextError); ok {
			out[i] = e.EN
		} else {
			out[i] = a
		}
	}
	return out
}

// HasChinese reports whether s holds a Chinese character: such a message
// format is already written for Chinese readers and needs no entry in the
// table.
func HasChinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// Chinese reports whether format has a Chinese form.
func Chinese(format string) bool {
	_, ok := chinese[format]
	return ok
}

// chinese maps each English message format of the content, data and
// settings checks to its Simplified Chinese form, with the same verbs in the
// same order. The English stays the key so the checks read naturally in the
// code and the English text is unchanged for those who search for it.
var chinese = map[string]string{
	// Values and types (generator/page/table.go).
	"must be text in double quotes, not %s":                                                           "应为双引号中的文本，而不是%s",
	"must not be empty":                                                                               "不能为空",
	"%q is not allowed (use one of: %s)":                                                              "不能取值 %q，可用的值：%s",
	"must be an array of text, e.g. %s = [\"…\", \"…\"], not %s":                                      "应为文本数组，例如 %s = [\"…\", \"…\"]，而不是%s",
	"element %d must be text in double quotes, not %s":                                                "第 %d 个元素应为双引号中的文本，而不是%s",
	"element %d is empty":                                                                             "第 %d 个元素为空",
	"must be true or false (unquoted), not %s":                                                        "应为不加引号的 true 或 false，而不是%s",
	"must be a whole number (unquoted), not %s":                                                       "应为不加引号的整数，而不是%s",
	"must be a number such as 5000 or 1250.5 (unquoted), not %s":                                      "应为不加引号的数字，如 5000 或 1250.5，而不是%s",
	"is a time of day, not a date (use YYYY-MM-DD)":                                                   "是时刻而不是日期，请写作 YYYY-MM-DD",
	"%q is text in quotes, not a date: write it without quotes, %s = %s":                              "%q 是加了引号的文本而不是日期，请去掉引号：%s = %s",
	"%q is not a date (write it without quotes as YYYY-MM-DD, e.g. %s = 2025-01-31)":                  "%q 不是日期，请不加引号写作 YYYY-MM-DD，例如 %s = 2025-01-31",
	"must be a date written YYYY-MM-DD (unquoted), not %s":                                            "应为不加引号的日期 YYYY-MM-DD，而不是%s",
	"must be a table ([%s] followed by its keys), not %s":                                             "应为表（[%s] 后接其中的键），而不是%s",
	"must be an array of tables written [[%s]], not %s":                                               "应为写作 [[%s]] 的表数组，而不是%s",
	"must be an array of dates, e.g. %s = [2025-01-01, 2025-05-01], not %s":                           "应为日期数组，例如 %s = [2025-01-01, 2025-05-01]，而不是%s",
	"element %d is a time of day, not a date (use YYYY-MM-DD)":                                        "第 %d 个元素是时刻而不是日期，请写作 YYYY-MM-DD",
	"element %d: %q is not a date (use YYYY-MM-DD)":                                                   "第 %d 个元素 %q 不是日期，请写作 YYYY-MM-DD",
	"element %d must be a date (YYYY-MM-DD), not %s":                                                  "第 %d 个元素应为日期 YYYY-MM-DD，而不是%s",
	"duplicates %s (give only one of %s)":                                                             "与 %s 重复，%s 只能写一个",
	"TOML: %v":                                                                                        "TOML 无法读取：%v",
	"TOML syntax error: %s (%s)":                                                                      "TOML 语法错误：%s（%s）",
	"unknown key":                                                                                     "未知的键",
	"unknown key (did you mean %s?)":                                                                  "未知的键（是否想写 %s？）",
	"required key is missing":                                                                         "缺少必填的键",
	"required key is missing (write %s)":                                                              "缺少必填的键（写 %s）",
	"required key is missing; e.g. %s":                                                                "缺少必填的键，例如 %s",
	"required key is missing (write %s); e.g. %s":                                                     "缺少必填的键（写 %s），例如 %s",
	"required key is missing; e.g. min = 90":                                                          "缺少必填的键，例如 min = 90",
	"%s nested %d levels deep; at most %d are read (flatten it, or raise [limits] %s in portal.toml)": "%s嵌套 %d 层，最多读取 %d 层（请减少嵌套，或在 portal.toml 中调高 [limits] %s）",

	// Pages (generator/page/page.go, limits.go).
	"the file is %d bytes; at most %d bytes are read from one content file (split it, or raise [limits] file_bytes in portal.toml)":                                     "文件有 %d 字节，一个内容文件最多读取 %d 字节（请拆分，或在 portal.toml 中调高 [limits] file_bytes）",
	"the front matter is %d bytes; at most %d bytes are read (move long text into the body below the closing +++, or raise [limits] front_matter_bytes in portal.toml)": "前置设置有 %d 字节，最多读取 %d 字节（请把长文本移到结束的 +++ 之后的正文，或在 portal.toml 中调高 [limits] front_matter_bytes）",
	"this line is %d bytes long; at most %d bytes are read in one line (break it into shorter lines or paragraphs, or raise [limits] line_bytes in portal.toml)":        "此行有 %d 字节，一行最多读取 %d 字节（请分成较短的行或段落，或在 portal.toml 中调高 [limits] line_bytes）",
	"this line holds so many links without spaces between them that rendering it would take minutes; put a space or a line break between links":                         "此行有大量不以空格分隔的链接，渲染需要数分钟；请在链接之间加空格或换行",
	"unknown kind %q":          "未知的内容类型 %q",
	"%s is before the date %s": "%s 早于日期 %s",
	"%s is before date %s":     "%s 早于 date %s",
	"%q is not one of the known values (%s); if it is a new one, add it to portal.toml [vocabulary] %s":                         "%q 不在已知的值中（%s）；如是新的值，请加入 portal.toml 的 [vocabulary] %s",
	"%q is how the site shows the status; write its code %q here (use one of: %s)":                                              "%q 是网站上显示的状态名称，此处请写它的代码 %q（可用的值：%s）",
	"\"overdue\" is derived from the deadline and never written (use one of: %s)":                                               "“overdue”（已逾期）由完成时限推算，不能填写；可用的值：%s",
	"%d is not a measure number (use 1 to 18)":                                                                                  "%d 不是措施序号（可用 1 至 18）",
	"%s is before date %s (the deadline cannot come before the promise)":                                                        "%s 早于 date %s（完成时限不能早于作出承诺的日期）",
	"is %q but the latest progress entry (%s, line %d) says %q; add a progress entry for the new status or correct one of them": "为 %q，但最新的进展记录（%s，第 %d 行）为 %q；请为新状态添加一条进展记录，或更正其中之一",
	"the id of a Markdown disclosure is its file name; remove this key":                                                         "Markdown 公示信息的编号就是文件名，请删除此键",
	"%q is not a subject type (use one of: %s)":                                                                                 "%q 不是行政相对人类别，可用的值：%s",
	"%s is before the decision date %s (公示日期 cannot precede 决定日期)":                                                              "%s 早于决定日期 %s（公示日期不能早于决定日期）",
	"%s is before the decision date %s":                                                                                         "%s 早于决定日期 %s",
	"%s is before valid_from %s":                                                                                                "%s 早于有效期自 %s",
	"must be an amount such as 5000, 1250.5 or \"20万元\", not %s":                                                                "应为金额，如 5000、1250.5 或 \"20万元\"，而不是%s",
	"%v; the value names its own list page":                                                                                     "%v；此值用作它自己的列表页地址",
	"%v; each value of %s names its own page, /%s/<value>/":                                                                     "%v；%s 的每个值用作它自己的页面地址 /%s/<值>/",
	"%v; the topic names its own page, /policies/topic/<topic>/":                                                                "%v；主题用作它自己的页面地址 /policies/topic/<主题>/",
	"the publication date %s is before written_date %s":                                                                         "发布日期 %s 早于成文日期 %s",
	"%q is not a web address (use http:// or https://)":                                                                         "%q 不是网址（请以 http:// 或 https:// 开头）",

	// Files and folders (generator/loader/loader.go).
	"duplicate %s id %q: also used by %s:%d (ids must be unique within %s; Markdown file names and data-file ids share one space)": "%s编号 %q 重复：%s:%d 也使用了它（%s的编号必须各不相同；Markdown 文件名与数据文件中的编号共用同一范围）",
	"%s id %q differs only in letter case from the one used by %s:%d (page addresses must differ in more than case)":               "%s编号 %q 与 %s:%d 使用的编号只有大小写不同（页面地址不能只靠大小写区分）",
	"%q names %s again (already given as %q in %s); list each body once":                                                           "%q 再次指向 %s（已写作 %q，见 %s）；每个单位只列一次",
	"files directly under content/ are not read (except _index.md, the home page's introduction); put pages in a kind folder (%s)": "content/ 下直接存放的文件不会读取（首页简介 _index.md 除外）；请把页面放入内容类型文件夹（%s）",
	"unknown folder %q (allowed kinds: %s)":                                    "未知的文件夹 %q（可用的内容类型：%s）",
	"unknown folder %q (allowed kinds: %s); did you mean %s?":                  "未知的文件夹 %q（可用的内容类型：%s）；是否想写 %s？",
	"subfolders are not read; put %s pages directly in %s/":                    "子文件夹不会读取；请把%s页面直接放在 %s/ 中",
	"not a Markdown (.md) file: ignored":                                       "不是 Markdown（.md）文件，已忽略",
	"subfolders are not read; put .csv, .xlsx and .json files directly in %s/": "子文件夹不会读取；请把 .csv、.xlsx 和 .json 文件直接放在 %s/ 中",
	"not a .csv, .xlsx or .json file: ignored":                                 "不是 .csv、.xlsx 或 .json 文件，已忽略",
	"cannot read: %v": "无法读取：%v",

	// Settings (generator/loader/config.go, indicators.go; generator/dataset).
	"%q is not a time zone name (use an IANA name such as Asia/Shanghai)":                                   "%q 不是时区名称（请使用 IANA 名称，如 Asia/Shanghai）",
	"%d is too small (use %d or more)":                                                                      "%d 太小（请使用 %d 或更大的值）",
	"%q is not an absolute web address (use https://host/ or https://host/path/)":                           "%q 不是完整的网址（请写作 https://主机/ 或 https://主机/路径/）",
	"%q is not a theme name (use \"default\" or the name of a folder under themes/)":                        "%q 不是主题名称（请使用 \"default\" 或 themes/ 下的文件夹名）",
	"%q is not a link (use a site path starting with / or an http(s):// address)":                           "%q 不是链接（请使用以 / 开头的站内路径或 http(s):// 网址）",
	"%q is not a publication-log public key (use the line portal keygen writes: name+id+key)":               "%q 不是发布记录公钥（请使用 portal keygen 写出的那一行：名称+编号+密钥）",
	"element %d, %q, is not a publication-log public key (use a line portal keygen wrote: name+id+key)":     "第 %d 项 %q 不是发布记录公钥（请使用 portal keygen 写出的公钥：名称+编号+密钥）",
	"element %d is the current public_key: list here only the keys the site no longer signs with":           "第 %d 项就是现在的 public_key：这里只列本站不再用来签名的旧公钥",
	"%d is too small (a rate rests on at least 1 record; use 1 or more)":                                    "%d 太小（比率至少基于 1 条记录；请使用 1 或更大的值）",
	"%d is out of range (use 1 to 60 working days; the national 双公示 rule is 7)":                             "%d 超出范围（请使用 1 至 60 个工作日；全国双公示规定为 7 个工作日）",
	"%q is not a disclosure category (use: %s, or add it to [vocabulary] disclosure_categories)":            "%q 不是公示类别（可用：%s，或加入 [vocabulary] disclosure_categories）",
	"must name at least one category (e.g. [\"行政许可\", \"行政处罚\"]); set weights.%s = 0 to leave the rate out": "至少要列出一个类别（例如 [\"行政许可\", \"行政处罚\"]）；不计此项比率请设 weights.%s = 0",
	"%g is out of range (a weight is 0 to 100; 0 leaves the rate out)":                                      "%g 超出范围（权重为 0 至 100；0 表示不计此项比率）",
	"every weight is 0: at least one positive rate must count (e.g. %s = 40)":                               "所有权重都为 0：至少要有一项正向比率计分（例如 %s = 40）",
	"%g is out of range (0 to 100 points per record; a deduction is written positive; 0 leaves it out)":     "%g 超出范围（每条记录 0 至 100 分；扣分写正数；0 表示不计）",
	"%g is out of range (0 to 100 points per period; 0 = no cap)":                                           "%g 超出范围（每期 0 至 100 分；0 表示不设上限）",
	"only %s has points by record type":                                                                     "只有 %s 可以按记录类型计分",
	"%g is out of range (0 to 100 points per record)":                                                       "%g 超出范围（每条记录 0 至 100 分）",
	"%g is out of range (a score is 0 to 100)":                                                              "%g 超出范围（得分为 0 至 100）",
	"must list at least one grade, e.g. grades = [{ name = \"优\", min = 90 }, { name = \"差\", min = 0 }]":   "至少要列出一个等级，例如 grades = [{ name = \"优\", min = 90 }, { name = \"差\", min = 0 }]",
	"list the grades best first with falling minimums (e.g. 优 90, 良 80, 中 60, 差 0)":                         "等级请从高到低列出，最低分依次下降（例如 优 90、良 80、中 60、差 0）",
	"the last grade must have min = 0 so every score gets a grade":                                          "最后一个等级必须 min = 0，使每个得分都有等级",
	"%q is not one of the grades (use %s, or \"\" for no limit)":                                            "%q 不是已设的等级（请使用 %s，或写 \"\" 表示不限）",
	"%q is not an encoding portal reads (use one of: %s)":                                                   "%q 不是 portal 能读取的编码（可用：%s）",
	"name a file directly in data/disclosures/ (e.g. \"2025-penalties.csv\"), not a path":                   "请直接写 data/disclosures/ 中的文件名（例如 \"2025-penalties.csv\"），而不是路径",
	"%d is too small (use 1 or more; withhold = true keeps records off the site)":                           "%d 太小（请使用 1 或更大的值；withhold = true 表示不在网站公示）",
	"give one of months, until_valid and withhold (or none, for 长期公示)":                                      "months、until_valid 和 withhold 只能写一个（都不写表示长期公示）",
	"must list at least one value":                                                                          "至少要列出一个值",
	"%q is listed twice":                                                                                    "%q 列出了两次",
	"%q is not allowed: ids are lower-case ASCII letters, digits and -, e.g. \"fgw\" or \"lanshan-gov\"":    "不能使用 %q：编号由小写英文字母、数字和 - 组成，例如 \"fgw\" 或 \"lanshan-gov\"",
	"duplicate id %q (first used at %s:%d)":                                                                 "编号 %q 重复（首次使用于 %s:%d）",
	"a department cannot be its own parent":                                                                 "单位的上级不能是它自己",

	// Addresses (generator/page/id.go) and evidence.
	"the file name is empty before .md":                                  "文件名在 .md 之前为空",
	"file name %q must not start with a dot":                             "文件名 %q 不能以点开头",
	"file name %q is reserved for a list page or feed (rename the file)": "文件名 %q 已留作列表页或订阅源的地址（请重命名文件）",
	"file name %q contains %s, which cannot be in a page address (use letters, Chinese characters, digits, - _ . ~; e.g. replace spaces with -)": "文件名 %q 含有%s，页面地址中不能有它（请使用字母、汉字、数字和 - _ . ~，例如把空格换成 -）",
	"%q contains %q, which would split it into several folders of the page address (write it without slashes, e.g. 、 or -)":                      "%q 含有 %q，会把页面地址分成几层文件夹（请不用斜杠，例如改用 、 或 -）",
	"%q contains an invalid character":                   "%q 含有无效字符",
	"%q contains the invisible character %U (remove it)": "%q 含有不可见字符 %U（请删除）",
	"is empty": "为空",
	"%q cannot name a page address (it means the current or parent folder)":                             "%q 不能用作页面地址（它表示当前或上一级文件夹）",
	"%q must not start with a dot (folders starting with a dot are hidden and web servers refuse them)": "%q 不能以点开头（以点开头的文件夹是隐藏的，网站服务器会拒绝访问）",
	"is %d bytes long; at most %d bytes (about %d Chinese characters) can name a page address":          "有 %d 字节，页面地址最多 %d 字节（约 %d 个汉字）",
	"%q is the name of a file the build writes (choose another wording)":                                "%q 是构建时写出的文件名（请换一种写法）",
	"%q is not a complete web address (use https://host/path)":                                          "%q 不是完整的网址（请写作 https://主机/路径）",
	"%q is neither a web address (http:// or https://) nor a document number such as 临发改信用〔2024〕295号":   "%q 既不是网址（http:// 或 https://），也不是文号（如 临发改信用〔2024〕295号）",

	// Reading files (generator/loader).
	"the symbolic link %s points to %s, outside the site folder; nothing outside the site is read or published (copy the file into the site, use a relative link that stays inside it, or set allow_outside_symlinks = true in portal.toml)": "符号链接 %s 指向网站文件夹之外的 %s；网站之外的文件不会读取或发布（请把文件复制到网站中，改用留在网站内的相对链接，或在 portal.toml 中设置 allow_outside_symlinks = true）",
	"not a regular file (a pipe, socket or device is never read; use a plain file)":                                 "不是普通文件（管道、套接字或设备不会读取；请使用普通文件）",
	"the file is %d bytes; at most %d bytes are read from one file (split it, or raise [limits] %s in portal.toml)": "文件有 %d 字节，一个文件最多读取 %d 字节（请拆分，或在 portal.toml 中调高 [limits] %s）",

	// The registry and more settings.
	"%q repeats the department's own %s (remove it)":                                                         "%q 与该单位自己的 %s 重复（请删除）",
	"%q is already used as %s of department %q at %s:%d (names, short names and aliases must be unique)":     "%q 已用作 %s，属于单位 %q，见 %s:%d（全称、简称和别称不能重复）",
	"department %q is its own ancestor through parent (the parent chain must end)":                           "单位 %q 经 parent 成了自己的上级（上级链必须有终点）",
	"element %d: %q is not an address or CIDR range (use e.g. \"127.0.0.1/32\", \"10.0.0.0/8\" or \"::1\")":  "第 %d 个元素 %q 不是地址或 CIDR 网段（例如 \"127.0.0.1/32\"、\"10.0.0.0/8\" 或 \"::1\"）",
	"%q is not a site path (write it as /section/old-name/ or old-name: folder names without ., .., ? or #)": "%q 不是站内路径（请写作 /栏目/旧名称/ 或 旧名称：文件夹名中不能有 .、..、? 或 #）",
}

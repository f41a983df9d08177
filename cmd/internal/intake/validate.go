package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Submission is what a complainant sends, from the form or the JSON API.
// Field names are the JSON keys and form field names.
type Submission struct {
	Category        string `json:"category"`
	Department      string `json:"department"`
	RelatedID       string `json:"related_id"`
	ObjectionReason string `json:"objection_reason"`
	Title           string `json:"title"`
	Description     string `json:"description"`
	Name            string `json:"name"`
	Phone           string `json:"phone"`
	Email           string `json:"email"`
	EnterpriseName  string `json:"enterprise_name"` // an enterprise complaining: its name
	CreditCode      string `json:"credit_code"`     // and its 统一社会信用代码
	Anonymous       bool   `json:"anonymous"`
	Consent         bool   `json:"consent"`         // agrees to the privacy notice; required
	ConsentPublish  bool   `json:"consent_publish"` // the reply may be published without personal data
	// Website is a honeypot: a field people never see, so only robots fill it.
	Website string `json:"website"`
	// Attachments are the checked files of a form submission (see
	// CheckAttachment); the JSON API takes none.
	Attachments []Attachment `json:"-"`
	// Client is the sender's address as the server determined it (behind a
	// trusted proxy, the real client's). It is never stored; it only makes
	// two identical submissions from different clients two complaints (see
	// Fingerprint).
	Client string `json:"-"`
}

// Length limits, in characters (runes).
const (
	TitleMin       = 4
	TitleMax       = 100
	DescriptionMin = 10
	DescriptionMax = 5000
	NameMax        = 50
	EnterpriseMax  = 100
	EmailMax       = 254
	RelatedIDMax   = 120
)

var (
	mobileRe   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}(-[0-9]{1,6})?$`)
)

// ErrHoneypot is returned for a submission whose honeypot field is filled.
var ErrHoneypot = &Error{Code: EINVALID, Message: "提交未通过校验，请刷新页面后重试"}

// Validate cleans s (trims spaces, normalises the phone number) and checks
// every field; knownDepartment reports whether a registry id exists, and
// creditCode checks a 统一社会信用代码 (GB 32100-2015; nil checks only its
// shape). It returns the cleaned submission and an EINVALID *Error naming
// every bad field (nil when all are good).
func Validate(s Submission, knownDepartment func(id string) bool, creditCode func(code string) error) (Submission, error) {
	if s.Website != "" {
		return s, ErrHoneypot
	}
	bad := map[string]string{}
	clean := func(field, v string, multiline bool) string {
		if !utf8.ValidString(v) {
			bad[field] = "包含无效字符（须为 UTF-8 文本）"
			return ""
		}
		v = strings.TrimSpace(v)
		for _, r := range v {
			if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t')) {
				bad[field] = "包含不允许的控制字符"
				return ""
			}
		}
		return v
	}
	s.Category = clean("category", s.Category, false)
	s.Department = clean("department", s.Department, false)
	s.RelatedID = clean("related_id", s.RelatedID, false)
	s.ObjectionReason = clean("objection_reason", s.ObjectionReason, false)
	s.Title = clean("title", s.Title, false)
	s.Description = strings.ReplaceAll(clean("description", s.Description, true), "\r\n", "\n")
	s.Name = clean("name", s.Name, false)
	s.Phone = normalisePhone(clean("phone", s.Phone, false))
	s.Email = clean("email", s.Email, false)
	s.EnterpriseName = clean("enterprise_name", s.EnterpriseName, false)
	s.CreditCode = normaliseCreditCode(clean("credit_code", s.CreditCode, false))

	set := func(field, msg string) {
		if _, ok := bad[field]; !ok {
			bad[field] = msg
		}
	}
	switch {
	case s.Category == "":
		set("category", "请选择投诉类别")
	case !slices.Contains(Categories, s.Category):
		set("category", fmt.Sprintf("投诉类别无效（可选：%s）", strings.Join(Categories, "、")))
	}
	switch {
	case s.Department == "":
		set("department", "请选择被投诉单位，不清楚可选“不确定”")
	case s.Department != DepartmentUnknown && (knownDepartment == nil || !knownDepartment(s.Department)):
		set("department", "被投诉单位不在部门名录中，请从列表中选择，不清楚可选“不确定”")
	}
	if n := utf8.RuneCountInString(s.RelatedID); n > RelatedIDMax {
		set("related_id", fmt.Sprintf("关联事项编号过长（最多 %d 个字符）", RelatedIDMax))
	} else if strings.ContainsAny(s.RelatedID, "/\\?#<>\"'` ") {
		set("related_id", "关联事项编号只能包含文字、字母、数字、点、连字符和下划线")
	}
	if s.Category == CategoryObjection {
		if s.RelatedID == "" {
			set("related_id", "异议申诉须填写所异议的公示记录编号")
		}
		switch {
		case s.ObjectionReason == "":
			set("objection_reason", fmt.Sprintf("请选择异议理由（%s）", strings.Join(ObjectionReasons, "、")))
		case !slices.Contains(ObjectionReasons, s.ObjectionReason):
			set("objection_reason", fmt.Sprintf("异议理由无效（可选：%s）", strings.Join(ObjectionReasons, "、")))
		}
	} else if s.ObjectionReason != "" {
		set("objection_reason", "只有“异议申诉”类投诉需要填写异议理由")
	}
	switch n := utf8.RuneCountInString(s.Title); {
	case n == 0:
		set("title", "请填写标题")
	case n < TitleMin || n > TitleMax:
		set("title", fmt.Sprintf("标题须为 %d–%d 个字符（现为 %d 个）", TitleMin, TitleMax, n))
	}
	switch n := utf8.RuneCountInString(s.Description); {
	case n == 0:
		set("description", "请填写投诉内容")
	case n < DescriptionMin || n > DescriptionMax:
		set("description", fmt.Sprintf("投诉内容须为 %d–%d 个字符（现为 %d 个）", DescriptionMin, DescriptionMax, n))
	}
	switch n := utf8.RuneCountInString(s.Name); {
	case n == 0 && !s.Anonymous:
		set("name", "请填写联系人姓名（如不愿向被投诉单位透露身份，可勾选匿名）")
	case n > NameMax:
		set("name", fmt.Sprintf("姓名过长（最多 %d 个字符）", NameMax))
	}
	switch {
	case s.Phone == "":
		set("phone", "请填写联系电话，用于答复和回访")
	case !mobileRe.MatchString(s.Phone) && !landlineRe.MatchString(s.Phone):
		set("phone", "联系电话格式不正确（手机号为 11 位数字，如 13800000000；固定电话如 0539-8888888）")
	}
	if s.Email != "" {
		if len(s.Email) > EmailMax {
			set("email", fmt.Sprintf("电子邮箱过长（最多 %d 个字符）", EmailMax))
		} else if a, err := mail.ParseAddress(s.Email); err != nil || a.Address != s.Email || !strings.Contains(a.Address[strings.LastIndexByte(a.Address, '@')+1:], ".") {
			set("email", "电子邮箱格式不正确，如 name@example.com；可不填")
		}
	}
	switch n := utf8.RuneCountInString(s.EnterpriseName); {
	case n > EnterpriseMax:
		set("enterprise_name", fmt.Sprintf("企业名称过长（最多 %d 个字符）", EnterpriseMax))
	case n == 0 && s.CreditCode != "":
		set("enterprise_name", "填写了统一社会信用代码，请同时填写企业名称")
	}
	switch {
	case s.CreditCode == "" && s.EnterpriseName != "":
		set("credit_code", "以企业名义投诉，请填写企业的统一社会信用代码（18 位）")
	case s.CreditCode != "":
		if len(s.CreditCode) != 18 {
			set("credit_code", fmt.Sprintf("统一社会信用代码为 18 位（现为 %d 位）", utf8.RuneCountInString(s.CreditCode)))
		} else if creditCode != nil {
			if err := creditCode(s.CreditCode); err != nil {
				set("credit_code", "统一社会信用代码有误，请对照营业执照核对（18 位数字或大写字母，不含 I、O、Z、S、V，末位是校验码）")
			}
		}
	}
	if len(s.Attachments) > MaxAttachments {
		set("attachments", fmt.Sprintf("最多上传 %d 个附件", MaxAttachments))
	}
	if !s.Consent {
		set("consent", "请阅读并同意个人信息保护说明后再提交")
	}
	if len(bad) > 0 {
		return s, &Error{Code: EINVALID, Message: "提交的内容有误，请按提示修改", Fields: bad}
	}
	return s, nil
}

// normaliseCreditCode writes a 统一社会信用代码 the one way it is stored:
// upper case, ASCII, without the spaces and hyphens people paste it with
// (a licence prints it grouped; a PDF copies it full-width), as the search
// box already accepts it.
func normaliseCreditCode(c string) string {
	var b strings.Builder
	for _, r := range c {
		switch {
		case r >= '！' && r <= '～': // full-width ASCII
			r -= '！' - '!'
		}
		switch r {
		case ' ', '\u3000', '\t', '-', '—':
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// normalisePhone drops spaces and a +86/86 country prefix, and turns
// full-width digits into ASCII, so the same number is stored one way.
func normalisePhone(p string) string {
	var b strings.Builder
	for _, r := range p {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '\u3000':
		case r == '－' || r == '—':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	p = b.String()
	if strings.HasPrefix(p, "+86") {
		p = strings.TrimPrefix(strings.TrimPrefix(p, "+86"), "-")
	} else if len(p) == 13 && strings.HasPrefix(p, "86") {
		p = p[2:]
	}
	return p
}

// DecodeJSON reads one JSON submission. Unknown fields, trailing data and
// wrong types are EINVALID errors naming the field; a body over the caller's
// limit surfaces as the reader's error.
func DecodeJSON(r io.Reader) (Submission, error) {
	var s Submission
	err := DecodeStrict(r, &s)
	return s, err
}

// DecodeStrict decodes exactly one JSON object into v, refusing unknown
// fields, and maps decoder errors to user-safe coded errors. An error from
// the reader itself (such as a body over the server's limit) is returned
// as is, so the caller can answer it properly.
func DecodeStrict(r io.Reader, v any) error {
	// encoding/json turns invalid UTF-8 into U+FFFD without a word: read
	// the body first (the server bounds it) and refuse it instead.
	body, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if !utf8.Valid(body) {
		return Errorf(EINVALID, "请求体不是有效的 UTF-8 文本（请以 UTF-8 编码发送 JSON）")
	}
	er := &errReader{r: bytes.NewReader(body)}
	dec := json.NewDecoder(er)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if er.err != nil {
			return er.err
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if er.err != nil {
			return er.err
		}
		return Errorf(EINVALID, "请求体只能包含一个 JSON 对象")
	}
	return nil
}

// errReader remembers the first error of its reader other than io.EOF.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// jsonError turns a decoder error into a coded error that names the field.
func jsonError(err error) error {
	var (
		typeErr *json.UnmarshalTypeError
		synErr  *json.SyntaxError
	)
	switch {
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return Errorf(EINVALID, "请求体必须是 JSON 对象")
		}
		return &Error{Code: EINVALID, Message: "字段类型不正确", Fields: map[string]string{field: fmt.Sprintf("类型不正确（应为 %s）", jsonKind(typeErr.Type.Kind().String()))}}
	case errors.As(err, &synErr):
		return Errorf(EINVALID, "JSON 格式错误（第 %d 字节附近）", synErr.Offset)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(EINVALID, "请求体为空或不完整，须为 JSON 对象")
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return &Error{Code: EINVALID, Message: "包含未知字段", Fields: map[string]string{f: "未知字段，不被接受"}}
	}
	return Errorf(EINVALID, "JSON 无法解析")
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "字符串"
	case "bool":
		return "true 或 false"
	case "int", "int64":
		return "整数"
	}
	return k
}

// FromForm reads a submission from form values. Checkboxes count as checked
// when present with any value other than "", "0", "false" or "off".
func FromForm(v url.Values) Submission {
	check := func(k string) bool {
		switch strings.ToLower(strings.TrimSpace(v.Get(k))) {
		case "", "0", "false", "off":
			return false
		}
		return true
	}
	return Submission{
		Category:        v.Get("category"),
		Department:      v.Get("department"),
		RelatedID:       v.Get("related_id"),
		ObjectionReason: v.Get("objection_reason"),
		Title:           v.Get("title"),
		Description:     v.Get("description"),
		Name:            v.Get("name"),
		Phone:           v.Get("phone"),
		Email:           v.Get("email"),
		EnterpriseName:  v.Get("enterprise_name"),
		CreditCode:      v.Get("credit_code"),
		Anonymous:       check("anonymous"),
		Consent:         check("consent"),
		ConsentPublish:  check("consent_publish"),
		Website:         v.Get("website"),
	}
}

// StatusQuery is a status lookup: the receipt and its query code.
type StatusQuery struct {
	Receipt   string `json:"receipt"`
	QueryCode string `json:"query_code"`
}

// DecodeStatusJSON reads one JSON status query, refusing unknown fields.
func DecodeStatusJSON(r io.Reader) (StatusQuery, error) {
	var q StatusQuery
	err := DecodeStrict(r, &q)
	return q, err
}

// Check validates a status query's shape (both fields present).
func (q StatusQuery) Check() error {
	bad := map[string]string{}
	if strings.TrimSpace(q.Receipt) == "" {
		bad["receipt"] = "请填写受理编号，如 TS-20250115-000123"
	}
	if strings.TrimSpace(q.QueryCode) == "" {
		bad["query_code"] = "请填写提交时获得的查询码"
	}
	if len(bad) > 0 {
		return &Error{Code: EINVALID, Message: "请填写受理编号和查询码", Fields: bad}
	}
	return nil
}

// compact is used by fingerprints: whitespace-insensitive content.
func compact(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

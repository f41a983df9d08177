package intake

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func known(id string) bool { return id == "fgw" || id == "sj" }

func good() Submission {
	return Submission{
		Category: "拖欠账款", Department: "fgw", Title: "工程款拖欠两年未付",
		Description: "某局拖欠我公司工程款两年，多次催要未果。", Name: "张三",
		Phone: "13800000000", Consent: true,
	}
}

func TestValidateAcceptsGood(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*Submission)
	}{
		{"plain", func(*Submission) {}},
		{"department unknown", func(s *Submission) { s.Department = DepartmentUnknown }},
		{"landline", func(s *Submission) { s.Phone = "0539-8888888" }},
		{"landline with extension", func(s *Submission) { s.Phone = "05398888888-123" }},
		{"mobile with +86 and spaces", func(s *Submission) { s.Phone = "+86 138 0000 0000" }},
		{"full-width digits", func(s *Submission) { s.Phone = "１３８００００００００" }},
		{"anonymous without name", func(s *Submission) { s.Anonymous, s.Name = true, "" }},
		{"email", func(s *Submission) { s.Email = "zhang.san@example.com" }},
		{"objection", func(s *Submission) {
			s.Category, s.RelatedID, s.ObjectionReason = CategoryObjection, "临沂-2024-行政处罚-001", "信息错误"
		}},
		{"description at max", func(s *Submission) { s.Description = strings.Repeat("字", DescriptionMax) }},
		{"multiline description", func(s *Submission) { s.Description = "第一行内容足够长\r\n\t第二行内容" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good()
			tt.mod(&s)
			got, err := Validate(s, known, nil)
			require.NoError(t, err)
			assert.NotContains(t, got.Description, "\r\n")
			if s.Phone != "" {
				assert.NotContains(t, got.Phone, " ")
			}
		})
	}
}

func TestValidateNamesEachBadField(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(*Submission)
		field string
		msg   string // a fragment of the message
	}{
		{"category missing", func(s *Submission) { s.Category = "" }, "category", "请选择"},
		{"category unknown", func(s *Submission) { s.Category = "乱写" }, "category", "承诺未兑现"},
		{"department missing", func(s *Submission) { s.Department = "" }, "department", "不确定"},
		{"department not in registry", func(s *Submission) { s.Department = "nope" }, "department", "名录"},
		{"title missing", func(s *Submission) { s.Title = "  " }, "title", "请填写标题"},
		{"title too short", func(s *Submission) { s.Title = "投诉" }, "title", "4–100"},
		{"title too long", func(s *Submission) { s.Title = strings.Repeat("长", TitleMax+1) }, "title", "101"},
		{"title control char", func(s *Submission) { s.Title = "标题\x00标题标题" }, "title", "控制字符"},
		{"title newline", func(s *Submission) { s.Title = "标题\n标题标题" }, "title", "控制字符"},
		{"title invalid utf-8", func(s *Submission) { s.Title = "标题\xff标题" }, "title", "UTF-8"},
		{"description missing", func(s *Submission) { s.Description = "" }, "description", "请填写"},
		{"description too short", func(s *Submission) { s.Description = "太短了" }, "description", "10–5000"},
		{"description too long", func(s *Submission) { s.Description = strings.Repeat("字", DescriptionMax+1) }, "description", "5001"},
		{"name missing", func(s *Submission) { s.Name = "" }, "name", "匿名"},
		{"name too long", func(s *Submission) { s.Name = strings.Repeat("名", NameMax+1) }, "name", "过长"},
		{"phone missing", func(s *Submission) { s.Phone = "" }, "phone", "回访"},
		{"phone too short", func(s *Submission) { s.Phone = "1380000" }, "phone", "格式"},
		{"phone bad prefix", func(s *Submission) { s.Phone = "12800000000" }, "phone", "格式"},
		{"phone letters", func(s *Submission) { s.Phone = "138abc00000" }, "phone", "格式"},
		{"email malformed", func(s *Submission) { s.Email = "not-an-email" }, "email", "格式"},
		{"email with name part", func(s *Submission) { s.Email = "Zhang <z@example.com>" }, "email", "格式"},
		{"email without dot", func(s *Submission) { s.Email = "z@localhost" }, "email", "格式"},
		{"email too long", func(s *Submission) { s.Email = strings.Repeat("a", 250) + "@example.com" }, "email", "过长"},
		{"consent missing", func(s *Submission) { s.Consent = false }, "consent", "个人信息保护"},
		{"objection without record", func(s *Submission) { s.Category, s.ObjectionReason = CategoryObjection, "遗漏" }, "related_id", "公示记录"},
		{"objection without reason", func(s *Submission) { s.Category, s.RelatedID = CategoryObjection, "r1" }, "objection_reason", "请选择异议理由"},
		{"objection bad reason", func(s *Submission) {
			s.Category, s.RelatedID, s.ObjectionReason = CategoryObjection, "r1", "不高兴"
		}, "objection_reason", "超期公示"},
		{"reason without objection", func(s *Submission) { s.ObjectionReason = "遗漏" }, "objection_reason", "只有"},
		{"related id with slash", func(s *Submission) { s.RelatedID = "../etc" }, "related_id", "只能包含"},
		{"related id too long", func(s *Submission) { s.RelatedID = strings.Repeat("a", RelatedIDMax+1) }, "related_id", "过长"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good()
			tt.mod(&s)
			_, err := Validate(s, known, nil)
			require.Error(t, err)
			assert.Equal(t, EINVALID, ErrorCode(err))
			fields := ErrorFields(err)
			require.Len(t, fields, 1, "only the bad field is named: %v", fields)
			assert.Contains(t, fields[tt.field], tt.msg)
		})
	}
}

func TestValidateNamesEveryBadFieldAtOnce(t *testing.T) {
	_, err := Validate(Submission{}, known, nil)
	fields := ErrorFields(err)
	for _, f := range []string{"category", "department", "title", "description", "name", "phone", "consent"} {
		assert.Contains(t, fields, f)
	}
	assert.NotContains(t, fields, "email", "email is optional")
}

func TestValidateHoneypot(t *testing.T) {
	s := good()
	s.Website = "http://spam.example"
	_, err := Validate(s, known, nil)
	assert.ErrorIs(t, err, ErrHoneypot)
}

func TestDecodeJSON(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		field string // a field named in the error, or "" for a general error
		ok    bool
	}{
		{"good", `{"category":"其他","title":"标题标题","consent":true}`, "", true},
		{"unknown field", `{"category":"其他","nickname":"x"}`, "nickname", false},
		{"wrong type", `{"consent":"yes"}`, "consent", false},
		{"number for string", `{"title":5}`, "title", false},
		{"array", `[1,2]`, "", false},
		{"two objects", `{"title":"a"}{"title":"b"}`, "", false},
		{"empty", ``, "", false},
		{"truncated", `{"title":"a"`, "", false},
		{"syntax", `{"title":}`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeJSON(strings.NewReader(tt.body))
			if tt.ok {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, EINVALID, ErrorCode(err))
			if tt.field != "" {
				assert.Contains(t, ErrorFields(err), tt.field)
			}
		})
	}
}

func TestFromForm(t *testing.T) {
	v := url.Values{"title": {"标题"}, "consent": {"on"}, "anonymous": {"0"}, "consent_publish": {"1"}, "website": {""}}
	s := FromForm(v)
	assert.Equal(t, "标题", s.Title)
	assert.True(t, s.Consent)
	assert.False(t, s.Anonymous)
	assert.True(t, s.ConsentPublish)
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"category":"其他","title":"标题","consent":true}`, `{"x":1}`, `[]`, `{"title":"\u0000"}`, `{"consent":"yes"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := DecodeJSON(bytes.NewReader(b))
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("decode error is not EINVALID: %v", err)
			}
			return
		}
		checkValidated(t, s)
	})
}

func FuzzFromForm(f *testing.F) {
	for _, s := range []string{"title=%E6%A0%87%E9%A2%98&consent=on", "phone=%2B86+138+0000+0000", "a=%ff&title=%00", "description=" + strings.Repeat("x", 20)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		checkValidated(t, FromForm(v))
	})
}

// checkValidated asserts Validate's contract on any input: no panic; either
// coded field errors, or a clean submission within every limit.
func checkValidated(t *testing.T, s Submission) {
	clean, err := Validate(s, known, nil)
	if err != nil {
		if ErrorCode(err) != EINVALID {
			t.Fatalf("validate error is not EINVALID: %v", err)
		}
		if err != ErrHoneypot && len(ErrorFields(err)) == 0 {
			t.Fatalf("EINVALID without fields: %v", err)
		}
		return
	}
	if !mobileRe.MatchString(clean.Phone) && !landlineRe.MatchString(clean.Phone) {
		t.Fatalf("accepted phone %q", clean.Phone)
	}
	if !clean.Consent {
		t.Fatal("accepted without consent")
	}
	if n := len([]rune(clean.Description)); n < DescriptionMin || n > DescriptionMax {
		t.Fatalf("accepted description of %d runes", n)
	}
}

// TestFingerprintUsesClient: the same text from two clients is two
// complaints; a double submission from one client is a duplicate.
func TestFingerprintUsesClient(t *testing.T) {
	a := Submission{Category: "拖欠账款", Department: "fgw", Title: "工程款拖欠", Description: "某局拖欠工程款两年。", Anonymous: true, Client: "198.51.100.1"}
	b := a
	b.Client = "198.51.100.2"
	c := a
	c.Description = "某局拖欠工程款两年。 " // whitespace only
	if Fingerprint(a) == Fingerprint(b) {
		t.Fatal("two clients, one fingerprint")
	}
	if Fingerprint(a) != Fingerprint(c) {
		t.Fatal("a resubmission from the same client must match")
	}
}

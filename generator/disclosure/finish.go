package disclosure

import (
	"strings"

	"portal/generator/model"
)

// Report receives a warning about the field key (a Field.Key, or "body" for
// a Markdown body).
type Report func(key, format string, args ...any)

// Options are the site's rules for Finish.
type Options struct {
	Names string                // [disclosures] person_names: NamesMask (default), NamesFull, NamesHide
	Rules []model.PublicityRule // the publicity rules
	// PersonalID says the source gave the subject a 证件号码 (the value
	// itself is never passed on): with no credit code, the subject is then a
	// natural person.
	PersonalID bool
}

// Finish applies the standard's rules to a record read from any source, in
// this order: classify the subject (行政相对人类别 as written, else a credit
// code starting 92 is a 个体工商户, any other credit code an organisation, a
// 证件号码 a natural person; a subject with none of these is treated as a
// natural person, with a warning); show natural persons' names (the subject
// of a 自然人 record, the operator of a 个体工商户) as the name rule says,
// wherever the name appears in the record's text; hide 居民身份证号码 written
// into any text (warning); derive a missing title ("<subject><类别>信息
// （<文号>）"); derive the publicity period. It returns whether a
// publicity rule withholds the record.
func Finish(d *model.Disclosure, o Options, warn Report) (withhold bool) {
	if d.SubjectType == "" {
		switch {
		case strings.HasPrefix(d.CreditCode, "92"):
			d.SubjectType = model.SubjectSoleTrader
		case d.CreditCode != "":
			d.SubjectType = model.SubjectOrganization
		case o.PersonalID:
			d.SubjectType = model.SubjectPerson
		default:
			d.SubjectType = model.SubjectPerson
			warn("subject_name", "没有行政相对人类别和统一社会信用代码，按自然人处理，名称按 person_names 规则显示；如是单位，请填写行政相对人类别“%s” (no subject type and no credit code: treated as a natural person and the name shown by the person_names rule; write 行政相对人类别 %s for an organisation)",
				model.SubjectOrganization, model.SubjectOrganization)
		}
	}
	texts := textsOf(d)
	if o.Names != NamesFull {
		var names []string
		switch d.SubjectType {
		case model.SubjectPerson:
			names = append(names, d.SubjectName, d.LegalRep)
		case model.SubjectSoleTrader:
			names = append(names, d.LegalRep)
		}
		for _, n := range names {
			n = strings.TrimSpace(n)
			if n == "" {
				continue
			}
			shown := ShowName(n, o.Names)
			for _, t := range texts {
				if *t.v == n {
					*t.v = shown
				} else if len([]rune(n)) >= 2 {
					*t.v = strings.ReplaceAll(*t.v, n, shown)
				}
			}
		}
	}
	for _, t := range texts {
		if codeFields[t.key] && ContainsIDNumber(*t.v) {
			// A sole trader's old 税务登记号 was the operator's ID number
			// with a suffix: drop the whole code.
			*t.v = ""
			warn(t.key, "含有居民身份证号码，不予公示 (contains an ID card number: not published)")
			continue
		}
		if s, n := ScrubIDNumbers(*t.v); n > 0 {
			*t.v = s
			warn(t.key, "含有居民身份证号码，已在所有页面和数据中隐去 (contains an ID card number; it is hidden everywhere the record is published)")
		}
	}
	if strings.TrimSpace(d.Title) == "" {
		cat := d.Category
		if cat == "" {
			cat = "公示"
		}
		d.Title = d.SubjectName + cat + "信息（" + d.DocNumber + "）"
	}
	return Publicity(d, o.Rules)
}

// codeFields are the subject's registration codes.
var codeFields = map[string]bool{"registration_number": true, "org_code": true, "tax_number": true, "institution_code": true, "social_org_code": true}

type text struct {
	key string
	v   *string
}

// textsOf returns the record's text fields, any of which may quote a
// person's name or ID number.
func textsOf(d *model.Disclosure) [25]text {
	return [25]text{
		{"subject_name", &d.SubjectName}, {"legal_rep", &d.LegalRep}, {"title", &d.Title}, {"summary", &d.Summary},
		{"body", &d.Body}, {"doc_name", &d.DocName}, {"doc_number", &d.DocNumber}, {"content", &d.Content},
		{"violation_type", &d.ViolationType}, {"violation_facts", &d.ViolationFacts}, {"legal_basis", &d.LegalBasis},
		{"penalty_kind", &d.PenaltyKind}, {"suspended_licence", &d.SuspendedLicence}, {"licence_name", &d.LicenceName},
		{"licence_number", &d.LicenceNumber}, {"licence_kind", &d.LicenceKind}, {"remarks", &d.Remarks},
		{"withdrawn_note", &d.WithdrawnNote}, {"data_source", &d.DataSource}, {"status", &d.Status},
		{"registration_number", &d.RegistrationNumber}, {"org_code", &d.OrgCode}, {"tax_number", &d.TaxNumber},
		{"institution_code", &d.InstitutionCode}, {"social_org_code", &d.SocialOrgCode},
	}
}

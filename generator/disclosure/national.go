package disclosure

import (
	"time"

	"portal/generator/model"
)

// Column is one column of a national table: its name as the standard writes
// it and the field it holds.
type Column struct {
	Name string
	Key  string // a Field.Key
}

// LicenceColumns are the columns of the national 行政许可信息 table, in its
// order; PenaltyColumns those of the 行政处罚信息 table. Open data in this
// form is what the city's 信用平台 imports, and portal reads it back.
var (
	LicenceColumns = []Column{
		{"行政相对人名称", "subject_name"}, {"行政相对人类别", "subject_type"},
		{"行政相对人代码_1（统一社会信用代码）", "credit_code"}, {"行政相对人代码_2（工商注册号）", "registration_number"},
		{"行政相对人代码_3（组织机构代码）", "org_code"}, {"行政相对人代码_4（税务登记号）", "tax_number"},
		{"行政相对人代码_5（事业单位证书号）", "institution_code"}, {"行政相对人代码_6（社会组织登记证号）", "social_org_code"},
		{"法定代表人", "legal_rep"}, {"法定代表人证件类型", "legal_rep_id_type"}, {"法定代表人证件号码", "legal_rep_id_number"},
		{"证件类型", "id_type"}, {"证件号码", "id_number"},
		{"行政许可决定文书名称", "doc_name"}, {"行政许可决定文书号", "doc_number"}, {"许可类别", "licence_kind"},
		{"许可证书名称", "licence_name"}, {"许可编号", "licence_number"}, {"许可内容", "content"},
		{"许可决定日期", "date"}, {"有效期自", "valid_from"}, {"有效期至", "valid_until"},
		{"许可机关", "department"}, {"许可机关统一社会信用代码", "department_code"}, {"当前状态", "status"},
		{"数据来源单位", "data_source"}, {"数据来源单位统一社会信用代码", "data_source_code"}, {"备注", "remarks"},
	}
	PenaltyColumns = []Column{
		{"行政相对人名称", "subject_name"}, {"行政相对人类别", "subject_type"},
		{"行政相对人代码_1（统一社会信用代码）", "credit_code"}, {"行政相对人代码_2（工商注册号）", "registration_number"},
		{"行政相对人代码_3（组织机构代码）", "org_code"}, {"行政相对人代码_4（税务登记号）", "tax_number"},
		{"行政相对人代码_5（事业单位证书号）", "institution_code"}, {"行政相对人代码_6（社会组织登记证号）", "social_org_code"},
		{"法定代表人", "legal_rep"}, {"法定代表人证件类型", "legal_rep_id_type"}, {"法定代表人证件号码", "legal_rep_id_number"},
		{"证件类型", "id_type"}, {"证件号码", "id_number"},
		{"行政处罚决定书文号", "doc_number"}, {"违法行为类型", "violation_type"}, {"违法事实", "violation_facts"},
		{"处罚依据", "legal_basis"}, {"处罚类别", "penalty_kind"}, {"处罚内容", "content"},
		{"罚款金额（万元）", "fine"}, {"没收违法所得、没收非法财物的金额（万元）", "confiscated"},
		{"暂扣或吊销证照名称及编号", "suspended_licence"}, {"处罚决定日期", "date"}, {"处罚有效期", "penalty_until"},
		{"公示截止期", "publicity_until"}, {"处罚机关", "department"}, {"处罚机关统一社会信用代码", "department_code"},
		{"数据来源单位", "data_source"}, {"数据来源单位统一社会信用代码", "data_source_code"}, {"备注", "remarks"},
	}
)

// NationalRow returns the record's values for columns: amounts in 万元 as
// the standard's columns want, dates as YYYY-MM-DD, the deciding body by
// deptName (its registry name). Personal-data columns are always empty:
// those values were never kept.
func NationalRow(d *model.Disclosure, columns []Column, deptName string) []string {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	row := make([]string, len(columns))
	for i, c := range columns {
		var v string
		switch c.Key {
		case "subject_name":
			v = d.SubjectName
		case "subject_type":
			v = d.SubjectType
		case "credit_code":
			v = d.CreditCode
		case "registration_number":
			v = d.RegistrationNumber
		case "org_code":
			v = d.OrgCode
		case "tax_number":
			v = d.TaxNumber
		case "institution_code":
			v = d.InstitutionCode
		case "social_org_code":
			v = d.SocialOrgCode
		case "legal_rep":
			v = d.LegalRep
		case "doc_name":
			v = d.DocName
		case "doc_number":
			v = d.DocNumber
		case "licence_kind":
			v = d.LicenceKind
		case "licence_name":
			v = d.LicenceName
		case "licence_number":
			v = d.LicenceNumber
		case "content":
			v = d.Content
		case "violation_type":
			v = d.ViolationType
		case "violation_facts":
			v = d.ViolationFacts
		case "legal_basis":
			v = d.LegalBasis
		case "penalty_kind":
			v = d.PenaltyKind
		case "fine":
			v = d.FineAmount.In(model.UnitTenKYuan)
		case "confiscated":
			v = d.Confiscated.In(model.UnitTenKYuan)
		case "suspended_licence":
			v = d.SuspendedLicence
		case "date":
			v = day(d.Date)
		case "valid_from":
			v = day(d.ValidFrom)
		case "valid_until":
			v = day(d.ValidUntil)
		case "penalty_until":
			v = day(d.PenaltyUntil)
		case "publicity_until":
			v = day(d.PublicityUntil)
		case "department":
			v = deptName
		case "department_code":
			v = d.DepartmentCode
		case "status":
			v = d.Status
		case "data_source":
			v = d.DataSource
		case "data_source_code":
			v = d.DataSourceCode
		case "remarks":
			v = d.Remarks
		}
		row[i] = v
	}
	return row
}

// ColumnNames returns the names of columns.
func ColumnNames(columns []Column) []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.Name
	}
	return out
}

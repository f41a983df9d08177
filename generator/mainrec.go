package generator

import (
	"bytes"
	"strconv"

	"portal/generator/theme"
)

// A record's page (disclosure, case, news, commitment, 失信记录, and the
// stop notice of one no longer published) runs its layout's
// "main" once, but there are ten thousand of them, and html/template calls
// every escaper of the block through reflection. While a layout's main
// block and the partials it calls are the default ones (theme.MainSum
// equal to the sum below), its .Data writes the block in Go (the
// theme.MainWriter); otherwise the theme's template runs. The writers
// below follow layouts/<layout>.html line by line. TestMainMatchesTemplate
// and FuzzMain hold them to the template's bytes, and TestDefaultMainIsFast
// fails when a layout or partial changes without its writer and sum
// following.

// The theme.MainSum of the default layouts the writers mirror.
const (
	disclosureMainSum  = "f5bfe8f6a87f611ae82bc9b0594cf8e50bca0bbf961870bd6ac124a9994f9ef9"
	articleMainSum     = "92017681504aeaa5fd6600794be3c50b1f58b9926ed5888717f56279c9a957f9"
	recordMainSum      = "7d46acbbd2a9cd9d2a7fdd15c27c5f608918603e4c3e949091117416dd9c5379"
	unpublishedMainSum = "d05885d28e0c91a81028da186c2372419eca1f64e755e3ceb49fa080d9388fd1"
	commitmentMainSum  = "03f410e9286dd488abed474f45b066a6f2bd2a9fbad812d45f9171c8ea2eafcf"
)

// WriteMain writes the default disclosure.html's main block.
func (v *DisclosureData) WriteMain(b *bytes.Buffer, layout, sum string, d theme.Data) (bool, error) {
	if v == nil || layout != "disclosure" || sum != disclosureMainSum {
		return false, nil
	}
	writeDisclosure(b, d.Page, v)
	return true, nil
}

func writeDisclosure(b *bytes.Buffer, p *theme.Page, v *DisclosureData) {
	b.WriteString("\n<article class=\"disclosure\">\n")
	writeRecordTitle(b, p)
	b.WriteString("\n<dl class=\"meta-table\">")
	for i := range v.Fields {
		f := &v.Fields[i]
		b.WriteString("\n<div><dt>")
		theme.EscapeHTML(b, f.Label)
		b.WriteString("</dt><dd>")
		if f.Name != "" {
			b.WriteString("<span data-ledger=\"")
			theme.EscapeHTML(b, f.Name)
			b.WriteString("\">")
		}
		switch {
		case !f.Date.IsZero():
			writeTime(b, f.Date, "")
		case f.URL != "":
			b.WriteString("<a href=\"")
			theme.EscapeURLAttr(b, f.URL)
			b.WriteString("\">")
			theme.EscapeHTML(b, f.Value)
			b.WriteString("</a>")
		default:
			theme.EscapeHTML(b, f.Value)
		}
		if f.Name != "" {
			b.WriteString("</span>")
		}
		if f.Note != "" {
			b.WriteString("<p class=\"field-note\">")
			theme.EscapeHTML(b, f.Note)
			b.WriteString("</p>")
		}
		b.WriteString("</dd></div>")
	}
	b.WriteString("\n</dl>")
	if v.Body != "" {
		b.WriteString("<div class=\"prose\" data-ledger=\"body\">")
		b.WriteString(string(v.Body))
		b.WriteString("</div>")
	}
	b.WriteString("\n<p class=\"objection\">对本条公示信息有异议？<a href=\"")
	theme.EscapeURLAttr(b, v.ObjectionURL)
	b.WriteString("\">提出异议申诉</a></p>\n")
	writeTags(b, v.Tags)
	writeRevisions(b, v.History)
	b.WriteString("\n</article>\n")
}

// WriteMain writes the default article.html's main block (cases, news).
func (v *ArticleData) WriteMain(b *bytes.Buffer, layout, sum string, d theme.Data) (bool, error) {
	if v == nil || layout != "article" || sum != articleMainSum {
		return false, nil
	}
	writeArticle(b, d.Page, v)
	return true, nil
}

func writeArticle(b *bytes.Buffer, p *theme.Page, v *ArticleData) {
	b.WriteString("\n<article class=\"article\">\n")
	writeRecordTitle(b, p)
	b.WriteString("\n<p class=\"article-meta\">")
	writeTime(b, v.Date, " data-ledger=\"date\"")
	if v.TypeLabel != "" {
		b.WriteString(" · <span data-ledger=\"case_type\">")
		writeMaybeLink(b, v.TypeURL, "", v.TypeLabel)
		b.WriteString("</span>")
	}
	if v.Source != "" {
		b.WriteString(" · 来源：<span data-ledger=\"")
		if v.TypeLabel != "" {
			b.WriteString("source")
		} else {
			b.WriteString("source_name")
		}
		b.WriteString("\">")
		writeMaybeLink(b, v.SourceURL, " rel=\"nofollow\"", v.Source)
		b.WriteString("</span>")
	}
	b.WriteString("</p>")
	if len(v.Depts) > 0 {
		b.WriteString("<p class=\"article-depts\">相关单位：<span data-ledger=\"departments\">")
		writeDepts(b, v.Depts)
		b.WriteString("</span></p>")
	}
	b.WriteString("\n<div class=\"prose\" data-ledger=\"body\">")
	b.WriteString(string(v.Body))
	b.WriteString("</div>\n")
	writeTags(b, v.Tags)
	writeRevisions(b, v.History)
	b.WriteString("\n</article>\n")
}

// writeMaybeLink writes text, linked to url when there is one ({{if
// url}}<a href="{{url}}"attrs>{{text}}</a>{{else}}{{text}}{{end}}).
func writeMaybeLink(b *bytes.Buffer, url, attrs, text string) {
	if url == "" {
		theme.EscapeHTML(b, text)
		return
	}
	b.WriteString("<a href=\"")
	theme.EscapeURLAttr(b, url)
	b.WriteString("\"")
	b.WriteString(attrs)
	b.WriteString(">")
	theme.EscapeHTML(b, text)
	b.WriteString("</a>")
}

// WriteMain writes the default record.html's main block (失信记录).
func (v *RecordData) WriteMain(b *bytes.Buffer, layout, sum string, d theme.Data) (bool, error) {
	if v == nil || v.R == nil || layout != "record" || sum != recordMainSum {
		return false, nil
	}
	writeRecord(b, d.Page, v)
	return true, nil
}

func writeRecord(b *bytes.Buffer, p *theme.Page, v *RecordData) {
	r := v.R
	b.WriteString("\n<article class=\"record\">\n")
	writeRecordTitle(b, p)
	b.WriteString("\n<dl class=\"meta-table\">\n<div><dt>失信主体</dt><dd data-ledger=\"department\">")
	writeDepts(b, v.Dept)
	b.WriteString("</dd></div>\n<div><dt>失信类型</dt><dd data-ledger=\"record_type\"><a href=\"")
	theme.EscapeURLAttr(b, v.TypeURL)
	b.WriteString("\">")
	theme.EscapeHTML(b, r.RecordType)
	b.WriteString("</a></dd></div>\n<div><dt>认定依据</dt><dd data-ledger=\"basis\">")
	theme.EscapeHTML(b, r.Basis)
	b.WriteString("</dd></div>")
	if r.DocNumber != "" {
		b.WriteString("<div><dt>文书号</dt><dd data-ledger=\"doc_number\">")
		theme.EscapeHTML(b, r.DocNumber)
		b.WriteString("</dd></div>")
	}
	b.WriteString("\n<div><dt>认定日期</dt><dd data-ledger=\"date\">")
	writeTime(b, r.Date, "")
	b.WriteString("</dd></div>\n<div><dt>整改状态</dt><dd data-ledger=\"status\">")
	theme.EscapeHTML(b, r.Status)
	b.WriteString("</dd></div>")
	if !r.RectifiedDate.IsZero() {
		b.WriteString("<div><dt>整改完成日期</dt><dd data-ledger=\"rectified_date\">")
		theme.EscapeHTML(b, theme.Date(r.RectifiedDate))
		b.WriteString("</dd></div>")
	}
	if !r.PublicityUntil.IsZero() {
		b.WriteString("<div><dt>公示截止期</dt><dd data-ledger=\"publicity_until\">")
		theme.EscapeHTML(b, theme.Date(r.PublicityUntil))
		b.WriteString("</dd></div>")
	}
	b.WriteString("\n</dl>")
	if v.Body != "" {
		b.WriteString("<div class=\"prose\" data-ledger=\"body\">")
		b.WriteString(string(v.Body))
		b.WriteString("</div>")
	}
	b.WriteString("\n<p class=\"objection\">对本条记录有异议？<a href=\"")
	theme.EscapeURLAttr(b, v.ObjectionURL)
	b.WriteString("\">提出异议申诉</a></p>\n")
	writeTags(b, v.Tags)
	writeRevisions(b, v.History)
	b.WriteString("\n</article>\n")
}

// WriteMain writes the default unpublished.html's main block: the stop
// notice of a record no longer published (公示期满, 已撤销 …).
func (v *UnpublishedData) WriteMain(b *bytes.Buffer, layout, sum string, d theme.Data) (bool, error) {
	if v == nil || layout != "unpublished" || sum != unpublishedMainSum {
		return false, nil
	}
	b.WriteString("\n<article class=\"unpublished\">\n<h1 class=\"page-title\">已停止公示</h1>\n<p class=\"notice\">该条")
	theme.EscapeHTML(b, v.KindLabel)
	b.WriteString("信息")
	if !v.Since.IsZero() {
		b.WriteString("已于")
		writeTime(b, v.Since, "")
	}
	b.WriteString("停止公示（")
	theme.EscapeHTML(b, v.Reason)
	b.WriteString("）。依据有关规定，页面不再显示其内容。</p>\n<p><a href=\"")
	theme.EscapeURLAttr(b, v.ListURL)
	b.WriteString("\">返回")
	theme.EscapeHTML(b, v.KindLabel)
	b.WriteString("列表</a></p>")
	writeRevisions(b, v.History)
	b.WriteString("\n</article>\n")
	return true, nil
}

// WriteMain writes the default commitment.html's main block.
func (v *CommitmentData) WriteMain(b *bytes.Buffer, layout, sum string, d theme.Data) (bool, error) {
	if v == nil || v.C == nil || layout != "commitment" || sum != commitmentMainSum {
		return false, nil
	}
	writeCommitment(b, d.Page, v)
	return true, nil
}

func writeCommitment(b *bytes.Buffer, p *theme.Page, v *CommitmentData) {
	c := v.C
	b.WriteString("\n<article class=\"commitment\">\n")
	writeRecordTitle(b, p)
	b.WriteString("\n<p class=\"status-line standing\"><span class=\"visually-hidden\">状态：</span><span class=\"badge status-")
	theme.EscapeHTML(b, v.StatusClass)
	b.WriteString("\" data-ledger=\"status\">")
	theme.EscapeHTML(b, v.StatusLabel)
	b.WriteString("</span>")
	if v.Lateness != "" {
		b.WriteString(" · <strong class=\"")
		if v.Standing.Overdue {
			b.WriteString("late")
		} else {
			b.WriteString("soon")
		}
		b.WriteString("\">")
		theme.EscapeHTML(b, v.Lateness)
		b.WriteString("</strong>")
	}
	if v.Lateness == "" && !c.Deadline.IsZero() && !c.Closed() {
		b.WriteString(" · <span>距完成时限还有 ")
		b.WriteString(strconv.Itoa(v.State.DaysLeft))
		b.WriteString(" 天</span>")
	}
	b.WriteString("</p>\n<dl class=\"meta-table\">\n<div><dt>承诺事项</dt><dd>")
	theme.EscapeHTML(b, c.Title)
	b.WriteString("</dd></div>\n<div><dt>牵头单位</dt><dd data-ledger=\"department\">")
	writeDepts(b, v.Lead)
	b.WriteString("</dd></div>")
	if len(v.Partners) > 0 || c.PartnersNote != "" {
		b.WriteString("\n<div><dt>配合单位</dt><dd>")
		if len(v.Partners) > 0 {
			b.WriteString("<span data-ledger=\"partners\">")
			writeDepts(b, v.Partners)
			b.WriteString("</span>")
		}
		if c.PartnersNote != "" {
			if len(v.Partners) > 0 {
				b.WriteString("；")
			}
			b.WriteString("<span data-ledger=\"partners_note\">")
			theme.EscapeHTML(b, c.PartnersNote)
			b.WriteString("</span>")
		}
		b.WriteString("</dd></div>")
	}
	b.WriteString("\n<div><dt>类别</dt><dd data-ledger=\"category\"><a href=\"")
	theme.EscapeURLAttr(b, v.CategoryURL)
	b.WriteString("\">")
	theme.EscapeHTML(b, c.Category)
	b.WriteString("</a></dd></div>\n<div><dt>承诺日期</dt><dd data-ledger=\"date\">")
	writeTime(b, c.Date, "")
	b.WriteString("</dd></div>\n<div><dt>完成时限</dt><dd data-ledger=\"deadline\">")
	if c.Deadline.IsZero() {
		b.WriteString("长期坚持")
	} else {
		writeTime(b, c.Deadline, "")
	}
	b.WriteString("</dd></div>")
	if c.SourceDoc != "" {
		b.WriteString("<div><dt>来源文件</dt><dd data-ledger=\"source\">")
		writeMaybeLink(b, v.SourceURL, "", c.SourceDoc)
		b.WriteString("</dd></div>")
	}
	if c.Measure != 0 {
		b.WriteString("<div><dt>对应措施</dt><dd data-ledger=\"measure\">")
		writeMaybeLink(b, v.MeasureURL, "", "第"+strconv.Itoa(c.Measure)+"条")
		b.WriteString("</dd></div>")
	}
	b.WriteString("\n</dl>")
	if v.ComplaintURL != "" {
		b.WriteString("\n<p class=\"objection\">发现这项承诺没有兑现或进展与实际不符？<a href=\"")
		theme.EscapeURLAttr(b, v.ComplaintURL)
		b.WriteString("\">我要投诉</a>（政务失信投诉，已填好本承诺）</p>")
	}
	if v.Body != "" {
		b.WriteString("<div class=\"prose\" data-ledger=\"body\">")
		b.WriteString(string(v.Body))
		b.WriteString("</div>")
	}
	b.WriteString("\n<section aria-labelledby=\"progress-h\">\n<h2 id=\"progress-h\">推进情况</h2>")
	if len(v.Progress) > 0 {
		b.WriteString("\n<ol class=\"timeline\">")
		for i := range v.Progress {
			pr := &v.Progress[i]
			b.WriteString("\n<li data-ledger=\"progress\">")
			writeTime(b, pr.Date, "")
			b.WriteString(" <span class=\"badge status-")
			theme.EscapeHTML(b, pr.StatusClass)
			b.WriteString("\">")
			theme.EscapeHTML(b, pr.StatusLabel)
			b.WriteString("</span>\n<p>")
			theme.EscapeHTML(b, pr.Note)
			b.WriteString("</p>")
			switch {
			case pr.EvidenceURL != "":
				b.WriteString("<p class=\"evidence\">佐证：")
				writeMaybeLink(b, pr.EvidenceURL, " rel=\"nofollow\"", pr.Evidence)
				b.WriteString("</p>")
			case pr.Evidence != "":
				b.WriteString("<p class=\"evidence\">佐证：")
				theme.EscapeHTML(b, pr.Evidence)
				b.WriteString("</p>")
			}
			b.WriteString("\n</li>")
		}
		b.WriteString("\n</ol>")
	} else {
		b.WriteString("\n<p>暂无推进记录。</p>")
	}
	b.WriteString("\n</section>\n")
	writeTags(b, v.Tags)
	writeRevisions(b, v.History)
	b.WriteString("\n</article>\n")
}

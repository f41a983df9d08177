package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"portal/cmd/internal/intake"
	"portal/generator/theme"
	"portal/search/searchapi"
)

// SearchService answers search queries: package search's follower, or a
// fake in tests. The query and answer types are searchapi's, shared with
// the index.
type SearchService = searchapi.Searcher

// LayoutSearch is the search page's layout under themes/<name>/layouts.
const LayoutSearch = "search"

// SearchPageData is the search layout's .Data, both for the page built with
// the site (no query: tips only) and for served results.
type SearchPageData struct {
	Query   searchapi.Query
	Action  string // the form's action, /search/
	Asked   bool   // a query or a filter was given
	Error   string // a message instead of results (bad input, unavailable)
	Result  *searchapi.Result
	Filters []theme.FilterGroup // facets as links, for the filters partial
	Sorts   []theme.Link
	Pager   *theme.Pager
	Tips    []string
	Took    string // e.g. 3 毫秒
	// ErrorField is the parameter Error is about; ClearURL is the same
	// search without it, shown beside the filters.
	ErrorField string
	ClearURL   string
	// Intent links to the complaint form with its category chosen, for a
	// query about a complaint, an objection or credit repair.
	Intent *theme.Link
	// Notes say how the query was read: words relaxed, spelling folded,
	// question words left out.
	Notes []string
}

// searchTips are shown on the empty search page.
var searchTips = []string{
	"输入关键词，如：政策兑现、拖欠中小企业账款；多个词用空格分隔，结果须包含全部词语。",
	"用引号查找完整短语，如：\"免申即享\"。",
	"输入 18 位统一社会信用代码、决定文书号或文号可直接定位记录，括号写作〔〕、[]、［］或（）均可。",
	"单个字也能搜索，如：税。",
	"可按栏目、部门、年份、状态筛选结果，按相关度或日期排序。",
}

// NewSearchPageData returns the empty search page's data (tips only), as
// the build renders it at /search/.
func NewSearchPageData() SearchPageData {
	return SearchPageData{Action: "/search/", Tips: searchTips}
}

var facetLabels = map[string]string{"kind": "栏目", "department": "部门", "year": "年份", "status": "状态"}

// registerSearch serves /search/ and /api/search.
func (s *Server) registerSearch() {
	s.mux.HandleFunc("GET /search/{$}", s.handleSearchPage)
	s.mux.HandleFunc("GET /search", s.handleSearchPage)
	s.mux.HandleFunc("GET /api/search", s.handleSearchAPI)
}

// parseSearchQuery reads the URL parameters; unknown ones are ignored.
func parseSearchQuery(v url.Values) (searchapi.Query, error) {
	q := searchapi.Query{
		Text:       strings.TrimSpace(v.Get("q")),
		Kind:       v.Get("kind"),
		Department: v.Get("department"),
		Status:     v.Get("status"),
		Sort:       v.Get("sort"),
	}
	num := func(name, zh string, max int) (int, error) {
		s := v.Get(name)
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > max {
			return 0, &searchapi.QueryError{Field: name, Msg: "must be a whole number from 1 to " + strconv.Itoa(max),
				MsgZH: zh + "须为 1 至 " + strconv.Itoa(max) + " 之间的整数"}
		}
		return n, nil
	}
	var err error
	if q.Year, err = num("year", "年份", 9999); err != nil {
		return q, err
	}
	if q.Page, err = num("page", "页码", 10000); err != nil {
		return q, err
	}
	if q.Size, err = num("size", "每页条数", 1000); err != nil {
		return q, err
	}
	return q, nil
}

// asked reports whether q asks anything: text or a filter.
func asked(q searchapi.Query) bool {
	return q.Text != "" || q.Kind != "" || q.Department != "" || q.Year != 0 || q.Status != ""
}

// searchError maps an error to a status and a user-safe message (Chinese,
// then English), logging internal errors with a reference id.
func (s *Server) searchError(r *http.Request, err error) (int, string, map[string]string) {
	var ie *searchapi.QueryError
	switch {
	case errors.As(err, &ie):
		return http.StatusBadRequest, ie.MsgZH + "（" + ie.Field + ": " + ie.Msg + "）", map[string]string{ie.Field: ie.MsgZH}
	case errors.Is(err, searchapi.ErrNoIndex):
		return http.StatusServiceUnavailable, "搜索服务暂不可用，请稍后再试（search is unavailable: no index yet）", nil
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return http.StatusServiceUnavailable, "搜索超时，请换用更具体的词语再试（search timed out）", nil
	}
	ref := newRef()
	s.log.Error("search failed", "ref", ref, "path", r.URL.Path, "err", err)
	return http.StatusInternalServerError, "搜索出错，请稍后再试（参考编号 " + ref + "）", nil
}

// handleSearchPage renders results (or the tips) in the site theme. Every
// control is a plain link or a GET form: it works without JavaScript.
func (s *Server) handleSearchPage(w http.ResponseWriter, r *http.Request) {
	data := NewSearchPageData()
	status := http.StatusOK
	q, err := parseSearchQuery(r.URL.Query())
	data.Query = q
	data.Asked = asked(q)
	switch {
	case err != nil:
	case !data.Asked:
		// The tips page needs no index.
	case s.opts.Search == nil:
		err = searchapi.ErrNoIndex
	default:
		var res searchapi.Result
		res, err = s.opts.Search.Search(r.Context(), q)
		if err == nil {
			data.Result = &res
			s.decorate(&data)
		}
	}
	if err != nil {
		var fields map[string]string
		status, data.Error, fields = s.searchError(r, err)
		for f := range fields {
			if f != "q" && f != "page" && f != "size" && f != "sort" {
				data.ErrorField = f
				data.ClearURL = searchURL(withFilter(q, f, ""))
			}
		}
	}
	if link := complaintIntent(q.Text); link != nil && q.Text != "" {
		data.Intent = link
	}
	title := "搜索"
	if q.Text != "" {
		title = q.Text + " - 搜索"
	}
	if s.opts.Pages == nil {
		s.plainError(w, r, status, title)
		return
	}
	var buf strings.Builder
	if err := s.opts.Pages.RenderPage(&buf, LayoutSearch, title, "/search/", data); err != nil {
		ref := newRef()
		s.log.Error("render search page", "ref", ref, "err", err)
		s.plainError(w, r, http.StatusInternalServerError, "页面生成失败（参考编号 "+ref+"）")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write([]byte(buf.String()))
}

// searchURL returns /search/?… for q, keeping only set parameters.
func searchURL(q searchapi.Query) string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", q.Text)
	set("kind", q.Kind)
	set("department", q.Department)
	if q.Year != 0 {
		v.Set("year", strconv.Itoa(q.Year))
	}
	set("status", q.Status)
	if q.Sort != "" && q.Sort != "relevance" {
		v.Set("sort", q.Sort)
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.Size != 0 {
		v.Set("size", strconv.Itoa(q.Size))
	}
	if len(v) == 0 {
		return "/search/"
	}
	return "/search/?" + v.Encode()
}

// decorate adds the facet, sort and page links to a page of results.
func (s *Server) decorate(d *SearchPageData) {
	q, res := d.Query, d.Result
	base := q
	base.Page = 0
	for _, f := range res.Facets {
		g := theme.FilterGroup{Label: facetLabels[f.Field]}
		if g.Label == "" {
			g.Label = f.Field
		}
		all := withFilter(base, f.Field, "")
		g.Links = append(g.Links, theme.Link{Label: "全部", URL: searchURL(all), Current: filterValue(q, f.Field) == ""})
		for _, v := range f.Values {
			g.Links = append(g.Links, theme.Link{
				Label: v.Label, URL: searchURL(withFilter(base, f.Field, v.Value)),
				Count: v.Count, HasCount: true, Current: v.Selected,
			})
		}
		d.Filters = append(d.Filters, g)
	}
	if q.Text != "" {
		rel, byDate := base, base
		rel.Sort, byDate.Sort = "", "date"
		d.Sorts = []theme.Link{
			{Label: "按相关度", URL: searchURL(rel), Current: q.Sort != "date"},
			{Label: "按日期", URL: searchURL(byDate), Current: q.Sort == "date"},
		}
	}
	d.Pager = searchPager(base, res.Query.Page, res.Pages(), res.Total)
	d.Notes = searchNotes(q.Text, *res)
	if res.Took > 0 {
		d.Took = strconv.FormatFloat(float64(res.Took.Microseconds())/1000, 'f', 1, 64) + " 毫秒"
	}
}

func withFilter(q searchapi.Query, field, value string) searchapi.Query {
	switch field {
	case "kind":
		q.Kind = value
	case "department":
		q.Department = value
	case "status":
		q.Status = value
	case "year":
		q.Year, _ = strconv.Atoi(value)
	}
	return q
}

func filterValue(q searchapi.Query, field string) string {
	switch field {
	case "kind":
		return q.Kind
	case "department":
		return q.Department
	case "status":
		return q.Status
	case "year":
		if q.Year != 0 {
			return strconv.Itoa(q.Year)
		}
	}
	return ""
}

// searchPager pages through results with the same window as built lists.
func searchPager(base searchapi.Query, cur, pages, total int) *theme.Pager {
	return theme.NewPager(cur, pages, total, func(n int) string {
		q := base
		q.Page = n
		return searchURL(q)
	})
}

// apiSearchHit and apiSearchBody are the JSON answer.
type apiSearchHit struct {
	URL        string `json:"url"`
	Title      string `json:"title"`
	Kind       string `json:"kind"`
	Department string `json:"department"`
	Date       string `json:"date"`
	Snippet    string `json:"snippet"`
}

type apiFacetValue struct {
	Value string `json:"value"`
	Label string `json:"label"`
	Count int    `json:"count"`
}

type apiSearchBody struct {
	Total  int                        `json:"total"`
	Page   int                        `json:"page"`
	Pages  int                        `json:"pages"`
	Hits   []apiSearchHit             `json:"hits"`
	Facets map[string][]apiFacetValue `json:"facets"`
	// Relaxed: no page held every word; the hits answer these words.
	Relaxed *apiRelaxed `json:"relaxed,omitempty"`
	Folded  string      `json:"folded,omitempty"`  // the query as searched (誠信 → 诚信)
	Ignored []string    `json:"ignored,omitempty"` // question words left out
	Intent  *apiIntent  `json:"intent,omitempty"`  // the complaint form, for a query about one
	Notes   []string    `json:"notes,omitempty"`   // the above, in Chinese sentences
}

type apiRelaxed struct {
	Query   string   `json:"query"`
	Dropped []string `json:"dropped"`
}

type apiIntent struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// handleSearchAPI answers JSON. The query or a filter is required.
func (s *Server) handleSearchAPI(w http.ResponseWriter, r *http.Request) {
	q, err := parseSearchQuery(r.URL.Query())
	if err == nil && !asked(q) {
		err = &searchapi.QueryError{Field: "q", Msg: "is required (or a filter)", MsgZH: "请输入搜索词或筛选条件"}
	}
	if err == nil && s.opts.Search == nil {
		err = searchapi.ErrNoIndex
	}
	var res searchapi.Result
	if err == nil {
		res, err = s.opts.Search.Search(r.Context(), q)
	}
	if err != nil {
		status, msg, fields := s.searchError(r, err)
		writeJSON(w, status, apiErrorBody{Error: msg, Errors: fields})
		return
	}
	body := apiSearchBody{Total: res.Total, Page: res.Query.Page, Pages: res.Pages(), Hits: []apiSearchHit{}, Facets: map[string][]apiFacetValue{}}
	for _, h := range res.Hits {
		dept := ""
		if len(h.Departments) > 0 {
			dept = h.Departments[0]
		}
		body.Hits = append(body.Hits, apiSearchHit{URL: h.URL, Title: h.Title, Kind: h.Kind, Department: dept, Date: h.Date, Snippet: string(h.Snippet)})
	}
	if r := res.Relaxed; r != nil {
		body.Relaxed = &apiRelaxed{Query: r.Query, Dropped: r.Dropped}
	}
	body.Folded, body.Ignored, body.Notes = res.Folded, res.Ignored, searchNotes(q.Text, res)
	if res.Total == 0 {
		body.Notes = append(body.Notes, "没有找到相关内容：请检查错别字，减少或更换关键词，或去掉筛选条件再试；如需反映问题，可通过政务失信投诉（/complaints/）提交。")
	}
	if link := complaintIntent(q.Text); link != nil {
		body.Intent = &apiIntent{Label: link.Label, URL: link.URL}
	}
	for _, f := range res.Facets {
		vs := make([]apiFacetValue, 0, len(f.Values))
		for _, v := range f.Values {
			vs = append(vs, apiFacetValue{Value: v.Value, Label: v.Label, Count: v.Count})
		}
		body.Facets[f.Field] = vs
	}
	writeJSON(w, http.StatusOK, body)
}

// searchNotes says, in Chinese, how the query was read.
func searchNotes(text string, res searchapi.Result) []string {
	var notes []string
	if r := res.Relaxed; r != nil {
		n := "没有同时包含全部词语的结果，以下为放宽后的结果：" + r.Query
		if len(r.Dropped) > 0 {
			n += "（未要求包含：" + strings.Join(r.Dropped, "、") + "）"
		}
		notes = append(notes, n)
	}
	if res.Folded != "" {
		notes = append(notes, "已按简体和通用写法查找：“"+res.Folded+"”（繁体字、异体字与简体字视为相同）。")
	}
	if len(res.Ignored) > 0 {
		notes = append(notes, "提问用语和助词不要求出现在结果中："+strings.Join(res.Ignored, "、")+"。")
	}
	return notes
}

// categoryOther is the complaint category when none fits (the last of
// intake.Categories).
var categoryOther = intake.Categories[len(intake.Categories)-1]

// intentWords lead a query to the complaint form: a word, and the category
// it chooses ("" lets the query's words choose among the categories).
var intentWords = []struct{ word, category string }{
	{"信用修复", intake.CategoryObjection},
	{"异议", intake.CategoryObjection},
	{"申诉", intake.CategoryObjection},
	{"纠错", intake.CategoryObjection},
	{"投诉", ""},
	{"举报", ""},
	{"反映", ""},
}

// complaintIntent returns a link to the complaint form when the query is
// about a complaint, an objection or credit repair, with the category
// preselected: the one named by the intent word, or the category sharing
// most two-character words with the query (政府拖欠企业工程款怎么投诉 → 拖欠账款).
func complaintIntent(text string) *theme.Link {
	category, found := "", false
	for _, w := range intentWords {
		if strings.Contains(text, w.word) {
			category, found = w.category, true
			break
		}
	}
	if !found {
		return nil
	}
	if category == "" {
		category = categoryOther
		best := 0
		for _, c := range intake.Categories {
			n := 0
			rs := []rune(c)
			for i := 0; i+1 < len(rs); i++ {
				if strings.Contains(text, string(rs[i:i+2])) {
					n++
				}
			}
			if n > best {
				best, category = n, c
			}
		}
	}
	return &theme.Link{Label: "我要投诉：" + category, Name: category,
		URL: "/complaints/?" + url.Values{"category": {category}}.Encode()}
}

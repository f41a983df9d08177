package server

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"portal/generator/theme"
)

// SearchService answers search queries (implemented over the search
// package by cmd, which maps its types to these).
type SearchService interface {
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
}

// LayoutSearch is the search page's layout under themes/<name>/layouts.
const LayoutSearch = "search"

// SearchQuery is one request, as parsed from the URL.
type SearchQuery struct {
	Text       string // q
	Kind       string
	Department string
	Year       int
	Status     string
	Sort       string // relevance (default) | date
	Page       int    // 1-based
	Size       int    // 0: the service's default
}

// SearchResult is one page of answers.
type SearchResult struct {
	Total  int
	Page   int
	Pages  int
	Hits   []SearchHit
	Facets []SearchFacet // kind, department, year, status
	Took   time.Duration
}

// SearchHit is one answer. Snippet is HTML the service has escaped, with
// <mark> around matches.
type SearchHit struct {
	URL         string
	Title       string
	Kind        string
	KindLabel   string
	Departments []string // display names, lead first
	Date        string   // YYYY-MM-DD or empty
	Snippet     template.HTML
}

// SearchFacet counts hits per value of one filter.
type SearchFacet struct {
	Field  string // kind | department | year | status
	Values []SearchFacetValue
}

// SearchFacetValue is one value of a facet.
type SearchFacetValue struct {
	Value    string
	Label    string
	Count    int
	Selected bool
}

// SearchInputError is a bad parameter: the service or the parser returns
// it and the handler answers 400 with both messages.
type SearchInputError struct {
	Field string // the URL parameter
	Msg   string // English
	MsgZH string // Chinese
}

func (e *SearchInputError) Error() string { return e.Field + ": " + e.Msg }

// ErrSearchUnavailable means there is no index yet (or it cannot answer
// now): the handler answers 503.
var ErrSearchUnavailable = errors.New("search index unavailable")

// SearchPageData is the search layout's .Data, both for the page built with
// the site (no query: tips only) and for served results.
type SearchPageData struct {
	Query   SearchQuery
	Action  string // the form's action, /search/
	Asked   bool   // a query or a filter was given
	Error   string // a message instead of results (bad input, unavailable)
	Result  *SearchResult
	Filters []theme.FilterGroup // facets as links, for the filters partial
	Sorts   []theme.Link
	Pager   *theme.Pager
	Tips    []string
	Took    string // e.g. 3 毫秒
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
func parseSearchQuery(v url.Values) (SearchQuery, error) {
	q := SearchQuery{
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
			return 0, &SearchInputError{Field: name, Msg: "must be a whole number from 1 to " + strconv.Itoa(max),
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

func (q SearchQuery) asked() bool {
	return q.Text != "" || q.Kind != "" || q.Department != "" || q.Year != 0 || q.Status != ""
}

// searchError maps an error to a status and a user-safe message (Chinese,
// then English), logging internal errors with a reference id.
func (s *Server) searchError(r *http.Request, err error) (int, string, map[string]string) {
	var ie *SearchInputError
	switch {
	case errors.As(err, &ie):
		return http.StatusBadRequest, ie.MsgZH + "（" + ie.Field + ": " + ie.Msg + "）", map[string]string{ie.Field: ie.MsgZH}
	case errors.Is(err, ErrSearchUnavailable):
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
	data.Asked = q.asked()
	switch {
	case err != nil:
	case !data.Asked:
		// The tips page needs no index.
	case s.opts.Search == nil:
		err = ErrSearchUnavailable
	default:
		var res SearchResult
		res, err = s.opts.Search.Search(r.Context(), q)
		if err == nil {
			data.Result = &res
			s.decorate(&data)
		}
	}
	if err != nil {
		status, data.Error, _ = s.searchError(r, err)
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
func searchURL(q SearchQuery) string {
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
	d.Pager = searchPager(base, res.Page, res.Pages, res.Total)
	if res.Took > 0 {
		d.Took = strconv.FormatFloat(float64(res.Took.Microseconds())/1000, 'f', 1, 64) + " 毫秒"
	}
}

func withFilter(q SearchQuery, field, value string) SearchQuery {
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

func filterValue(q SearchQuery, field string) string {
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
func searchPager(base SearchQuery, cur, pages, total int) *theme.Pager {
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
}

// handleSearchAPI answers JSON. The query or a filter is required.
func (s *Server) handleSearchAPI(w http.ResponseWriter, r *http.Request) {
	q, err := parseSearchQuery(r.URL.Query())
	if err == nil && !q.asked() {
		err = &SearchInputError{Field: "q", Msg: "is required (or a filter)", MsgZH: "请输入搜索词或筛选条件"}
	}
	if err == nil && s.opts.Search == nil {
		err = ErrSearchUnavailable
	}
	var res SearchResult
	if err == nil {
		res, err = s.opts.Search.Search(r.Context(), q)
	}
	if err != nil {
		status, msg, fields := s.searchError(r, err)
		writeJSON(w, status, apiErrorBody{Error: msg, Errors: fields})
		return
	}
	body := apiSearchBody{Total: res.Total, Page: res.Page, Pages: res.Pages, Hits: []apiSearchHit{}, Facets: map[string][]apiFacetValue{}}
	for _, h := range res.Hits {
		dept := ""
		if len(h.Departments) > 0 {
			dept = h.Departments[0]
		}
		body.Hits = append(body.Hits, apiSearchHit{URL: h.URL, Title: h.Title, Kind: h.Kind, Department: dept, Date: h.Date, Snippet: string(h.Snippet)})
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

package theme

// Pager is a list's pagination as layouts render it: a constant-size window
// of page links around the current page, so the work per page never grows
// with the number of pages.
type Pager struct {
	Page, Pages, Total int
	Prev, Next         string
	Links              []PagerLink
}

// PagerLink is one page number (or a gap) in a Pager.
type PagerLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// NewPager returns the pager for page cur of pages (total items), with
// url(n) giving page n's address. Built lists and served search results
// share it, so both paginate alike.
func NewPager(cur, pages, total int, url func(n int) string) *Pager {
	p := &Pager{Page: cur, Pages: pages, Total: total}
	if cur > 1 {
		p.Prev = url(cur - 1)
	}
	if cur < pages {
		p.Next = url(cur + 1)
	}
	last := 0
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= cur-2 && n <= cur+2) {
			if last != 0 && n > last+1 {
				p.Links = append(p.Links, PagerLink{Gap: true})
			}
			p.Links = append(p.Links, PagerLink{N: n, URL: url(n), Current: n == cur})
			last = n
		} else if n < cur-2 {
			n = cur - 3 // jump over the pages the window leaves out
		} else {
			n = pages - 1
		}
	}
	return p
}

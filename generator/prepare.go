package generator

import (
	"context"
	"fmt"
	"html/template"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"portal/generator/fingerprint"
	"portal/generator/loader"
	"portal/generator/model"
	"portal/generator/theme"
)

// summaryRunes is the length of derived summaries, in characters.
const summaryRunes = 120

// item is one content record prepared for rendering: its URL, rendered body
// and the facts lists need, computed once so no page repeats the work.
type item struct {
	kind    model.Kind
	common  *model.Common
	url     string
	file    string
	html    template.HTML
	bodyKey fingerprint.Sum // the fingerprint of the Markdown source html is rendered from
	text    string
	summary string

	depts    []string // registry ids, lead first
	status   string   // official status (commitments, see model.Standing), record status
	category string   // category, case type, record type, policy topic

	unpublished bool
	reason      string

	c  *model.Commitment
	d  *model.Disclosure
	p  *model.Policy
	cs *model.Case
	n  *model.News
	r  *model.Record

	view Item // list row, built once

	// fileKey is the key of the file the record was parsed from (zero when
	// unknown), and fresh is set when the pipeline's last run saw that
	// file with another key (see keyRecords): the record was just edited.
	fileKey fingerprint.Sum
	fresh   bool

	// key stands for the record in page keys: the fingerprint of the file
	// it was parsed from, its place in it and its derived state (the only
	// part of a record that moves with the date), or the record itself when
	// that is not known (see keyRecords).
	key any
}

// recordKey is the item's key, or the record itself before keyRecords ran.
func (it *item) recordKey() any {
	if it.key == nil {
		return it.record()
	}
	return it.key
}

// recordKeys are what keyRecords worked out, for the pipeline's next run:
// each content file's key, and each item's key with what it was made from.
type recordKeys struct {
	files map[string]fingerprint.Sum
	items map[itemRef]itemKey
}

// itemRef names an item: its kind, id and place in its file.
type itemRef struct {
	kind        model.Kind
	id, file    string
	sheet       string
	line        int
	unpublished bool
}

// itemKey is an item's key and what it was made from.
type itemKey struct {
	file    fingerprint.Sum
	derived derivedState
	key     fingerprint.Sum
}

// keyRecords sets every item's key. files is the parse cache the site was
// loaded through, or nil when records may differ from what their files say
// (a site built in Go, a stage that corrects records after loading): then
// each key is the record itself, hashed whole. last is what the pipeline's
// last run worked out (nil: none): an item whose file had another key there
// is fresh, and one whose file key and derived state are as they were
// there has the key it had. It returns what this run worked out.
//
// The items are keyed on every core, and a serve rebuild hashes only the
// keys of the items whose file or state changed: keying all of them was
// 20–40 ms of each edit's wait at 10,000 pages.
func (ix *index) keyRecords(files *loader.Cache, last *recordKeys) *recordKeys {
	refs := make([]itemRef, len(ix.items))
	_ = parallel(context.Background(), len(ix.items), func(i int) error {
		it := ix.items[i]
		it.key = it.record()
		if files == nil || it.common.Source.File == "" {
			return nil
		}
		if k, ok := files.Key(it.common.Source.File); ok {
			src := it.common.Source
			d := it.derived()
			refs[i] = itemRef{it.kind, it.common.ID, src.File, src.Sheet, src.Line, it.unpublished}
			it.fileKey = k
			if last == nil {
				it.key = fingerprint.Of(k, it.kind, it.common.ID, src.Sheet, src.Line, d)
				return nil
			}
			old, had := last.files[src.File]
			it.fresh = !had || old != k
			if was, ok := last.items[refs[i]]; ok && was.file == k && was.derived == d {
				it.key = was.key
			} else {
				it.key = fingerprint.Of(k, it.kind, it.common.ID, src.Sheet, src.Line, d)
			}
		}
		return nil
	})
	if files == nil {
		return nil
	}
	keys := &recordKeys{files: make(map[string]fingerprint.Sum, len(ix.items)), items: make(map[itemRef]itemKey, len(ix.items))}
	for i, it := range ix.items {
		if !it.fileKey.IsZero() {
			keys.files[it.common.Source.File] = it.fileKey
			keys.items[refs[i]] = itemKey{it.fileKey, it.derived(), it.key.(fingerprint.Sum)}
		}
	}
	return keys
}

// derivedState is what model.Site.Derive set on an item's record as of the
// build date (the only derivation).
type derivedState struct {
	Commitment  model.CommitmentState
	Unlisted    string
	Unpublished bool
	Reason      string
}

// derived is the item's derivedState: the next day re-keys only the
// records whose state it moved.
func (it *item) derived() derivedState {
	var cs model.CommitmentState
	if it.c != nil {
		cs = it.c.Derived
	}
	return derivedState{cs, it.common.Unlisted, it.unpublished, it.reason}
}

// origin names the content that asks for the item's page: file:line.
func (it *item) origin() string {
	src := it.common.Source
	if src.File == "" {
		return string(it.kind) + " " + it.common.ID
	}
	if src.Line > 0 {
		return fmt.Sprintf("%s:%d", src.File, src.Line)
	}
	return src.File
}

// index holds every grouping the pages need, built once per build.
type index struct {
	noText    bool    // the entries carry no text (Options.NoText); an item's text is the beginning its summary needs
	items     []*item // every published or stop-notice record, in kind order
	byKind    map[model.Kind][]*item
	byDept    map[string]map[model.Kind][]*item
	byStatus  map[model.Status][]*item // commitments by each list of their model.Standing
	byCat     map[model.Kind]map[string][]*item
	byTag     map[string][]*item
	bySubject map[string][]*item
	hidden    []*item // stop-notice pages (unpublished disclosures and records)
	deptByID  map[string]*model.Department
	omitted   map[string]int
	intros    map[model.Kind]template.HTML // section introductions (_index.md)
	// policyByDoc finds a policy page by its 文号, so a commitment's 来源文件
	// links to it; measureBy finds the commitment that tracks a measure of
	// a document (measureKey), the earliest one naming it.
	policyByDoc map[string]*item
	measureBy   map[string]*item
}

// measureKey names measure n of the document doc.
func measureKey(doc string, n int) string { return doc + "#" + strconv.Itoa(n) }

// prepare renders every Markdown body in parallel and builds the index,
// from the site's state as derived by StageDerive. Drafts are left out
// entirely.
func prepare(ctx context.Context, site *model.Site, th *theme.Theme, c *cache) (*index, error) {
	c.mu.Lock()
	noText := c.lead
	c.mu.Unlock()
	ix := &index{
		noText:    noText,
		byKind:    map[model.Kind][]*item{},
		byDept:    map[string]map[model.Kind][]*item{},
		byStatus:  map[model.Status][]*item{},
		byCat:     map[model.Kind]map[string][]*item{},
		byTag:     map[string][]*item{},
		bySubject: map[string][]*item{},
		deptByID:  map[string]*model.Department{},
		omitted:   map[string]int{},
		intros:    map[model.Kind]template.HTML{},

		policyByDoc: map[string]*item{},
		measureBy:   map[string]*item{},
	}
	for _, k := range append([]model.Kind{""}, model.Kinds...) { // "": the home page (content/_index.md)
		if sec := site.Sections[k]; sec != nil && strings.TrimSpace(sec.Body) != "" {
			doc, _, err := c.render(sec.Body)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", sec.Source.File, err)
			}
			ix.intros[k] = template.HTML(doc.HTML) // safe mode: raw HTML dropped
		}
	}
	for _, d := range site.Departments {
		ix.deptByID[d.ID] = d
	}
	add := func(it *item) bool {
		if it.common.Draft {
			ix.omitted["草稿"]++
			return false
		}
		if it.common.Unlisted != "" { // Hugo's publishDate or expiryDate
			ix.omitted[it.common.Unlisted]++
			return false
		}
		it.url, it.file = pagePath(string(it.kind), it.common.ID)
		ix.items = append(ix.items, it)
		return true
	}
	for _, c := range site.Commitments {
		it := &item{kind: model.KindCommitment, common: &c.Common, c: c, category: c.Category, status: string(c.Status)}
		it.depts = appendUnique([]string{c.Department}, c.Partners...)
		add(it)
	}
	for _, d := range site.Disclosures {
		it := &item{kind: model.KindDisclosure, common: &d.Common, d: d, category: d.Category, depts: []string{d.Department},
			unpublished: d.Unpublished, reason: d.UnpublishedReason}
		add(it)
	}
	for _, p := range site.Policies {
		add(&item{kind: model.KindPolicy, common: &p.Common, p: p, category: p.Topic, depts: p.Departments})
	}
	for _, c := range site.Cases {
		add(&item{kind: model.KindCase, common: &c.Common, cs: c, category: c.CaseType, depts: c.Departments})
	}
	for _, n := range site.News {
		add(&item{kind: model.KindNews, common: &n.Common, n: n, depts: n.Departments})
	}
	for _, r := range site.Records {
		add(&item{kind: model.KindRecord, common: &r.Common, r: r, category: r.RecordType, status: r.Status, depts: []string{r.Department},
			unpublished: r.Unpublished, reason: r.UnpublishedReason})
	}
	for _, it := range ix.items {
		if err := checkSegment(string(it.kind), it.common.ID); err != nil {
			return nil, err
		}
	}

	// Markdown is the expensive part: render bodies on every core, in
	// batches, after each of which a pipeline's only run moves what it
	// rendered out of the heap (cache.spillBatch).
	var sources int64
	for _, it := range ix.items {
		if !it.unpublished {
			sources += int64(len(it.common.Body))
		}
	}
	c.expectMarkdown(sources)
	for lo := 0; lo < len(ix.items); lo += prepareBatch {
		batch := ix.items[lo:min(lo+prepareBatch, len(ix.items))]
		if err := parallel(ctx, len(batch), func(i int) error {
			return ix.prepareItem(batch[i], th, c)
		}); err != nil {
			return nil, err
		}
		c.spillBatch(batch)
	}

	for _, it := range ix.items {
		if it.unpublished {
			ix.omitted[it.reason]++
			ix.hidden = append(ix.hidden, it)
			continue
		}
		ix.byKind[it.kind] = append(ix.byKind[it.kind], it)
		for _, d := range it.depts {
			m := ix.byDept[d]
			if m == nil {
				m = map[model.Kind][]*item{}
				ix.byDept[d] = m
			}
			m[it.kind] = append(m[it.kind], it)
		}
		if it.c != nil {
			for _, st := range it.c.Standing().Lists() {
				ix.byStatus[st] = append(ix.byStatus[st], it)
			}
		}
		if it.category != "" {
			m := ix.byCat[it.kind]
			if m == nil {
				m = map[string][]*item{}
				ix.byCat[it.kind] = m
			}
			m[it.category] = append(m[it.category], it)
		}
		for _, t := range uniqueStrings(it.common.Tags) {
			ix.byTag[t] = append(ix.byTag[t], it)
		}
		if it.d != nil && it.d.CreditCode != "" {
			ix.bySubject[it.d.CreditCode] = append(ix.bySubject[it.d.CreditCode], it)
		}
	}
	// One sort order everywhere: newest first, then id, so output never
	// depends on file order or map iteration.
	sortAll := func(s []*item) { sort.SliceStable(s, func(i, j int) bool { return newer(s[i], s[j]) }) }
	for _, s := range ix.byKind {
		sortAll(s)
	}
	for _, m := range ix.byDept {
		for _, s := range m {
			sortAll(s)
		}
	}
	for _, s := range ix.byStatus {
		sortAll(s)
	}
	for _, m := range ix.byCat {
		for _, s := range m {
			sortAll(s)
		}
	}
	for _, s := range ix.byTag {
		sortAll(s)
	}
	for _, s := range ix.bySubject {
		sortAll(s)
	}
	for _, it := range ix.byKind[model.KindPolicy] {
		if doc := it.p.DocNumber; doc != "" {
			if _, ok := ix.policyByDoc[doc]; !ok {
				ix.policyByDoc[doc] = it
			}
		}
	}
	// Newest first: walk backwards so the earliest commitment naming a
	// measure (the one set up to track it when the document came out)
	// wins, and later ones that cite it do not.
	cs := ix.byKind[model.KindCommitment]
	for i := len(cs) - 1; i >= 0; i-- {
		if c := cs[i].c; c.SourceDoc != "" && c.Measure > 0 {
			if _, ok := ix.measureBy[measureKey(c.SourceDoc, c.Measure)]; !ok {
				ix.measureBy[measureKey(c.SourceDoc, c.Measure)] = cs[i]
			}
		}
	}
	return ix, nil
}

func newer(a, b *item) bool {
	if !a.common.Date.Equal(b.common.Date) {
		return a.common.Date.After(b.common.Date)
	}
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	return a.common.ID < b.common.ID
}

// itemView is the list row of it.
func (ix *index) itemView(it *item) Item {
	v := Item{Kind: string(it.kind), Title: it.common.Title, URL: it.url, Date: it.common.Date, Summary: it.summary,
		Category: it.category, Example: it.common.Example}
	if !it.common.Date.IsZero() {
		d := it.common.Date
		v.DateISO = d.Format("2006-01-02")
		v.DateText = theme.Date(d)
	}
	if len(it.depts) > 0 {
		v.Department = ix.deptName(it.depts[0])
	}
	switch {
	case it.c != nil:
		st := it.c.Standing()
		v.StatusLabel, v.StatusClass, v.Note = st.StatusLabel(), string(st.Status), st.Lateness()
		if st.Overdue {
			v.NoteClass = "late"
		}
	case it.d != nil:
		disclosureItem(it.d, &v)
	case it.r != nil:
		v.StatusLabel, v.StatusClass = it.r.Status, "record"
	case it.p != nil && (it.p.Validity == "废止" || it.p.Validity == "失效"):
		v.StatusLabel, v.StatusClass = it.p.Validity, "broken"
	}
	return v
}

func (ix *index) deptName(id string) string {
	if d := ix.deptByID[id]; d != nil {
		if d.Short != "" {
			return d.Short
		}
		return d.Name
	}
	return id
}

func (ix *index) deptLinks(ids []string) []theme.Link {
	out := make([]theme.Link, 0, len(ids))
	for _, id := range ids {
		if d := ix.deptByID[id]; d != nil {
			out = append(out, theme.Link{Label: d.Name, Name: d.Name, URL: urlOf("departments", d.ID)})
		} else if id != "" {
			out = append(out, theme.Link{Label: id, Name: id})
		}
	}
	return out
}

// parallel runs fn(0..n-1) on a bounded pool of workers and returns the
// first error; ctx cancellation stops handing out work.
func parallel(ctx context.Context, n int, fn func(i int) error) error {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		next     int
	)
	take := func() (int, bool) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil || next >= n {
			return 0, false
		}
		if err := ctx.Err(); err != nil {
			firstErr = err
			return 0, false
		}
		i := next
		next++
		return i, true
	}
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i, ok := take()
				if !ok {
					return
				}
				if err := fn(i); err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

func appendUnique(dst []string, more ...string) []string {
	for _, s := range more {
		dup := false
		for _, d := range dst {
			if d == s {
				dup = true
				break
			}
		}
		if !dup && s != "" {
			dst = append(dst, s)
		}
	}
	return dst
}

func uniqueStrings(in []string) []string {
	if len(in) < 2 {
		return in
	}
	return appendUnique(nil, in...)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func itoa(i int) string {
	neg := i < 0
	if neg {
		i = -i
	}
	var d [20]byte
	p := len(d)
	for {
		p--
		d[p] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	if neg {
		p--
		d[p] = '-'
	}
	return string(d[p:])
}

// prepareBatch is how many records prepare renders between two moves of
// their Markdown out of the heap (cache.spillBatch).
var prepareBatch = 2048

// prepareItem renders the item's body and list row.
func (ix *index) prepareItem(it *item, th *theme.Theme, c *cache) error {
	if it.unpublished {
		return nil // a stop-notice page shows no record content
	}
	doc, key, err := c.render(it.common.Body)
	if err != nil {
		return err
	}
	it.bodyKey = key
	it.html = template.HTML(doc.HTML) // goldmark's safe mode: raw HTML dropped
	it.text = doc.Text
	it.summary = it.common.Summary
	if it.summary == "" {
		src := doc.Text
		if src == "" && it.d != nil {
			src = it.d.Content
		}
		it.summary = c.summary(src)
	}
	it.view = ix.itemView(it)
	it.view.Row, it.view.sum, err = c.row(th, it.view)
	return err
}

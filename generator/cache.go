package generator

import (
	"errors"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unsafe"

	"portal/generator/fingerprint"
	"portal/generator/loader"
	"portal/generator/markdown"
	"portal/generator/model"
	"portal/generator/theme"
)

// cache keeps what a pipeline's runs compute from content that did not
// change: each Markdown body's HTML and text (by the body's fingerprint)
// and each list row (by the row's data and the theme). It forgets whatever
// a run did not use, so a long-running serve holds only the current site.
type cache struct {
	md    *markdown.Renderer
	files *loader.Cache // parse results, kept on disk under the state folder
	disk  *mdStore      // rendered Markdown on disk, for the next process (nil: memory only)
	// rowDisk keeps list rows on disk (with disk), by the row key.
	rowDisk *mdStore
	// published are the manifests the last run published (serve's next
	// run need not read them again).
	published *manifests

	// once is set for a pipeline's only run (startSpill), which
	// remembers nothing for a next one.
	once bool
	// loaded is set for a run whose records are the loader's
	// (Result.asLoaded): every body is then part of a file page.Normalize
	// found to be UTF-8, so render need not check it again
	// (markdown.RenderValid). endRun clears it.
	loaded bool
	// lead is set for a run whose entries carry no text (Options.NoText):
	// render gives only the beginning of a body's text that its summary
	// needs (markdown.RenderLead), kept under leadKey. endRun clears it.
	lead bool
	// spill, in a pipeline's only run, takes the Markdown rendered in
	// each batch out of the heap (startSpill) once spillAt bytes of it
	// were rendered; until then spillDir is where it will be made. fresh
	// are the keys rendered and not yet spilled (freshBytes their
	// documents' size), pending the items pointing at them.
	spill       *spill
	spillDir    string
	spillAt     int64
	fresh       []fingerprint.Sum
	freshBytes  int64
	pending     []*item
	sourcesFree <-chan struct{}
	undropped   []*item // rendered, their sources not yet dropped

	mu         sync.Mutex
	docs, prev map[fingerprint.Sum]markdown.Doc
	rows, prow map[fingerprint.Sum]template.HTML
	// bodyKeys are the fingerprints of the bodies, and summaries the
	// summaries of the texts, that this run and the last one worked out,
	// by the string's identity: an unchanged file's record holds the very
	// string its parse held, so a serve rebuild finds each unchanged
	// body's without reading it (hashing some 50 MB of Markdown again at
	// 10,000 pages, or comparing it, is bound by memory bandwidth).
	bodyKeys  memo[fingerprint.Sum]
	summaries memo[string]
	// keys are what the last published run's keyRecords worked out: the
	// content files' keys (so the next run knows which records were just
	// edited, item.fresh) and the items' keys.
	keys *recordKeys
}

// memo remembers values computed from strings, for the current run and
// the one before (what two runs in a row did not use is forgotten). It
// finds a string by its identity (where its bytes are, and how many), never
// by reading it: a string with the same bytes elsewhere is computed again.
// An entry holds its string, so those bytes cannot be reused for another
// while it is remembered.
type memo[V any] struct{ cur, prev map[strID]memoEntry[V] }

type strID struct {
	p *byte
	n int
}

type memoEntry[V any] struct {
	s string // keeps the bytes at p alive
	v V
}

// get returns the value for s, computing it with f when neither run has it.
// mu (the cache's lock) is held only while get looks and stores.
func (m *memo[V]) get(mu *sync.Mutex, s string, f func(string) V) V {
	if s == "" {
		return f(s)
	}
	id := strID{unsafe.StringData(s), len(s)}
	mu.Lock()
	e, ok := m.cur[id]
	if !ok {
		if e, ok = m.prev[id]; ok {
			m.put(id, e)
		}
	}
	mu.Unlock()
	if ok {
		return e.v
	}
	v := f(s)
	mu.Lock()
	m.put(id, memoEntry[V]{s, v})
	mu.Unlock()
	return v
}

func (m *memo[V]) put(id strID, e memoEntry[V]) {
	if m.cur == nil {
		m.cur = map[strID]memoEntry[V]{}
	}
	m.cur[id] = e
}

// next starts a run: what the last one did not use is dropped.
func (m *memo[V]) next() { m.prev, m.cur = m.cur, nil }

// summary returns markdown.Summary(src, summaryRunes), remembered.
func (c *cache) summary(src string) string {
	if c.once {
		// A pipeline's only run remembers nothing for a next one: the
		// memo would keep every text in the heap (see startSpill).
		return markdown.Summary(src, summaryRunes)
	}
	return c.summaries.get(&c.mu, src, func(s string) string { return markdown.Summary(s, summaryRunes) })
}

func newCache(siteDir string) *cache {
	return &cache{md: markdown.New(), docs: map[fingerprint.Sum]markdown.Doc{}, rows: map[fingerprint.Sum]template.HTML{},
		files: &loader.Cache{Salt: program(), Dir: func(cfg model.Config) string { return cfg.StatePath(siteDir, "build", "parse") }}}
}

// render returns src rendered, from the cache when an earlier run (or this
// one) rendered the same source, and src's fingerprint.
func (c *cache) render(src string) (markdown.Doc, fingerprint.Sum, error) {
	var key fingerprint.Sum
	if c.once { // as in summary: the memo would keep every source
		key = fingerprint.String(src)
	} else {
		key = c.bodyKeys.get(&c.mu, src, fingerprint.String)
	}
	c.mu.Lock()
	lead := c.lead
	// A document with the whole text serves a run that needs only its
	// beginning; one with the beginning only (leadKey) serves no other.
	keys := []fingerprint.Sum{key}
	if lead {
		keys = append(keys, leadKey(key))
	}
	var doc markdown.Doc
	ok := false
	for _, k := range keys {
		if doc, ok = c.docs[k]; ok {
			break
		}
		if doc, ok = c.prev[k]; ok {
			c.docs[k] = doc
			break
		}
	}
	disk, loaded := c.disk, c.loaded
	c.mu.Unlock()
	if ok {
		return doc, key, nil
	}
	if disk != nil {
		for _, k := range keys {
			if doc, ok = disk.get(k); ok {
				c.mu.Lock()
				c.docs[k] = doc
				c.mu.Unlock()
				return doc, key, nil
			}
		}
	}
	var err error
	switch {
	case lead:
		doc, err = c.md.RenderLead(src, summaryRunes, loaded)
	case loaded:
		doc, err = c.md.RenderValid(src)
	default:
		doc, err = c.md.Render(src)
	}
	if err != nil {
		return doc, key, err
	}
	stored := keys[len(keys)-1]
	c.mu.Lock()
	c.docs[stored] = doc
	if c.spill != nil || c.spillDir != "" {
		c.fresh = append(c.fresh, stored)
		c.freshBytes += int64(len(doc.HTML) + len(doc.Text))
	}
	c.mu.Unlock()
	return doc, key, nil
}

// leadKey is the key a document whose text is only its beginning
// (markdown.RenderLead, for a summary) is kept under, given its source's.
func leadKey(key fingerprint.Sum) fingerprint.Sum { return fingerprint.Of("markdown lead", key) }

// useDisk keeps rendered Markdown and list rows on disk under dir (the
// state folder's build/) from this run on.
func (c *cache) useDisk(dir string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	md := filepath.Join(dir, "markdown")
	if c.disk == nil || c.disk.dir != md {
		c.disk = &mdStore{dir: md, salt: fingerprint.Of("markdown/1", program())}
		c.rowDisk = &mdStore{dir: filepath.Join(dir, "rows"), salt: fingerprint.Of("rows/1", program())}
	}
}

// saveDisk makes the disk stores hold what this run has rendered so far
// (every body and row of the site, once prepare is done) and nothing else.
func (c *cache) saveDisk() func() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.disk == nil {
		return func() error { return nil }
	}
	docs := make(map[fingerprint.Sum]markdown.Doc, len(c.docs))
	for k, d := range c.docs {
		docs[k] = d
	}
	rows := make(map[fingerprint.Sum]markdown.Doc, len(c.rows))
	for k, h := range c.rows {
		rows[k] = markdown.Doc{HTML: string(h)}
	}
	disk, rowDisk := c.disk, c.rowDisk
	return func() error { return errors.Join(disk.save(docs), rowDisk.save(rows)) }
}

// startSpill makes the Markdown rendered from now on move out of the heap
// in batches (spillBatch), into an unlinked file under dir, once at least
// at bytes of it were rendered: for a pipeline's only run (Options.Once),
// which keeps nothing for a next run. The bodies' HTML and text were, with
// the records' sources, most of what a 50,000-page build held live
// (490 MB; and the collector lets the heap grow to twice what is live).
// A smaller site's stay in the heap: moving them cost some 4 % of a
// 10,000-page build's CPU (copied, written, mapped and faulted back in,
// then read again from the mapping to save the Markdown store).
// sourcesFree, when set, is closed once nothing but page rendering would
// read the records' Markdown sources (the parse cache's save encodes
// them): from then on each batch's records lose theirs (and the batches
// rendered before, at once), when the Markdown is spilled.
func (c *cache) startSpill(dir string, sourcesFree <-chan struct{}, at int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.once, c.spillDir, c.spillAt, c.sourcesFree = true, dir, at, sourcesFree
}

// expectMarkdown tells a one-shot run's cache how many bytes of Markdown
// source it is about to render: when the rendered Markdown (about twice
// the source, HTML and text) would pass the spill's threshold, it spills
// from the first batch on, as a site too large for the heap always did,
// rather than holding an eighth of the memory limit first (at 50,000
// pages that raised the peak by 0.15 GiB). A smaller site's estimate
// can be wrong: the threshold still applies to what it renders.
func (c *cache) expectMarkdown(sourceBytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spillDir != "" && 2*sourceBytes >= c.spillAt {
		c.spillAt = 0
	}
}

// spillAt returns how many bytes of rendered Markdown a one-shot run
// holds in the heap before it starts spilling (startSpill), given the
// soft memory limit (debug.SetMemoryLimit; math.MaxInt64: none). Without
// a limit it spills from the start: nothing says how much the heap may
// hold. With one, an eighth of it: at 1.2 GiB a 10,000-page site's
// 93 MB of rendered Markdown stays, a 50,000-page site's 470 MB goes.
func spillAt(limit int64) int64 {
	if limit <= 0 || limit == math.MaxInt64 {
		return 0
	}
	return limit / 8
}

// endSpill closes the spill file (what was mapped from it stays) and drops
// the sources still held, waiting for sourcesFree if it must: by the end
// of prepare the parse cache's save has (nearly always) long returned.
func (c *cache) endSpill() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.spill != nil {
		c.spill.close()
	}
	if c.sourcesFree != nil && len(c.undropped) > 0 {
		<-c.sourcesFree
		dropSources(c.undropped)
	}
	c.spill, c.spillDir, c.fresh, c.freshBytes, c.pending, c.sourcesFree, c.undropped = nil, "", nil, 0, nil, nil, nil
}

// dropSources drops the Markdown source of every published item.
func dropSources(items []*item) {
	for _, it := range items {
		if !it.unpublished { // a stop notice's source is read by the log
			it.common.Body = ""
		}
	}
}

// sourcesWait is how many rendered records' sources a run keeps while the
// parse cache's save has not returned before it waits for the save: not
// waiting at all lets a save slowed by a loaded machine keep every source
// to the end of prepare; waiting from the first batch holds the rendering
// up while the save runs alone.
const sourcesWait = 4 * 2048

// spillBatch moves the Markdown rendered and not yet moved to the spill
// (making it, once spillAt bytes were rendered) and points items (a batch
// prepare has just rendered) and those of the batches before that were not
// moved at the moved copies. Once sourcesFree is closed it also drops the
// Markdown sources of the items rendered so far, spilled or not, which
// nothing reads once they are rendered (waiting for it only once
// sourcesWait records hold theirs). Outside a pipeline's only run it does
// nothing.
func (c *cache) spillBatch(items []*item) {
	c.mu.Lock()
	if !c.once {
		c.mu.Unlock()
		return
	}
	free := c.sourcesFree
	if c.spill != nil || c.spillDir != "" {
		c.pending = append(c.pending, items...)
	}
	if c.spill == nil && c.spillDir != "" && c.freshBytes >= c.spillAt {
		if c.spill = newSpill(c.spillDir); c.spill == nil {
			c.spillDir, c.fresh, c.pending = "", nil, nil // the heap keeps them all
		}
	}
	if sp := c.spill; sp != nil {
		moved, fresh := c.pending, c.fresh
		c.fresh, c.freshBytes, c.pending = nil, 0, nil
		var keys []fingerprint.Sum
		var docs []markdown.Doc
		seen := make(map[fingerprint.Sum]bool, len(fresh))
		for _, k := range fresh {
			if !seen[k] { // two workers may have rendered one source
				seen[k] = true
				keys, docs = append(keys, k), append(docs, c.docs[k])
			}
		}
		c.mu.Unlock()
		docs = sp.put(docs)
		c.mu.Lock()
		for i, k := range keys {
			c.docs[k] = docs[i]
		}
		for _, it := range moved {
			d, ok := c.docs[it.bodyKey]
			if !ok && c.lead {
				d, ok = c.docs[leadKey(it.bodyKey)]
			}
			if ok && !it.unpublished {
				it.html, it.text = template.HTML(d.HTML), d.Text
			}
		}
	}
	c.mu.Unlock()
	if free == nil {
		return
	}
	c.undropped = append(c.undropped, items...)
	if len(c.undropped) < sourcesWait {
		select {
		case <-free:
		default:
			return // not yet: the save runs beside the first batches
		}
	} else {
		<-free
	}
	dropSources(c.undropped)
	c.undropped = c.undropped[:0]
}

// row returns the list row of v rendered by th's item partial, and its key
// (the theme and v's fields).
func (c *cache) row(th *theme.Theme, v Item) (template.HTML, fingerprint.Sum, error) {
	v.Row, v.sum = "", fingerprint.Sum{}
	key := fingerprint.Of(th.Digest(), v)
	c.mu.Lock()
	h, ok := c.rows[key]
	if !ok {
		if h, ok = c.prow[key]; ok {
			c.rows[key] = h
		}
	}
	rowDisk := c.rowDisk
	c.mu.Unlock()
	if ok {
		return h, key, nil
	}
	if rowDisk != nil {
		if d, ok := rowDisk.get(key); ok {
			h = template.HTML(d.HTML)
			c.mu.Lock()
			c.rows[key] = h
			c.mu.Unlock()
			return h, key, nil
		}
	}
	h, err := itemRow(th, &v)
	if err != nil {
		return "", key, err
	}
	c.mu.Lock()
	c.rows[key] = h
	c.mu.Unlock()
	return h, key, nil
}

// forget drops everything held in memory (what is on disk stays, for the
// next process): the pipeline runs no more (Options.Once). The disk stores'
// saves must have returned.
func (c *cache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.docs, c.prev = map[fingerprint.Sum]markdown.Doc{}, nil
	c.rows, c.prow = map[fingerprint.Sum]template.HTML{}, nil
	c.bodyKeys, c.summaries, c.keys = memo[fingerprint.Sum]{}, memo[string]{}, nil
	c.disk, c.rowDisk, c.published = nil, nil, nil
}

// endRun forgets what the run now ending did not use.
func (c *cache) endRun() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prev, c.docs = c.docs, map[fingerprint.Sum]markdown.Doc{}
	c.prow, c.rows = c.rows, map[fingerprint.Sum]template.HTML{}
	c.bodyKeys.next()
	c.summaries.next()
	c.loaded, c.lead = false, false
}

// bodiesLoaded tells render that this run's bodies are the loader's
// (Result.asLoaded), until endRun.
func (c *cache) bodiesLoaded() {
	c.mu.Lock()
	c.loaded = true
	c.mu.Unlock()
}

// textForSummaries tells render that this run needs a body's text only
// for its summary (Options.NoText), until endRun.
func (c *cache) textForSummaries() {
	c.mu.Lock()
	c.lead = true
	c.mu.Unlock()
}

// keyer computes a page's input key: everything its template can see.
type keyer struct {
	base     fingerprint.Sum // the program and the theme
	site     [2]fingerprint.Sum
	usesDate sync.Map // layout → bool
	th       *theme.Theme
}

// program is the fingerprint of the running executable: a new build of
// portal may render the same data differently.
// It is hashed as it is read (the binary is tens of MiB: reading it whole
// cost a build with nothing to do half its time, in page faults).
var program = sync.OnceValue(func() fingerprint.Sum {
	exe, err := os.Executable()
	if err == nil {
		if sum, err := fingerprint.File(exe); err == nil {
			return sum
		}
	}
	// Unknown: a key no other run shares, so nothing is taken as unchanged.
	return fingerprint.Of(os.Getpid(), os.Args)
})

func newKeyer(th *theme.Theme, sv *SiteView) *keyer {
	k := &keyer{base: fingerprint.Of(program(), th.Digest()), th: th}
	k.site[1] = fingerprint.Of(sv)
	undated := *sv
	undated.BuildDate = time.Time{}
	k.site[0] = fingerprint.Of(&undated)
	return k
}

// page returns the key of a page: the layout, .Page, .Data and .Site (with
// the build date only when the layout can show it). furniture stands for the
// page's navigation and header (one of a few, shared by a whole section),
// which are not hashed again for every page.
func (k *keyer) page(layout string, p *theme.Page, furniture fingerprint.Sum, data any) fingerprint.Sum {
	dated, ok := k.usesDate.Load(layout)
	if !ok {
		dated = k.th.Mentions(layout, "BuildDate")
		k.usesDate.Store(layout, dated)
	}
	site := k.site[0]
	if dated.(bool) {
		site = k.site[1]
	}
	h := fingerprint.New()
	h.Add(k.base)
	h.Add(site)
	h.WriteString(layout)
	bare := *p
	bare.Nav, bare.Header = nil, ""
	h.Add(&bare)
	h.Add(furniture)
	h.Add(data)
	return h.Sum()
}

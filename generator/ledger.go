package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"portal/generator/diag"
	"portal/generator/ledger"
	"portal/generator/markdown"
	"portal/generator/model"
	"portal/generator/theme"
)

// StageLedger reads the site's publication log (data/ledger), checks it
// against the checkpoint portal.toml's key signed, and sets Site.Log (the
// material changes the indicators count). With Options.Publish it first
// appends every change since the last entry and signs a new checkpoint. It
// runs between load and derive; the render stage adds each record's 修订记录,
// the old versions' pages, the 变更记录 pages and feeds, and /log/.
const StageLedger = "发布记录 log"

// PublishOptions make a run append to the publication log (portal publish);
// a build without them never appends.
type PublishOptions struct {
	Key  string // the private key, as portal keygen wrote it
	Note string // shown with each change of this publication
	// Seed, when set, fills an empty log from the site's history first
	// (gitseed); it returns how many entries it added.
	Seed func(*ledger.Log) (int, error)
}

// LedgerSummary is what a run found in, or did to, the publication log.
type LedgerSummary struct {
	Entries    int64             // entries in the log
	Checkpoint ledger.Checkpoint // the signed checkpoint /log/ publishes
	Unsigned   int64             // entries after it (a publish that did not finish)
	// Differ lists the records (kind/id) whose content is not the log's
	// latest version: new, changed or removed since the last publish.
	Differ    []string
	Published *ledger.PublishResult // what a publish appended; nil for a build
}

// ledgerRun is the log as a run uses it.
type ledgerRun struct {
	log *ledger.Log
	cp  ledger.Checkpoint
	key string
	// previous are the keys the site rotated away from (portal.toml's
	// [ledger] previous_keys), shown on /log/ and /verify/.
	previous []string
	today    string // YYYY-MM-DD
	names    ledger.Names
	states   map[string]*recordState // by kind/id, for every record in the content
	// offSite are the records a publicity rule keeps off the site (不予公示),
	// known at load: the log stage withholds them before render knows more.
	offSite map[string]string
	th      *theme.Theme // for the change rows, rendered once each

	changes, material []*changeItem // the 变更记录 rows, newest first (set when planned)
}

// recordState is a content record against the log.
type recordState struct {
	hash    string // the content's canonical hash
	inLog   bool   // its latest entry has this hash
	version ledger.Version
	off     string // why the build keeps it off the site (公示期满, 信用修复/撤销, 不予公示 …), "" when published
}

// withheld is why the published log and the pages withhold a record's
// content: what the log says (removed, withdrawn, past its 公示截止期, see
// ledger.Redaction), or that the build keeps it off the site (a publicity
// rule's 不予公示); "" when it is published.
func (lr *ledgerRun) withheld(rec *ledger.Record) string {
	if r := ledger.Redaction(rec, lr.today); r != "" {
		return r
	}
	if rec.Kind != model.KindDisclosure && rec.Kind != model.KindRecord {
		return ""
	}
	if st := lr.states[rec.Key()]; st != nil && st.off != "" {
		return st.off
	}
	return lr.offSite[rec.Key()]
}

func ledgerStage(ctx context.Context, r *Result) error {
	site, opts := r.Site, r.Options
	cfg := &site.Config
	dir := filepath.Join(opts.SiteDir, ledger.Dir)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) && opts.Publish == nil {
		return nil // the site keeps no log
	}
	key := cfg.Ledger.PublicKey
	if key == "" {
		return diag.Diagnostic{File: "portal.toml", Key: "ledger.public_key",
			Message: "is not set, but the site has a publication log (data/ledger): add the key portal keygen wrote, or run portal keygen"}
	}
	prev := cfg.Ledger.PreviousKeys
	today := model.Today(opts.Now, cfg.Location).Format(time.DateOnly)
	names := deptNames(site.Departments)
	var l *ledger.Log
	var err error
	if p := opts.Publish; p != nil {
		if pub, err := ledger.PublicKey(p.Key); err != nil {
			return err
		} else if slices.Contains(prev, pub) {
			return fmt.Errorf("这是换下的旧私钥（密钥 %s，已列在 portal.toml 的 [ledger] previous_keys 中）：更换密钥后请用新私钥发布（portal.toml 的公钥为密钥 %s）", ledger.KeyID(pub), ledger.KeyID(key))
		} else if pub != key {
			return fmt.Errorf("私钥与 portal.toml 的公钥不是一对（私钥对应 %s，portal.toml 为 %s）", pub, key)
		}
		if l, err = ledger.ReadVerified(dir, p.Key, prev...); err != nil {
			return err
		}
		md := markdown.New()
		current, err := ledger.SiteVersions(ctx, site, func(s string) (string, error) {
			doc, err := md.Render(s)
			return doc.HTML, err
		})
		if err != nil {
			return err
		}
		res, err := l.AppendAndSign(dir, current, today, p.Note, p.Key, p.Seed, prev...)
		if err != nil {
			return err
		}
		r.Ledger = &LedgerSummary{Published: res}
	} else {
		if l, err = ledger.Read(dir, ledger.ReadOptions{}); err != nil {
			return fmt.Errorf("发布记录无法读取（运行 portal verify -site 查看详情）：%w", err)
		}
		if err := l.CheckLatest(); err != nil {
			return fmt.Errorf("发布记录未通过核验（运行 portal verify -site 查看详情）：%w", err)
		}
	}
	cp, err := l.VerifyCheckpoint(key, prev...)
	if err != nil {
		return fmt.Errorf("发布记录未通过核验（运行 portal verify -site 查看详情）：%w", err)
	}
	if _, err := l.CheckRotations(l.Rotations, append([]string{key}, prev...), func(i int) string { return ledger.Dir + "/" + ledger.RotationName(i) }); err != nil {
		return fmt.Errorf("发布记录未通过核验（运行 portal verify -site 查看详情）：%w", err)
	}
	if r.Ledger == nil {
		r.Ledger = &LedgerSummary{}
	}
	r.Ledger.Entries, r.Ledger.Checkpoint, r.Ledger.Unsigned = l.Size(), cp, l.Size()-cp.N
	lr := &ledgerRun{log: l, cp: cp, key: key, previous: prev, today: today, names: names, offSite: map[string]string{}}
	for _, d := range site.Disclosures {
		if d.Withheld {
			lr.offSite[ledger.Key(model.KindDisclosure, d.ID)] = "不予公示"
		}
	}
	r.ledger = lr
	site.Log = l.Facts(today, cfg.Location, names, func(rec *ledger.Record) bool { return lr.withheld(rec) != "" })
	return nil
}

func deptNames(depts []*model.Department) ledger.Names {
	m := make(map[string]string, len(depts))
	for _, d := range depts {
		if _, ok := m[d.ID]; !ok {
			m[d.ID] = d.Name
		}
	}
	return func(id string) string { return m[id] }
}

// attach computes every content record's canonical form from the bodies
// prepare rendered (a stop notice's body is rendered here: its page shows
// none, but its form includes it) and compares it with the log.
func (lr *ledgerRun) attach(ctx context.Context, ix *index, r *Result) error {
	if lr == nil {
		return nil
	}
	md := markdown.New()
	current := make([]ledger.Version, len(ix.items))
	if err := parallel(ctx, len(ix.items), func(i int) error {
		it := ix.items[i]
		body := string(it.html)
		if it.unpublished && strings.TrimSpace(it.common.Body) != "" {
			doc, err := md.Render(it.common.Body)
			if err != nil {
				return err
			}
			body = doc.HTML
		}
		v, err := ledger.Of(it.record(), body)
		current[i] = v
		return err
	}); err != nil {
		return err
	}
	lr.states = make(map[string]*recordState, len(current))
	for i, v := range current {
		st := &recordState{hash: v.Hash(), version: v}
		if it := ix.items[i]; it.unpublished {
			st.off = it.reason
		}
		if rec := lr.log.Record(v.Key()); rec != nil && !rec.Removed {
			st.inLog = rec.LastEntry(lr.log).Hash == st.hash
		}
		lr.states[v.Key()] = st
	}
	r.Ledger.Differ = lr.log.Differences(current)
	return nil
}

// history is a record page's .Data.History.
func (pl *planner) history(it *item) *HistoryView {
	lr := pl.ledger
	if lr == nil {
		return nil
	}
	key := ledger.Key(it.kind, it.common.ID)
	st := lr.states[key]
	hv := lr.view(key, it.url)
	rec := lr.log.Record(key)
	switch {
	case rec == nil || rec.Removed:
		hv.State, hv.Hash, hv.Short = ledger.StateUnregistered, st.hash, ledger.ShortHash(st.hash)
		hv.StateNote = "本页内容尚未登记到发布记录：这条记录发布登记后，这里会显示它的登记信息。"
		if rec != nil {
			hv.StateNote = "这条记录曾被删除，本页内容尚未重新登记到发布记录。"
		}
	case it.unpublished:
		hv.State = ledger.StateUnpublished
	case !st.inLog:
		last := rec.LastEntry(lr.log)
		hv.State, hv.Hash, hv.Short = ledger.StateUnregistered, st.hash, ledger.ShortHash(st.hash)
		hv.StateNote = fmt.Sprintf("本页内容与发布记录中的第 %d 版（%s 登记）不一致：修改尚未发布登记。", last.V, ledger.ChineseDate(last.Date))
	}
	if it.unpublished {
		hv.Withheld = true
	}
	return hv
}

// view fills a record's ledger block and revisions from the log.
func (lr *ledgerRun) view(key, pageURL string) *HistoryView {
	hv := &HistoryView{Key: key, PageURL: pageURL, LogURL: "/log/", GuideURL: "/verify/", Checkpoint: lr.cp.N, State: ledger.StateCurrent}
	rec := lr.log.Record(key)
	if rec == nil {
		return hv
	}
	last := rec.LastEntry(lr.log)
	hv.Version, hv.Hash, hv.Entry, hv.Short = last.V, last.Hash, last.N, ledger.ShortHash(last.Hash)
	hv.Withheld = lr.withheld(rec) != ""
	revs, err := lr.log.History(key)
	if err != nil {
		return hv // CheckLatest passed; a broken history shows no rows and verify names it
	}
	for i := len(revs) - 1; i >= 0; i-- {
		hv.Revisions = append(hv.Revisions, lr.revision(rec, revs[i], i == len(revs)-1, hv.Withheld))
	}
	return hv
}

func (lr *ledgerRun) revision(rec *ledger.Record, rv ledger.Revision, latest, withheld bool) RevisionView {
	e := rv.Entry
	v := RevisionView{Version: e.V, Anchor: "v" + strconv.Itoa(e.V), Entry: e.N, Note: e.Note, OpClass: e.Op}
	v.Date, _ = time.Parse(time.DateOnly, e.Date)
	switch {
	case e.Op == ledger.OpRemove:
		v.Op = "删除"
	case e.Op == ledger.OpAdd && e.V > 1:
		v.Op = "重新发布"
	case e.Op == ledger.OpAdd:
		v.Op = "首次发布"
	default:
		v.Op = "修改"
	}
	if e.Op != ledger.OpRemove {
		v.Short = ledger.ShortHash(e.Hash)
		if latest && !rec.Removed {
			v.Current = true
		} else if !withheld {
			v.URL = ledger.VersionPath(rec.Kind, rec.ID, e.V)
		}
	}
	for _, m := range rv.Material {
		v.Material = append(v.Material, theme.Link{Label: m.Label(), Name: m.Type, URL: "/changes/material/" + m.Type + "/"})
	}
	for _, c := range rv.Changes {
		v.Changes = append(v.Changes, lr.change(c, withheld))
	}
	return v
}

func (lr *ledgerRun) change(c ledger.Change, withheld bool) ChangeView {
	cv := ChangeView{Label: c.Field.Label}
	if withheld {
		cv.Withheld = true
		return cv
	}
	switch {
	case c.Field.Type == ledger.Progress:
		removed, added := c.Lines()
		if len(removed) > 0 && len(removed) == len(added) {
			// Entries rewritten in place: show what changed in each, by
			// character, as for any text.
			var b strings.Builder
			for i := range removed {
				if i > 0 {
					b.WriteString("<br>")
				}
				b.WriteString(string(diffHTML(ledger.Diff(ledger.ProgressLine(removed[i]), ledger.ProgressLine(added[i])))))
			}
			cv.Diff = template.HTML(b.String()) // diffHTML escapes every text part
			break
		}
		for _, l := range removed {
			cv.Removed = append(cv.Removed, ledger.ProgressLine(l))
		}
		for _, l := range added {
			cv.Added = append(cv.Added, ledger.ProgressLine(l))
		}
	case c.Segments != nil:
		cv.Diff = diffHTML(c.Segments)
	default:
		cv.Old, cv.New = shown(c.Field, c.Old, lr.names), shown(c.Field, c.New, lr.names)
	}
	return cv
}

// shown is what a history row shows for a value: the page's text, cut
// short, and （空） for an empty value.
func shown(f ledger.Field, v string, names ledger.Names) string {
	s := ledger.Display(f, v, names)
	if s == "" {
		return "（空）"
	}
	s = strings.ReplaceAll(s, "\n", "；")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:120]) + "…"
	}
	return s
}

// diffContext is how many unchanged characters a diff shows around a change.
const diffContext = 30

// diffHTML renders a character diff with <del> and <ins>, keeping only
// diffContext characters of unchanged text around each change, so a
// one-character edit of a long text stays one short line.
func diffHTML(segs []ledger.Segment) template.HTML {
	var b strings.Builder
	esc := func(s string) string {
		// A screen reader says 换段 instead of reading the pilcrow; a bare
		// span may not carry an aria-label (Nu checker), so the words are
		// visually hidden text.
		return strings.ReplaceAll(html.EscapeString(s), "\n", `<span class="para"><span aria-hidden="true">¶</span><span class="visually-hidden">换段</span></span>`)
	}
	for i, s := range segs {
		switch s.Op {
		case '-':
			b.WriteString(`<del>` + esc(s.Text) + `</del>`)
		case '+':
			b.WriteString(`<ins>` + esc(s.Text) + `</ins>`)
		default:
			r := []rune(s.Text)
			first, last := i == 0, i == len(segs)-1
			switch {
			case first && len(r) > diffContext:
				b.WriteString("…" + esc(string(r[len(r)-diffContext:])))
			case last && len(r) > diffContext:
				b.WriteString(esc(string(r[:diffContext])) + "…")
			case !first && !last && len(r) > 2*diffContext:
				b.WriteString(esc(string(r[:diffContext])) + "…" + esc(string(r[len(r)-diffContext:])))
			default:
				b.WriteString(esc(s.Text))
			}
		}
	}
	return template.HTML(b.String()) // every text part escaped above
}

// removed reports whether a log record is off the site: removed in the log
// and not in the content.
func (lr *ledgerRun) removed(rec *ledger.Record) bool {
	_, inContent := lr.states[rec.Key()]
	return rec.Removed && !inContent
}

// ledgerPages plans the log's pages: each old version's permanent page,
// the page a removed record keeps, 变更记录, /log/ and the verify guide.
func (pl *planner) ledgerPages() {
	lr := pl.ledger
	if lr == nil {
		return
	}
	for _, rec := range lr.log.Records() {
		if rec.Redacted != "" {
			continue
		}
		withheld := lr.withheld(rec) != ""
		if lr.removed(rec) {
			pl.removedPage(rec, withheld)
		}
		if withheld {
			continue // no old version of a withheld record is shown
		}
		n := len(rec.Entries)
		for i, x := range rec.Entries {
			e := lr.log.Entries[x]
			if e.Op == ledger.OpRemove || (i == n-1 && !rec.Removed) {
				continue
			}
			pl.versionPage(rec, i)
		}
	}
	pl.changesPages()
	pl.logPage()
	pl.guidePage()
}

func (pl *planner) versionPage(rec *ledger.Record, i int) {
	lr := pl.ledger
	e := lr.log.Entries[rec.Entries[i]]
	u := ledger.VersionPath(rec.Kind, rec.ID, e.V)
	_, file := pagePath(string(rec.Kind), rec.ID, "v"+strconv.Itoa(e.V))
	pl.addFrom(rec.Key(), u, file, "version", false, func() (*theme.Page, any) {
		vs, err := lr.log.Versions(rec.Key())
		if err != nil || i >= len(vs) {
			vs = make([]ledger.Version, i+1)
		}
		v := vs[i]
		title := v.Get("title")
		p := pl.page(fmt.Sprintf("%s（第%d版）", title, e.V), u, rec.Kind, "version")
		p.NoIndex = true // the record's page is the one to find; this one is the record of a past state
		p.Canonical = absURL(pl.site.Config.BaseURL, u)
		p.Example = v.Get("example") != ""
		hv := lr.view(rec.Key(), ledger.PagePath(rec.Kind, rec.ID))
		hv.State, hv.Version, hv.Hash, hv.Short, hv.Entry = ledger.StateOld, e.V, e.Hash, ledger.ShortHash(e.Hash), e.N
		for j := range hv.Revisions {
			hv.Revisions[j].This = hv.Revisions[j].Version == e.V
		}
		d := &VersionData{History: hv, KindLabel: rec.Kind.Label(), Title: title, Current: hv.PageURL}
		d.Date, _ = time.Parse(time.DateOnly, e.Date)
		if i+1 < len(rec.Entries) {
			next := lr.log.Entries[rec.Entries[i+1]]
			d.Until, _ = time.Parse(time.DateOnly, next.Date)
			if next.Op != ledger.OpRemove && !(i+1 == len(rec.Entries)-1 && !rec.Removed) {
				d.Next = ledger.VersionPath(rec.Kind, rec.ID, next.V)
			}
		}
		if !rec.Removed {
			d.CurrentV = rec.LastEntry(lr.log).V
		}
		if i > 0 {
			if prev := lr.log.Entries[rec.Entries[i-1]]; prev.Op != ledger.OpRemove {
				d.Prev = ledger.VersionPath(rec.Kind, rec.ID, prev.V)
			}
		}
		d.Fields, d.Body = fieldViews(v, lr.names)
		return p, d
	})
}

// fieldViews lays out a version's page fields (every field a record page
// shows, with the marks verify reads) and its body's paragraphs.
func fieldViews(v ledger.Version, names ledger.Names) ([]FieldView, []string) {
	var out []FieldView
	var body []string
	for i, f := range ledger.Schema(v.Kind) {
		val := ""
		if i < len(v.Values) {
			val = v.Values[i]
		}
		if !f.Page || f.Name == "title" {
			continue
		}
		if f.Name == "body" {
			if val != "" {
				body = strings.Split(val, "\n")
			}
			continue
		}
		if val == "" && f.Empty == "" {
			continue
		}
		fv := FieldView{Name: f.Name, Label: f.Label}
		switch f.Type {
		case ledger.Progress, ledger.Tags:
			for _, l := range strings.Split(val, "\n") {
				if f.Type == ledger.Progress {
					l = ledger.ProgressLine(l)
				}
				fv.Lines = append(fv.Lines, l)
			}
		case ledger.Ref, ledger.Refs:
			fv.Text, fv.Value, fv.HasVal = ledger.Display(f, val, names), strings.ReplaceAll(val, "\n", " "), true
		default:
			fv.Text = ledger.Display(f, val, names)
		}
		out = append(out, fv)
	}
	return out, body
}

func (pl *planner) removedPage(rec *ledger.Record, withheld bool) {
	lr := pl.ledger
	u, file := pagePath(string(rec.Kind), rec.ID)
	pl.addFrom(rec.Key(), u, file, "removed", false, func() (*theme.Page, any) {
		p := pl.page("已删除", u, rec.Kind, "removed")
		p.NoIndex = true
		hv := lr.view(rec.Key(), u)
		hv.State, hv.Withheld = ledger.StateRemoved, withheld
		last := rec.LastEntry(lr.log)
		d := &RemovedData{History: hv, KindLabel: rec.Kind.Label(), ListURL: urlOf(string(rec.Kind))}
		d.Date, _ = time.Parse(time.DateOnly, last.Date)
		if !withheld {
			d.Title = rec.Latest.Get("title")
			p.Title = d.Title + "（已删除）"
		}
		return p, d
	})
}

// changeRows lists the log's changes and removals, newest first, as rows;
// material says which carry a material change.
type changeEntry struct {
	row      ChangeRow
	material []string // types
	dept     string
}

func (lr *ledgerRun) changeEntries(pl *planner) []changeEntry {
	var out []changeEntry
	for _, rec := range lr.log.Records() {
		if len(rec.Entries) < 2 || rec.Redacted != "" {
			continue
		}
		withheld := lr.withheld(rec) != ""
		revs, err := lr.log.History(rec.Key())
		if err != nil {
			continue
		}
		for i, rv := range revs {
			e := rv.Entry
			if i == 0 || e.Op == ledger.OpAdd && e.V == 1 {
				continue
			}
			prev := &revs[i-1].Version
			var cur *ledger.Version
			if rv.Version.Values != nil {
				cur = &rv.Version
			}
			row := ChangeRow{Kind: rec.Kind.Label(), Version: e.V, OpClass: e.Op, Note: e.Note,
				URL: ledger.PagePath(rec.Kind, rec.ID) + "#v" + strconv.Itoa(e.V)}
			row.Date, _ = time.Parse(time.DateOnly, e.Date)
			switch e.Op {
			case ledger.OpRemove:
				row.Op = "删除"
			case ledger.OpAdd:
				row.Op = "重新发布"
			default:
				row.Op = "修改"
			}
			if withheld {
				row.Title = rec.Kind.Label() + "（已停止公示）"
			} else if cur != nil {
				row.Title = cur.Get("title")
			} else if prev.Values != nil {
				row.Title = prev.Get("title")
			}
			var labels []string
			for _, c := range rv.Changes {
				labels = append(labels, c.Field.Label)
			}
			row.Fields = strings.Join(labels, "、")
			ce := changeEntry{dept: ledger.Responsible(prev, cur)}
			for _, m := range rv.Material {
				row.Material = append(row.Material, theme.Link{Label: m.Label(), Name: m.Type, URL: "/changes/material/" + m.Type + "/"})
				if !slices.Contains(ce.material, m.Type) {
					ce.material = append(ce.material, m.Type)
				}
			}
			if d := pl.ix.deptByID[ce.dept]; d != nil {
				row.Dept, row.DeptURL = pl.ix.deptName(d.ID), urlOf("changes", "department", d.ID)
			}
			ce.row = row
			out = append(out, ce)
		}
	}
	slices.SortStableFunc(out, func(a, b changeEntry) int {
		if c := b.row.Date.Compare(a.row.Date); c != 0 {
			return c
		}
		return strings.Compare(a.row.URL, b.row.URL)
	})
	return out
}

// openVersion is what open data says of a record's place in the log.
type openVersion struct {
	version int
	hash    string
	entry   int64
}

// openData returns the logged version of a published record, when the
// page shows it (content the log does not have yet gets no version).
func (lr *ledgerRun) openData(kind model.Kind, id string) (openVersion, bool) {
	if lr == nil {
		return openVersion{}, false
	}
	key := ledger.Key(kind, id)
	st := lr.states[key]
	rec := lr.log.Record(key)
	if st == nil || !st.inLog || rec == nil {
		return openVersion{}, false
	}
	e := rec.LastEntry(lr.log)
	return openVersion{version: e.V, hash: e.Hash, entry: e.N}, true
}

// extend adds "version", "hash" and "log_entry" to obj's JSON object.
func (v openVersion) extend(obj any) any {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return obj
	}
	raw := bytes.TrimSpace(b.Bytes())
	if len(raw) < 2 || raw[len(raw)-1] != '}' {
		return obj
	}
	extra := fmt.Sprintf(`"version":%d,"hash":%q,"log_entry":%d}`, v.version, v.hash, v.entry)
	if len(raw) > 2 {
		extra = "," + extra
	}
	return json.RawMessage(append(raw[:len(raw)-1:len(raw)-1], extra...))
}

package generator

import (
	"os"
	"path/filepath"
	"strconv"
)

// A rebuild under serve shows the pages of the records just edited before
// the rest of the build is done. Once the plan is made (the site's
// navigation, feeds and every grouping are known), the pages of the edited
// records are made first and put in the live version at once, each by one
// rename, as the next version will have them; the rest of the build then
// runs as always and publishes the next version whole.
//
// What a reader can see in between is never a page that is not the live
// version's or the next one's: every file is either as it was or as the
// finished build will have it. Until the swap, the edited page is new and
// the lists, feeds, sitemap and search are not: the same mix a reader gets
// who opened a list before a swap and the page after it, and what an
// editor expects (the page just saved). Nothing is taken down or added
// early: a new page appears, and a removed one goes, with the whole
// version. Not done when the site keeps a publication log (a page's
// history would show a version the log has not recorded yet, should the
// build fail), nor for a change to more than earlyMax records (a data file,
// the registry: the whole build is the wait then), nor without a live
// version whose manifest the build knows.
//
// Should the build then fail or be cancelled, the live version keeps the
// edited pages: they are what the content now says, and the next build
// (which a cancelling edit starts at once) publishes the rest.

// earlyMax is how many pages a rebuild shows early at most.
const earlyMax = 16

// earlyJobs returns the jobs of the records just edited (job.fresh) whose
// pages the live version has, and marks them early; none when there are
// more than earlyMax, when the site keeps a publication log (ledger), or
// when the live version is unknown.
func (pl *planner) earlyJobs(o *output, ledger bool) []int {
	if ledger || o.cur == nil {
		return nil
	}
	var out []int
	for i := range pl.jobs {
		if !pl.jobs[i].fresh {
			continue
		}
		if len(out) == earlyMax {
			return nil
		}
		if _, ok := o.cur.Files[pl.jobs[i].file]; ok {
			out = append(out, i)
		}
	}
	for _, i := range out {
		pl.jobs[i].early = true
	}
	return out
}

// showEarly puts the files of the early jobs, placed in the next version
// already, into the live version too, each by one rename, and updates the
// live version's manifest to match (saved again by background: Run waits
// for it). The manifest on disk is removed first, so that a crash halfway
// leaves a live version no build trusts rather than one described wrongly.
func (o *output) showEarly(jobs []job, early []int, background func(func() error)) error {
	var changed []string
	for _, i := range early {
		name := jobs[i].file
		if st, ok := o.next.Files[name]; ok && st.Hash != o.cur.Files[name].Hash {
			changed = append(changed, name)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	liveDir := filepath.Join(o.root, strconv.Itoa(o.cur.Version))
	if err := os.Remove(manifestPath(o.root, o.cur.Version)); err != nil && !os.IsNotExist(err) {
		return nil // the live version stays as it is: the page comes with the swap
	}
	for _, name := range changed {
		live := filepath.Join(liveDir, filepath.FromSlash(name))
		tmp := live + ".portal-tmp"
		os.Remove(tmp)
		if err := os.Link(filepath.Join(o.nextDir, filepath.FromSlash(name)), tmp); err != nil {
			break // shown with the swap instead; the manifest below says what the live version holds
		}
		if err := os.Rename(tmp, live); err != nil {
			os.Remove(tmp)
			break
		}
		o.cur.Files[name] = o.next.Files[name]
	}
	cur := o.cur
	background(func() error { return saveManifest(o.root, cur) })
	return nil
}

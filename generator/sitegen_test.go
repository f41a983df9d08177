package generator

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"portal/generator/model"
)

// TestWriteGeneratedSite writes genSite(n) to disk as a real site folder
// (portal.toml, data/departments.toml, Markdown with TOML front matter) for
// whole-process measurements of `portal build`. It runs only when asked:
//
//	PORTAL_GEN_SITE=/tmp/site10k PORTAL_GEN_PAGES=10000 go test ./generator/ -run TestWriteGeneratedSite
func TestWriteGeneratedSite(t *testing.T) {
	dir := os.Getenv("PORTAL_GEN_SITE")
	if dir == "" {
		t.Skip("set PORTAL_GEN_SITE (and PORTAL_GEN_PAGES) to write a generated site")
	}
	n, err := strconv.Atoi(os.Getenv("PORTAL_GEN_PAGES"))
	if err != nil {
		n = 1000
	}
	require.NoError(t, writeSite(dir, genSite(n)))
}

func writeSite(dir string, site *model.Site) error {
	q := strconv.Quote
	day := func(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }
	files := map[string]string{
		"portal.toml": "base_url = \"https://xyxx.example.gov.cn/\"\ntitle = \"生成的测试站点\"\npage_size = 20\n\n[government]\nsite_name = \"生成的测试站点\"\nsite_domain = \"xyxx.example.gov.cn\"\nsite_id_code = \"3713000001\"\nsponsor = \"临沂市发展和改革委员会\"\ncontact = \"12345\"\nicp = \"鲁ICP备00000000号\"\n",
	}
	var deps strings.Builder
	for _, d := range site.Departments {
		fmt.Fprintf(&deps, "[[department]]\nid = %s\nname = %s\nshort = %s\nlevel = \"市\"\ntype = \"政府工作部门\"\n\n", q(d.ID), q(d.Name), q(d.Short))
	}
	files["data/departments.toml"] = deps.String()
	for _, c := range site.Commitments {
		var b strings.Builder
		fmt.Fprintf(&b, "+++\ntitle = %s\ndate = %s\ntags = [%s]\ndepartment = %s\npartners = [%s]\ncategory = %s\ndeadline = %s\nstatus = %s\nsource = %s\n",
			q(c.Title), day(c.Date), q(c.Tags[0]), q(c.Department), q(c.Partners[0]), q(c.Category), day(c.Deadline), q(string(c.Status)), q(c.SourceDoc))
		for _, p := range c.Progress {
			fmt.Fprintf(&b, "\n[[progress]]\ndate = %s\nstatus = %s\nnote = %s\nevidence = %s\n", day(p.Date), q(string(p.Status)), q(p.Note), q(p.Evidence))
		}
		b.WriteString("+++\n" + c.Body)
		files["content/commitments/"+c.ID+".md"] = b.String()
	}
	for _, n := range site.News {
		files["content/news/"+n.ID+".md"] = fmt.Sprintf("+++\ntitle = %s\ndate = %s\ndepartments = [%s]\nsource_name = %s\n+++\n%s",
			q(n.Title), day(n.Date), q(n.Departments[0]), q(n.SourceName), n.Body)
	}
	for _, d := range site.Disclosures {
		files["content/disclosures/"+d.ID+".md"] = fmt.Sprintf("+++\ntitle = %s\ndate = %s\nsubject_name = %s\ndoc_number = %s\ncategory = %s\ncontent = %s\ndepartment = %s\nfine = %v\n+++\n%s",
			q(d.Title), day(d.Date), q(d.SubjectName), q(d.DocNumber), q(d.Category), q(d.Content), q(d.Department), d.Fine, d.Body)
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}

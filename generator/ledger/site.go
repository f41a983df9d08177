package ledger

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"portal/generator/model"
)

// Published lists every record the site publishes — drafts are not
// published — in kind order, then as loaded: a *model.Commitment,
// *model.Disclosure … and its Markdown body. A disclosure withdrawn or past
// its 公示截止期 is still listed: it is in the content, and its page is a
// stop notice.
func Published(site *model.Site) (recs []any, bodies []string) {
	for _, k := range model.Kinds {
		switch k {
		case model.KindCommitment:
			for _, r := range site.Commitments {
				if !r.Draft {
					recs, bodies = append(recs, r), append(bodies, r.Body)
				}
			}
		case model.KindDisclosure:
			for _, r := range site.Disclosures {
				if !r.Draft {
					recs, bodies = append(recs, r), append(bodies, r.Body)
				}
			}
		case model.KindRecord:
			for _, r := range site.Records {
				if !r.Draft {
					recs, bodies = append(recs, r), append(bodies, r.Body)
				}
			}
		case model.KindCase:
			for _, r := range site.Cases {
				if !r.Draft {
					recs, bodies = append(recs, r), append(bodies, r.Body)
				}
			}
		case model.KindPolicy:
			for _, r := range site.Policies {
				if !r.Draft {
					recs, bodies = append(recs, r), append(bodies, r.Body)
				}
			}
		case model.KindNews:
			for _, r := range site.News {
				if !r.Draft {
					recs, bodies = append(recs, r), append(bodies, r.Body)
				}
			}
		}
	}
	return recs, bodies
}

// SiteVersions returns the canonical form of every record the site
// publishes, rendering bodies with render (Markdown to HTML, as the site
// does) on every core.
func SiteVersions(ctx context.Context, site *model.Site, render func(markdown string) (string, error)) ([]Version, error) {
	recs, bodies := Published(site)
	out := make([]Version, len(recs))
	errs := make([]error, len(recs))
	var wg sync.WaitGroup
	var next int64
	var mu sync.Mutex
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if int(i) >= len(recs) {
					return
				}
				h := ""
				if strings.TrimSpace(bodies[i]) != "" {
					var err error
					if h, err = render(bodies[i]); err != nil {
						errs[i] = err
						continue
					}
				}
				out[i], errs[i] = Of(recs[i], h)
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, errors.Join(errs...)
}

// publicKeyLine matches the public_key line of portal.toml's [ledger] table.
var publicKeyLine = regexp.MustCompile(`(?m)^[ \t]*public_key[ \t]*=.*$`)

// SetPublicKey records vkey as the [ledger] public_key of the portal.toml
// at path, keeping every other line (and comment) as it is: it replaces the
// key in an existing [ledger] table, adds the key to one, or appends the
// table. A missing file is created.
func SetPublicKey(path, vkey string) error {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(b)
	line := "public_key = " + strconv.Quote(vkey)
	start, end := tableSpan(text, "ledger")
	switch {
	case start < 0:
		if text != "" && !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		if text != "" {
			text += "\n"
		}
		text += "[ledger]\n# 发布记录的公钥（portal keygen 写入）：访问者用它核验本站签名的检查点。\n" + line + "\n"
	default:
		table := text[start:end]
		if loc := publicKeyLine.FindStringIndex(table); loc != nil {
			table = table[:loc[0]] + line + table[loc[1]:]
		} else {
			nl := strings.IndexByte(table, '\n')
			if nl < 0 {
				table += "\n" + line + "\n"
			} else {
				table = table[:nl+1] + line + "\n" + table[nl+1:]
			}
		}
		text = text[:start] + table + text[end:]
	}
	if err := writeAtomic(path, []byte(text)); err != nil {
		return fmt.Errorf("写入 %s：%w", path, err)
	}
	return nil
}

// tableSpan finds the [name] table of a TOML text: from its header line to
// the next table header (or the end); -1 when absent.
func tableSpan(text, name string) (int, int) {
	header := regexp.MustCompile(`(?m)^[ \t]*\[` + regexp.QuoteMeta(name) + `\][ \t]*(#.*)?$`)
	loc := header.FindStringIndex(text)
	if loc == nil {
		return -1, -1
	}
	next := regexp.MustCompile(`(?m)^[ \t]*\[`).FindStringIndex(text[loc[1]:])
	if next == nil {
		return loc[0], len(text)
	}
	return loc[0], loc[1] + next[0]
}

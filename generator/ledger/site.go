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

// publicKeyLine and previousKeysLines match the public_key line and the
// previous_keys array (on one line or several) of portal.toml's [ledger]
// table.
var (
	publicKeyLine     = regexp.MustCompile(`(?m)^[ \t]*public_key[ \t]*=.*$`)
	previousKeysLines = regexp.MustCompile(`(?ms)^[ \t]*previous_keys[ \t]*=[ \t]*\[.*?\][^\n]*$`)
)

// SetPublicKey records vkey as the [ledger] public_key of the portal.toml
// at path, keeping every other line (and comment) as it is: it replaces the
// key in an existing [ledger] table, adds the key to one, or appends the
// table. A missing file is created.
func SetPublicKey(path, vkey string) error { return SetKeys(path, vkey, nil) }

// SetKeys is SetPublicKey that also records previous (when not empty) as
// the [ledger] previous_keys: the keys the office rotated away from, which
// still verify what they signed.
func SetKeys(path, vkey string, previous []string) error {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	text := string(b)
	line := "public_key = " + strconv.Quote(vkey)
	if len(previous) > 0 {
		var q []string
		for _, p := range previous {
			q = append(q, strconv.Quote(p))
		}
		line += "\n# 换下的旧公钥（portal keygen -force 写入）：它们签名过的检查点和换钥记录仍可核验。删除后，由它们签名的检查点将无法核验。\n" +
			"previous_keys = [" + strings.Join(q, ", ") + "]"
	}
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
		if loc := previousKeysLines.FindStringIndex(table); loc != nil && len(previous) > 0 {
			// Drop the old array (and its comment line, which line repeats).
			from := loc[0]
			if c := strings.LastIndex(table[:max(from-1, 0)], "\n"); c >= 0 && strings.HasPrefix(strings.TrimSpace(table[c+1:from]), "# 换下的旧公钥") {
				from = c + 1
			}
			to := loc[1]
			if to < len(table) && table[to] == '\n' {
				to++
			}
			table = table[:from] + table[to:]
		}
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

// PublishResult is what Publish did.
type PublishResult struct {
	Entries    []*Entry // the entries appended, seeded ones first
	Seeded     int      // how many came from the site's history
	Unsigned   int64    // entries found after the last checkpoint and signed now
	Checkpoint Checkpoint
	Material   int // material changes among the entries
	// Resigned says the last checkpoint was signed by a previous key and
	// the new one is the first signed by the current key.
	Resigned bool
}

// Publish brings the log in dir up to date with current and signs it: it
// reads and verifies the whole log (every version's hash, the stored
// checkpoint against the key — nothing is ever signed on top of a log that
// does not verify), then AppendAndSign.
func Publish(dir string, current []Version, date, note, skey string, seed func(*Log) (int, error), previous ...string) (*PublishResult, error) {
	l, err := ReadVerified(dir, skey, previous...)
	if err != nil {
		return nil, err
	}
	return l.AppendAndSign(dir, current, date, note, skey, seed, previous...)
}

// ReadVerified reads the log in dir for publishing: every version's hash
// and the stored checkpoint are checked against skey's public key, or one
// of the previous keys (a checkpoint signed before the key was rotated),
// and the rotations against both.
func ReadVerified(dir, skey string, previous ...string) (*Log, error) {
	vkey, err := PublicKey(skey)
	if err != nil {
		return nil, err
	}
	l, err := Read(dir, ReadOptions{Verify: true})
	if err != nil {
		return nil, fmt.Errorf("现有发布记录未通过核验，不能在其上发布：%w", err)
	}
	if _, err := l.VerifyCheckpoint(vkey, previous...); err != nil {
		return nil, fmt.Errorf("现有发布记录未通过核验，不能在其上发布：%w", err)
	}
	if _, err := l.CheckRotations(l.Rotations, append([]string{vkey}, previous...), func(i int) string { return Dir + "/" + RotationName(i) }); err != nil {
		return nil, fmt.Errorf("现有发布记录未通过核验，不能在其上发布：%w", err)
	}
	return l, nil
}

// AppendAndSign appends to a verified log (ReadVerified) what it takes to
// match current: seed first fills an empty log from the site's history when
// given, then the entries Plan gives (dated date, with note); it signs a
// new checkpoint with skey and writes the new entries, then the checkpoint,
// to dir. With no change, nothing unsigned and the last checkpoint signed
// by skey it writes nothing; a checkpoint signed by a previous key (the key
// was rotated since) is signed anew.
func (l *Log) AppendAndSign(dir string, current []Version, date, note, skey string, seed func(*Log) (int, error), previous ...string) (*PublishResult, error) {
	vkey, err := PublicKey(skey)
	if err != nil {
		return nil, err
	}
	origin, _ := KeyName(vkey)
	cp, err := l.VerifyCheckpoint(vkey, previous...)
	if err != nil {
		return nil, err
	}
	res := &PublishResult{Unsigned: l.Size() - cp.N, Checkpoint: cp}
	onDisk := l.Size()
	if seed != nil {
		n, err := seed(l)
		if err != nil {
			return nil, err
		}
		res.Seeded = n
	}
	es, err := l.Plan(current, date, note)
	if err != nil {
		return nil, err
	}
	if err := l.Append(es); err != nil {
		return nil, err
	}
	res.Entries = l.Entries[onDisk:]
	if len(res.Entries) == 0 && res.Unsigned == 0 && l.Checkpoint != nil && SignedBy(l.Checkpoint, vkey) {
		return res, nil
	}
	res.Resigned = l.Checkpoint != nil && !SignedBy(l.Checkpoint, vkey)
	counted := map[string]bool{}
	for _, e := range res.Entries {
		if e.Op == OpAdd && e.V == 1 || counted[e.Key()] {
			continue
		}
		counted[e.Key()] = true
		if revs, err := l.History(e.Key()); err == nil {
			for _, r := range revs {
				if r.Entry.N >= onDisk {
					res.Material += len(r.Material)
				}
			}
		}
	}
	root, err := l.TreeHash(l.Size())
	if err != nil {
		return nil, err
	}
	res.Checkpoint = Checkpoint{Origin: origin, N: l.Size(), Hash: root}
	signed, err := Sign(res.Checkpoint, skey)
	if err != nil {
		return nil, err
	}
	if err := Write(dir, l, onDisk, signed); err != nil {
		return nil, err
	}
	l.Checkpoint = signed
	return res, nil
}

package searchtest

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"portal/search"
)

// Judged is a query with the pages that truly answer it.
type Judged struct {
	Query    string
	Relevant []string // URLs
	// Top, when set, must be the first hit (an identifier lookup).
	Top string
}

// Searcher is what Evaluate queries (an *search.Index or a Follower).
type Searcher interface {
	Search(context.Context, search.Query) (search.Result, error)
}

// Metrics are the mean scores over a judged set.
type Metrics struct {
	Queries     int
	PrecisionK  float64 // relevant hits among the first K / min(K, hits returned… see Evaluate)
	RecallK     float64 // relevant hits among the first K / relevant pages (capped at K)
	MRR         float64 // 1 / rank of the first relevant hit, 0 if none in the first K
	TopOK       int     // identifier queries whose expected page came first
	TopAsked    int
	PerQuery    []QueryScore
	ZeroResults int // queries with relevant pages that returned nothing
}

// QueryScore is one query's scores.
type QueryScore struct {
	Query             string
	P, R, RR          float64
	Hits, Relevant    int
	FirstRelevantRank int
}

// Evaluate runs every judged query and scores the first k hits.
// Precision@k divides by min(k, relevant pages) so that a query with only
// three right answers can still score 1; recall@k divides by the same
// bound, and both reward exactly the same top-k. MRR is the reciprocal rank
// of the first relevant hit.
func Evaluate(ctx context.Context, s Searcher, judged []Judged, k int) (Metrics, error) {
	var m Metrics
	for _, j := range judged {
		r, err := s.Search(ctx, search.Query{Text: j.Query, Size: k})
		if err != nil {
			return m, fmt.Errorf("%q: %w", j.Query, err)
		}
		rel := map[string]bool{}
		for _, u := range j.Relevant {
			rel[u] = true
		}
		qs := QueryScore{Query: j.Query, Hits: r.Total, Relevant: len(rel)}
		found := 0
		for i, h := range r.Hits {
			if rel[h.URL] {
				found++
				if qs.FirstRelevantRank == 0 {
					qs.FirstRelevantRank = i + 1
				}
			}
		}
		if len(r.Hits) > 0 {
			qs.P = float64(found) / float64(min(len(r.Hits), k))
		}
		if len(rel) > 0 {
			qs.R = float64(found) / float64(min(len(rel), k))
		}
		if qs.FirstRelevantRank > 0 {
			qs.RR = 1 / float64(qs.FirstRelevantRank)
		}
		if j.Top != "" {
			m.TopAsked++
			if len(r.Hits) > 0 && r.Hits[0].URL == j.Top {
				m.TopOK++
			}
		}
		if len(rel) > 0 && r.Total == 0 {
			m.ZeroResults++
		}
		m.PrecisionK += qs.P
		m.RecallK += qs.R
		m.MRR += qs.RR
		m.PerQuery = append(m.PerQuery, qs)
	}
	if n := float64(len(judged)); n > 0 {
		m.Queries = len(judged)
		m.PrecisionK /= n
		m.RecallK /= n
		m.MRR /= n
	}
	return m, nil
}

// WriteTable prints per-query scores.
func (m Metrics) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "query\thits\trelevant\tP@10\tR@10\tRR")
	for _, q := range m.PerQuery {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.2f\t%.2f\t%.2f\n", q.Query, q.Hits, q.Relevant, q.P, q.R, q.RR)
	}
	fmt.Fprintf(tw, "MEAN\t\t\t%.3f\t%.3f\t%.3f\n", m.PrecisionK, m.RecallK, m.MRR)
	tw.Flush()
}

// GeneratedJudged is the judged set over a generated corpus: every topic
// phrase (relevant: the pages that contain it), a single character, a
// phrase crossing a word boundary, identifier lookups in several bracket
// styles, and a two-word query. Relevance is decided by exact substring on
// the normalised page, which is what a user of a transparency portal means
// by "pages about X" for these names and terms.
func GeneratedJudged(docs []Doc) []Judged {
	var qs []string
	for _, t := range Topics {
		qs = append(qs, t.Phrase)
	}
	qs = append(qs, "税", "欠中小", "申即", "\"免申即享\"", "旧账 新官不理")
	var out []Judged
	for _, q := range qs {
		out = append(out, Judged{Query: q, Relevant: containing(docs, q)})
	}
	// Identifier lookups: the disclosure pages with a credit code / doc number.
	n := 0
	for i := range docs {
		if docs[i].Kind != "disclosures" || n >= 5 {
			continue
		}
		n++
		num := docs[i].Identifiers[2]
		variants := []string{
			docs[i].Identifiers[1],
			strings.ToLower(docs[i].Identifiers[1]),
			num,
			strings.NewReplacer("〔", "[", "〕", "]").Replace(num),
			strings.NewReplacer("〔", "（", "〕", "）").Replace(num),
		}
		for _, v := range variants[n%len(variants) : n%len(variants)+1] {
			out = append(out, Judged{Query: v, Relevant: []string{docs[i].URL}, Top: docs[i].URL})
		}
	}
	return out
}

// containing lists the pages whose normalised title or text contains every
// whitespace-separated word of q (quotes removed).
func containing(docs []Doc, q string) []string {
	words := strings.Fields(strings.Trim(q, `"`))
	var out []string
	for i := range docs {
		text := norm.NFKC.String(docs[i].Title + "\n" + docs[i].Text)
		ok := true
		for _, w := range words {
			if !strings.Contains(text, w) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, docs[i].URL)
		}
	}
	return out
}

// GeneratedPhrases returns n policy phrases of 6 to 8 Chinese characters
// taken from the founding document's sentences (deterministically), each
// held whole by some page of docs, with the pages holding it. Some of
// their words also occur apart in other pages (临沂市委宣传部: 2,214 pages
// hold all its characters, 1,075 the phrase), so only a search that ranks
// whole phrases first puts holders at the top. Phrases with 的 (a question
// word, which need not match) are skipped.
func GeneratedPhrases(docs []Doc, n int) []Judged {
	var out []Judged
	seen := map[string]bool{}
	for i, s := range sentences {
		if len(out) >= n {
			break
		}
		rs := []rune(s)
		l := 6 + i%3
		start := (i * 7) % max(1, len(rs)-l)
		if start+l > len(rs) {
			continue
		}
		p := string(rs[start : start+l])
		if seen[p] || strings.Contains(p, "的") || strings.ContainsFunc(p, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
			continue
		}
		seen[p] = true
		rel := containing(docs, p)
		if len(rel) == 0 || len(rel) > len(docs)/2 {
			continue
		}
		out = append(out, Judged{Query: p, Relevant: rel})
	}
	return out
}

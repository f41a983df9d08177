// Command foldgen writes search/fold_table.go: the character folding the
// index and queries share, so that traditional and simplified characters,
// and variant characters such as 帐/账, match each other. It reads two
// maintained tables and no hand list:
//
//   - OpenCC's character dictionaries (github.com/longbridgeapp/opencc, the
//     module that ships them): TSCharacters (traditional → simplified) and
//     the Taiwan and Hong Kong variant tables (variant →
//     standard traditional);
//   - Unicode's Unihan (Debian package unicode-data): kSemanticVariant pairs
//     of traditional characters that both directions list and that read
//     the same (kMandarin), which link the simplified forms of variant
//     characters (帳~賬 gives 帐~账); a class folds to its most frequent
//     member (kFrequency).
//
// Run it from the repository root:
//
//	apt-get install unicode-data
//	go run ./search/internal/foldgen -unihan /usr/share/unicode
package main

import (
	"bufio"
	"compress/bzip2"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

const openccModule = "github.com/longbridgeapp/opencc@v0.3.13"

func main() {
	unihan := flag.String("unihan", "/usr/share/unicode", "folder of Unihan_Variants.txt.bz2 and Unihan_Readings.txt.bz2")
	out := flag.String("out", "search/fold_table.go", "file to write")
	flag.Parse()
	dir, err := moduleDir(openccModule)
	if err != nil {
		log.Fatal(err)
	}
	fold := map[rune]rune{}
	read := func(name string, each func(from rune, to []rune)) {
		f, err := os.Open(filepath.Join(dir, "dictionary", name))
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), "\t")
			from := []rune(k)
			if !ok || len(from) != 1 {
				continue
			}
			var to []rune
			for _, s := range strings.Fields(v) {
				if r := []rune(s); len(r) == 1 {
					to = append(to, r[0])
				}
			}
			if len(to) > 0 {
				each(from[0], to)
			}
		}
	}
	// Traditional → simplified: the first candidate is OpenCC's choice.
	ts := map[rune]rune{}
	read("TSCharacters.txt", func(from rune, to []rune) { ts[from] = to[0] })
	// Regional variants → the standard traditional form.
	variant := map[rune]rune{}
	for _, name := range []string{"TWVariantsRev.txt", "HKVariantsRev.txt"} {
		read(name, func(from rune, to []rune) {
			if _, ok := variant[from]; !ok {
				variant[from] = to[0]
			}
		})
	}
	simplify := func(r rune) rune {
		if v, ok := variant[r]; ok {
			r = v
		}
		if s, ok := ts[r]; ok {
			r = s
		}
		return r
	}
	for r := range ts {
		fold[r] = simplify(r)
	}
	// A regional variant that is also a standard simplified character (么
	// is Hong Kong's variant of 幺, and simplified Chinese's 麼) keeps its
	// simplified meaning.
	standard := map[rune]bool{}
	for _, s := range ts {
		standard[s] = true
	}
	for r := range variant {
		if !standard[r] {
			fold[r] = simplify(r)
		}
	}

	// Variant characters: union the simplified forms of Unihan semantic
	// variants listed in both directions.
	sem, err := unihanField(filepath.Join(*unihan, "Unihan_Variants.txt.bz2"), "kSemanticVariant")
	if err != nil {
		log.Fatal(err)
	}
	readings, err := unihanField(filepath.Join(*unihan, "Unihan_Readings.txt.bz2"), "kMandarin")
	if err != nil {
		log.Fatal(err)
	}
	freq, err := unihanField(filepath.Join(*unihan, "Unihan_DictionaryLikeData.txt.bz2"), "kFrequency")
	if err != nil {
		log.Fatal(err)
	}
	// rank orders a class's members: the most frequent (kFrequency 1 is the
	// most common) is the form the class folds to, so common characters
	// stay as they are; ties go to the lower code point.
	// A simplified character often has no kFrequency: it takes its
	// traditional form's.
	known := map[rune]int{}
	rank := func(r rune) int {
		if f, err := strconv.Atoi(freq[r]); err == nil {
			return f
		}
		if f, ok := known[r]; ok {
			return f
		}
		return 9
	}
	for t, s := range ts {
		if f, err := strconv.Atoi(freq[t]); err == nil {
			if old, ok := known[s]; !ok || f < old {
				known[s] = f
			}
		}
	}
	better := func(a, b rune) bool {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		return a < b
	}
	parent := map[rune]rune{}
	var find func(r rune) rune
	find = func(r rune) rune {
		p, ok := parent[r]
		if !ok || p == r {
			return r
		}
		root := find(p)
		parent[r] = root
		return root
	}
	// Only links between two traditional characters that simplify to two
	// different standard simplified forms count (帳~賬 gives 帐~账): links
	// between plain characters (欠~缺) are too loose for search, and rare
	// historic forms never become the class's form.
	simplified := map[rune]bool{}
	for _, s := range ts {
		simplified[s] = true
	}
	for _, p := range symmetric(sem) {
		if readings[p[0]] == "" || readings[p[0]] != readings[p[1]] {
			continue
		}
		a, b := simplify(p[0]), simplify(p[1])
		_, tradA := ts[p[0]]
		_, tradB := ts[p[1]]
		if !tradA || !tradB || a == p[0] || b == p[1] {
			continue
		}
		if a == b || !simplified[a] || !simplified[b] || !unicode.Is(unicode.Han, a) || !unicode.Is(unicode.Han, b) {
			continue
		}
		ra, rb := find(a), find(b)
		if ra == rb {
			continue
		}
		if better(rb, ra) {
			ra, rb = rb, ra
		}
		parent[rb] = ra
		if os.Getenv("FOLDGEN_DEBUG") != "" {
			fmt.Printf("%c~%c (%c~%c) ", a, b, p[0], p[1])
		}
	}
	classSize := map[rune]int{}
	for r := range parent {
		classSize[find(r)]++
	}
	// A class of more than two joins characters only loosely related.
	canon := func(r rune) rune {
		s := simplify(r)
		if root := find(s); root != s && classSize[root] <= 2 {
			return root
		}
		return s
	}
	for r := range fold {
		fold[r] = canon(r)
	}
	for r := range parent {
		fold[r] = canon(r)
	}
	// Follow chains (a variant of a variant) so folding is idempotent.
	for r, to := range fold {
		for range 8 {
			next, ok := fold[to]
			if !ok || next == to {
				break
			}
			to = next
		}
		fold[r] = to
	}
	for r, to := range fold {
		if r == to || !unicode.Is(unicode.Han, r) {
			delete(fold, r)
		}
	}
	if os.Getenv("FOLDGEN_DEBUG") != "" {
		for r, to := range fold {
			if standard[r] {
				fmt.Printf("%c→%c ", r, to)
			}
		}
		fmt.Println()
	}
	keys := make([]rune, 0, len(fold))
	for r := range fold {
		keys = append(keys, r)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	var b strings.Builder
	b.WriteString("// Code generated by search/internal/foldgen from OpenCC " + strings.TrimPrefix(openccModule, "github.com/longbridgeapp/opencc@") + " and Unihan_Variants.txt; DO NOT EDIT.\n\n")
	b.WriteString("package search\n\n")
	fmt.Fprintf(&b, "// foldPairs lists %d characters and the form they fold to, as pairs of\n// runes in code point order.\n", len(keys))
	b.WriteString("const foldPairs = \"\" +\n")
	for i := 0; i < len(keys); i += 32 {
		b.WriteString("\t\"")
		for _, r := range keys[i:min(i+32, len(keys))] {
			b.WriteRune(r)
			b.WriteRune(fold[r])
		}
		b.WriteString("\"")
		if i+32 < len(keys) {
			b.WriteString(" +")
		}
		b.WriteString("\n")
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s: %d characters fold", *out, len(keys))
}

// unihanField reads one field of a Unihan file: code point → value.
func unihanField(path, field string) (map[rune]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".bz2") {
		r = bzip2.NewReader(f)
	}
	out := map[rune]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fields := strings.Split(sc.Text(), "\t")
		if len(fields) != 3 || fields[1] != field {
			continue
		}
		if c, ok := codePoint(fields[0]); ok {
			out[c] = fields[2]
		}
	}
	return out, sc.Err()
}

// symmetric returns the kSemanticVariant pairs listed in both directions.
func symmetric(sem map[rune]string) [][2]rune {
	links := map[[2]rune]bool{}
	for from, v := range sem {
		for _, s := range strings.Fields(v) {
			s, _, _ = strings.Cut(s, "<")
			if to, ok := codePoint(s); ok {
				links[[2]rune{from, to}] = true
			}
		}
	}
	var out [][2]rune
	for l := range links {
		if l[0] < l[1] && links[[2]rune{l[1], l[0]}] {
			out = append(out, l)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] || (out[i][0] == out[j][0] && out[i][1] < out[j][1]) })
	return out
}

func codePoint(s string) (rune, bool) {
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "U+"), 16, 32)
	return rune(n), err == nil && strings.HasPrefix(s, "U+")
}

// moduleDir downloads mod through the Go module proxy (or finds it in the
// module cache) and returns its folder.
func moduleDir(mod string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s: %w", mod, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		return "", fmt.Errorf("go mod download %s: no folder", mod)
	}
	return info.Dir, nil
}

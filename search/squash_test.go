package search

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestSquash checks the fast path of squash against normalising first.
func TestSquash(t *testing.T) {
	for _, s := range []string{"“双随机、一公开”抽查", "临发改信用〔2024〕295号", "ＡＢＣ１２３ 誠信", "a-b_c d\n e。f", "拖欠中小企業賬款"} {
		want := []rune{}
		for _, r := range normalize(s) {
			if isHan(r) || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				want = append(want, r)
			}
		}
		assert.Equal(t, string(want), squash(s), s)
	}
}

// TestFoldIdempotent: a folded character folds to itself, which the
// phrase check's shortcut (a phrase found as written is held) relies on.
func TestFoldIdempotent(t *testing.T) {
	rs := []rune(foldPairs)
	for i := 1; i < len(rs); i += 2 {
		assert.Equal(t, string(rs[i]), normalize(string(rs[i])), "%U folds on", rs[i])
	}
}

// TestHoldsPhrases checks the shortcut against squashing the whole page.
func TestHoldsPhrases(t *testing.T) {
	fields := map[string][]string{
		sTitle: {"关于“双随机、一公开”的通知"},
		sText:  {"拖欠中小企業賬款，临发改信用〔2024〕295号。ABC公司"},
		sFacts: {"决定机关：临沂市发展和改革委员会"},
	}
	slow := func(phs []phrase) bool {
		text := squash(strings.Join(fields[sTitle], "") + strings.Join(fields[sText], "") + "\n" + strings.Join(fields[sFacts], ""))
		for _, ph := range phs {
			if !strings.Contains(text, ph.squashed) {
				return false
			}
		}
		return true
	}
	for _, q := range []string{"双随机一公开", "拖欠中小企业账款", "2024295号", "abc公司", "通知拖欠", "295号决定机关", "发展和改革", "改革委员会主任", "一公开"} {
		phs := []phrase{{squashed: squash(q)}}
		assert.Equal(t, slow(phs), holdsPhrases(fields, phs), q)
		phs = append(phs, phrase{squashed: squash("信用")})
		assert.Equal(t, slow(phs), holdsPhrases(fields, phs), q)
	}
}

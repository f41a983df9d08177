package search

import (
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

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTerminalSafe(t *testing.T) {
	var b strings.Builder
	w := terminalSafe(&b)
	fmt.Fprintf(w, "标题：%s\n\t回复：%s\n", "拖欠\x1b]0;pwned\x07工程款\x1b[2J", "正常\u202e文本\r覆盖\xc2\x9b31m\x9b")
	got := b.String()
	assert.Equal(t, "标题：拖欠\\x1b]0;pwned\\x07工程款\\x1b[2J\n\t回复：正常\\u202e文本\\x0d覆盖\\x9b31m\\x9b\n", got)
	assert.NotContains(t, got, "\x1b")
}

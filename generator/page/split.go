package page

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// SplitError is a problem with a file's framing (encoding or front-matter
// delimiters), at a 1-based line and character column of the file.
type SplitError struct {
	Line, Col int
	Msg       string
}

func (e *SplitError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

var bom = []byte("\ufeff")

// Normalize strips a UTF-8 byte-order mark and turns CRLF line endings into
// LF. Line numbers are unchanged, so positions computed on the result are
// the file's positions. It returns a SplitError naming the first byte that is
// not UTF-8.
func Normalize(data []byte) ([]byte, error) {
	data = bytes.TrimPrefix(data, bom)
	if !utf8.Valid(data) {
		line, col := 1, 1
		for i := 0; i < len(data); {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if r == '\n' {
				line, col = line+1, 1
			} else if r != '\r' {
				col++
			}
			i += size
		}
		return nil, &SplitError{Line: line, Col: col, Msg: "文件不是 UTF-8 文本，请另存为 UTF-8；不接受 GBK/GB18030 (the file is not UTF-8 text (save it as UTF-8; GBK/GB18030 is not accepted))"}
	}
	if bytes.Contains(data, []byte("\r\n")) {
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	return data, nil
}

// Split separates a page into its TOML front matter and its Markdown body.
// data must already be normalized (see Normalize). The front matter sits
// between a first line "+++" and the next line "+++" (trailing spaces
// allowed). frontLine is the file line of the front matter's first line, so
// TOML line n is file line frontLine+n-1. A file that does not start with
// "+++" or never closes it is an error at line 1.
func Split(data []byte) (front, body []byte, frontLine int, err error) {
	first, rest, found := bytes.Cut(data, []byte("\n"))
	if !isDelim(first) {
		return nil, nil, 0, &SplitError{Line: 1, Col: 1, Msg: `文件必须以一行 "+++" 开始，开启 TOML 前置设置 (the file must start with a "+++" line opening the TOML front matter)`}
	}
	if !found {
		return nil, nil, 0, &SplitError{Line: 1, Col: 1, Msg: neverClosed}
	}
	off := 0
	for off <= len(rest) {
		line, after, more := bytes.Cut(rest[off:], []byte("\n"))
		if isDelim(line) {
			front = rest[:off]
			if more {
				body = rest[off+len(line)+1:]
			} else {
				body = rest[len(rest):]
			}
			return front, body, 2, nil
		}
		if !more {
			break
		}
		off = len(rest) - len(after)
	}
	return nil, nil, 0, &SplitError{Line: 1, Col: 1, Msg: neverClosed}
}

func isDelim(line []byte) bool {
	return string(bytes.TrimRight(line, " \t\r")) == "+++"
}

// neverClosed is the message for front matter without its closing line.
const neverClosed = `此处开始的前置设置没有结束，请在最后一个键之后加一行 "+++" (the front matter opened here is never closed (add a line "+++" after the last key))`

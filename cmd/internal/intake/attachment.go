package intake

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // registers JPEG for DecodeConfig
	_ "image/png"  // registers PNG for DecodeConfig
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Attachment limits.
const (
	MaxAttachments    = 3
	MaxAttachmentSize = 5 << 20 // 5 MiB each
	AttachmentNameMax = 100
)

// AttachmentTypes are the accepted file types, by content.
var AttachmentTypes = []string{"application/pdf", "image/jpeg", "image/png"}

var typeLabels = map[string]string{"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}

// TypeLabel is the short name of an attachment type (PDF, JPEG, PNG).
func TypeLabel(mime string) string { return typeLabels[mime] }

// extTypes maps a file-name extension to the type it claims.
var extTypes = map[string]string{".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}

// sniffType returns the type data really is: a PDF header, or a JPEG or
// PNG whose header decodes; "" for anything else.
func sniffType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		// A real PDF ends with an end-of-file marker near its end.
		tail := data[max(0, len(data)-1024):]
		if bytes.Contains(tail, []byte("%%EOF")) {
			return "application/pdf"
		}
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		if _, f, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && f == "jpeg" {
			return "image/jpeg"
		}
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		if _, f, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && f == "png" {
			return "image/png"
		}
	}
	return ""
}

// CheckAttachment checks one uploaded file by its content: it must be a
// PDF, JPEG or PNG of at most MaxAttachmentSize bytes, and its name and
// declared type (may be empty) must not claim another type. It returns the
// attachment to store, or an EINVALID error whose message names the file.
func CheckAttachment(name, declared string, data []byte) (Attachment, error) {
	clean := cleanFileName(name)
	fail := func(format string, args ...any) (Attachment, error) {
		return Attachment{}, Errorf(EINVALID, "附件“%s”%s", clean, fmt.Sprintf(format, args...))
	}
	if len(data) == 0 {
		return fail("是空文件")
	}
	if len(data) > MaxAttachmentSize {
		return fail("超过 %d MiB", MaxAttachmentSize>>20)
	}
	got := sniffType(data)
	if got == "" {
		return fail("不是有效的 PDF、JPEG 或 PNG 文件（按文件内容判断，不看扩展名）")
	}
	ext := strings.ToLower(path.Ext(clean))
	if claimed, ok := extTypes[ext]; !ok || claimed != got {
		return fail("的扩展名与内容不符：内容是 %s，请使用 %s 扩展名", typeLabels[got], extensionFor(got))
	}
	if d := strings.ToLower(strings.TrimSpace(strings.Split(declared, ";")[0])); d != "" && d != "application/octet-stream" && d != got &&
		!(got == "image/jpeg" && d == "image/pjpeg") {
		return fail("声明的类型（%s）与内容（%s）不符", d, typeLabels[got])
	}
	sum := sha256.Sum256(data)
	return Attachment{Name: clean, Type: got, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Data: data}, nil
}

func extensionFor(mime string) string {
	switch mime {
	case "application/pdf":
		return ".pdf"
	case "image/jpeg":
		return ".jpg"
	}
	return ".png"
}

// cleanFileName keeps the last path element of a browser-sent name, drops
// control and path characters, and bounds its length.
func cleanFileName(name string) string {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "")
	}
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`<>:"|?*`, r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > AttachmentNameMax {
		ext := path.Ext(name)
		name = string(r[:AttachmentNameMax-len([]rune(ext))]) + ext
	}
	if name == "" || name == "." || name == ".." {
		name = "附件"
	}
	return name
}

// FormatSize is a file size for people: 512 B, 38.2 KB, 4.7 MB.
func FormatSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}

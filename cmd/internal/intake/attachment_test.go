package intake_test

import (
	"bytes"
	"image"
	"image/jpeg"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"portal/cmd/internal/intake"
	"portal/cmd/internal/intake/intaketest"
)

func smallJPEG(t *testing.T) []byte {
	var b bytes.Buffer
	require.NoError(t, jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)), nil))
	return b.Bytes()
}

// TestCheckAttachment refuses files that lie about their type, by name or
// by declared type, and anything that is not really a PDF, JPEG or PNG.
func TestCheckAttachment(t *testing.T) {
	jpg := smallJPEG(t)
	tests := []struct {
		name, file, declared string
		data                 []byte
		wantType, wantErr    string
	}{
		{"png", "合同.png", "image/png", intaketest.PNG, "image/png", ""},
		{"pdf, no declared type", "发票.PDF", "", intaketest.PDF, "application/pdf", ""},
		{"jpeg as .jpeg", "现场.jpeg", "image/jpeg", jpg, "image/jpeg", ""},
		{"octet-stream declared", "a.jpg", "application/octet-stream", jpg, "image/jpeg", ""},
		{"path in name is dropped", `C:\Users\张三\合同.png`, "", intaketest.PNG, "image/png", ""},
		{"html named .pdf", "合同.pdf", "application/pdf", []byte("<html><script>alert(1)</script></html>"), "", "不是有效的"},
		{"script named .png", "a.png", "image/png", []byte("#!/bin/sh\nrm -rf /\n"), "", "不是有效的"},
		{"png named .pdf", "合同.pdf", "", intaketest.PNG, "", "扩展名与内容不符"},
		{"png declared as pdf", "合同.png", "application/pdf", intaketest.PNG, "", "声明的类型"},
		{"pdf declared as html", "a.pdf", "text/html", intaketest.PDF, "", "声明的类型"},
		{"exe", "a.exe", "", []byte("MZ\x90\x00"), "", "不是有效的"},
		{"png header, garbage body", "a.png", "", []byte("\x89PNG\r\n\x1a\nnot really"), "", "不是有效的"},
		{"jpeg header, garbage body", "a.jpg", "", []byte("\xff\xd8\xff\xe0garbage"), "", "不是有效的"},
		{"pdf header without end", "a.pdf", "", []byte("%PDF-1.4\n<html>"), "", "不是有效的"},
		{"empty", "a.pdf", "", nil, "", "空文件"},
		{"too large", "a.pdf", "", append(append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte(" "), intake.MaxAttachmentSize)...), "%%EOF"...), "", "超过 5 MiB"},
		{"no extension", "合同", "", intaketest.PDF, "", "扩展名"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := intake.CheckAttachment(tt.file, tt.declared, tt.data)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Equal(t, intake.EINVALID, intake.ErrorCode(err))
				assert.Contains(t, intake.ErrorMessage(err), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantType, a.Type)
			assert.Equal(t, int64(len(tt.data)), a.Size)
			assert.Len(t, a.SHA256, 64)
			assert.NotContains(t, a.Name, `\`)
		})
	}
}

func TestEnterpriseFields(t *testing.T) {
	code := func(c string) error {
		if c != "91371300MA3C8L1X1A" {
			return assert.AnError
		}
		return nil
	}
	base := intake.Submission{Category: "拖欠账款", Department: "fgw", Title: "工程款拖欠两年未付",
		Description: "某局拖欠我公司工程款两年，多次催要未果。", Name: "张三", Phone: "13800000000", Consent: true}
	known := func(string) bool { return true }
	tests := []struct {
		name, ent, code, field string
	}{
		{"both good", "临沂某某建设有限公司", "91371300ma3c8l1x1a", ""},
		// As people paste it from a licence or a PDF: grouped with spaces,
		// full-width, or with hyphens; the search box takes these too.
		{"grouped with spaces", "临沂某某建设有限公司", "9137 1300 MA3C 8L1X 1A", ""},
		{"ideographic spaces", "临沂某某建设有限公司", "913713　00MA3C8L1X1A", ""},
		{"full-width", "临沂某某建设有限公司", "９１３７１３００ＭＡ３Ｃ８Ｌ１Ｘ１Ａ", ""},
		{"hyphenated", "临沂某某建设有限公司", "913713-00MA3C8L1X-1A", ""},
		{"neither", "", "", ""},
		{"name only", "临沂某某建设有限公司", "", "credit_code"},
		{"code only", "", "91371300MA3C8L1X1A", "enterprise_name"},
		{"short code", "某公司", "9137130", "credit_code"},
		{"bad check character", "某公司", "91371300MA3C8L1X1X", "credit_code"},
		{"name too long", strings.Repeat("企", intake.EnterpriseMax+1), "91371300MA3C8L1X1A", "enterprise_name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.EnterpriseName, s.CreditCode = tt.ent, tt.code
			got, err := intake.Validate(s, known, code)
			if tt.field == "" {
				require.NoError(t, err)
				if tt.code != "" {
					assert.Equal(t, "91371300MA3C8L1X1A", got.CreditCode)
				}
				return
			}
			require.Error(t, err)
			assert.Contains(t, intake.ErrorFields(err), tt.field)
			assert.Len(t, intake.ErrorFields(err), 1)
		})
	}
}

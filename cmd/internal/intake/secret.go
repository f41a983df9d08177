package intake

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// receiptRe is the receipt number's shape.
// A day's sequence is written with at least six digits and grows past
// 999999 (to TS-YYYYMMDD-1000000 and on): receipt numbers never run out.
var receiptRe = regexp.MustCompile(`^TS-[0-9]{8}-[0-9]{6,12}$`)

// FormatReceipt returns the receipt number of the seq-th complaint received
// on day (a date in the site's zone): TS-YYYYMMDD-NNNNNN.
func FormatReceipt(day time.Time, seq int) string {
	return fmt.Sprintf("TS-%s-%06d", day.Format("20060102"), seq)
}

// ValidReceipt reports whether r has the receipt number's shape.
func ValidReceipt(r string) bool { return receiptRe.MatchString(r) }

// codeAlphabet leaves out 0/O, 1/I/L so a code read aloud or copied by hand
// survives.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// QueryCodeLen is the query code's length: 31^12 ≈ 2^59 codes, far beyond
// guessing at any rate limit.
const QueryCodeLen = 12

// NewQueryCode returns a random query code, formatted XXXX-XXXX-XXXX.
func NewQueryCode() (string, error) {
	buf := make([]byte, QueryCodeLen)
	out := make([]byte, 0, QueryCodeLen+2)
	// Rejection sampling keeps every letter equally likely.
	limit := byte(256 - 256%len(codeAlphabet))
	for i := 0; i < QueryCodeLen; {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("query code: %w", err)
		}
		for _, b := range buf {
			if b >= limit || i == QueryCodeLen {
				continue
			}
			if i > 0 && i%4 == 0 {
				out = append(out, '-')
			}
			out = append(out, codeAlphabet[int(b)%len(codeAlphabet)])
			i++
		}
	}
	return string(out), nil
}

// normaliseCode accepts the code in any case and with or without dashes
// and spaces.
func normaliseCode(code string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r != '-' && r != ' ' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// HashQueryCode returns the stored form of a query code: "salt:hash", a
// random 16-byte salt and SHA-256 over salt and code, in hex. The code carries
// ~59 bits of randomness, so no password stretching is needed against
// offline guessing; the salt keeps equal codes from showing as equal rows.
func HashQueryCode(code string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("query code salt: %w", err)
	}
	return hex.EncodeToString(salt) + ":" + hashWithSalt(salt, code), nil
}

func hashWithSalt(salt []byte, code string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(normaliseCode(code)))
	return hex.EncodeToString(h.Sum(nil))
}

// CheckQueryCode reports whether code matches the stored "salt:hash", in
// constant time; a malformed stored value never matches.
func CheckQueryCode(code, stored string) bool {
	saltHex, want, ok := strings.Cut(stored, ":")
	salt, err := hex.DecodeString(saltHex)
	if !ok || err != nil || len(salt) == 0 {
		return false
	}
	got := hashWithSalt(salt, code)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// Fingerprint identifies a submission's content for duplicate detection:
// the same person (phone) sending the same complaint to the same body, from
// the same client address (behind a trusted proxy, the real client's: an
// anonymous complaint from two people is two complaints).
// Whitespace differences do not make a new complaint.
func Fingerprint(s Submission) string {
	h := sha256.New()
	for _, f := range []string{s.Category, s.Department, s.RelatedID, s.ObjectionReason, compact(s.Title), compact(s.Description), s.Name, s.Phone, s.Email, s.Client} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

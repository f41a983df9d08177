package server

import (
	"net/http"
	"strings"
)

// contentSecurityPolicy allows the site what it uses and nothing else: its
// own styles, images and fonts, forms posting to itself, no scripts at all
// (no page needs one), and no framing by any site.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries. Complaint
// pages send no Referer at all (a receipt page's address must not travel);
// the rest of the site sends only its origin to other sites.
func securityHeaders(h http.Header, path string, hsts bool) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if strings.HasPrefix(path, "/complaints") || strings.HasPrefix(path, "/api/complaints") {
		h.Set("Referrer-Policy", "no-referrer")
	} else {
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	}
	if hsts {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
}

package feed

import (
	"bytes"
	"errors"
)

// The formats Encode writes, as indexes of its want and result arrays.
const (
	FormatRSS = iota
	FormatAtom
	FormatJSON
)

// Encode returns f in each format want asks for (FormatRSS, FormatAtom,
// FormatJSON), as RSS, Atom and JSON return it, nil for the others: a
// site writes a few hundred feeds in all three, and each format checked the
// feed (a url.Parse per item) and RSS and Atom each made its text XML-safe;
// Encode does both once. On a feed that fails the checks it returns the
// error once and no document; a format that fails on its own (Atom without
// an author) leaves its document nil, the others written, and its error
// returned. With nothing asked for it does nothing.
func Encode(f *Feed, want [3]bool) ([3][]byte, error) {
	var out [3][]byte
	if want == [3]bool{} {
		return out, nil // nothing asked: nothing checked, as no writer ran
	}
	if err := f.validate(); err != nil {
		return out, err
	}
	var errs []error
	if want[FormatRSS] || want[FormatAtom] {
		x := f.xmlSafe()
		b := xmlBufs.Get().(*bytes.Buffer)
		defer xmlBufs.Put(b)
		if want[FormatRSS] {
			b.Reset()
			writeRSS(b, x)
			out[FormatRSS] = bytes.Clone(b.Bytes())
		}
		if want[FormatAtom] {
			if err := atomAuthors(x); err != nil {
				errs = append(errs, err)
			} else {
				b.Reset()
				writeAtom(b, x)
				out[FormatAtom] = bytes.Clone(b.Bytes())
			}
		}
	}
	if want[FormatJSON] {
		sc := jsonScratches.Get().(*jsonScratch)
		defer jsonScratches.Put(sc)
		sc.buf.Reset()
		if writeJSON(&sc.buf, sc, f) {
			out[FormatJSON] = bytes.Clone(sc.buf.Bytes())
		} else {
			b, err := jsonEncoded(f)
			if err != nil {
				errs = append(errs, err)
			}
			out[FormatJSON] = b
		}
	}
	return out, errors.Join(errs...)
}

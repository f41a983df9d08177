package model

import (
	"strconv"
	"strings"
)

// Amount is a sum of money kept exactly, in 分 (0.01 元), with the unit the
// source wrote it in, so a fine given in a 罚款金额（万元） column reads
// "20万元" again on the page.
type Amount struct {
	Fen  int64  // the amount in 分
	Unit string // "元" or "万元": the unit of the source column or value
}

// Units an Amount may carry.
const (
	UnitYuan     = "元"
	UnitTenKYuan = "万元"
	fenPerYuan   = 100
)

// IsZero reports whether no amount was given (or it was zero).
func (a Amount) IsZero() bool { return a.Fen == 0 }

// Yuan returns the amount in 元.
func (a Amount) Yuan() float64 { return float64(a.Fen) / fenPerYuan }

// String writes the amount as people write it: in 万元 when the source used
// 万元 or when a sum in 元 is a whole number of hundreds of 元 from 1万元 up
// (200000 元 → "20万元", 86000 元 → "8.6万元"), otherwise in 元
// ("1250.5元"). Zero is "".
func (a Amount) String() string {
	if a.Fen == 0 {
		return ""
	}
	if a.Unit == UnitTenKYuan || (a.Fen >= 10000*fenPerYuan && a.Fen%(100*fenPerYuan) == 0) {
		return decimal(a.Fen, 6) + UnitTenKYuan
	}
	return decimal(a.Fen, 2) + UnitYuan
}

// In returns the amount as a plain decimal number in unit (元 or 万元),
// without trailing zeros: the form open data and the national columns use.
func (a Amount) In(unit string) string {
	if a.Fen == 0 {
		return ""
	}
	if unit == UnitTenKYuan {
		return decimal(a.Fen, 6)
	}
	return decimal(a.Fen, 2)
}

// decimal writes n / 10^places without trailing zeros.
func decimal(n int64, places int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	if len(s) <= places {
		s = strings.Repeat("0", places-len(s)+1) + s
	}
	whole, frac := s[:len(s)-places], strings.TrimRight(s[len(s)-places:], "0")
	if neg {
		whole = "-" + whole
	}
	if frac == "" {
		return whole
	}
	return whole + "." + frac
}

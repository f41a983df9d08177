package disclosure

import (
	"errors"
	"math/big"
	"strings"

	"golang.org/x/text/unicode/norm"

	"portal/generator/model"
)

// ErrAmount is the message for a value that is not an amount.
var ErrAmount = errors.New("不是金额，可写作 5000、1250.50、20万元 或 200,000元 (not an amount: write 5000, 1250.50, 20万元 or 200,000元)")

var amountNoise = strings.NewReplacer(",", "", " ", "", "¥", "", "RMB", "", "rmb", "", "人民币", "")

// plainAmount is the fast path for the usual cell: digits with at most one
// point and no more decimals than the unit keeps to the 分.
func plainAmount(s, unit string) (model.Amount, bool) {
	places := 2
	if unit == model.UnitTenKYuan {
		places = 6
	}
	var n int64
	dot, frac := false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if dot {
				frac++
				if frac > places {
					return model.Amount{}, false
				}
			}
			if n > 1e15 {
				return model.Amount{}, false
			}
			n = n*10 + int64(c-'0')
		case c == '.' && !dot && i > 0:
			dot = true
		default:
			return model.Amount{}, false
		}
	}
	for ; frac < places; frac++ {
		n *= 10
	}
	return model.Amount{Fen: n, Unit: unit}, true
}

// ParseAmount reads a sum of money written in a column whose unit is unit
// ("元" or "万元"; "" means 元). A value may carry its own unit (20万元,
// 200000元, 20万), thousands separators, a currency sign (¥ ￥ RMB) and
// full-width digits; it is kept exactly to the 分 (rounded half up below
// that). Blank is the zero Amount. Negative amounts are errors.
func ParseAmount(s, unit string) (model.Amount, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return model.Amount{}, nil
	}
	if unit == "" {
		unit = model.UnitYuan
	}
	if a, ok := plainAmount(s, unit); ok {
		return a, nil
	}
	s = amountNoise.Replace(norm.NFKC.String(s))
	switch {
	case strings.HasSuffix(s, "万元"):
		s, unit = strings.TrimSuffix(s, "万元"), model.UnitTenKYuan
	case strings.HasSuffix(s, "万"):
		s, unit = strings.TrimSuffix(s, "万"), model.UnitTenKYuan
	case strings.HasSuffix(s, "元"):
		s, unit = strings.TrimSuffix(s, "元"), model.UnitYuan
	}
	if s == "" || strings.Trim(s, "0123456789.eE+-") != "" || s[0] < '0' || s[0] > '9' {
		return model.Amount{}, ErrAmount
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 {
		return model.Amount{}, ErrAmount
	}
	per := int64(100)
	if unit == model.UnitTenKYuan {
		per = 1_000_000
	}
	r.Mul(r, new(big.Rat).SetInt64(per))
	// Round half up to the 分.
	r.Add(r, big.NewRat(1, 2))
	fen := new(big.Int).Quo(r.Num(), r.Denom())
	if !fen.IsInt64() || fen.Int64() > 1e17 {
		return model.Amount{}, ErrAmount
	}
	return model.Amount{Fen: fen.Int64(), Unit: unit}, nil
}

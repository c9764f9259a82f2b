package portfolio

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// xsum is an exact value held in the fixed-point kernel while it fits and
// in decimal once it does not (never rounded either way), so the figures
// a book's requirement is built from are the same numbers whichever form
// held them; only the allocations differ.
type xsum struct {
	n   fixed.Num
	d   decimal.Decimal
	dec bool
}

// spill moves the value to decimal.
func (x *xsum) spill() {
	if !x.dec {
		x.d, x.dec = x.n.Decimal(), true
	}
}

// add adds v (ok false: v did not fit, use vd).
func (x *xsum) add(v fixed.Num, ok bool, vd func() decimal.Decimal) {
	if ok && !x.dec {
		if s, fits := fixed.Add(x.n, v); fits {
			x.n = s
			return
		}
	}
	x.spill()
	if ok {
		x.d = x.d.Add(v.Decimal())
	} else {
		x.d = x.d.Add(vd())
	}
}

// addX adds another exact value.
func (x *xsum) addX(y *xsum) {
	if !y.dec {
		x.add(y.n, true, nil)
		return
	}
	x.spill()
	x.d = x.d.Add(y.d)
}

// mul multiplies by a decimal whose kernel form is m (ok false: none).
func (x *xsum) mul(m fixed.Num, ok bool, md decimal.Decimal) {
	if ok && !x.dec {
		if p, fits := fixed.Mul(x.n, m); fits {
			x.n = p
			return
		}
	}
	x.spill()
	x.d = x.d.Mul(md)
}

// neg negates.
func (x *xsum) neg() {
	if !x.dec {
		if v, ok := fixed.Neg(x.n); ok {
			x.n = v
			return
		}
		x.spill()
	}
	x.d = x.d.Neg()
}

// value returns the exact decimal.
func (x *xsum) value() decimal.Decimal {
	if x.dec {
		return x.d
	}
	return x.n.Decimal()
}

// roundUp returns the value rounded up (toward +∞) at scale places.
func (x *xsum) roundUp(scale int32) decimal.Decimal {
	if !x.dec {
		if r, ok := fixed.Round(x.n, scale, num.Ceil); ok {
			return r.Decimal()
		}
	}
	return num.Round(x.value(), scale, num.Ceil)
}

// cmp compares x with y exactly.
func (x *xsum) cmp(y *xsum) int {
	if !x.dec && !y.dec {
		return fixed.Cmp(x.n, y.n)
	}
	return x.value().Cmp(y.value())
}

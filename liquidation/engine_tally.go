package liquidation

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// tally is one of the fitter's running sums (debt under auction, per
// market, notional in the throttle window): in the fixed-point kernel
// while it fits, in decimal from the first addition that does not. Its
// value is the decimal running sum's in coefficient and exponent (an
// addition's exponent is the smaller of its terms', in both), so room and
// the errors that print it read the same (TestFitterTallyIsTheDecimalSum).
type tally struct {
	n    fixed.Num
	d    decimal.Decimal // the value when !fits; when src, the decimal n was read from
	fits bool
	src  bool
}

// tallyOf starts a tally at d.
func tallyOf(d decimal.Decimal) tally {
	n, ok := fixed.FromDecimal(d)
	return tally{n: n, d: d, fits: ok, src: true}
}

// add returns t + d (decimal's Add).
func (t tally) add(d decimal.Decimal) tally {
	if t.fits {
		if y, ok := fixed.FromDecimal(d); ok {
			if s, ok := fixed.Add(t.n, y); ok {
				return tally{n: s, fits: true}
			}
		}
	}
	return tally{d: t.value().Add(d)}
}

// value returns the sum as a decimal: the decimal it started from while
// nothing was added.
func (t tally) value() decimal.Decimal {
	if !t.fits || t.src {
		return t.d
	}
	return dec(t.n)
}

// over reports that tab does not fit the room under the caps of market
// (room, capped) — capped && tab > room — in the kernel when every figure
// fits it, else from room in decimal.
func (f *fitter) over(market string, tab decimal.Decimal) bool {
	cfg := f.e.cfg
	global := cfg.GlobalCap.Sign() > 0
	hole, capped := cfg.MarketCaps[market]
	if !global && !capped {
		return false
	}
	md := f.marketDirt(market)
	t, ok1 := fixed.FromDecimal(tab)
	g, ok2 := fixed.FromDecimal(cfg.GlobalCap)
	h, ok3 := fixed.FromDecimal(hole)
	if f.dirt.fits && md.fits && ok1 && ok2 && ok3 {
		var room fixed.Num
		ok := true
		if global {
			room, ok = fixed.Sub(g, f.dirt.n)
		}
		if capped && ok {
			var r fixed.Num
			if r, ok = fixed.Sub(h, md.n); ok && (!global || fixed.Cmp(r, room) < 0) {
				room = r
			}
		}
		if ok {
			if room.Sign() < 0 {
				room = fixed.Num{}
			}
			return fixed.Cmp(t, room) > 0
		}
	}
	room, _ := f.room(market)
	return tab.GreaterThan(room)
}

package margin

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Pure valuation of one position at one mark price. No I/O, no prices
// fetched here: the callers pass the mark.

// posValue is the valuation of one position.
type posValue struct {
	tier        int
	notional    decimal.Decimal // rounded up at scale for Inverse
	pnl         decimal.Decimal // rounded down
	initial     decimal.Decimal // rounded up
	maintenance decimal.Decimal // rounded up
	above       bool            // notional above the last tier cap: last tier continued
}

// notionalFrac returns the notional of |size| contracts valued at price p
// as n / d (d = 1 for Linear), so tiers are found without dividing.
func (m *market) notionalFrac(absSize, p decimal.Decimal) (n, d decimal.Decimal) {
	q := absSize
	if !m.csIsOne {
		q = q.Mul(m.cs)
	}
	if m.kind == Linear {
		return q.Mul(p), decOne
	}
	return q, p
}

// requirement returns the tier, maintenance and initial requirement of
// |size| contracts valued at p, rounded up at scale.
//
//	Linear:  v = |q|·c·p,   MM = v·r − cum,          IM = v·imr (or v / lev)
//	Inverse: v = |q|·c / p, MM = (|q|·c·r − cum·p)/p, IM = |q|·c·imr / p
//
// lev, when non-zero, raises the initial requirement to at least v / lev.
// Above the last cap the last tier is continued and above is set.
func (m *market) requirement(absSize, p, lev decimal.Decimal, scale int32) (tierIdx int, above bool, mm, im decimal.Decimal) {
	n, d := m.notionalFrac(absSize, p)
	linear := m.kind == Linear
	tierIdx, above = m.sched.index(n, d, linear)
	t := &m.sched.tiers[tierIdx]
	if linear {
		mm = roundCeil(n.Mul(t.mmr).Sub(t.cum), scale)
	} else {
		mm = num.Div(n.Mul(t.mmr).Sub(t.cum.Mul(d)), d, scale, num.Ceil)
	}
	im = t.initial(n, d, scale)
	if !lev.IsZero() {
		if byLev := divCeil(n, d.Mul(lev), scale); byLev.Cmp(im) > 0 {
			im = byLev
		}
	}
	return tierIdx, above, mm, im
}

// pnl returns the unrealised PnL of size contracts entered at e, marked at
// p, rounded down at scale.
//
//	Linear:  q·c·(p − e)
//	Inverse: q·c·(1/e − 1/p) = q·c·(p − e) / (e·p)
func (m *market) pnl(size, e, p decimal.Decimal, scale int32) decimal.Decimal {
	x := size
	if !m.csIsOne {
		x = x.Mul(m.cs)
	}
	x = x.Mul(p.Sub(e))
	if m.kind == Linear {
		return roundFloor(x, scale)
	}
	return num.Div(x, e.Mul(p), scale, num.Floor)
}

// value values one position at mark p. With EntryValue basis both
// requirements are valued at the entry price (Bybit, BitMEX).
func (m *market) value(pos *Position, p decimal.Decimal, scale int32) posValue {
	basis := p
	if m.basis == EntryValue {
		basis = pos.EntryPrice
	}
	abs := pos.Size.Abs()
	tierIdx, above, mm, im := m.requirement(abs, basis, pos.Leverage, scale)
	n, d := m.notionalFrac(abs, p)
	v := posValue{tier: tierIdx, above: above, maintenance: mm, initial: im, pnl: m.pnl(pos.Size, pos.EntryPrice, p, scale)}
	v.notional = divCeil(n, d, scale)
	return v
}

package margin

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// A fast path for the hot loop (account summaries): linear positions whose
// numbers fit in int64 mantissas are valued with exact integer arithmetic
// in the library's one fixed-point kernel (internal/fixed: every product
// and sum is overflow-checked), and fall back to the decimal path on any
// overflow. Only margin's business logic (tier choice, which price values
// the notional, the leverage floor) lives here. It rounds exactly like the decimal path;
// TestFastPathMatchesDecimal checks that on random inputs.

// fastTier is a tier in kernel form.
type fastTier struct {
	cap, mmr, cum fixed.Num
	imr           fixed.Num
	lev           fixed.Num // used when useLev
	useLev        bool
}

// buildFast converts a market's tiers; ok is false when any does not fit.
func buildFast(m *market) ([]fastTier, bool) {
	out := make([]fastTier, len(m.sched.tiers))
	for i, t := range m.sched.tiers {
		var ft fastTier
		var ok1, ok2, ok3, ok4 bool
		ft.cap, ok1 = fixed.FromDecimal(t.cap)
		ft.mmr, ok2 = fixed.FromDecimal(t.mmr)
		ft.cum, ok3 = fixed.FromDecimal(t.cum)
		if t.lev.IsZero() {
			ft.imr, ok4 = fixed.FromDecimal(t.imr)
		} else {
			ft.lev, ok4 = fixed.FromDecimal(t.lev)
			ft.useLev = true
		}
		if !(ok1 && ok2 && ok3 && ok4) {
			return nil, false
		}
		out[i] = ft
	}
	return out, true
}

// fastValue is posValue in kernel form.
type fastValue struct {
	tier                         int
	above                        bool // above the last cap: last tier continued
	notional, pnl, initial, mmnt fixed.Num
}

// value materialises the decimals.
func (v fastValue) value() posValue {
	return posValue{tier: v.tier, above: v.above, notional: v.notional.Decimal(), pnl: v.pnl.Decimal(), initial: v.initial.Decimal(), maintenance: v.mmnt.Decimal()}
}

// valueFast values a linear position exactly as market.value does, or
// reports ok = false to send it to the decimal path.
func (m *market) valueFast(pos *Position, mark decimal.Decimal, scale int32) (fastValue, bool) {
	if m.fast == nil {
		return fastValue{}, false
	}
	q, ok1 := fixed.FromDecimal(pos.Size)
	e, ok2 := fixed.FromDecimal(pos.EntryPrice)
	p, ok3 := fixed.FromDecimal(mark)
	if !(ok1 && ok2 && ok3) {
		return fastValue{}, false
	}
	var lev fixed.Num
	if !pos.Leverage.IsZero() {
		var ok bool
		if lev, ok = fixed.FromDecimal(pos.Leverage); !ok {
			return fastValue{}, false
		}
	}
	return m.valueFx(q, e, p, lev, scale)
}

// valueFx is valueFast on numbers already in the kernel (size q, entry e,
// mark p, leverage lev: zero for none). Prepared accounts call it directly.
func (m *market) valueFx(q, e, p, lev fixed.Num, scale int32) (fastValue, bool) {
	if m.fast == nil {
		return fastValue{}, false
	}
	qc := q
	var ok bool
	if !m.csIsOne {
		if qc, ok = fixed.Mul(q, m.csFx); !ok {
			return fastValue{}, false
		}
	}
	absQc := qc
	if absQc.M < 0 {
		if absQc, ok = fixed.Neg(qc); !ok {
			return fastValue{}, false
		}
	}
	vp := p
	if m.basis == EntryValue {
		vp = e
	}
	n, ok := fixed.Mul(absQc, vp)
	if !ok {
		return fastValue{}, false
	}
	last := len(m.fast) - 1
	idx := -1
	for i := range m.fast {
		c := fixed.Cmp(n, m.fast[i].cap)
		if c < 0 || (c == 0 && (m.sched.rule == Marginal || i == last)) { // as Schedule.index
			idx = i
			break
		}
	}
	var v fastValue
	if idx < 0 { // above the last cap: the last tier, continued (fail closed)
		idx, v.above = last, true
	}
	t := &m.fast[idx]
	v.tier = idx
	mm, ok := fixed.Mul(n, t.mmr)
	if !ok {
		return fastValue{}, false
	}
	if mm, ok = fixed.Sub(mm, t.cum); !ok {
		return fastValue{}, false
	}
	if v.mmnt, ok = fixed.Round(mm, scale, num.Ceil); !ok {
		return fastValue{}, false
	}
	if t.useLev {
		if v.initial, ok = fixed.Div(n, t.lev, scale, num.Ceil); !ok {
			return fastValue{}, false
		}
	} else if v.initial, ok = fixed.MulRound(n, t.imr, scale, num.Ceil); !ok {
		return fastValue{}, false
	}
	if lev.M != 0 {
		byLev, ok := fixed.Div(n, lev, scale, num.Ceil)
		if !ok {
			return fastValue{}, false
		}
		if fixed.Cmp(byLev, v.initial) > 0 {
			v.initial = byLev
		}
	}
	diff, ok := fixed.Sub(p, e)
	if !ok {
		return fastValue{}, false
	}
	if v.pnl, ok = fixed.MulRound(qc, diff, scale, num.Floor); !ok {
		return fastValue{}, false
	}
	// Notional at the mark, as the decimal path reports it.
	if m.basis == EntryValue {
		if n, ok = fixed.Mul(absQc, p); !ok {
			return fastValue{}, false
		}
	}
	if v.notional, ok = fixed.Round(n, scale, num.Ceil); !ok {
		return fastValue{}, false
	}
	return v, true
}

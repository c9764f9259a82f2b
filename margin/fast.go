package margin

import (
	"math"
	"math/bits"

	"github.com/shopspring/decimal"
)

// A fast path for the hot loop (account summaries): linear positions whose
// numbers fit in int64 mantissas are valued with exact integer arithmetic
// (every product and sum is overflow-checked), and fall back to the
// decimal path on any overflow. It rounds exactly like the decimal path;
// TestFastPathMatchesDecimal checks that on random inputs.

// fx is m × 10^e.
type fx struct {
	m int64
	e int32
}

var pow10 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < 19; i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

func toFx(d decimal.Decimal) (fx, bool) {
	if d.NumDigits() > 18 {
		return fx{}, false
	}
	return fx{m: d.CoefficientInt64(), e: d.Exponent()}, true
}

func (a fx) dec() decimal.Decimal {
	if a.m == 0 {
		return decimal.Zero // no allocation
	}
	return decimal.New(a.m, a.e)
}

func abs64(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// mulInt multiplies two int64 with overflow detection.
func mulInt(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, false
	}
	r := int64(lo)
	if (a < 0) != (b < 0) {
		r = -r
	}
	return r, true
}

func addInt(a, b int64) (int64, bool) {
	s := a + b
	if (a > 0 && b > 0 && s < 0) || (a < 0 && b < 0 && s >= 0) {
		return 0, false
	}
	return s, true
}

func (a fx) mul(b fx) (fx, bool) {
	m, ok := mulInt(a.m, b.m)
	return fx{m: m, e: a.e + b.e}, ok
}

// rescale returns a at exponent e ≤ a.e.
func (a fx) rescale(e int32) (fx, bool) {
	k := a.e - e
	if k == 0 || a.m == 0 {
		return fx{m: a.m, e: e}, true
	}
	if k < 0 || k > 18 {
		return fx{}, false
	}
	m, ok := mulInt(a.m, pow10[k])
	return fx{m: m, e: e}, ok
}

func align(a, b fx) (fx, fx, bool) {
	switch {
	case a.e == b.e:
		return a, b, true
	case a.e > b.e:
		a2, ok := a.rescale(b.e)
		return a2, b, ok
	default:
		b2, ok := b.rescale(a.e)
		return a, b2, ok
	}
}

func (a fx) add(b fx) (fx, bool) {
	a, b, ok := align(a, b)
	if !ok {
		return fx{}, false
	}
	m, ok := addInt(a.m, b.m)
	return fx{m: m, e: a.e}, ok
}

func (a fx) sub(b fx) (fx, bool) {
	if b.m == math.MinInt64 {
		return fx{}, false
	}
	return a.add(fx{m: -b.m, e: b.e})
}

func (a fx) cmp(b fx) (int, bool) {
	a, b, ok := align(a, b)
	if !ok {
		return 0, false
	}
	switch {
	case a.m < b.m:
		return -1, true
	case a.m > b.m:
		return 1, true
	}
	return 0, true
}

// round rounds a to scale places, up (ceil) or down (floor).
func (a fx) round(scale int32, up bool) fx {
	if a.e >= -scale {
		return a
	}
	k := -scale - a.e
	if k > 18 { // |a| < 1 unit of the scale
		switch {
		case a.m > 0 && up:
			return fx{m: 1, e: -scale}
		case a.m < 0 && !up:
			return fx{m: -1, e: -scale}
		}
		return fx{m: 0, e: -scale}
	}
	p := pow10[k]
	q, r := a.m/p, a.m%p
	if up && r > 0 {
		q++
	} else if !up && r < 0 {
		q--
	}
	return fx{m: q, e: -scale}
}

// divCeil returns a / b rounded up at scale places (b > 0).
func (a fx) divCeil(b fx, scale int32) (fx, bool) {
	if b.m <= 0 {
		return fx{}, false
	}
	// a / b = (a.m / b.m) × 10^(a.e − b.e); result mantissa at 10^−scale is
	// a.m × 10^(a.e − b.e + scale) / b.m.
	k := a.e - b.e + scale
	num, den := a.m, b.m
	var ok bool
	switch {
	case k > 18 || k < -18:
		return fx{}, false
	case k > 0:
		if num, ok = mulInt(num, pow10[k]); !ok {
			return fx{}, false
		}
	case k < 0:
		if den, ok = mulInt(den, pow10[-k]); !ok {
			return fx{}, false
		}
	}
	q, r := num/den, num%den
	if r > 0 {
		q++
	}
	return fx{m: q, e: -scale}, true
}

// fastTier is a tier in fx form.
type fastTier struct {
	cap, mmr, cum fx
	imr           fx
	lev           fx // used when useLev
	useLev        bool
}

// buildFast converts a market's tiers; ok is false when any does not fit.
func buildFast(m *market) ([]fastTier, bool) {
	out := make([]fastTier, len(m.sched.tiers))
	for i, t := range m.sched.tiers {
		var ft fastTier
		var ok1, ok2, ok3, ok4 bool
		ft.cap, ok1 = toFx(t.cap)
		ft.mmr, ok2 = toFx(t.mmr)
		ft.cum, ok3 = toFx(t.cum)
		if t.lev.IsZero() {
			ft.imr, ok4 = toFx(t.imr)
		} else {
			ft.lev, ok4 = toFx(t.lev)
			ft.useLev = true
		}
		if !(ok1 && ok2 && ok3 && ok4) {
			return nil, false
		}
		out[i] = ft
	}
	return out, true
}

// fastValue is posValue in fx form.
type fastValue struct {
	tier                         int
	above                        bool // above the last cap: last tier continued
	notional, pnl, initial, mmnt fx
}

// value materialises the decimals.
func (v fastValue) value() posValue {
	return posValue{tier: v.tier, above: v.above, notional: v.notional.dec(), pnl: v.pnl.dec(), initial: v.initial.dec(), maintenance: v.mmnt.dec()}
}

// valueFast values a linear position exactly as market.value does, or
// reports ok = false to send it to the decimal path.
func (m *market) valueFast(pos *Position, mark decimal.Decimal, scale int32) (fastValue, bool) {
	if m.fast == nil {
		return fastValue{}, false
	}
	q, ok1 := toFx(pos.Size)
	e, ok2 := toFx(pos.EntryPrice)
	p, ok3 := toFx(mark)
	if !(ok1 && ok2 && ok3) {
		return fastValue{}, false
	}
	qc := q
	var ok bool
	if !m.csIsOne {
		if qc, ok = q.mul(m.csFx); !ok {
			return fastValue{}, false
		}
	}
	absQc := fx{m: qc.m, e: qc.e}
	if absQc.m < 0 {
		absQc.m = -absQc.m
	}
	vp := p
	if m.basis == EntryValue {
		vp = e
	}
	n, ok := absQc.mul(vp)
	if !ok {
		return fastValue{}, false
	}
	last := len(m.fast) - 1
	idx := -1
	for i := range m.fast {
		c, ok := n.cmp(m.fast[i].cap)
		if !ok {
			return fastValue{}, false
		}
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
	mm, ok := n.mul(t.mmr)
	if !ok {
		return fastValue{}, false
	}
	if mm, ok = mm.sub(t.cum); !ok {
		return fastValue{}, false
	}
	v.mmnt = mm.round(scale, true)
	if t.useLev {
		if v.initial, ok = n.divCeil(t.lev, scale); !ok {
			return fastValue{}, false
		}
	} else {
		im, ok := n.mul(t.imr)
		if !ok {
			return fastValue{}, false
		}
		v.initial = im.round(scale, true)
	}
	if !pos.Leverage.IsZero() {
		lev, ok := toFx(pos.Leverage)
		if !ok {
			return fastValue{}, false
		}
		byLev, ok := n.divCeil(lev, scale)
		if !ok {
			return fastValue{}, false
		}
		if c, ok := byLev.cmp(v.initial); !ok {
			return fastValue{}, false
		} else if c > 0 {
			v.initial = byLev
		}
	}
	diff, ok := p.sub(e)
	if !ok {
		return fastValue{}, false
	}
	pnl, ok := qc.mul(diff)
	if !ok {
		return fastValue{}, false
	}
	v.pnl = pnl.round(scale, false)
	// Notional at the mark, as the decimal path reports it.
	if m.basis == EntryValue {
		if n, ok = absQc.mul(p); !ok {
			return fastValue{}, false
		}
	}
	v.notional = n.round(scale, true)
	return v, true
}

package liquidation

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// The plan's per-account figures (size, health, tab, lot, bonus) in the
// library's fixed-point kernel, with the decimal code of engine_plan.go as
// the fallback whenever a value or a step does not fit: the same products,
// quotients and roundings, at the same scales, so every figure is the
// decimal code's in coefficient and exponent
// (TestPlanFiguresKernelIsTheDecimalPath).

// kv is one figure in the kernel; a figure that is a host or settings
// value unchanged keeps that decimal (src), so it is handed back as is.
type kv struct {
	n   fixed.Num
	src decimal.Decimal
	has bool
}

// kvs reads decimals into the kernel; ok turns false at the first that
// does not fit, or at the first kernel step that fails (step).
type kvs struct{ ok bool }

func (k *kvs) of(d decimal.Decimal) kv {
	n, ok := fixed.FromDecimal(d)
	k.ok = k.ok && ok
	return kv{n: n, src: d, has: true}
}

func (k *kvs) step(n fixed.Num, ok bool) fixed.Num {
	k.ok = k.ok && ok
	return n
}

// dec returns the figure as a decimal: its source when unchanged.
func (v kv) dec() decimal.Decimal {
	if v.has {
		return v.src
	}
	return dec(v.n)
}

// minKV is num.MinOf: a when a ≤ b.
func minKV(a, b kv) kv {
	if fixed.Cmp(a.n, b.n) <= 0 {
		return a
	}
	return b
}

// sizeNum is Engine.size in the kernel; ok is false when it must be
// computed in decimal.
func (e *Engine) sizeNum(eq, mm, debt, coll, reduce decimal.Decimal, smallLeg bool) (decimal.Decimal, bool) {
	cfg := e.cfg
	k := kvs{ok: true}
	E, M, D, C, R := k.of(eq), k.of(mm), k.of(debt), k.of(coll), k.of(reduce)
	th, cost, fch, sp := k.of(cfg.TargetHealth), k.of(cfg.cost), k.of(cfg.FullCloseHealth), k.of(cfg.SmallPosition)
	cf, dust := k.of(cfg.CloseFactor), k.of(cfg.Dust)
	if !k.ok {
		return decimal.Decimal{}, false
	}
	if D.n.Sign() <= 0 {
		return decimal.Zero, true
	}
	tm := k.step(fixed.Mul(th.n, M.n))
	den := k.step(fixed.Sub(tm, k.step(fixed.Mul(cost.n, D.n))))
	x := D
	if k.ok && den.Sign() > 0 {
		q := k.step(fixed.MulDivRound(D.n, k.step(fixed.Sub(tm, E.n)), den, cfg.DebtScale, num.Ceil))
		x = minKV(D, kv{n: q})
	}
	full := smallLeg || fixed.Cmp(E.n, k.step(fixed.Mul(fch.n, M.n))) <= 0 ||
		(sp.n.Sign() > 0 && (fixed.Cmp(D.n, sp.n) < 0 || fixed.Cmp(C.n, sp.n) < 0))
	if !full {
		x = minKV(x, kv{n: k.step(roundedProduct(D.n, cf.n, cfg.DebtScale, num.Floor))})
	}
	if fixed.Cmp(x.n, R.n) < 0 {
		x = minKV(R, D)
	}
	if fixed.Cmp(x.n, dust.n) < 0 {
		x = minKV(dust, D)
	}
	if fixed.Cmp(k.step(fixed.Sub(D.n, x.n)), dust.n) < 0 {
		x = D
	}
	if !k.ok {
		return decimal.Decimal{}, false
	}
	return x.dec(), true
}

// healthOf is an order's Health: equity/maintenance rounded down to 18
// places (num.DivFloor), in the kernel when the candidate's sort keys are.
func healthOf(c *candidate) decimal.Decimal {
	if c.mm.Sign() <= 0 {
		return decimal.Zero
	}
	if c.fast {
		if h, ok := fixed.Div(c.eqN, c.mmN, 18, num.Floor); ok {
			return dec(h)
		}
	}
	return num.DivFloor(c.eq, c.mm, 18)
}

// tabOf is xi × chop rounded up to DebtScale (an order's tab).
func (e *Engine) tabOf(xi decimal.Decimal) decimal.Decimal {
	return mulRound(xi, e.cfg.chop, e.cfg.DebtScale, num.Ceil)
}

// bonusOf is xi × LiquidatorBonus rounded down to DebtScale.
func (e *Engine) bonusOf(xi decimal.Decimal) decimal.Decimal {
	return mulRound(xi, e.cfg.LiquidatorBonus, e.cfg.DebtScale, num.Floor)
}

// roundedProduct is a × b rounded to scale places in direction r (Floor
// or Ceil) at exponent −scale, as decimal's RoundFloor and RoundCeil
// leave it: a product with fewer places is padded with zeros to scale
// (fixed.MulRoundWide returns it unchanged).
func roundedProduct(a, b fixed.Num, scale int32, r num.Rounding) (fixed.Num, bool) {
	p, ok := fixed.MulRoundWide(a, b, scale, r)
	if ok && int64(p.E) > -int64(scale) {
		return fixed.Rescale(p, -scale)
	}
	return p, ok
}

// mulRound is num.MulRound(a, b, scale, r) for r Floor or Ceil, in the
// kernel when it fits.
func mulRound(a, b decimal.Decimal, scale int32, r num.Rounding) decimal.Decimal {
	if x, ok := fixed.FromDecimal(a); ok {
		if y, ok := fixed.FromDecimal(b); ok {
			if p, ok := roundedProduct(x, y, scale, r); ok {
				return dec(p)
			}
		}
	}
	return num.MulRound(a, b, scale, r)
}

// lotOf is the lot of closing xi of leg l: size × xi / debt rounded down
// to LotScale (Maker dink).
func (e *Engine) lotOf(l Position, xi decimal.Decimal) decimal.Decimal {
	k := kvs{ok: true}
	s, x, d := k.of(l.Size), k.of(xi), k.of(l.Debt)
	if k.ok {
		if lot, ok := fixed.MulDivRound(s.n, x.n, d.n, e.cfg.LotScale, num.Floor); ok {
			return dec(lot)
		}
	}
	return num.DivFloor(l.Size.Mul(xi), l.Debt, e.cfg.LotScale)
}

// subOf is a − b, in the kernel when it fits.
func subOf(a, b decimal.Decimal) decimal.Decimal {
	k := kvs{ok: true}
	x, y := k.of(a), k.of(b)
	if k.ok {
		if s, ok := fixed.Sub(x.n, y.n); ok {
			return dec(s)
		}
	}
	return a.Sub(b)
}

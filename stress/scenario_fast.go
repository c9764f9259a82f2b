package stress

import (
	"math"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// The per-tick decimal steps of the generators go through the library's
// fixed-point kernel (internal/fixed) when their operands fit 18 digits,
// and fall back to exact decimal arithmetic otherwise; both give the same
// result.

// mulNum returns p × m rounded half-even to scale places.
func mulNum(p decimal.Decimal, m fixed.Num, scale int32) decimal.Decimal {
	if a, ok := fixed.FromDecimal(p); ok {
		if r, ok := fixed.MulRoundWide(a, m, scale, num.HalfEven); ok {
			return r.Decimal()
		}
	}
	return num.MulRound(p, decimal.New(m.M, m.E), scale, num.HalfEven)
}

// mulBP returns p × (10,000 + bp) / 10,000 rounded half-even to scale
// places: p moved by bp basis points.
func mulBP(p decimal.Decimal, bp int64, scale int32) decimal.Decimal {
	return mulNum(p, fixed.Num{M: 10_000 + bp, E: -4}, scale)
}

// mulDec returns p × f rounded half-even to scale places.
func mulDec(p, f decimal.Decimal, scale int32) decimal.Decimal {
	if m, ok := fixed.FromDecimal(f); ok {
		return mulNum(p, m, scale)
	}
	return num.MulRound(p, f, scale, num.HalfEven)
}

// moveBP returns |p − last| × 10,000 / last rounded down, capped at
// 1,000,000 (a move of 10,000%); last > 0.
func moveBP(p, last decimal.Decimal) int64 {
	const capBP = 1_000_000
	if a, ok := fixed.FromDecimal(p); ok {
		if b, ok := fixed.FromDecimal(last); ok {
			if d, ok := fixed.Sub(a, b); ok && d.M != math.MinInt64 {
				if d.M < 0 {
					d.M = -d.M
				}
				if q, ok := fixed.Div(fixed.Num{M: d.M, E: d.E + 4}, b, 0, num.Floor); ok {
					return min(q.M, capBP)
				}
			}
		}
	}
	m := num.DivFloor(p.Sub(last).Abs().Mul(decimal.New(10_000, 0)), last, 0)
	if m.GreaterThan(decimal.New(capBP, 0)) {
		return capBP
	}
	return m.IntPart()
}

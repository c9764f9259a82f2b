package num

import "github.com/shopspring/decimal"

// Rounding names the direction in which a result is rounded to its scale.
type Rounding int

const (
	// Floor rounds toward negative infinity. Use it for every amount the
	// venue credits or pays: collateral values, payouts, auction proceeds.
	Floor Rounding = iota
	// Ceil rounds toward positive infinity. Use it for every amount the venue
	// requires or is owed: margin requirements, debts, fees, penalties.
	Ceil
	// Trunc rounds toward zero.
	Trunc
	// HalfEven rounds to the nearest value, ties to the even last digit
	// (banker's rounding). Use it only for neutral figures that favour no
	// side, such as a reference price.
	HalfEven
)

// String returns the rounding's name.
func (r Rounding) String() string {
	switch r {
	case Floor:
		return "floor"
	case Ceil:
		return "ceil"
	case Trunc:
		return "trunc"
	case HalfEven:
		return "half-even"
	}
	return "unknown"
}

// Div returns a / b rounded to scale decimal places in direction r.
//
// The result is exact before the one rounding step: Div(1, 3, 2, Ceil) is
// 0.34 and Div(-1, 3, 2, Floor) is -0.34. b must not be zero: callers
// validate host input before dividing, so a zero divisor is a programming
// error and panics like integer division does.
func Div(a, b decimal.Decimal, scale int32, r Rounding) decimal.Decimal {
	if b.Sign() == 0 {
		panic("num: division by zero")
	}
	q, rem := a.QuoRem(b, scale)
	if rem.Sign() == 0 {
		return q
	}
	unit := decimal.New(1, -scale)
	negative := (a.Sign() < 0) != (b.Sign() < 0)
	switch r {
	case Floor:
		if negative {
			q = q.Sub(unit)
		}
	case Ceil:
		if !negative {
			q = q.Add(unit)
		}
	case HalfEven:
		// rem/b is the fraction of one unit that was cut off: compare twice
		// its magnitude with one whole unit.
		c := rem.Abs().Mul(decimal.NewFromInt(2)).Cmp(b.Abs().Mul(unit))
		odd := !q.Shift(scale).Mod(decimal.NewFromInt(2)).IsZero()
		if c > 0 || (c == 0 && odd) {
			if negative {
				q = q.Sub(unit)
			} else {
				q = q.Add(unit)
			}
		}
	}
	return q
}

// DivFloor is Div(a, b, scale, Floor): the venue pays or credits the result.
func DivFloor(a, b decimal.Decimal, scale int32) decimal.Decimal {
	return Div(a, b, scale, Floor)
}

// DivCeil is Div(a, b, scale, Ceil): the venue requires or is owed the result.
func DivCeil(a, b decimal.Decimal, scale int32) decimal.Decimal {
	return Div(a, b, scale, Ceil)
}

// Round returns d rounded to scale decimal places in direction r. A value
// that already has at most scale places is returned unchanged.
func Round(d decimal.Decimal, scale int32, r Rounding) decimal.Decimal {
	switch r {
	case Floor:
		return d.RoundFloor(scale)
	case Ceil:
		return d.RoundCeil(scale)
	case Trunc:
		return d.Truncate(scale)
	default:
		return d.RoundBank(scale)
	}
}

// MulRound returns a × b rounded to scale decimal places in direction r.
// The product itself is exact; only the final step rounds.
func MulRound(a, b decimal.Decimal, scale int32, r Rounding) decimal.Decimal {
	return Round(a.Mul(b), scale, r)
}

// MinOf returns the smaller of a and b.
func MinOf(a, b decimal.Decimal) decimal.Decimal {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}

// MaxOf returns the larger of a and b.
func MaxOf(a, b decimal.Decimal) decimal.Decimal {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

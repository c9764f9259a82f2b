package breaker

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// sqrtFloor returns √x rounded down (toward zero) to places decimal
// places, exactly: the integer square root of ⌊x × 10^(2·places)⌋ (which
// has the same integer root as x × 10^(2·places) itself), shifted back.
// x ≥ 0; places ≥ 0 and bounded by the caller.
func sqrtFloor(x decimal.Decimal, places int32) decimal.Decimal {
	if x.Sign() <= 0 {
		return decimal.Zero
	}
	n := x.Shift(2 * places).Truncate(0).BigInt()
	return decimal.NewFromBigInt(new(big.Int).Sqrt(n), -places)
}

// sigPlaces returns the decimal places that keep sig significant figures
// of d (> 0), clamped to [0, maxPlaces].
func sigPlaces(d decimal.Decimal, sig, maxPlaces int32) int32 {
	lead := d.Exponent() + int32(d.NumDigits()) - 1 // 10^lead ≤ |d| < 10^(lead+1)
	return max(0, min(sig-1-lead, maxPlaces))
}

// clampDec returns d limited to [lo, hi] (lo ≤ hi).
func clampDec(d, lo, hi decimal.Decimal) decimal.Decimal {
	if d.Cmp(lo) < 0 {
		return lo
	}
	if d.Cmp(hi) > 0 {
		return hi
	}
	return d
}

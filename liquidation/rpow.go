package liquidation

import (
	"math/big"

	"github.com/shopspring/decimal"
)

// RayPlaces is the precision of curve factors: 27 decimal places, MakerDAO's
// RAY (dss abaci.sol, `uint256 constant RAY = 10 ** 27`).
const RayPlaces = 27

var (
	ray     = new(big.Int).Exp(big.NewInt(10), big.NewInt(RayPlaces), nil)
	halfRay = new(big.Int).Rsh(ray, 1)
)

// Rpow returns x^n for a factor x given in RAY units (x × 10^27 as an
// integer), also in RAY units, by exponentiation by squaring.
//
// It follows dss abaci.sol `rpow(x, n, RAY)` step for step: every product of
// two RAY numbers is rounded half up to 27 places (`(a·b + RAY/2) / RAY`),
// x^0 = 1 (RAY) and 0^n = 0 for n > 0. With 0 ≤ x ≤ RAY the result lies in
// [0, RAY] and is within about log2(n) units of 10^-27 of the exact power.
// x is not modified.
func Rpow(x *big.Int, n uint64) *big.Int {
	z := new(big.Int)
	if n == 0 {
		return z.Set(ray)
	}
	if x.Sign() == 0 {
		return z
	}
	if n%2 == 0 {
		z.Set(ray)
	} else {
		z.Set(x)
	}
	xx := new(big.Int).Set(x)
	tmp := new(big.Int)
	rem := new(big.Int)
	for n /= 2; n > 0; n /= 2 {
		tmp.Mul(xx, xx)
		tmp.Add(tmp, halfRay)
		xx.QuoRem(tmp, ray, rem)
		if n%2 == 1 {
			tmp.Mul(z, xx)
			tmp.Add(tmp, halfRay)
			z.QuoRem(tmp, ray, rem)
		}
	}
	return z
}

// rayFromDecimal converts d (at most 27 places, 0 ≤ d) to RAY units exactly.
func rayFromDecimal(d decimal.Decimal) *big.Int {
	return d.Shift(RayPlaces).BigInt()
}

// rmulFloor returns top × factor/10^27 rounded down to 27 places
// (dss abaci.sol `rmul`, which truncates).
func rmulFloor(top decimal.Decimal, factor *big.Int) decimal.Decimal {
	return top.Mul(decimal.NewFromBigInt(factor, -RayPlaces)).RoundFloor(RayPlaces)
}

// rayPowers holds x^(2^k) in RAY units for k = 0..63, each the half-up
// rounded square of the previous — exactly the sequence Rpow computes, so
// pow(n) equals Rpow(x, n) bit for bit while skipping the squarings.
type rayPowers [64]*big.Int

func newRayPowers(x *big.Int) *rayPowers {
	var p rayPowers
	p[0] = new(big.Int).Set(x)
	rem := new(big.Int)
	for k := 1; k < len(p); k++ {
		sq := new(big.Int).Mul(p[k-1], p[k-1])
		sq.Add(sq, halfRay)
		p[k], _ = sq.QuoRem(sq, ray, rem)
	}
	return &p
}

// pow returns x^n in RAY units, identical to Rpow(x, n).
func (p *rayPowers) pow(n uint64) *big.Int {
	z := new(big.Int)
	if n == 0 {
		return z.Set(ray)
	}
	if p[0].Sign() == 0 {
		return z
	}
	if n%2 == 1 {
		z.Set(p[0])
	} else {
		z.Set(ray)
	}
	tmp, rem := new(big.Int), new(big.Int)
	for k := 1; n>>uint(k) > 0; k++ {
		if (n>>uint(k))&1 == 1 {
			tmp.Mul(z, p[k])
			tmp.Add(tmp, halfRay)
			z.QuoRem(tmp, ray, rem)
		}
	}
	return z
}

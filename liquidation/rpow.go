package liquidation

import (
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"
)

// rayPlaces is the precision of curve factors: 27 decimal places, MakerDAO's
// RAY (dss abaci.sol, `uint256 constant RAY = 10 ** 27`).
const rayPlaces = 27

var (
	ray     = new(big.Int).Exp(big.NewInt(10), big.NewInt(rayPlaces), nil)
	halfRay = new(big.Int).Rsh(ray, 1)
)

// maxRpowBase is 2^128: dss abaci.sol rpow reverts when the base about to
// be squared has a bit at or above 128 (`if shr(128, x) { revert(0,0) }`).
var maxRpowBase = new(big.Int).Lsh(big.NewInt(1), 128)

// maxRpowWord is 2^256: rpow reverts when z·x overflows a uint256.
var maxRpowWord = new(big.Int).Lsh(big.NewInt(1), 256)

// rpow returns x^n for a factor x given in RAY units (x × 10^27 as an
// integer), also in RAY units, by exponentiation by squaring.
//
// It follows dss abaci.sol `rpow(x, n, RAY)` step for step: every product of
// two RAY numbers is rounded half up to 27 places (`(a·b + RAY/2) / RAY`),
// x^0 = 1 (RAY) and 0^n = 0 for n > 0. With 0 ≤ x ≤ RAY the result lies in
// [0, RAY] and is within about log2(n) units of 10^-27 of the exact power.
// x is not modified.
//
// It refuses (ErrInvalidInput, within microseconds) where Maker's rpow
// reverts, which bounds the work whatever the input: a nil or negative x;
// a base about to be squared that is 2^128 or more; a product z·x (+ RAY/2) of
// 2^256 or more. The loop runs once per bit of n (at most 64 times) on integers
// below 2^256, so no base or exponent can make it hang; a factor x ≤ RAY
// never fails.
func rpow(x *big.Int, n uint64) (*big.Int, error) {
	if x == nil {
		return nil, fmt.Errorf("%w: rpow: nil base", ErrInvalidInput)
	}
	if x.Sign() < 0 {
		return nil, fmt.Errorf("%w: rpow: negative base", ErrInvalidInput)
	}
	if x.Cmp(maxRpowWord) >= 0 {
		return nil, fmt.Errorf("%w: rpow: base of %d bits is 2^256 or more", ErrInvalidInput, x.BitLen())
	}
	z := new(big.Int)
	if n == 0 {
		return z.Set(ray), nil
	}
	if x.Sign() == 0 {
		return z, nil
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
		if xx.Cmp(maxRpowBase) >= 0 {
			return nil, fmt.Errorf("%w: rpow: overflow (a square of a base of %d bits)", ErrInvalidInput, xx.BitLen())
		}
		tmp.Mul(xx, xx)
		tmp.Add(tmp, halfRay)
		xx.QuoRem(tmp, ray, rem)
		if n%2 == 1 {
			tmp.Mul(z, xx)
			tmp.Add(tmp, halfRay)
			if tmp.Cmp(maxRpowWord) >= 0 { // rpow: zx overflows, or zxRound does
				return nil, fmt.Errorf("%w: rpow: overflow (a product of %d bits)", ErrInvalidInput, tmp.BitLen())
			}
			z.QuoRem(tmp, ray, rem)
		}
	}
	return z, nil
}

// rayFromDecimal converts d (at most 27 places, 0 ≤ d) to RAY units exactly.
func rayFromDecimal(d decimal.Decimal) *big.Int {
	return d.Shift(rayPlaces).BigInt()
}

// rmulFloor returns top × factor/10^27 rounded down to 27 places
// (dss abaci.sol `rmul`, which truncates).
func rmulFloor(top decimal.Decimal, factor *big.Int) decimal.Decimal {
	return top.Mul(decimal.NewFromBigInt(factor, -rayPlaces)).RoundFloor(rayPlaces)
}

// rayPowers holds x^(2^k) in RAY units for k = 0..63, each the half-up
// rounded square of the previous — exactly the sequence rpow computes, so
// pow(n) equals rpow(x, n) bit for bit while skipping the squarings.
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

// pow returns x^n in RAY units, identical to rpow(x, n).
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

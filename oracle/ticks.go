package oracle

import (
	"fmt"
	"math/big"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Geometric TWAP from Uniswap v3 cumulative ticks (issue 16 item 7).
//
// A v3 pool accumulates tickCumulative += tick × seconds (Oracle.sol
// transform); OracleLibrary.consult turns two of them into the arithmetic
// mean tick over secondsAgo, and the price at a tick is 1.0001^tick
// (TickMath.sol: "the price at tick i is 1.0001^i", ticks within
// [MIN_TICK, MAX_TICK] = [−887272, 887272]). The mean of ticks is the
// log of the geometric mean of prices, hence "geometric TWAP".

// The tick range of TickMath.sol (MIN_TICK, MAX_TICK).
const (
	MinTick = -887272
	MaxTick = 887272
)

// int56 bounds: tickCumulative is an int56 in Oracle.sol.
const (
	minInt56 = -(int64(1) << 55)
	maxInt56 = int64(1)<<55 - 1
)

// ConsultTick is OracleLibrary.consult's arithmetic mean tick:
// tickCumulativesDelta = tickCumulatives[1] − tickCumulatives[0] (int56
// arithmetic, wrapping as Solidity 0.7 does), divided by secondsAgo and
// "always round[ed] to negative infinity": one is subtracted when the
// delta is negative and not a multiple of secondsAgo. tickCumulatives[0]
// is the older observation (secondsAgo ago), [1] the newer (now), as
// IUniswapV3Pool.observe([secondsAgo, 0]) returns them.
//
// Differences, all fail closed: secondsAgo 0 is ErrInvalidInput (consult
// reverts 'BP'); a cumulative outside int56 is ErrInvalidInput; a mean
// outside [MinTick, MaxTick] is ErrInvalidInput where consult's int24 cast
// would silently truncate it (OracleLibrary.spec.ts "across overflow
// boundaries" returns 24 that way).
func ConsultTick(secondsAgo uint32, tickCumulatives [2]int64) (int32, error) {
	if secondsAgo == 0 {
		return 0, fmt.Errorf("%w: secondsAgo 0 (OracleLibrary.consult: BP)", ErrInvalidInput)
	}
	for _, c := range tickCumulatives {
		if c < minInt56 || c > maxInt56 {
			return 0, fmt.Errorf("%w: tick cumulative %d outside int56", ErrInvalidInput, c)
		}
	}
	// int56 subtraction with wrap-around: compute in int64, then fold into
	// [−2^55, 2^55).
	delta := tickCumulatives[1] - tickCumulatives[0] // |.| < 2^56: no int64 overflow
	if delta > maxInt56 {
		delta -= 1 << 56
	} else if delta < minInt56 {
		delta += 1 << 56
	}
	s := int64(secondsAgo)
	mean := delta / s // Go, like Solidity, truncates toward zero
	if delta < 0 && delta%s != 0 {
		mean--
	}
	if mean < MinTick || mean > MaxTick {
		return 0, fmt.Errorf("%w: mean tick %d outside [%d, %d] (the cumulatives wrapped or are inconsistent)", ErrInvalidInput, mean, MinTick, MaxTick)
	}
	return int32(mean), nil
}

// TickPrice returns 1.0001^tick rounded half-even to scale places (0 to
// num.MaxScale), computed in integers: exactly when |tick| ≤ 64, else by
// directed-rounding interval arithmetic whose bounds are refined until
// both round to the same decimal, so the answer is always the exact
// value's rounding (a tick > 0 has the exact value 10001^tick / 10^(4·tick),
// never a tie at fewer places; a tick < 0 never terminates). No float64.
// TickMath's getSqrtRatioAtTick is a rounded Q64.96 approximation of the
// square root; this is the exact price it approximates.
func TickPrice(tick int32, scale int32) (decimal.Decimal, error) {
	if tick < MinTick || tick > MaxTick {
		return decimal.Zero, fmt.Errorf("%w: tick %d outside [%d, %d]", ErrInvalidInput, tick, MinTick, MaxTick)
	}
	if scale < 0 || scale > num.MaxScale {
		return decimal.Zero, fmt.Errorf("%w: scale %d outside [0, %d]", ErrInvalidInput, scale, num.MaxScale)
	}
	return tickPow(int64(tick), scale, num.HalfEven), nil
}

var (
	big10000 = big.NewInt(10000)
	big10001 = big.NewInt(10001)
)

// tickPow returns 1.0001^t rounded to scale places in direction r, for
// |t| ≤ 2 × MaxTick and 0 ≤ scale ≤ 2 × num.MaxScale.
func tickPow(t int64, scale int32, r num.Rounding) decimal.Decimal {
	at := t
	if at < 0 {
		at = -at
	}
	ten := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	if at <= 64 { // exact rational: 10001^t / 10000^t or its inverse
		n := new(big.Int).Exp(big10001, big.NewInt(at), nil)
		d := new(big.Int).Exp(big10000, big.NewInt(at), nil)
		if t < 0 {
			n, d = d, n
		}
		return decimal.NewFromBigInt(roundQuo(new(big.Int).Mul(n, ten), d, r), -scale)
	}
	// Interval arithmetic in binary fixed point with p fraction bits.
	for p := uint(256 + 4*uint(scale)); ; p *= 2 {
		lo, hi := powBounds(at, p)
		if t < 0 { // 1/x: [2^2p / hi, 2^2p / lo]
			one2 := new(big.Int).Lsh(big.NewInt(1), 2*p)
			lo, hi = new(big.Int).Quo(one2, hi), ceilQuo(one2, lo)
		}
		den := new(big.Int).Lsh(big.NewInt(1), p)
		a := roundQuo(new(big.Int).Mul(lo, ten), den, r)
		b := roundQuo(new(big.Int).Mul(hi, ten), den, r)
		if a.Cmp(b) == 0 {
			return decimal.NewFromBigInt(a, -scale)
		}
		if p > 1<<14 { // cannot happen (the value is never on a boundary); fail safe
			return decimal.NewFromBigInt(a, -scale)
		}
	}
}

// powBounds returns integers lo ≤ 1.0001^n × 2^p ≤ hi by square-and-multiply
// with floors for lo and ceilings for hi.
func powBounds(n int64, p uint) (lo, hi *big.Int) {
	one := new(big.Int).Lsh(big.NewInt(1), p)
	bl := new(big.Int).Quo(new(big.Int).Mul(big10001, one), big10000)
	bh := ceilQuo(new(big.Int).Mul(big10001, one), big10000)
	lo, hi = new(big.Int).Set(one), new(big.Int).Set(one)
	for i := 62; i >= 0; i-- {
		lo.Rsh(lo.Mul(lo, lo), p)
		hi = ceilShift(hi.Mul(hi, hi), p)
		if n>>uint(i)&1 == 1 {
			lo.Rsh(lo.Mul(lo, bl), p)
			hi = ceilShift(hi.Mul(hi, bh), p)
		}
	}
	return lo, hi
}

func ceilQuo(a, b *big.Int) *big.Int {
	q, m := new(big.Int).QuoRem(a, b, new(big.Int))
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

func ceilShift(a *big.Int, p uint) *big.Int {
	q := new(big.Int).Rsh(a, p)
	if new(big.Int).Lsh(q, p).Cmp(a) != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// roundQuo returns a/b (a ≥ 0, b > 0) rounded to an integer in direction r.
func roundQuo(a, b *big.Int, r num.Rounding) *big.Int {
	q, m := new(big.Int).QuoRem(a, b, new(big.Int))
	if m.Sign() == 0 {
		return q
	}
	up := false
	switch r {
	case num.Ceil:
		up = true
	case num.HalfEven:
		switch c := new(big.Int).Lsh(m, 1).Cmp(b); {
		case c > 0:
			up = true
		case c == 0:
			up = q.Bit(0) == 1
		}
	}
	if up {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// ManipulationSettings describe a TWAP manipulation to price.
type ManipulationSettings struct {
	// Move is the relative move of the geometric TWAP to buy: 0.05 raises
	// it 5%, −0.05 lowers it 5%. Required: non-zero, > −1, ≤ 100.
	Move decimal.Decimal
	// Window is the TWAP's window (consult's secondsAgo). Required, whole
	// seconds, ≥ Held.
	Window time.Duration
	// Held is how long the attacker can hold the moved spot price without
	// being arbitraged: one block (12 s on Ethereum) unless it controls
	// consecutive blocks (Uniswap Labs, "Uniswap v3 TWAP Oracles in Proof
	// of Stake", 2022). Required, whole seconds, > 0.
	Held time.Duration
	// Depth is the pool's virtual token1 reserve at the current price,
	// y = L × √P (L the in-range liquidity), in token1 units. For a full-range
	// (v2-like) pool it is the token1 reserve. Required, > 0.
	Depth decimal.Decimal
	// Fee is the pool's swap fee as a fraction (0.003 = 30 bp), [0, 1).
	Fee decimal.Decimal
}

// ManipulationCost is the estimate.
type ManipulationCost struct {
	// MeanTicks is the smallest mean-tick shift that moves the TWAP by Move.
	MeanTicks int64 `json:"meanTicks"`
	// SpotTicks is the spot shift that must be held for Held to shift the
	// mean by MeanTicks over Window.
	SpotTicks int64 `json:"spotTicks"`
	// Feasible is false when SpotTicks exceeds the whole tick range: the
	// move cannot be bought within Window at all (Cost is then zero).
	Feasible bool `json:"feasible"`
	// Cost is a lower bound, in token1 units rounded down to 18 places, of
	// what the attacker loses: the back-run loss Depth × (√r − 1)²/√r plus
	// the fee on the amount pushed in, with r = 1.0001^±SpotTicks.
	Cost decimal.Decimal `json:"cost"`
}

// EstimateManipulationCost prices a manipulation of a Uniswap v3
// geometric TWAP. The model, stated:
//
//  1. The TWAP moves by Move when the mean tick moves by
//     Δ = ⌈log_1.0001(1 + Move)⌉ ticks (up), or the smallest Δ with
//     1.0001^−Δ ≤ 1 + Move (down).
//  2. Holding the spot D ticks away for Held seconds moves the mean over
//     Window by D × Held / Window; consult floors the mean, so up needs
//     D = ⌈Δ × Window / Held⌉ and down needs D × Held / Window > Δ − 1.
//  3. In one liquidity range a constant-product pool (x × y = L², virtual
//     reserves) moved from √P to √P' = √P × √r takes y(√r − 1) token1 in
//     (up) and, arbitraged back, leaves the attacker
//     L(√P' − √P)² / √P' = y (√r − 1)² / √r poorer (the back-run loss,
//     "Oracle Manipulation 101 (Math edition)", defi.sucks 2022; Uniswap
//     v3 whitepaper §6.2 for the range math), plus Fee on the amount pushed
//     in: Fee × y × |√r − 1| (up) or Fee × y × |1/√r − 1| (down).
//
// It ignores liquidity leaving the range (more depth beyond the range makes
// it dearer; less, cheaper: pass the thinnest range's depth to be safe) and
// what the attacker gains elsewhere. Every approximation rounds the cost
// down, so a host refusing pools with Cost below a threshold errs on the
// safe side.
func EstimateManipulationCost(s ManipulationSettings) (ManipulationCost, error) {
	if err := num.Check(s.Move); err != nil || s.Move.IsZero() || s.Move.Cmp(decimal.NewFromInt(-1)) <= 0 || s.Move.GreaterThan(decimal.NewFromInt(100)) {
		return ManipulationCost{}, fmt.Errorf("%w: Move must be non-zero, > −1 and ≤ 100", ErrInvalidInput)
	}
	if s.Held <= 0 || s.Window < s.Held || s.Held%time.Second != 0 || s.Window%time.Second != 0 || s.Window > 1<<32*time.Second {
		return ManipulationCost{}, fmt.Errorf("%w: need whole seconds 0 < Held ≤ Window ≤ 2^32 s", ErrInvalidInput)
	}
	if err := num.CheckPositive(s.Depth); err != nil {
		return ManipulationCost{}, fmt.Errorf("%w: depth: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(s.Fee); err != nil || s.Fee.Cmp(decimal.NewFromInt(1)) >= 0 {
		return ManipulationCost{}, fmt.Errorf("%w: fee must lie in [0, 1)", ErrInvalidInput)
	}
	up := s.Move.Sign() > 0
	target := decimal.NewFromInt(1).Add(s.Move)
	const span = 2 * MaxTick
	// reached reports whether a mean shift of k ticks achieves the move.
	// Compared at 40 places against the outward bound, so a tie within
	// 10^−40 counts as reached (fewer ticks: a lower cost).
	reached := func(k int64) bool {
		if up {
			return tickPow(k, 40, num.Ceil).Cmp(target) >= 0
		}
		return tickPow(-k, 40, num.Floor).Cmp(target) <= 0
	}
	if !reached(span) {
		return ManipulationCost{Feasible: false, Cost: decimal.Zero}, nil
	}
	lo, hi := int64(1), int64(span) // reached(hi), smallest k
	for lo < hi {
		mid := (lo + hi) / 2
		if reached(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	delta := lo
	w, h := int64(s.Window/time.Second), int64(s.Held/time.Second)
	var spot int64
	if up {
		spot = (delta*w + h - 1) / h
	} else {
		spot = (delta-1)*w/h + 1
	}
	res := ManipulationCost{MeanTicks: delta, SpotTicks: spot}
	if spot > span {
		res.Cost = decimal.Zero
		return res, nil
	}
	res.Feasible = true
	// u = √r = 1.0001^(±spot/2): bound it from r with an integer square
	// root, on the side that lowers the cost: f(u) = u − 2 + 1/u grows with
	// u above 1 and shrinks with u below 1. Up, u ≥ 1 and 40 places give
	// it 40 significant digits; down, u ≥ 1.0001^−MaxTick > 10^−39, so 80
	// places keep at least 40.
	var u, inv decimal.Decimal
	if up {
		r := tickPow(spot, 80, num.Floor)
		u = decimal.NewFromBigInt(new(big.Int).Sqrt(r.Coefficient()), -40) // ⌊√(⌊r×10^80⌋)⌋ / 10^40 ≤ √r
		inv = num.Div(decimal.NewFromInt(1), u, 80, num.Floor)
	} else {
		r := tickPow(-spot, 160, num.Ceil)
		s := new(big.Int).Sqrt(r.Coefficient())
		u = decimal.NewFromBigInt(s.Add(s, big.NewInt(1)), -80) // ≥ √r
		inv = num.Div(decimal.NewFromInt(1), u, 80, num.Floor)
	}
	loss := u.Add(inv).Sub(decimal.NewFromInt(2)) // (u − 1)²/u ≥ 0
	if loss.Sign() < 0 {
		loss = decimal.Zero
	}
	var pushed decimal.Decimal
	if up {
		pushed = u.Sub(decimal.NewFromInt(1))
	} else {
		pushed = inv.Sub(decimal.NewFromInt(1))
	}
	if pushed.Sign() < 0 {
		pushed = decimal.Zero
	}
	res.Cost = num.Round(s.Depth.Mul(loss.Add(s.Fee.Mul(pushed))), 18, num.Floor)
	return res, nil
}

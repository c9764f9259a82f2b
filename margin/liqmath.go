package margin

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Pure math of liquidation and bankruptcy prices. Everything is kept as
// exact fractions n/d of decimals until the single final division, which
// rounds to the market's tick in the venue's favour.

// frac is n/d with d > 0, or +∞ when inf is set.
type frac struct {
	n, d decimal.Decimal
	inf  bool
}

var infinity = frac{inf: true}

func mkFrac(n, d decimal.Decimal) frac {
	if d.Sign() < 0 {
		return frac{n: n.Neg(), d: d.Neg()}
	}
	return frac{n: n, d: d}
}

// less reports a < b exactly (cross-multiplication).
func (a frac) less(b frac) bool {
	if a.inf {
		return false
	}
	if b.inf {
		return true
	}
	return a.n.Mul(b.d).Cmp(b.n.Mul(a.d)) < 0
}

// solveInput is one position's liquidation (or bankruptcy) equation.
//
// With P the position's mark, the account's margin balance minus its
// maintenance (cross) or the position's margin balance minus its
// maintenance (isolated) is, on the tier with rate r and amount K,
//
//	Linear:  g(P) = A − Mo + K + q·c·(P − E) − |q|·c·P·r
//	Inverse: g(P) = A − Mo + K + q·c·(1/E − 1/P) − |q|·c·r/P
//
// where A is the equity without this position's PnL, Mo the maintenance of
// the other positions, and K = cum (mark basis), K = −maintenance (entry
// basis, r = 0) or K = 0 with Mo = 0 and r = 0 (bankruptcy). These are the
// Binance USDⓈ-M / COIN-M and Bybit isolated formulas written as one
// equation. g increases with P for a long and decreases for a short on
// every tier, so each tier has one closed-form root.
type solveInput struct {
	kind  Kind
	long  bool
	qc    decimal.Decimal // signed size × contract size
	absQc decimal.Decimal
	entry decimal.Decimal
	base  decimal.Decimal // A − Mo
	// cached by prepare
	c0, c1, c2 decimal.Decimal
}

// prepare caches the tier-independent parts of the equation; call it after
// setting base and before root.
func (in *solveInput) prepare() {
	if in.kind == Linear {
		in.c0 = in.base.Sub(in.qc.Mul(in.entry)) // A − Mo − qcE
		return
	}
	in.c1 = in.qc.Mul(in.entry)              // qcE
	in.c0 = in.base.Mul(in.entry).Add(in.qc) // (A − Mo)·E + qc
	in.c2 = in.absQc.Mul(in.entry)           // |q|c·E
}

// root returns the price where g = 0 on a tier with rate r and amount k,
// treating the tier's formula as valid at every price. +∞ means g < 0 at
// every price (long) or never (short).
func (in *solveInput) root(r, k decimal.Decimal) frac {
	if in.kind == Linear {
		// α + βP = 0,  α = A − Mo + K − qcE,  β = qc − |q|c·r
		alpha := in.c0
		if !k.IsZero() {
			alpha = alpha.Add(k)
		}
		beta := in.qc
		if !r.IsZero() {
			beta = beta.Sub(in.absQc.Mul(r))
		}
		return mkFrac(alpha.Neg(), beta)
	}
	// g·E = α' + β'/P,  α' = (A − Mo + K)·E + qc,  β' = −(qc + |q|c·r)·E
	alpha := in.c0
	if !k.IsZero() {
		alpha = alpha.Add(k.Mul(in.entry))
	}
	if in.long && alpha.Sign() <= 0 || !in.long && alpha.Sign() >= 0 {
		return infinity
	}
	negBeta := in.c1 // −β' = qcE + |q|cE·r
	if !r.IsZero() {
		negBeta = negBeta.Add(in.c2.Mul(r))
	}
	return mkFrac(negBeta, alpha)
}

// acc accumulates the answer over tiers: for a long the supremum of the
// prices where g < 0, for a short the infimum.
type acc struct {
	long bool
	have bool
	best frac
}

// add folds in one tier with price domain [lo, hi] and root.
func (a *acc) add(root, lo, hi frac) {
	var cand frac
	if a.long {
		if !lo.less(root) { // g ≥ 0 on the whole tier
			return
		}
		cand = root
		if hi.less(root) {
			cand = hi
		}
		a.addLongCandidate(cand)
		return
	}
	if !root.less(hi) {
		return
	}
	cand = root
	if root.less(lo) {
		cand = lo
	}
	a.addShortCandidate(cand)
}

// addCandidate keeps the larger price for a long, the smaller for a short.
func (a *acc) addCandidate(cand frac) {
	if a.long {
		a.addLongCandidate(cand)
	} else {
		a.addShortCandidate(cand)
	}
}

func (a *acc) addShortCandidate(cand frac) {
	if !a.have || cand.less(a.best) {
		a.best, a.have = cand, true
	}
}

func (a *acc) addLongCandidate(cand frac) {
	if !a.have || a.best.less(cand) {
		a.best, a.have = cand, true
	}
}

// answer rounds the accumulated price to the tick: up for a long, down for
// a short, so the venue acts no later than at the exact price.
func (a *acc) answer(tick decimal.Decimal) TriggerPrice {
	if !a.have {
		return TriggerPrice{Status: PriceNever, Price: decimal.Zero}
	}
	if a.long {
		if a.best.inf {
			return TriggerPrice{Status: PriceAlways, Price: decimal.Zero}
		}
		if a.best.n.Sign() <= 0 {
			return TriggerPrice{Status: PriceNever, Price: decimal.Zero}
		}
		return TriggerPrice{Status: PriceFound, Price: num.Div(a.best.n, a.best.d.Mul(tick), 0, num.Ceil).Mul(tick)}
	}
	if a.best.inf {
		return TriggerPrice{Status: PriceNever, Price: decimal.Zero}
	}
	if a.best.n.Sign() <= 0 {
		return TriggerPrice{Status: PriceAlways, Price: decimal.Zero}
	}
	p := num.Div(a.best.n, a.best.d.Mul(tick), 0, num.Floor).Mul(tick)
	if p.Sign() <= 0 {
		return TriggerPrice{Status: PriceAlways, Price: decimal.Zero}
	}
	return TriggerPrice{Status: PriceFound, Price: p}
}

// solveTiers scans every tier of a mark-valued schedule: the closed form
// for the tier assumed, kept only where the notional at the root lies in
// that tier (else clamped to the tier's edge, which is where a Step table
// jumps). Scanning all tiers finds the same answer as iterating "assume a
// tier, recompute the tier at the resulting notional" and also terminates
// when a Step table jumps over zero. The last tier extends beyond its cap
// (continued, as Summary margins it: fail closed), so the answer is the
// same price at which Summary turns Liquidatable.
func solveTiers(in *solveInput, s *Schedule, tick decimal.Decimal) TriggerPrice {
	a := acc{long: in.long}
	last := len(s.tiers) - 1
	for i := range s.tiers {
		t := &s.tiers[i]
		var lo, hi frac
		if in.kind == Linear {
			lo, hi = mkFrac(t.floor, in.absQc), mkFrac(t.cap, in.absQc)
			if i == last {
				hi = infinity
			}
		} else {
			lo = mkFrac(in.absQc, t.cap)
			if i == last {
				lo = mkFrac(decimal.Zero, decOne)
			}
			if t.floor.IsZero() {
				hi = infinity
			} else {
				hi = mkFrac(in.absQc, t.floor)
			}
		}
		a.add(in.root(t.mmr, t.cum), lo, hi)
	}
	return a.answer(tick)
}

// solveMarginal solves a mark-valued Marginal schedule. Its maintenance
// is the maximum of the tier pieces v·rₖ − cumₖ at every notional (the
// rates do not decrease and cum follows the recursion; above the last cap
// the last piece continues), so the margin balance minus maintenance is
// the minimum of the per-tier g's, and the triggered set is the union of
// theirs: for a long the answer is the largest per-tier root, for a short
// the smallest, with no domain checks. Same answer as solveTiers
// (TestSolveMarginalMatchesScan), fewer operations.
func solveMarginal(in *solveInput, s *Schedule, tick decimal.Decimal) TriggerPrice {
	a := acc{long: in.long}
	for i := range s.tiers {
		t := &s.tiers[i]
		a.addCandidate(in.root(t.mmr, t.cum))
	}
	return a.answer(tick)
}

// solveFlat solves on a single domain (0, ∞) with rate r = 0 and amount k:
// the entry-valued maintenance (k = −maintenance) or bankruptcy (k = 0).
func solveFlat(in *solveInput, k decimal.Decimal, tick decimal.Decimal) TriggerPrice {
	a := acc{long: in.long}
	a.addCandidate(in.root(decimal.Zero, k))
	return a.answer(tick)
}

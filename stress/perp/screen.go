package perp

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin"
)

// safeRange is a band of marks inside which a trader's account is surely
// above maintenance, so that the per-tick margin scan need not value it:
// [lo, hi], both inclusive, in the fixed-point kernel. It is worked out
// from the account as it was prepared (for) and is void once the account
// changes (t.prep is then another *margin.Prepared, or nil).
//
// For a cross account of one position, size S, entry E, wallet B, equity
// at mark m is B + S × (m − E) and, while the notional |S| × m stays
// below the cap of tier k, maintenance is at most rmax × |S| × m, rmax
// tier k's rate: a tier's requirement is rate × notional − its
// maintenance amount (≥ 0), or rate × notional for step tiers
// (margin/tiers.go), and rates never decrease from tier to tier. Tier k
// is the first whose cap is at least 1.5 × |S| × E (the last if none).
// Equity exceeds that bound by at least one unit of the quote currency
// when
//
//	long:  m ≥ m* = (S × E − B + 1) / (S × (1 − rmax))
//	short: m ≤ m* = (B − 1 + |S| × E) / (|S| × (1 + rmax))
//
// (equity − rmax × |S| × m is increasing in m for a long and decreasing
// for a short, since rmax < 1). The band keeps a further 1% of the mark
// away from m* (lo = m* × 1.01 rounded up, hi = m* / 1.01 rounded down, to
// the cent), so that no rounding of the mark or the requirement inside
// margin can cross it, and stops 1% below the mark where the notional
// reaches tier k's cap (beyond the last tier margin fails closed:
// liquidatable). An isolated position is banded the same way on its own
// margin (B = its Margin) when that margin and the wallet are ≥ 0: the
// position is then above its own maintenance, and the account's cross
// part holds only the wallet. Anything else (a negative isolated margin,
// a cross position carrying margin) gets no band: it is valued every
// tick.
// TestSafeRangeNeverHidesALiquidation checks the band against
// margin.Prepared.Risk on every account of random runs.
type safeRange struct {
	for_   *margin.Prepared
	lo, hi fixed.Num
	ok     bool
}

// markSlack is the relative distance (1%) kept between a band's edge and
// the mark where the bound on maintenance would be reached.
var markSlack = decimal.New(101, -2)

// safe reports whether mark (in the kernel) lies in t's band; the band is
// worked out again after the account changed.
func (v *Venue) safe(t *trader, mark fixed.Num) bool {
	if t.prep == nil {
		return false
	}
	if t.band.for_ != t.prep {
		t.band = v.safeRangeOf(t)
	}
	return t.band.ok && fixed.Cmp(mark, t.band.lo) >= 0 && fixed.Cmp(mark, t.band.hi) <= 0
}

// safeRangeOf works out t's band (see safeRange).
func (v *Venue) safeRangeOf(t *trader) safeRange {
	r := safeRange{for_: t.prep}
	p, ok := t.position()
	if !ok || len(t.acct.Positions) != 1 || p.Size.IsZero() || !p.EntryPrice.IsPositive() {
		return r
	}
	b := t.acct.Wallet // the cash backing the position
	switch {
	case p.Isolated && (p.Margin.IsNegative() || t.acct.Wallet.IsNegative()):
		return r
	case p.Isolated:
		b = p.Margin
	case !p.Margin.IsZero():
		return r
	}
	one := decimal.New(1, 0)
	q := p.Size.Abs()
	// The first tier whose cap leaves the notional room to grow by half
	// from the entry (the last tier if none): up to 1% below that cap,
	// mark ≤ cap / (1.01 × q), every requirement is at most its rate ×
	// notional.
	k := 0
	for k < len(v.tiers)-1 && v.tiers[k].Cap.LessThan(q.Mul(p.EntryPrice).Mul(decimal.New(15, -1))) {
		k++
	}
	rmax := v.tiers[k].MaintenanceRate
	hi := num.DivFloor(v.tiers[k].Cap, q.Mul(markSlack), 2)
	lo := decimal.Zero
	if p.Size.IsPositive() {
		star := num.DivCeil(q.Mul(p.EntryPrice).Sub(b).Add(one), q.Mul(one.Sub(rmax)), 8)
		lo = num.Round(star.Mul(markSlack), 2, num.Ceil)
		if lo.IsNegative() {
			lo = decimal.Zero
		}
	} else {
		star := num.DivFloor(b.Sub(one).Add(q.Mul(p.EntryPrice)), q.Mul(one.Add(rmax)), 8)
		hi = num.MinOf(hi, num.DivFloor(star, markSlack, 2))
	}
	if !hi.IsPositive() || hi.LessThan(lo) {
		return r
	}
	var okLo, okHi bool
	r.lo, okLo = fixed.FromDecimal(lo)
	r.hi, okHi = fixed.FromDecimal(hi)
	r.ok = okLo && okHi
	return r
}

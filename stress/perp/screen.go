package perp

import (
	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// safeRange is a band of marks inside which a trader's account is surely
// above maintenance, so that the per-tick margin scan need not value it:
// [lo, hi], both inclusive, in the fixed-point kernel. It is worked out
// from the account as it is and is void once the account changes
// (trader.changed clears it).
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
// for a short, since rmax < 1). The venue uses rmax = tier k's rate / the
// margin-call protocol's warning ratio (0.7), rounded up: inside the band
// the margin ratio, maintenance / equity, is surely under the warning
// level, so the account needs neither a margin check nor a margin call
// (no band when that rmax reaches 1). The band keeps a further 1% of the mark
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
	lo, hi fixed.Num
	ok     bool // the band is not empty
	valid  bool // worked out from the account as it is (changed clears it)
}

// safe reports whether mark (in the kernel) lies in t's band; the band is
// worked out again after the account changed. An account in its band
// drops its preparation: only the accounts the scan values keep one.
func (v *Venue) safe(t *trader, mark fixed.Num) bool {
	if !t.band.valid {
		t.band = v.safeRangeOf(t)
	}
	in := t.band.ok && fixed.Cmp(mark, t.band.lo) >= 0 && fixed.Cmp(mark, t.band.hi) <= 0
	if in {
		t.prep = nil
	}
	return in
}

// safeRangeOf works out t's band (see safeRange) in the fixed-point
// kernel; an account whose figures do not fit it gets no band (it is
// valued every tick).
func (v *Venue) safeRangeOf(t *trader) safeRange {
	r := safeRange{valid: true}
	if !t.open || t.size.M == 0 || t.entry.Sign() <= 0 {
		return r
	}
	b := t.wallet // the cash backing the position
	switch {
	case t.isolated && (t.margin.Sign() < 0 || t.wallet.Sign() < 0):
		return r
	case t.isolated:
		b = t.margin
	case t.margin.Sign() != 0:
		return r
	}
	r.lo, r.hi, r.ok = v.safeBand(t.size.Sign() > 0, fixed.Num{M: abs(t.size.M), E: t.size.E}, t.entry, b)
	return r
}

// safeBand returns [lo, hi] for a position of q > 0 contracts (long or short)
// entered at entry and backed by cash b (see safeRange); ok is false when
// the band is empty or a step does not fit the kernel. The slack is
// 1.01: lo = m* × 1.01 rounded up, hi = m* / 1.01 rounded down.
func (v *Venue) safeBand(long bool, q, entry, b fixed.Num) (lo, hi fixed.Num, ok bool) {
	one, slack := fixed.Num{M: 1}, fixed.Num{M: 101, E: -2}
	notional, ok := fixed.Mul(q, entry)
	if !ok || len(v.tierCaps) == 0 {
		return lo, hi, false
	}
	// The first tier whose cap leaves the notional room to grow by half
	// from the entry (the last tier if none): up to 1% below that cap,
	// mark ≤ cap / (1.01 × q), every requirement is at most its rate ×
	// notional.
	grown, ok := fixed.Mul(notional, fixed.Num{M: 15, E: -1})
	if !ok {
		return lo, hi, false
	}
	k := 0
	for k < len(v.tierCaps)-1 && fixed.Cmp(v.tierCaps[k], grown) < 0 {
		k++
	}
	rmax := v.tierRates[k]
	if fixed.Cmp(rmax, one) >= 0 {
		return lo, hi, false
	}
	qs, ok := fixed.Mul(q, slack)
	if !ok {
		return lo, hi, false
	}
	if hi, ok = fixed.Div(v.tierCaps[k], qs, 2, num.Floor); !ok {
		return lo, hi, false
	}
	lo = fixed.Num{E: -2}
	if long {
		// m* = (q × E − b + 1) / (q × (1 − rmax)), lo = m* × 1.01 up.
		n, ok1 := fixed.Sub(notional, b)
		n, ok2 := fixed.Add(n, one)
		keep, ok3 := fixed.Sub(one, rmax)
		d, ok4 := fixed.Mul(q, keep)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return lo, hi, false
		}
		star, ok := fixed.Div(n, d, 8, num.Ceil)
		if ok {
			star, ok = fixed.MulRound(star, slack, 2, num.Ceil)
		}
		if !ok {
			return lo, hi, false
		}
		if star.Sign() > 0 {
			lo = star
		}
	} else {
		// m* = (b − 1 + q × E) / (q × (1 + rmax)), hi = m* / 1.01 down.
		n, ok1 := fixed.Sub(b, one)
		n, ok2 := fixed.Add(n, notional)
		up, ok3 := fixed.Add(one, rmax)
		d, ok4 := fixed.Mul(q, up)
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return lo, hi, false
		}
		star, ok := fixed.Div(n, d, 8, num.Floor)
		if ok {
			star, ok = fixed.Div(star, slack, 2, num.Floor)
		}
		if !ok {
			return lo, hi, false
		}
		if fixed.Cmp(star, hi) < 0 {
			hi = star
		}
	}
	if hi.Sign() <= 0 || fixed.Cmp(hi, lo) < 0 {
		return lo, hi, false
	}
	return lo, hi, true
}

// abs returns |x| for the coefficient of a decimal that fits the kernel
// (never math.MinInt64: FromDecimal takes at most 18 digits).
func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

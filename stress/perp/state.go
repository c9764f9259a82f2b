package perp

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// settled reports whether the venue's queues are empty: no auction
// running, no loss waiting for the waterfall, and nobody found below
// maintenance by the last step's scan.
func (v *Venue) settled() bool {
	return len(v.house.Active()) == 0 && len(v.holes) == 0 && v.stats.below == 0
}

// done reports whether the run may stop at now: the queues are empty
// (settled) and a fresh margin scan of every account with a position,
// auctions included, finds nobody below maintenance.
func (v *Venue) done(now time.Time) (bool, error) {
	if !v.settled() {
		return false, nil
	}
	n, err := v.liquidatable(now)
	return n == 0, err
}

// fundBalance returns the insurance fund's balance.
func (v *Venue) fundBalance() decimal.Decimal {
	b, _ := v.fund.Balance(Fund)
	return b
}

// openInterest returns Σ |size| of the traders' longs.
func (v *Venue) openInterest() decimal.Decimal {
	oi := decimal.Zero
	for i := range v.traders {
		if s := v.traders[i].sizeDec(); s.IsPositive() {
			oi = oi.Add(s)
		}
	}
	return oi
}

// total is the value of every ledger entry: traders, keepers, the market
// maker, the fee pool and the insurance fund. Because Σ sizes = 0 (which
// conserved checks first) it does not depend on the price it is valued at:
// Σ size × mark cancels, so each entry is summed without it — a trader as
// Wallet + Margin − hole − uncovered − Size × Entry, a book as Cash − Cost
// — which is exactly holdings(mark).Total() at any mark, for fewer decimal
// operations (zero terms skipped) on every tick's check.
func (v *Venue) total() decimal.Decimal {
	sum := v.fees.Add(v.fundBalance())
	for i := range v.traders {
		t := &v.traders[i]
		sum = sum.Add(t.wallet.Decimal())
		if t.hole.M != 0 {
			sum = sum.Sub(t.hole.Decimal())
		}
		if t.uncovered.M != 0 {
			sum = sum.Sub(t.uncovered.Decimal())
		}
		if t.open {
			if t.margin.M != 0 {
				sum = sum.Add(t.margin.Decimal())
			}
			sum = sum.Sub(t.size.Decimal().Mul(t.entry.Decimal()))
		}
	}
	sum = sum.Add(v.mm.cash).Sub(v.mm.cost)
	for i := range v.keepers {
		sum = sum.Add(v.keepers[i].cash).Sub(v.keepers[i].cost)
	}
	return sum
}

// holdings values every ledger entry at mark.
func (v *Venue) holdings(mark decimal.Decimal) Holdings {
	h := Holdings{MarketMaker: v.mm.value(mark), FeePool: v.fees, Fund: v.fundBalance()}
	for i := range v.traders {
		h.Traders = h.Traders.Add(v.traders[i].value(mark))
	}
	for i := range v.keepers {
		h.Keepers = h.Keepers.Add(v.keepers[i].value(mark))
	}
	return h
}

// liquidatable counts the accounts below maintenance at now, with or
// without a running auction.
func (v *Venue) liquidatable(now time.Time) (int, error) {
	marks, err := v.calc.Marks(now)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range v.traders {
		t := &v.traders[i]
		if !t.open {
			continue
		}
		p := t.prep // the scan's preparation if it kept one; none is kept here (memory)
		if p == nil {
			if p, err = v.calc.Prepare(marginView(t)); err != nil {
				return 0, fmt.Errorf("margin %s: %w", t.id(), err)
			}
		}
		r, err := p.Risk(marks)
		if err != nil {
			return 0, err
		}
		if r.Liquidatable() || r.IsolatedLiquidatable() {
			n++
		}
	}
	return n, nil
}

// conserved proves Σ sizes = 0 and that value equals start to the unit.
// Both sums are taken in the fixed-point kernel (sumSizes, totalFixed),
// exact term by term; only when an entry does not fit it, or the sums
// disagree (to word the error), are they taken again with decimals.
func (v *Venue) conserved(start decimal.Decimal) error {
	if s := v.sumSizes(); !s.ok || s.n.M != 0 {
		size := v.mm.size
		for i := range v.traders {
			size = size.Add(v.traders[i].sizeDec())
		}
		for i := range v.keepers {
			size = size.Add(v.keepers[i].size)
		}
		if !size.IsZero() {
			return fmt.Errorf("the sizes sum to %s, not 0", size)
		}
	}
	want, wantOK := fixed.FromDecimal(start)
	if s := v.totalFixed(); s.equals(want, wantOK) {
		return nil
	}
	if end := v.total(); !end.Equal(start) {
		return fmt.Errorf("value %s at the end, %s at the start (diff %s)", end, start, end.Sub(start))
	}
	return nil
}

// conservedFast is conserved in one pass over the traders' kernel
// figures (traderSums: integer operations, no decimal). It proves the
// same thing to the same unit; when a sum does not fit the kernel or the
// sums disagree, conserved reads everything again and answers.
func (v *Venue) conservedFast(start decimal.Decimal) error {
	if value, size, ok := v.traderSums(); ok {
		sum, sizes := exactSum{n: value, ok: true}, exactSum{n: size, ok: true}
		v.addBooks(&sum, &sizes)
		want, wantOK := fixed.FromDecimal(start)
		if sizes.ok && sizes.n.M == 0 && sum.equals(want, wantOK) {
			return nil
		}
	}
	return v.conserved(start)
}

// sumSizes is Σ sizes (traders, the market maker, keepers) in the
// fixed-point kernel.
func (v *Venue) sumSizes() exactSum {
	s := newExactSum()
	for i := range v.traders {
		s.addNum(v.traders[i].size)
	}
	var value exactSum
	v.addBooks(&value, &s)
	return s
}

// totalFixed is total() in the fixed-point kernel, term for term; not ok
// when some entry does not fit it (total() then answers).
func (v *Venue) totalFixed() exactSum {
	s := newExactSum()
	for i := range v.traders {
		if s.addTrader(&v.traders[i]); !s.ok {
			return s
		}
	}
	var sizes exactSum
	v.addBooks(&s, &sizes)
	return s
}

// addBooks adds every entry but the traders to value (fees, the fund, the
// market maker's and the keepers' cash − cost) and to size (the market
// maker's and the keepers' sizes).
func (v *Venue) addBooks(value, size *exactSum) {
	value.add(v.fees)
	value.add(v.fundBalance())
	value.add(v.mm.cash)
	value.sub(v.mm.cost)
	size.add(v.mm.size)
	for i := range v.keepers {
		k := &v.keepers[i]
		value.add(k.cash)
		value.sub(k.cost)
		size.add(k.size)
	}
}

// check proves the venue's promises: Σ sizes = 0, value equals the start to
// the unit, and every package's own invariants.
func (v *Venue) check(start decimal.Decimal) error {
	if err := v.conserved(start); err != nil {
		return err
	}
	if err := v.engine.CheckInvariants(); err != nil {
		return err
	}
	if err := v.house.CheckInvariants(); err != nil {
		return err
	}
	if err := v.fund.CheckInvariants(); err != nil {
		return err
	}
	if err := v.feed.CheckInvariants(); err != nil {
		return err
	}
	if err := v.band.CheckInvariants(); err != nil {
		return err
	}
	return backstop.CheckInvariants(v.journal, v.allocs...)
}

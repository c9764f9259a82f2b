package stress

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// tally is the streamed aggregate of a set of scenarios' outcomes: counts,
// exact decimal sums and the upper tails of bad debt and of the value
// liquidated. Adding an outcome and merging two tallies are exact and
// commutative, so the tally of a set of scenarios is the same whatever
// order (worker, shard) they were added in.
type tally struct {
	n            int   // scenarios added
	ticks        int64 // Σ Outcome.Ticks
	liquidations int64 // Σ Outcome.Liquidations

	badDebt, liquidated, socialised, uncovered decimal.Decimal // sums

	withBadDebt, exhausted, lossSocialised int // counts of scenarios

	bad, liq tail
}

// newTally returns an empty tally for a run of total scenarios.
func newTally(total int) *tally {
	c := tailCap(total)
	return &tally{bad: tail{cap: c}, liq: tail{cap: c}}
}

// checkOutcome refuses an outcome the statistics cannot aggregate: a
// negative tick or liquidation count, an amount out of range, a negative
// bad debt, value liquidated, socialised or uncovered loss.
func checkOutcome(o Outcome) error {
	if o.Ticks < 0 || o.Liquidations < 0 {
		return fmt.Errorf("%w: outcome has a negative count (ticks %d, liquidations %d)", ErrModel, o.Ticks, o.Liquidations)
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
		sign bool // must be ≥ 0
	}{
		{"bad debt", o.BadDebt, true}, {"liquidated", o.Liquidated, true},
		{"socialised", o.Socialised, true}, {"uncovered", o.Uncovered, true},
		{"fund start", o.FundStart, false}, {"fund end", o.FundEnd, false}, {"fund min", o.FundMin, false},
	} {
		check := num.Check
		if f.sign {
			check = num.CheckNonNegative
		}
		if err := check(f.v); err != nil {
			return fmt.Errorf("%w: outcome's %s: %w", ErrModel, f.name, err)
		}
	}
	return nil
}

// add aggregates the outcome of scenario index; o has passed checkOutcome.
func (t *tally) add(index int, o Outcome) {
	t.n++
	t.ticks += int64(o.Ticks)
	t.liquidations += int64(o.Liquidations)
	t.badDebt = t.badDebt.Add(o.BadDebt)
	t.liquidated = t.liquidated.Add(o.Liquidated)
	t.socialised = t.socialised.Add(o.Socialised)
	t.uncovered = t.uncovered.Add(o.Uncovered)
	if o.BadDebt.Sign() > 0 {
		t.withBadDebt++
	}
	if o.FundExhausted {
		t.exhausted++
	}
	if o.Socialised.Sign() > 0 {
		t.lossSocialised++
	}
	t.bad.add(entry{Index: index, Value: o.BadDebt})
	t.liq.add(entry{Index: index, Value: o.Liquidated})
}

// merge adds every scenario of o (a disjoint set of scenarios of the same
// run) to t.
func (t *tally) merge(o *tally) {
	t.n += o.n
	t.ticks += o.ticks
	t.liquidations += o.liquidations
	t.badDebt = t.badDebt.Add(o.badDebt)
	t.liquidated = t.liquidated.Add(o.liquidated)
	t.socialised = t.socialised.Add(o.socialised)
	t.uncovered = t.uncovered.Add(o.uncovered)
	t.withBadDebt += o.withBadDebt
	t.exhausted += o.exhausted
	t.lossSocialised += o.lossSocialised
	t.bad.merge(&o.bad)
	t.liq.merge(&o.liq)
}

package perp

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/stress"
)

// A model that leaks one unit is caught on the tick the leak happens, not
// at the next full check: after a random tick, one unit (10^-8 … 0.01,
// either sign) appears in or vanishes from one ledger entry — a trader's
// wallet, bad debt, uncovered debt, isolated margin or size (one lot), the
// market maker's cash, a keeper's cost or the fee pool — of an account
// nothing else touched, written straight into the field as a bug would;
// Check must fail with stress.ErrNotConserved on that very tick, and pass
// on every tick before it. The per-tick check sums the ledger's kernel
// figures (traderSums) rather than the full check's decimals, so this is
// the test of that shortcut.
//
// Mutations seen failing: Model.Check proving conservation only on its
// full checks (the conservedFast branch removed); exactSum.addTrader
// leaving out the hole.
func TestOneUnitLeakCaughtOnItsTick(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := drawConfig(t)
		seed := rapid.Int64Range(1, 1<<40).Draw(t, "seed")
		leakAt := rapid.IntRange(1, 100).Draw(t, "leakAt") // the default crash has ≥ 114 ticks
		where := rapid.SampledFrom([]string{"wallet", "hole", "uncovered", "margin", "size", "mm.cash", "keeper.cost", "fees"}).Draw(t, "where")
		unit := decimal.New(int64(rapid.SampledFrom([]int{-1, 1}).Draw(t, "sign")), int32(rapid.IntRange(-8, -2).Draw(t, "exp")))
		gen, err := DefaultCrash(cfg)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := gen.Scenario(stress.SeedFor(seed, 0))
		if err != nil {
			t.Fatal(err)
		}
		m, err := New(cfg, seed)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; ; k++ {
			tick, ok, err := sc.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				t.Fatalf("the run ended after %d ticks, before the leak at %d", k, leakAt)
			}
			if err := m.Step(tick); err != nil {
				t.Fatal(err)
			}
			if k < leakAt {
				if err := m.Check(); err != nil {
					t.Fatalf("tick %d, before the leak: %v", k, err)
				}
				continue
			}
			leak(t, m.v, where, unit)
			if err := m.Check(); !errors.Is(err, stress.ErrNotConserved) {
				t.Fatalf("a leak of %s into %s at tick %d (check %d): Check says %v", unit, where, k, m.checks, err)
			}
			return
		}
	})
}

// leak adds unit to the entry where names (size: one lot) of a trader
// drawn at random, bypassing every method that books a change.
func leak(t *rapid.T, v *Venue, where string, unit decimal.Decimal) {
	tr := &v.traders[rapid.IntRange(0, len(v.traders)-1).Draw(t, "trader")]
	u, _ := fixed.FromDecimal(unit)
	add := func(n *fixed.Num, u fixed.Num) { *n, _ = fixed.Add(*n, u) }
	switch {
	case where == "margin" && tr.open:
		add(&tr.margin, u)
	case where == "size" && tr.open:
		add(&tr.size, fixed.Num{M: int64(unit.Sign()), E: -3})
	case where == "hole":
		add(&tr.hole, u)
	case where == "uncovered":
		add(&tr.uncovered, u)
	case where == "mm.cash":
		v.mm.cash = v.mm.cash.Add(unit)
	case where == "keeper.cost":
		k := &v.keepers[rapid.IntRange(0, len(v.keepers)-1).Draw(t, "keeper")]
		k.cost = k.cost.Add(unit)
	case where == "fees":
		v.fees = v.fees.Add(unit)
	default: // wallet, or a flat trader's margin or size
		add(&tr.wallet, u)
	}
}

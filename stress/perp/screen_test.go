package perp

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/stress"
)

// The margin scan skips an account only when margin itself would find it
// above maintenance: for random venues (margin tables, leverage, books)
// under the default crash, after every tick, every account whose band
// (safeRange) holds the mark is valued with margin.Prepared.Risk and must
// be neither liquidatable nor isolated-liquidatable.
//
// Mutations seen failing: a long's lower edge left at 0; rmax taken as 0;
// an isolated position banded on the wallet instead of its margin. (Taking
// tier 0's rate for every position is not caught: the drawn books hold no
// position big enough to reach a second tier.)
func TestSafeRangeNeverHidesALiquidation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := drawConfig(t)
		seed := rapid.Int64Range(1, 1<<40).Draw(t, "seed")
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
		v := m.v
		for {
			tick, ok, err := sc.Next()
			if err != nil {
				t.Fatal(err)
			}
			if !ok {
				return
			}
			if err := m.Step(tick); err != nil {
				t.Fatal(err)
			}
			mark, err := v.mark(tick.Time)
			if err != nil {
				continue // no price: nothing is scanned
			}
			fx, ok := fixed.FromDecimal(mark)
			if !ok {
				continue
			}
			marks, err := v.calc.Marks(tick.Time)
			if err != nil {
				t.Fatal(err)
			}
			for i := range v.traders {
				tr := &v.traders[i]
				if !tr.open || !v.safe(tr, fx) {
					continue
				}
				p, err := v.calc.Prepare(marginView(tr))
				if err != nil {
					t.Fatal(err)
				}
				r, err := p.Risk(marks)
				if err != nil {
					t.Fatal(err)
				}
				if r.Liquidatable() || r.IsolatedLiquidatable() {
					t.Fatalf("tick %d: %s is liquidatable at %s, inside its band [%s, %s]",
						tick.Seq, tr.id(), mark, tr.band.lo.Decimal(), tr.band.hi.Decimal())
				}
			}
		}
	})
}

// On the default venue the band spares the scan most accounts: the
// screen is not vacuous.
func TestSafeRangeScreensMostAccounts(t *testing.T) {
	gen, err := DefaultCrash(Config{})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := gen.Scenario(1)
	if err != nil {
		t.Fatal(err)
	}
	m, err := New(Config{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	skipped, scanned := 0, 0
	for {
		tick, ok, err := sc.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if err := m.Step(tick); err != nil {
			t.Fatal(err)
		}
		mark, err := m.v.mark(tick.Time)
		if err != nil {
			continue
		}
		fx, _ := fixed.FromDecimal(mark)
		for i := range m.v.traders {
			if tr := &m.v.traders[i]; tr.open {
				if scanned++; m.v.safe(tr, fx) {
					skipped++
				}
			}
		}
	}
	if skipped*2 < scanned {
		t.Fatalf("the band spared %d of %d account-ticks, want most", skipped, scanned)
	}
	t.Logf("the band spared %d of %d account-ticks", skipped, scanned)
}

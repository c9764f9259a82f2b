package lending

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/stress"
)

var _ stress.Model = (*Model)(nil)
var _ stress.Generator = BlackThursday{}

var decCmp = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

// runAll feeds every tick of g's scenario for seed to m, checking after
// each, and returns the number of ticks.
func runAll(t interface {
	Helper()
	Fatal(...any)
	Fatalf(string, ...any)
}, m *Model, g stress.Generator, seed int64) int {
	t.Helper()
	sc, err := g.Scenario(seed)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		tk, ok, err := sc.Next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return n
		}
		if err := m.Step(tk); err != nil {
			t.Fatalf("tick %d: %v", tk.Seq, err)
		}
		if err := m.Check(); err != nil {
			t.Fatalf("tick %d: %v", tk.Seq, err)
		}
		n++
	}
}

// Every mechanism conserves ETH, debt, cash, value and the surplus buffer
// after every tick of seeded random crashes, with oracle wicks and random
// congestion, under random pool parameters; the Outcome agrees with the
// Report. Mutations seen failing it: dropping `b.eth = b.eth.Sub(rec.Lot)`
// in fixedSpread.call (the ETH line, after 53 cases), dropping
// `m.poolCash = m.poolCash.Add(proceeds)` in sellFee (the cash line), and
// dropping `s.losses = s.losses.Add(amount)` in surplus.lose (the surplus
// buffer's line).
func TestPropConservesOnRandomPaths(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		cfg := Config{
			Mechanism:            rapid.SampledFrom(Mechanisms()).Draw(rt, "mechanism"),
			Borrowers:            rapid.IntRange(1, 25).Draw(rt, "borrowers"),
			Keepers:              rapid.IntRange(1, 4).Draw(rt, "keepers"),
			LiquidationThreshold: decimal.New(int64(rapid.IntRange(70, 90).Draw(rt, "threshold")), -2),
			KeeperCapital:        decimal.New(int64(rapid.IntRange(1, 3000).Draw(rt, "capital")), 3),
			NoSurplus:            rapid.Bool().Draw(rt, "no surplus"),
		}
		cfg.LTV = cfg.LiquidationThreshold.Sub(decimal.New(2, -2))
		// Aave's rule threshold × bonus ≤ 1 bounds the bonus; from 1.025
		// the Clipper's penalty on a dust lot pays its incentives.
		maxBonus := min(11500, int(num.DivFloor(decimal.New(1, 4), cfg.LiquidationThreshold, 0).IntPart()))
		cfg.LiquidationBonus = decimal.New(int64(rapid.IntRange(10250, maxBonus).Draw(rt, "bonus")), -4)
		w := walk{Ticks: rapid.IntRange(20, 240).Draw(rt, "ticks"), Step: time.Duration(rapid.IntRange(1, 10).Draw(rt, "step")) * time.Minute,
			Vol: int64(rapid.IntRange(0, 300).Draw(rt, "vol")), Drift: int64(rapid.IntRange(0, 150).Draw(rt, "drift")), Spike: rapid.Bool().Draw(rt, "spike")}
		seed := rapid.Int64().Draw(rt, "seed")
		m, err := New(cfg, seed)
		if err != nil {
			rt.Fatal(err)
		}
		n := runAll(rt, m, w, seed)
		r, err := m.Report()
		if err != nil {
			rt.Fatal(err)
		}
		o := m.Outcome()
		if o.Ticks != n || !o.BadDebt.Equal(r.BadDebt) || o.Liquidations != r.Auctions || !o.Liquidated.Equal(r.DebtClosed.Sub(writtenOff(r))) {
			rt.Fatalf("outcome %+v disagrees with the report (bad debt %s, %d liquidations)", o, r.BadDebt, r.Auctions)
		}
		if o.FundMin.GreaterThan(o.FundStart) || o.FundMin.GreaterThan(o.FundEnd) || o.FundEnd.Sign() < 0 || o.Uncovered.Sign() != 0 {
			rt.Fatalf("fund start %s min %s end %s uncovered %s", o.FundStart, o.FundMin, o.FundEnd, o.Uncovered)
		}
		if o.Socialised.Sign() > 0 && !o.FundExhausted {
			rt.Fatalf("socialised %s with the buffer not exhausted", o.Socialised)
		}
	})
}

// writtenOff is the debt of a report's write-offs (not liquidated).
func writtenOff(r Report) decimal.Decimal {
	s := decimal.Zero
	for _, a := range r.Records {
		if a.WriteOff {
			s = s.Add(a.Debt)
		}
	}
	return s
}

// A model that leaks one unit (10⁻⁸) anywhere fails its Check with
// stress.ErrNotConserved, mid-crash with auctions open.
func TestCheckCatchesALeakOfOneUnit(t *testing.T) {
	unit := decimal.New(1, -Scale)
	leaks := map[string]func(m *Model){
		"a borrower's ETH":       func(m *Model) { m.book[0].eth = m.book[0].eth.Sub(unit) },
		"a borrower's debt":      func(m *Model) { m.book[len(m.book)-1].dai = m.book[len(m.book)-1].dai.Add(unit) },
		"a keeper's DAI":         func(m *Model) { m.keepers[0].cash = m.keepers[0].cash.Add(unit) },
		"the pool's DAI":         func(m *Model) { m.poolCash = m.poolCash.Sub(unit) },
		"ETH sold on the DEX":    func(m *Model) { m.dexETH = m.dexETH.Add(unit) },
		"the surplus buffer":     func(m *Model) { m.fund.income = m.fund.income.Add(unit) },
		"a debt write-down lost": func(m *Model) { m.shortfall = m.shortfall.Add(unit) },
	}
	for _, mech := range Mechanisms() {
		for name, leak := range leaks {
			t.Run(string(mech)+"/"+name, func(t *testing.T) {
				m, err := New(Config{Mechanism: mech, Borrowers: 40}, 3)
				if err != nil {
					t.Fatal(err)
				}
				sc, _ := BlackThursday{}.Scenario(3)
				for i := 0; i < 13*60; i++ { // to 13:00, mid-crash
					tk, _, _ := sc.Next()
					if err := m.Step(tk); err != nil {
						t.Fatal(err)
					}
				}
				if err := m.Check(); err != nil {
					t.Fatalf("before the leak: %v", err)
				}
				leak(m)
				if err := m.Check(); !errors.Is(err, stress.ErrNotConserved) {
					t.Fatalf("leak of one unit: Check = %v, want ErrNotConserved", err)
				}
			})
		}
	}
}

// Same seed, same Outcome and Report; another seed, another book.
func TestDeterministic(t *testing.T) {
	w := walk{Ticks: 300, Step: 5 * time.Minute, Vol: 150, Drift: 40, Spike: true}
	for _, mech := range Mechanisms() {
		run := func(seed int64) (stress.Outcome, Report) {
			m, err := New(Config{Mechanism: mech, Borrowers: 60}, seed)
			if err != nil {
				t.Fatal(err)
			}
			runAll(t, m, w, seed)
			r, err := m.Report()
			if err != nil {
				t.Fatal(err)
			}
			return m.Outcome(), r
		}
		o1, r1 := run(11)
		o2, r2 := run(11)
		if d := cmp.Diff(o1, o2, decCmp); d != "" {
			t.Errorf("%s: same seed, outcomes differ:\n%s", mech, d)
		}
		if d := cmp.Diff(r1, r2, decCmp, cmp.AllowUnexported(AuctionRecord{})); d != "" {
			t.Errorf("%s: same seed, reports differ:\n%s", mech, d)
		}
		o3, _ := run(12)
		if cmp.Equal(o1, o3, decCmp) {
			t.Errorf("%s: seeds 11 and 12 gave the same outcome %+v", mech, o1)
		}
	}
}

// The Black Thursday replay through the harness's interface (Step with
// whole-percent congestion, every tick to 72 h): every mechanism
// liquidates, conserves, and reports its losses through the surplus
// buffer and the debt auction; without a reserve the English auctions lose
// the most and socialise a loss.
func TestBlackThursdayOutcomes(t *testing.T) {
	out := map[Mechanism]stress.Outcome{}
	for _, mech := range Mechanisms() {
		m, err := New(Config{Mechanism: mech, Borrowers: 100}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if n := runAll(t, m, BlackThursday{}, 2); n != 4321 {
			t.Fatalf("%s: %d ticks", mech, n)
		}
		o := m.Outcome()
		if o.Liquidations == 0 || o.Liquidated.Sign() <= 0 || !o.FundStart.Equal(d("500000")) {
			t.Errorf("%s: %+v", mech, o)
		}
		out[mech] = o
	}
	nr := out[EnglishNoReserve]
	if !nr.FundExhausted || nr.Socialised.Sign() <= 0 {
		t.Errorf("English without a reserve: fund exhausted %v, socialised %s", nr.FundExhausted, nr.Socialised)
	}
	for _, mech := range []Mechanism{EnglishReserve, Dutch, FixedSpread} {
		if !nr.BadDebt.GreaterThan(out[mech].BadDebt) {
			t.Errorf("bad debt without a reserve %s not above %s's %s", nr.BadDebt, mech, out[mech].BadDebt)
		}
	}
}

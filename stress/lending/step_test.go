package lending

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/oracle"
	"github.com/failsafe-fi/failsafe/stress"
)

// A bad tick is refused with ErrInvalidTick and changes nothing: the next
// good tick gives what it would have given.
func TestStepRefusesBadTicks(t *testing.T) {
	mk := func() *Model {
		m, err := New(Config{Borrowers: 20}, 5)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			if err := m.Step(stress.Tick{Seq: i, Time: Start.Add(time.Duration(i) * time.Minute), Price: d("194")}); err != nil {
				t.Fatal(err)
			}
		}
		return m
	}
	good := stress.Tick{Seq: 3, Time: Start.Add(3 * time.Minute), Price: d("150"), Congestion: 40}
	bad := map[string]stress.Tick{
		"zero price":         {Seq: 3, Time: good.Time, Price: decimal.Zero},
		"negative price":     {Seq: 3, Time: good.Time, Price: d("-1")},
		"price off the grid": {Seq: 3, Time: good.Time, Price: d("150.000000001")},
		"absurd exponent":    {Seq: 3, Time: good.Time, Price: decimal.New(1, 2000000000)},
		"time repeated":      {Seq: 3, Time: Start.Add(2 * time.Minute), Price: d("150")},
		"time backwards":     {Seq: 3, Time: Start, Price: d("150")},
		"congestion 101":     {Seq: 3, Time: good.Time, Price: d("150"), Congestion: 101},
		"congestion -1":      {Seq: 3, Time: good.Time, Price: d("150"), Congestion: -1},
	}
	want := mk()
	if err := want.Step(good); err != nil {
		t.Fatal(err)
	}
	for name, tk := range bad {
		t.Run(name, func(t *testing.T) {
			m := mk()
			if err := m.Step(tk); !errors.Is(err, ErrInvalidTick) {
				t.Fatalf("Step = %v, want ErrInvalidTick", err)
			}
			if err := m.Step(good); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want.Outcome(), m.Outcome(), decCmp); diff != "" {
				t.Errorf("after a refused tick:\n%s", diff)
			}
		})
	}
	if err := mk().StepBP(good, 10001); !errors.Is(err, ErrInvalidTick) {
		t.Errorf("StepBP 10001 bp: %v", err)
	}
}

// The oracle fails closed: when every quote is stale the OSM is not
// poked, and two hours later the pool stops liquidating at its old price
// (oracle.Delayed's MaxAge) — however far the market falls meanwhile. A
// wick from one source of three does not move the median.
func TestOracleFaults(t *testing.T) {
	m, err := New(Config{Borrowers: 50, Mechanism: EnglishReserve}, 4)
	if err != nil {
		t.Fatal(err)
	}
	price := d("194")
	step := func(i int, quotes []oracle.Quote) {
		t.Helper()
		now := Start.Add(time.Duration(i) * time.Minute)
		if err := m.Step(stress.Tick{Seq: i, Time: now, Price: price, Quotes: quotes}); err != nil {
			t.Fatal(err)
		}
		if err := m.Check(); err != nil {
			t.Fatal(err)
		}
	}
	at := func(i int) time.Time { return Start.Add(time.Duration(i) * time.Minute) }
	for i := 0; i < 60; i++ {
		step(i, []oracle.Quote{{Source: "a", Price: price, Time: at(i)}, {Source: "b", Price: price, Time: at(i)},
			{Source: "c", Price: price.Mul(d("3")), Time: at(i)}}) // c wicks: the median is a and b
	}
	if osm, ok := m.OSM(); !ok || !osm.Equal(price) {
		t.Fatalf("OSM %s (%v), want 194: one wicking source of three must not move the median", osm, ok)
	}
	// From minute 60 every quote is a day old (stale): the market crashes,
	// the oracle sees nothing.
	price = d("60")
	for i := 60; i < 240; i++ {
		old := Start.Add(-24 * time.Hour)
		step(i, []oracle.Quote{{Source: "a", Price: price, Time: old}, {Source: "b", Price: price, Time: old}})
	}
	if _, ok := m.OSM(); ok {
		t.Fatal("the OSM still prices four hours after its last poke")
	}
	if o := m.Outcome(); o.Liquidations != 0 {
		t.Errorf("%d liquidations on a price the pool no longer has", o.Liquidations)
	}
}

// Each fixed-spread liquidation moves exactly what Aave v3.3's
// liquidationCall computes (liquidation.LiquidationCall, LiquidationLogic.sol
// @fd1fbd9) for the borrower as it was, at the oracle price; each absorb
// credits exactly what Comet's absorb computes (liquidation.Absorb).
func TestLiquidationsMatchTheAnchors(t *testing.T) {
	for _, mech := range []Mechanism{FixedSpread, Absorb} {
		t.Run(string(mech), func(t *testing.T) {
			m, err := New(Config{Mechanism: mech, Borrowers: 80}, 6)
			if err != nil {
				t.Fatal(err)
			}
			sc, _ := BlackThursday{}.Scenario(6)
			checked := 0
			for {
				tk, ok, _ := sc.Next()
				if !ok {
					break
				}
				pre := map[string]borrower{}
				for _, b := range m.book {
					pre[b.id] = *b
				}
				n := len(m.records)
				if err := m.Step(tk); err != nil {
					t.Fatal(err)
				}
				perOwner := map[string]int{}
				for id := uint64(n + 1); id <= uint64(len(m.records)); id++ {
					perOwner[m.records[id].Owner]++
				}
				for id := uint64(n + 1); id <= uint64(len(m.records)); id++ {
					rec := m.records[id]
					b := pre[rec.Owner]
					if rec.WriteOff || perOwner[rec.Owner] > 2 || (perOwner[rec.Owner] == 2 && !m.records[id+1].WriteOff) {
						continue // only a borrower's one liquidation of the tick starts from the state before it
					}
					checked++
					if mech == Absorb {
						r, err := liquidation.Absorb(b.dai, decimal.NewFromInt(1), Scale, []liquidation.CompoundCollateral{
							{Amount: b.eth, Price: rec.KickOSM, Decimals: Scale, LiquidationFactor: d("0.95")}})
						if err != nil {
							t.Fatal(err)
						}
						if !rec.Debt.Equal(b.dai) || !rec.Lot.Equal(b.eth) || (rec.Open && !rec.Tab.Equal(b.dai.Add(r.NewBalance))) ||
							!m.byID[rec.Owner].cash.Equal(pre[rec.Owner].cash.Add(r.NewBalance)) {
							t.Fatalf("absorb %d of %s: debt %s lot %s tab %s, Comet credits %s", id, rec.Owner, rec.Debt, rec.Lot, rec.Tab, r.NewBalance)
						}
						continue
					}
					h, err := m.lending.Health(tk.Time, b.account())
					if err != nil {
						t.Fatal(err)
					}
					call := liquidation.AaveLiquidation{DebtToCover: rec.Debt, ReserveDebt: b.dai,
						CollateralBalance: b.eth, TotalDebtBase: b.dai, DebtPrice: decimal.NewFromInt(1), CollateralPrice: rec.KickOSM,
						DebtDecimals: Scale, CollateralDecimals: Scale, HealthFactor: h.Factor, LiquidationBonus: d("1.05"),
						ProtocolFee: d("0.1"), MinBaseMaxCloseFactorThreshold: d("10000")}
					r, err := liquidation.LiquidationCall(call)
					if err == nil && r.Dust {
						// v3.3's dust rule: the liquidator covers the whole debt.
						call.DebtToCover = b.dai
						r, err = liquidation.LiquidationCall(call)
					}
					if err != nil {
						t.Fatal(err)
					}
					if r.Dust || !r.DebtRepaid.Equal(rec.Debt) || !r.CollateralToLiquidator.Add(r.ProtocolFee).Equal(rec.Lot) {
						t.Fatalf("liquidation %d of %s: repaid %s for %s ETH; liquidationCall gives %+v", id, rec.Owner, rec.Debt, rec.Lot, r)
					}
				}
			}
			if checked < 10 {
				t.Fatalf("only %d liquidations checked", checked)
			}
		})
	}
}

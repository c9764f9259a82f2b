package margin

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Regression tests for the margin items of issue 10.

// binanceBTC5M is the Binance BTCUSDT table of binanceBTC ending at a
// 5,000,000 cap, so an 80-BTC short crosses it when the mark rises.
func binanceBTC5M() []Tier {
	t := binanceBTC()
	t[3].Cap = d("5000000")
	return t
}

// Issue 10 item 1 probe: cross short 80 BTC, wallet 100,000, mark 60,000
// → 64,000 (notional 5,120,000 above the 5,000,000 cap; equity 100,000 −
// 80 × 4,000 = −220,000). Summary and Risk used to return ErrAboveLastCap
// with Liquidatable false: the most underwater account escaped
// liquidation. Now the last tier is continued — Binance maintenance
// 5,120,000 × 2.5% − 16,300 (cum₄ = 1,000,000 × 1.5% + 1,300) = 111,700 —
// the position is flagged and the account is liquidatable.
func TestAboveLastCapStaysLiquidatable(t *testing.T) {
	prices := StaticPrices{"BTCUSDT": d("64000")}
	c := newCalc(t, prices, Market{ID: "BTCUSDT", Tiers: binanceBTC5M(), TickSize: d("0.1"), LotSize: d("0.001")})
	a := Account{ID: "probe", Wallet: d("100000"), Positions: []Position{{Market: "BTCUSDT", Size: d("-80"), EntryPrice: d("60000")}}}
	s, err := c.Summary(t0, a)
	if err != nil {
		t.Fatalf("Summary: %v (an account above the last cap must still be valued)", err)
	}
	r, err := c.Risk(t0, a)
	if err != nil {
		t.Fatalf("Risk: %v", err)
	}
	if !s.Equity.Equal(d("-220000")) || !s.Maintenance.Equal(d("111700")) {
		t.Fatalf("equity %s maintenance %s, want −220000 / 111700", s.Equity, s.Maintenance)
	}
	if !s.Liquidatable || !r.Liquidatable {
		t.Fatalf("liquidatable: summary %v, risk %v; want true", s.Liquidatable, r.Liquidatable)
	}
	if !s.MustReduce || !r.MustReduce || !s.Positions[0].AboveLastCap || s.Positions[0].Tier != 3 {
		t.Fatalf("flags: must reduce %v/%v, above cap %v, tier %d", s.MustReduce, r.MustReduce, s.Positions[0].AboveLastCap, s.Positions[0].Tier)
	}
	if err := CheckSummary(a, s); err != nil {
		t.Fatal(err)
	}
	// The same position on the decimal path (contract size off the fast
	// path's reach) gives the same answer.
	c2 := newCalc(t, prices, Market{ID: "BTCUSDT", Tiers: binanceBTC5M(), ContractSize: d("1.0000000000000000001")})
	if s2, err := c2.Risk(t0, a); err != nil || !s2.Liquidatable || !s2.MustReduce {
		t.Fatalf("decimal path: %+v, %v", s2, err)
	}

	// Well funded (wallet 1,000,000 → equity 680,000 ≥ 111,700): not
	// liquidatable, but still must be reduced.
	a.Wallet = d("1000000")
	r, err = c.Risk(t0, a)
	if err != nil || r.Liquidatable || !r.MustReduce {
		t.Fatalf("well funded: %+v, %v; want not liquidatable, must reduce", r, err)
	}
	// Pre-trade: growing the short is refused, reducing it is allowed.
	grow, err := c.CheckOrder(t0, a, Order{Market: "BTCUSDT", Size: d("-0.001")})
	if err != nil || grow.Accepted || grow.Reason != ReasonAboveLastCap {
		t.Fatalf("grow: %v %v, %v; want refused above last cap", grow.Accepted, grow.Reason, err)
	}
	reduce, err := c.CheckOrder(t0, a, Order{Market: "BTCUSDT", Size: d("1")})
	if err != nil || !reduce.Accepted || !reduce.After.MustReduce {
		t.Fatalf("reduce: %v %v, %v; want accepted (still above the cap)", reduce.Accepted, reduce.Reason, err)
	}
	if mx, err := c.MaxOrderSize(t0, a, Order{Market: "BTCUSDT", Size: d("-1")}); err != nil || !mx.IsZero() {
		t.Fatalf("max growth = %s, %v; want 0", mx, err)
	}
	if mx, err := c.MaxOrderSize(t0, a, Order{Market: "BTCUSDT", Size: d("1")}); err != nil || mx.Cmp(d("80")) < 0 {
		t.Fatalf("max reduction = %s, %v; want ≥ 80", mx, err)
	}
}

// Issue 10 item 1, isolated: an isolated position above the cap is
// margined at the continued last tier and flagged.
func TestAboveLastCapIsolated(t *testing.T) {
	c := newCalc(t, StaticPrices{"BTCUSDT": d("64000")}, Market{ID: "BTCUSDT", Tiers: binanceBTC5M()})
	a := Account{Wallet: d("0"), Positions: []Position{{Market: "BTCUSDT", Size: d("-80"), EntryPrice: d("60000"), Isolated: true, Margin: d("400000")}}}
	s, err := c.Summary(t0, a)
	if err != nil {
		t.Fatal(err)
	}
	ps := s.Positions[0]
	// Equity 400,000 − 320,000 = 80,000 < 111,700.
	if !ps.AboveLastCap || !ps.Liquidatable || !s.IsolatedLiquidatable || !s.MustReduce || !ps.Maintenance.Equal(d("111700")) {
		t.Fatalf("isolated above cap: %+v", ps)
	}
	if req, err := c.Requirement("BTCUSDT", d("-80"), d("64000")); err != nil || !req.AboveLastCap || !req.Maintenance.Equal(d("111700")) {
		t.Fatalf("Requirement: %+v, %v", req, err)
	}
}

// Issue 10 item 2 probe: isolated long 1 BTC at 100,000 with 1,000
// margin, wallet 10,000, closed at 50,000. The fill used to take the
// 49,000 beyond the margin from the cross wallet (wallet −39,000). An
// isolated position's loss is capped at its margin (Binance "Cross Margin
// and Isolated Margin Mode"; Bybit "Isolated Margin Mode"): the wallet
// stays 10,000 and 49,000 is reported as a shortfall for the waterfall.
func TestIsolatedLossBeyondMarginIsShortfall(t *testing.T) {
	c := newCalc(t, StaticPrices{"BTCUSDT": d("50000")}, Market{ID: "BTCUSDT", Tiers: binanceBTC()})
	a := Account{Wallet: d("10000"), Positions: []Position{{Market: "BTCUSDT", Size: d("1"), EntryPrice: d("100000"), Isolated: true, Margin: d("1000")}}}
	r, err := c.ApplyFill(a, Order{Market: "BTCUSDT", Size: d("-1")}, d("50000"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Account.Wallet.Equal(d("10000")) || !r.Shortfall.Equal(d("49000")) || !r.Realised.Equal(d("-50000")) || len(r.Account.Positions) != 0 {
		t.Fatalf("wallet %s shortfall %s realised %s; want 10000 / 49000 / −50000", r.Account.Wallet, r.Shortfall, r.Realised)
	}
	// Partial close: half at 50,000 realises −25,000 against 1,000 of
	// margin: 24,000 short, margin exhausted, wallet untouched.
	r, err = c.ApplyFill(a, Order{Market: "BTCUSDT", Size: d("-0.5")}, d("50000"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Account.Wallet.Equal(d("10000")) || !r.Shortfall.Equal(d("24000")) || !r.Position.Margin.IsZero() {
		t.Fatalf("partial: wallet %s shortfall %s margin %s", r.Account.Wallet, r.Shortfall, r.Position.Margin)
	}
	// A cross position's loss is the wallet's, never a shortfall.
	a.Positions[0].Isolated, a.Positions[0].Margin = false, decimal.Zero
	r, err = c.ApplyFill(a, Order{Market: "BTCUSDT", Size: d("-1")}, d("50000"))
	if err != nil || !r.Account.Wallet.Equal(d("-40000")) || !r.Shortfall.IsZero() {
		t.Fatalf("cross: wallet %s shortfall %s, %v", r.Account.Wallet, r.Shortfall, err)
	}
}

// Issue 10 item 8 probes: MaxOrderSize rounded the tier-cap size down to
// whole contracts. Last cap 1,000,000 at 60,000: the true maximum is
// 16.666… (16.666 at a 0.001 lot), not 16; last cap 30,000 at 60,000:
// CheckOrder accepts 0.4 (24,000 notional) and the maximum is 0.5, not 0.
func TestMaxOrderSizeAtLotNotWholeContracts(t *testing.T) {
	for _, tc := range []struct {
		name, cap, want string
	}{
		{"16.666 not 16", "1000000", "16.666"},
		{"0.5 not 0", "30000", "0.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := Market{ID: "BTCUSDT", Tiers: []Tier{{Floor: d("0"), Cap: d(tc.cap), MaintenanceRate: d("0.004"), MaxLeverage: d("125")}}, LotSize: d("0.001")}
			c := newCalc(t, StaticPrices{"BTCUSDT": d("60000")}, m)
			a := Account{Wallet: d("100000000")}
			got, err := c.MaxOrderSize(t0, a, Order{Market: "BTCUSDT", Size: d("1")})
			if err != nil || !got.Equal(d(tc.want)) {
				t.Fatalf("max = %s, %v; want %s", got, err, tc.want)
			}
			if dec, _ := c.CheckOrder(t0, a, Order{Market: "BTCUSDT", Size: d("0.4")}); !dec.Accepted {
				t.Fatalf("0.4 refused: %v", dec.Reason)
			}
			if dec, _ := c.CheckOrder(t0, a, Order{Market: "BTCUSDT", Size: got.Add(m.LotSize)}); dec.Accepted {
				t.Fatalf("max + lot accepted")
			}
		})
	}
}

// Property (issue 10 item 8): MaxOrderSize is the largest accepted size at
// the lot: CheckOrder(max) is accepted (when max > 0) and CheckOrder(max +
// lot) is refused. Mutation tried: flooring the cap size to whole
// contracts again (the old code) fails it within a few cases.
func TestPropMaxOrderSizeIsTight(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lot := rapid.SampledFrom([]decimal.Decimal{d("0.001"), d("0.1"), d("1")}).Draw(t, "lot")
		kind := rapid.SampledFrom([]Kind{Linear, Inverse}).Draw(t, "kind")
		basis := rapid.SampledFrom([]Basis{MarkValue, EntryValue}).Draw(t, "basis")
		lastCap := rapid.SampledFrom([]decimal.Decimal{d("1000"), d("100000"), d("30000000")}).Draw(t, "lastCap")
		if kind == Inverse {
			lastCap = lastCap.Shift(-4)
		}
		m := Market{ID: "X", Kind: kind, Basis: basis, Tiers: genTiers(t, true, lastCap), LotSize: lot, TickSize: d("0.01")}
		mark := testkit.Decimal(100, 100_000, 2).Draw(t, "mark")
		c, err := New(Settings{Markets: []Market{m}, Prices: StaticPrices{"X": mark}})
		if err != nil {
			t.Fatal(err)
		}
		a := Account{Wallet: testkit.Decimal(0, 1_000_000_000, 2).Draw(t, "wallet")}
		if rapid.Bool().Draw(t, "hasPos") {
			size := testkit.Decimal(1, 10_000, 1).Draw(t, "size")
			if rapid.Bool().Draw(t, "short") {
				size = size.Neg()
			}
			a.Positions = []Position{{Market: "X", Size: size, EntryPrice: testkit.Decimal(100, 100_000, 2).Draw(t, "entry")}}
		}
		o := Order{Market: "X", Size: d("1")}
		if rapid.Bool().Draw(t, "sell") {
			o.Size = d("-1")
		}
		if rapid.Bool().Draw(t, "limit") {
			o.Price = mark.Mul(testkit.Decimal(95, 105, 2).Draw(t, "priceFactor"))
		}
		mx, err := c.MaxOrderSize(t0, a, o)
		if err != nil {
			t.Fatal(err)
		}
		sized := func(q decimal.Decimal) Order {
			oo := o
			oo.Size = q
			if o.Size.Sign() < 0 {
				oo.Size = q.Neg()
			}
			return oo
		}
		if mx.Sign() > 0 {
			if dec, err := c.CheckOrder(t0, a, sized(mx)); err != nil || !dec.Accepted {
				t.Fatalf("CheckOrder(max %s) refused: %v %v", mx, dec.Reason, err)
			}
		}
		if dec, err := c.CheckOrder(t0, a, sized(mx.Add(lot))); err != nil || dec.Accepted {
			t.Fatalf("CheckOrder(max %s + lot %s) accepted (%v, %v); account %+v order %+v mark %s tiers %+v", mx, lot, dec.Reason, err, a, o, mark, m.Tiers)
		}
	})
}

// Issue 10 item 10: RiskLimitTiers with steps 1e8 built a hundred million
// tiers (minutes, gigabytes) and steps −1 silently gave one tier. Both are
// refused within milliseconds, as are non-positive or absurd parameters
// and a table longer than MaxTiers.
func TestRiskLimitTiersBounded(t *testing.T) {
	ok := []decimal.Decimal{d("200"), d("150"), d("0.005"), d("0.01")}
	for _, tc := range []struct {
		name  string
		args  []decimal.Decimal
		steps int
	}{
		{"steps 1e8", ok, 100_000_000},
		{"steps -1", ok, -1},
		{"steps MaxTiers", ok, MaxTiers},
		{"zero base", []decimal.Decimal{d("0"), d("150"), d("0.005"), d("0.01")}, 3},
		{"negative step", []decimal.Decimal{d("200"), d("-150"), d("0.005"), d("0.01")}, 3},
		{"absurd rate", []decimal.Decimal{d("200"), d("150"), decimal.New(1, -400), d("0.01")}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			got, err := RiskLimitTiers(tc.args[0], tc.args[1], tc.args[2], tc.args[3], tc.steps)
			if !errors.Is(err, ErrInvalidTiers) || got != nil {
				t.Fatalf("got %d tiers, err %v; want ErrInvalidTiers", len(got), err)
			}
			if el := time.Since(start); el > 50*time.Millisecond {
				t.Fatalf("took %v", el)
			}
		})
	}
	if got, err := RiskLimitTiers(ok[0], ok[1], ok[2], ok[3], MaxTiers-1); err != nil || len(got) != MaxTiers {
		t.Fatalf("largest allowed: %d tiers, %v", len(got), err)
	}
	long := make([]Tier, MaxTiers+1)
	if _, err := NewSchedule(Step, long); !errors.Is(err, ErrInvalidTiers) {
		t.Fatalf("NewSchedule with %d tiers: %v", len(long), err)
	}
}

// Issue 10 item 11: (*Schedule).Cum(5) and Cum(-1) on a short schedule
// panicked (slice index). They are ErrInvalidInput.
func TestScheduleCumOutOfRange(t *testing.T) {
	s, err := NewSchedule(Marginal, bybitTiers())
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{5, 4, -1, math.MinInt, math.MaxInt} {
		if _, err := s.Cum(i); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("Cum(%d): %v, want ErrInvalidInput", i, err)
		}
	}
	if c, err := s.Cum(3); err != nil || !c.Equal(d("30")) {
		t.Errorf("Cum(3) = %s, %v; want 30", c, err)
	}
}

// Property (issue 10 item 1): no account escapes margining because a
// notional is out of its table. With small last caps, random marks push
// positions past them: Summary and Risk never fail, agree, flag exactly
// the positions above their cap (MustReduce ⇔ some AboveLastCap), charge
// at least the last tier's rate on them, and keep every invariant
// (Liquidatable ⇔ maintenance > 0 ∧ equity < maintenance). Mutation tried:
// dropping the above-cap flag in Schedule.index and the fast path fails it
// after one case.
func TestPropAboveCapNeverEscapes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		kind := rapid.SampledFrom([]Kind{Linear, Inverse}).Draw(t, "kind")
		rule := rapid.SampledFrom([]Rule{Marginal, Step}).Draw(t, "rule")
		basis := rapid.SampledFrom([]Basis{MarkValue, EntryValue}).Draw(t, "basis")
		lastCap := testkit.Decimal(1, 1_000_000, 0).Draw(t, "lastCap")
		if kind == Inverse {
			lastCap = lastCap.Shift(-4)
		}
		m := Market{ID: "X", Kind: kind, Rule: rule, Basis: basis, Tiers: genTiers(t, true, lastCap), TickSize: d("0.01")}
		mark := testkit.Decimal(1, 1_000_000, 2).Draw(t, "mark")
		c, err := New(Settings{Markets: []Market{m}, Prices: StaticPrices{"X": mark}})
		if err != nil {
			t.Fatal(err)
		}
		size := testkit.Decimal(1, 1_000_000, 3).Draw(t, "size")
		if rapid.Bool().Draw(t, "short") {
			size = size.Neg()
		}
		pos := Position{Market: "X", Size: size, EntryPrice: testkit.Decimal(1, 1_000_000, 2).Draw(t, "entry")}
		if rapid.Bool().Draw(t, "iso") {
			pos.Isolated, pos.Margin = true, testkit.Decimal(0, 1_000_000, 2).Draw(t, "margin")
		}
		a := Account{Wallet: testkit.Decimal(-1_000_000, 1_000_000, 2).Draw(t, "wallet"), Positions: []Position{pos}}
		s, err := c.Summary(t0, a)
		if err != nil {
			t.Fatalf("Summary: %v", err)
		}
		r, err := c.Risk(t0, a)
		if err != nil {
			t.Fatalf("Risk: %v", err)
		}
		if err := CheckSummary(a, s); err != nil {
			t.Fatal(err)
		}
		if r.Liquidatable != s.Liquidatable || r.MustReduce != s.MustReduce || !r.Maintenance.Equal(s.Maintenance) {
			t.Fatalf("Risk %+v and Summary disagree", r)
		}
		val := mark
		if basis == EntryValue {
			val = pos.EntryPrice
		}
		above := exactNotional(c.markets["X"], size, val).Cmp(c.markets["X"].lastCap.Rat()) > 0
		ps := s.Positions[0]
		if ps.AboveLastCap != above || s.MustReduce != above {
			t.Fatalf("above cap %v, flagged %v / must reduce %v", above, ps.AboveLastCap, s.MustReduce)
		}
		if above {
			if mm, ok := exactMaint(c.markets["X"], size, val); !ok || roundedUp(mm, 8).Cmp(ps.Maintenance.Rat()) != 0 {
				t.Fatalf("maintenance %s, want the continued last tier %s", ps.Maintenance, mm.FloatString(10))
			}
		}
	})
}

// A losing isolated position reduced in part keeps its share of the
// equity: before, the wallet received half the margin left after the
// realised loss, and the half still open was left with less than half the
// equity (here 5 of 20 → bankrupt sooner, the waterfall paying what the
// wallet took). Found by join's sizing property (join_test.go).
func TestIsolatedPartialCloseKeepsEquityShare(t *testing.T) {
	c := newCalc(t, StaticPrices{"X": d("90")}, linearMarket("X"))
	a := Account{Wallet: d("0"), Positions: []Position{{Market: "X", Size: d("2"), EntryPrice: d("100"), Isolated: true, Margin: d("40")}}}
	// Equity at 90: 40 − 20 = 20. Close half at 90.
	r, err := c.ApplyFill(a, Order{Market: "X", Size: d("-1")}, d("90"))
	if err != nil {
		t.Fatal(err)
	}
	// Released: half the equity, 10. Margin 40 − 10 (realised) − 10 = 20;
	// the rest (1 at 100, PnL −10) keeps equity 10, half of 20.
	if !r.Account.Wallet.Equal(d("10")) || !r.Position.Margin.Equal(d("20")) || !r.Shortfall.IsZero() {
		t.Fatalf("wallet %s margin %s shortfall %s; want 10 / 20 / 0", r.Account.Wallet, r.Position.Margin, r.Shortfall)
	}
	// Underwater (equity −20 at 70): nothing is released and the part of
	// the loss beyond the margin is a shortfall, never the wallet's.
	r, err = c.ApplyFill(a, Order{Market: "X", Size: d("-1")}, d("50"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Account.Wallet.IsZero() || !r.Position.Margin.Equal(d("0")) || !r.Shortfall.Equal(d("10")) {
		t.Fatalf("wallet %s margin %s shortfall %s; want 0 / 0 / 10", r.Account.Wallet, r.Position.Margin, r.Shortfall)
	}
}

package margin

import (
	"errors"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// gExact is, exactly in rationals, the margin balance minus maintenance of
// an isolated position at price p (withMaint false: the margin balance
// alone). ok is false when p puts the notional above the last cap.
func gExact(m *market, pos Position, p decimal.Decimal, withMaint bool) (*big.Rat, bool) {
	g := new(big.Rat).Add(pos.Margin.Rat(), exactPnL(m, pos.Size, pos.EntryPrice, p))
	if !withMaint {
		return g, true
	}
	val := p
	if m.basis == EntryValue {
		val = pos.EntryPrice
	}
	mm, ok := exactMaint(m, pos.Size, val)
	if !ok {
		return nil, false
	}
	if m.basis == EntryValue { // the Calculator charges the rounded-up figure
		mm = roundedUp(mm, 8)
	}
	return g.Sub(g, mm), true
}

func roundedUp(x *big.Rat, scale int32) *big.Rat {
	d, _ := decimal.NewFromString(x.FloatString(int(scale) + 2))
	r := d.RoundCeil(scale).Rat()
	for r.Cmp(x) < 0 {
		r.Add(r, decimal.New(1, -scale).Rat())
	}
	return r
}

// Property (isolated, exact rationals): at the computed liquidation price
// the position is not yet liquidatable (margin balance ≥ maintenance) and
// one tick further on the adverse side it is; at the bankruptcy price the
// balance is ≥ 0 and one tick further it is negative. So the price is
// the exact root rounded by less than one tick in the venue's favour.
func TestPropIsolatedLiquidationPriceExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		kind := rapid.SampledFrom([]Kind{Linear, Inverse}).Draw(t, "kind")
		basis := rapid.SampledFrom([]Basis{MarkValue, EntryValue}).Draw(t, "basis")
		cs := rapid.SampledFrom([]decimal.Decimal{d("1"), d("0.01"), d("100")}).Draw(t, "cs")
		tick := rapid.SampledFrom([]decimal.Decimal{d("0.01"), d("0.5"), d("1")}).Draw(t, "tick")
		rule := rapid.SampledFrom([]Rule{Marginal, Step}).Draw(t, "rule")
		mk := Market{ID: "X", Kind: kind, Basis: basis, Rule: rule, ContractSize: cs, Tiers: genTiers(t, true, d("1000000000000")), TickSize: tick}
		entry := testkit.Decimal(1000, 10_000_000, 2).Draw(t, "entry")
		c, err := New(Settings{Markets: []Market{mk}, Prices: StaticPrices{"X": entry}})
		if err != nil {
			t.Fatal(err)
		}
		m := c.markets["X"]
		size := testkit.Decimal(1, 100_000, 3).Draw(t, "size")
		if rapid.Bool().Draw(t, "short") {
			size = size.Neg()
		}
		notional := exactNotional(m, size, entry)
		frac := testkit.Decimal(0, 150, 2).Draw(t, "marginFrac")
		marginD, _ := decimal.NewFromString(new(big.Rat).Mul(notional, frac.Rat()).FloatString(2))
		pos := Position{Market: "X", Size: size, EntryPrice: entry, Isolated: true, Margin: marginD}
		a := Account{Positions: []Position{pos}}
		got, err := c.LiquidationPrices(t0, a, "X")
		if errors.Is(err, ErrAboveLastCap) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		long := size.Sign() > 0
		check := func(what string, tp TriggerPrice, withMaint bool) {
			switch tp.Status {
			case PriceNever:
				// No adverse price may trigger: check the far adverse end.
				far := tick
				if !long {
					far = entry.Mul(d("1000000"))
				}
				if g, ok := gExact(m, pos, far, withMaint); ok && g.Sign() < 0 && (kind == Inverse || long) {
					t.Fatalf("%s: never, but at %s balance − requirement = %s", what, far, g.FloatString(8))
				}
				return
			case PriceAlways:
				if g, ok := gExact(m, pos, entry, withMaint); ok && g.Sign() >= 0 {
					t.Fatalf("%s: always, but at the entry %s it is %s", what, entry, g.FloatString(8))
				}
				return
			}
			p := tp.Price
			if !p.Mod(tick).IsZero() {
				t.Fatalf("%s %s not on the %s tick", what, p, tick)
			}
			// Every price on the safe side of the answer is safe: one tick
			// and a random distance away.
			frac := testkit.Decimal(1, 99, 2).Draw(t, "safeFrac")
			safe := []decimal.Decimal{p.Add(tick), p.Add(p.Mul(frac))}
			if !long {
				safe = []decimal.Decimal{p.Sub(tick), p.Mul(frac)}
			}
			for _, sp := range safe {
				if sp.Sign() <= 0 {
					continue
				}
				if g, ok := gExact(m, pos, sp, withMaint); ok && g.Sign() < 0 {
					t.Fatalf("%s %s: the safe side %s is triggered (%s)", what, p, sp, g.FloatString(8))
				}
			}
			if rule == Step && withMaint && basis == MarkValue {
				// A Step table may trigger by a jump exactly at the price,
				// and a triggered region may be narrower than a tick.
				return
			}
			g, ok := gExact(m, pos, p, withMaint)
			if ok && g.Sign() < 0 {
				t.Fatalf("%s %s: already past the exact root (%s)", what, p, g.FloatString(8))
			}
			beyond := p.Sub(tick)
			if !long {
				beyond = p.Add(tick)
			}
			if beyond.Sign() <= 0 {
				return
			}
			if g2, ok := gExact(m, pos, beyond, withMaint); ok && g2.Sign() >= 0 {
				t.Fatalf("%s %s: one tick further (%s) still not triggered (%s)", what, p, beyond, g2.FloatString(8))
			}
		}
		check("liquidation", got.Liquidation, true)
		check("bankruptcy", got.Bankruptcy, false)
	})
}

// Property (cross, through the Summary): at the computed liquidation price
// the account's equity equals its maintenance within one unit of the money
// scale per rounded term, on the venue's side: not liquidatable at the
// price, liquidatable one tick further; and equity ≥ 0 at the bankruptcy
// price.
func TestPropCrossLiquidationPriceSummary(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, _ := genAccountCalc(t)
		var target *Position
		for i := range a.Positions {
			if !a.Positions[i].Isolated {
				target = &a.Positions[i]
			}
		}
		if target == nil {
			return
		}
		got, err := c.LiquidationPrices(t0, a, target.Market)
		if errors.Is(err, ErrAboveLastCap) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		m := c.markets[target.Market]
		long := target.Size.Sign() > 0
		eps := decimal.New(int64(2*len(a.Positions)+2), -c.scale)
		at := func(p decimal.Decimal) (Summary, bool) {
			s, err := c.summary(a, t0, target.Market, p)
			if errors.Is(err, ErrAboveLastCap) {
				return Summary{}, false
			}
			if err != nil {
				t.Fatal(err)
			}
			return s, true
		}
		for _, tc := range []struct {
			name      string
			tp        TriggerPrice
			withMaint bool
		}{{"liquidation", got.Liquidation, true}, {"bankruptcy", got.Bankruptcy, false}} {
			if !tc.tp.Found() {
				continue
			}
			gap := func(s Summary) decimal.Decimal {
				if tc.withMaint {
					return s.Equity.Sub(s.Maintenance)
				}
				return s.Equity
			}
			p := tc.tp.Price
			// A Step table may trigger by a jump exactly at the price (see
			// the isolated property): only the safe side is checked there.
			jump := tc.withMaint && m.sched.rule == Step && m.basis == MarkValue
			if s, ok := at(p); ok && !jump && gap(s).Cmp(eps.Neg()) < 0 {
				t.Fatalf("%s %s: equity − requirement %s below −%s", tc.name, p, gap(s), eps)
			}
			safe := p.Add(m.tick)
			if !long {
				safe = p.Sub(m.tick)
			}
			if safe.Sign() > 0 {
				if s, ok := at(safe); ok && gap(s).Cmp(eps.Neg()) < 0 {
					t.Fatalf("%s %s: one tick on the safe side equity − requirement is %s", tc.name, p, gap(s))
				}
			}
			beyond := p.Sub(m.tick)
			if !long {
				beyond = p.Add(m.tick)
			}
			if beyond.Sign() <= 0 {
				continue
			}
			if s, ok := at(beyond); ok && gap(s).Cmp(eps) > 0 {
				t.Fatalf("%s %s: one tick further equity − requirement is %s", tc.name, p, gap(s))
			}
		}
	})
}

// Property: a pre-trade check never accepts an order that leaves an
// undercollateralised account riskier (maintenance up, or Maintenance /
// Equity up by cross-multiplication).
func TestPropPreTradeNeverRiskier(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, prices := genAccountCalc(t)
		id, size := drawOrder(t)
		price := decimal.Zero
		if rapid.Bool().Draw(t, "limit") {
			price = prices[id].Mul(testkit.Decimal(90, 110, 2).Draw(t, "priceFactor"))
		}
		dec, err := c.CheckOrder(t0, a, Order{Market: id, Size: size, Price: price, Isolated: rapid.Bool().Draw(t, "iso")})
		if errors.Is(err, ErrAboveLastCap) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !dec.Accepted || dec.After.InitialCollateralised {
			return
		}
		if dec.After.Maintenance.Cmp(dec.Before.Maintenance) > 0 {
			t.Fatalf("accepted with maintenance up %s → %s", dec.Before.Maintenance, dec.After.Maintenance)
		}
		if compareSummaries(dec.After, dec.Before) > 0 {
			t.Fatalf("accepted a riskier undercollateralised state: %s/%s → %s/%s",
				dec.Before.Maintenance, dec.Before.Equity, dec.After.Maintenance, dec.After.Equity)
		}
	})
}

// Property: the health factor never flatters the borrower (rounded down,
// Factor × Debt ≤ liquidation collateral), liquidatable exactly when the
// exact weighted collateral is below the exact debt... up to the venue's
// rounding, and no debt is infinite health.
func TestPropLendingHealth(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lt := testkit.Decimal(1, 95, 2).Draw(t, "lt")
		ltv := testkit.Decimal(0, lt.Shift(2).IntPart(), 2).Draw(t, "ltv")
		l, err := NewLending(LendingSettings{
			Reserves: []Reserve{{Asset: "C", LTV: ltv, LiquidationThreshold: lt, LiquidationBonus: d("1.05")}, {Asset: "D"}},
			Prices:   StaticPrices{"C": testkit.Price().Draw(t, "pc"), "D": testkit.Price().Draw(t, "pd")},
			Scale:    2, HealthScale: 4,
		})
		if err != nil {
			return // threshold × bonus > 1
		}
		acct := LendingAccount{Supplied: []Balance{{"C", testkit.Decimal(0, 1_000_000, 3).Draw(t, "c")}}}
		if rapid.Bool().Draw(t, "debt") {
			acct.Borrowed = []Balance{{"D", testkit.Decimal(0, 1_000_000, 3).Draw(t, "dd")}}
		}
		h, err := l.Health(t0, acct)
		if err != nil {
			t.Fatal(err)
		}
		if err := CheckHealth(h); err != nil {
			t.Fatal(err)
		}
		// Values against exact rationals: collateral down, debt up.
		unit := decimal.New(1, -2).Rat()
		px := func(asset string) decimal.Decimal { v, _ := l.prices.Price(t0, asset); return v }
		for _, b := range acct.Supplied {
			x := new(big.Rat).Mul(b.Amount.Rat(), px(b.Asset).Rat())
			assertDown(t, "collateral", h.Collateral, x, unit)
			assertDown(t, "liquidation collateral", h.LiquidationCollateral, new(big.Rat).Mul(x, lt.Rat()), unit)
		}
		debtX := new(big.Rat)
		for _, b := range acct.Borrowed {
			debtX.Add(debtX, new(big.Rat).Mul(b.Amount.Rat(), px(b.Asset).Rat()))
		}
		assertUp(t, "debt", h.Debt, debtX, unit)
		if h.Debt.IsZero() && !h.Infinite {
			t.Fatal("no debt but finite health")
		}
		if !h.Infinite && !h.Liquidatable && h.Factor.Cmp(decOne) < 0 && h.Debt.Cmp(h.LiquidationCollateral) > 0 {
			t.Fatal("health below 1 with debt above weighted collateral, not liquidatable")
		}
	})
}

// The shortcut for Marginal schedules (extreme per-tier root) equals the
// tier scan with domain checks.
func TestSolveMarginalMatchesScan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lastCap := rapid.SampledFrom([]decimal.Decimal{d("1000000000"), d("100000"), d("1000")}).Draw(t, "lastCap")
		s, err := NewSchedule(Marginal, genTiers(t, true, lastCap))
		if err != nil {
			t.Fatal(err)
		}
		kind := rapid.SampledFrom([]Kind{Linear, Inverse}).Draw(t, "kind")
		qc := testkit.Decimal(1, 10_000_000, 3).Draw(t, "qc")
		long := rapid.Bool().Draw(t, "long")
		if !long {
			qc = qc.Neg()
		}
		in := solveInput{kind: kind, long: long, qc: qc, absQc: qc.Abs(),
			entry: testkit.Decimal(1, 10_000_000, 2).Draw(t, "entry"),
			base:  testkit.Decimal(-1_000_000_000, 1_000_000_000, 2).Draw(t, "base")}
		tick := d("0.01")
		in.prepare()
		a, b := solveMarginal(&in, s, tick), solveTiers(&in, s, tick)
		if a.Status != b.Status || !a.Price.Equal(b.Price) {
			t.Fatalf("shortcut %v, scan %v", a, b)
		}
	})
}

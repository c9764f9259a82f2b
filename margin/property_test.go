package margin

import (
	"errors"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// genTiers draws a tier table. With sorted false the rates come in any
// order, so some tables are invalid and must be refused.
func genTiers(t *rapid.T, sorted bool, lastCap decimal.Decimal) []Tier {
	n := rapid.IntRange(1, 5).Draw(t, "tiers")
	rates := make([]decimal.Decimal, n)
	lo := int64(0) // unsorted tables may draw 0, which NewSchedule refuses
	if sorted {
		lo = 1
	}
	for i := range rates {
		rates[i] = testkit.Decimal(lo, 500, 4).Draw(t, "mmr") // 0–5%
	}
	if sorted {
		for i := 1; i < n; i++ {
			if rates[i].Cmp(rates[i-1]) < 0 {
				rates[i] = rates[i-1]
			}
		}
	}
	out := make([]Tier, n)
	floor := decimal.Zero
	for i := 0; i < n; i++ {
		cp := floor.Add(testkit.Decimal(1, 100_000_000, 2).Draw(t, "width"))
		if i == n-1 && !lastCap.IsZero() && lastCap.Cmp(floor) > 0 {
			cp = lastCap
		}
		out[i] = Tier{Floor: floor, Cap: cp, MaintenanceRate: rates[i], InitialRate: rates[i].Add(d("0.01"))}
		floor = cp
	}
	return out
}

// Property: requirements are non-decreasing in |size| and in price for
// linear contracts, and marginal tiers are continuous at every boundary,
// for every table NewSchedule accepts.
func TestPropRequirementsMonotoneAndContinuous(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rule := rapid.SampledFrom([]Rule{Marginal, Step}).Draw(t, "rule")
		tiers := genTiers(t, false, decimal.Zero)
		s, err := NewSchedule(rule, tiers)
		if err != nil {
			return
		}
		if err := s.CheckContinuity(); err != nil {
			t.Fatal(err)
		}
		if rule == Marginal {
			for i := 1; i < len(tiers); i++ { // left limit equals value at the floor
				f := tiers[i].Floor
				cum, err := s.Cum(i - 1)
				if err != nil {
					t.Fatal(err)
				}
				left := f.Mul(tiers[i-1].MaintenanceRate).Sub(cum)
				at, err := s.Maintenance(f)
				if err != nil || !left.Equal(at) {
					t.Fatalf("discontinuous at %s: %s vs %s (%v)", f, left, at, err)
				}
			}
		}
		// Just below and at every boundary (widths are at least 0.01): a
		// Step table jumps there, and must jump up.
		for i := 1; i < len(tiers); i++ {
			f := tiers[i].Floor
			below := f.Sub(d("0.01"))
			mb, err1 := s.Maintenance(below)
			ma, err2 := s.Maintenance(f)
			ib, _ := s.Initial(below, 8)
			ia, _ := s.Initial(f, 8)
			if err1 != nil || err2 != nil || mb.Cmp(ma) > 0 || ib.Cmp(ia) > 0 {
				t.Fatalf("falls at boundary %s: mm %s → %s, im %s → %s (%v %v)", f, mb, ma, ib, ia, err1, err2)
			}
		}
		last := s.LastCap()
		a := testkit.Decimal(0, last.Shift(2).IntPart(), 2).Draw(t, "a")
		b := testkit.Decimal(0, last.Shift(2).IntPart(), 2).Draw(t, "b")
		if a.Cmp(b) > 0 {
			a, b = b, a
		}
		ma, err1 := s.Maintenance(a)
		mb, err2 := s.Maintenance(b)
		ia, _ := s.Initial(a, 8)
		ib, _ := s.Initial(b, 8)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if ma.Cmp(mb) > 0 || ia.Cmp(ib) > 0 {
			t.Fatalf("not monotone: mm(%s)=%s > mm(%s)=%s or im %s > %s", a, ma, b, mb, ia, ib)
		}
		// In a Calculator: linear requirement non-decreasing in |size| and price.
		c, err := New(Settings{Markets: []Market{{ID: "X", Rule: rule, Tiers: tiers}}, Prices: StaticPrices{}})
		if err != nil {
			t.Fatal(err)
		}
		q1 := testkit.Decimal(1, 1000, 2).Draw(t, "q1")
		q2 := q1.Add(testkit.Decimal(0, 1000, 2).Draw(t, "dq"))
		p1 := testkit.Decimal(1, 100_000, 2).Draw(t, "p1")
		p2 := p1.Add(testkit.Decimal(0, 100_000, 2).Draw(t, "dp"))
		sign := rapid.SampledFrom([]int64{1, -1}).Draw(t, "sign")
		r11, e1 := c.Requirement("X", q1.Mul(decimal.NewFromInt(sign)), p1)
		r22, e2 := c.Requirement("X", q2.Mul(decimal.NewFromInt(sign)), p2)
		if errors.Is(e2, ErrAboveLastCap) {
			return
		}
		if e1 != nil || e2 != nil {
			t.Fatal(e1, e2)
		}
		if r11.Maintenance.Cmp(r22.Maintenance) > 0 || r11.Initial.Cmp(r22.Initial) > 0 {
			t.Fatalf("requirement fell: %+v → %+v", r11, r22)
		}
	})
}

// genAccountCalc draws a calculator with two markets and a random account.
// Both markets declare one settlement asset, so a linear and an inverse
// position may share the account and their arithmetic meets in one sum.
func genAccountCalc(t *rapid.T) (*Calculator, Account, StaticPrices) {
	markets := []Market{
		{ID: "A", Kind: Linear, Settlement: "S", ContractSize: rapid.SampledFrom([]decimal.Decimal{d("1"), d("0.0001")}).Draw(t, "csA"),
			Tiers: genTiers(t, true, d("1000000000000")), TickSize: d("0.01")},
		{ID: "B", Kind: rapid.SampledFrom([]Kind{Linear, Inverse}).Draw(t, "kindB"), Settlement: "S",
			Basis:        rapid.SampledFrom([]Basis{MarkValue, EntryValue}).Draw(t, "basisB"),
			Rule:         rapid.SampledFrom([]Rule{Marginal, Step}).Draw(t, "ruleB"),
			ContractSize: rapid.SampledFrom([]decimal.Decimal{d("1"), d("0.001"), d("100")}).Draw(t, "csB"),
			Tiers:        genTiers(t, true, d("1000000000000")), TickSize: d("0.01")},
	}
	prices := StaticPrices{
		"A": testkit.Decimal(10000, 1_000_000_000, 4).Draw(t, "markA"),
		"B": testkit.Decimal(100, 10_000_000, 2).Draw(t, "markB"),
		"C": testkit.Decimal(1, 10_000_000, 2).Draw(t, "priceC"),
	}
	c, err := New(Settings{Markets: markets, Prices: prices})
	if err != nil {
		t.Fatal(err)
	}
	a := Account{Wallet: testkit.Decimal(-100_000_00, 1_000_000_00, 2).Draw(t, "wallet")}
	for _, id := range []string{"A", "B"} {
		if !rapid.Bool().Draw(t, "has"+id) {
			continue
		}
		size := testkit.Decimal(1, 100_000, 3).Draw(t, "size"+id)
		if rapid.Bool().Draw(t, "short"+id) {
			size = size.Neg()
		}
		pos := Position{Market: id, Size: size, EntryPrice: testkit.Decimal(100, 10_000_000, 2).Draw(t, "entry"+id)}
		if rapid.Bool().Draw(t, "iso"+id) {
			pos.Isolated = true
			pos.Margin = testkit.Decimal(0, 1_000_000_00, 2).Draw(t, "margin"+id)
		}
		a.Positions = append(a.Positions, pos)
	}
	if rapid.Bool().Draw(t, "hasCollateral") {
		a.Collateral = []Collateral{{Asset: "C", Amount: testkit.Decimal(0, 1_000_000_000, 6).Draw(t, "amountC"), Ratio: testkit.Decimal(1, 100, 2).Draw(t, "ratioC")}}
	}
	return c, a, prices
}

// Property: an account at or above maintenance is never liquidatable; an
// account with no (cross) positions is never liquidatable; the summary's
// invariants hold; the cross requirement is the sum of the positions'
// requirements.
func TestPropLiquidatablePredicateAndCrossSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, prices, s, ok := genSummary(t)
		if !ok {
			return
		}
		var err error
		if rapid.Bool().Draw(t, "atBoundary") {
			// Move the wallet so equity sits exactly at maintenance, or one
			// unit either side.
			nudge := decimal.New(rapid.Int64Range(-1, 1).Draw(t, "nudge"), -c.scale)
			a.Wallet = a.Wallet.Add(s.Maintenance.Sub(s.Equity)).Add(nudge)
			// Likewise each isolated position's margin, where it stays ≥ 0.
			for i, ps := range s.Positions {
				if m := ps.Maintenance.Sub(ps.UnrealisedPnL).Add(nudge); a.Positions[i].Isolated && m.Sign() >= 0 {
					a.Positions[i].Margin = m
				}
			}
			if s, err = c.Summary(t0, a); err != nil {
				t.Fatal(err)
			}
		}
		if err := CheckSummary(a, s); err != nil {
			t.Fatal(err)
		}
		cross := 0
		im, mm := decimal.Zero, decimal.Zero
		for _, p := range a.Positions {
			if p.Isolated {
				continue
			}
			cross++
			m := c.markets[p.Market]
			price := prices[p.Market]
			if m.basis == EntryValue {
				price = p.EntryPrice
			}
			r, err := c.Requirement(p.Market, p.Size, price)
			if err != nil {
				t.Fatal(err)
			}
			im, mm = im.Add(r.Initial), mm.Add(r.Maintenance)
		}
		if !im.Equal(s.Initial) || !mm.Equal(s.Maintenance) {
			t.Fatalf("cross requirement %s / %s is not the sum %s / %s", s.Initial, s.Maintenance, im, mm)
		}
		if s.Equity.Cmp(s.Maintenance) >= 0 && s.Liquidatable {
			t.Fatalf("equity %s ≥ maintenance %s but liquidatable", s.Equity, s.Maintenance)
		}
		if cross > 0 && s.Equity.Sign() < 0 && !s.Liquidatable {
			t.Fatalf("cross positions with negative equity %s but not liquidatable", s.Equity)
		}
		if cross == 0 && s.Liquidatable {
			t.Fatalf("no cross positions but liquidatable (equity %s)", s.Equity)
		}
		if len(a.Positions) == 0 && (s.Liquidatable || s.IsolatedLiquidatable) {
			t.Fatal("no positions but liquidatable")
		}
		for _, ps := range s.Positions {
			if ps.Isolated && ps.Equity.Cmp(ps.Maintenance) >= 0 && ps.Liquidatable {
				t.Fatalf("isolated %s at or above maintenance but liquidatable", ps.Market)
			}
		}
	})
}

// Property: every rounding favours the venue, checked against exact
// rational arithmetic: maintenance and initial up (by less than a unit),
// PnL and collateral down (by less than a unit).
func TestPropRoundingFavoursVenue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, prices, s, ok := genSummary(t)
		if !ok {
			return
		}
		unit := decimal.New(1, -c.scale).Rat()
		for i, p := range a.Positions {
			m := c.markets[p.Market]
			mark := prices[p.Market]
			val := mark
			if m.basis == EntryValue {
				val = p.EntryPrice
			}
			mmX, _ := exactMaint(m, p.Size, val)
			pnlX := exactPnL(m, p.Size, p.EntryPrice, mark)
			ps := s.Positions[i]
			assertUp(t, "maintenance", ps.Maintenance, mmX, unit)
			assertUp(t, "initial", ps.Initial, exactInitial(m, p.Size, val), unit)
			assertDown(t, "pnl", ps.UnrealisedPnL, pnlX, unit)
		}
		if len(a.Collateral) == 1 {
			col := a.Collateral[0]
			x := new(big.Rat).Mul(col.Amount.Rat(), prices["C"].Rat())
			x.Mul(x, col.Ratio.Rat())
			assertDown(t, "collateral", s.CollateralValue, x, unit)
		}
	})
}

func assertUp(t *rapid.T, what string, got decimal.Decimal, exact, unit *big.Rat) {
	diff := new(big.Rat).Sub(got.Rat(), exact)
	if diff.Sign() < 0 || diff.Cmp(unit) >= 0 {
		t.Fatalf("%s %s is not exact %s rounded up", what, got, exact.FloatString(12))
	}
}

func assertDown(t *rapid.T, what string, got decimal.Decimal, exact, unit *big.Rat) {
	diff := new(big.Rat).Sub(exact, got.Rat())
	if diff.Sign() < 0 || diff.Cmp(unit) >= 0 {
		t.Fatalf("%s %s is not exact %s rounded down", what, got, exact.FloatString(12))
	}
}

// exactNotional is |q|·c·p (Linear) or |q|·c/p (Inverse) as a rational.
func exactNotional(m *market, size, p decimal.Decimal) *big.Rat {
	q := new(big.Rat).Mul(size.Abs().Rat(), m.cs.Rat())
	if m.kind == Linear {
		return q.Mul(q, p.Rat())
	}
	return q.Quo(q, p.Rat())
}

// exactMaint is the exact maintenance at valuation price p: the tier found
// by rational comparison, notional × rate − cum. ok is false above the cap.
func exactMaint(m *market, size, p decimal.Decimal) (*big.Rat, bool) {
	v := exactNotional(m, size, p)
	tiers := m.sched.tiers
	for i, tr := range tiers {
		c := v.Cmp(tr.cap.Rat())
		if c < 0 || (c == 0 && (m.sched.rule == Marginal || i == len(tiers)-1)) {
			x := new(big.Rat).Mul(v, tr.mmr.Rat())
			return x.Sub(x, tr.cum.Rat()), true
		}
	}
	// Above the last cap: the last tier, continued (fail closed).
	tr := tiers[len(tiers)-1]
	x := new(big.Rat).Mul(v, tr.mmr.Rat())
	return x.Sub(x, tr.cum.Rat()), true
}

// exactInitial is the exact initial requirement at valuation price p:
// notional × initial rate of its tier (or notional / max leverage).
func exactInitial(m *market, size, p decimal.Decimal) *big.Rat {
	v := exactNotional(m, size, p)
	for i, tr := range m.sched.tiers {
		if c := v.Cmp(tr.cap.Rat()); c < 0 || (c == 0 && (m.sched.rule == Marginal || i == len(m.sched.tiers)-1)) {
			if tr.lev.IsZero() {
				return v.Mul(v, tr.imr.Rat())
			}
			return v.Quo(v, tr.lev.Rat())
		}
	}
	tr := m.sched.tiers[len(m.sched.tiers)-1] // above the last cap: continued
	if tr.lev.IsZero() {
		return v.Mul(v, tr.imr.Rat())
	}
	return v.Quo(v, tr.lev.Rat())
}

// genSummary draws an account and values it; ok is false when a position
// lies beyond its last tier cap (refused, fail closed).
func genSummary(t *rapid.T) (*Calculator, Account, StaticPrices, Summary, bool) {
	c, a, prices := genAccountCalc(t)
	s, err := c.Summary(t0, a)
	if errors.Is(err, ErrAboveLastCap) {
		return nil, Account{}, nil, Summary{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return c, a, prices, s, true
}

func exactPnL(m *market, size, e, p decimal.Decimal) *big.Rat {
	qc := new(big.Rat).Mul(size.Rat(), m.cs.Rat())
	if m.kind == Linear {
		return qc.Mul(qc, new(big.Rat).Sub(p.Rat(), e.Rat()))
	}
	inv := new(big.Rat).Sub(new(big.Rat).Inv(e.Rat()), new(big.Rat).Inv(p.Rat()))
	return qc.Mul(qc, inv)
}

// genEdgeAccount is genAccountCalc with the edges the fast paths must
// match: the first position's notional sometimes exactly on a tier cap (a
// Marginal tier owns its cap), and positions sometimes at a chosen
// leverage from levs.
func genEdgeAccount(t *rapid.T, levs ...decimal.Decimal) (*Calculator, Account, StaticPrices) {
	c, a, prices := genAccountCalc(t)
	if rapid.Bool().Draw(t, "onBoundary") && len(a.Positions) > 0 && a.Positions[0].Market == "A" {
		m := c.markets["A"]
		cp := m.sched.tiers[rapid.IntRange(0, len(m.sched.tiers)-1).Draw(t, "tier")].cap
		prices["A"] = d("1")
		a.Positions[0].Size = cp.Shift(4) // contract size 0.0001
		if m.csIsOne {
			a.Positions[0].Size = cp
		}
	}
	for i := range a.Positions {
		if rapid.Bool().Draw(t, "lev") {
			a.Positions[i].Leverage = rapid.SampledFrom(levs).Draw(t, "leverage")
		}
	}
	return c, a, prices
}

package liquidation

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Spreading an account's close amount over its legs must not leave a dusty
// order on a later leg (the dust rule of issue 5 applies per auction, as
// Maker Dog's "dusty-auction-from-partial-liquidation"). Debt 1000 on two
// legs of 500, equity 45, maintenance 100, target health 1, no penalty:
// x = D(TM − E)/(TM − pD) = 1000 × 55/100 = 550 (health 0.45 < 0.95, so no
// close factor). Leg A closes 500 in full, leaving 50 for leg B; with dust
// 100 leg B's order is raised to the dust (100), never 50.
func TestEngineLegOrderNeverBelowDust(t *testing.T) {
	e := mustEngine(t, EngineSettings{Dust: d("100")})
	a := acct("a", "45", "100", "1000", leg("A", "5", "500"), leg("B", "5", "500"))
	p, err := e.Plan(t0, []Account{a})
	if err != nil {
		t.Fatal(err)
	}
	want := []Order{
		{Account: "a", Market: "A", Health: d("0.45"), Debt: d("500"), Lot: d("5"), Tab: d("500"), Penalty: d("0"), Bonus: d("0"), Full: true},
		{Account: "a", Market: "B", Health: d("0.45"), Debt: d("100"), Lot: d("1"), Tab: d("100"), Penalty: d("0"), Bonus: d("0")},
	}
	if diff := cmp.Diff(want, p.Orders, testkit.EquateDecimals); diff != "" {
		t.Fatalf("(-want +got)\n%s", diff)
	}
}

// Property: no planned order is a partial below the dust, and no partial
// order leaves a leg with 0 < debt left < dust (issue 5 dust rule). Legs of
// round debts and no penalty make the close amount split across legs with
// small remainders, the case that once produced dusty orders.
func TestEngineOrdersRespectDust(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dust := d(rapid.SampledFrom([]string{"10", "100", "250"}).Draw(t, "dust"))
		e, err := NewEngine(EngineSettings{Dust: dust, TargetHealth: d(rapid.SampledFrom([]string{"1", "1.2"}).Draw(t, "target")),
			DebtScale: 6, LotScale: 6})
		if err != nil {
			t.Fatal(err)
		}
		debt := decimal.Zero
		var legs []Position
		for i, n := 0, rapid.IntRange(1, 4).Draw(t, "legs"); i < n; i++ {
			ld := d(rapid.SampledFrom([]string{"50", "100", "500", "505", "1000"}).Draw(t, "leg debt"))
			legs = append(legs, Position{Market: fmt.Sprintf("M%d", i), Size: d("10"), Value: ld, Debt: ld})
			debt = debt.Add(ld)
		}
		mm := d("1000")
		eq := mm.Mul(testkit.Decimal(0, 99, 2).Draw(t, "health"))
		p, err := e.Plan(t0, []Account{StaticAccount{ID: "a", EquityValue: eq, MaintenanceValue: mm, DebtValue: debt,
			CollateralValue: debt.Add(eq), Legs: legs}})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range p.Orders {
			var ld decimal.Decimal
			for _, l := range legs {
				if l.Market == o.Market {
					ld = l.Debt
				}
			}
			if o.Full != o.Debt.Equal(ld) {
				t.Fatalf("order %+v: Full does not match leg debt %s", o, ld)
			}
			if !o.Full && (o.Debt.LessThan(dust) || ld.Sub(o.Debt).LessThan(dust)) {
				t.Fatalf("dusty partial order %+v on leg debt %s (dust %s)", o, ld, dust)
			}
		}
	})
}

package liquidation

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Engine + Dutch houses end to end: plan, commit, kick, keepers with finite
// capital take, Release what each take frees (Maker digs), yank what is
// left. Debt under auction never exceeds the caps, every settlement
// conserves, and once every auction is over the engine holds nothing.
func TestEngineDutchLifecycle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		es := EngineSettings{Penalty: d("0.13"), Dust: d("10"), GlobalCap: d("5000"),
			MarketCaps: map[string]decimal.Decimal{"ETH": d("3000"), "BTC": d("3000")}, DebtScale: 6, LotScale: 6}
		e, err := NewEngine(es)
		if err != nil {
			t.Fatal(err)
		}
		curve, _ := NewExponentialDecrease(d("0.999"))
		houses := map[string]*DutchHouse{}
		for _, m := range []string{"ETH", "BTC"} {
			houses[m], _ = NewDutchHouse(DutchSettings{Market: m, Curve: curve, Buf: d("1.2"), Tail: time.Hour,
				Cusp: d("0.4"), Chop: d("1.13"), Dust: d("10"), LotScale: 6, PriceScale: 6})
		}
		price := map[string]decimal.Decimal{"ETH": d("100"), "BTC": d("1000")}
		committed, released := decimal.Zero, decimal.Zero
		now := t0
		for round := 0; round < 4; round++ {
			var accts []Account
			for i, n := 0, rapid.IntRange(0, 6).Draw(t, "accounts"); i < n; i++ {
				m := rapid.SampledFrom([]string{"ETH", "BTC"}).Draw(t, "market")
				debt := testkit.Decimal(20, 3000, 0).Draw(t, "debt")
				size := num.DivFloor(debt.Mul(testkit.Decimal(100, 150, 2).Draw(t, "collat ratio")), price[m], 6)
				eq := size.Mul(price[m]).Sub(debt)
				accts = append(accts, StaticAccount{ID: string(rune('a'+round)) + string(rune('a'+i)), EquityValue: eq,
					MaintenanceValue: debt.Mul(d("0.3")), DebtValue: debt, CollateralValue: size.Mul(price[m]),
					Legs: []Position{{Market: m, Size: size, Value: size.Mul(price[m]), Debt: debt}}})
			}
			plan, err := e.Plan(now, accts)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Commit(now, plan.Orders); err != nil {
				t.Fatal(err)
			}
			for _, o := range plan.Orders {
				committed = committed.Add(o.Tab)
				if _, err := houses[o.Market].Kick(now, KickParams{Tab: o.Tab, Lot: o.Lot, Owner: o.Account, Price: price[o.Market], Penalty: o.Penalty}); err != nil {
					t.Fatal(err)
				}
			}
			for step := 0; step < 10; step++ {
				now = now.Add(time.Duration(rapid.IntRange(0, 600).Draw(t, "dt")) * time.Second)
				for _, m := range []string{"BTC", "ETH"} {
					h := houses[m]
					for _, id := range h.Active() {
						capital := testkit.Decimal(0, 2000, 0).Draw(t, "keeper capital")
						st, _ := h.Status(now, id)
						if st.NeedsRedo {
							if _, err := h.Redo(now, RedoParams{ID: id, Price: price[m]}); err != nil {
								t.Fatal(err)
							}
							continue
						}
						if capital.Sign() == 0 {
							continue
						}
						r, err := h.Take(now, TakeParams{ID: id, MaxLot: divFloor(capital, st.Price, 6).Add(d("0.000001")), MaxPrice: st.Price})
						if err != nil {
							t.Fatal(err)
						}
						if r.Refusal == "" {
							if _, err := e.Release(now, m, r.Released); err != nil {
								t.Fatal(err)
							}
							released = released.Add(r.Released)
						}
						if r.Settlement != nil {
							if err := CheckSettlement(*r.Settlement); err != nil {
								t.Fatal(err)
							}
						}
					}
					if err := h.CheckInvariants(); err != nil {
						t.Fatal(err)
					}
				}
				if err := e.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range []string{"BTC", "ETH"} {
			for _, id := range houses[m].Active() {
				y, err := houses[m].Yank(now, id)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := e.Release(now, m, y.Released); err != nil {
					t.Fatal(err)
				}
				released = released.Add(y.Released)
			}
		}
		if !released.Equal(committed) || !e.DebtUnderAuction().IsZero() {
			t.Fatalf("committed %s, released %s, still under auction %s", committed, released, e.DebtUnderAuction())
		}
	})
}

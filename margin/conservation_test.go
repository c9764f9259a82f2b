package margin

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Property: a fill conserves value: wallet + Σ isolated margins changes by
// exactly the realised PnL plus the shortfall (margin moved between the
// wallet and an isolated position is neither created nor lost; an isolated
// loss beyond its margin is a shortfall for the waterfall, never the
// wallet's), and the resulting account keeps the summary invariants.
func TestPropFillConservesValue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, prices := genAccountCalc(t)
		id, size := drawOrder(t)
		o := Order{Market: id, Size: size, Isolated: rapid.Bool().Draw(t, "iso")}
		price := prices[id].Mul(testkit.Decimal(80, 120, 2).Draw(t, "priceFactor"))
		r, err := c.ApplyFill(a, o, price)
		if errors.Is(err, ErrAboveLastCap) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		total := func(x Account) decimal.Decimal {
			s := x.Wallet
			for _, p := range x.Positions {
				s = s.Add(p.Margin)
			}
			return s
		}
		if got, want := total(r.Account), total(a).Add(r.Realised).Add(r.Shortfall); !got.Equal(want) {
			t.Fatalf("wallet + margins %s, want %s (realised %s, shortfall %s)", got, want, r.Realised, r.Shortfall)
		}
		if r.Shortfall.Sign() < 0 {
			t.Fatalf("negative shortfall %s", r.Shortfall)
		}
		if err := c.ValidateAccount(r.Account); err != nil {
			t.Fatalf("fill produced an invalid account: %v", err)
		}
		if s, err := c.Summary(t0, r.Account); err == nil {
			if err := CheckSummary(r.Account, s); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestBybitInverseIsolated(t *testing.T) {
	// Bybit "Liquidation Price Calculation under Isolated Mode (UTA)",
	// inverse example inputs: long 60,000 USD of BTCUSD at 50,000, 10x,
	// MMR 0.5%: position value 1.2 BTC, IM 0.12, MM 0.006 (entry value);
	// LP = 60,000 / (1.2 + 0.12 − 0.006) = 45,662.1004…, rounded up to the
	// 0.5 tick = 45,662.5. Bankruptcy 60,000 / 1.32 = 45,454.54… → 45,455.
	m := Market{ID: "BTCUSD", Kind: Inverse, Basis: EntryValue, TickSize: d("0.5"),
		Tiers: []Tier{{Floor: d("0"), Cap: d("150"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")}}}
	c := newCalc(t, StaticPrices{"BTCUSD": d("50000")}, m)
	a := Account{Positions: []Position{{Market: "BTCUSD", Size: d("60000"), EntryPrice: d("50000"), Isolated: true, Margin: d("0.12")}}}
	got, err := c.LiquidationPrices(t0, a, "BTCUSD")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Liquidation.Price.Equal(d("45662.5")) || !got.Bankruptcy.Price.Equal(d("45455")) {
		t.Fatalf("got %v / %v", got.Liquidation, got.Bankruptcy)
	}
}

// drawOrder draws a market of genAccountCalc and a signed order size.
func drawOrder(t *rapid.T) (string, decimal.Decimal) {
	id := rapid.SampledFrom([]string{"A", "B"}).Draw(t, "market")
	size := testkit.Decimal(1, 100_000, 3).Draw(t, "orderSize")
	if rapid.Bool().Draw(t, "sell") {
		size = size.Neg()
	}
	return id, size
}

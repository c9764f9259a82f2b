package margin

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// With a Step (BitMEX risk-limit) table the requirement jumps at a tier
// boundary, so the margin balance can cross maintenance by a jump: the
// liquidation price is then the boundary itself, where the position is
// already liquidatable, not a root of either tier's formula.
func TestStepTableLiquidatesAtTheJump(t *testing.T) {
	tests := []struct {
		name   string
		market Market
		pos    Position
		want   string
	}{
		{
			// Linear short 1 at 900, margin 140, 1% below 1,000 notional and
			// 5% from 1,000: tier 1's root (1,029.7) lies above its tier and
			// tier 2's (990.5) below its own; at 1,000 the requirement jumps
			// from 10 to 50 and the balance (40) falls below it.
			name:   "linear short",
			market: Market{ID: "X", Rule: Step, TickSize: d("0.01"), Tiers: []Tier{{Floor: d("0"), Cap: d("1000"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")}, {Floor: d("1000"), Cap: d("2000"), MaintenanceRate: d("0.05"), InitialRate: d("0.1")}}},
			pos:    Position{Market: "X", Size: d("-1"), EntryPrice: d("900"), Isolated: true, Margin: d("140")},
			want:   "1000",
		},
		{
			// Inverse long 1,000 USD at 1,100, margin 0.12 coin, 1% below one
			// coin of notional and 5% from it: at 1,000 the notional reaches
			// one coin and the requirement jumps from 0.01 to 0.05.
			name:   "inverse long",
			market: Market{ID: "X", Kind: Inverse, Rule: Step, TickSize: d("0.01"), Tiers: []Tier{{Floor: d("0"), Cap: d("1"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")}, {Floor: d("1"), Cap: d("2"), MaintenanceRate: d("0.05"), InitialRate: d("0.1")}}},
			pos:    Position{Market: "X", Size: d("1000"), EntryPrice: d("1100"), Isolated: true, Margin: d("0.12")},
			want:   "1000",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalc(t, StaticPrices{"X": tc.pos.EntryPrice}, tc.market)
			a := Account{Positions: []Position{tc.pos}}
			got, err := c.liquidationPrice(t0, a, "X")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(TriggerPrice{Status: PriceFound, Price: d(tc.want)}, got, testkit.EquateDecimals); diff != "" {
				t.Fatalf("(-want +got)\n%s", diff)
			}
			// Liquidatable at the price, not one tick on the safe side.
			safe := got.Price.Add(d("0.01"))
			if tc.pos.Size.Sign() < 0 {
				safe = got.Price.Sub(d("0.01"))
			}
			at, _ := c.summary(a, t0, "X", got.Price)
			before, _ := c.summary(a, t0, "X", safe)
			if !at.Positions[0].Liquidatable || before.Positions[0].Liquidatable {
				t.Fatalf("at %s liquidatable=%v, at %s liquidatable=%v", got.Price, at.Positions[0].Liquidatable, safe, before.Positions[0].Liquidatable)
			}
		})
	}
}

// No liquidation price is an explicit answer.
func TestNoLiquidationPrice(t *testing.T) {
	flat := []Tier{{Floor: d("0"), Cap: d("100000000"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")}}
	tests := []struct {
		name   string
		market Market
		pos    Position
		want   PriceStatus
	}{
		{"linear long backed beyond its value", Market{ID: "X", Tiers: flat}, Position{Market: "X", Size: d("1"), EntryPrice: d("100"), Isolated: true, Margin: d("101")}, PriceNever},
		{"inverse short backed by its coin value", Market{ID: "X", Kind: Inverse, Tiers: flat}, Position{Market: "X", Size: d("-100"), EntryPrice: d("100"), Isolated: true, Margin: d("2")}, PriceNever},
		{"linear short with no margin at all", Market{ID: "X", Basis: EntryValue, Tiers: flat}, Position{Market: "X", Size: d("-1"), EntryPrice: d("100"), Isolated: true, Margin: d("0")}, PriceFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalc(t, StaticPrices{"X": d("100")}, tc.market)
			got, err := c.liquidationPrice(t0, Account{Positions: []Position{tc.pos}}, "X")
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.want || (got.Status != PriceFound && !got.Price.IsZero()) {
				t.Fatalf("got %v (%s), want %v", got.Status, got.Price, tc.want)
			}
		})
	}
}

// Beyond the last cap the last tier is continued (issue 10 item 1, DESIGN
// rule 10), so the liquidation price is the exact root of the continued
// last tier, the same price at which Summary turns Liquidatable — not the
// cap (which would liquidate a well-margined position Summary calls safe).
func TestLiquidationPriceContinuesAboveLastCap(t *testing.T) {
	tiers := []Tier{{Floor: d("0"), Cap: d("1000"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")}}
	tests := []struct {
		name   string
		market Market
		pos    Position
		want   string
	}{
		// Short 1 at 100 with 5,000 of margin: 5,000 − (P − 100) = 0.005·P
		// ⇒ P = 5,100 / 1.005 = 5,074.6268656…, rounded down to the tick.
		{"linear short", Market{ID: "X", Tiers: tiers}, Position{Market: "X", Size: d("-1"), EntryPrice: d("100"), Isolated: true, Margin: d("5000")}, "5074.62686567"},
		// Long 100 USD of an inverse contract at 100 (1 coin) with 0.999
		// coin of margin: the root 100.5 / 1.999 = 50.2751… (notional 1.989
		// coin, above the 1.5 cap), rounded up to 50.28.
		{"inverse long", Market{ID: "X", Kind: Inverse, TickSize: d("0.01"), Tiers: []Tier{{Floor: d("0"), Cap: d("1.5"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")}}},
			Position{Market: "X", Size: d("100"), EntryPrice: d("100"), Isolated: true, Margin: d("0.999")}, "50.28"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCalc(t, StaticPrices{"X": d("100")}, tc.market)
			a := Account{Positions: []Position{tc.pos}}
			got, err := c.liquidationPrice(t0, a, "X")
			if err != nil {
				t.Fatal(err)
			}
			if !got.Found() || !got.Price.Equal(d(tc.want)) {
				t.Fatalf("got %v, want %s", got, tc.want)
			}
			at := func(p decimal.Decimal) PositionSummary {
				s, err := c.summary(a, t0, "X", p)
				if err != nil {
					t.Fatal(err)
				}
				return s.Positions[0]
			}
			beyond := got.Price.Add(tc.market.TickSize)
			if tc.market.TickSize.IsZero() {
				beyond = got.Price.Add(defaultIncrement)
			}
			if tc.pos.Size.Sign() > 0 {
				beyond = got.Price.Sub(tc.market.TickSize)
			}
			if ps := at(got.Price); ps.Liquidatable || !ps.AboveLastCap {
				t.Fatalf("at %s: liquidatable %v, above cap %v; want safe and above the cap", got.Price, ps.Liquidatable, ps.AboveLastCap)
			}
			if ps := at(beyond); !ps.Liquidatable || !ps.AboveLastCap {
				t.Fatalf("one tick beyond, at %s: liquidatable %v, above cap %v", beyond, ps.Liquidatable, ps.AboveLastCap)
			}
		})
	}
}

// liquidationPrice is LiquidationPrices' liquidation price (tests only).
func (c *Calculator) liquidationPrice(now time.Time, a Account, marketID string) (TriggerPrice, error) {
	p, err := c.LiquidationPrices(now, a, marketID)
	return p.Liquidation, err
}

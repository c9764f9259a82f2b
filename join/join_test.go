package join_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/join"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var t0 = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

// tiers is a marginal table shaped like Binance's (maintenance rate rising
// with notional), with a small last cap so a test can pass it.
func tiers() []margin.Tier {
	return []margin.Tier{
		{Floor: d("0"), Cap: d("50000"), MaintenanceRate: d("0.004"), InitialRate: d("0.008")},
		{Floor: d("50000"), Cap: d("250000"), MaintenanceRate: d("0.005"), InitialRate: d("0.01")},
		{Floor: d("250000"), Cap: d("1000000"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")},
		{Floor: d("1000000"), Cap: d("5000000"), MaintenanceRate: d("0.025"), InitialRate: d("0.05")},
	}
}

func calc(t interface{ Fatal(...any) }, prices margin.StaticPrices) *margin.Calculator {
	c, err := margin.New(margin.Settings{
		Markets: []margin.Market{
			{ID: "BTC", Tiers: tiers(), TickSize: d("0.1"), LotSize: d("0.001")},
			{ID: "ETH", Tiers: tiers(), TickSize: d("0.01"), LotSize: d("0.01")},
		},
		Prices: prices,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPerpAccountsSplitsCrossAndIsolated(t *testing.T) {
	c := calc(t, margin.StaticPrices{"BTC": d("90000"), "ETH": d("3300")})
	a := margin.Account{ID: "acct-1", Wallet: d("1000"), Positions: []margin.Position{
		{Market: "BTC", Size: d("1"), EntryPrice: d("100000")},                               // −10,000
		{Market: "ETH", Size: d("-10"), EntryPrice: d("3000")},                               // −3,000
		{Market: "ETH", Size: d("0"), EntryPrice: d("3000"), Isolated: true, Margin: d("1")}, // empty: ignored
	}}
	a.Positions = a.Positions[:2]
	a.Positions = append(a.Positions, margin.Position{Market: "SOLX", Size: d("1")}) // unknown market
	if _, err := join.PerpAccounts(t0, c, a); !errors.Is(err, join.ErrInvalidInput) {
		t.Fatalf("unknown market: err = %v, want ErrInvalidInput", err)
	}
	a.Positions = a.Positions[:2]
	got, err := join.PerpAccounts(t0, c, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "acct-1" || len(got[0].Legs) != 2 {
		t.Fatalf("got %+v, want the cross part with two legs", got)
	}
	x := got[0]
	// Equity 1,000 − 10,000 − 3,000 = −12,000; legs at notional 90,000 and 33,000.
	if !x.EquityValue.Equal(d("-12000")) || !x.DebtValue.Equal(d("123000")) || !x.Legs[1].Size.Equal(d("10")) {
		t.Fatalf("cross part %+v", x)
	}
	// An isolated position is an account of its own; the cross part with
	// only a small position and a big wallet is not returned.
	b := margin.Account{ID: "acct-2", Wallet: d("50000"), Positions: []margin.Position{
		{Market: "BTC", Size: d("0.1"), EntryPrice: d("90000")},
		{Market: "ETH", Size: d("10"), EntryPrice: d("3600"), Isolated: true, Margin: d("3050")},
	}}
	got, err = join.PerpAccounts(t0, c, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "acct-2/ETH" || !got[0].EquityValue.Equal(d("50")) {
		t.Fatalf("got %+v, want only the isolated ETH part with equity 3,050 − 3,000 = 50", got)
	}
	// Both parts are accepted by the engine as they are.
	e, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: d("0.01")})
	if err != nil {
		t.Fatal(err)
	}
	all, _ := join.PerpAccounts(t0, c, a)
	all = append(all, got...)
	accts := make([]liquidation.Account, len(all))
	for i := range all {
		accts[i] = all[i]
	}
	if _, err := e.Plan(t0, accts); err != nil {
		t.Fatalf("engine refused the join's accounts: %v", err)
	}
}

// Issue 10 item 1's probe, end to end: a position above the last tier cap
// is returned with the notional above the cap to reduce, even with equity
// above maintenance, and the engine plans at least that much.
func TestPerpAccountsAboveLastCapMustBeReduced(t *testing.T) {
	c := calc(t, margin.StaticPrices{"BTC": d("64000")})
	a := margin.Account{ID: "whale", Wallet: d("10000000"), Positions: []margin.Position{
		{Market: "BTC", Size: d("-100"), EntryPrice: d("60000")}, // notional 6,400,000 > cap 5,000,000
	}}
	got, err := join.PerpAccounts(t0, c, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].ReduceDebt.Equal(d("1400000")) {
		t.Fatalf("got %+v, want one part with ReduceDebt 1,400,000", got)
	}
	if got[0].EquityValue.LessThan(got[0].MaintenanceValue) {
		t.Fatal("test needs equity above maintenance")
	}
	e, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: d("0.01")})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := e.Plan(t0, []liquidation.Account{got[0]})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Orders) != 1 || plan.Orders[0].Debt.LessThan(d("1400000")) || !plan.Orders[0].Reduce {
		t.Fatalf("plan %+v, want one reduce order of at least 1,400,000", plan.Orders)
	}
}

// TestPropPerpSizingRestoresHealth: for a one-position part (isolated, or
// cross with one position) on a tiered market, closing the engine's order
// at the mark and charging its penalty leaves the part not liquidatable,
// unless the order closed everything. This is the soundness claim of
// PerpAccounts' leg rule (debt = notional, maintenance convex in notional).
func TestPropPerpSizingRestoresHealth(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		mark := decimal.New(rapid.Int64Range(1000, 200000).Draw(t, "mark"), 0)
		entry := decimal.New(rapid.Int64Range(1000, 200000).Draw(t, "entry"), 0)
		size := decimal.New(rapid.Int64Range(1, 80000).Draw(t, "size"), -3)
		if rapid.Bool().Draw(t, "short") {
			size = size.Neg()
		}
		isolated := rapid.Bool().Draw(t, "isolated")
		c := calc(t, margin.StaticPrices{"BTC": mark})
		notional := size.Abs().Mul(mark)
		// Collateral between 0.2% and 3% of notional (often below maintenance).
		coll := notional.Mul(decimal.New(rapid.Int64Range(2, 30).Draw(t, "collateral"), -3)).RoundFloor(2)
		pnl := mark.Sub(entry).Mul(size)
		p := margin.Position{Market: "BTC", Size: size, EntryPrice: entry}
		a := margin.Account{ID: "a", Wallet: coll.Sub(pnl), Positions: []margin.Position{p}}
		if isolated {
			a.Wallet = d("0")
			a.Positions[0].Isolated, a.Positions[0].Margin = true, coll.Sub(pnl)
			if a.Positions[0].Margin.Sign() <= 0 {
				t.Skip("isolated margin must be positive")
			}
		} else if a.Wallet.Sign() < 0 {
			t.Skip("wallet must not be negative")
		}
		parts, err := join.PerpAccounts(t0, c, a)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) == 0 {
			return
		}
		// A perp venue's engine: no lending close factor (every order may
		// close what the target needs), a 1% clearance fee as the penalty.
		e, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: d("0.01"), CloseFactor: d("1")})
		if err != nil {
			t.Fatal(err)
		}
		plan, err := e.Plan(t0, []liquidation.Account{parts[0]})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Orders) != 1 {
			t.Fatalf("plan %+v", plan)
		}
		o := plan.Orders[0]
		if o.Full {
			return
		}
		// Close the lot at the mark (a long sells, a short buys back) and
		// charge the penalty to the part's own money.
		close := o.Lot
		if size.IsPositive() {
			close = close.Neg()
		}
		r, err := c.ApplyFill(a, margin.Order{Market: "BTC", Size: close, Price: mark}, mark)
		if err != nil {
			t.Fatal(err)
		}
		after := r.Account
		if isolated {
			// A liquidation keeps the closed part's equity in the
			// position (ApplyFill releases it to the wallet, as a
			// trader's own reduce does): move it back, then charge.
			released := after.Wallet.Sub(a.Wallet)
			after.Wallet = a.Wallet
			after.Positions[0].Margin = after.Positions[0].Margin.Add(released).Sub(o.Penalty)
		} else {
			after.Wallet = after.Wallet.Sub(o.Penalty)
		}
		s, err := c.Summary(t0, after)
		if err != nil {
			t.Fatal(err)
		}
		if s.Liquidatable || s.IsolatedLiquidatable {
			t.Fatalf("still liquidatable after the planned partial close: order %+v, after %+v", o, s)
		}
	})
}

func TestToUnit(t *testing.T) {
	for _, tc := range []struct {
		amount, unit string
		up           bool
		want         string
	}{
		{"1.000000001", "0.00000001", true, "1.00000001"},
		{"1.000000001", "0.00000001", false, "1"},
		{"-1.000000001", "0.00000001", true, "-1"},
		{"12.5", "1", true, "13"},
		{"125", "10", false, "120"},
		{"0.00000001", "1e-8", true, "0.00000001"},
	} {
		got, err := join.ToUnit(d(tc.amount), d(tc.unit), tc.up)
		if err != nil || !got.Equal(d(tc.want)) {
			t.Errorf("ToUnit(%s, %s, %v) = %s, %v; want %s", tc.amount, tc.unit, tc.up, got, err, tc.want)
		}
	}
	for _, unit := range []string{"0", "-0.01", "0.03", "2", "1e-40", "1e9999"} {
		if _, err := join.ToUnit(d("1"), d(unit), true); !errors.Is(err, join.ErrInvalidInput) {
			t.Errorf("unit %s: err = %v, want ErrInvalidInput", unit, err)
		}
	}
	if _, err := join.ToUnit(d("1e9999"), d("1"), true); !errors.Is(err, join.ErrInvalidInput) {
		t.Errorf("absurd amount: err = %v", err)
	}
}

func TestSettlementClaim(t *testing.T) {
	s := liquidation.Settlement{Type: liquidation.AuctionDutch, Auction: 7, Market: "ETH", Shortfall: d("12.3456789012345678")}
	c, ok, err := join.SettlementClaim("dutch-ETH", s, d("0.00000001"))
	if err != nil || !ok || c.ID != "auction:dutch-ETH:7" || !c.Amount.Equal(d("12.34567891")) {
		t.Fatalf("claim %+v, %v, %v", c, ok, err)
	}
	s.Shortfall = decimal.Zero
	if _, ok, err := join.SettlementClaim("dutch-ETH", s, d("0.00000001")); ok || err != nil {
		t.Fatalf("no shortfall: ok=%v err=%v", ok, err)
	}
	for name, bad := range map[string]liquidation.Settlement{
		"negative": {Type: liquidation.AuctionDutch, Auction: 7, Shortfall: d("-1")},
		"no ID":    {Type: liquidation.AuctionDutch, Shortfall: d("1")},
		"absurd":   {Type: liquidation.AuctionDutch, Auction: 7, Shortfall: decimal.New(1, 1<<30)},
	} {
		if _, _, err := join.SettlementClaim("dutch-ETH", bad, d("0.00000001")); !errors.Is(err, join.ErrInvalidInput) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	// Two houses without a market each settle their auction 1: two claims,
	// never one ID (the review found the second loss went unpaid).
	b := liquidation.Settlement{Type: liquidation.AuctionBatch, Auction: 1, Shortfall: d("500")}
	c1, _, _ := join.SettlementClaim("batch-a", b, d("0.01"))
	c2, _, _ := join.SettlementClaim("batch-b", b, d("0.01"))
	if c1.ID == c2.ID {
		t.Fatalf("two houses' auction 1 share the claim ID %q", c1.ID)
	}
	if _, _, err := join.SettlementClaim("", b, d("0.01")); !errors.Is(err, join.ErrInvalidInput) {
		t.Errorf("empty house: err = %v", err)
	}
	f, ok, err := join.FillClaim("trade-9", margin.FillResult{Shortfall: d("49000")}, d("0.01"))
	if err != nil || !ok || f.ID != "fill:trade-9" || !f.Amount.Equal(d("49000")) {
		t.Fatalf("fill claim %+v, %v, %v", f, ok, err)
	}
	if _, _, err := join.FillClaim("", margin.FillResult{Shortfall: d("1")}, d("0.01")); !errors.Is(err, join.ErrInvalidInput) {
		t.Errorf("empty fill ID: err = %v", err)
	}
}

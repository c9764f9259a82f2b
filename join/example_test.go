package join_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/join"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// A cross account long BTC and short ETH after BTC fell: margin values it,
// join hands it to the liquidation engine as one account with a leg per
// position (debt = notional at the mark), and the engine sizes the close.
func ExamplePerpAccounts() {
	dec := decimal.RequireFromString
	calc, err := margin.New(margin.Settings{
		Markets: []margin.Market{
			{ID: "BTCUSDT", Tiers: margin.BinanceBTCUSDT20210318(), TickSize: dec("0.1"), LotSize: dec("0.001")},
			{ID: "ETHUSDT", Tiers: margin.BinanceBTCUSDT20210318(), TickSize: dec("0.01"), LotSize: dec("0.001")},
		},
		Prices: margin.StaticPrices{"BTCUSDT": dec("57000"), "ETHUSDT": dec("1800")},
	})
	if err != nil {
		panic(err)
	}
	now := time.Date(2021, 3, 18, 9, 0, 0, 0, time.UTC)
	acct := margin.Account{ID: "trader-1", Wallet: dec("3100"), Positions: []margin.Position{
		{Market: "BTCUSDT", Size: dec("1"), EntryPrice: dec("60000")},
		{Market: "ETHUSDT", Size: dec("-10"), EntryPrice: dec("1810")},
	}}
	parts, err := join.PerpAccounts(now, calc, acct)
	if err != nil {
		panic(err)
	}
	for _, p := range parts {
		fmt.Printf("%s: equity %s, maintenance %s, debt %s\n", p.ID, p.EquityValue, p.MaintenanceValue, p.DebtValue)
		for _, l := range p.Legs {
			fmt.Printf("  leg %s: %s contracts, debt %s\n", l.Market, l.Size, l.Debt)
		}
	}
	// A perp venue's engine: no lending close factor, a 0.15% clearance
	// fee on the notional closed, lots at the market's 0.001 step, and the
	// default target health 1.1.
	engine, err := liquidation.NewEngine(liquidation.EngineSettings{Penalty: dec("0.0015"), CloseFactor: dec("1"), LotScale: 3})
	if err != nil {
		panic(err)
	}
	plan, err := engine.Plan(now, []liquidation.Account{parts[0]})
	if err != nil {
		panic(err)
	}
	for _, o := range plan.Orders {
		fmt.Printf("close %s %s (debt %s, fee %s)\n", o.Lot, o.Market, o.Debt.StringFixed(2), o.Penalty.StringFixed(2))
	}
	// After the close: equity 200 − 68.79 = 131.21 against maintenance
	// 0.196 × 57,000 × 0.4% + 18,000 × 0.4% = 116.69, health 1.12 ≥ 1.1.

	// Output:
	// trader-1: equity 200, maintenance 307, debt 75000
	//   leg BTCUSDT: 1 contracts, debt 57000
	//   leg ETHUSDT: 10 contracts, debt 18000
	// close 0.804 BTCUSDT (debt 45859.24, fee 68.79)
}

// An auction that ran out of collateral leaves bad debt at liquidation's 18
// places; join turns it into the waterfall's claim in whole cents, rounded
// up, with an ID derived from the auction, so a replayed settlement is not
// paid twice.
func ExampleSettlementClaim() {
	dec := decimal.RequireFromString
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	fund, _ := backstop.NewInsuranceFund(backstop.FundSettings{Unit: dec("0.01")})
	_, _ = fund.Deposit(now, "seed-1", "shared", dec("1000"), "fees", "seed")
	w, _ := backstop.New(backstop.Settings{Layers: []backstop.Layer{fund.Layer("ETH")}, Unit: dec("0.01")})

	s := liquidation.Settlement{Type: liquidation.AuctionDutch, Auction: 7, Market: "ETH", Owner: "acct-3",
		Tab: dec("5000"), DebtRecovered: dec("4712.345678901234567891"), Shortfall: dec("287.654321098765432109")}
	claim, ok, err := join.SettlementClaim("dutch-ETH-A", s, dec("0.01"))
	fmt.Println(claim.ID, claim.Amount, ok, err)

	first, _ := w.Cover(now, claim)
	again, _ := w.Cover(now, claim) // the same settlement, replayed
	bal, _ := fund.Balance("shared")
	fmt.Println(first.Covered(), again.Covered(), bal)
	// Output:
	// auction:dutch-ETH-A:7 287.66 true <nil>
	// 287.66 287.66 712.34
}

// An isolated long closed far below its bankruptcy price: margin caps the
// loss at the position's margin and reports the rest as a shortfall
// (issue 10's probe: 1 BTC at 100,000 with 1,000 margin, closed at 50,000);
// join names it after the host's fill ID for the waterfall.
func ExampleFillClaim() {
	dec := decimal.RequireFromString
	calc, _ := margin.New(margin.Settings{
		Markets: []margin.Market{{ID: "BTCUSDT", Tiers: margin.BinanceBTCUSDT20210318(), TickSize: dec("0.1"), LotSize: dec("0.001")}},
		Prices:  margin.StaticPrices{"BTCUSDT": dec("50000")},
	})
	acct := margin.Account{ID: "trader-2", Wallet: dec("10000"), Positions: []margin.Position{
		{Market: "BTCUSDT", Size: dec("1"), EntryPrice: dec("100000"), Isolated: true, Margin: dec("1000")}}}
	r, err := calc.ApplyFill(acct, margin.Order{Market: "BTCUSDT", Size: dec("-1")}, dec("50000"))
	if err != nil {
		panic(err)
	}
	claim, ok, _ := join.FillClaim("liq-fill-81", r, dec("0.01"))
	fmt.Println("wallet:", r.Account.Wallet)
	fmt.Println(claim.ID, claim.Amount, ok)
	// Output:
	// wallet: 10000
	// fill:liq-fill-81 49000 true
}

package margin_test

import (
	"fmt"

	"github.com/failsafe-fi/failsafe/margin"
)

// A watchlist over three BTCUSDT accounts (Binance's first tier: 0.4%
// maintenance, 125× max leverage). Each account gets a trigger price; a
// quiet tick returns nobody, a fall returns only the long whose trigger it
// reached, and re-valuing it at the new price shows it liquidatable.
func ExampleWatchlist() {
	prices := margin.StaticPrices{"BTCUSDT": dec("30000")}
	c, err := margin.New(margin.Settings{Prices: prices, Markets: []margin.Market{{ID: "BTCUSDT", TickSize: dec("0.1"),
		Tiers: []margin.Tier{{Floor: dec("0"), Cap: dec("50000"), MaintenanceRate: dec("0.004"), MaxLeverage: dec("125")}}}}})
	if err != nil {
		panic(err)
	}
	w, err := margin.NewWatchlist(c)
	if err != nil {
		panic(err)
	}
	book := map[string]margin.Account{
		"thin-long":  {ID: "thin-long", Wallet: dec("600"), Positions: []margin.Position{{Market: "BTCUSDT", Size: dec("1"), EntryPrice: dec("30000")}}},
		"fat-long":   {ID: "fat-long", Wallet: dec("9000"), Positions: []margin.Position{{Market: "BTCUSDT", Size: dec("1"), EntryPrice: dec("30000")}}},
		"thin-short": {ID: "thin-short", Wallet: dec("600"), Positions: []margin.Position{{Market: "BTCUSDT", Size: dec("-1"), EntryPrice: dec("30000")}}},
	}
	for _, id := range []string{"fat-long", "thin-long", "thin-short"} {
		if _, err := w.Set(now, book[id]); err != nil {
			panic(err)
		}
	}
	for _, a := range w.Snapshot().Accounts {
		fmt.Println(a.ID, "trigger:", a.Triggers[0].Price.StringFixed(2), map[bool]string{true: "or below", false: "or above"}[a.Triggers[0].Below])
	}
	for _, p := range []string{"29970", "29400"} { // -0.1%, then -2%
		prices["BTCUSDT"] = dec(p)
		due, err := w.Tick("BTCUSDT", dec(p))
		if err != nil {
			panic(err)
		}
		fmt.Println("tick", p, "→ re-value", due)
		for _, id := range due {
			r, err := w.Set(now, book[id])
			if err != nil {
				panic(err)
			}
			fmt.Println(id, "equity", r.Equity, "maintenance", r.Maintenance, "liquidatable", r.Liquidatable)
		}
	}
	// Output:
	// fat-long trigger: 21120.00 or below
	// thin-long trigger: 29520.00 or below
	// thin-short trigger: 30478.09 or above
	// tick 29970 → re-value []
	// tick 29400 → re-value [thin-long]
	// thin-long equity 0 maintenance 117.6 liquidatable true
}

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

// One account, cross and isolated at once: a cross BTCUSDT short on the
// wallet and an isolated ETHUSDT long on its own 100 USDT margin. Each has
// its own trigger (the cross one a rise of BTC, the isolated one a fall of
// ETH). A fall of ETH to its trigger (1908: margin 100 − loss 92 against
// maintenance 7.632) returns the account before it is liquidatable (the
// bound never misses, so it may return early); re-valued, it gets a new
// trigger, and the next fall (1907, below the isolated liquidation price
// 1900 / 0.996 ≈ 1907.63) returns it liquidatable, the cross side still
// safe.
func ExampleWatchlist_isolated() {
	prices := margin.StaticPrices{"BTCUSDT": dec("30000"), "ETHUSDT": dec("2000")}
	tiers := []margin.Tier{{Floor: dec("0"), Cap: dec("50000"), MaintenanceRate: dec("0.004"), MaxLeverage: dec("125")}}
	c, err := margin.New(margin.Settings{Prices: prices, Markets: []margin.Market{
		{ID: "BTCUSDT", TickSize: dec("0.1"), Tiers: tiers}, {ID: "ETHUSDT", TickSize: dec("0.01"), Tiers: tiers}}})
	if err != nil {
		panic(err)
	}
	w, err := margin.NewWatchlist(c)
	if err != nil {
		panic(err)
	}
	a := margin.Account{ID: "mixed", Wallet: dec("3000"), Positions: []margin.Position{
		{Market: "BTCUSDT", Size: dec("-1"), EntryPrice: dec("30000")},
		{Market: "ETHUSDT", Size: dec("1"), EntryPrice: dec("2000"), Isolated: true, Margin: dec("100")}}}
	if _, err := w.Set(now, a); err != nil {
		panic(err)
	}
	for _, t := range w.Snapshot().Accounts[0].Triggers {
		fmt.Println(t.Key, "trigger:", t.Price.StringFixed(2), map[bool]string{true: "or below", false: "or above"}[t.Below])
	}
	for _, p := range []string{"1950", "1908", "1907"} {
		prices["ETHUSDT"] = dec(p)
		due, err := w.Tick("ETHUSDT", dec(p))
		if err != nil {
			panic(err)
		}
		fmt.Println("tick ETH", p, "→ re-value", due)
		for _, id := range due {
			r, err := w.Set(now, a)
			if err != nil {
				panic(err)
			}
			fmt.Println(id, "cross liquidatable", r.Liquidatable, "isolated liquidatable", r.IsolatedLiquidatable)
		}
	}
	// Output:
	// BTCUSDT trigger: 32868.53 or above
	// ETHUSDT trigger: 1908.00 or below
	// tick ETH 1950 → re-value []
	// tick ETH 1908 → re-value [mixed]
	// mixed cross liquidatable false isolated liquidatable false
	// tick ETH 1907 → re-value [mixed]
	// mixed cross liquidatable false isolated liquidatable true
}

// A prepared account: validated and compiled once, valued at marks read
// once per price step, equal to Risk and allocation-free. A price the
// source refuses at the next step is an error, not the old answer.
func ExamplePrepared_Risk() {
	prices := margin.StaticPrices{"BTCUSDT": dec("30000"), "ETHUSDT": dec("2000")}
	tiers := []margin.Tier{{Floor: dec("0"), Cap: dec("50000"), MaintenanceRate: dec("0.004"), MaxLeverage: dec("125")}}
	c, err := margin.New(margin.Settings{Prices: prices, Markets: []margin.Market{
		{ID: "BTCUSDT", TickSize: dec("0.1"), Tiers: tiers}, {ID: "ETHUSDT", TickSize: dec("0.01"), Tiers: tiers}}})
	if err != nil {
		panic(err)
	}
	a := margin.Account{ID: "alice", Wallet: dec("1000"), Positions: []margin.Position{
		{Market: "BTCUSDT", Size: dec("1"), EntryPrice: dec("30000")},
		{Market: "ETHUSDT", Size: dec("-5"), EntryPrice: dec("2000")}}}
	p, err := c.Prepare(a)
	if err != nil {
		panic(err)
	}
	for _, btc := range []string{"30000", "29200", "0"} {
		prices["BTCUSDT"] = dec(btc)
		m, err := c.Marks(now)
		if err != nil {
			panic(err)
		}
		r, err := p.Risk(m)
		if err != nil {
			fmt.Println("BTC", btc, "→", err)
			continue
		}
		ar := r.AccountRisk()
		fmt.Println("BTC", btc, "→ equity", ar.Equity, "maintenance", ar.Maintenance, "liquidatable", r.Liquidatable())
	}
	// Output:
	// BTC 30000 → equity 1000 maintenance 160 liquidatable false
	// BTC 29200 → equity 200 maintenance 156.8 liquidatable false
	// BTC 0 → margin: price unavailable: market "BTCUSDT": must be positive: 0
}

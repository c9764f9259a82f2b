package breaker_test

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/shopspring/decimal"
)

// A flash crash in a Tier 1 stock referenced at $10.00: the price falls to
// the lower band, the market enters a limit state, the limit state lasts 15
// seconds and becomes a 5-minute trading pause, and the market reopens and
// re-references at the reopening price (LULD Plan §V–VII).
func Example_flashCrash() {
	m, _ := breaker.NewMarket(breaker.MarketSettings{ID: "XYZ", Reference: decimal.RequireFromString("10.00")})
	t0 := time.Date(2026, 5, 6, 14, 40, 0, 0, time.UTC)
	step := func(at time.Duration, price string) {
		d, err := m.Check(t0.Add(at), decimal.RequireFromString(price))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("t+%-5s %-6s %s\n", at, price, d)
	}
	step(0, "9.80")
	step(5*time.Second, "9.50")                // at the lower band: limit state
	step(10*time.Second, "9.20")               // beyond the band: rejected
	step(20*time.Second, "9.40")               // limit state lasted 15 s: paused
	step(5*time.Minute, "9.30")                // still paused
	step(5*time.Minute+20*time.Second, "9.10") // pause over: reopens at 9.10
	step(5*time.Minute+30*time.Second, "9.00")
	// Output:
	// t+0s    9.80   allow (inside band) state=open band=9.5–10.5 (ref 10)
	// t+5s    9.50   allow (at band edge) state=limit band=9.5–10.5 (ref 10)
	// t+10s   9.20   reject (below lower band) state=limit band=9.5–10.5 (ref 10)
	// t+20s   9.40   halted (halt active) state=paused cause=luld-pause until=2026-05-06T14:45:20Z
	// t+5m0s  9.30   halted (halt active) state=paused cause=luld-pause until=2026-05-06T14:45:20Z
	// t+5m20s 9.10   allow (reopened at price) state=open band=8.65–9.56 (ref 9.1)
	// t+5m30s 9.00   allow (inside band) state=open band=8.65–9.56 (ref 9.1)
}

// Feeding oracle prices: the first price opens the market and becomes the
// reference; each allowed price is recorded, so the reference follows the
// 5-minute mean once it has moved 1% or more.
func ExampleMarket_Observe() {
	m, _ := breaker.NewMarket(breaker.MarketSettings{ID: "BTC-USD", Band: breaker.BandSettings{Tier: breaker.Tier2}})
	t0 := time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC)
	for i, p := range []string{"60000", "60300", "61800", "68000"} {
		d, _ := m.Observe(t0.Add(time.Duration(i)*time.Minute), decimal.RequireFromString(p))
		fmt.Printf("%s: liquidate? %v (%s) ref %s\n", p, d.Allowed(), d.Reason, d.Band.Reference)
	}
	// Output:
	// 60000: liquidate? true (opened at price) ref 60000
	// 60300: liquidate? true (inside band) ref 60000
	// 61800: liquidate? true (inside band) ref 60700
	// 68000: liquidate? false (above upper band) ref 60700
}

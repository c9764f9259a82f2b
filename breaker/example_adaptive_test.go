package breaker_test

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/shopspring/decimal"
)

// A volatility-scaled band: width = clamp(⌈3σ⌉, 1%, 10%) of the reference,
// σ an EWMA (λ 0.94) of one-minute returns starting at 1.8%. A −2.3%
// minute raises σ to 1.8338% and the width to 5.51%; the 5-minute mean
// re-references the band as on any Market.
func ExampleVolatilitySettings() {
	t0 := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	m, _ := breaker.NewMarket(breaker.MarketSettings{
		ID:        "BTC-USD",
		Reference: decimal.RequireFromString("100"),
		Volatility: breaker.VolatilitySettings{
			K:       decimal.RequireFromString("3"),
			Initial: decimal.RequireFromString("0.018"),
			Floor:   decimal.RequireFromString("0.01"),
			Cap:     decimal.RequireFromString("0.10"),
		},
	})
	vs, _ := m.Volatility()
	fmt.Println("warm-up width", vs.Width)
	_, _ = m.Observe(t0, decimal.RequireFromString("100"))
	d, _ := m.Observe(t0.Add(time.Minute), decimal.RequireFromString("97.70"))
	vs, _ = m.Volatility()
	fmt.Println("sigma", vs.Sigma, "width", vs.Width)
	for _, e := range d.Events {
		fmt.Println(e.Kind, e.Band)
	}
	// Output:
	// warm-up width 0.054
	// sigma 0.018338484124 width 0.0551
	// reference 94.49–105.51 (ref 100)
	// reference 93.4–104.3 (ref 98.85)
}

// An adaptive anomaly trigger learns a baseline (EWMA, λ 0.94) once a
// minute; after warm-up it trips when a value is 4 scales from it, and the
// baseline may move at most 1% a minute, so a slow walk cannot drag it.
func ExampleAnomalyTrigger() {
	t0 := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	a, _ := breaker.NewAnomaly(breaker.AnomalySettings{Name: "tvl", WarmUp: 3})
	for i := range 4 {
		_, _ = a.Observe(t0.Add(time.Duration(i)*time.Minute), decimal.RequireFromString("1000"))
	}
	lv := a.Levels()
	fmt.Println("baseline", lv.Baseline, "trips outside", lv.Lower, "–", lv.Upper)
	r, _ := a.Observe(t0.Add(4*time.Minute), decimal.RequireFromString("960"))
	fmt.Println(r.Signal, r.Reason, r.Changed)
	// Output:
	// baseline 1000 trips outside 996 – 1004
	// tripped breach true
}

// The ERC-7265 rate limit with its reference tests' parameters (70% of the
// baseline retained over 4 hours, 5-minute ticks): 1,000,000 deposited,
// then 300,001 withdrawn four hours later leaves 699,999 < 700,000 — the
// asset is rate limited and the outflow locked (CircuitBreakerUserOps.t.sol,
// test_breach).
func ExampleOutflowLimiter() {
	t0 := time.Unix(3600, 0).UTC() // vm.warp(1 hours)
	l, _ := breaker.NewOutflowLimiter(breaker.OutflowSettings{Asset: "USDC", MinLiqRetainedBps: 7000,
		LimitBeginThreshold: decimal.RequireFromString("1000")})
	_, _ = l.Inflow(t0, decimal.RequireFromString("1000000"))
	d, _ := l.Outflow(time.Unix(5*3600, 0), decimal.RequireFromString("300001"))
	fmt.Println(d.Allowed, d.Status, d.RateLimited)
	for _, e := range d.Events {
		fmt.Println(e.Kind, e.From, "→", e.To, e.Liquidity.Total, e.Liquidity.InPeriod)
	}
	// Output:
	// false breached true
	// rate-limited open → limited 1000000 -300001
}

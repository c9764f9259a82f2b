package breaker_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/shopspring/decimal"
)

var start = time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// A level trigger on an oracle's dispersion: trips after two consecutive
// readings at or above 2%, resets at or below 1% (hysteresis) once it has
// been tripped for at least 30 seconds.
func ExampleLevelTrigger() {
	tr, _ := breaker.NewLevel(breaker.LevelSettings{Name: "oracle-dispersion",
		Trip: d("0.02"), Reset: d("0.01"), Consecutive: 2, MinTripped: 30 * time.Second})
	for i, v := range []string{"0.005", "0.021", "0.025", "0.015", "0.009", "0.009"} {
		r, _ := tr.Observe(start.Add(time.Duration(i)*10*time.Second), d(v))
		fmt.Printf("%-6s %s\n", v, r)
	}
	// Output:
	// 0.005  normal (none)
	// 0.021  normal (pending): value 0.021 vs level 0.02, 1 consecutive
	// 0.025  tripped (breach): value 0.025 vs level 0.02
	// 0.015  tripped (holding): value 0.015 vs level 0.01
	// 0.009  tripped (min-time): value 0.009 vs level 0.01
	// 0.009  reset (recovered): value 0.009 vs level 0.01
}

// A change trigger: down 10% within 5 minutes, measured from the highest
// price in the window.
func ExampleChangeTrigger() {
	tr, _ := breaker.NewChange(breaker.ChangeSettings{Name: "crash", Direction: breaker.Below,
		Threshold: d("0.10"), Window: 5 * time.Minute})
	for i, v := range []string{"100", "104", "97", "93.5"} {
		r, _ := tr.Observe(start.Add(time.Duration(i)*time.Minute), d(v))
		fmt.Printf("%-5s %s, move %s from %s\n", v, r.Signal, r.Value, r.Level)
	}
	// Output:
	// 100   normal, move 0 from 100
	// 104   normal, move 0 from 104
	// 97    normal, move 0.06730769 from 104
	// 93.5  tripped, move 0.10096153 from 104
}

// Any-of and all-of composition of two triggers.
func ExampleComposite() {
	spread, _ := breaker.NewLevel(breaker.LevelSettings{Name: "spread", Trip: d("50"), Reset: d("20")})
	fund, _ := breaker.NewLevel(breaker.LevelSettings{Name: "insurance-fund", Direction: breaker.Below,
		Trip: d("1000000"), Reset: d("1500000")})
	either, _ := breaker.NewComposite("stress", breaker.AnyOf, spread, fund)
	both, _ := breaker.NewComposite("crisis", breaker.AllOf, spread, fund)
	_, _ = spread.Observe(start, d("60"))
	_, _ = fund.Observe(start, d("2000000"))
	r1, _ := either.Evaluate(start)
	r2, _ := both.Evaluate(start)
	fmt.Println(r1)
	fmt.Println(r2)
	// Output:
	// tripped (composite): any-of 1/2 active [spread]
	// normal (composite): all-of 1/2 active [spread]
}

// The LULD worked examples: band for each reference.
func ExampleComputeBand() {
	for _, c := range []struct {
		tier breaker.Tier
		ref  string
	}{{breaker.Tier1, "10.00"}, {breaker.Tier2, "10.00"}, {breaker.Tier1, "2.00"}, {breaker.Tier1, "0.50"}} {
		b, _ := breaker.ComputeBand(breaker.BandSettings{Tier: c.tier}, d(c.ref), false)
		fmt.Printf("tier %d ref $%s: $%s–$%s\n", c.tier, c.ref, b.Lower.StringFixed(2), b.Upper.StringFixed(2))
	}
	// Output:
	// tier 1 ref $10.00: $9.50–$10.50
	// tier 2 ref $10.00: $9.00–$11.00
	// tier 1 ref $2.00: $1.60–$2.40
	// tier 1 ref $0.50: $0.35–$0.65
}

// The NYSE market-wide circuit breaker: a 7% decline at 10:00 ET halts
// every market for 15 minutes; a market attached to it reopens afterwards.
func ExampleMarketWide() {
	mw, _ := breaker.NewMarketWide(breaker.NYSEMarketWide())
	open := start // 9:30 ET
	_, _ = mw.StartSession(d("4000"), open, open.Add(390*time.Minute))
	fmt.Println("levels:", mw.Thresholds())
	m, _ := breaker.NewMarket(breaker.MarketSettings{ID: "XYZ", Reference: d("50"), Sources: []breaker.HaltSource{mw}})
	st, _ := mw.Observe(open.Add(30*time.Minute), d("3719.50"))
	fmt.Printf("level %d, halted until %s UTC\n", st.Triggered, st.Until.Format("15:04"))
	dec, _ := m.Check(open.Add(31*time.Minute), d("49"))
	fmt.Println(dec.Action, dec.State, dec.Cause)
	dec, _ = m.Check(open.Add(45*time.Minute), d("48"))
	fmt.Println(dec.Action, dec.State, dec.Reason, dec.Band)
	// Output:
	// levels: [3720 3480 3200]
	// level 1, halted until 15:15 UTC
	// halted halted mwcb
	// allow open reopened at price 45.6–50.4 (ref 48)
}

// A 24/7 crypto venue: the reference is the index 24 hours ago.
func ExampleCryptoMarketWide() {
	mw, _ := breaker.NewMarketWide(breaker.CryptoMarketWide())
	_, _ = mw.Observe(start, d("4000"))
	st, _ := mw.Observe(start.Add(23*time.Hour), d("3200"))
	fmt.Printf("ref %s level %d halted %v for %s\n", st.Reference, st.Triggered, st.Halted, st.Until.Sub(start.Add(23*time.Hour)))
	// Output:
	// ref 4000 level 3 halted true for 24h0m0s
}

// A kill switch halting one market, recorded with reason and actor.
func ExampleKillSwitch() {
	ks := breaker.NewKillSwitch()
	m, _ := breaker.NewMarket(breaker.MarketSettings{ID: "ETH-USD", Reference: d("3000"), Sources: []breaker.HaltSource{ks}})
	audit, _ := ks.Engage(start, "ETH-USD", "oracle outage", "ops:alice")
	dec, _ := m.Check(start.Add(time.Second), d("3000"))
	fmt.Println(dec)
	ev, _ := ks.Release(start.Add(time.Minute), "ETH-USD", "oracle restored", "ops:bob")
	audit = append(audit, ev...)
	dec, _ = m.Check(start.Add(2*time.Minute), d("2990"))
	fmt.Println(dec)
	for _, e := range audit {
		fmt.Println(e.Kind, e.Subject, e.Reason, e.Actor)
	}
	// Output:
	// halted (halt active) state=halted cause=kill-switch
	// allow (reopened at price) state=open band=2840.5–3139.5 (ref 2990)
	// kill ETH-USD oracle outage ops:alice
	// resume ETH-USD oracle restored ops:bob
}

// A service breaker around a flaky price source; each call returns the
// state changes it caused.
func ExampleService() {
	svc, _ := breaker.NewService[string](breaker.ServiceSettings{Name: "price-source", TripAfter: 2})
	show := func(ev []breaker.Event) {
		for _, e := range ev {
			fmt.Printf("%s: %s → %s after %d consecutive failures\n", e.Subject, e.From, e.To, e.Counts.ConsecutiveFailures)
		}
	}
	fetch := func() (string, error) { return "", errors.New("timeout") }
	for i := 0; i < 3; i++ {
		_, ev, err := svc.Execute(fetch)
		fmt.Println(err)
		show(ev)
	}
	ev, _ := svc.ForceClosed("failover drill", "ops:carol")
	show(ev)
	fmt.Println(svc.State())
	// Output:
	// timeout
	// timeout
	// price-source: closed → open after 2 consecutive failures
	// breaker: service breaker open: price-source: circuit breaker is open
	// price-source: open → forced-closed after 0 consecutive failures
	// forced-closed
}

// At most 50 liquidations per second.
func ExampleCountLimiter() {
	l, _ := breaker.NewCountLimiter(breaker.CountSettings{Name: "liquidations", Events: 50, Per: time.Second})
	n := 0
	for i := 0; i < 60; i++ {
		if ok, _ := l.Allow(start); ok {
			n++
		}
	}
	ok, _ := l.AllowN(start.Add(100*time.Millisecond), 5)
	fmt.Println(n, ok)
	// Output:
	// 50 true
}

// At most 5M USD of collateral put up for auction per minute.
func ExampleNotionalLimiter() {
	l, _ := breaker.NewNotionalLimiter(breaker.NotionalSettings{Name: "auctions", Max: d("5000000"), Per: time.Minute})
	a, _ := l.Allow(start, d("4000000"))
	b, _ := l.Allow(start, d("1500000"))
	c, _ := l.Allow(start.Add(6*time.Second), d("1500000"))
	fmt.Println(a, b, c, l.Available(start.Add(6*time.Second)))
	// Output:
	// true false true 0
}

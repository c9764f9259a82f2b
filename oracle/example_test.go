package oracle_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

func q(src, price string, age time.Duration) oracle.Quote {
	return oracle.Quote{Source: src, Price: decimal.RequireFromString(price), Time: t0.Add(-age)}
}

// Aggregate five quotes: one stale, one spiking; the median of the rest.
func ExampleAggregator_Aggregate() {
	agg, err := oracle.NewAggregator(oracle.AggregatorSettings{
		MaxAge:       time.Minute,
		MinSources:   3,
		MaxDeviation: decimal.RequireFromString("0.05"), // 5% from the median
	})
	if err != nil {
		panic(err)
	}
	res, err := agg.Aggregate(t0, []oracle.Quote{
		q("binance", "100.10", 5*time.Second),
		q("coinbase", "99.90", 3*time.Second),
		q("kraken", "100.00", 2*time.Second),
		q("bitstamp", "100.20", 5*time.Minute), // stale
		q("thin-dex", "130.00", time.Second),   // spike
	})
	fmt.Println(res.Price, err)
	for _, r := range res.Rejected {
		fmt.Println(r.Quote.Source, r.Reason)
	}
	// Output:
	// 100 <nil>
	// bitstamp stale
	// thin-dex outlier
}

// A feed falls back to its secondary tier when the primary loses quorum,
// and its price read fails with ErrStale once the last good price ages.
func ExampleFeed() {
	feed, err := oracle.NewFeed(oracle.FeedSettings{
		Tiers: []oracle.Tier{
			{Name: "exchanges", Sources: []string{"a", "b", "c"},
				Aggregation: oracle.AggregatorSettings{MaxAge: time.Minute, MinSources: 2}},
			{Name: "chainlink", Sources: []string{"link"},
				Aggregation: oracle.AggregatorSettings{MaxAge: time.Hour}},
		},
		MaxAge:  2 * time.Minute,
		MaxJump: decimal.RequireFromString("0.10"),
	})
	if err != nil {
		panic(err)
	}
	up, _ := feed.Update(t0, []oracle.Quote{q("a", "100", 0), q("b", "101", 0), q("link", "100.5", 0)})
	fmt.Println(up.Price, up.Status, up.Active)
	up, _ = feed.Update(t0.Add(time.Minute), []oracle.Quote{q("a", "102", -time.Minute), q("link", "100.7", 0)})
	fmt.Println(up.Price, up.Status, up.Active)
	price, err := feed.Price(t0.Add(2 * time.Minute))
	fmt.Println(price, err)
	_, err = feed.Price(t0.Add(4 * time.Minute))
	fmt.Println(errors.Is(err, oracle.ErrStale))
	// Output:
	// 100.5 live exchanges
	// 100.7 fallback chainlink
	// 100.7 <nil>
	// true
}

// A delayed price (MakerDAO OSM) lets governance void a bad price before it
// takes effect.
func ExampleDelayed() {
	osm, _ := oracle.NewDelayed(oracle.DelayedSettings{Hop: time.Hour})
	start := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	_, _ = osm.Poke(start, decimal.RequireFromString("2000"))
	_, _ = osm.Poke(start.Add(time.Hour), decimal.RequireFromString("2010"))
	cur, _ := osm.Peek()
	fmt.Println("effective", cur)

	_, err := osm.Poke(start.Add(90*time.Minute), decimal.RequireFromString("1"))
	fmt.Println(errors.Is(err, oracle.ErrTooEarly))

	_, _ = osm.Poke(start.Add(2*time.Hour), decimal.RequireFromString("1")) // a bad price is queued
	next, _ := osm.Next()
	cur, _ = osm.Peek()
	fmt.Println("effective", cur, "queued", next)
	_, _ = osm.Void(start.Add(2*time.Hour + time.Minute)) // governance reacts within the hop
	_, err = osm.Peek()
	fmt.Println(err)
	// Output:
	// effective 2000
	// true
	// effective 2010 queued 1
	// oracle: no price
}

// TWAP and EMA over irregular updates: 100 for 30 minutes, then 110. The
// EMA at one hour is 110 + 2^(−0.5) × (100 − 110).
func ExampleTWAP() {
	twap, _ := oracle.NewTWAP(oracle.TWAPSettings{Window: time.Hour})
	ema, _ := oracle.NewEMA(oracle.EMASettings{HalfLife: time.Hour, Scale: 4})
	for _, u := range []struct {
		after time.Duration
		price string
	}{{0, "100"}, {30 * time.Minute, "110"}} {
		_ = twap.Update(t0.Add(u.after), decimal.RequireFromString(u.price))
		_, _ = ema.Update(t0.Add(u.after), decimal.RequireFromString(u.price))
	}
	tw, _ := twap.Value(t0.Add(time.Hour))
	em, _ := ema.Value(t0.Add(time.Hour))
	fmt.Println(tw, em)
	// Output:
	// 105 102.9289
}

type exchange struct {
	name  string
	price string
	err   error
}

func (e exchange) Name() string { return e.name }
func (e exchange) Fetch(ctx context.Context) (oracle.Quote, error) {
	if e.err != nil {
		return oracle.Quote{}, e.err
	}
	return oracle.Quote{Price: decimal.RequireFromString(e.price), Time: t0}, nil
}

// Collect fetches all sources concurrently, each behind its own circuit
// breaker and timeout; results come back in source order. After two
// consecutive failures the failing source's breaker opens and it is no
// longer called.
func ExampleCollector() {
	c, err := oracle.NewCollector(oracle.CollectorSettings{Timeout: time.Second, FailureThreshold: 2},
		exchange{name: "a", price: "100"}, exchange{name: "b", err: errors.New("HTTP 503")}, exchange{name: "c", price: "101"})
	if err != nil {
		panic(err)
	}
	for i := 0; i < 3; i++ {
		got := c.Collect(context.Background())
		fmt.Println(len(got.Quotes), "quotes;", got.Errors[0].Err, "| breaker open:", oracle.IsBreakerOpen(got.Errors[0].Err))
	}
	// Output:
	// 2 quotes; oracle: source failed: source "b": HTTP 503 | breaker open: false
	// 2 quotes; oracle: source failed: source "b": HTTP 503 | breaker open: false
	// 2 quotes; oracle: source failed: source "b": circuit breaker is open | breaker open: true
}

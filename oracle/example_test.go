package oracle_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
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
// takes effect: a poked price becomes current one hop later.
func ExampleDelayed() {
	osm, _ := oracle.NewDelayed(oracle.DelayedSettings{Hop: time.Hour, Market: "ETH-USD"})
	start := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	_, _ = osm.Poke(start, decimal.RequireFromString("2000"))
	ev, _ := osm.Poke(start.Add(time.Hour), decimal.RequireFromString("2010"))
	fmt.Println(ev)
	cur, _ := osm.Price(start.Add(time.Hour))
	fmt.Println("effective", cur)

	_, err := osm.Poke(start.Add(90*time.Minute), decimal.RequireFromString("1"))
	fmt.Println(errors.Is(err, oracle.ErrTooEarly))

	_, _ = osm.Poke(start.Add(2*time.Hour), decimal.RequireFromString("1")) // a bad price is queued
	next, _ := osm.Next()
	cur, _ = osm.Price(start.Add(2 * time.Hour))
	fmt.Println("effective", cur, "queued", next)
	ev, _ = osm.Void(start.Add(2*time.Hour + time.Minute)) // governance reacts within the hop
	fmt.Println(ev)
	_, err = osm.Price(start.Add(2*time.Hour + time.Minute))
	fmt.Println(err)
	// Output:
	// 2024-03-01T13:00:00Z poke subject=ETH-USD price=2010 previous=2000
	// effective 2000
	// true
	// effective 2010 queued 1
	// 2024-03-01T14:01:00Z void subject=ETH-USD running -> stopped: current and next values cleared
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

// The pure aggregates: MakerDAO's median (the mean of the middle two for an
// even count), Terra's lower weighted median (a majority of the weight
// decides) and a trimmed mean. Bad input is an error, never a hang: a
// scale beyond 36 places is refused before any arithmetic.
func ExampleMedian() {
	prices := []decimal.Decimal{decimal.RequireFromString("100.1"), decimal.RequireFromString("100.2"),
		decimal.RequireFromString("99.8"), decimal.RequireFromString("250")}
	m, _ := oracle.Median(prices, 2)
	fmt.Println("median", m)
	w, _ := oracle.WeightedMedian(prices, []decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(1),
		decimal.NewFromInt(1), decimal.NewFromInt(4)})
	fmt.Println("weighted median", w)
	tm, _ := oracle.TrimmedMean(prices, decimal.RequireFromString("0.25"), 2)
	fmt.Println("trimmed mean", tm)
	_, err := oracle.Median(prices, 100_000_000)
	fmt.Println(err)
	// Output:
	// median 100.15
	// weighted median 250
	// trimmed mean 100.15
	// oracle: invalid input: scale: decimal out of supported range: scale 100000000 outside [-36, 36]
}

// The per-quote guards a DeFi venue needs: a Pyth-style confidence bound
// and Chainlink-style min/max answers, where a price stuck at a bound is a
// failure, not a price. A price exactly at a bound is rejected; a
// confidence exactly at the ratio is accepted.
func ExampleAggregatorSettings() {
	agg, _ := oracle.NewAggregator(oracle.AggregatorSettings{
		MaxAge:             time.Minute,
		MaxConfidenceRatio: decimal.RequireFromString("0.01"), // conf ≤ 1% of price
		MinAnswer:          decimal.RequireFromString("0.1"),  // LUNA's feed floor
		MaxAnswer:          decimal.RequireFromString("1000"),
	})
	wide := q("pyth", "100", 0)
	wide.Confidence = decimal.RequireFromString("1.5")
	edge := q("pyth-2", "100", 0)
	edge.Confidence = decimal.RequireFromString("1")
	res, err := agg.Aggregate(t0, []oracle.Quote{wide, edge, q("chainlink", "0.1", 0)})
	fmt.Println(res.Price, err)
	for _, r := range res.Rejected {
		fmt.Println(r.Quote.Source, r.Reason)
	}
	// Output:
	// 100 <nil>
	// pyth confidence
	// chainlink bounds
}

// EMA: a continuous-time exponential average with a half-life, computed in
// decimal only. After one half-life the old average has half its weight:
// 200 + 2^(−1) × (100 − 200) = 150.
func ExampleEMA() {
	ema, _ := oracle.NewEMA(oracle.EMASettings{HalfLife: time.Hour, Scale: 4})
	_, _ = ema.Update(t0, decimal.RequireFromString("100"))
	_, _ = ema.Update(t0.Add(time.Minute), decimal.RequireFromString("200"))
	v, _ := ema.Value(t0.Add(time.Minute + time.Hour))
	fmt.Println(v)
	_, err := ema.Value(t0)
	fmt.Println(errors.Is(err, oracle.ErrOutOfOrder))
	// Output:
	// 150
	// true
}

// Feeds maps markets to feeds; its Price method value is a market-keyed
// price lookup. A market nobody configured is ErrUnknownMarket, never a
// zero price.
func ExampleFeeds_Price() {
	btc, _ := oracle.NewFeed(oracle.FeedSettings{
		Market: "BTC-USD",
		Tiers: []oracle.Tier{{Name: "exchanges", Sources: []string{"a", "b"},
			Aggregation: oracle.AggregatorSettings{MaxAge: time.Minute, MinSources: 2}}},
		MaxAge: time.Minute,
	})
	_, _ = btc.Update(t0, []oracle.Quote{q("a", "60000", 0), q("b", "60010", 0)})
	feeds := oracle.Feeds{"BTC-USD": btc}
	lookup := feeds.Price // func(now time.Time, market string) (decimal.Decimal, error)
	p, err := lookup(t0, "BTC-USD")
	fmt.Println(p, err)
	_, err = lookup(t0, "ETH-USD")
	fmt.Println(err)
	// Output:
	// 60005 <nil>
	// oracle: unknown market: "ETH-USD"
}

// A standby restores a feed from the primary's snapshot (sent as JSON) and
// continues exactly where it stopped; times are kept in UTC, so the zone
// the primary's clock used does not matter.
func ExampleRestoreFeed() {
	s := oracle.FeedSettings{
		Tiers: []oracle.Tier{{Name: "exchanges", Sources: []string{"a", "b"},
			Aggregation: oracle.AggregatorSettings{MaxAge: time.Minute}}},
		MaxAge: time.Minute,
	}
	primary, _ := oracle.NewFeed(s)
	ist := time.FixedZone("IST", 5*3600+30*60)
	_, _ = primary.Update(t0.In(ist), []oracle.Quote{q("a", "100", 0), q("b", "102", 0)})
	b, _ := json.Marshal(primary.Snapshot())
	fmt.Println(string(b))

	var snap oracle.FeedSnapshot
	_ = json.Unmarshal(b, &snap)
	standby, err := oracle.RestoreFeed(s, snap)
	if err != nil {
		panic(err)
	}
	p, err := standby.Price(t0.Add(30 * time.Second))
	fmt.Println(p, err)
	// Output:
	// {"price":"101","time":"2024-03-01T12:00:00Z","observed_at":"2024-03-01T12:00:00Z","has_price":true,"status":"live","active":"exchanges","last_update":"2024-03-01T12:00:00Z"}
	// 101 <nil>
}

// Every mutating call returns the events it caused, in one shape: time,
// kind, subject, a structured From/To transition and prices as decimals.
// An Event logs as one slog group; a quote from a source in no tier is an
// event too, never silently dropped.
func ExampleEvent_LogValue() {
	feed, _ := oracle.NewFeed(oracle.FeedSettings{
		Market: "ETH-USD",
		Tiers: []oracle.Tier{{Name: "exchanges", Sources: []string{"a"},
			Aggregation: oracle.AggregatorSettings{MaxAge: time.Minute}}},
		MaxAge: time.Minute,
	})
	up, _ := feed.Update(t0, []oracle.Quote{q("a", "2000", 0), q("typo", "2001", 0)})
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) == 0 && a.Key == slog.TimeKey {
				return slog.Attr{} // drop the handler's own clock, for a stable example
			}
			return a
		}}))
	for _, e := range up.Events {
		log.Info("oracle", "event", e)
	}
	// Output:
	// level=INFO msg=oracle event.time=2024-03-01T12:00:00.000Z event.kind=unknown-source event.subject=ETH-USD event.reason="source is in no tier; quote ignored" event.source=typo event.price=2001
	// level=INFO msg=oracle event.time=2024-03-01T12:00:00.000Z event.kind=accepted event.subject=ETH-USD event.tier=exchanges event.price=2000
	// level=INFO msg=oracle event.time=2024-03-01T12:00:00.000Z event.kind=active event.subject=ETH-USD event.to=exchanges
	// level=INFO msg=oracle event.time=2024-03-01T12:00:00.000Z event.kind=status event.subject=ETH-USD event.from=empty event.to=live
}

// CheckResult verifies an aggregation's promises (quorum, one vote per
// source, freshness, bounds, the price within the used quotes); hosts may
// run it on every result in production.
func ExampleCheckResult() {
	s := oracle.AggregatorSettings{MaxAge: time.Minute, MinSources: 2}
	agg, _ := oracle.NewAggregator(s)
	res, _ := agg.Aggregate(t0, []oracle.Quote{q("a", "100", 0), q("b", "101", 0)})
	fmt.Println(oracle.CheckResult(t0, s, res))
	res.Price = decimal.RequireFromString("150") // tampered
	fmt.Println(oracle.CheckResult(t0, s, res))
	// Output:
	// <nil>
	// oracle: invariant violated: price 150 outside [100, 101] of the used quotes
}

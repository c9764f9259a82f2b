package oracle

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Issue 10, "hunt for the rest": every exported function and method of
// oracle that takes host input, with the bad inputs tried on it. Each bad
// call must be refused with a matchable error (or, for a pure reader, a
// documented safe answer) within milliseconds, and a refused call on a
// stateful type must leave its snapshot byte-for-byte unchanged.
//
// Bad inputs: absurd decimals (1e9999, 1e-40, −0, zero, negative), huge
// scales and counts, nil and typed-nil values, empty and duplicate IDs,
// zero, backwards and unwritable (year 10000) times, inconsistent
// snapshots. Quotes are host data too: a bad quote inside Aggregate or
// Feed.Update is a ReasonInvalid rejection (TestAggregateMalformedQuotes),
// never a price.
//
// Entry points without host input beyond the receiver (Snapshot, State,
// Settings, CheckInvariants, Peek, Next, Stopped, Health, String,
// MarshalText/JSON, LogValue, effectiveWeight) are exercised by the
// property and fuzz tests.

var (
	hugeDec  = decimal.New(1, 9999)     // 1e9999
	tinyDec  = decimal.New(1, -40)      // 1e-40
	negZero  = decimal.New(0, -8).Neg() // −0 with places
	farTime  = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	minusOne = decimal.NewFromInt(-1)
)

type huntCase struct {
	entry string     // the exported function or method
	input string     // the bad input tried
	want  error      // the sentinel the refusal wraps
	snap  func() any // the state that must not change (nil for pure calls)
	call  func() error
}

func TestHuntEveryEntryPoint(t *testing.T) {
	// Stateful values with some history, so "unchanged" means something.
	feed := mustFeed(t, testFeedSettings())
	if _, err := feed.Update(at(5), []Quote{qa("a", "100", at(5)), qa("b", "100", at(5))}); err != nil {
		t.Fatal(err)
	}
	halted := mustFeed(t, testFeedSettings())
	if _, err := halted.Halt(at(1), "x"); err != nil {
		t.Fatal(err)
	}
	twap, _ := NewTWAP(TWAPSettings{Window: time.Hour})
	ema, _ := NewEMA(EMASettings{HalfLife: time.Hour})
	osm, _ := NewDelayed(DelayedSettings{Hop: time.Hour})
	stopped, _ := NewDelayed(DelayedSettings{Hop: time.Hour})
	for _, m := range []int{0, 60} {
		if _, err := osm.Poke(at(m), d("100")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := stopped.Stop(at(0)); err != nil {
		t.Fatal(err)
	}
	if err := twap.Update(at(5), d("100")); err != nil {
		t.Fatal(err)
	}
	if _, err := ema.Update(at(5), d("100")); err != nil {
		t.Fatal(err)
	}
	agg, _ := NewAggregator(AggregatorSettings{MaxAge: time.Minute})
	feedSnap := func() any { return feed.Snapshot() }
	haltedSnap := func() any { return halted.Snapshot() }
	twapSnap := func() any { return twap.Snapshot() }
	emaSnap := func() any { return ema.Snapshot() }
	osmSnap := func() any { return osm.Snapshot() }
	stoppedSnap := func() any { return stopped.Snapshot() }
	tooMany := make([]Quote, MaxQuotes+1)
	for i := range tooMany {
		tooMany[i] = qa("a", "1", at(5))
	}
	manyDecs := make([]decimal.Decimal, MaxQuotes+1)
	for i := range manyDecs {
		manyDecs[i] = d("1")
	}
	var typedNil *SourceFunc
	var nilCtx context.Context
	okSrc := SourceFunc{ID: "a", Fn: func(context.Context) (Quote, error) { return Quote{Price: d("1"), Time: t0}, nil }}
	col, _ := NewCollector(CollectorSettings{}, okSrc)
	goodFeedSnap := feed.Snapshot()
	feedMod := func(f func(*FeedSnapshot)) FeedSnapshot { s := goodFeedSnap; f(&s); return s }
	goodOSM := osm.Snapshot()
	osmMod := func(f func(*DelayedSnapshot)) DelayedSnapshot { s := goodOSM; f(&s); return s }

	cases := []huntCase{
		// Pure aggregation functions.
		{"Median", "scale 1e8", ErrInvalidInput, nil, func() error { _, err := Median(decs("1", "2"), 100_000_000); return err }},
		{"Median", "scale -1", ErrInvalidInput, nil, func() error { _, err := Median(decs("1", "2"), -1); return err }},
		{"Median", "price 1e9999", ErrInvalidInput, nil, func() error { _, err := Median([]decimal.Decimal{hugeDec}, 2); return err }},
		{"Median", "price 1e-40", ErrInvalidInput, nil, func() error { _, err := Median([]decimal.Decimal{tinyDec}, 2); return err }},
		{"Median", "nil slice", ErrInvalidInput, nil, func() error { _, err := Median(nil, 2); return err }},
		{"Median", "MaxQuotes+1 prices", ErrInvalidInput, nil, func() error { _, err := Median(manyDecs, 2); return err }},
		{"WeightedMedian", "weight −0", ErrInvalidInput, nil, func() error { _, err := WeightedMedian(decs("1"), []decimal.Decimal{negZero}); return err }},
		{"WeightedMedian", "weight −1", ErrInvalidInput, nil, func() error { _, err := WeightedMedian(decs("1"), []decimal.Decimal{minusOne}); return err }},
		{"WeightedMedian", "weight 1e9999", ErrInvalidInput, nil, func() error { _, err := WeightedMedian(decs("1"), []decimal.Decimal{hugeDec}); return err }},
		{"WeightedMedian", "weights shorter than prices", ErrInvalidInput, nil, func() error { _, err := WeightedMedian(decs("1", "2"), decs("1")); return err }},
		{"WeightedMedian", "nil weights", ErrInvalidInput, nil, func() error { _, err := WeightedMedian(decs("1"), nil); return err }},
		{"TrimmedMean", "scale 1e8", ErrInvalidInput, nil, func() error { _, err := TrimmedMean(decs("1", "2"), decimal.Zero, 100_000_000); return err }},
		{"TrimmedMean", "trim 0.5", ErrInvalidInput, nil, func() error { _, err := TrimmedMean(decs("1", "2"), d("0.5"), 2); return err }},
		{"TrimmedMean", "trim 1e9999", ErrInvalidInput, nil, func() error { _, err := TrimmedMean(decs("1", "2"), hugeDec, 2); return err }},
		{"TrimmedMean", "trim -1e-40", ErrInvalidInput, nil, func() error { _, err := TrimmedMean(decs("1", "2"), tinyDec.Neg(), 2); return err }},
		{"CheckResult", "bad settings", ErrInvalidSettings, nil, func() error { return CheckResult(t0, AggregatorSettings{}, Result{}) }},
		{"CheckResult", "used quote 1e9999", ErrInvariant, nil, func() error {
			return CheckResult(t0, AggregatorSettings{MaxAge: time.Minute}, Result{Used: []Quote{{Source: "a", Price: hugeDec, Time: t0}}})
		}},
		{"Quote.Validate", "price 1e9999", ErrInvalidQuote, nil, func() error { return Quote{Source: "a", Price: hugeDec, Time: t0}.Validate() }},
		{"Quote.Validate", "price −0", ErrInvalidQuote, nil, func() error { return Quote{Source: "a", Price: negZero, Time: t0}.Validate() }},
		{"Quote.Validate", "confidence 1e-40", ErrInvalidQuote, nil, func() error { return Quote{Source: "a", Price: d("1"), Confidence: tinyDec, Time: t0}.Validate() }},
		{"Quote.Validate", "empty source", ErrInvalidQuote, nil, func() error { return Quote{Price: d("1"), Time: t0}.Validate() }},
		{"Quote.Validate", "year 10000", ErrInvalidQuote, nil, func() error { return Quote{Source: "a", Price: d("1"), Time: farTime}.Validate() }},
		// Settings constructors.
		{"NewAggregator", "zero value (no MaxAge)", ErrInvalidSettings, nil, func() error { return second(NewAggregator(AggregatorSettings{})) }},
		{"NewAggregator", "MaxDeviation 1e9999", ErrInvalidSettings, nil, func() error { return second(NewAggregator(AggregatorSettings{MaxAge: 1, MaxDeviation: hugeDec})) }},
		{"NewAggregator", "MinAnswer −1", ErrInvalidSettings, nil, func() error { return second(NewAggregator(AggregatorSettings{MaxAge: 1, MinAnswer: minusOne})) }},
		{"NewAggregator", "Scale 1e8", ErrInvalidSettings, nil, func() error { return second(NewAggregator(AggregatorSettings{MaxAge: 1, Scale: 100_000_000})) }},
		{"NewAggregator", "MinSources MaxQuotes+1", ErrInvalidSettings, nil, func() error { return second(NewAggregator(AggregatorSettings{MaxAge: 1, MinSources: MaxQuotes + 1})) }},
		{"NewAggregator", "Method 99", ErrInvalidSettings, nil, func() error { return second(NewAggregator(AggregatorSettings{MaxAge: 1, Method: 99})) }},
		{"NewFeed", "no tiers", ErrInvalidSettings, nil, func() error { return second(NewFeed(FeedSettings{MaxAge: 1})) }},
		{"NewFeed", "duplicate source", ErrInvalidSettings, nil, func() error {
			return second(NewFeed(FeedSettings{MaxAge: 1, Tiers: []Tier{{Name: "p", Sources: []string{"a", "a"}, Aggregation: AggregatorSettings{MaxAge: 1}}}}))
		}},
		{"NewFeed", "quorum above the tier's sources", ErrInvalidSettings, nil, func() error {
			return second(NewFeed(FeedSettings{MaxAge: 1, Tiers: []Tier{{Name: "p", Sources: []string{"a"}, Aggregation: AggregatorSettings{MaxAge: 1, MinSources: 2}}}}))
		}},
		{"NewFeed", "MaxJump 1e9999", ErrInvalidSettings, nil, func() error {
			return second(NewFeed(FeedSettings{MaxAge: 1, MaxJump: hugeDec, Tiers: testFeedSettings().Tiers}))
		}},
		{"NewTWAP", "MaxObservations MaxQuotes+1", ErrInvalidSettings, nil, func() error { return second(NewTWAP(TWAPSettings{Window: 1, MaxObservations: MaxQuotes + 1})) }},
		{"NewTWAP", "Scale 1e8", ErrInvalidSettings, nil, func() error { return second(NewTWAP(TWAPSettings{Window: 1, Scale: 100_000_000})) }},
		{"NewTWAP", "MinCoverage above Window", ErrInvalidSettings, nil, func() error { return second(NewTWAP(TWAPSettings{Window: 1, MinCoverage: 2})) }},
		{"NewEMA", "HalfLife 0", ErrInvalidSettings, nil, func() error { return second(NewEMA(EMASettings{})) }},
		{"NewEMA", "Scale 37", ErrInvalidSettings, nil, func() error { return second(NewEMA(EMASettings{HalfLife: 1, Scale: 37})) }},
		{"NewDelayed", "Hop −1", ErrInvalidSettings, nil, func() error { return second(NewDelayed(DelayedSettings{Hop: -1})) }},
		{"NewDelayed", "MaxAge below Hop", ErrInvalidSettings, nil, func() error { return second(NewDelayed(DelayedSettings{Hop: 2, MaxAge: 1})) }},
		{"NewCollector", "typed-nil source", ErrInvalidSettings, nil, func() error { return second(NewCollector(CollectorSettings{}, typedNil)) }},
		{"NewCollector", "nil source", ErrInvalidSettings, nil, func() error { return second(NewCollector(CollectorSettings{}, nil)) }},
		{"NewCollector", "SourceFunc without Fn", ErrInvalidSettings, nil, func() error { return second(NewCollector(CollectorSettings{}, SourceFunc{ID: "a"})) }},
		{"NewCollector", "*SourceFunc without Fn", ErrInvalidSettings, nil, func() error { return second(NewCollector(CollectorSettings{}, &SourceFunc{ID: "a"})) }},
		{"NewCollector", "duplicate source name", ErrInvalidSettings, nil, func() error { return second(NewCollector(CollectorSettings{}, okSrc, okSrc)) }},
		{"NewCollector", "empty source name", ErrInvalidSettings, nil, func() error { return second(NewCollector(CollectorSettings{}, SourceFunc{Fn: okSrc.Fn})) }},
		{"NewCollector", "negative timeout", ErrInvalidSettings, nil, func() error { return second(NewCollector(CollectorSettings{Timeout: -1}, okSrc)) }},
		{"SourceFunc.Fetch", "nil Fn", ErrSourceFailed, nil, func() error { return second(SourceFunc{ID: "a"}.Fetch(context.Background())) }},
		{"Collector.Collect", "nil context", ErrInvalidInput, nil, func() error { return col.Collect(nilCtx).Errors[0].Err }},
		// Aggregator.
		{"Aggregator.Aggregate", "zero now", ErrInvalidInput, nil, func() error { return second(agg.Aggregate(time.Time{}, nil)) }},
		{"Aggregator.Aggregate", "now in year 10000", ErrInvalidInput, nil, func() error { return second(agg.Aggregate(farTime, nil)) }},
		{"Aggregator.Aggregate", "MaxQuotes+1 quotes", ErrInvalidInput, nil, func() error { return second(agg.Aggregate(at(5), tooMany)) }},
		// Feed.
		{"Feed.Update", "zero now", ErrInvalidInput, feedSnap, func() error { return second(feed.Update(time.Time{}, nil)) }},
		{"Feed.Update", "backwards now", ErrOutOfOrder, feedSnap, func() error { return second(feed.Update(at(4), nil)) }},
		{"Feed.Update", "now in year 10000", ErrInvalidInput, feedSnap, func() error { return second(feed.Update(farTime, nil)) }},
		{"Feed.Update", "MaxQuotes+1 quotes", ErrInvalidInput, feedSnap, func() error { return second(feed.Update(at(6), tooMany)) }},
		{"Feed.Update", "while halted", ErrHalted, haltedSnap, func() error { return second(halted.Update(at(2), nil)) }},
		{"Feed.Price", "backwards now", ErrOutOfOrder, feedSnap, func() error { return second(feed.Price(at(4))) }},
		{"Feed.Price", "zero now", ErrOutOfOrder, feedSnap, func() error { return second(feed.Price(time.Time{})) }},
		{"Feed.Halt", "zero now", ErrInvalidInput, feedSnap, func() error { return second(feed.Halt(time.Time{}, "x")) }},
		{"Feed.Halt", "backwards now", ErrOutOfOrder, feedSnap, func() error { return second(feed.Halt(at(4), "x")) }},
		{"Feed.Halt", "already halted", ErrHalted, haltedSnap, func() error { return second(halted.Halt(at(2), "x")) }},
		{"Feed.Resume", "not halted", ErrInvalidInput, feedSnap, func() error { return second(feed.Resume(at(6))) }},
		{"Feed.Resume", "backwards now", ErrOutOfOrder, haltedSnap, func() error { return second(halted.Resume(at(0))) }},
		{"Feeds.Price", "unknown market", ErrUnknownMarket, feedSnap, func() error { return second(Feeds{"BTC": feed}.Price(at(6), "ETH")) }},
		{"Feeds.Price", "empty market ID", ErrUnknownMarket, feedSnap, func() error { return second(Feeds{"BTC": feed}.Price(at(6), "")) }},
		{"Feeds.Price", "nil feed", ErrUnknownMarket, nil, func() error { return second(Feeds{"BTC": nil}.Price(at(6), "BTC")) }},
		{"Feeds.Price", "nil map", ErrUnknownMarket, nil, func() error { return second(Feeds(nil).Price(at(6), "BTC")) }},
		{"RestoreFeed", "price 1e9999", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreFeed(testFeedSettings(), feedMod(func(s *FeedSnapshot) { s.Price = hugeDec })))
		}},
		{"RestoreFeed", "price −0 with HasPrice", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreFeed(testFeedSettings(), feedMod(func(s *FeedSnapshot) { s.Price = negZero })))
		}},
		{"RestoreFeed", "unknown tier", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreFeed(testFeedSettings(), feedMod(func(s *FeedSnapshot) { s.Active = "nope" })))
		}},
		{"RestoreFeed", "accepted after last update", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreFeed(testFeedSettings(), feedMod(func(s *FeedSnapshot) { s.LastUpdate = at(0) })))
		}},
		{"RestoreFeed", "status 99", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreFeed(testFeedSettings(), feedMod(func(s *FeedSnapshot) { s.Status = 99 })))
		}},
		{"RestoreFeed", "year 10000", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreFeed(testFeedSettings(), feedMod(func(s *FeedSnapshot) { s.LastUpdate = farTime })))
		}},
		// TWAP and EMA.
		{"TWAP.Update", "price 1e9999", ErrInvalidInput, twapSnap, func() error { return twap.Update(at(6), hugeDec) }},
		{"TWAP.Update", "price 1e-40", ErrInvalidInput, twapSnap, func() error { return twap.Update(at(6), tinyDec) }},
		{"TWAP.Update", "price −0", ErrInvalidInput, twapSnap, func() error { return twap.Update(at(6), negZero) }},
		{"TWAP.Update", "backwards now", ErrOutOfOrder, twapSnap, func() error { return twap.Update(at(4), d("1")) }},
		{"TWAP.Update", "zero now", ErrInvalidInput, twapSnap, func() error { return twap.Update(time.Time{}, d("1")) }},
		{"TWAP.Value", "backwards now", ErrOutOfOrder, twapSnap, func() error { return second(twap.Value(at(4))) }},
		{"RestoreTWAP", "times not increasing", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreTWAP(TWAPSettings{Window: time.Hour}, TWAPSnapshot{Observations: []Observation{{at(1), d("1")}, {at(1), d("2")}}}))
		}},
		{"RestoreTWAP", "more than MaxObservations", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreTWAP(TWAPSettings{Window: time.Hour, MaxObservations: 1}, TWAPSnapshot{Observations: []Observation{{at(1), d("1")}, {at(2), d("2")}}}))
		}},
		{"EMA.Update", "price −1", ErrInvalidInput, emaSnap, func() error { return second(ema.Update(at(6), minusOne)) }},
		{"EMA.Update", "price 1e9999", ErrInvalidInput, emaSnap, func() error { return second(ema.Update(at(6), hugeDec)) }},
		{"EMA.Update", "backwards now", ErrOutOfOrder, emaSnap, func() error { return second(ema.Update(at(4), d("1"))) }},
		{"EMA.Value", "zero now", ErrOutOfOrder, emaSnap, func() error { return second(ema.Value(time.Time{})) }},
		{"RestoreEMA", "value outside [min, max]", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreEMA(EMASettings{HalfLife: time.Hour}, EMASnapshot{HasValue: true, Value: d("9"), Price: d("5"), Min: d("5"), Max: d("6"), Time: t0}))
		}},
		// Delayed.
		{"Delayed.Poke", "price 1e9999", ErrInvalidInput, osmSnap, func() error { return second(osm.Poke(at(200), hugeDec)) }},
		{"Delayed.Poke", "price 0", ErrInvalidInput, osmSnap, func() error { return second(osm.Poke(at(200), decimal.Zero)) }},
		{"Delayed.Poke", "before a hop", ErrTooEarly, osmSnap, func() error { return second(osm.Poke(at(119), d("1"))) }},
		{"Delayed.Poke", "backwards now", ErrOutOfOrder, osmSnap, func() error { return second(osm.Poke(at(30), d("1"))) }},
		{"Delayed.Poke", "while stopped", ErrStopped, stoppedSnap, func() error { return second(stopped.Poke(at(200), d("1"))) }},
		{"Delayed.Price", "backwards now", ErrOutOfOrder, osmSnap, func() error { return second(osm.Price(at(30))) }},
		{"Delayed.Stop", "zero now", ErrInvalidInput, osmSnap, func() error { return second(osm.Stop(time.Time{})) }},
		{"Delayed.Start", "backwards now", ErrOutOfOrder, stoppedSnap, func() error { return second(stopped.Start(at(-1))) }},
		{"Delayed.Void", "year 10000", ErrInvalidInput, osmSnap, func() error { return second(osm.Void(farTime)) }},
		{"RestoreDelayed", "current without next", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreDelayed(DelayedSettings{Hop: time.Hour}, osmMod(func(s *DelayedSnapshot) { s.HasNext, s.Next = false, decimal.Zero })))
		}},
		{"RestoreDelayed", "unaligned poke", ErrInvalidSnapshot, nil, func() error {
			return second(RestoreDelayed(DelayedSettings{Hop: time.Hour}, osmMod(func(s *DelayedSnapshot) { s.LastPoke = s.LastPoke.Add(time.Second) })))
		}},
		// Text and JSON decoders of host data.
		{"Method.UnmarshalText", "unknown name", ErrInvalidSettings, nil, func() error { var m Method; return m.UnmarshalText([]byte("mean")) }},
		{"Status.UnmarshalText", "unknown name", ErrInvalidSnapshot, nil, func() error { var s Status; return s.UnmarshalText([]byte("ok")) }},
		{"Reason.UnmarshalJSON", "not a string", ErrInvalidSnapshot, nil, func() error { var r Reason; return r.UnmarshalJSON([]byte("7")) }},
		{"Method.MarshalText", "Method 99", ErrInvalidSettings, nil, func() error { return second(Method(99).MarshalText()) }},
		{"Status.MarshalText", "Status −1", ErrInvalidSnapshot, nil, func() error { return second(Status(-1).MarshalText()) }},
	}
	entries := runHunt(t, cases)
	// Pure readers with a documented safe answer rather than an error.
	if osm.Pass(at(30)) || osm.Pass(time.Time{}) {
		t.Error("Delayed.Pass before the last poke or at the zero time must be false")
	}
	if (Result{}).RejectedFor("") != 0 || IsBreakerOpen(nil) {
		t.Error("RejectedFor(\"\") and IsBreakerOpen(nil) must be the zero answers")
	}
	if len(entries) < 37 {
		t.Errorf("the table covers %d entry points; keep it complete", len(entries))
	}
	if err := feed.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// runHunt runs each bad input: it must be refused with its sentinel within
// 500 ms and, where the case names a snapshot, change nothing. It returns
// the entry points covered.
func runHunt(t *testing.T, cases []huntCase) map[string]bool {
	t.Helper()
	entries := map[string]bool{}
	for _, tc := range cases {
		entries[tc.entry] = true
		name := tc.entry + ": " + tc.input
		var before string
		if tc.snap != nil {
			before = snapJSON(t, tc.snap())
		}
		within(t, 500*time.Millisecond, name, func() {
			if err := tc.call(); !errors.Is(err, tc.want) {
				t.Errorf("%s: err %v, want %v", name, err, tc.want)
			}
		})
		if tc.snap != nil {
			if after := snapJSON(t, tc.snap()); after != before {
				t.Errorf("%s changed state:\nbefore %s\nafter  %s", name, before, after)
			}
		}
	}
	return entries
}

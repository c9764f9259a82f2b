package oracle

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Issue 2, "Bad input": zero or negative price or weight, empty source name,
// confidence below zero, a non-positive window or hop, quotes out of time
// order for stateful types: a clear error (or, in the pure aggregate, a
// matchable rejection), state unchanged, never a panic.

// absurd decimals that num.Check refuses: too many places, too many digits.
var (
	tooFine  = decimal.New(1, -40)
	tooLarge = decimal.New(1, 40)
)

// Every malformed quote is a ReasonInvalid rejection whose Detail names the
// problem, under every method, and never a panic.
func TestAggregateMalformedQuotes(t *testing.T) {
	good := qt("good", "100", 0)
	tests := []struct {
		name   string
		q      Quote
		detail string
	}{
		{"empty source", Quote{Price: d("100"), Time: t0}, "empty source"},
		{"zero price", qt("x", "0", 0), "price"},
		{"negative price", qt("x", "-5", 0), "price"},
		{"negative confidence", Quote{Source: "x", Price: d("100"), Confidence: d("-0.1"), Time: t0}, "confidence"},
		{"negative weight", Quote{Source: "x", Price: d("100"), Weight: d("-2"), Time: t0}, "weight"},
		{"zero time", Quote{Source: "x", Price: d("100")}, "zero time"},
		{"price with 40 places", Quote{Source: "x", Price: tooFine, Time: t0}, "price"},
		{"price of 41 digits", Quote{Source: "x", Price: tooLarge, Time: t0}, "price"},
		{"confidence with 40 places", Quote{Source: "x", Price: d("100"), Confidence: tooFine, Time: t0}, "confidence"},
		{"weight of 41 digits", Quote{Source: "x", Price: d("100"), Weight: tooLarge, Time: t0}, "weight"},
	}
	for _, tc := range tests {
		for m := MethodMedian; m <= MethodTrimmedMean; m++ {
			a, err := NewAggregator(AggregatorSettings{MaxAge: time.Minute, Method: m})
			if err != nil {
				t.Fatal(err)
			}
			g := good
			g.Weight = d("1")
			res, err := a.Aggregate(t0, []Quote{tc.q, g})
			if err != nil {
				t.Fatalf("%s/%s: %v", tc.name, m, err)
			}
			if !res.Price.Equal(d("100")) || len(res.Used) != 1 || res.Used[0].Source != "good" {
				t.Fatalf("%s/%s: the malformed quote was used: %+v", tc.name, m, res)
			}
			if len(res.Rejected) != 1 || res.Rejected[0].Reason != ReasonInvalid || res.Rejected[0].Index != 0 ||
				!strings.Contains(res.Rejected[0].Detail, tc.detail) {
				t.Fatalf("%s/%s: rejected %+v, want ReasonInvalid naming %q", tc.name, m, res.Rejected, tc.detail)
			}
			if err := tc.q.Validate(); !errors.Is(err, ErrInvalidQuote) {
				t.Fatalf("%s: Validate = %v", tc.name, err)
			}
		}
	}
}

// snapJSON is a state's snapshot as JSON, to compare before and after a
// refused call exactly (decimal exponents included).
func snapJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// refuse runs a call that must fail with want and leave the snapshot as it
// was.
func refuse(t *testing.T, name string, snap func() any, want error, call func() error) {
	t.Helper()
	before := snapJSON(t, snap())
	err := call()
	if !errors.Is(err, want) {
		t.Errorf("%s: err %v, want %v", name, err, want)
	}
	if after := snapJSON(t, snap()); after != before {
		t.Errorf("%s changed state:\nbefore %s\nafter  %s", name, before, after)
	}
}

func TestFeedRefusedCallsChangeNothing(t *testing.T) {
	f := mustFeed(t, testFeedSettings())
	if _, err := f.Update(at(5), []Quote{qa("a", "100", at(5)), qa("b", "100", at(5))}); err != nil {
		t.Fatal(err)
	}
	snap := func() any { return f.Snapshot() }
	up := func(now time.Time) func() error {
		return func() error { _, err := f.Update(now, []Quote{qa("a", "100", now), qa("b", "100", now)}); return err }
	}
	refuse(t, "update at zero time", snap, ErrInvalidInput, up(time.Time{}))
	refuse(t, "update out of order", snap, ErrOutOfOrder, up(at(4)))
	refuse(t, "halt at zero time", snap, ErrInvalidInput, func() error { _, err := f.Halt(time.Time{}, "x"); return err })
	refuse(t, "halt out of order", snap, ErrOutOfOrder, func() error { _, err := f.Halt(at(4), "x"); return err })
	refuse(t, "resume when not halted", snap, ErrInvalidInput, func() error { _, err := f.Resume(at(6)); return err })
	if _, err := f.Halt(at(6), "governance"); err != nil {
		t.Fatal(err)
	}
	refuse(t, "update while halted", snap, ErrHalted, up(at(7)))
	refuse(t, "halt twice", snap, ErrHalted, func() error { _, err := f.Halt(at(7), "again"); return err })
	refuse(t, "resume out of order", snap, ErrOutOfOrder, func() error { _, err := f.Resume(at(5)); return err })
	if _, err := f.Resume(at(8)); err != nil {
		t.Fatal(err)
	}
	// Malformed quotes are not a bad call: they are rejected as values and
	// never become the price. The last good price is kept.
	u, err := f.Update(at(9), []Quote{qa("a", "0", at(9)), qa("b", "-1", at(9)),
		{Source: "c", Price: tooFine, Time: at(9)}, {Source: "a", Price: d("100"), Confidence: d("-1"), Time: at(9)}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Accepted || !u.Price.Equal(d("100")) {
		t.Fatalf("malformed quotes moved the feed: %+v", u)
	}
	for _, rj := range u.Tiers[0].Result.Rejected {
		if rj.Reason != ReasonInvalid {
			t.Errorf("%s rejected as %s, want invalid", rj.Quote.Source, rj.Reason)
		}
	}
	if err := f.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

func TestSmoothersRefusedCallsChangeNothing(t *testing.T) {
	w, _ := NewTWAP(TWAPSettings{Window: time.Hour})
	e, _ := NewEMA(EMASettings{HalfLife: time.Hour})
	for _, p := range []struct {
		at    time.Time
		price string
	}{{at(0), "100"}, {at(10), "110.5"}} {
		if err := w.Update(p.at, d(p.price)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Update(p.at, d(p.price)); err != nil {
			t.Fatal(err)
		}
	}
	bad := []struct {
		name  string
		now   time.Time
		price decimal.Decimal
		want  error
	}{
		{"zero time", time.Time{}, d("100"), ErrInvalidInput},
		{"zero price", at(11), d("0"), ErrInvalidInput},
		{"negative price", at(11), d("-1"), ErrInvalidInput},
		{"price with 40 places", at(11), tooFine, ErrInvalidInput},
		{"price of 41 digits", at(11), tooLarge, ErrInvalidInput},
		{"out of order", at(9), d("100"), ErrOutOfOrder},
	}
	for _, b := range bad {
		refuse(t, "TWAP "+b.name, func() any { return w.Snapshot() }, b.want, func() error { return w.Update(b.now, b.price) })
		refuse(t, "EMA "+b.name, func() any { return e.Snapshot() }, b.want, func() error { _, err := e.Update(b.now, b.price); return err })
	}
	refuse(t, "TWAP read in the past", func() any { return w.Snapshot() }, ErrOutOfOrder, func() error { _, err := w.Value(at(9)); return err })
	refuse(t, "EMA read in the past", func() any { return e.Snapshot() }, ErrOutOfOrder, func() error { _, err := e.Value(at(9)); return err })
}

func TestDelayedRefusedCallsChangeNothing(t *testing.T) {
	o, _ := NewDelayed(DelayedSettings{Hop: time.Hour})
	base := time.Date(2024, 3, 1, 12, 10, 0, 0, time.UTC)
	if _, err := o.Poke(base, d("100")); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Poke(base.Add(time.Hour), d("101")); err != nil {
		t.Fatal(err)
	}
	snap := func() any { return o.Snapshot() }
	poke := func(now time.Time, p decimal.Decimal) func() error {
		return func() error { _, err := o.Poke(now, p); return err }
	}
	later := base.Add(3 * time.Hour)
	refuse(t, "poke at zero time", snap, ErrInvalidInput, poke(time.Time{}, d("1")))
	refuse(t, "poke zero price", snap, ErrInvalidInput, poke(later, d("0")))
	refuse(t, "poke negative price", snap, ErrInvalidInput, poke(later, d("-3")))
	refuse(t, "poke absurd price", snap, ErrInvalidInput, poke(later, tooLarge))
	refuse(t, "poke before the hop", snap, ErrTooEarly, poke(base.Add(time.Hour+30*time.Minute), d("1")))
	refuse(t, "poke out of order", snap, ErrOutOfOrder, poke(base, d("1")))
	refuse(t, "stop at zero time", snap, ErrInvalidInput, func() error { _, err := o.Stop(time.Time{}); return err })
	refuse(t, "void out of order", snap, ErrOutOfOrder, func() error { _, err := o.Void(base); return err })
	if _, err := o.Stop(later); err != nil {
		t.Fatal(err)
	}
	refuse(t, "poke while stopped", snap, ErrStopped, poke(later.Add(time.Hour), d("1")))
	refuse(t, "start out of order", snap, ErrOutOfOrder, func() error { _, err := o.Start(base); return err })
}

func TestNonPositiveDurationsRejected(t *testing.T) {
	for _, dur := range []time.Duration{0, -time.Nanosecond, -time.Hour} {
		if _, err := NewTWAP(TWAPSettings{Window: dur}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("TWAP window %s: %v", dur, err)
		}
		if _, err := NewEMA(EMASettings{HalfLife: dur}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("EMA half-life %s: %v", dur, err)
		}
		if _, err := NewDelayed(DelayedSettings{Hop: dur}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("Delayed hop %s: %v", dur, err)
		}
		if _, err := NewAggregator(AggregatorSettings{MaxAge: dur}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("aggregator MaxAge %s: %v", dur, err)
		}
		s := testFeedSettings()
		s.MaxAge = dur
		if _, err := NewFeed(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("feed MaxAge %s: %v", dur, err)
		}
	}
	if _, err := NewDelayed(DelayedSettings{Hop: time.Hour, MaxAge: 59 * time.Minute}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("Delayed MaxAge shorter than Hop: %v", err)
	}
	if _, err := NewAggregator(AggregatorSettings{MaxAge: time.Minute, MaxDeviation: tooFine}); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("absurd MaxDeviation: %v", err)
	}
}

func TestRestoreRejectsMalformedSmoothers(t *testing.T) {
	tw := TWAPSettings{Window: time.Hour, MaxObservations: 3}
	for name, snap := range map[string]TWAPSnapshot{
		"zero price":      {Observations: []Observation{{Time: at(0), Price: d("0")}}},
		"absurd price":    {Observations: []Observation{{Time: at(0), Price: tooFine}}},
		"zero time":       {Observations: []Observation{{Price: d("1")}}},
		"same time twice": {Observations: []Observation{{Time: at(0), Price: d("1")}, {Time: at(0), Price: d("2")}}},
		"time going back": {Observations: []Observation{{Time: at(1), Price: d("1")}, {Time: at(0), Price: d("2")}}},
		"over the cap":    {Observations: []Observation{{Time: at(0), Price: d("1")}, {Time: at(1), Price: d("1")}, {Time: at(2), Price: d("1")}, {Time: at(3), Price: d("1")}}},
	} {
		if _, err := RestoreTWAP(tw, snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("TWAP %s: %v", name, err)
		}
	}
	good := EMASnapshot{HasValue: true, Value: d("5"), Price: d("6"), Time: at(0), Min: d("5"), Max: d("6")}
	mod := func(f func(*EMASnapshot)) EMASnapshot { x := good; f(&x); return x }
	for name, snap := range map[string]EMASnapshot{
		"value below min":    mod(func(x *EMASnapshot) { x.Value = d("4") }),
		"price above max":    mod(func(x *EMASnapshot) { x.Price = d("7") }),
		"min above max":      mod(func(x *EMASnapshot) { x.Min, x.Max = d("6"), d("5") }),
		"zero time":          mod(func(x *EMASnapshot) { x.Time = time.Time{} }),
		"absurd value":       mod(func(x *EMASnapshot) { x.Value = tooLarge }),
		"fields without has": mod(func(x *EMASnapshot) { x.HasValue = false }),
	} {
		if _, err := RestoreEMA(EMASettings{HalfLife: time.Hour}, snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("EMA %s: %v", name, err)
		}
	}
	if _, err := RestoreEMA(EMASettings{HalfLife: time.Hour}, good); err != nil {
		t.Fatal(err)
	}
	hour := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	dg := DelayedSnapshot{Current: d("1"), HasCurrent: true, Next: d("2"), HasNext: true, LastPoke: hour, LastChange: hour.Add(time.Minute)}
	dmod := func(f func(*DelayedSnapshot)) DelayedSnapshot { x := dg; f(&x); return x }
	for name, snap := range map[string]DelayedSnapshot{
		"unaligned poke":       dmod(func(x *DelayedSnapshot) { x.LastPoke = hour.Add(time.Second) }),
		"current without next": dmod(func(x *DelayedSnapshot) { x.Next, x.HasNext = decimal.Zero, false }),
		"has but zero":         dmod(func(x *DelayedSnapshot) { x.Current = decimal.Zero }),
		"negative next":        dmod(func(x *DelayedSnapshot) { x.Next = d("-2") }),
		"absurd next":          dmod(func(x *DelayedSnapshot) { x.Next = tooFine }),
		"poke after change":    dmod(func(x *DelayedSnapshot) { x.LastChange = hour.Add(-time.Hour) }),
		"value without a poke": dmod(func(x *DelayedSnapshot) { x.LastPoke = time.Time{} }),
	} {
		if _, err := RestoreDelayed(DelayedSettings{Hop: time.Hour}, snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("Delayed %s: %v", name, err)
		}
	}
	if _, err := RestoreDelayed(DelayedSettings{Hop: time.Hour}, dg); err != nil {
		t.Fatal(err)
	}
	fs := testFeedSettings()
	fg := FeedSnapshot{Price: d("100"), Time: at(0), ObservedAt: at(0), HasPrice: true, Status: StatusLive, Active: "primary", LastUpdate: at(0)}
	for name, snap := range map[string]FeedSnapshot{
		"absurd price":            {Price: tooLarge, Time: at(0), ObservedAt: at(0), HasPrice: true, Status: StatusLive, Active: "primary", LastUpdate: at(0)},
		"observed after accepted": {Price: d("100"), Time: at(0), ObservedAt: at(1), HasPrice: true, Status: StatusLive, Active: "primary", LastUpdate: at(1)},
		"price without a time":    {Price: d("100"), ObservedAt: at(0), HasPrice: true, Status: StatusLive, Active: "primary", LastUpdate: at(0)},
	} {
		if _, err := RestoreFeed(fs, snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("Feed %s: %v", name, err)
		}
	}
	if _, err := RestoreFeed(fs, fg); err != nil {
		t.Fatal(err)
	}
}

// A Result survives a JSON round trip (a host logs it and reads it back):
// reasons by name, decimals exactly.
func TestResultJSONRoundTrip(t *testing.T) {
	a, err := NewAggregator(AggregatorSettings{MaxAge: time.Minute, MaxDeviation: d("0.05")})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Aggregate(t0, []Quote{qt("a", "100", 0), qt("b", "101.5", 0), qt("c", "150", 0),
		qt("d", "100", time.Hour), {Source: "e", Price: d("-1"), Time: t0}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(res, back, testkit.EquateDecimals); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	var r Reason
	if err := json.Unmarshal([]byte(`"no-such-reason"`), &r); err == nil {
		t.Fatal("unknown reason accepted")
	}
	if err := json.Unmarshal([]byte(`"unknown"`), &r); err == nil {
		t.Fatal(`"unknown" accepted as a reason`)
	}
}

// One Aggregator shared by goroutines (its working slices are pooled) gives
// each call the result a lone call gives. Run with -race.
func TestAggregateConcurrentCallsAgree(t *testing.T) {
	a, err := NewAggregator(allGuards())
	if err != nil {
		t.Fatal(err)
	}
	sets := make([][]Quote, 8)
	want := make([]string, len(sets))
	for i := range sets {
		qs := quotes21()
		qs = qs[:len(qs)-i] // different sizes and rejections
		if i%2 == 1 {
			qs = append(qs, qt("late", "65000", 2*time.Minute), Quote{Source: "bad", Price: d("-1"), Time: t0})
		}
		sets[i] = qs
		res, err := a.Aggregate(t0, qs)
		want[i] = snapJSON(t, res) + fmt.Sprint(err)
	}
	errs := make(chan string, 4*len(sets))
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 50; round++ {
				for i, qs := range sets {
					res, err := a.Aggregate(t0, qs)
					b, _ := json.Marshal(res)
					if got := string(b) + fmt.Sprint(err); got != want[i] {
						errs <- fmt.Sprintf("set %d: got %s, want %s", i, got, want[i])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

package oracle

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Regression tests for issue 10 (fail-safe at the seams) in oracle.

// within runs f and fails the test if it takes longer than limit (a refusal
// must come within milliseconds; the old code hung for minutes). Limits are
// generous (500 ms) so a loaded shared CI machine does not flake; a refusal
// takes microseconds.
func within(t *testing.T, limit time.Duration, name string, f func()) {
	t.Helper()
	done := make(chan struct{})
	start := time.Now()
	go func() { defer close(done); f() }()
	select {
	case <-done:
		if el := time.Since(start); el > limit {
			t.Errorf("%s took %s, more than %s", name, el, limit)
		}
	case <-time.After(limit + 2*time.Second):
		t.Fatalf("%s still running after %s (hang)", name, limit+2*time.Second)
	}
}

// Issue 10 item 10: Median / TrimmedMean with a result scale of 1e8 hung
// (1e7 took 4 s). Every scale, count and decimal a host passes to the pure
// functions is bounded before any arithmetic and refused within
// milliseconds with ErrInvalidInput.
func TestPureAggregatesRefuseUnboundedInputFast(t *testing.T) {
	huge := decimal.New(1, 9999)                 // 1e9999
	tiny := decimal.New(1, -40)                  // 1e-40
	many := make([]decimal.Decimal, MaxQuotes+1) // one over the count bound
	for i := range many {
		many[i] = decimal.NewFromInt(int64(i + 1))
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"Median scale 1e8", func() error { _, err := Median(decs("1", "2"), 100_000_000); return err }},
		{"Median scale 1e7", func() error { _, err := Median(decs("1", "2"), 10_000_000); return err }},
		{"Median scale MaxInt32", func() error { _, err := Median(decs("1", "2"), 1<<31-1); return err }},
		{"Median scale -1", func() error { _, err := Median(decs("1", "2"), -1); return err }},
		{"Median scale 37", func() error { _, err := Median(decs("1", "2"), 37); return err }},
		{"Median price 1e9999", func() error { _, err := Median([]decimal.Decimal{huge, d("1")}, 2); return err }},
		{"Median price 1e-40", func() error { _, err := Median([]decimal.Decimal{tiny, d("1")}, 2); return err }},
		{"Median too many prices", func() error { _, err := Median(many, 2); return err }},
		{"Median empty", func() error { _, err := Median(nil, 2); return err }},
		{"TrimmedMean scale 1e8", func() error { _, err := TrimmedMean(decs("1", "2", "4"), decimal.Zero, 100_000_000); return err }},
		{"TrimmedMean scale -5", func() error { _, err := TrimmedMean(decs("1", "2", "4"), decimal.Zero, -5); return err }},
		{"TrimmedMean trim 1e9999", func() error { _, err := TrimmedMean(decs("1", "2"), huge, 2); return err }},
		{"TrimmedMean trim -1e-40", func() error { _, err := TrimmedMean(decs("1", "2"), tiny.Neg(), 2); return err }},
		{"TrimmedMean price 1e9999", func() error { _, err := TrimmedMean([]decimal.Decimal{huge}, decimal.Zero, 2); return err }},
		{"TrimmedMean too many prices", func() error { _, err := TrimmedMean(many, decimal.Zero, 2); return err }},
		{"WeightedMedian weight 1e9999", func() error { _, err := WeightedMedian(decs("1", "2"), []decimal.Decimal{huge, d("1")}); return err }},
		{"WeightedMedian price 1e9999", func() error { _, err := WeightedMedian([]decimal.Decimal{huge, d("1")}, decs("1", "1")); return err }},
		{"WeightedMedian weights short", func() error { _, err := WeightedMedian(decs("1", "2"), decs("1")); return err }},
		{"WeightedMedian weight -0", func() error {
			_, err := WeightedMedian(decs("1"), []decimal.Decimal{decimal.New(0, -3).Neg()})
			return err
		}},
	}
	for _, tc := range tests {
		within(t, 500*time.Millisecond, tc.name, func() {
			if err := tc.call(); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s: err %v, want ErrInvalidInput", tc.name, err)
			}
		})
	}
	// The bounds are inclusive: scale 36 and MaxQuotes prices still work.
	if m, err := Median(decs("1", "2"), 36); err != nil || !m.Equal(d("1.5")) {
		t.Errorf("Median at scale 36 = %s, %v", m, err)
	}
	within(t, 3*time.Second, "Median of MaxQuotes prices", func() {
		if m, err := Median(many[:MaxQuotes], 0); err != nil || !m.Equal(d("32768")) { // mean of 32768 and 32769, half-even
			t.Errorf("Median of MaxQuotes prices = %s, %v", m, err)
		}
	})
}

// Issue 10 item 13: a Delayed poked at a time in a zone whose offset has
// seconds (time.FixedZone("X", 5*3600+1)) did not restore after snapshot →
// JSON ("not aligned to hop"): RFC 3339 writes the offset without its
// seconds, so the time came back one second off. Every stateful type now
// keeps its times in UTC; the round trip restores and continues equally.
// TestPropFeedSnapshotContinue and TestPropSmootherSnapshotContinue check
// this for any sequence in any zone.
func TestDelayedPokedInSecondsOffsetZoneRestores(t *testing.T) {
	z := time.FixedZone("X", 5*3600+1)
	s := DelayedSettings{Hop: time.Hour}
	o, _ := NewDelayed(s)
	poke := time.Date(2024, 3, 1, 12, 30, 0, 0, z)
	if _, err := o.Poke(poke, d("100")); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(o.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap DelayedSnapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		t.Fatal(err)
	}
	r, err := RestoreDelayed(s, snap)
	if err != nil {
		t.Fatalf("restore: %v (snapshot %s)", err, b)
	}
	if !snap.LastChange.Equal(poke) {
		t.Fatalf("last change %s after the round trip, poked at %s", snap.LastChange, poke)
	}
	next := poke.Add(time.Hour)
	for _, x := range []*Delayed{o, r} {
		if _, err := x.Poke(next, d("101")); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := snapJSON(t, o.Snapshot()), snapJSON(t, r.Snapshot()); a != b {
		t.Fatalf("continuing diverged:\n%s\n%s", a, b)
	}
}

// Found by the hunt (issue 10, same class as item 13): a time outside years
// 1 to 9999 was accepted into state, and then the snapshot could not be
// written as JSON at all (encoding/json refuses such years). Such times are
// refused as input (ErrInvalidInput), as a quote (ReasonInvalid) and in a
// snapshot (ErrInvalidSnapshot).
func TestTimesJSONCannotWriteAreRefused(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	w, _ := NewTWAP(TWAPSettings{Window: time.Hour})
	e, _ := NewEMA(EMASettings{HalfLife: time.Hour})
	o, _ := NewDelayed(DelayedSettings{Hop: time.Hour})
	f := mustFeed(t, testFeedSettings())
	refuse(t, "TWAP year 10000", func() any { return w.Snapshot() }, ErrInvalidInput, func() error { return w.Update(far, d("1")) })
	refuse(t, "EMA year 10000", func() any { return e.Snapshot() }, ErrInvalidInput, func() error { _, err := e.Update(far, d("1")); return err })
	refuse(t, "Delayed poke year 10000", func() any { return o.Snapshot() }, ErrInvalidInput, func() error { _, err := o.Poke(far, d("1")); return err })
	refuse(t, "Delayed stop year 10000", func() any { return o.Snapshot() }, ErrInvalidInput, func() error { _, err := o.Stop(far); return err })
	refuse(t, "Feed update year 10000", func() any { return f.Snapshot() }, ErrInvalidInput, func() error { _, err := f.Update(far, nil); return err })
	refuse(t, "Feed halt year 10000", func() any { return f.Snapshot() }, ErrInvalidInput, func() error { _, err := f.Halt(far, "x"); return err })
	if err := (Quote{Source: "a", Price: d("1"), Time: far}).Validate(); !errors.Is(err, ErrInvalidQuote) {
		t.Errorf("quote in year 10000: %v", err)
	}
	if _, err := json.Marshal(far); err == nil {
		t.Fatal("encoding/json now writes year 10000: the bound can be relaxed")
	}
	if _, err := RestoreEMA(EMASettings{HalfLife: time.Hour}, EMASnapshot{HasValue: true, Value: d("1"), Price: d("1"), Min: d("1"), Max: d("1"), Time: far}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Errorf("EMA snapshot in year 10000: %v", err)
	}
	if _, err := RestoreDelayed(DelayedSettings{Hop: time.Hour}, DelayedSnapshot{LastChange: far}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Errorf("Delayed snapshot in year 10000: %v", err)
	}
	if _, err := RestoreFeed(testFeedSettings(), FeedSnapshot{LastUpdate: far}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Errorf("Feed snapshot in year 10000: %v", err)
	}
	if _, err := RestoreTWAP(TWAPSettings{Window: time.Hour}, TWAPSnapshot{Observations: []Observation{{Time: far, Price: d("1")}}}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Errorf("TWAP snapshot in year 10000: %v", err)
	}
}

// Issue 10 item 14: Feed.Price(now) with now before the accepted
// observation served the price, while TWAP, EMA and Delayed's pokes refused
// time going backwards. Every read and write of every stateful type now
// refuses a now before its last accepted input with ErrOutOfOrder, and the
// refusal changes nothing.
func TestTimeBeforeLastInputRefusedEverywhere(t *testing.T) {
	f := mustFeed(t, testFeedSettings())
	if _, err := f.Update(at(5), []Quote{qa("a", "100", at(5)), qa("b", "100", at(5))}); err != nil {
		t.Fatal(err)
	}
	fs := Feeds{"BTC": f}
	w, _ := NewTWAP(TWAPSettings{Window: time.Hour})
	e, _ := NewEMA(EMASettings{HalfLife: time.Hour})
	o, _ := NewDelayed(DelayedSettings{Hop: time.Hour})
	if err := w.Update(at(5), d("100")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Update(at(5), d("100")); err != nil {
		t.Fatal(err)
	}
	for _, m := range []int{0, 60} { // two pokes so a current value exists
		if _, err := o.Poke(at(m), d("100")); err != nil {
			t.Fatal(err)
		}
	}
	past := []time.Time{at(4), at(5).Add(-time.Nanosecond), {}}
	for _, now := range past {
		name := now.Format(time.RFC3339Nano)
		refuse(t, "Feed.Price "+name, func() any { return f.Snapshot() }, ErrOutOfOrder, func() error { _, err := f.Price(now); return err })
		refuse(t, "Feeds.Price "+name, func() any { return f.Snapshot() }, ErrOutOfOrder, func() error { _, err := fs.Price(now, "BTC"); return err })
		refuse(t, "TWAP.Value "+name, func() any { return w.Snapshot() }, ErrOutOfOrder, func() error { _, err := w.Value(now); return err })
		refuse(t, "EMA.Value "+name, func() any { return e.Snapshot() }, ErrOutOfOrder, func() error { _, err := e.Value(now); return err })
		if now.Before(at(60)) {
			refuse(t, "Delayed.Price "+name, func() any { return o.Snapshot() }, ErrOutOfOrder, func() error { _, err := o.Price(now); return err })
			if o.Pass(now) {
				t.Errorf("Delayed.Pass(%s) before the last poke", name)
			}
		}
	}
	// At the last input itself every read answers.
	if _, err := f.Price(at(5)); err != nil {
		t.Errorf("Feed.Price at the last update: %v", err)
	}
	if _, err := o.Price(at(60)); err != nil {
		t.Errorf("Delayed.Price at the last poke: %v", err)
	}
}

package oracle

import (
	"encoding/json"
	"testing"
	"time"
)

// FuzzAggregate feeds arbitrary quote sets (as JSON, the way a host might
// receive them) through an aggregator with every guard on. It must never
// panic, and every price it returns must satisfy CheckResult.
func FuzzAggregate(f *testing.F) {
	f.Add(`[{"source":"a","price":"100","time":"2024-03-01T12:00:00Z"},{"source":"b","price":"101.5","confidence":"0.1","time":"2024-03-01T11:59:30Z"}]`)
	f.Add(`[{"source":"a","price":"1e30","time":"2024-03-01T12:00:00Z"},{"source":"a","price":"-1","weight":"3","time":"2024-03-01T12:00:00Z"}]`)
	f.Add(`[{"source":"","price":"0.0000000000000000000000000000000000000001","time":"0001-01-01T00:00:00Z"}]`)
	f.Add(`[{"source":"neg","price":"-5","time":"2024-03-01T12:00:00Z"},{"source":"ok","price":"5","time":"2024-03-01T12:00:00Z"}]`)
	f.Add(`[{"source":"x","price":"5","time":"2024-03-01T12:00:00Z"},{"source":"y","price":"5.00","time":"2024-03-01T12:00:01Z"},{"source":"z","price":"7","time":"2024-03-01T12:00:00Z"}]`)
	for _, s := range []AggregatorSettings{
		{MaxAge: time.Minute, MaxFutureSkew: time.Second, MinSources: 2, MaxDeviation: d("0.1"), MaxSpread: d("0.2"), MaxConfidenceRatio: d("0.01"), MinAnswer: d("0.01"), MaxAnswer: d("1000000")},
		{MaxAge: time.Minute, Method: MethodWeightedMedian},
		{MaxAge: time.Minute, Method: MethodTrimmedMean, TrimFraction: d("0.25"), Scale: 2},
	} {
		if _, err := NewAggregator(s); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, in string) {
		var quotes []Quote
		if json.Unmarshal([]byte(in), &quotes) != nil {
			return
		}
		for _, s := range []AggregatorSettings{
			{MaxAge: time.Minute, MaxFutureSkew: time.Second, MinSources: 2, MaxDeviation: d("0.1"), MaxSpread: d("0.2"), MaxConfidenceRatio: d("0.01"), MinAnswer: d("0.01"), MaxAnswer: d("1000000")},
			{MaxAge: time.Minute, Method: MethodWeightedMedian},
			{MaxAge: time.Minute, Method: MethodTrimmedMean, TrimFraction: d("0.25"), Scale: 2},
		} {
			a, _ := NewAggregator(s)
			res, err := a.Aggregate(t0, quotes)
			if err == nil {
				if err := CheckResult(t0, s, res); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// FuzzRestore feeds arbitrary snapshot JSON to every restore function. A
// restore must never panic, and whatever it accepts must satisfy the
// type's invariants, keep working, and survive snapshot → JSON → restore
// unchanged (issue 10 item 13: no time a snapshot cannot write back).
func FuzzRestore(f *testing.F) {
	f.Add(`{"price":"100","time":"2024-03-01T12:00:00Z","observed_at":"2024-03-01T12:00:00Z","has_price":true,"status":"live","active":"primary","last_update":"2024-03-01T12:00:00Z"}`)
	f.Add(`{"observations":[{"time":"2024-03-01T12:00:00Z","price":"1"},{"time":"2024-03-01T12:00:00Z","price":"2"}]}`)
	f.Add(`{"has_value":true,"value":"5","price":"6","time":"2024-03-01T12:00:00Z","min":"5","max":"6"}`)
	f.Add(`{"current":"1","has_current":true,"next":"2","has_next":true,"last_poke":"2024-03-01T12:00:00Z","stopped":false,"last_change":"2024-03-01T12:10:00Z"}`)
	f.Add(`{"price":"1e999999","status":"halted"}`)
	f.Fuzz(func(t *testing.T, in string) {
		later := t0.Add(time.Hour)
		var fs FeedSnapshot
		if json.Unmarshal([]byte(in), &fs) == nil {
			if feed, err := RestoreFeed(testFeedSettings(), fs); err == nil {
				again(t, feed.Snapshot(), func(s FeedSnapshot) (any, error) {
					r, err := RestoreFeed(testFeedSettings(), s)
					return snapOf(r, err)
				})
				_, _ = feed.Price(later)
				_, _ = feed.Update(later.Add(24*time.Hour), []Quote{qa("a", "1", later), qa("b", "1", later)})
				if err := feed.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
		var ts TWAPSnapshot
		if json.Unmarshal([]byte(in), &ts) == nil {
			if w, err := RestoreTWAP(TWAPSettings{Window: time.Hour, MaxObservations: 16}, ts); err == nil {
				again(t, w.Snapshot(), func(s TWAPSnapshot) (any, error) {
					r, err := RestoreTWAP(TWAPSettings{Window: time.Hour, MaxObservations: 16}, s)
					return snapOf(r, err)
				})
				_, _ = w.Value(later)
				_ = w.Update(later, d("3"))
				if err := w.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
		var es EMASnapshot
		if json.Unmarshal([]byte(in), &es) == nil {
			if e, err := RestoreEMA(EMASettings{HalfLife: time.Hour}, es); err == nil {
				again(t, e.Snapshot(), func(s EMASnapshot) (any, error) {
					r, err := RestoreEMA(EMASettings{HalfLife: time.Hour}, s)
					return snapOf(r, err)
				})
				_, _ = e.Update(later, d("3"))
				if err := e.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
		var ds DelayedSnapshot
		if json.Unmarshal([]byte(in), &ds) == nil {
			if o, err := RestoreDelayed(DelayedSettings{Hop: time.Hour}, ds); err == nil {
				again(t, o.Snapshot(), func(s DelayedSnapshot) (any, error) {
					r, err := RestoreDelayed(DelayedSettings{Hop: time.Hour}, s)
					return snapOf(r, err)
				})
				_, _ = o.Poke(later.Add(48*time.Hour), d("3"))
				if err := o.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// snapshotter is a restored type: its Snapshot is what again compares.
type snapshotter[S any] interface{ Snapshot() S }

func snapOf[S any](r snapshotter[S], err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return r.Snapshot(), nil
}

// again sends an accepted state's snapshot through JSON, restores it, and
// fails unless the restore succeeds with the same snapshot.
func again[S any](t *testing.T, snap S, restore func(S) (any, error)) {
	t.Helper()
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatalf("accepted state cannot be written: %v", err)
	}
	var back S
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	r, err := restore(back)
	if err != nil {
		t.Fatalf("accepted state does not restore after JSON: %v (%s)", err, b)
	}
	if b2, _ := json.Marshal(r); string(b2) != string(b) {
		t.Fatalf("round trip changed the snapshot:\n%s\n%s", b, b2)
	}
}

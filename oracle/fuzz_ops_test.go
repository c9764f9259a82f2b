package oracle

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Fuzz targets for every entry point that accepts host data beyond the
// constructors and restores (FuzzSettings, FuzzRestore) and Aggregate
// (FuzzAggregate): the pure functions, Feed's calls, the smoothers' and the
// delayed price's calls, and the text and JSON decoders. Each byte string
// is read as a sequence of operations with times in arbitrary zones
// (including offsets with seconds), decimals with arbitrary exponents and
// times that go backwards. Nothing may panic or hang; a refused call
// changes nothing; the invariants hold after every step; and the state
// survives snapshot → JSON → restore at every step.

// opReader turns fuzz bytes into small values, zero once exhausted.
type opReader struct{ b []byte }

func (r *opReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	x := r.b[0]
	r.b = r.b[1:]
	return x
}

func (r *opReader) int16() int { return int(int16(uint16(r.byte())<<8 | uint16(r.byte()))) }

// dec is a decimal with a coefficient of up to 16 bits and an exponent in
// [−64, 63]: far outside num.Check's range at both ends.
func (r *opReader) dec() decimal.Decimal {
	return decimal.New(int64(r.int16()), int32(int8(r.byte())>>1))
}

// zone is UTC, a whole-hour, a whole-minute or a seconds offset.
func (r *opReader) zone() *time.Location {
	switch r.byte() % 4 {
	case 0:
		return time.UTC
	case 1:
		return time.FixedZone("H", (int(r.byte())%27-12)*3600)
	case 2:
		return time.FixedZone("M", (r.int16()%(14*60))*60)
	}
	return time.FixedZone("S", r.int16()*3)
}

// step moves now by −10 to +245 minutes' worth of seconds (backwards too).
func (r *opReader) step(now time.Time) time.Time {
	return now.Add(time.Duration(int(r.byte())-10) * 37 * time.Second)
}

func FuzzFeedOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte{0, 3, 0, 100, 0, 0, 1, 0, 100, 0, 0, 2, 0, 99, 0, 0, 40, 6, 0, 7})
	f.Add([]byte{255, 255, 255, 255, 255, 255, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := &opReader{b: in}
		s := testFeedSettings()
		fd, _ := NewFeed(s)
		now := t0
		sources := []string{"a", "b", "c", "z", "q"}
		for n := 0; len(r.b) > 0 && n < 64; n++ {
			now = r.step(now)
			at := now.In(r.zone())
			before := snapJSON(t, fd.Snapshot())
			var err error
			switch op := r.byte() % 5; op {
			case 0, 1:
				var qs []Quote
				for k := int(r.byte() % 6); k > 0; k-- {
					qs = append(qs, Quote{Source: sources[r.byte()%5], Price: r.dec(), Confidence: r.dec(),
						Time: at.Add(-time.Duration(r.byte()) * time.Second).In(r.zone())})
				}
				_, err = fd.Update(at, qs)
			case 2:
				var p decimal.Decimal
				if p, err = fd.Price(at); err == nil && p.Sign() <= 0 {
					t.Fatalf("served %s", p)
				}
				err = errors.New("a read")
			case 3:
				_, err = fd.Halt(at, "fuzz")
			default:
				_, err = fd.Resume(at)
			}
			if err != nil {
				if after := snapJSON(t, fd.Snapshot()); after != before {
					t.Fatalf("refused call (%v) changed state:\n%s\n%s", err, before, after)
				}
			}
			if err := fd.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			again(t, fd.Snapshot(), func(snap FeedSnapshot) (any, error) { r, err := RestoreFeed(s, snap); return snapOf(r, err) })
		}
	})
}

func FuzzSmootherOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16})
	f.Add([]byte{0, 0, 0, 1, 0, 0, 90, 0, 0, 2, 0, 0, 97, 3, 0, 0, 4, 5})
	f.Add([]byte{255, 128, 3, 255, 255, 255, 0, 255, 255})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := &opReader{b: in}
		ws := TWAPSettings{Window: 2 * time.Hour, Scale: 6, MaxObservations: 8, MinCoverage: time.Minute}
		es := EMASettings{HalfLife: 30 * time.Minute, Scale: 6}
		ds := DelayedSettings{Hop: time.Hour}
		w, _ := NewTWAP(ws)
		e, _ := NewEMA(es)
		o, _ := NewDelayed(ds)
		state := func() string {
			return snapJSON(t, []any{w.Snapshot(), e.Snapshot(), o.Snapshot()})
		}
		now := t0
		for n := 0; len(r.b) > 0 && n < 64; n++ {
			now = r.step(now)
			at := now.In(r.zone())
			before := state()
			var err error
			switch op := r.byte() % 8; op {
			case 0:
				err = w.Update(at, r.dec())
			case 1:
				_, err = e.Update(at, r.dec())
			case 2:
				_, err = o.Poke(at, r.dec())
			case 3:
				_, err = o.Stop(at)
			case 4:
				_, err = o.Start(at)
			case 5:
				_, err = o.Void(at)
			default:
				for _, v := range []func() (decimal.Decimal, error){
					func() (decimal.Decimal, error) { return w.Value(at) },
					func() (decimal.Decimal, error) { return e.Value(at) },
					func() (decimal.Decimal, error) { return o.Price(at) },
				} {
					if p, err := v(); err == nil && p.Sign() <= 0 {
						t.Fatalf("read %s", p)
					}
				}
				_ = o.Pass(at)
				err = errors.New("a read")
			}
			if err != nil {
				if after := state(); after != before {
					t.Fatalf("refused call (%v) changed state:\n%s\n%s", err, before, after)
				}
			}
			for _, c := range []func() error{w.CheckInvariants, e.CheckInvariants, o.CheckInvariants} {
				if err := c(); err != nil {
					t.Fatal(err)
				}
			}
			again(t, w.Snapshot(), func(s TWAPSnapshot) (any, error) { r, err := RestoreTWAP(ws, s); return snapOf(r, err) })
			again(t, e.Snapshot(), func(s EMASnapshot) (any, error) { r, err := RestoreEMA(es, s); return snapOf(r, err) })
			again(t, o.Snapshot(), func(s DelayedSnapshot) (any, error) { r, err := RestoreDelayed(ds, s); return snapOf(r, err) })
		}
	})
}

// FuzzPure: Median, WeightedMedian and TrimmedMean on arbitrary decimals,
// scales and trims: an error or a result within [min, max] of the inputs.
func FuzzPure(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 2, 0}, int32(18))
	f.Add([]byte{255, 255, 127, 0, 1, 128}, int32(100_000_000))
	f.Add([]byte{0, 5, 200, 0, 3, 0, 0, 7, 0}, int32(-5))
	f.Fuzz(func(t *testing.T, in []byte, scale int32) {
		r := &opReader{b: in}
		var prices, weights []decimal.Decimal
		for len(r.b) > 0 && len(prices) < 64 {
			prices = append(prices, r.dec())
			weights = append(weights, r.dec())
		}
		trim := r.dec()
		within := func(name string, v decimal.Decimal, err error) {
			if err != nil {
				if !errors.Is(err, ErrInvalidInput) {
					t.Fatalf("%s: %v", name, err)
				}
				return
			}
			lo, hi := prices[0], prices[0]
			for _, p := range prices {
				if p.Cmp(lo) < 0 {
					lo = p
				}
				if p.Cmp(hi) > 0 {
					hi = p
				}
			}
			if v.Cmp(lo) < 0 || v.Cmp(hi) > 0 {
				t.Fatalf("%s = %s outside [%s, %s]", name, v, lo, hi)
			}
		}
		m, err := Median(prices, scale)
		within("Median", m, err)
		wm, err := WeightedMedian(prices, weights)
		within("WeightedMedian", wm, err)
		tm, err := TrimmedMean(prices, trim, scale)
		within("TrimmedMean", tm, err)
	})
}

// FuzzDecode: the JSON and text a host may hand back (settings, quotes,
// results, method, status and reason names) decode or fail cleanly, and
// whatever decodes into settings is either refused or works.
func FuzzDecode(f *testing.F) {
	f.Add(`{"tiers":[{"name":"p","sources":["a"],"aggregation":{"method":"median","max_age":60000000000}}],"max_age":60000000000,"max_jump":"0.1"}`)
	f.Add(`{"method":"weighted-median","max_age":1,"min_sources":70000,"scale":99}`)
	f.Add(`{"price":"1e99999","method":"x","reason":"stale","status":"live"}`)
	f.Add(`[{"source":"a","price":"1","time":"9999-12-31T23:59:59Z"}]`)
	f.Fuzz(func(t *testing.T, in string) {
		b := []byte(in)
		var fs FeedSettings
		if json.Unmarshal(b, &fs) == nil {
			if fd, err := NewFeed(fs); err == nil {
				_, _ = fd.Update(t0, []Quote{qa("a", "1", t0)})
				_, _ = fd.Price(t0)
				if err := fd.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			} else if !errors.Is(err, ErrInvalidSettings) {
				t.Fatal(err)
			}
		}
		var as AggregatorSettings
		if json.Unmarshal(b, &as) == nil {
			if a, err := NewAggregator(as); err == nil {
				res, err := a.Aggregate(t0, []Quote{qa("a", "1", t0)})
				if err == nil {
					if err := CheckResult(t0, as, res); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		var qs []Quote
		if json.Unmarshal(b, &qs) == nil {
			for _, q := range qs {
				if err := q.Validate(); err == nil {
					if _, err := json.Marshal(q); err != nil {
						t.Fatalf("a valid quote cannot be written: %v", err)
					}
				}
			}
		}
		var res Result
		_ = json.Unmarshal(b, &res)
		var m Method
		var st Status
		var rs Reason
		_ = m.UnmarshalText(b)
		_ = st.UnmarshalText(b)
		_ = rs.UnmarshalJSON(b)
	})
}

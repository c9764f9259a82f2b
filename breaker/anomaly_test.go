package breaker

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// TestAnomalyTable: warm-up, the trip and reset levels (hysteresis), the
// scale clamp and the drift cap on worked numbers. A stream at 1000 with
// the defaults (MinScale 0.1%: scale 1, TripZ 4, ResetZ 2) trips at 1004 or
// 996 and resets within 1000 ± 2.
func TestAnomalyTable(t *testing.T) {
	type obs struct {
		at   time.Duration
		v    string
		want Signal
		why  Reason
	}
	warm := []obs{{0, "1000", Normal, ReasonNone}, {time.Minute, "1000", Normal, ReasonNone},
		{2 * time.Minute, "1000", Normal, ReasonNone}, {3 * time.Minute, "1000", Normal, ReasonNone}}
	for _, tc := range []struct {
		name string
		obs  []obs
	}{
		{"warm-up: a breach before 3 windows are learned is reported, not tripped",
			[]obs{{0, "1000", Normal, ReasonNone}, {time.Minute, "1100", Normal, ReasonWarmUp}}},
		{"after warm-up: 1003.99 is inside, 1004 (exactly baseline + 4 × scale) trips",
			append(append([]obs{}, warm...), obs{3*time.Minute + time.Second, "1003.99", Normal, ReasonNone},
				obs{3*time.Minute + 2*time.Second, "1004", Tripped, ReasonBreach})},
		{"below: 996 trips",
			append(append([]obs{}, warm...), obs{3*time.Minute + time.Second, "996", Tripped, ReasonBreach})},
		{"hysteresis: between the reset level (1002) and the trip level holds; 1002 resets",
			append(append([]obs{}, warm...), obs{3*time.Minute + 1, "1010", Tripped, ReasonBreach},
				obs{3*time.Minute + 2, "1003", Tripped, ReasonHolding}, obs{3*time.Minute + 3, "1002.01", Tripped, ReasonHolding},
				obs{3*time.Minute + 4, "1002", Reset, ReasonRecovered}, obs{3*time.Minute + 5, "1003", Normal, ReasonNone})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := NewAnomaly(AnomalySettings{Name: "A", WarmUp: 3})
			if err != nil {
				t.Fatal(err)
			}
			for i, o := range tc.obs {
				r, err := a.Observe(at(o.at), testkit.D(o.v))
				if err != nil {
					t.Fatal(err)
				}
				if r.Signal != o.want || r.Reason != o.why {
					t.Fatalf("obs %d (%s): %s (%s), want %s (%s); levels %+v", i, o.v, r.Signal, r.Reason, o.want, o.why, a.Levels())
				}
				if r.Changed != (len(r.Events) == 1) {
					t.Fatalf("obs %d: changed %v with %d events", i, r.Changed, len(r.Events))
				}
			}
		})
	}
}

// TestAnomalyDriftCap: after warm-up a value 50% above the baseline moves
// it by exactly MaxDrift (1%) per window, not by (1 − λ) × 50% = 3%; during
// warm-up the same step is the plain EWMA step.
func TestAnomalyDriftCap(t *testing.T) {
	a, _ := NewAnomaly(AnomalySettings{WarmUp: 1})
	_, _ = a.Observe(at(0), testkit.D("1000"))
	_, _ = a.Observe(at(time.Minute), testkit.D("1500"))   // learns 1000 (warm-up step)
	_, _ = a.Observe(at(2*time.Minute), testkit.D("1500")) // learns 1500 capped: +10
	if got := a.Levels().Baseline.String(); got != "1010" {
		t.Fatalf("baseline after a capped step = %s, want 1010", got)
	}
	b, _ := NewAnomaly(AnomalySettings{WarmUp: 5})
	_, _ = b.Observe(at(0), testkit.D("1000"))
	_, _ = b.Observe(at(time.Minute), testkit.D("1500"))
	_, _ = b.Observe(at(2*time.Minute), testkit.D("1500")) // warm-up: 1000 + 0.06 × 500
	if got := b.Levels().Baseline.String(); got != "1030" {
		t.Fatalf("baseline after a warm-up step = %s, want 1030", got)
	}
}

// walkBound is N = the least n with ((1 + x)/(1 + c))^n ≥ 1 + Z·S, computed
// with the ratio rounded down (so N is never understated).
func walkBound(x, c, z, s decimal.Decimal) int {
	one := decimal.NewFromInt(1)
	ratio := num.Div(one.Add(x), one.Add(c), 30, num.Floor)
	target := one.Add(z.Mul(s))
	q := one
	for n := 1; n <= 1_000_000; n++ {
		q = q.Mul(ratio).RoundFloor(30)
		if q.Cmp(target) >= 0 {
			return n
		}
	}
	return 1_000_000
}

// TestAnomalyWalkBound (issue 16): a path rising by at least x per window
// with x > MaxDrift trips the trigger at the latest in window WarmUp − 1 + N,
// N = ⌈ln(1 + Z·S)/ln((1 + x)/(1 + c))⌉ (derived in AnomalyTrigger's doc).
// With the defaults and x = 2% that is 19 windows.
//
// Mutation tried: without the drift cap in learn (step not clamped) rapid
// finds a slow walk that never trips, e.g. c 0.1%, x 0.5%, λ 0.94: the
// EWMA lags by about λ/(1 − λ) windows and the deviation stays below
// TripZ scales.
func TestAnomalyWalkBound(t *testing.T) {
	if n := walkBound(testkit.D("0.02"), testkit.D("0.01"), testkit.D("4"), testkit.D("0.05")); n != 19 {
		t.Fatalf("documented bound for the defaults at 2%%: %d, want 19", n)
	}
	rapid.Check(t, func(t *rapid.T) {
		s := AnomalySettings{
			Lambda:   decimal.New(int64(rapid.IntRange(80, 99).Draw(t, "lambdaPct")), -2),
			TripZ:    decimal.New(int64(rapid.IntRange(2, 6).Draw(t, "z")), 0),
			ResetZ:   decimal.NewFromInt(1),
			WarmUp:   rapid.IntRange(1, 20).Draw(t, "warmUp"),
			MaxDrift: decimal.New(int64(rapid.IntRange(1, 100).Draw(t, "driftBp")), -4),
			MinScale: decimal.New(1, -4),
			MaxScale: decimal.New(int64(rapid.IntRange(10, 1000).Draw(t, "maxScaleBp")), -4),
		}
		x := s.MaxDrift.Add(decimal.New(int64(rapid.IntRange(5, 300).Draw(t, "excessBp")), -4))
		n := walkBound(x, s.MaxDrift, s.TripZ, s.MaxScale)
		deadline := s.WarmUp - 1 + n
		a, err := NewAnomaly(s)
		if err != nil {
			t.Fatal(err)
		}
		v := decimal.New(int64(rapid.IntRange(1, 1_000_000).Draw(t, "start")), -int32(rapid.IntRange(0, 6).Draw(t, "startExp")))
		per := rapid.IntRange(1, 3).Draw(t, "perWindow")
		for w := 0; w <= deadline; w++ {
			for k := range per {
				r, err := a.Observe(t0.Add(time.Duration(w)*time.Minute+time.Duration(k)*time.Second), v)
				if err != nil {
					t.Fatal(err)
				}
				if r.Signal == Tripped {
					if w < s.WarmUp {
						t.Fatalf("tripped in warm-up window %d", w)
					}
					return
				}
			}
			// rise by at least x: rounded up at 20 significant figures
			v = v.Mul(decimal.NewFromInt(1).Add(x))
			v = v.RoundCeil(sigPlaces(v, 20, 40))
		}
		t.Fatalf("x %s c %s: no trip by window %d (warm-up %d + bound %d − 1); levels %+v", x, s.MaxDrift, deadline, s.WarmUp, n, a.Levels())
	})
}

// TestAnomalyComposite: the trigger composes with a fixed LevelTrigger.
func TestAnomalyComposite(t *testing.T) {
	a, _ := NewAnomaly(AnomalySettings{Name: "adaptive", WarmUp: 1})
	l, _ := NewLevel(LevelSettings{Name: "fixed", Trip: testkit.D("2000"), Reset: testkit.D("1900")})
	c, err := NewComposite("either", AnyOf, a, l)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = a.Observe(at(0), testkit.D("1000"))
	_, _ = a.Observe(at(time.Minute), testkit.D("1100"))
	r, err := c.Evaluate(at(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if r.Signal != Tripped || r.Detail != "any-of 1/2 active [adaptive]" {
		t.Fatalf("composite: %s", r)
	}
}

// TestAnomalySnapshotReplay: snapshot → restore → continue equals
// continuing, on random paths.
func TestAnomalySnapshotReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := AnomalySettings{WarmUp: rapid.IntRange(1, 5).Draw(t, "warmUp")}
		a, _ := NewAnomaly(s)
		b, _ := NewAnomaly(s)
		now, v := t0, testkit.D("100")
		for i := range rapid.IntRange(1, 80).Draw(t, "n") {
			now = now.Add(time.Duration(rapid.IntRange(0, 90).Draw(t, "dt")) * time.Second)
			v = v.Mul(decimal.New(int64(rapid.IntRange(950, 1050).Draw(t, "move")), -3)).Round(6)
			ra, err := a.Observe(now, v)
			if err != nil {
				t.Fatal(err)
			}
			rb, _ := b.Observe(now, v)
			if err := a.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if ra.Signal != rb.Signal {
				t.Fatalf("step %d: %s vs restored %s", i, ra.Signal, rb.Signal)
			}
			if i%5 == 2 {
				r, err := RestoreAnomaly(s, viaJSON(t, b.Snapshot()))
				if err != nil {
					t.Fatal(err)
				}
				b = r
			}
			if x, y := fmt.Sprint(viaJSON(t, a.Snapshot())), fmt.Sprint(viaJSON(t, b.Snapshot())); x != y {
				t.Fatalf("step %d: diverged\n%s\n%s", i, x, y)
			}
		}
	})
}

// TestHuntAnomaly: bad settings, values, times and snapshots are refused
// within 100 ms and change nothing.
func TestHuntAnomaly(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    AnomalySettings
	}{
		{"negative window", AnomalySettings{Window: -1}},
		{"lambda 1", AnomalySettings{Lambda: testkit.D("1")}},
		{"lambda absurd", AnomalySettings{Lambda: minExp}},
		{"reset ≥ trip", AnomalySettings{TripZ: testkit.D("2"), ResetZ: testkit.D("2")}},
		{"trip absurd", AnomalySettings{TripZ: hugeExp}},
		{"negative drift", AnomalySettings{MaxDrift: testkit.D("-0.01")}},
		{"min > max scale", AnomalySettings{MinScale: testkit.D("0.1"), MaxScale: testkit.D("0.05")}},
		{"warm-up negative", AnomalySettings{WarmUp: -1}},
		{"warm-up huge", AnomalySettings{WarmUp: 1 << 40}},
	} {
		err := fast(t, tc.name, func() error { _, err := NewAnomaly(tc.s); return err })
		if !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		onePrefix(t, tc.name, err)
	}
	s := AnomalySettings{Name: "A", WarmUp: 2}
	a, _ := NewAnomaly(s)
	for i := range 4 {
		_, _ = a.Observe(at(time.Duration(i)*time.Minute), testkit.D("100"))
	}
	_, _ = a.Observe(at(4*time.Minute), testkit.D("200")) // tripped
	snap := func() string { return jsonOf(t, a.Snapshot()) }
	var calls []badCall
	for _, p := range badPrices {
		calls = append(calls, badCall{"Observe " + p.name, ErrInvalidInput, func() error { _, err := a.Observe(at(time.Hour), p.d); return err }})
	}
	calls = append(calls, badCall{"Observe back in time", ErrTimeWentBack, func() error { _, err := a.Observe(t0, testkit.D("100")); return err }})
	runBad(t, snap, calls)

	good := a.Snapshot()
	if _, err := RestoreAnomaly(s, viaJSON(t, good)); err != nil {
		t.Fatalf("own snapshot: %v", err)
	}
	for _, tc := range []struct {
		name string
		mod  func(*AnomalySnapshot)
	}{
		{"baseline zero", func(x *AnomalySnapshot) { x.Baseline = decimal.Zero }},
		{"baseline absurd", func(x *AnomalySnapshot) { x.Baseline = hugeExp }},
		{"variance negative", func(x *AnomalySnapshot) { x.Variance = testkit.D("-1") }},
		{"variance tiny exponent", func(x *AnomalySnapshot) { x.Variance = minExp }},
		{"variance zero with an absurd exponent", func(x *AnomalySnapshot) { x.Variance = decimal.New(0, -1<<31) }},
		{"windows beyond warm-up", func(x *AnomalySnapshot) { x.Windows = 3 }},
		{"window start after last", func(x *AnomalySnapshot) { x.WindowStart = x.Last.Add(time.Second) }},
		{"window start too old", func(x *AnomalySnapshot) { x.WindowStart = x.Last.Add(-time.Hour) }},
		{"tripped without since", func(x *AnomalySnapshot) { x.Since = time.Time{} }},
		{"since after last", func(x *AnomalySnapshot) { x.Since = x.Last.Add(time.Second) }},
		{"unseen with state", func(x *AnomalySnapshot) { x.Seen = false }},
	} {
		bad := viaJSON(t, good)
		tc.mod(&bad)
		err := fast(t, tc.name, func() error { _, err := RestoreAnomaly(s, bad); return err })
		if !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		onePrefix(t, tc.name, err)
	}
}

// FuzzAnomaly feeds fuzzed settings and values: never a panic, every call
// within a second, a refused call changes nothing, and the trigger's own
// snapshot restores.
func FuzzAnomaly(f *testing.F) {
	f.Add("0.94", "4", "0.01", "0.05", []byte{1, 2, 3, 200, 0, 9}, "1000")
	f.Add("1e-18", "999", "0.9", "0.9", []byte{255, 255, 255}, "1e-30")
	f.Add("x", "1e9999", "-1", "0", []byte{}, "0")
	f.Fuzz(func(t *testing.T, lambda, z, drift, maxScale string, ops []byte, start string) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		s := AnomalySettings{Lambda: parseOr(lambda, decimal.Zero), TripZ: parseOr(z, decimal.Zero),
			MaxDrift: parseOr(drift, decimal.Zero), MaxScale: parseOr(maxScale, decimal.Zero), WarmUp: 2}
		var a *AnomalyTrigger
		if err := within(t, "NewAnomaly", func() error { var err error; a, err = NewAnomaly(s); return err }); err != nil {
			return
		}
		now, v := t0, parseOr(start, testkit.D("1000"))
		for i, op := range ops {
			now = now.Add(time.Duration(op%64) * time.Second)
			if op&1 == 1 && num.Check(v) == nil {
				v = v.Mul(decimal.New(1000+int64(op)-128, -3)).RoundCeil(30)
			}
			before := jsonOf(t, a.Snapshot())
			err := within(t, "Observe", func() error { _, err := a.Observe(now, v); return err })
			if err != nil && jsonOf(t, a.Snapshot()) != before {
				t.Fatalf("op %d: refused Observe changed the trigger", i)
			}
			if err := a.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := RestoreAnomaly(s, viaJSON(t, a.Snapshot())); err != nil {
			t.Fatalf("own snapshot refused: %v", err)
		}
	})
}

// BenchmarkAnomalyObserve: one observation per millisecond, the baseline
// learning once a minute (one EWMA step, square root and level rebuild per
// 60,000 observations; the rest compare with prepared levels).
func BenchmarkAnomalyObserve(b *testing.B) {
	a, _ := NewAnomaly(AnomalySettings{WarmUp: 1})
	vals := []decimal.Decimal{testkit.D("100.00"), testkit.D("100.10"), testkit.D("99.95"), testkit.D("100.05")}
	now := t0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(time.Millisecond)
		if _, err := a.Observe(now, vals[i%len(vals)]); err != nil {
			b.Fatal(err)
		}
	}
}

package breaker

import (
	"errors"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

var t0 = time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestLevelTriggerTable(t *testing.T) {
	type obs struct {
		v    string
		at   time.Duration
		want Signal
		why  Reason
	}
	for _, tc := range []struct {
		name string
		s    LevelSettings
		obs  []obs
	}{
		{"above: trip at level, hold between, reset at reset level",
			LevelSettings{Trip: testkit.D("100"), Reset: testkit.D("90")},
			[]obs{{"99.99", 0, Normal, ReasonNone}, {"100", 1, Tripped, ReasonBreach}, {"95", 2, Tripped, ReasonHolding},
				{"90.0", 3, Reset, ReasonRecovered}, {"95", 4, Normal, ReasonNone}}},
		{"below: e.g. insurance fund level",
			LevelSettings{Direction: Below, Trip: testkit.D("1000000"), Reset: testkit.D("1200000")},
			[]obs{{"1500000", 0, Normal, ReasonNone}, {"999999.99", 1, Tripped, ReasonBreach}, {"1199999", 2, Tripped, ReasonHolding},
				{"1200000", 3, Reset, ReasonRecovered}}},
		{"three consecutive breaches; a dip restarts the count",
			LevelSettings{Trip: testkit.D("0.05"), Reset: testkit.D("0.01"), Consecutive: 3},
			[]obs{{"0.06", 0, Normal, ReasonPending}, {"0.07", 1, Normal, ReasonPending}, {"0.04", 2, Normal, ReasonNone},
				{"0.05", 3, Normal, ReasonPending}, {"0.05", 4, Normal, ReasonPending}, {"0.09", 5, Tripped, ReasonBreach}}},
		{"minimum time tripped delays the reset",
			LevelSettings{Trip: testkit.D("10"), Reset: testkit.D("5"), MinTripped: 10 * time.Second},
			[]obs{{"11", 0, Tripped, ReasonBreach}, {"1", 5 * time.Second, Tripped, ReasonMinTime},
				{"1", 10 * time.Second, Reset, ReasonRecovered}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := NewLevel(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			for i, o := range tc.obs {
				r, err := tr.Observe(at(o.at), testkit.D(o.v))
				if err != nil {
					t.Fatal(err)
				}
				if r.Signal != o.want || r.Reason != o.why {
					t.Fatalf("obs %d (%s): got %s, want %s (%s)", i, o.v, r, o.want, o.why)
				}
				if err := tr.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestLevelTriggerRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    LevelSettings
	}{
		{"reset above trip for above", LevelSettings{Trip: testkit.D("10"), Reset: testkit.D("11")}},
		{"reset equal to trip", LevelSettings{Trip: testkit.D("10"), Reset: testkit.D("10")}},
		{"reset below trip for below", LevelSettings{Direction: Below, Trip: testkit.D("10"), Reset: testkit.D("9")}},
		{"negative consecutive", LevelSettings{Trip: testkit.D("10"), Reset: testkit.D("9"), Consecutive: -1}},
		{"negative min time", LevelSettings{Trip: testkit.D("10"), Reset: testkit.D("9"), MinTripped: -time.Second}},
		{"absurd exponent", LevelSettings{Trip: decimal.New(1, 90), Reset: testkit.D("9")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewLevel(tc.s); !errors.Is(err, ErrInvalidSettings) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	tr, _ := NewLevel(LevelSettings{Trip: testkit.D("10"), Reset: testkit.D("9")})
	if _, err := tr.Observe(at(time.Second), testkit.D("11")); err != nil {
		t.Fatal(err)
	}
	before := tr.Snapshot()
	if _, err := tr.Observe(at(0), testkit.D("1")); !errors.Is(err, ErrTimeWentBack) {
		t.Fatalf("going back: %v", err)
	}
	if _, err := tr.Observe(at(2*time.Second), decimal.New(1, -80)); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("absurd value: %v", err)
	}
	if tr.Snapshot() != before {
		t.Fatal("state changed by bad input")
	}
}

// Property (issue 3): a value oscillating strictly between the reset and
// trip levels never changes the state. Guard: the hysteresis comparison in
// LevelTrigger.sides (mutation: resetting on value < Trip made it fail).
func TestLevelHysteresisNeverFlaps(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		dir := Direction(rapid.IntRange(0, 1).Draw(t, "dir"))
		lo := testkit.Decimal(-1000, 1000, 2).Draw(t, "lo")
		gap := testkit.Decimal(2, 1000, 2).Draw(t, "gap")
		hi := lo.Add(gap)
		s := LevelSettings{Direction: dir, Trip: hi, Reset: lo, Consecutive: rapid.IntRange(1, 3).Draw(t, "n")}
		if dir == Below {
			s.Trip, s.Reset = lo, hi
		}
		tr, err := NewLevel(s)
		if err != nil {
			t.Fatal(err)
		}
		now := t0
		// Optionally trip first, so both states are exercised.
		if rapid.Bool().Draw(t, "tripFirst") {
			for i := 0; i < s.Consecutive; i++ {
				if _, err := tr.Observe(now, s.Trip); err != nil {
					t.Fatal(err)
				}
			}
		}
		state := tr.Active()
		for i, n := 0, rapid.IntRange(1, 50).Draw(t, "steps"); i < n; i++ {
			// strictly between lo and hi, with up to 4 places
			// various exponents, to exercise the allocation-free comparison
			places := int32(rapid.IntRange(0, 6).Draw(t, "places"))
			v := lo.Add(testkit.Decimal(1, 9999, 4).Draw(t, "frac").Mul(gap)).Truncate(places)
			if v.Cmp(lo) <= 0 || v.Cmp(hi) >= 0 {
				continue
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 1e9).Draw(t, "dt")))
			r, err := tr.Observe(now, v)
			if err != nil {
				t.Fatal(err)
			}
			if r.Changed || tr.Active() != state {
				t.Fatalf("state changed on %s strictly between %s and %s: %s", v, lo, hi, r)
			}
			if err := tr.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// Property: snapshot → JSON → restore → continue equals continuing.
func TestLevelSnapshotRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := LevelSettings{Trip: testkit.D("100"), Reset: testkit.D("90"), Consecutive: rapid.IntRange(1, 3).Draw(t, "n"),
			MinTripped: time.Duration(rapid.IntRange(0, 5).Draw(t, "min")) * time.Second}
		a, _ := NewLevel(s)
		gen := testkit.Decimal(80, 110, 0)
		now := t0
		steps := rapid.IntRange(1, 30).Draw(t, "steps")
		cut := rapid.IntRange(0, steps).Draw(t, "cut")
		var b *LevelTrigger
		for i := 0; i < steps; i++ {
			if i == cut {
				var err error
				if b, err = RestoreLevel(s, viaJSON(t, a.Snapshot())); err != nil {
					t.Fatal(err)
				}
			}
			v := gen.Draw(t, "v")
			now = now.Add(time.Duration(rapid.IntRange(0, 3).Draw(t, "dt")) * time.Second)
			ra, _ := a.Observe(now, v)
			if b != nil {
				rb, _ := b.Observe(now, v)
				if ra.String() != rb.String() || ra.Changed != rb.Changed || !ra.Since.Equal(rb.Since) {
					t.Fatalf("step %d: %s vs restored %s", i, ra, rb)
				}
			}
		}
	})
}

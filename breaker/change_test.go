package breaker

import (
	"errors"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"pgregory.net/rapid"
)

func TestChangeTriggerTable(t *testing.T) {
	type obs struct {
		v    string
		at   time.Duration
		want Signal
		move string
	}
	for _, tc := range []struct {
		name string
		s    ChangeSettings
		obs  []obs
	}{
		{"drop of 10% in 5 minutes from the window high",
			ChangeSettings{Direction: Below, Threshold: testkit.D("0.10"), Window: 5 * time.Minute},
			[]obs{{"100", 0, Normal, "0"}, {"105", time.Minute, Normal, "0"}, {"95", 2 * time.Minute, Normal, "0.09523809"},
				{"94.5", 3 * time.Minute, Tripped, "0.1"}, {"99", 4 * time.Minute, Tripped, "0.05714285"},
				// 105 left the window at 6m: the new value is the window high → move 0 ≤ 5%: reset
				{"100", 6*time.Minute + time.Second, Reset, "0"}}},
		{"slow drift never trips: the reference rolls with the window",
			ChangeSettings{Direction: Below, Threshold: testkit.D("0.10"), Window: 5 * time.Minute},
			[]obs{{"100", 0, Normal, "0"}, {"95", 5 * time.Minute, Normal, "0.05"}, {"90.25", 10 * time.Minute, Normal, "0.05"},
				{"85.74", 15 * time.Minute, Normal, "0.04997229"}}},
		{"rise of 20% from the window low",
			ChangeSettings{Direction: Above, Threshold: testkit.D("0.2"), Window: time.Minute},
			[]obs{{"10", 0, Normal, "0"}, {"8", time.Second, Normal, "0"}, {"9.6", 2 * time.Second, Tripped, "0.2"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := NewChange(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			for i, o := range tc.obs {
				r, err := tr.Observe(at(o.at), testkit.D(o.v))
				if err != nil {
					t.Fatal(err)
				}
				if r.Signal != o.want || !r.Value.Equal(testkit.D(o.move)) {
					t.Fatalf("obs %d (%s): got %s move %s, want %s move %s", i, o.v, r, r.Value, o.want, o.move)
				}
				if err := tr.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestChangeTriggerRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    ChangeSettings
	}{
		{"no threshold", ChangeSettings{Window: time.Minute}},
		{"negative window", ChangeSettings{Threshold: testkit.D("0.1"), Window: -time.Minute}},
		{"reset above threshold", ChangeSettings{Threshold: testkit.D("0.1"), Reset: testkit.D("0.2"), Window: time.Minute}},
		{"drop of 100%", ChangeSettings{Direction: Below, Threshold: testkit.D("1"), Window: time.Minute}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewChange(tc.s); !errors.Is(err, ErrInvalidSettings) {
				t.Fatalf("err = %v", err)
			}
		})
	}
	tr, _ := NewChange(ChangeSettings{Threshold: testkit.D("0.1"), Window: time.Minute})
	if _, err := tr.Observe(t0, testkit.D("0")); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("zero: %v", err)
	}
	_, _ = tr.Observe(at(time.Second), testkit.D("1"))
	if _, err := tr.Observe(t0, testkit.D("1")); !errors.Is(err, ErrTimeWentBack) {
		t.Fatalf("back: %v", err)
	}
}

// Property: snapshot → JSON → restore → continue equals continuing, and
// the window invariants hold after every step.
func TestChangeSnapshotRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := ChangeSettings{Direction: Direction(rapid.IntRange(0, 1).Draw(t, "dir")), Threshold: testkit.D("0.05"), Window: 10 * time.Second}
		a, _ := NewChange(s)
		var b *ChangeTrigger
		now := t0
		steps := rapid.IntRange(1, 40).Draw(t, "steps")
		cut := rapid.IntRange(0, steps).Draw(t, "cut")
		for i := 0; i < steps; i++ {
			if i == cut {
				snap := viaJSON(t, a.Snapshot())
				var err error
				if b, err = RestoreChange(s, snap); err != nil {
					t.Fatal(err)
				}
			}
			v := testkit.Decimal(90, 110, 0).Draw(t, "v")
			now = now.Add(time.Duration(rapid.IntRange(0, 4).Draw(t, "dt")) * time.Second)
			ra, _ := a.Observe(now, v)
			if err := a.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if b != nil {
				rb, _ := b.Observe(now, v)
				if ra.String() != rb.String() || !ra.Level.Equal(rb.Level) {
					t.Fatalf("step %d: %s vs restored %s", i, ra, rb)
				}
			}
		}
	})
}

func TestCompositeAnyAll(t *testing.T) {
	a, _ := NewLevel(LevelSettings{Name: "spread", Trip: testkit.D("10"), Reset: testkit.D("5")})
	b, _ := NewLevel(LevelSettings{Name: "dispersion", Trip: testkit.D("0.02"), Reset: testkit.D("0.01")})
	anyOf, _ := NewComposite("any", AnyOf, a, b)
	allOf, _ := NewComposite("all", AllOf, a, b)
	step := func(sa, sb string, d time.Duration, wantAny, wantAll Signal) {
		t.Helper()
		_, _ = a.Observe(at(d), testkit.D(sa))
		_, _ = b.Observe(at(d), testkit.D(sb))
		ra, _ := anyOf.Evaluate(at(d))
		rl, _ := allOf.Evaluate(at(d))
		if ra.Signal != wantAny || rl.Signal != wantAll {
			t.Fatalf("at %s: any %s, all %s; want %s, %s", d, ra, rl, wantAny, wantAll)
		}
		for _, c := range []*Composite{anyOf, allOf} {
			if err := c.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	}
	step("1", "0", 0, Normal, Normal)
	step("11", "0", 1, Tripped, Normal)
	step("11", "0.03", 2, Tripped, Tripped)
	step("4", "0.03", 3, Tripped, Reset)
	step("4", "0.005", 4, Reset, Normal)
	if _, err := NewComposite("x", AnyOf); !errors.Is(err, ErrInvalidSettings) {
		t.Fatal("empty composite accepted")
	}
	if _, err := RestoreComposite("any", AnyOf, viaJSON(t, anyOf.Snapshot()), a, b); err != nil {
		t.Fatal(err)
	}
	bad := CompositeSnapshot{Active: true, Last: at(time.Second)} // active without an activation time
	if _, err := RestoreComposite("any", AnyOf, bad, a, b); !errors.Is(err, ErrInvalidSnapshot) {
		t.Fatalf("inconsistent composite snapshot: %v", err)
	}
}

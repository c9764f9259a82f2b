package breaker

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func TestCountLimiterFiftyPerSecond(t *testing.T) {
	l, err := NewCountLimiter(CountSettings{Name: "liquidations", Events: 50, Per: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := 0; i < 100; i++ {
		if ok, _ := l.Allow(t0); ok {
			n++
		}
	}
	if n != 50 {
		t.Fatalf("burst admitted %d, want 50", n)
	}
	if ok, _ := l.Allow(t0.Add(19 * time.Millisecond)); ok {
		t.Fatal("admitted before one token refilled (20ms at 50/s)")
	}
	if ok, _ := l.Allow(t0.Add(20 * time.Millisecond)); !ok {
		t.Fatal("refused after one token refilled")
	}
	if _, err := l.AllowN(t0, 1); !errors.Is(err, ErrTimeWentBack) {
		t.Fatal(err)
	}
	if _, err := l.AllowN(t0.Add(time.Second), 0); !errors.Is(err, ErrInvalidInput) {
		t.Fatal(err)
	}
	for name, s := range map[string]CountSettings{
		"zero events":    {Per: time.Second},
		"negative per":   {Events: 1, Per: -time.Second},
		"negative burst": {Events: 1, Per: time.Second, Burst: -1},
		"absurdly slow":  {Events: 1, Per: time.Duration(1 << 62), Burst: 1 << 40},
	} {
		if _, err := NewCountLimiter(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestNotionalLimiterFiveMillionPerMinute(t *testing.T) {
	l, err := NewNotionalLimiter(NotionalSettings{Name: "auction-collateral", Max: testkit.D("5000000"), Per: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		notional string
		at       time.Duration
		ok       bool
	}{
		{"4999999.50", 0, true},       // 5,000,000 units (rounded up)
		{"0.01", 0, false},            // one unit more: refused
		{"83333.33", 0, false},        // nothing refilled yet
		{"83334", time.Second, false}, // 1s refills 83,333.33 units
		{"83333", time.Second, true},
	} {
		ok, err := l.Allow(t0.Add(tc.at), testkit.D(tc.notional))
		if err != nil {
			t.Fatal(err)
		}
		if ok != tc.ok {
			t.Fatalf("case %d (%s): ok = %v", i, tc.notional, ok)
		}
	}
	if _, err := l.Allow(t0.Add(time.Hour), testkit.D("5000000.01")); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("above burst: %v", err)
	}
	if _, err := l.Allow(t0.Add(time.Hour), testkit.D("-1")); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("negative: %v", err)
	}
	if got := l.Available(t0.Add(time.Hour)); !got.Equal(testkit.D("5000000")) {
		t.Fatalf("available after an hour: %s", got)
	}
	for name, s := range map[string]NotionalSettings{
		"zero max":         {Per: time.Minute},
		"zero per":         {Max: testkit.D("1")},
		"max below a unit": {Max: testkit.D("0.5"), Per: time.Minute},
		"too many units":   {Max: testkit.D("1e20"), Per: time.Minute},
		"negative unit":    {Max: testkit.D("1"), Per: time.Minute, Unit: testkit.D("-1")},
	} {
		if _, err := NewNotionalLimiter(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// admittedWithin checks, for every pair of calls i ≤ j, that the notional
// (or count) admitted in calls i..j is at most burst + rate × (t_j − t_i),
// exactly in rationals (1e-9 slack for the limiter's float64 arithmetic).
func admittedWithin(t *rapid.T, times []time.Time, amounts []*big.Rat, burst, perSecond *big.Rat) {
	slack := big.NewRat(1, 1_000_000_000)
	for i := range times {
		sum := new(big.Rat)
		for j := i; j < len(times); j++ {
			sum.Add(sum, amounts[j])
			el := new(big.Rat).SetFrac64(int64(times[j].Sub(times[i])), int64(time.Second))
			bound := new(big.Rat).Add(burst, el.Mul(el, perSecond))
			bound.Add(bound, slack)
			if sum.Cmp(bound) > 0 {
				t.Fatalf("admitted %s in [%d, %d] > burst + rate × elapsed = %s", sum.FloatString(4), i, j, bound.FloatString(4))
			}
		}
	}
}

// Property (issue 3): a throttle never admits more than burst + rate ×
// elapsed. Guards: rate.Limiter's AllowN (mutation: admitting every request
// failed), and for the notional limiter the round-up of notionals to units
// in Units (mutation: DivFloor failed).
func TestThrottleNeverExceeds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := rapid.IntRange(1, 100).Draw(t, "events")
		per := time.Duration(rapid.IntRange(1, 60).Draw(t, "perSec")) * time.Second
		burst := rapid.IntRange(1, 100).Draw(t, "burst")
		cl, _ := NewCountLimiter(CountSettings{Events: events, Per: per, Burst: burst})
		unit := testkit.D("0.01")
		nl, _ := NewNotionalLimiter(NotionalSettings{Max: decimal.NewFromInt(int64(events)), Per: per, Burst: decimal.NewFromInt(int64(burst)), Unit: unit})
		now := t0
		var times []time.Time
		var counts, notionals []*big.Rat
		for i, n := 0, rapid.IntRange(1, 80).Draw(t, "steps"); i < n; i++ {
			now = now.Add(time.Duration(rapid.IntRange(0, 500).Draw(t, "dtMs")) * time.Millisecond)
			k := rapid.IntRange(1, burst).Draw(t, "k")
			ok, err := cl.AllowN(now, k)
			if err != nil {
				t.Fatal(err)
			}
			c := new(big.Rat)
			if ok {
				c.SetInt64(int64(k))
			}
			notional := testkit.Decimal(1, int64(burst)*1000, 3).Draw(t, "notional") // finer than the unit
			okN, err := nl.Allow(now, notional)
			if err != nil {
				t.Fatal(err)
			}
			x := new(big.Rat)
			if okN {
				x = notional.Rat()
			}
			times, counts, notionals = append(times, now), append(counts, c), append(notionals, x)
			if err := cl.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if err := nl.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
		rate := new(big.Rat).SetFrac64(int64(events)*int64(time.Second), int64(per))
		admittedWithin(t, times, counts, big.NewRat(int64(burst), 1), rate)
		admittedWithin(t, times, notionals, big.NewRat(int64(burst), 1), rate)
	})
}

// Property: snapshot → JSON → restore → continue equals continuing, bit for
// bit (the rebuild reproduces rate.Limiter's float64 token count exactly).
func TestThrottleSnapshotRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := CountSettings{Events: rapid.IntRange(1, 1000).Draw(t, "events"),
			Per: time.Duration(rapid.IntRange(1, 7000).Draw(t, "perMs")) * time.Millisecond, Burst: rapid.IntRange(0, 50).Draw(t, "burst")}
		a, err := NewCountLimiter(s)
		if err != nil {
			t.Fatal(err)
		}
		var b *CountLimiter
		now := t0
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		cut := rapid.IntRange(0, steps).Draw(t, "cut")
		for i := 0; i < steps; i++ {
			if i == cut {
				snap := viaJSON(t, a.Snapshot())
				if b, err = RestoreCountLimiter(s, snap); err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 1e9).Draw(t, "dt")))
			k := rapid.IntRange(1, 5).Draw(t, "k")
			ra, _ := a.AllowN(now, k)
			if b != nil {
				rb, _ := b.AllowN(now, k)
				if ra != rb || a.TokensAt(now) != b.TokensAt(now) {
					t.Fatalf("step %d: %v/%v tokens %v vs %v", i, ra, rb, a.TokensAt(now), b.TokensAt(now))
				}
			}
		}
	})
}

// Property: the notional limiter's snapshot → JSON → restore → continue
// equals continuing, bit for bit, including the float64 residue just below
// zero that rate.Limiter leaves when it admits a request short by less than
// a nanosecond of refill (before the fix such a snapshot was refused as
// "tokens outside [0, burst]", and CheckInvariants flagged the live
// limiter).
func TestNotionalSnapshotRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := rapid.IntRange(1, 100).Draw(t, "events")
		burst := rapid.IntRange(1, 100).Draw(t, "burst")
		s := NotionalSettings{Max: decimal.NewFromInt(int64(events)), Per: time.Duration(rapid.IntRange(1, 60).Draw(t, "perSec")) * time.Second,
			Burst: decimal.NewFromInt(int64(burst)), Unit: testkit.D("0.01")}
		a, err := NewNotionalLimiter(s)
		if err != nil {
			t.Fatal(err)
		}
		var b *NotionalLimiter
		now := t0
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		cut := rapid.IntRange(0, steps).Draw(t, "cut")
		for i := 0; i < steps; i++ {
			if i == cut {
				if b, err = RestoreNotionalLimiter(s, viaJSON(t, a.Snapshot())); err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 500).Draw(t, "dtMs")) * time.Millisecond)
			notional := testkit.Decimal(1, int64(burst)*1000, 3).Draw(t, "notional")
			ra, _ := a.Allow(now, notional)
			if err := a.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if b != nil {
				rb, _ := b.Allow(now, notional)
				if ra != rb || a.Snapshot() != b.Snapshot() {
					t.Fatalf("step %d: %v/%v snapshots %+v vs %+v", i, ra, rb, a.Snapshot(), b.Snapshot())
				}
			}
		}
	})
}

// Regression (found by CheckInvariants in TestThrottleNeverExceeds): this
// sequence leaves rate.Limiter at -2^-48 tokens after an admission. The
// live limiter must pass CheckInvariants and its snapshot must rebuild bit
// for bit (it used to be refused as "tokens outside [0, burst]").
func TestNotionalSnapshotBelowZeroResidue(t *testing.T) {
	s := NotionalSettings{Max: testkit.D("4"), Per: 12 * time.Second, Burst: testkit.D("3"), Unit: testkit.D("0.01")}
	a, err := NewNotionalLimiter(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ms       int
		notional string
		want     bool
	}{{0, "2.391", true}, {1, "0.261", true}, {4, "0.331", false}, {302, "0.151", true}, {307, "0.271", false}, {330, "0.271", true}} {
		if ok, err := a.Allow(at(time.Duration(c.ms)*time.Millisecond), testkit.D(c.notional)); err != nil || ok != c.want {
			t.Fatalf("at %dms %s: %v %v", c.ms, c.notional, ok, err)
		}
	}
	snap := a.Snapshot()
	if snap.Tokens >= 0 {
		t.Skipf("rate.Limiter left %v tokens: the residue this test pins is gone", snap.Tokens)
	}
	if err := a.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	b, err := RestoreNotionalLimiter(s, viaJSON(t, snap))
	if err != nil {
		t.Fatal(err)
	}
	if b.Snapshot() != snap {
		t.Fatalf("rebuilt %+v, want %+v", b.Snapshot(), snap)
	}
	for i, n := range []string{"0.01", "0.05", "1", "0.33"} {
		now := at(330*time.Millisecond + time.Duration(i)*7*time.Millisecond)
		ra, _ := a.Allow(now, testkit.D(n))
		rb, _ := b.Allow(now, testkit.D(n))
		if ra != rb || a.Snapshot() != b.Snapshot() {
			t.Fatalf("step %d: %v vs %v, %+v vs %+v", i, ra, rb, a.Snapshot(), b.Snapshot())
		}
	}
}

package breaker

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The exact form reproduces TestCountLimiterFiftyPerSecond's decisions:
// 50 at once, none 19 ms later, one at 20 ms (one token at 50/s).
func TestExactCountLimiterFiftyPerSecond(t *testing.T) {
	l, err := NewCountLimiter(CountSettings{Name: "liquidations", Events: 50, Per: time.Second, Exact: true})
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
	if ok, _ := l.Allow(t0.Add(20*time.Millisecond - 1)); ok {
		t.Fatal("admitted 1 ns before one token refilled (20 ms at 50/s)")
	}
	if ok, _ := l.Allow(t0.Add(20 * time.Millisecond)); !ok {
		t.Fatal("refused when one token had refilled exactly")
	}
	if _, err := l.AllowN(t0, 1); !errors.Is(err, ErrTimeWentBack) {
		t.Fatal(err)
	}
	snap := l.Snapshot()
	if !snap.Exact || snap.Level != 0 || !snap.Last.Equal(t0.Add(20*time.Millisecond)) {
		t.Fatalf("snapshot %+v: want an empty exact bucket at the last call", snap)
	}
}

// Settings and snapshots outside the exact form's range are refused, and
// the two forms' snapshots are not interchangeable.
func TestExactThrottleRefusesBadInput(t *testing.T) {
	if _, err := NewCountLimiter(CountSettings{Events: 1, Per: time.Duration(1 << 40), Burst: 1 << 30, Exact: true}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("burst × per beyond 2^62 ns: %v", err)
	}
	s := CountSettings{Events: 5, Per: time.Second, Exact: true}
	full := int64(5) * int64(time.Second)
	for name, snap := range map[string]ThrottleSnapshot{
		"level above full":      {Exact: true, Level: full + 1, Last: t0, Seen: true},
		"negative level":        {Exact: true, Level: -1, Last: t0, Seen: true},
		"float form's snapshot": {At: t0, Tokens: 3, Last: t0, Seen: true},
		"not full without call": {Exact: true, Level: 1},
	} {
		if _, err := RestoreCountLimiter(s, snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := RestoreCountLimiter(CountSettings{Events: 5, Per: time.Second}, ThrottleSnapshot{Exact: true, Level: 1, Last: t0, Seen: true}); !errors.Is(err, ErrInvalidSnapshot) {
		t.Errorf("exact snapshot into the x/time/rate form: %v", err)
	}
}

// Property: the exact form decides exactly as a token bucket in rational
// arithmetic (tokens = min(burst, tokens + rate × elapsed); admit n when
// tokens ≥ n), on every call, with no slack; and a snapshot → JSON →
// restore at any step continues identically. Mutations tried: refilling
// with ⌊room/events⌋ instead of ⌈room/events⌉ as the fill threshold, and
// comparing level > cost instead of ≥, each fail here.
func TestPropExactThrottleIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		events := rapid.IntRange(1, 1000).Draw(t, "events")
		per := time.Duration(rapid.Int64Range(1, int64(10*time.Second)).Draw(t, "perNs"))
		burst := rapid.IntRange(1, 50).Draw(t, "burst")
		s := CountSettings{Events: events, Per: per, Burst: burst, Exact: true}
		a, err := NewCountLimiter(s)
		if err != nil {
			t.Fatal(err)
		}
		rate := new(big.Rat).SetFrac64(int64(events), int64(per)) // tokens per ns
		tokens := big.NewRat(int64(burst), 1)
		var b *CountLimiter
		now, last := t0, t0
		steps := rapid.IntRange(1, 60).Draw(t, "steps")
		cut := rapid.IntRange(0, steps).Draw(t, "cut")
		for i := 0; i < steps; i++ {
			if i == cut {
				if b, err = RestoreCountLimiter(s, viaJSON(t, a.Snapshot())); err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(time.Duration(rapid.Int64Range(0, int64(per)).Draw(t, "dt")))
			k := rapid.IntRange(1, burst).Draw(t, "k")
			tokens.Add(tokens, new(big.Rat).Mul(rate, new(big.Rat).SetInt64(int64(now.Sub(last)))))
			if tokens.Cmp(big.NewRat(int64(burst), 1)) > 0 {
				tokens.SetInt64(int64(burst))
			}
			last = now
			want := tokens.Cmp(big.NewRat(int64(k), 1)) >= 0
			if want {
				tokens.Sub(tokens, big.NewRat(int64(k), 1))
			}
			got, err := a.AllowN(now, k)
			if err != nil || got != want {
				t.Fatalf("step %d: AllowN(%d) = %v, %v; the rational bucket (%s tokens) says %v", i, k, got, err, tokens.FloatString(9), want)
			}
			if err := a.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if b != nil {
				if rb, _ := b.AllowN(now, k); rb != got || a.Snapshot() != b.Snapshot() {
					t.Fatalf("step %d: restored copy diverged: %+v vs %+v", i, b.Snapshot(), a.Snapshot())
				}
			}
		}
	})
}

// The exact notional limiter keeps the x/time/rate form's unit rounding
// (TestNotionalLimiterFiveMillionPerMinute's cases, same answers).
func TestExactNotionalLimiterFiveMillionPerMinute(t *testing.T) {
	l, err := NewNotionalLimiter(NotionalSettings{Name: "auction-collateral", Max: testkit.D("5000000"), Per: time.Minute, Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		notional string
		at       time.Duration
		ok       bool
	}{
		{"4999999.50", 0, true},
		{"0.01", 0, false},
		{"83333.33", 0, false},
		{"83334", time.Second, false},
		{"83333", time.Second, true},
	} {
		ok, err := l.Allow(t0.Add(tc.at), testkit.D(tc.notional))
		if err != nil || ok != tc.ok {
			t.Fatalf("case %d (%s): ok = %v, %v", i, tc.notional, ok, err)
		}
	}
	if got := l.Available(t0.Add(time.Second)); !got.Equal(decimal.NewFromInt(0)) {
		t.Fatalf("available after the last admission: %s, want 0 (83,333.33 refilled, 83,333 taken)", got)
	}
	if got := l.Available(t0.Add(time.Hour)); !got.Equal(testkit.D("5000000")) {
		t.Fatalf("available after an hour: %s, want the burst", got)
	}
}

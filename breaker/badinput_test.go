package breaker

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
)

// jsonOf renders a snapshot for before/after comparison.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// badCall is one rejected call: it must fail with want and leave the
// snapshot exactly as it was (issue 3, "Bad input": a clear error, state
// unchanged).
type badCall struct {
	name string
	want error
	call func() error
}

func runBad(t *testing.T, snap func() string, calls []badCall) {
	t.Helper()
	for _, c := range calls {
		before := snap()
		err := c.call()
		if !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
		onePrefix(t, c.name, err)
		if after := snap(); after != before {
			t.Errorf("%s: state changed:\n before %s\n after  %s", c.name, before, after)
		}
	}
}

// onePrefix checks the issue 11 convention: an error wraps its sentinel
// once, so "breaker: " appears exactly once in its text.
func onePrefix(t *testing.T, name string, err error) {
	t.Helper()
	if err != nil && strings.Count(err.Error(), "breaker: ") != 1 {
		t.Errorf("%s: error %q does not carry the package prefix exactly once", name, err)
	}
}

var absurd = decimal.New(1, -90) // exponent far outside num.Check's range

func TestBadInputLeavesChangeTriggerUnchanged(t *testing.T) {
	tr, err := NewChange(ChangeSettings{Direction: Below, Threshold: testkit.D("0.1"), Window: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"100", "95", "89"} {
		if _, err := tr.Observe(at(time.Duration(i)*time.Minute), testkit.D(v)); err != nil {
			t.Fatal(err)
		}
	}
	obs := func(v decimal.Decimal, d time.Duration) func() error {
		return func() error { _, err := tr.Observe(at(d), v); return err }
	}
	runBad(t, func() string { return jsonOf(t, tr.Snapshot()) }, []badCall{
		{"zero value", ErrInvalidInput, obs(decimal.Zero, 3*time.Minute)},
		{"negative value", ErrInvalidInput, obs(testkit.D("-5"), 3*time.Minute)},
		{"absurd value", ErrInvalidInput, obs(absurd, 3*time.Minute)},
		{"huge value", ErrInvalidInput, obs(decimal.New(1, 200), 3*time.Minute)},
		{"time back", ErrTimeWentBack, obs(testkit.D("100"), time.Minute)},
	})
	for name, s := range map[string]ChangeSettings{
		"negative window":      {Threshold: testkit.D("0.1"), Window: -time.Minute},
		"zero window":          {Threshold: testkit.D("0.1")},
		"negative min tripped": {Threshold: testkit.D("0.1"), Window: time.Minute, MinTripped: -1},
		"zero threshold":       {Window: time.Minute},
		"reset ≥ threshold":    {Threshold: testkit.D("0.1"), Reset: testkit.D("0.1"), Window: time.Minute},
		"drop of 100%":         {Direction: Below, Threshold: testkit.D("1"), Window: time.Minute},
	} {
		if _, err := NewChange(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestBadInputLeavesCompositeUnchanged(t *testing.T) {
	lv, _ := NewLevel(LevelSettings{Trip: testkit.D("10"), Reset: testkit.D("5")})
	c, err := NewComposite("c", AnyOf, lv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Evaluate(at(time.Minute)); err != nil {
		t.Fatal(err)
	}
	runBad(t, func() string { return jsonOf(t, c.Snapshot()) }, []badCall{
		{"time back", ErrTimeWentBack, func() error { _, err := c.Evaluate(at(0)); return err }},
	})
	for name, f := range map[string]func() error{
		"no members":   func() error { _, err := NewComposite("x", AllOf); return err },
		"nil member":   func() error { _, err := NewComposite("x", AllOf, nil); return err },
		"unknown mode": func() error { _, err := NewComposite("x", Mode(7), lv); return err },
	} {
		if err := f(); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestBadInputLeavesKillSwitchUnchanged(t *testing.T) {
	k := NewKillSwitch()
	if err := errOf(k.Engage(at(time.Minute), "BTC-USD", "bad prints", "ops:alice")); err != nil {
		t.Fatal(err)
	}
	runBad(t, func() string { return jsonOf(t, k.Snapshot()) }, []badCall{
		{"no target", ErrInvalidInput, func() error { return errOf(k.Engage(at(2*time.Minute), "", "r", "a")) }},
		{"no reason", ErrInvalidInput, func() error { return errOf(k.Engage(at(2*time.Minute), "X", "", "a")) }},
		{"no actor", ErrInvalidInput, func() error { return errOf(k.Engage(at(2*time.Minute), "X", "r", "")) }},
		{"engage back in time", ErrTimeWentBack, func() error { return errOf(k.Engage(at(0), "X", "r", "a")) }},
		{"release back in time", ErrTimeWentBack, func() error { return errOf(k.Release(at(0), "BTC-USD", "r", "a")) }},
		{"release not engaged", ErrUnknownCause, func() error { return errOf(k.Release(at(2*time.Minute), "ETH-USD", "r", "a")) }},
		{"release without actor", ErrInvalidInput, func() error { return errOf(k.Release(at(2*time.Minute), "BTC-USD", "r", "")) }},
	})
}

func TestBadInputLeavesThrottlesUnchanged(t *testing.T) {
	cl, err := NewCountLimiter(CountSettings{Events: 50, Per: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.AllowN(at(time.Second), 10); err != nil {
		t.Fatal(err)
	}
	runBad(t, func() string { return jsonOf(t, cl.Snapshot()) }, []badCall{
		{"n = 0", ErrInvalidInput, func() error { _, err := cl.AllowN(at(2*time.Second), 0); return err }},
		{"n < 0", ErrInvalidInput, func() error { _, err := cl.AllowN(at(2*time.Second), -3); return err }},
		{"time back", ErrTimeWentBack, func() error { _, err := cl.AllowN(at(0), 1); return err }},
	})
	nl, err := NewNotionalLimiter(NotionalSettings{Max: testkit.D("5000000"), Per: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nl.Allow(at(time.Second), testkit.D("1000000")); err != nil {
		t.Fatal(err)
	}
	allow := func(v decimal.Decimal, d time.Duration) func() error {
		return func() error { _, err := nl.Allow(at(d), v); return err }
	}
	runBad(t, func() string { return jsonOf(t, nl.Snapshot()) }, []badCall{
		{"zero notional", ErrInvalidInput, allow(decimal.Zero, 2*time.Second)},
		{"negative notional", ErrInvalidInput, allow(testkit.D("-1"), 2*time.Second)},
		{"absurd notional", ErrInvalidInput, allow(absurd, 2*time.Second)},
		{"above the burst", ErrInvalidInput, allow(testkit.D("5000000.01"), 2*time.Second)},
		{"time back", ErrTimeWentBack, allow(testkit.D("1"), 0)},
	})
	for name, f := range map[string]func() error{
		"count: negative per": func() error { _, err := NewCountLimiter(CountSettings{Events: 1, Per: -time.Second}); return err },
		"count: zero events":  func() error { _, err := NewCountLimiter(CountSettings{Per: time.Second}); return err },
		"count: negative burst": func() error {
			_, err := NewCountLimiter(CountSettings{Events: 1, Per: time.Second, Burst: -1})
			return err
		},
		"count: huge period (rate unrepresentable)": func() error {
			_, err := NewCountLimiter(CountSettings{Events: 1, Per: time.Duration(math.MaxInt64), Burst: math.MaxInt32})
			return err
		},
		"notional: negative per": func() error {
			_, err := NewNotionalLimiter(NotionalSettings{Max: testkit.D("1"), Per: -time.Minute})
			return err
		},
		"notional: absurd max": func() error {
			_, err := NewNotionalLimiter(NotionalSettings{Max: decimal.New(1, 300), Per: time.Minute})
			return err
		},
		"notional: unit finer than 2^53 units": func() error {
			_, err := NewNotionalLimiter(NotionalSettings{Max: testkit.D("5000000"), Per: time.Minute, Unit: decimal.New(1, -18)})
			return err
		},
		"service: negative timeout": func() error {
			_, err := NewService[int](ServiceSettings{OpenTimeout: -time.Second})
			return err
		},
		"service: negative interval": func() error {
			_, err := NewService[int](ServiceSettings{Interval: -time.Second})
			return err
		},
	} {
		if err := f(); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestBadInputMarketWideStartSession(t *testing.T) {
	w, open, cls := nyseSession(t)
	if _, err := w.Observe(open.Add(time.Hour), testkit.D("3900")); err != nil {
		t.Fatal(err)
	}
	runBad(t, func() string { return jsonOf(t, w.Snapshot()) }, []badCall{
		{"zero reference", ErrInvalidInput, func() error { return errOf(w.StartSession(decimal.Zero, cls, cls.Add(time.Hour))) }},
		{"absurd reference", ErrInvalidInput, func() error { return errOf(w.StartSession(absurd, cls, cls.Add(time.Hour))) }},
		{"empty session", ErrInvalidInput, func() error { return errOf(w.StartSession(testkit.D("4000"), cls, cls)) }},
		{"opens before last observation", ErrTimeWentBack, func() error { return errOf(w.StartSession(testkit.D("4000"), open, cls)) }},
		{"negative index", ErrInvalidInput, func() error { _, err := w.Observe(open.Add(2*time.Hour), testkit.D("-1")); return err }},
	})
	r, _ := NewMarketWide(CryptoMarketWide())
	if err := errOf(r.StartSession(testkit.D("4000"), open, cls)); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("StartSession in rolling mode: %v", err)
	}
}

// Trade and Clear first bring the market up to now (timers, sources) — the
// same time-driven transitions Status(now) would make, whatever the input —
// and only then judge their argument. A rejected Trade or Clear therefore
// leaves the market exactly as Status(now) would: the rejected input itself
// changes nothing.
func TestRejectedTradeOnlyAdvancesTime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		price string
		dt    time.Duration
		want  error
	}{
		{"outside the band", "20", time.Second, ErrInvalidInput},
		{"limit became a pause at now", "10", 20 * time.Second, ErrNotTrading},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mk := func() *Market {
				m := mustMarket(t, MarketSettings{Reference: testkit.D("10")})
				if _, err := m.Check(t0, testkit.D("10.5")); err != nil { // at the band: limit state
					t.Fatal(err)
				}
				return m
			}
			a, b := mk(), mk()
			if err := errOf(a.Trade(t0.Add(tc.dt), testkit.D(tc.price))); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if _, err := b.Status(t0.Add(tc.dt)); err != nil {
				t.Fatal(err)
			}
			if sa, sb := jsonOf(t, a.Snapshot()), jsonOf(t, b.Snapshot()); sa != sb {
				t.Fatalf("rejected trade changed more than time:\n trade  %s\n status %s", sa, sb)
			}
		})
	}
}

// Absurd durations and times never panic: settings either reject them or
// work (time arithmetic saturates).
func TestHugeDurationsDoNotPanic(t *testing.T) {
	huge := time.Duration(math.MaxInt64)
	m, err := NewMarket(MarketSettings{Reference: testkit.D("10"), ReferenceWindow: huge, LimitDuration: huge, PauseDuration: huge})
	if err != nil {
		t.Fatal(err)
	}
	far := time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	for _, now := range []time.Time{{}, t0, far} {
		_, _ = m.Observe(now, testkit.D("10.5"))
		_, _ = m.Check(now, testkit.D("99"))
		_ = errOf(m.Halt(now, "ops", "r", "a", now.Add(huge)))
		_, _ = m.Status(now)
	}
	if err := m.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	lv, err := NewLevel(LevelSettings{Trip: testkit.D("1"), Reset: testkit.D("0"), MinTripped: huge, Consecutive: math.MaxInt})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = lv.Observe(far, testkit.D("2"))
	ch, err := NewChange(ChangeSettings{Threshold: testkit.D("0.1"), Window: huge, MinTripped: huge})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = ch.Observe(time.Time{}, testkit.D("1"))
	_, _ = ch.Observe(far, testkit.D("2"))
	ws := CryptoMarketWide()
	ws.Rolling, ws.SampleEvery = huge, huge
	w, err := NewMarketWide(ws)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Observe(time.Time{}, testkit.D("4000"))
	_, _ = w.Observe(far, testkit.D("1"))
	if err := w.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewCountLimiter(CountSettings{Events: math.MaxInt, Per: 1}); err != nil {
		t.Logf("count limiter with an absurd rate: %v", err)
	}
}

// Snapshots a host could hand-edit or corrupt: each is refused with
// ErrInvalidSnapshot, never restored into a market that breaks its
// invariants.
func TestRestoreMarketRefusesInconsistentTimes(t *testing.T) {
	s := MarketSettings{Reference: testkit.D("10")}
	m := mustMarket(t, s)
	if _, err := m.Check(t0, testkit.D("10.5")); err != nil { // limit state at t0
		t.Fatal(err)
	}
	if err := errOf(m.Halt(t0.Add(time.Second), "ops", "r", "a", t0.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	good := m.Snapshot()
	if _, err := RestoreMarket(s, good); err != nil {
		t.Fatalf("good snapshot: %v", err)
	}
	for name, edit := range map[string]func(*MarketSnapshot){
		"halt starts after the last call": func(s *MarketSnapshot) { s.Halts[0].Since = s.Last.Add(time.Minute) },
		"halt ends before it starts":      func(s *MarketSnapshot) { s.Halts[0].Until = s.Halts[0].Since.Add(-time.Minute) },
		"halts without any call":          func(s *MarketSnapshot) { s.Seen, s.Last = false, time.Time{} },
		"limit state in the future": func(s *MarketSnapshot) {
			s.State, s.Halts, s.LimitSince = Limit, nil, s.Last.Add(time.Minute)
		},
	} {
		snap := viaJSON(t, good)
		edit(&snap)
		if _, err := RestoreMarket(s, snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

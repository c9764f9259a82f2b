package breaker

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
)

// parseOr parses s, or returns def when s is not a decimal.
func parseOr(s string, def decimal.Decimal) decimal.Decimal {
	d, err := decimal.NewFromString(s)
	if err != nil {
		return def
	}
	return d
}

// FuzzMarketOps drives a market, its kill switch and a market-wide breaker
// with fuzzed operations, prices, causes and time steps (negative steps
// included): never a panic, the invariants always hold, every call
// answers within a second (a hang takes minutes; 100 ms flaked on the
// loaded 2-core machine: testdata/fuzz/FuzzMarketOps/2acfcf955a5273c9), and a refused Check, Observe, Status, Halt or
// Clear leaves the market's snapshot unchanged.
func FuzzMarketOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7}, "9.50", int64(5e9), "news")
	f.Add([]byte{8, 9, 10, 11, 40, 3, 3, 4}, "1e9999", int64(-1), "")
	f.Add([]byte{1, 1, 1, 1, 17, 25, 33}, "0.00001234", int64(16e9), "luld-pause")
	f.Add([]byte{3, 3, 4, 4, 6, 6, 7, 7}, "10.5", int64(3e11), "kill-switch")
	f.Fuzz(func(t *testing.T, ops []byte, price string, dt int64, cause string) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		p := parseOr(price, testkit.D("10"))
		ks := NewKillSwitch()
		mw, _ := NewMarketWide(NYSEMarketWide())
		_, _ = mw.StartSession(testkit.D("100"), t0, t0.Add(6*time.Hour))
		m, _ := NewMarket(MarketSettings{ID: "M", Reference: testkit.D("10"), Sources: []HaltSource{ks, mw}})
		now := t0
		for i, op := range ops {
			now = now.Add(time.Duration(dt) * time.Duration(int(op>>4)-4))
			price := p
			if op&8 != 0 {
				price = testkit.D("10")
			}
			before := m.Snapshot()
			start := time.Now()
			var err error
			pure := true // a refusal must change nothing
			switch op & 7 {
			case 0:
				_, err = m.Check(now, price)
			case 1:
				_, err = m.Observe(now, price)
			case 2:
				_, err = m.Trade(now, price)
				pure = false // brings the market up to now first (documented)
			case 3:
				_, err = m.Halt(now, cause, "fuzz", "fuzzer", now.Add(time.Duration(dt)))
			case 4:
				_, err = m.Clear(now, cause, "fuzzer")
			case 5:
				_, err = m.Status(now)
			case 6:
				_, err = ks.Engage(now, "M", "fuzz", "fuzzer")
				pure = false
			case 7:
				_, err = ks.Release(now, "M", "fuzz", "fuzzer")
				pure = false
			}
			if el := time.Since(start); el > time.Second {
				t.Fatalf("op %d (%d) took %s", i, op&7, el)
			}
			if err != nil && pure && !reflect.DeepEqual(before, m.Snapshot()) {
				t.Fatalf("op %d (%d) refused (%v) but changed the market", i, op&7, err)
			}
			if err != nil && !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrTimeWentBack) &&
				!errors.Is(err, ErrUnknownCause) && !errors.Is(err, ErrNotTrading) {
				t.Fatalf("op %d: error without a sentinel: %v", i, err)
			}
			for _, c := range []interface{ CheckInvariants() error }{m, ks, mw} {
				if err := c.CheckInvariants(); err != nil {
					t.Fatalf("op %d: %v", i, err)
				}
			}
		}
	})
}

// FuzzBand feeds arbitrary references, scales, significant figures and
// percentages to ComputeBand, BandAmount and Band.Contains: never a panic or
// a slow answer; every accepted band contains its reference, has a
// positive lower edge and contains exactly the prices between its edges.
func FuzzBand(f *testing.F) {
	f.Add("10.00", int32(2), int32(0), "0", "9.99", false)
	f.Add("0.00001234", int32(8), int32(5), "0.05", "0.0000125", true)
	f.Add("1e9999", int32(2), int32(0), "0", "1e-40", false)
	f.Add("123456.7", int32(-8), int32(18), "0.999", "-0", true)
	f.Fuzz(func(t *testing.T, ref string, scale, sigfigs int32, pct, probe string, widened bool) {
		r := parseOr(ref, testkit.D("1"))
		s := BandSettings{PriceScale: scale, SigFigs: sigfigs, FlatPercent: parseOr(pct, decimal.Zero)}
		start := time.Now()
		b, err := ComputeBand(s, r, widened)
		_, aerr := s.BandAmount(r, widened)
		pr := parseOr(probe, testkit.D("1"))
		in := b.Contains(pr)
		_ = b.String()
		if el := time.Since(start); el > time.Second {
			t.Fatalf("took %s", el)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidSettings) && !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("error without a sentinel: %v", err)
			}
			return
		}
		if aerr != nil {
			t.Fatalf("ComputeBand accepted what BandAmount refused: %v", aerr)
		}
		if !b.Contains(b.Reference) || b.Lower.Sign() <= 0 || b.Lower.GreaterThan(b.Upper) {
			t.Fatalf("band %s does not contain its reference", b)
		}
		if want := pr.Cmp(b.Lower) >= 0 && pr.Cmp(b.Upper) <= 0; in != want && pr.Exponent() > -36 && pr.Exponent() < 36 {
			t.Fatalf("Contains(%s) = %v for %s", pr, in, b)
		}
	})
}

// FuzzTriggers feeds arbitrary values and time steps to a level trigger,
// a change trigger and a composite over both: never a panic; refusals
// change nothing; the invariants hold; a value strictly between the reset
// and trip levels never changes the level trigger's state (hysteresis).
func FuzzTriggers(f *testing.F) {
	f.Add("100", "95", "90", int64(1e9), uint8(3))
	f.Add("1e9999", "-0", "1e-40", int64(-1), uint8(1))
	f.Add("100", "100", "99.999999", int64(0), uint8(0))
	f.Fuzz(func(t *testing.T, a, b, c string, dt int64, consecutive uint8) {
		lv, err := NewLevel(LevelSettings{Trip: testkit.D("100"), Reset: testkit.D("90"), Consecutive: int(consecutive % 5)})
		if err != nil {
			t.Fatal(err)
		}
		ch, _ := NewChange(ChangeSettings{Direction: Below, Threshold: testkit.D("0.1"), Window: time.Minute})
		co, _ := NewComposite("co", AnyOf, lv, ch)
		now := t0
		for i, s := range []string{a, b, c, a, c, b} {
			now = now.Add(time.Duration(dt) * time.Duration(i%3-1+i))
			v := parseOr(s, testkit.D("95"))
			lb, cb := lv.Snapshot(), ch.Snapshot()
			r, err := lv.Observe(now, v)
			if err != nil && lv.Snapshot() != lb {
				t.Fatalf("refused level observation changed the trigger: %v", err)
			}
			if err == nil && v.GreaterThan(testkit.D("90")) && v.LessThan(testkit.D("100")) && r.Changed {
				t.Fatalf("value %s between reset and trip changed the state: %s", v, r)
			}
			if _, err := ch.Observe(now, v); err != nil && !reflect.DeepEqual(ch.Snapshot(), cb) {
				t.Fatalf("refused change observation changed the trigger: %v", err)
			}
			_, _ = co.Evaluate(now)
			for _, x := range []interface{ CheckInvariants() error }{lv, ch, co} {
				if err := x.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// FuzzThrottles feeds arbitrary counts, notionals and time steps to both
// throttles: never a panic; refusals (errors) change nothing; a request
// above the burst is an error in both; the invariants hold.
func FuzzThrottles(f *testing.F) {
	f.Add(3, "1000", int64(1e8))
	f.Add(1<<62, "1e9999", int64(-5))
	f.Add(-1, "5000000.01", int64(0))
	f.Fuzz(func(t *testing.T, n int, notional string, dt int64) {
		cl, _ := NewCountLimiter(CountSettings{Events: 50, Per: time.Second})
		nl, _ := NewNotionalLimiter(NotionalSettings{Max: testkit.D("5000000"), Per: time.Minute})
		v := parseOr(notional, testkit.D("1"))
		now := t0
		for i := 0; i < 4; i++ {
			now = now.Add(time.Duration(dt) * time.Duration(i-1))
			cb, nb := cl.Snapshot(), nl.Snapshot()
			ok, err := cl.AllowN(now, n)
			if err != nil && cl.Snapshot() != cb {
				t.Fatalf("refused AllowN changed the limiter: %v", err)
			}
			if n > 50 && err == nil {
				t.Fatalf("AllowN(%d) above the burst: %v, no error", n, ok)
			}
			if _, err := nl.Allow(now, v); err != nil && nl.Snapshot() != nb {
				t.Fatalf("refused Allow changed the limiter: %v", err)
			}
			_, _ = nl.units(v)
			_ = nl.Available(now)
			_ = cl.TokensAt(now)
			if err := cl.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if err := nl.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// FuzzMarketWide feeds arbitrary references, index values and time steps
// to both presets: never a panic; refusals change nothing; the invariants
// hold; an index at or below a level's threshold is at that level.
func FuzzMarketWide(f *testing.F) {
	f.Add("4000", "3720", int64(30*time.Minute))
	f.Add("1e9999", "-1", int64(-1))
	f.Add("4000", "3720.01", int64(355*time.Minute))
	f.Fuzz(func(t *testing.T, ref, index string, dt int64) {
		r, x := parseOr(ref, testkit.D("4000")), parseOr(index, testkit.D("3900"))
		_, _ = WideThresholds(NYSEMarketWide(), r)
		for _, s := range []WideSettings{NYSEMarketWide(), CryptoMarketWide()} {
			w, _ := NewMarketWide(s)
			before := w.Snapshot()
			if _, err := w.StartSession(r, t0, t0.Add(390*time.Minute)); err != nil && !reflect.DeepEqual(before, w.Snapshot()) {
				t.Fatalf("refused StartSession changed the breaker: %v", err)
			}
			now := t0
			for i := 0; i < 4; i++ {
				now = now.Add(time.Duration(dt) * time.Duration(i-1))
				before := w.Snapshot()
				st, err := w.Observe(now, x)
				if err != nil && !reflect.DeepEqual(before, w.Snapshot()) {
					t.Fatalf("refused Observe changed the breaker: %v", err)
				}
				if err == nil && st.Level > 0 && x.GreaterThan(w.Thresholds()[st.Level-1]) {
					t.Fatalf("index %s above the level %d threshold %s", x, st.Level, w.Thresholds()[st.Level-1])
				}
				_, _ = w.HaltFor(now, "M")
				if err := w.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

// FuzzService runs fuzzed sequences of requests (nil, failing, succeeding),
// forcing and releasing: never a panic; a nil request is always refused;
// every event returned has a kind and a subject.
func FuzzService(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 1, 1, 1, 1, 1, 1, 1})
	f.Add([]byte{3, 3, 4, 4, 5, 5, 0, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		svc, _ := NewService[int](ServiceSettings{TripAfter: 2, OpenTimeout: time.Nanosecond})
		for _, op := range ops {
			var ev []Event
			var err error
			switch op % 6 {
			case 0:
				_, ev, err = svc.Execute(nil)
				if !errors.Is(err, ErrInvalidInput) {
					t.Fatalf("Execute(nil): %v", err)
				}
			case 1:
				_, ev, _ = svc.Execute(func() (int, error) { return 0, errDown })
			case 2:
				_, ev, _ = svc.Execute(func() (int, error) { return 1, nil })
			case 3:
				ev, _ = svc.ForceOpen("fuzz", "fuzzer")
			case 4:
				ev, _ = svc.ForceClosed("fuzz", "fuzzer")
			case 5:
				ev, _ = svc.Release("fuzz", "fuzzer")
			}
			for _, e := range ev {
				if e.Kind == "" || e.Subject == "" {
					t.Fatalf("event without kind or subject: %+v", e)
				}
			}
		}
	})
}

package breaker

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
)

// Issue 10 hunt: every exported function and method of the package that
// takes host input, with the bad inputs tried for each. Stateful calls run
// through runBad: a clear error (errors.Is the sentinel), within 100 ms,
// and a snapshot before == after. Stateless functions must refuse within
// 100 ms. Inputs: absurd decimals (1e9999, 1e-40, exponents ±2^31), −0,
// zero and negative, huge counts and scales, typed-nil and nil interfaces
// and funcs, empty and repeated IDs/causes, zero and backwards times,
// inconsistent snapshots (see also TestRestoreMarketRefusesInconsistentTimes
// and FuzzRestoreSnapshots).
//
// Defects this hunt found beyond issue 10's list (each fixed, each row
// below failed before its fix):
//   - NewComposite / RestoreComposite accepted a typed-nil member and
//     NewMarket a typed-nil HaltSource: the first Evaluate / Check panicked.
//   - Band.Contains(1e-5000000) took 1.1 s (2^31 exponents: hang); Band.String
//     formatted unchecked decimals.
//   - KillSwitch.Engage of an engaged target replaced its reason and actor;
//     Service.ForceOpen/ForceClosed of an already-forced breaker replaced its
//     reason and actor (same class as item 12's Market.Halt).
//   - ChangeTrigger and MarketWide's rolling samples copied their whole
//     window whenever a point left it (same class as item 15).
//   - Market.Clear of a cause that expired at now advanced the market
//     before refusing (the refusal changed state); it now refuses first.
var (
	hugeExp   = decimal.New(1, 9999)          // 1e9999
	tinyExp   = decimal.New(1, -40)           // 1e-40
	maxExp    = decimal.New(1, math.MaxInt32) // 1e2147483647
	minExp    = decimal.New(1, math.MinInt32) // 1e-2147483648
	negZero   = decimal.RequireFromString("-0")
	negative  = testkit.D("-100")
	badPrices = []struct {
		name string
		d    decimal.Decimal
	}{{"1e9999", hugeExp}, {"1e-40", tinyExp}, {"1e2147483647", maxExp}, {"1e-2147483648", minExp},
		{"-0", negZero}, {"zero", decimal.Zero}, {"negative", negative}}
)

// fast fails the test when f takes more than 100 ms (a hang in disguise).
func fast(t *testing.T, name string, f func() error) error {
	t.Helper()
	start := time.Now()
	err := f()
	if el := time.Since(start); el > 100*time.Millisecond {
		t.Errorf("%s took %s", name, el)
	}
	return err
}

func TestHuntMarket(t *testing.T) {
	ks := NewKillSwitch()
	m := mustMarket(t, MarketSettings{ID: "M", Reference: testkit.D("10"), Sources: []HaltSource{ks}})
	if _, err := m.Observe(at(time.Minute), testkit.D("10.1")); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Halt(at(2*time.Minute), "news", "pending", "ops", at(time.Hour)); err != nil {
		t.Fatal(err)
	}
	snap := func() string { return jsonOf(t, m.Snapshot()) }
	var calls []badCall
	for _, p := range badPrices {
		p := p
		calls = append(calls,
			badCall{"Check price " + p.name, ErrInvalidInput, func() error { _, err := m.Check(at(3*time.Minute), p.d); return err }},
			badCall{"Observe price " + p.name, ErrInvalidInput, func() error { _, err := m.Observe(at(3*time.Minute), p.d); return err }},
			badCall{"Trade price " + p.name, ErrInvalidInput, func() error { return errOf(m.Trade(at(3*time.Minute), p.d)) }},
		)
	}
	calls = append(calls,
		badCall{"Check below one tick (0.001 at cents)", ErrInvalidInput, func() error { _, err := m.Check(at(3*time.Minute), testkit.D("0.004")); return err }},
		badCall{"Check time back", ErrTimeWentBack, func() error { _, err := m.Check(at(0), testkit.D("10")); return err }},
		badCall{"Check zero time", ErrTimeWentBack, func() error { _, err := m.Check(time.Time{}, testkit.D("10")); return err }},
		badCall{"Observe time back", ErrTimeWentBack, func() error { _, err := m.Observe(at(0), testkit.D("10")); return err }},
		badCall{"Status time back", ErrTimeWentBack, func() error { _, err := m.Status(at(0)); return err }},
		badCall{"Trade time back", ErrTimeWentBack, func() error { return errOf(m.Trade(at(0), testkit.D("10"))) }},
		badCall{"Halt empty cause", ErrInvalidInput, func() error { return errOf(m.Halt(at(3*time.Minute), "", "r", "a", time.Time{})) }},
		badCall{"Halt reserved cause", ErrInvalidInput, func() error { return errOf(m.Halt(at(3*time.Minute), CauseLimitPause, "r", "a", time.Time{})) }},
		badCall{"Halt repeated (active) cause", ErrInvalidInput, func() error { return errOf(m.Halt(at(3*time.Minute), "news", "r", "a", time.Time{})) }},
		badCall{"Halt until == now", ErrInvalidInput, func() error { return errOf(m.Halt(at(3*time.Minute), "x", "r", "a", at(3*time.Minute))) }},
		badCall{"Halt until before now", ErrInvalidInput, func() error { return errOf(m.Halt(at(3*time.Minute), "x", "r", "a", at(time.Minute))) }},
		badCall{"Halt time back", ErrTimeWentBack, func() error { return errOf(m.Halt(at(0), "x", "r", "a", time.Time{})) }},
		badCall{"Clear unknown cause", ErrUnknownCause, func() error { return errOf(m.Clear(at(3*time.Minute), "nope", "a")) }},
		badCall{"Clear empty cause", ErrUnknownCause, func() error { return errOf(m.Clear(at(3*time.Minute), "", "a")) }},
		badCall{"Clear a source's cause", ErrUnknownCause, func() error { return errOf(m.Clear(at(3*time.Minute), CauseKillSwitch, "a")) }},
		badCall{"Clear expired cause", ErrUnknownCause, func() error { return errOf(m.Clear(at(2*time.Hour), "news", "a")) }},
		badCall{"Clear time back", ErrTimeWentBack, func() error { return errOf(m.Clear(at(0), "news", "a")) }},
	)
	for _, c := range calls {
		c := c
		runBad(t, snap, []badCall{{c.name, c.want, func() error { return fast(t, c.name, c.call) }}})
	}
}

func TestHuntSettingsAndStateless(t *testing.T) {
	var nilKS *KillSwitch
	var nilMW *MarketWide
	var nilLevel *LevelTrigger
	lv, _ := NewLevel(LevelSettings{Trip: testkit.D("2"), Reset: testkit.D("1")})
	for _, tc := range []struct {
		name string
		want error
		call func() error
	}{
		// Market settings.
		{"NewMarket typed-nil kill switch", ErrInvalidSettings, func() error {
			_, err := NewMarket(MarketSettings{Sources: []HaltSource{nilKS}})
			return err
		}},
		{"NewMarket typed-nil market-wide", ErrInvalidSettings, func() error {
			_, err := NewMarket(MarketSettings{Sources: []HaltSource{nilMW}})
			return err
		}},
		{"NewMarket nil source", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{Sources: []HaltSource{nil}}); return err }},
		{"NewMarket reference 1e9999", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{Reference: hugeExp}); return err }},
		{"NewMarket reference 1e-2147483648", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{Reference: minExp}); return err }},
		{"NewMarket reference negative", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{Reference: negative}); return err }},
		{"NewMarket reference below one tick", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{Reference: tinyExp}); return err }},
		{"NewMarket re-reference negative", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{ReReference: negative}); return err }},
		{"NewMarket re-reference 1e2147483647", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{ReReference: maxExp}); return err }},
		{"NewMarket negative window", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{ReferenceWindow: -1}); return err }},
		{"NewMarket negative limit duration", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{LimitDuration: -1}); return err }},
		{"NewMarket negative pause", ErrInvalidSettings, func() error { _, err := NewMarket(MarketSettings{PauseDuration: -1}); return err }},
		// Band settings and functions.
		{"ComputeBand price scale 1e9", ErrInvalidSettings, func() error { _, err := ComputeBand(BandSettings{PriceScale: 1e9}, testkit.D("1"), false); return err }},
		{"ComputeBand price scale -9", ErrInvalidSettings, func() error { _, err := ComputeBand(BandSettings{PriceScale: -9}, testkit.D("1"), false); return err }},
		{"ComputeBand sig figs -1", ErrInvalidSettings, func() error { _, err := ComputeBand(BandSettings{SigFigs: -1}, testkit.D("1"), false); return err }},
		{"ComputeBand sig figs 1e9", ErrInvalidSettings, func() error { _, err := ComputeBand(BandSettings{SigFigs: 1e9}, testkit.D("1"), false); return err }},
		{"ComputeBand flat percent 1", ErrInvalidSettings, func() error {
			_, err := ComputeBand(BandSettings{FlatPercent: testkit.D("1")}, testkit.D("1"), false)
			return err
		}},
		{"ComputeBand flat percent 1e9999", ErrInvalidSettings, func() error {
			_, err := ComputeBand(BandSettings{FlatPercent: hugeExp}, testkit.D("1"), false)
			return err
		}},
		{"ComputeBand tier 99", ErrInvalidSettings, func() error { _, err := ComputeBand(BandSettings{Tier: 99}, testkit.D("1"), false); return err }},
		{"ComputeBand low ≥ high", ErrInvalidSettings, func() error {
			_, err := ComputeBand(BandSettings{LowPrice: testkit.D("5")}, testkit.D("1"), false)
			return err
		}},
		{"ComputeBand widen factor < 1", ErrInvalidSettings, func() error {
			_, err := ComputeBand(BandSettings{WidenFactor: testkit.D("0.5")}, testkit.D("1"), false)
			return err
		}},
		{"ComputeBand backwards window", ErrInvalidSettings, func() error {
			_, err := ComputeBand(BandSettings{Widened: []Window{{Start: time.Hour, End: time.Minute}}}, testkit.D("1"), false)
			return err
		}},
		{"ComputeBand window past midnight", ErrInvalidSettings, func() error {
			_, err := ComputeBand(BandSettings{Widened: []Window{{Start: time.Hour, End: 25 * time.Hour}}}, testkit.D("1"), false)
			return err
		}},
		{"ComputeBand overlapping windows", ErrInvalidSettings, func() error {
			_, err := ComputeBand(BandSettings{Widened: []Window{{Start: time.Hour, End: 3 * time.Hour}, {Start: 2 * time.Hour, End: 4 * time.Hour}}}, testkit.D("1"), false)
			return err
		}},
		{"LULDBands tier 0", ErrInvalidSettings, func() error { _, err := LULDBands(0, nil); return err }},
		{"LULDBands tier 99", ErrInvalidSettings, func() error { _, err := LULDBands(99, nil); return err }},
		// Triggers.
		{"NewLevel trip 1e9999", ErrInvalidSettings, func() error { _, err := NewLevel(LevelSettings{Trip: hugeExp, Reset: testkit.D("1")}); return err }},
		{"NewLevel reset on the wrong side", ErrInvalidSettings, func() error {
			_, err := NewLevel(LevelSettings{Trip: testkit.D("1"), Reset: testkit.D("1")})
			return err
		}},
		{"NewLevel direction 9", ErrInvalidSettings, func() error {
			_, err := NewLevel(LevelSettings{Direction: 9, Trip: testkit.D("2"), Reset: testkit.D("1")})
			return err
		}},
		{"NewLevel consecutive -1", ErrInvalidSettings, func() error {
			_, err := NewLevel(LevelSettings{Trip: testkit.D("2"), Reset: testkit.D("1"), Consecutive: -1})
			return err
		}},
		{"NewChange threshold 1e-2147483648", ErrInvalidSettings, func() error {
			_, err := NewChange(ChangeSettings{Threshold: minExp, Window: time.Minute})
			return err
		}},
		{"NewChange direction 9", ErrInvalidSettings, func() error {
			_, err := NewChange(ChangeSettings{Direction: 9, Threshold: testkit.D("0.1"), Window: time.Minute})
			return err
		}},
		{"NewComposite typed-nil member", ErrInvalidSettings, func() error { _, err := NewComposite("c", AnyOf, nilLevel); return err }},
		{"RestoreComposite typed-nil member", ErrInvalidSettings, func() error {
			_, err := RestoreComposite("c", AnyOf, CompositeSnapshot{}, lv, nilLevel)
			return err
		}},
		{"RestoreComposite inconsistent snapshot", ErrInvalidSnapshot, func() error {
			_, err := RestoreComposite("c", AnyOf, CompositeSnapshot{Active: true}, lv)
			return err
		}},
		{"RestoreLevel negative count", ErrInvalidSnapshot, func() error {
			_, err := RestoreLevel(LevelSettings{Trip: testkit.D("2"), Reset: testkit.D("1")}, LevelSnapshot{Count: -1})
			return err
		}},
		{"RestoreChange absurd window value", ErrInvalidSnapshot, func() error {
			_, err := RestoreChange(ChangeSettings{Threshold: testkit.D("0.1"), Window: time.Minute},
				ChangeSnapshot{Window: []Point{{Time: t0, Value: maxExp}}, Last: t0, Seen: true})
			return err
		}},
		// Market-wide.
		{"WideThresholds reference 1e9999", ErrInvalidInput, func() error { _, err := WideThresholds(NYSEMarketWide(), hugeExp); return err }},
		{"WideThresholds reference -0", ErrInvalidInput, func() error { _, err := WideThresholds(NYSEMarketWide(), negZero); return err }},
		{"WideThresholds no levels", ErrInvalidSettings, func() error { _, err := WideThresholds(WideSettings{}, testkit.D("1")); return err }},
		{"NewMarketWide decline 1e-40", ErrInvalidSettings, func() error {
			_, err := NewMarketWide(WideSettings{Levels: []WideLevel{{Decline: tinyExp}}})
			return err
		}},
		{"NewMarketWide decline ≥ 100%", ErrInvalidSettings, func() error {
			_, err := NewMarketWide(WideSettings{Levels: []WideLevel{{Decline: testkit.D("1")}}})
			return err
		}},
		{"NewMarketWide levels not increasing", ErrInvalidSettings, func() error {
			_, err := NewMarketWide(WideSettings{Levels: []WideLevel{{Decline: testkit.D("0.2")}, {Decline: testkit.D("0.1")}}})
			return err
		}},
		{"NewMarketWide price scale 1e9", ErrInvalidSettings, func() error {
			s := NYSEMarketWide()
			s.PriceScale = 1e9
			_, err := NewMarketWide(s)
			return err
		}},
		{"RestoreMarketWide wrong level count", ErrInvalidSnapshot, func() error {
			_, err := RestoreMarketWide(NYSEMarketWide(), WideSnapshot{})
			return err
		}},
		{"RestoreMarketWide halt level 99", ErrInvalidSnapshot, func() error {
			_, err := RestoreMarketWide(NYSEMarketWide(), WideSnapshot{Triggered: make([]time.Time, 3), HaltLevel: 99, HaltUntil: t0})
			return err
		}},
		// Kill switch and service.
		{"RestoreKillSwitch repeated target", ErrInvalidSnapshot, func() error {
			h := Halt{Cause: "M", Reason: "r", Actor: "a", Since: t0}
			_, err := RestoreKillSwitch(KillSwitchSnapshot{Engaged: []Halt{h, h}, Last: t0})
			return err
		}},
		{"RestoreService unknown forced state", ErrInvalidSnapshot, func() error {
			_, err := RestoreService[int](ServiceSettings{}, ServiceSnapshot{Forced: 99, Reason: "r", Actor: "a"})
			return err
		}},
		{"NewService negative timeout", ErrInvalidSettings, func() error { _, err := NewService[int](ServiceSettings{OpenTimeout: -1}); return err }},
		// Throttles.
		{"NewCountLimiter negative events", ErrInvalidSettings, func() error { _, err := NewCountLimiter(CountSettings{Events: -1, Per: time.Second}); return err }},
		{"NewCountLimiter MaxInt burst over MaxInt64 period", ErrInvalidSettings, func() error {
			_, err := NewCountLimiter(CountSettings{Events: 1, Per: math.MaxInt64, Burst: math.MaxInt})
			return err
		}},
		{"NewNotionalLimiter max 1e9999", ErrInvalidSettings, func() error {
			_, err := NewNotionalLimiter(NotionalSettings{Max: hugeExp, Per: time.Second})
			return err
		}},
		{"NewNotionalLimiter unit -0", ErrInvalidSettings, func() error {
			_, err := NewNotionalLimiter(NotionalSettings{Max: testkit.D("1"), Unit: negative, Per: time.Second})
			return err
		}},
		{"RestoreCountLimiter tokens above burst", ErrInvalidSnapshot, func() error {
			_, err := RestoreCountLimiter(CountSettings{Events: 5, Per: time.Second}, ThrottleSnapshot{At: t0, Tokens: 6, Last: t0, Seen: true})
			return err
		}},
		{"RestoreNotionalLimiter NaN tokens", ErrInvalidSnapshot, func() error {
			_, err := RestoreNotionalLimiter(NotionalSettings{Max: testkit.D("5"), Per: time.Second}, ThrottleSnapshot{At: t0, Tokens: math.NaN(), Last: t0, Seen: true})
			return err
		}},
		// Transitions.
		{"CheckTransition unknown state", ErrIllegalTransition, func() error { return CheckTransition(99, Open) }},
		{"CheckTransition open → paused", ErrIllegalTransition, func() error { return CheckTransition(Open, Paused) }},
	} {
		err := fast(t, tc.name, tc.call)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
		onePrefix(t, tc.name, err)
	}
	for _, p := range badPrices {
		if err := fast(t, "ComputeBand "+p.name, func() error { _, err := ComputeBand(BandSettings{}, p.d, false); return err }); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("ComputeBand(%s): %v", p.name, err)
		}
		if err := fast(t, "BandAmount "+p.name, func() error { _, err := (BandSettings{}).BandAmount(p.d, false); return err }); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("BandAmount(%s): %v", p.name, err)
		}
		b := Band{Reference: testkit.D("10"), Lower: testkit.D("9"), Upper: testkit.D("11")}
		_ = fast(t, "Band.Contains "+p.name, func() error {
			if b.Contains(p.d) {
				t.Errorf("Band.Contains(%s) = true", p.name)
			}
			return nil
		})
		_ = fast(t, "Band.String "+p.name, func() error { _ = (Band{Reference: p.d, Lower: p.d, Upper: p.d}).String(); return nil })
	}
}

func TestHuntTriggersKillSwitchWideThrottlesService(t *testing.T) {
	lv, _ := NewLevel(LevelSettings{Trip: testkit.D("2"), Reset: testkit.D("1")})
	_, _ = lv.Observe(at(time.Minute), testkit.D("1.5"))
	ch, _ := NewChange(ChangeSettings{Threshold: testkit.D("0.1"), Window: time.Minute})
	_, _ = ch.Observe(at(time.Minute), testkit.D("1.5"))
	for _, p := range badPrices {
		p := p
		if p.name == "zero" || p.name == "-0" || p.name == "negative" {
			// A level trigger accepts any in-range value, zero and negative
			// included (a spread, a PnL); a change trigger needs positive.
			runBad(t, func() string { return jsonOf(t, ch.Snapshot()) }, []badCall{{"Change.Observe " + p.name, ErrInvalidInput,
				func() error { _, err := ch.Observe(at(2*time.Minute), p.d); return err }}})
			continue
		}
		runBad(t, func() string { return jsonOf(t, lv.Snapshot()) }, []badCall{{"Level.Observe " + p.name, ErrInvalidInput,
			func() error {
				return fast(t, p.name, func() error { _, err := lv.Observe(at(2*time.Minute), p.d); return err })
			}}})
		runBad(t, func() string { return jsonOf(t, ch.Snapshot()) }, []badCall{{"Change.Observe " + p.name, ErrInvalidInput,
			func() error {
				return fast(t, p.name, func() error { _, err := ch.Observe(at(2*time.Minute), p.d); return err })
			}}})
	}
	runBad(t, func() string { return jsonOf(t, lv.Snapshot()) }, []badCall{{"Level.Observe time back", ErrTimeWentBack,
		func() error { _, err := lv.Observe(at(0), testkit.D("1")); return err }}})
	runBad(t, func() string { return jsonOf(t, ch.Snapshot()) }, []badCall{{"Change.Observe time back", ErrTimeWentBack,
		func() error { _, err := ch.Observe(at(0), testkit.D("1")); return err }}})

	w, _ := NewMarketWide(CryptoMarketWide())
	_, _ = w.Observe(at(time.Minute), testkit.D("4000"))
	for _, p := range badPrices {
		p := p
		runBad(t, func() string { return jsonOf(t, w.Snapshot()) }, []badCall{{"MarketWide.Observe " + p.name, ErrInvalidInput,
			func() error {
				return fast(t, p.name, func() error { _, err := w.Observe(at(2*time.Minute), p.d); return err })
			}}})
	}
	runBad(t, func() string { return jsonOf(t, w.Snapshot()) }, []badCall{{"MarketWide.Observe time back", ErrTimeWentBack,
		func() error { _, err := w.Observe(at(0), testkit.D("4000")); return err }}})

	ks := NewKillSwitch()
	_, _ = ks.Engage(at(time.Minute), "M", "r", "a")
	runBad(t, func() string { return jsonOf(t, ks.Snapshot()) }, []badCall{
		{"Engage repeated target", ErrInvalidInput, func() error { return errOf(ks.Engage(at(2*time.Minute), "M", "r2", "b")) }},
		{"Engage zero time", ErrTimeWentBack, func() error { return errOf(ks.Engage(time.Time{}, "N", "r", "a")) }},
		{"Release empty target", ErrInvalidInput, func() error { return errOf(ks.Release(at(2*time.Minute), "", "r", "a")) }},
	})

	cl, _ := NewCountLimiter(CountSettings{Events: 5, Per: time.Second})
	_, _ = cl.AllowN(at(time.Minute), 1)
	nl, _ := NewNotionalLimiter(NotionalSettings{Max: testkit.D("100"), Per: time.Second})
	_, _ = nl.Allow(at(time.Minute), testkit.D("1"))
	runBad(t, func() string { return jsonOf(t, cl.Snapshot()) }, []badCall{
		{"AllowN MaxInt", ErrInvalidInput, func() error { _, err := cl.AllowN(at(2*time.Minute), math.MaxInt); return err }},
		{"AllowN MinInt", ErrInvalidInput, func() error { _, err := cl.AllowN(at(2*time.Minute), math.MinInt); return err }},
		{"AllowN burst + 1", ErrInvalidInput, func() error { _, err := cl.AllowN(at(2*time.Minute), 6); return err }},
		{"Allow time back", ErrTimeWentBack, func() error { _, err := cl.Allow(at(0)); return err }},
	})
	for _, p := range badPrices {
		p := p
		runBad(t, func() string { return jsonOf(t, nl.Snapshot()) }, []badCall{
			{"NotionalLimiter.Allow " + p.name, ErrInvalidInput,
				func() error {
					return fast(t, p.name, func() error { _, err := nl.Allow(at(2*time.Minute), p.d); return err })
				}},
			{"NotionalLimiter.units " + p.name, ErrInvalidInput,
				func() error { return fast(t, p.name, func() error { _, err := nl.units(p.d); return err }) }},
		})
	}

	svc, _ := NewService[int](ServiceSettings{})
	_, _ = svc.ForceOpen("maintenance", "ops:alice")
	runBad(t, func() string { return jsonOf(t, svc.Snapshot()) }, []badCall{
		{"Execute nil", ErrInvalidInput, func() error { _, _, err := svc.Execute(nil); return err }},
		{"ForceOpen when forced open", ErrInvalidInput, func() error { return errOf(svc.ForceOpen("again", "ops:bob")) }},
		{"ForceClosed without reason", ErrInvalidInput, func() error { return errOf(svc.ForceClosed("", "ops")) }},
		{"Release without actor", ErrInvalidInput, func() error { return errOf(svc.Release("r", "")) }},
	})
}

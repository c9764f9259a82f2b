package breaker

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
)

// FuzzRestoreSnapshots feeds arbitrary JSON to every Restore function: it
// must never panic, and whatever it accepts must satisfy the invariants and
// survive a step.
func FuzzRestoreSnapshots(f *testing.F) {
	m, _ := NewMarket(MarketSettings{Reference: testkit.D("10")})
	_, _ = m.Observe(t0, testkit.D("10.2"))
	_, _ = m.Check(t0.Add(time.Second), testkit.D("9.5"))
	ms, _ := json.Marshal(m.Snapshot())
	f.Add(ms)
	w, _ := NewMarketWide(CryptoMarketWide())
	_, _ = w.Observe(t0, testkit.D("4000"))
	_, _ = w.Observe(t0.Add(time.Hour), testkit.D("3000"))
	ws, _ := json.Marshal(w.Snapshot())
	f.Add(ws)
	l, _ := NewCountLimiter(CountSettings{Events: 5, Per: time.Second})
	_, _ = l.AllowN(t0, 3)
	ls, _ := json.Marshal(l.Snapshot())
	f.Add(ls)
	f.Add([]byte(`{"state":3,"reference":"10","halts":[{"cause":"luld-pause","since":"2026-03-02T14:30:00Z","until":"2026-03-02T14:35:00Z"}],"seen":true,"last":"2026-03-02T14:30:00Z"}`))
	f.Add([]byte(`{"window":[{"time":"2026-03-02T14:30:00Z","value":"-1"}],"seen":true}`))
	f.Add([]byte(`{"at":"2026-03-02T14:30:00Z","tokens":1e308,"seen":true,"last":"2026-03-02T14:30:00Z"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		now := t0.Add(48 * time.Hour)
		var msnap MarketSnapshot
		if json.Unmarshal(raw, &msnap) == nil {
			if m, err := RestoreMarket(MarketSettings{}, msnap); err == nil {
				if err := m.CheckInvariants(); err != nil {
					t.Fatalf("restored market violates invariants: %v", err)
				}
				_, _ = m.Observe(now, testkit.D("10"))
				if err := m.CheckInvariants(); err != nil {
					t.Fatalf("after a step: %v", err)
				}
			}
		}
		var wsnap WideSnapshot
		if json.Unmarshal(raw, &wsnap) == nil {
			for _, s := range []WideSettings{NYSEMarketWide(), CryptoMarketWide()} {
				if w, err := RestoreMarketWide(s, wsnap); err == nil {
					_, _ = w.Observe(now, testkit.D("3900"))
					_, _ = w.HaltFor(now, "x")
				}
			}
		}
		var tsnap ThrottleSnapshot
		if json.Unmarshal(raw, &tsnap) == nil {
			if l, err := RestoreCountLimiter(CountSettings{Events: 5, Per: time.Second}, tsnap); err == nil {
				_, _ = l.AllowN(now, 1)
			}
		}
		var lsnap LevelSnapshot
		if json.Unmarshal(raw, &lsnap) == nil {
			if tr, err := RestoreLevel(LevelSettings{Trip: testkit.D("2"), Reset: testkit.D("1")}, lsnap); err == nil {
				_, _ = tr.Observe(now, testkit.D("1.5"))
				if err := tr.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
		var csnap ChangeSnapshot
		if json.Unmarshal(raw, &csnap) == nil {
			if tr, err := RestoreChange(ChangeSettings{Threshold: testkit.D("0.1"), Window: time.Minute}, csnap); err == nil {
				_, _ = tr.Observe(now, testkit.D("1.5"))
			}
		}
		var ksnap KillSwitchSnapshot
		if json.Unmarshal(raw, &ksnap) == nil {
			if ks, err := RestoreKillSwitch(ksnap); err == nil {
				_, _ = ks.HaltFor(now, "x")
			}
		}
	})
}

// FuzzMarketCheck feeds arbitrary price strings and time steps to a market:
// never a panic, and the invariants always hold.
func FuzzMarketCheck(f *testing.F) {
	f.Add("10.00", int64(0))
	f.Add("9.50", int64(5e9))
	f.Add("1e-40", int64(1))
	f.Add("-3", int64(-1))
	f.Add("123456789012345678901234567890123456789", int64(16e9))
	f.Fuzz(func(t *testing.T, price string, dt int64) {
		m, _ := NewMarket(MarketSettings{Reference: testkit.D("10")})
		p, err := decimalFromString(price)
		if err != nil {
			return
		}
		now := t0
		for i := 0; i < 3; i++ {
			now = now.Add(time.Duration(dt))
			_, _ = m.Observe(now, p)
			if err := m.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func decimalFromString(s string) (decimal.Decimal, error) { return decimal.NewFromString(s) }

// FuzzSettings feeds arbitrary decimals and durations to every constructor:
// each either rejects them with ErrInvalidSettings or builds a breaker that
// runs a few steps without a panic and keeps its invariants.
func FuzzSettings(f *testing.F) {
	f.Add("0.05", "0.10", "3", int64(5*time.Minute), int64(15*time.Second), int64(2))
	f.Add("-1", "1e-40", "1e40", int64(-1), int64(0), int64(-9))
	f.Add("0.2", "0.1", "0.75", int64(1<<62), int64(1), int64(18))
	f.Add("1e-36", "99999999999999999999999999999999999", "0.5", int64(-1<<63), int64(1<<63-1), int64(-8))
	f.Fuzz(func(t *testing.T, a, b, c string, d1, d2, scale int64) {
		da, e1 := decimal.NewFromString(a)
		db, e2 := decimal.NewFromString(b)
		dc, e3 := decimal.NewFromString(c)
		if e1 != nil || e2 != nil || e3 != nil || scale < -1<<31 || scale >= 1<<31 {
			return
		}
		w1, w2 := time.Duration(d1), time.Duration(d2)
		now := t0
		steps := []time.Duration{0, time.Second, 16 * time.Second, 6 * time.Minute}
		ms := MarketSettings{Band: BandSettings{Tier1Percent: da, Tier2Percent: db, LowPrice: dc, PriceScale: int32(scale),
			Widened: []Window{{Start: w2, End: w1}}}, ReferenceWindow: w1, LimitDuration: w2, PauseDuration: w1, Reference: dc, ReReference: da}
		if m, err := NewMarket(ms); err == nil {
			for _, s := range steps {
				_, _ = m.Observe(now.Add(s), db)
				_, _ = m.Check(now.Add(s), dc)
				if err := m.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		} else if !errors.Is(err, ErrInvalidSettings) {
			t.Fatalf("market settings: %v", err)
		}
		if l, err := NewLevel(LevelSettings{Trip: da, Reset: db, MinTripped: w1, Consecutive: int(scale)}); err == nil {
			for _, s := range steps {
				_, _ = l.Observe(now.Add(s), dc)
				if err := l.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		} else if !errors.Is(err, ErrInvalidSettings) {
			t.Fatalf("level settings: %v", err)
		}
		if ch, err := NewChange(ChangeSettings{Threshold: da, Reset: db, Window: w1, MinTripped: w2}); err == nil {
			for _, s := range steps {
				_, _ = ch.Observe(now.Add(s), dc)
				if err := ch.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		} else if !errors.Is(err, ErrInvalidSettings) {
			t.Fatalf("change settings: %v", err)
		}
		ws := WideSettings{Levels: []WideLevel{{Decline: da, Halt: w1}, {Decline: db, Halt: w2}}, LateCutoff: w2, Rolling: w1, SampleEvery: w2, PriceScale: int32(scale)}
		if w, err := NewMarketWide(ws); err == nil {
			if ws.Rolling <= 0 {
				_ = errOf(w.StartSession(dc, now, now.Add(time.Hour)))
			}
			for _, s := range steps {
				_, _ = w.Observe(now.Add(s), dc)
				if err := w.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		} else if !errors.Is(err, ErrInvalidSettings) {
			t.Fatalf("market-wide settings: %v", err)
		}
		if n, err := NewNotionalLimiter(NotionalSettings{Max: da, Burst: db, Unit: dc, Per: w1}); err == nil {
			for _, s := range steps {
				_, _ = n.Allow(now.Add(s), da)
				if err := n.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		} else if !errors.Is(err, ErrInvalidSettings) {
			t.Fatalf("notional settings: %v", err)
		}
	})
}

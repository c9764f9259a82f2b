package breaker

import (
	"encoding/json"
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
	_, _ = m.Observe(testkit.D("10.2"), t0)
	_, _ = m.Check(testkit.D("9.5"), t0.Add(time.Second))
	ms, _ := json.Marshal(m.Snapshot())
	f.Add(ms)
	w, _ := NewMarketWide(CryptoMarketWide())
	_, _ = w.Observe(testkit.D("4000"), t0)
	_, _ = w.Observe(testkit.D("3000"), t0.Add(time.Hour))
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
				_, _ = m.Observe(testkit.D("10"), now)
				if err := m.CheckInvariants(); err != nil {
					t.Fatalf("after a step: %v", err)
				}
			}
		}
		var wsnap WideSnapshot
		if json.Unmarshal(raw, &wsnap) == nil {
			for _, s := range []WideSettings{NYSEMarketWide(), CryptoMarketWide()} {
				if w, err := RestoreMarketWide(s, wsnap); err == nil {
					_, _ = w.Observe(testkit.D("3900"), now)
					_, _ = w.HaltFor("x", now)
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
				_, _ = tr.Observe(testkit.D("1.5"), now)
				if err := tr.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
		var csnap ChangeSnapshot
		if json.Unmarshal(raw, &csnap) == nil {
			if tr, err := RestoreChange(ChangeSettings{Threshold: testkit.D("0.1"), Window: time.Minute}, csnap); err == nil {
				_, _ = tr.Observe(testkit.D("1.5"), now)
			}
		}
		var ksnap KillSwitchSnapshot
		if json.Unmarshal(raw, &ksnap) == nil {
			if ks, err := RestoreKillSwitch(ksnap); err == nil {
				_, _ = ks.HaltFor("x", now)
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
			_, _ = m.Observe(p, now)
			if err := m.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func decimalFromString(s string) (decimal.Decimal, error) { return decimal.NewFromString(s) }

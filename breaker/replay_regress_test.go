package breaker

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestRestoredTriggerAnswersAsTheOriginal is the regression test of the
// defect TestReplayLevel found (issue 14): the breaker kept times as the
// host passed them, so a tripped LevelTrigger's Result.Since came back in
// the host's zone from the primary and in UTC from a standby restored from
// its snapshot, and an ErrTimeWentBack error printed the last call's time
// with its monotonic reading on the primary only. Both now answer alike.
func TestRestoredTriggerAnswersAsTheOriginal(t *testing.T) {
	s := LevelSettings{Trip: decimal.NewFromInt(100), Reset: decimal.NewFromInt(90), MinTripped: time.Hour}
	est := time.FixedZone("EST", -5*3600)
	mono := time.Now()
	at := func(d time.Duration) time.Time { // 2026-03-02 09:30 UTC + d, in EST with a monotonic reading
		return mono.Add(time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC).Add(d).Sub(mono)).In(est)
	}
	primary, err := NewLevel(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := primary.Observe(at(0), decimal.NewFromInt(101)); err != nil {
		t.Fatal(err)
	}
	standby, err := RestoreLevel(s, viaJSON(t, primary.Snapshot()))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		now   time.Time
		value decimal.Decimal
	}{
		{"time going back: the error names the last call", at(-time.Second), decimal.NewFromInt(95)},
		{"holding: Result.Since", at(time.Minute), decimal.NewFromInt(95)},
	} {
		t.Run(c.name, func(t *testing.T) {
			answer := func(l *LevelTrigger) string {
				r, err := l.Observe(c.now, c.value)
				b, _ := json.Marshal(r)
				if err != nil {
					b = append(b, " error: "+err.Error()...)
				}
				return string(b)
			}
			if p, s := answer(primary), answer(standby); p != s {
				t.Fatalf("primary answered\n%s\nstandby\n%s", p, s)
			}
		})
	}
}

// TestMarketWideHaltCarriedIntoASessionRestores is the regression test of
// the defect TestReplayMarketWide/session found (issue 14): StartSession
// re-arms every level and keeps a halt in force, but RestoreMarketWide
// refused that state ("halt at level 1 that did not trigger"), so a
// snapshot taken while a halt ran on into the next session could not be
// restored. A halt that started inside the session with no triggered level
// is still refused.
func TestMarketWideHaltCarriedIntoASessionRestores(t *testing.T) {
	s := NYSEMarketWide()
	day := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC)
	w, err := NewMarketWide(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.StartSession(decimal.NewFromInt(4000), day, day.Add(390*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// 7% down at the open: level 1, a 15-minute halt; the host starts the
	// next session two minutes later, while it runs.
	if st, err := w.Observe(day, decimal.NewFromInt(3720)); err != nil || !st.Halted {
		t.Fatalf("level 1 at the open: %+v, %v", st, err)
	}
	if _, err := w.StartSession(decimal.NewFromInt(3720), day.Add(2*time.Minute), day.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	snap := viaJSON(t, w.Snapshot())
	standby, err := RestoreMarketWide(s, snap)
	if err != nil {
		t.Fatalf("a halt carried into the next session: %v", err)
	}
	at := day.Add(5 * time.Minute)
	hp, okp := w.HaltFor(at, "ACME")
	hs, oks := standby.HaltFor(at, "ACME")
	if okp != oks || !hp.Since.Equal(hs.Since) || !hp.Until.Equal(hs.Until) || !okp {
		t.Fatalf("primary halt %+v %v, standby %+v %v", hp, okp, hs, oks)
	}
	bad := snap
	bad.HaltSince = snap.Last.Add(time.Nanosecond)
	bad.Last, bad.Open = bad.HaltSince, snap.Open.Add(-time.Hour)
	if _, err := RestoreMarketWide(s, bad); err == nil {
		t.Fatal("a halt started inside the session without a triggered level was restored")
	}
}

// TestVolatilityBandHeldWideningRestores is the regression test of the
// defect TestReplayMarketVolatilityBand found (issue 14): a volatility
// band holds through a limit state, so when a widening window opens during
// one the band keeps Widened false while the market knows it is in the
// window; the snapshot did not say so, and a restored market reported the
// band as widened and, on leaving the limit state, skipped the
// re-reference event the original emits. MarketSnapshot.HeldWidening now
// carries it.
func TestVolatilityBandHeldWideningRestores(t *testing.T) {
	s := MarketSettings{
		ID:        "ACME",
		Reference: decimal.NewFromInt(100),
		Band:      BandSettings{Widened: []Window{{Start: 9*time.Hour + 31*time.Minute, End: 9*time.Hour + 33*time.Minute}}},
		// Floor = Cap: the width is 3% in and out of the window, so only
		// the band's widening flag changes.
		Volatility: VolatilitySettings{K: decimal.NewFromInt(3), Initial: decimal.New(1, -2),
			Floor: decimal.New(3, -2), Cap: decimal.New(3, -2)},
	}
	at := func(sec int) time.Time { return time.Date(2026, 3, 2, 9, 30, sec, 0, time.UTC) }
	primary, err := NewMarket(s)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := primary.Check(at(50), decimal.NewFromInt(103)); err != nil || d.State != Limit {
		t.Fatalf("at the upper edge: %+v, %v", d, err)
	}
	if _, err := primary.Status(at(61)); err != nil { // the window opens during the limit state
		t.Fatal(err)
	}
	snap := viaJSON(t, primary.Snapshot())
	if !snap.HeldWidening {
		t.Fatalf("snapshot in a held widening: %+v", snap)
	}
	standby, err := RestoreMarket(s, snap)
	if err != nil {
		t.Fatal(err)
	}
	answer := func(m *Market) string {
		d, err := m.Check(at(62), decimal.NewFromInt(101)) // back inside: leaves the limit state
		b, _ := json.Marshal(d)
		if err != nil {
			b = append(b, " error: "+err.Error()...)
		}
		return string(b)
	}
	if p, s := answer(primary), answer(standby); p != s {
		t.Fatalf("primary answered\n%s\nstandby\n%s", p, s)
	}
}

package breaker

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// Issue 3 worked example (NYSE Rule 7.12 levels): reference 4,000 → levels
// at 3,720, 3,480 and 3,200; the 24/7 preset uses the same percentages.
func TestWideThresholdsWorkedExample(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    WideSettings
		ref  string
		want []string
	}{
		{"NYSE/ref 4,000", NYSEMarketWide(), "4000", []string{"3720", "3480", "3200"}},
		{"crypto 24x7/ref 4,000", CryptoMarketWide(), "4000", []string{"3720", "3480", "3200"}},
		{"NYSE/ref 4,123.45 rounds up to the cent", NYSEMarketWide(), "4123.45", []string{"3834.81", "3587.41", "3298.76"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WideThresholds(tc.s, testkit.D(tc.ref))
			if err != nil {
				t.Fatal(err)
			}
			want := make([]decimal.Decimal, len(tc.want))
			for i, w := range tc.want {
				want[i] = testkit.D(w)
			}
			if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
				t.Fatalf("thresholds (-want +got):\n%s", diff)
			}
		})
	}
}

func nyseSession(t testing.TB) (*MarketWide, time.Time, time.Time) {
	t.Helper()
	w, err := NewMarketWide(NYSEMarketWide())
	if err != nil {
		t.Fatal(err)
	}
	open := time.Date(2026, 3, 2, 14, 30, 0, 0, time.UTC) // 9:30 ET
	cls := open.Add(390 * time.Minute)                    // 16:00 ET
	if err := errOf(w.StartSession(testkit.D("4000"), open, cls)); err != nil {
		t.Fatal(err)
	}
	return w, open, cls
}

func TestMarketWideNYSEFlow(t *testing.T) {
	type obs struct {
		index     string
		at        time.Duration // from the open
		triggered int
		halted    bool
		until     time.Duration
	}
	for _, tc := range []struct {
		name string
		obs  []obs
	}{
		{"level 1 halts 15 minutes, once per session", []obs{
			{"3800", 10 * time.Minute, 0, false, 0},
			{"3720", 30 * time.Minute, 1, true, 45 * time.Minute},
			{"3700", 46 * time.Minute, 0, false, 0}, // level 1 already used
			{"3480", 60 * time.Minute, 2, true, 75 * time.Minute},
			{"3200", 80 * time.Minute, 3, true, 390 * time.Minute},
		}},
		{"straight to level 3: rest of the session", []obs{
			{"3199.99", 5 * time.Minute, 3, true, 390 * time.Minute},
			{"3500", 6 * time.Minute, 0, true, 390 * time.Minute},
		}},
		{"level 2 during a level-1 halt extends it", []obs{
			{"3720", 30 * time.Minute, 1, true, 45 * time.Minute},
			{"3480", 35 * time.Minute, 2, true, 50 * time.Minute},
		}},
		// Issue 10 item 9, NYSE Rule 7.12(b)(i): "after 9:30 a.m. and up to
		// and including 3:25 p.m." halts; "will not halt … after 3:25 p.m."
		// Before the fix a decline at 3:25:00 exactly did not halt.
		{"NYSE 7.12(b): level 1 at exactly 3:25:00 pm halts (up to and including)", []obs{
			{"3720", 355 * time.Minute, 1, true, 370 * time.Minute},
		}},
		{"late: level 1 one nanosecond after 3:25 pm does not halt; level 3 still does", []obs{
			{"3720", 355*time.Minute + time.Nanosecond, 1, false, 0},
			{"3480", 356 * time.Minute, 2, false, 0},
			{"3200", 357 * time.Minute, 3, true, 390 * time.Minute},
		}},
		// Rule 7.12(a): a decline "of 7%": the index at the threshold
		// triggers, one cent above does not.
		{"NYSE 7.12(a): index one cent above the 7% threshold does not trigger", []obs{
			{"3720.01", 30 * time.Minute, 0, false, 0},
			{"3720.00", 31 * time.Minute, 1, true, 46 * time.Minute},
		}},
		{"level 1 at 3:24:59 pm still halts", []obs{
			{"3720", 355*time.Minute - time.Second, 1, true, 370*time.Minute - time.Second},
		}},
		{"observations outside the session are ignored", []obs{
			{"3000", -time.Minute, 0, false, 0},
			{"3000", 390 * time.Minute, 0, false, 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, open, _ := nyseSession(t)
			for i, o := range tc.obs {
				st, err := w.Observe(open.Add(o.at), testkit.D(o.index))
				if err != nil {
					t.Fatal(err)
				}
				var until time.Time
				if o.halted {
					until = open.Add(o.until)
				}
				if st.Triggered != o.triggered || st.Halted != o.halted || !st.Until.Equal(until) {
					t.Fatalf("obs %d: %+v, want triggered %d halted %v until %s", i, st, o.triggered, o.halted, until)
				}
				h, ok := w.HaltFor(open.Add(o.at), "any")
				if ok != o.halted || (ok && h.Cause != CauseMarketWide) {
					t.Fatalf("obs %d: HaltFor = %+v, %v", i, h, ok)
				}
				if err := w.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestMarketWideNextSessionRearms(t *testing.T) {
	w, open, cls := nyseSession(t)
	if st, _ := w.Observe(open.Add(time.Hour), testkit.D("3720")); st.Triggered != 1 {
		t.Fatal("level 1 did not trigger")
	}
	next := open.Add(24 * time.Hour)
	if err := errOf(w.StartSession(testkit.D("3750"), next, cls.Add(24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if st, _ := w.Observe(next.Add(time.Hour), testkit.D("3487.5")); st.Triggered != 1 || !st.Halted {
		t.Fatalf("level 1 not re-armed: %+v", st)
	}
}

func TestMarketWideCrypto(t *testing.T) {
	w, err := NewMarketWide(CryptoMarketWide())
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range []struct {
		index     string
		at        time.Duration
		ref       string
		triggered int
		halted    bool
	}{
		{"4000", 0, "4000", 0, false},
		{"3900", 12 * time.Hour, "4000", 0, false},
		{"3720", 20 * time.Hour, "4000", 1, true},              // 15-minute halt
		{"3720", 24*time.Hour + time.Minute, "3900", 0, false}, // 4000 rolled out; 3720 is −4.6% from 3900
		{"3480", 25 * time.Hour, "3900", 0, false},             // −10.8%: level 1 still used (re-arms at 44h)
		{"3120", 26 * time.Hour, "3900", 3, true},              // −20%: level 3 halts 24h
	} {
		st, err := w.Observe(t0.Add(o.at), testkit.D(o.index))
		if err != nil {
			t.Fatal(err)
		}
		if !st.Reference.Equal(testkit.D(o.ref)) || st.Triggered != o.triggered || st.Halted != o.halted {
			t.Fatalf("obs %d: %+v, want ref %s triggered %d halted %v", i, st, o.ref, o.triggered, o.halted)
		}
		if err := w.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := w.HaltFor(t0.Add(49*time.Hour), "x"); !ok {
		t.Fatal("level 3 halt should last 24h")
	}
	if _, ok := w.HaltFor(t0.Add(50*time.Hour), "x"); ok {
		t.Fatal("level 3 halt should end after 24h")
	}
}

func TestMarketWideRejects(t *testing.T) {
	for name, s := range map[string]WideSettings{
		"no levels":          {},
		"not increasing":     {Levels: []WideLevel{{Decline: testkit.D("0.1")}, {Decline: testkit.D("0.1")}}},
		"decline ≥ 100%":     {Levels: []WideLevel{{Decline: testkit.D("1")}}},
		"negative halt":      {Levels: []WideLevel{{Decline: testkit.D("0.1"), Halt: -time.Second}}},
		"negative cut-off":   {Levels: []WideLevel{{Decline: testkit.D("0.1")}}, LateCutoff: -time.Second},
		"non-positive level": {Levels: []WideLevel{{Decline: testkit.D("-0.1")}}},
	} {
		if _, err := NewMarketWide(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	w, open, cls := nyseSession(t)
	_, _ = w.Observe(open.Add(time.Hour), testkit.D("3900"))
	before := w.Snapshot()
	if _, err := w.Observe(open, testkit.D("3900")); !errors.Is(err, ErrTimeWentBack) {
		t.Fatal(err)
	}
	if _, err := w.Observe(open.Add(2*time.Hour), testkit.D("0")); !errors.Is(err, ErrInvalidInput) {
		t.Fatal(err)
	}
	if err := errOf(w.StartSession(testkit.D("4000"), cls, open)); !errors.Is(err, ErrInvalidInput) {
		t.Fatal(err)
	}
	raw1, _ := json.Marshal(before)
	raw2, _ := json.Marshal(w.Snapshot())
	if string(raw1) != string(raw2) {
		t.Fatal("bad input changed state")
	}
}

// Property (issue 3): a level-3 halt dominates levels 1 and 2: once the
// index reaches level 3 the halt lasts to the close whatever follows, and
// the halt level reported is the deepest reached. Guard: Observe taking the
// deepest matching level (mutation: stopping at the first matching level
// gave a 15-minute halt for a straight fall to level 3 and failed).
// Also: snapshot → JSON → restore → continue equals continuing.
func TestMarketWideProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		crypto := rapid.Bool().Draw(t, "crypto")
		s := NYSEMarketWide()
		if crypto {
			s = CryptoMarketWide()
		}
		a, _ := NewMarketWide(s)
		open := t0
		cls := open.Add(390 * time.Minute)
		if !crypto {
			_ = errOf(a.StartSession(testkit.D("4000"), open, cls))
		}
		var b *MarketWide
		now := open
		steps := rapid.IntRange(1, 40).Draw(t, "steps")
		cut := rapid.IntRange(0, steps).Draw(t, "cut")
		var l3 time.Time
		for i := 0; i < steps; i++ {
			if i == cut {
				snap := viaJSON(t, a.Snapshot())
				var err error
				if b, err = RestoreMarketWide(s, snap); err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(time.Duration(rapid.IntRange(0, 30).Draw(t, "dtMin")) * time.Minute)
			idx := testkit.Decimal(300000, 420000, 2).Draw(t, "index")
			st, err := a.Observe(now, idx)
			if err != nil {
				t.Fatal(err)
			}
			if err := a.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if b != nil {
				st2, err := b.Observe(now, idx)
				if err != nil || (st2.Reference.String() != st.Reference.String() || st2.Halted != st.Halted || !st2.Until.Equal(st.Until) || st2.Triggered != st.Triggered) {
					t.Fatalf("step %d: %+v vs restored %+v (%v)", i, st, st2, err)
				}
			}
			inSession := crypto || now.Before(cls)
			ths, _ := WideThresholds(s, st.Reference)
			if inSession && idx.Cmp(ths[2]) <= 0 && l3.IsZero() {
				l3 = now
				if st.HaltLevel != 3 {
					t.Fatalf("level 3 reached but halt level %d", st.HaltLevel)
				}
			}
			if !l3.IsZero() {
				end := cls
				if crypto {
					end = l3.Add(24 * time.Hour)
				}
				if now.Before(end) && (!st.Halted || st.HaltLevel != 3 || !st.Until.Equal(end)) {
					t.Fatalf("step %d: level 3 at %s not dominating: %+v", i, l3, st)
				}
			}
		}
	})
}

// A deeper level extends, never shortens, a halt in force — even with host
// levels whose deeper halt is shorter. Guard: the until.After(haltUntil)
// test in Observe (mutation: always replacing the halt end failed here; the
// NYSE property test cannot see it because a deeper level consumes the
// shallower ones).
func TestMarketWideDeeperLevelNeverShortensHalt(t *testing.T) {
	w, err := NewMarketWide(WideSettings{Levels: []WideLevel{
		{Decline: testkit.D("0.05"), Halt: 30 * time.Minute},
		{Decline: testkit.D("0.10"), Halt: 10 * time.Minute},
	}})
	if err != nil {
		t.Fatal(err)
	}
	open := t0
	if err := errOf(w.StartSession(testkit.D("1000"), open, open.Add(6*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if st, _ := w.Observe(open.Add(time.Hour), testkit.D("950")); !st.Halted || !st.Until.Equal(open.Add(90*time.Minute)) {
		t.Fatalf("level 1: %+v", st)
	}
	st, _ := w.Observe(open.Add(65*time.Minute), testkit.D("900"))
	if st.Triggered != 2 || !st.Until.Equal(open.Add(90*time.Minute)) {
		t.Fatalf("level 2 inside a longer level-1 halt: %+v, want the halt to end at +90m", st)
	}
	if err := w.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// Hand-edited snapshots with events after the last observation are refused.
func TestRestoreMarketWideRefusesFutureTimes(t *testing.T) {
	w, open, _ := nyseSession(t)
	if _, err := w.Observe(open.Add(time.Hour), testkit.D("3720")); err != nil { // level 1 halt
		t.Fatal(err)
	}
	good := w.Snapshot()
	if _, err := RestoreMarketWide(NYSEMarketWide(), viaJSON(t, good)); err != nil {
		t.Fatalf("good snapshot: %v", err)
	}
	for name, edit := range map[string]func(*WideSnapshot){
		"triggered after the last observation": func(s *WideSnapshot) { s.Triggered[0] = s.Last.Add(time.Minute) },
		"halt starts after the last observation": func(s *WideSnapshot) {
			s.HaltSince = s.Last.Add(time.Minute)
		},
		"triggered without any observation": func(s *WideSnapshot) { s.Seen, s.Last = false, time.Time{} },
	} {
		snap := viaJSON(t, good)
		edit(&snap)
		if _, err := RestoreMarketWide(NYSEMarketWide(), snap); !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

package margin

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var callT0 = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// atRatio is an AccountRisk with equity 1,000 and the given margin ratio.
func atRatio(r string) AccountRisk {
	return AccountRisk{Equity: d("1000"), Maintenance: d(r).Mul(d("1000"))}
}

func states(evs []Event) string {
	var s []string
	for _, e := range evs {
		s = append(s, e.From+">"+e.To)
	}
	return strings.Join(s, ",")
}

// The crypto preset (no grace): the ratio walks up and down; every state
// is passed through, one event each, and hysteresis holds the account.
func TestCallsCryptoVenueWalk(t *testing.T) {
	c, err := NewCalls(CryptoVenueCalls())
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		ratio string
		stale bool
		want  string
		state CallState
	}{
		{"0.5", false, "", CallOK},
		{"0.7", false, "", CallOK}, // exactly at a level: not over it
		{"0.71", false, "ok>warning", CallWarning},
		{"0.66", false, "", CallWarning}, // within the band (0.65, 0.7]
		{"0.72", false, "", CallWarning},
		{"0.81", false, "warning>margin-call", CallMarginCall},
		{"1.01", true, "margin-call>reduce-only", CallReduceOnly}, // stale: never into liquidation
		{"1.01", false, "reduce-only>liquidation", CallLiquidation},
		{"0.5", true, "", CallLiquidation}, // stale: never released
		{"0.5", false, "liquidation>reduce-only,reduce-only>margin-call,margin-call>warning,warning>ok", CallOK},
		{"1.2", false, "ok>warning,warning>margin-call,margin-call>reduce-only,reduce-only>liquidation", CallLiquidation},
	}
	var all []Event
	for i, s := range steps {
		st, evs, err := c.Update(callT0.Add(time.Duration(i)*time.Minute), "acct", atRatio(s.ratio), s.stale)
		if err != nil {
			t.Fatal(err)
		}
		if got := states(evs); got != s.want || st.State != s.state {
			t.Fatalf("step %d (ratio %s): events %q state %s, want %q %s", i, s.ratio, got, st.State, s.want, s.state)
		}
		all = append(all, evs...)
	}
	if err := CheckCallEvents(all); err != nil {
		t.Fatal(err)
	}
}

// The clearing-house preset: a call at equity < maintenance with a
// two-hour deadline (SGX Rule 6A.3.2 gives two market days; CME intraday
// calls are shorter), the deadline paused while prices are stale, then
// reduce-only (SGX Rule 6A.3.1), then liquidation after a further hour.
func TestCallsClearingHouseDeadline(t *testing.T) {
	s := ClearingHouseCalls(2*time.Hour, time.Hour)
	s.MaxStale = 2 * time.Hour // the 70-minute outage below stays within it
	c, err := NewCalls(s)
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		at    time.Duration
		ratio string
		stale bool
		want  string
		left  time.Duration
	}
	steps := []step{
		{0, "0.5", false, "", 0},
		{10 * time.Minute, "1.1", false, "ok>warning,warning>margin-call", 2 * time.Hour},
		{70 * time.Minute, "1.1", false, "", time.Hour},
		{100 * time.Minute, "1.1", true, "", 30 * time.Minute},  // went stale: the 30 min before, fresh at their start, count
		{160 * time.Minute, "1.1", true, "", 30 * time.Minute},  // still stale: not counted
		{170 * time.Minute, "1.1", false, "", 30 * time.Minute}, // fresh again: the interval began stale, not counted
		{190 * time.Minute, "1.1", false, "", 10 * time.Minute},
		{200 * time.Minute, "1.1", false, "margin-call>reduce-only", time.Hour},
		{230 * time.Minute, "1.0", false, "", 30 * time.Minute}, // not cured: 1.0 > call 1 − 0.05
		{260 * time.Minute, "1.1", false, "reduce-only>liquidation", 0},
	}
	for i, s := range steps {
		st, evs, err := c.Update(callT0.Add(s.at), "member", atRatio(s.ratio), s.stale)
		if err != nil {
			t.Fatal(err)
		}
		if got := states(evs); got != s.want || st.GraceLeft != s.left {
			t.Fatalf("step %d: events %q grace left %v, want %q %v", i, got, st.GraceLeft, s.want, s.left)
		}
		if i == 1 && (evs[1].Deadline == nil || !evs[1].Deadline.Equal(callT0.Add(130*time.Minute))) {
			t.Fatalf("call deadline %v", evs[1].Deadline)
		}
	}
	// A cure releases a deadline-entered state only below the call level.
	c2, _ := NewCalls(ClearingHouseCalls(time.Hour, 0))
	c2.Update(callT0, "m", atRatio("1.1"), false)
	_, evs, _ := c2.Update(callT0.Add(time.Hour), "m", atRatio("1.1"), false)
	if states(evs) != "margin-call>reduce-only" {
		t.Fatalf("deadline: %q", states(evs))
	}
	if _, evs, _ = c2.Update(callT0.Add(2*time.Hour), "m", atRatio("0.96"), false); len(evs) != 0 {
		t.Fatalf("0.96 is not a cure of a 1.0 call with 0.05 hysteresis: %q", states(evs))
	}
	if _, evs, _ = c2.Update(callT0.Add(3*time.Hour), "m", atRatio("0.95"), false); states(evs) != "reduce-only>margin-call,margin-call>warning" {
		t.Fatalf("cure: %q", states(evs))
	}
}

func TestCallsRefuses(t *testing.T) {
	bad := []struct {
		name string
		s    CallSettings
	}{
		{"levels decreasing", CallSettings{WarningRatio: d("0.9"), CallRatio: d("0.8")}},
		{"hysteresis at warning", CallSettings{WarningRatio: d("0.1"), Hysteresis: d("0.1")}},
		{"negative ratio", CallSettings{WarningRatio: d("-0.1")}},
		{"negative grace", CallSettings{Grace: -time.Second}},
		{"absurd grace", CallSettings{ReduceOnlyGrace: 1 << 62}},
		{"negative max stale", CallSettings{MaxStale: -time.Second}},
		{"absurd max stale", CallSettings{MaxStale: 1 << 62}},
		{"absurd level", CallSettings{LiquidationRatio: decimal.New(1, 1<<30)}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewCalls(tc.s); !errors.Is(err, ErrInvalidSettings) {
				t.Fatalf("err %v", err)
			}
		})
	}
	c, _ := NewCalls(CallSettings{})
	c.Update(callT0, "a", atRatio("0.95"), false)
	before := c.Snapshot()
	inputs := []struct {
		name string
		now  time.Time
		id   string
		r    AccountRisk
	}{
		{"empty id", callT0, "", atRatio("1")},
		{"zero time", time.Time{}, "a", atRatio("1")},
		{"time going back", callT0.Add(-time.Second), "a", atRatio("2")},
		{"negative maintenance", callT0, "a", AccountRisk{Equity: d("1"), Maintenance: d("-1")}},
		{"absurd equity", callT0, "a", AccountRisk{Equity: decimal.New(1, -900), Maintenance: d("1")}},
	}
	for _, tc := range inputs {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := c.Update(tc.now, tc.id, tc.r, false); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err %v", err)
			}
			if diff := cmp.Diff(before, c.Snapshot(), testkit.EquateDecimals); diff != "" {
				t.Fatalf("state changed:\n%s", diff)
			}
		})
	}
	var nilCalls *Calls
	if _, _, err := nilCalls.Update(callT0, "a", atRatio("1"), false); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("nil: %v", err)
	}
	for _, snap := range []CallsSnapshot{
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "nope", Since: callT0, Last: callT0}}},
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "ok", Since: callT0, Last: callT0}, {ID: "a", State: "ok", Since: callT0, Last: callT0}}},
		{Accounts: []CallAccountSnapshot{{ID: "", State: "ok", Since: callT0, Last: callT0}}},
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "ok", Since: callT0, Last: callT0, Used: -1}}},
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "ok", Since: callT0.Add(time.Hour), Last: callT0}}},
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "warning", Since: callT0, Last: callT0, ByDeadline: true}}},
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "ok", Since: callT0, Last: callT0, LastStale: true}}},
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "ok", Since: callT0, Last: callT0, StaleSince: callT0}}},
		{Accounts: []CallAccountSnapshot{{ID: "a", State: "ok", Since: callT0, Last: callT0, LastStale: true, StaleSince: callT0.Add(time.Second)}}},
	} {
		if _, err := RestoreCalls(snap); !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("snapshot %+v: %v", snap, err)
		}
	}
}

// genCallSettings draws valid settings: four non-decreasing levels, a
// hysteresis below the first, and graces of 0–3 hours.
func genCallSettings(t *rapid.T) CallSettings {
	w := testkit.Decimal(2, 150, 2).Draw(t, "warning")
	c := w.Add(testkit.Decimal(0, 50, 2).Draw(t, "call+"))
	r := c.Add(testkit.Decimal(0, 50, 2).Draw(t, "reduce+"))
	l := r.Add(testkit.Decimal(0, 50, 2).Draw(t, "liq+"))
	h := testkit.Decimal(1, w.Shift(2).IntPart()-1, 2).Draw(t, "hysteresis")
	return CallSettings{WarningRatio: w, CallRatio: c, ReduceOnlyRatio: r, LiquidationRatio: l, Hysteresis: h,
		Grace:           time.Duration(rapid.IntRange(0, 180).Draw(t, "grace min")) * time.Minute,
		ReduceOnlyGrace: time.Duration(rapid.IntRange(0, 180).Draw(t, "ro grace min")) * time.Minute,
		MaxStale:        time.Duration(rapid.IntRange(0, 180).Draw(t, "max stale min")) * time.Minute} // 0: the default
}

// TestPropCallsNeverSkip: on random ratio paths (negative equity and no
// maintenance included), random staleness and random time steps, every
// event moves one step and each account's events chain; the account is
// never liquidated on a stale update before its prices have been stale
// for MaxStale, and always is, stale or not, when over the liquidation
// level once they have (or on fresh prices); and Snapshot → RestoreCalls
// → continue gives the same events and statuses as continuing.
//
// Mutations seen failing: in step, the level rule moving straight to the
// highest level reached (a.state = target) instead of one state at a
// time: CheckCallEvents reports "jumped ok → liquidation"; held = stale
// (MaxStale ignored): "over the liquidation level … still reduce-only";
// held = false: "liquidated on a stale update".
func TestPropCallsNeverSkip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := NewCalls(genCallSettings(t))
		if err != nil {
			t.Fatal(err)
		}
		set := c.Settings()
		staleSince := map[string]time.Time{} // the model: first update of each account's stale run
		now := callT0
		var all []Event
		n := rapid.IntRange(1, 40).Draw(t, "steps")
		for i := 0; i < n; i++ {
			id := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "id")
			now = now.Add(time.Duration(rapid.IntRange(0, 120).Draw(t, "dt min")) * time.Minute)
			r := AccountRisk{Equity: testkit.Decimal(-500, 3000, 0).Draw(t, "equity"), Maintenance: testkit.Decimal(0, 3000, 0).Draw(t, "mm")}
			stale := rapid.Bool().Draw(t, "stale")
			var st CallStatus
			var evs []Event
			if rapid.IntRange(0, 9).Draw(t, "roundtrip") == 0 {
				snap := c.Snapshot()
				raw, err := json.Marshal(snap)
				if err != nil {
					t.Fatal(err)
				}
				var back CallsSnapshot
				if err := json.Unmarshal(raw, &back); err != nil {
					t.Fatal(err)
				}
				c2, err := RestoreCalls(back)
				if err != nil {
					t.Fatal(err)
				}
				s1, e1, err1 := c.Update(now, id, r, stale)
				s2, e2, err2 := c2.Update(now, id, r, stale)
				if diff := cmp.Diff([]any{s1, e1, err1 == nil}, []any{s2, e2, err2 == nil}, testkit.EquateDecimals); diff != "" {
					t.Fatalf("restored machine diverged:\n%s", diff)
				}
				if err1 != nil {
					t.Fatal(err1)
				}
				st, evs, c = s1, e1, c2
			} else if st, evs, err = c.Update(now, id, r, stale); err != nil {
				t.Fatal(err)
			}
			if _, ok := staleSince[id]; stale && !ok {
				staleSince[id] = now
			} else if !stale {
				delete(staleSince, id)
			}
			expired := stale && now.Sub(staleSince[id]) >= set.MaxStale
			for _, e := range evs {
				if stale && e.To == CallLiquidation.String() && (!expired || !strings.Contains(e.Reason, "MaxStale")) {
					t.Fatalf("liquidated on a stale update: %v", e)
				}
			}
			if over(r.Equity, r.Maintenance, set.LiquidationRatio) && (!stale || expired) && st.State != CallLiquidation {
				t.Fatalf("over the liquidation level (stale %v since %v), still %s", stale, staleSince[id], st.State)
			}
			if len(evs) > 0 && evs[len(evs)-1].To != st.State.String() {
				t.Fatalf("status %s, last event %v", st.State, evs[len(evs)-1])
			}
			all = append(all, evs...)
		}
		if err := CheckCallEvents(all); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPropCallsNoFlap: once in a state, fresh updates whose ratio stays
// inside the state's band — above (level − hysteresis), not over the
// next level — cause no transition, however the ratio moves within it
// (no deadlines here: Grace zero).
//
// Mutation seen failing: the hysteresis dropped from cured (leave at
// ratio ≤ level instead of ≤ level − hysteresis): an account at
// level − hysteresis/2 flaps down and up.
func TestPropCallsNoFlap(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genCallSettings(t)
		s.Grace, s.ReduceOnlyGrace = 0, 0
		c, err := NewCalls(s)
		if err != nil {
			t.Fatal(err)
		}
		target := CallState(rapid.IntRange(1, 3).Draw(t, "state"))
		lvl := s.level(target)
		// Enter the state from below: a ratio just over its level, under the next.
		enter := lvl.Add(d("0.0001"))
		if !over(d("1000"), enter.Mul(d("1000")), s.level(target+1)) {
			// fine: enter is not over the next level
		} else {
			t.Skip("levels coincide")
		}
		now := callT0
		if _, _, err := c.Update(now, "a", atRatio(enter.String()), false); err != nil {
			t.Fatal(err)
		}
		if st, _ := c.Status("a"); st.State != target {
			t.Fatalf("entered %s, want %s", st.State, target)
		}
		lo, hi := lvl.Sub(s.Hysteresis), s.level(target+1) // band (lo, hi]
		for i := 0; i < 30; i++ {
			now = now.Add(time.Minute)
			units := hi.Sub(lo).Shift(4).IntPart()
			r := lo.Add(decimal.New(rapid.Int64Range(1, units).Draw(t, "in band"), -4))
			_, evs, err := c.Update(now, "a", atRatio(r.String()), false)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) > 0 {
				t.Fatalf("ratio %s inside (%s, %s] moved the account: %q", r, lo, hi, states(evs))
			}
		}
	})
}

// A missed deadline stays on record through liquidation: an account that
// missed its call and was then liquidated by level leaves liquidation
// only when cured below the call level (never re-granted a fresh call
// deadline by a partial recovery).
func TestCallsDeadlineRecordSticks(t *testing.T) {
	c, _ := NewCalls(ClearingHouseCalls(time.Hour, 0))
	c.Update(callT0, "m", atRatio("1.1"), false)
	if _, evs, _ := c.Update(callT0.Add(time.Hour), "m", atRatio("1.1"), false); states(evs) != "margin-call>reduce-only" {
		t.Fatalf("deadline: %q", states(evs))
	}
	if _, evs, _ := c.Update(callT0.Add(2*time.Hour), "m", atRatio("2.5"), false); states(evs) != "reduce-only>liquidation" {
		t.Fatalf("level: %q", states(evs))
	}
	st, evs, _ := c.Update(callT0.Add(3*time.Hour), "m", atRatio("1.2"), false)
	if len(evs) != 0 || st.State != CallLiquidation || !st.ByDeadline {
		t.Fatalf("1.2 is not a cure of a missed call: %q %s by deadline %v", states(evs), st.State, st.ByDeadline)
	}
	st, evs, _ = c.Update(callT0.Add(4*time.Hour), "m", atRatio("0.9"), false)
	if states(evs) != "liquidation>reduce-only,reduce-only>margin-call,margin-call>warning" || st.ByDeadline {
		t.Fatalf("cure: %q by deadline %v", states(evs), st.ByDeadline)
	}
}

func TestEventRendering(t *testing.T) {
	c, _ := NewCalls(ClearingHouseCalls(time.Hour, 0))
	_, evs, _ := c.Update(callT0, "m", atRatio("1.1"), false)
	e := evs[1]
	if got := e.String(); got != "2026-12-02T09:00:00Z call-state m warning→margin-call: margin ratio over 1 (deadline 2026-12-02T10:00:00Z)" {
		t.Fatalf("String: %q", got)
	}
	attrs := map[string]string{}
	for _, a := range e.LogValue().Group() {
		attrs[a.Key] = a.Value.String()
	}
	want := map[string]string{"time": "2026-12-02 09:00:00 +0000 UTC", "kind": "call-state", "subject": "m", "from": "warning", "to": "margin-call",
		"reason": "margin ratio over 1", "equity": "1000", "maintenance": "1100", "deadline": "2026-12-02 10:00:00 +0000 UTC"}
	if diff := cmp.Diff(want, attrs); diff != "" {
		t.Fatalf("LogValue (-want +got):\n%s", diff)
	}
	raw, err := json.Marshal(e)
	if err != nil || !strings.Contains(string(raw), `"deadline":"2026-12-02T10:00:00Z"`) {
		t.Fatalf("JSON %s %v", raw, err)
	}
}

// TestPropCallsGracePausedWhileStale: however long an account stays in a
// margin call or reduce-only, no deadline moves it while every update
// after the one entering the call (the host reporting the feed stale at
// that same instant, then at random later times) reports stale prices,
// and its grace left never shrinks: an interval starting stale never
// counts.
//
// Mutation seen failing: step counting every interval toward the clock
// (the `!a.lastStale` condition dropped): "deadline passed".
func TestPropCallsGracePausedWhileStale(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genCallSettings(t)
		s.Grace = time.Duration(rapid.IntRange(1, 120).Draw(t, "grace")) * time.Minute
		s.ReduceOnlyGrace = time.Duration(rapid.IntRange(1, 120).Draw(t, "ro grace")) * time.Minute
		s.MaxStale = maxGrace // the pause itself; TestCallsStaleHoldIsBounded bounds it
		c, err := NewCalls(s)
		if err != nil {
			t.Fatal(err)
		}
		// Into a margin call, fresh: a ratio over the call level, under reduce-only.
		r := s.CallRatio.Add(d("0.0001"))
		if r.GreaterThan(s.ReduceOnlyRatio) {
			t.Skip("call and reduce-only levels coincide")
		}
		now := callT0
		st, _, err := c.Update(now, "a", atRatio(r.String()), false)
		if err != nil || st.State != CallMarginCall {
			t.Fatalf("entry: %v %v", st.State, err)
		}
		left := st.GraceLeft
		for i := 0; i < 20; i++ {
			if i > 0 { // the first stale report comes at the entry's instant
				now = now.Add(time.Duration(rapid.IntRange(1, 600).Draw(t, "dt min")) * time.Minute)
			}
			st, evs, err := c.Update(now, "a", atRatio(r.String()), true)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if strings.Contains(e.Reason, "deadline") {
					t.Fatalf("deadline passed on stale prices: %v", e)
				}
			}
			if st.GraceLeft != left {
				t.Fatalf("grace left %v, was %v, on stale prices", st.GraceLeft, left)
			}
		}
	})
}

// TestCallsGraceCountsFromFreshStart: an interval between two updates
// counts toward the deadline when the prices were fresh at its START
// (the host reported fresh prices then). A feed alternating stale and
// fresh every minute therefore runs the clock half the time: the
// one-hour call of ClearingHouseCalls(1h, 1h) entered at minute 0 is
// missed at minute 119 (the 60th fresh-started minute ends there, a
// stale update: a move to reduce-only is allowed on stale prices), and
// reduce-only's hour is used up at minute 239 (stale: no liquidation) so
// the account is liquidated at the fresh update of minute 240. Under the
// old rule (fresh at both ends) no interval ever counted and the account
// stayed in margin-call with an hour left after 24 hours.
func TestCallsGraceCountsFromFreshStart(t *testing.T) {
	c, err := NewCalls(ClearingHouseCalls(time.Hour, time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for m := 0; m <= 24*60; m++ {
		_, evs, err := c.Update(callT0.Add(time.Duration(m)*time.Minute), "m", atRatio("1.1"), m%2 == 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			got = append(got, fmt.Sprintf("%d:%s>%s", m, e.From, e.To))
		}
	}
	want := []string{"0:ok>warning", "0:warning>margin-call", "119:margin-call>reduce-only", "240:reduce-only>liquidation"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("transitions (-want +got):\n%s", diff)
	}
	// A fresh update, then a stale one 30 minutes later: the 30 minutes
	// count (fresh at their start); the stale hour after them does not.
	s := ClearingHouseCalls(2*time.Hour, 0)
	s.MaxStale = 2 * time.Hour // the stale hour stays within it
	c2, _ := NewCalls(s)
	c2.Update(callT0, "m", atRatio("1.1"), false)
	st, _, _ := c2.Update(callT0.Add(30*time.Minute), "m", atRatio("1.1"), true)
	if st.GraceLeft != 90*time.Minute {
		t.Fatalf("fresh-started interval: grace left %v, want 1h30m", st.GraceLeft)
	}
	st, _, _ = c2.Update(callT0.Add(90*time.Minute), "m", atRatio("1.1"), false)
	if st.GraceLeft != 90*time.Minute {
		t.Fatalf("stale-started interval: grace left %v, want 1h30m", st.GraceLeft)
	}
}

// TestCallsStaleHoldIsBounded: staleness holds an account back from
// liquidation for at most MaxStale (default 15 minutes) of continuously
// stale updates; after that a feed that stays stale no longer lets an
// account over the liquidation level escape it (fail closed), and the
// event says why. Every update stale, one a minute, the stale run
// starting at minute 0: at ratio 5 (over every liquidation level)
// liquidation comes at minute MaxStale; below the liquidation level the
// deadlines run from minute MaxStale on (the clearing house's 1h call is
// missed at 15 + 60 = 75, its 1h reduce-only at 135). Before MaxStale the
// account stayed reduce-only forever.
func TestCallsStaleHoldIsBounded(t *testing.T) {
	withMaxStale := func(s CallSettings, d time.Duration) CallSettings { s.MaxStale = d; return s }
	for _, tc := range []struct {
		name  string
		s     CallSettings
		ratio string
		want  int // minute of the move into liquidation
	}{
		{"crypto preset, default MaxStale", CryptoVenueCalls(), "5", 15},
		{"clearing house, default MaxStale", ClearingHouseCalls(time.Hour, time.Hour), "5", 15},
		{"clearing house, MaxStale 1h", withMaxStale(ClearingHouseCalls(time.Hour, time.Hour), time.Hour), "5", 60},
		{"reduce-only by level, its deadline runs after MaxStale", ClearingHouseCalls(time.Hour, time.Hour), "1.6", 75},
		{"margin call, both deadlines run after MaxStale", ClearingHouseCalls(time.Hour, time.Hour), "1.1", 135},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := NewCalls(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			got := -1
			for m := 0; m <= 24*60 && got < 0; m++ {
				_, evs, err := c.Update(callT0.Add(time.Duration(m)*time.Minute), "a", atRatio(tc.ratio), true)
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range evs {
					if e.To == CallLiquidation.String() {
						got = m
						if !strings.Contains(e.Reason, "MaxStale") {
							t.Errorf("the event does not say staleness stopped holding: %q", e.Reason)
						}
					}
				}
			}
			if got != tc.want {
				t.Fatalf("liquidated at minute %d, want %d", got, tc.want)
			}
		})
	}
}

// TestCallsNotBuilt: every exported method of a nil *Calls or a zero
// Calls{} (not built with NewCalls) answers as its doc says — an error
// wrapping ErrInvalidSettings, or a zero result — and never panics.
func TestCallsNotBuilt(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    *Calls
	}{{"nil", nil}, {"zero value", &Calls{}}} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			if _, _, err := c.Update(callT0, "a", atRatio("1"), false); !errors.Is(err, ErrInvalidSettings) {
				t.Errorf("Update: %v", err)
			}
			if st, ok := c.Status("a"); ok || st != (CallStatus{}) {
				t.Errorf("Status: %+v %v", st, ok)
			}
			if c.ReduceOnly("a") {
				t.Errorf("ReduceOnly: true")
			}
			if err := c.Remove("a"); !errors.Is(err, ErrInvalidSettings) {
				t.Errorf("Remove: %v", err)
			}
			if n := c.Len(); n != 0 {
				t.Errorf("Len: %d", n)
			}
			if diff := cmp.Diff(CallSettings{}, c.Settings(), testkit.EquateDecimals); diff != "" {
				t.Errorf("Settings:\n%s", diff)
			}
			if diff := cmp.Diff(CallsSnapshot{}, c.Snapshot(), testkit.EquateDecimals); diff != "" {
				t.Errorf("Snapshot:\n%s", diff)
			}
		})
	}
	// The Calculator methods of the same review: guarded already.
	for _, calc := range []*Calculator{nil, {}} {
		if _, err := calc.FundingPayments("BTCUSDT", d("1"), d("0"), nil); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("FundingPayments: %v", err)
		}
		if _, err := calc.OrderMargins(callT0, Account{ID: "a"}, OrderContext{}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("OrderMargins: %v", err)
		}
		if _, err := calc.CheckOrderWith(callT0, Account{ID: "a"}, OrderContext{}, Order{Market: "BTCUSDT", Size: d("1")}); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("CheckOrderWith: %v", err)
		}
	}
}

package breaker

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
	"github.com/sony/gobreaker/v2"
)

// Issue 10 item 15: with a full 5-minute window at 1,000 trades/s (300,000
// trades), 1,000 further observations took 648 µs each (the window was
// copied on every one): 0.65 s in all. O(1) amortised they take a few ms;
// the bound leaves a 50× margin for a loaded machine.
func TestIssue10MarketObserveIsO1Amortised(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a 300,000-trade window")
	}
	m, _ := NewMarket(MarketSettings{Reference: testkit.D("100.00")})
	prices := [4]decimal.Decimal{testkit.D("100.01"), testkit.D("99.99"), testkit.D("100.02"), testkit.D("99.98")}
	now := t0
	for i := 0; i < 300_000; i++ {
		now = now.Add(time.Millisecond)
		if _, err := observe(m, prices[i&3], now); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	for i := 0; i < 1000; i++ {
		now = now.Add(time.Millisecond)
		if _, err := observe(m, prices[i&3], now); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el > 100*time.Millisecond {
		t.Fatalf("1,000 observations on a full window took %s (want O(1) amortised: well under 100 ms)", el)
	}
	if err := m.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, b := range m.Snapshot().Window {
		n += b.Count
	}
	if n != 300_000 || len(m.Snapshot().Window) > 301 {
		t.Fatalf("window holds %d trades in %d buckets, want 300,000 in at most 301", n, len(m.Snapshot().Window))
	}
}

// Hunt (issue 10, same defect class as item 15): ChangeTrigger copied its
// monotonic window whenever a point left it. A steadily rising price with
// a rise trigger keeps every point in the window (300,000 at 1,000/s).
func TestIssue10ChangeObserveIsO1Amortised(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a 300,000-point window")
	}
	tr, err := NewChange(ChangeSettings{Direction: Above, Threshold: testkit.D("0.5"), Window: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	now := t0
	v := decimal.New(1_000_000_000, 0)
	step := decimal.New(1, -3)
	for i := 0; i < 300_000; i++ {
		now = now.Add(time.Millisecond)
		v = v.Add(step)
		if _, err := tr.Observe(now, v); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	for i := 0; i < 1000; i++ {
		now = now.Add(time.Millisecond)
		v = v.Add(step)
		if _, err := tr.Observe(now, v); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el > 100*time.Millisecond {
		t.Fatalf("1,000 observations on a full window took %s (want O(1) amortised)", el)
	}
	if err := tr.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// Issue 10 item 7: with the default cent increment, a token at 0.00001234
// was referenced at 0.01 (lifted to one tick) and every later price paused
// the market. A reference below one increment is now refused everywhere a
// host passes one, changing nothing; CryptoBands follows the price's own
// precision (Hyperliquid tick rule: 5 significant figures, ≤ 8 places).
func TestIssue10Item7ReferenceBelowOneTickRefused(t *testing.T) {
	tiny := testkit.D("0.00001234")
	if _, err := NewMarket(MarketSettings{Reference: tiny}); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("NewMarket with a sub-cent reference: %v", err)
	}
	if b, err := ComputeBand(BandSettings{}, tiny, false); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("ComputeBand with a sub-cent reference: %s, %v", b, err)
	}
	m, _ := NewMarket(MarketSettings{}) // reopening: the first price becomes the reference
	before := m.Snapshot()
	if d, err := m.Check(t0, tiny); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("reopening at a sub-cent price: %s, %v", d, err)
	}
	if !reflect.DeepEqual(before, m.Snapshot()) {
		t.Fatal("refused check changed the market")
	}
	// 0.005 rounds half-even to 0.00 at cents: below one tick too.
	if _, err := ComputeBand(BandSettings{}, testkit.D("0.005"), false); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("0.005 at cents: %v", err)
	}
	// Exactly one tick is accepted.
	if b, err := ComputeBand(BandSettings{}, testkit.D("0.01"), false); err != nil || b.Lower.String() != "0.01" {
		t.Fatalf("one tick: %s, %v", b, err)
	}
	// The crypto preset keeps the token's precision.
	for _, tc := range []struct{ ref, band string }{
		{"0.00001234", "0.00001172–0.00001296 (ref 0.00001234)"}, // 8 places cap: 4 significant figures
		{"0.012345678", "0.011729–0.012963 (ref 0.012346)"},      // 5 significant figures; ±0.0006173 to the nearest 10^-6
		{"60000.5", "57000–63000 (ref 60000)"},                   // whole numbers: 60000.5 half-even → 60000
		{"123456.7", "117284–129630 (ref 123457)"},               // an integer increment is always allowed
	} {
		b, err := ComputeBand(CryptoBands(), testkit.D(tc.ref), false)
		if err != nil || b.String() != tc.band {
			t.Errorf("crypto %s: %s, %v; want %s", tc.ref, b, err, tc.band)
		}
	}
	if _, err := ComputeBand(CryptoBands(), testkit.D("0.000000004"), false); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("crypto below 1e-8: %v", err)
	}
	cm, err := NewMarket(MarketSettings{Band: CryptoBands(), Reference: tiny})
	if err != nil {
		t.Fatal(err)
	}
	if d, err := cm.Observe(t0, testkit.D("0.00001240")); err != nil || d.Action != Allow {
		t.Fatalf("crypto market: %s, %v", d, err)
	}
}

// Issue 10 item 9: gobreaker v2.0.0's defaultReadyToTrip is
// counts.ConsecutiveFailures > 5 (gobreaker.go): the 6th failure in a row
// trips. Service's default TripAfter was 5 (tripped one failure early).
func TestIssue10Item9ServiceDefaultTripMatchesGobreaker(t *testing.T) {
	svc, _ := NewService[int](ServiceSettings{})
	raw := gobreaker.NewCircuitBreaker[int](gobreaker.Settings{})
	fail := func() (int, error) { return 0, errDown }
	for i := 1; i <= 6; i++ {
		_, _, _ = svc.Execute(fail)
		_, _ = raw.Execute(fail)
		wantOpen := i >= 6
		if got := svc.State() == ServiceOpen; got != wantOpen {
			t.Fatalf("after %d consecutive failures: service %s, want open=%v", i, svc.State(), wantOpen)
		}
		if got := raw.State() == gobreaker.StateOpen; got != wantOpen {
			t.Fatalf("after %d consecutive failures: gobreaker %s, want open=%v", i, raw.State(), wantOpen)
		}
	}
}

// Issue 10 item 9: LULD Plan Appendix A tier boundaries, each at its exact
// edge: "more than $3.00" takes the tier percentage; "$0.75 and up to and
// including $3.00" takes 20%; "less than $0.75" the lesser of $0.15 or 75%.
// Edges round to the nearest penny.
func TestIssue10Item9LULDBoundaries(t *testing.T) {
	for _, tc := range []struct{ ref, band string }{
		{"3.01", "2.86–3.16 (ref 3.01)"}, // > $3.00: 5% (0.1505 → edges 2.8595, 3.1605 to the nearest cent)
		{"3.00", "2.4–3.6 (ref 3)"},      // = $3.00: 20%
		{"0.75", "0.6–0.9 (ref 0.75)"},   // = $0.75: 20%
		{"0.74", "0.59–0.89 (ref 0.74)"}, // < $0.75: min($0.15, 75% = 0.555)
		{"0.10", "0.03–0.18 (ref 0.1)"},  // < $0.75: 75% = 0.075 < $0.15 → 0.025 rounds away to 0.03
	} {
		b, err := ComputeBand(BandSettings{}, testkit.D(tc.ref), false)
		if err != nil || b.String() != tc.band {
			t.Errorf("ref %s: %s, %v; want %s", tc.ref, b, err, tc.band)
		}
	}
	// Re-reference on a mean move of 1% "or more": 10.10 moves a 10.00
	// reference, 10.09 does not.
	for _, tc := range []struct {
		price string
		moves bool
	}{{"10.09", false}, {"10.10", true}} {
		m, _ := NewMarket(MarketSettings{Reference: testkit.D("10.00")})
		d, err := m.Observe(t0, testkit.D(tc.price))
		if err != nil || (d.Band.Reference.String() != "10") == !tc.moves {
			t.Errorf("mean %s: reference %s, want moved=%v (%v)", tc.price, d.Band.Reference, tc.moves, err)
		}
	}
}

// Issue 10 item 9: hysteresis comparisons at the exact levels. Above: trip
// on value ≥ Trip, reset on value ≤ Reset; Below mirrors.
func TestIssue10Item9HysteresisBoundaries(t *testing.T) {
	up, _ := NewLevel(LevelSettings{Trip: testkit.D("100"), Reset: testkit.D("90")})
	for i, tc := range []struct {
		v    string
		want Signal
	}{{"99.99", Normal}, {"100", Tripped}, {"90.01", Tripped}, {"90", Reset}, {"99.99", Normal}} {
		r, err := up.Observe(t0.Add(time.Duration(i)*time.Second), testkit.D(tc.v))
		if err != nil || r.Signal != tc.want {
			t.Fatalf("above, %s: %s, want %s (%v)", tc.v, r, tc.want, err)
		}
	}
	down, _ := NewLevel(LevelSettings{Direction: Below, Trip: testkit.D("90"), Reset: testkit.D("100")})
	for i, tc := range []struct {
		v    string
		want Signal
	}{{"90.01", Normal}, {"90", Tripped}, {"99.99", Tripped}, {"100", Reset}} {
		r, err := down.Observe(t0.Add(time.Duration(i)*time.Second), testkit.D(tc.v))
		if err != nil || r.Signal != tc.want {
			t.Fatalf("below, %s: %s, want %s (%v)", tc.v, r, tc.want, err)
		}
	}
	// ChangeTrigger: a drop of exactly the threshold trips.
	ch, _ := NewChange(ChangeSettings{Direction: Below, Threshold: testkit.D("0.10"), Window: time.Minute})
	_, _ = ch.Observe(t0, testkit.D("100"))
	if r, _ := ch.Observe(t0.Add(time.Second), testkit.D("90.01")); r.Signal != Normal {
		t.Fatalf("9.99%% drop: %s", r)
	}
	if r, _ := ch.Observe(t0.Add(2*time.Second), testkit.D("90")); r.Signal != Tripped {
		t.Fatalf("10%% drop: %s", r)
	}
}

// Issue 10 item 11: Execute(nil) panicked inside gobreaker.
func TestIssue10Item11ServiceExecuteNil(t *testing.T) {
	svc, _ := NewService[int](ServiceSettings{})
	for _, force := range []string{"", "open", "closed"} {
		switch force {
		case "open":
			_, _ = svc.ForceOpen("test", "t")
		case "closed":
			_, _ = svc.Release("test", "t")
			_, _ = svc.ForceClosed("test", "t")
		}
		before := svc.Counts()
		if _, _, err := svc.Execute(nil); !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("forced %q: Execute(nil): %v", force, err)
		}
		if svc.Counts() != before {
			t.Fatalf("forced %q: a refused nil request was counted", force)
		}
	}
}

// Issue 10 item 12: silent accepts.
func TestIssue10Item12SilentAccepts(t *testing.T) {
	// A second Halt of an active cause replaced its reason and start time.
	m, _ := NewMarket(MarketSettings{Reference: testkit.D("10")})
	if _, err := m.Halt(t0, "news", "pending news", "ops:alice", time.Time{}); err != nil {
		t.Fatal(err)
	}
	before := m.Snapshot()
	if _, err := m.Halt(t0.Add(time.Minute), "news", "other", "ops:bob", time.Time{}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("second halt of an active cause: %v", err)
	}
	if !reflect.DeepEqual(before, m.Snapshot()) {
		t.Fatal("refused halt changed the market")
	}
	if h := m.Halts()[0]; h.Reason != "pending news" || h.Actor != "ops:alice" || !h.Since.Equal(t0) {
		t.Fatalf("original halt not kept: %+v", h)
	}
	// The same for the kill switch (hunt: Engage replaced reason and actor).
	ks := NewKillSwitch()
	_, _ = ks.Engage(t0, "M", "first", "ops:alice")
	ksBefore := ks.Snapshot()
	if _, err := ks.Engage(t0.Add(time.Minute), "M", "second", "ops:bob"); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("second engage: %v", err)
	}
	if !reflect.DeepEqual(ksBefore, ks.Snapshot()) {
		t.Fatal("refused engage changed the kill switch")
	}
	// BandAmount(1e9999) returned a 9,998-digit number; (-100) returned 0.
	for _, ref := range []string{"1e9999", "-100", "0", "1e-40"} {
		start := time.Now()
		if amt, err := (BandSettings{}).BandAmount(testkit.D(ref), false); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("BandAmount(%s) = %s, %v", ref, amt.String()[:min(20, len(amt.String()))], err)
		}
		if el := time.Since(start); el > 100*time.Millisecond {
			t.Errorf("BandAmount(%s) took %s", ref, el)
		}
	}
	if amt, err := (BandSettings{}).BandAmount(testkit.D("10"), false); err != nil || amt.String() != "0.5" {
		t.Fatalf("BandAmount(10) = %s, %v", amt, err)
	}
	// LULDBands(99, nil) returned zero-percent settings.
	if s, err := LULDBands(99, nil); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("LULDBands(99): %+v, %v", s, err)
	}
	// CountLimiter.AllowN(MaxInt) said false where NotionalLimiter errors.
	cl, _ := NewCountLimiter(CountSettings{Events: 10, Per: time.Second})
	clBefore := cl.Snapshot()
	for _, n := range []int{11, math.MaxInt} {
		if ok, err := cl.AllowN(t0, n); ok || !errors.Is(err, ErrInvalidInput) {
			t.Fatalf("AllowN(%d): %v, %v", n, ok, err)
		}
	}
	if cl.Snapshot() != clBefore {
		t.Fatal("refused AllowN changed the limiter")
	}
	if ok, err := cl.AllowN(t0, 10); !ok || err != nil {
		t.Fatalf("AllowN(burst): %v, %v", ok, err)
	}
	nl, _ := NewNotionalLimiter(NotionalSettings{Max: testkit.D("10"), Per: time.Second})
	if _, err := nl.Allow(t0, testkit.D("11")); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("notional above burst: %v", err)
	}
}

// Issue 10 item 16: the kill-switch audit trail lost entries once 4,096
// events were left undrained. Every event is now returned by the call
// that caused it: 10,000 engage/release pairs yield 20,000 events, in
// order, none dropped.
func TestIssue10Item16NoEventDropped(t *testing.T) {
	ks := NewKillSwitch()
	var audit []Event
	for i := 0; i < 10_000; i++ {
		now := t0.Add(time.Duration(i) * time.Second)
		ev, err := ks.Engage(now, "M", "drill", "ops")
		if err != nil {
			t.Fatal(err)
		}
		audit = append(audit, ev...)
		if ev, err = ks.Release(now, "M", "drill over", "ops"); err != nil {
			t.Fatal(err)
		}
		audit = append(audit, ev...)
	}
	if len(audit) != 20_000 {
		t.Fatalf("%d events, want 20,000", len(audit))
	}
	for i, e := range audit {
		want := EventKill
		if i%2 == 1 {
			want = EventResume
		}
		if e.Kind != want || !e.Time.Equal(t0.Add(time.Duration(i/2)*time.Second)) || e.Subject != "M" || e.Actor != "ops" {
			t.Fatalf("event %d: %s", i, e)
		}
	}
	// A market returns its transitions from the call that caused them.
	m, _ := NewMarket(MarketSettings{ID: "M", Reference: testkit.D("10.00")})
	d, _ := m.Check(t0, testkit.D("9.50"))
	if len(d.Events) != 1 || d.Events[0].Kind != EventState || d.Events[0].From != "open" || d.Events[0].To != "limit" {
		t.Fatalf("limit transition events: %v", d.Events)
	}
	d, _ = m.Check(t0.Add(15*time.Second), testkit.D("9.50"))
	if len(d.Events) != 2 || d.Events[0].Kind != EventHaltStarted || d.Events[0].Cause != CauseLimitPause || d.Events[1].To != "paused" {
		t.Fatalf("pause events: %v", d.Events)
	}
}

// Issue 10 item 16, the service wrapper: gobreaker's OnStateChange fires
// inside Execute; the wrapper returns those events from that very call (the
// trip from the failing call that tripped it), and a change State detected
// is returned by the next call, never dropped however many pile up.
func TestIssue10Item16ServiceEventsReturnedByTheCall(t *testing.T) {
	svc, _ := NewService[int](ServiceSettings{Name: "src", TripAfter: 2, OpenTimeout: time.Millisecond})
	fail := func() (int, error) { return 0, errDown }
	if _, ev, _ := svc.Execute(fail); len(ev) != 0 {
		t.Fatalf("first failure: %v", ev)
	}
	_, ev, _ := svc.Execute(fail)
	if len(ev) != 1 || ev[0].From != "closed" || ev[0].To != "open" || ev[0].Subject != "src" || ev[0].Counts.ConsecutiveFailures != 2 {
		t.Fatalf("the tripping call returned %v", ev)
	}
	time.Sleep(3 * time.Millisecond)
	if svc.State() != ServiceHalfOpen { // detected here, returned by the next call
		t.Fatal("not half-open")
	}
	_, ev, _ = svc.Execute(fail)
	if len(ev) != 2 || ev[0].To != "half-open" || ev[1].From != "half-open" || ev[1].To != "open" {
		t.Fatalf("next call returned %v", ev)
	}
	// 5,000 open → half-open → open cycles, every one returned (beyond
	// the old queue's 4,096).
	svc, _ = NewService[int](ServiceSettings{Name: "src", TripAfter: 1, OpenTimeout: time.Nanosecond})
	_, _, _ = svc.Execute(fail) // closed → open
	n := 0
	for i := 0; i < 5000; i++ {
		time.Sleep(time.Nanosecond)
		_, ev, _ := svc.Execute(fail) // open → half-open (timeout passed), half-open → open
		n += len(ev)
	}
	if n != 10000 {
		t.Fatalf("%d events returned for 5,000 cycles, want 10,000", n)
	}
}

// Hunt (same class as issue 10 item 13 in oracle): encoding/json writes a
// zone offset in whole minutes, so a time in time.FixedZone("X", 5*3600+1)
// came back one second off after a snapshot's JSON round trip: the standby
// resumed at another instant (its last call, halt start and end, trade
// times all moved). Snapshots now hold UTC; every round trip is exact.
func TestHuntSnapshotTimesSurviveJSONInOddZones(t *testing.T) {
	odd := time.FixedZone("X", 5*3600+1)
	now := time.Date(2026, 3, 2, 20, 0, 0, 0, odd)
	ks := NewKillSwitch()
	s := MarketSettings{ID: "M", Reference: testkit.D("10"), Sources: []HaltSource{ks}}
	m, _ := NewMarket(s)
	_, _ = m.Observe(now, testkit.D("10.2"))
	_, _ = m.Halt(now.Add(time.Second), "news", "r", "a", now.Add(time.Hour))
	_, _ = ks.Engage(now.Add(2*time.Second), "M", "r", "a")
	_, _ = m.Status(now.Add(3 * time.Second))
	snap := m.Snapshot()
	r, err := RestoreMarket(s, viaJSON(t, snap))
	if err != nil {
		t.Fatal(err)
	}
	if !sameInstants(r.Snapshot().Last, snap.Last, r.Snapshot().Halts[0].Until, snap.Halts[0].Until, r.Snapshot().Window[0].End, snap.Window[0].End, r.Snapshot().External[0].Since, snap.External[0].Since) {
		t.Fatalf("market round trip moved times:\n%+v\n%+v", r.Snapshot(), snap)
	}
	lv, _ := NewLevel(LevelSettings{Trip: testkit.D("2"), Reset: testkit.D("1")})
	_, _ = lv.Observe(now, testkit.D("3"))
	if l2, err := RestoreLevel(LevelSettings{Trip: testkit.D("2"), Reset: testkit.D("1")}, viaJSON(t, lv.Snapshot())); err != nil || !sameInstants(l2.Snapshot().Last, lv.Snapshot().Last, l2.Snapshot().Since, lv.Snapshot().Since) {
		t.Fatalf("level round trip: %v", err)
	}
	ksnap := ks.Snapshot()
	if k2, err := RestoreKillSwitch(viaJSON(t, ksnap)); err != nil || !sameInstants(k2.Snapshot().Last, ksnap.Last, k2.Snapshot().Engaged[0].Since, ksnap.Engaged[0].Since) {
		t.Fatalf("kill switch round trip: %v", err)
	}
	w, _ := NewMarketWide(CryptoMarketWide())
	_, _ = w.Observe(now, testkit.D("4000"))
	_, _ = w.Observe(now.Add(time.Hour), testkit.D("3000"))
	wsnap := w.Snapshot()
	if w2, err := RestoreMarketWide(CryptoMarketWide(), viaJSON(t, wsnap)); err != nil || !sameInstants(w2.Snapshot().Last, wsnap.Last, w2.Snapshot().Samples[0].Time, wsnap.Samples[0].Time, w2.Snapshot().HaltUntil, wsnap.HaltUntil) {
		t.Fatalf("market-wide round trip: %v", err)
	}
	cl, _ := NewCountLimiter(CountSettings{Events: 5, Per: time.Second})
	_, _ = cl.AllowN(now, 2)
	csnap := cl.Snapshot()
	if c2, err := RestoreCountLimiter(CountSettings{Events: 5, Per: time.Second}, viaJSON(t, csnap)); err != nil || !sameInstants(c2.Snapshot().Last, csnap.Last, c2.Snapshot().At, csnap.At) {
		t.Fatalf("count limiter round trip: %v", err)
	}
}

// sameInstants reports whether each pair (a0, b0, a1, b1, ...) is the same
// instant.
func sameInstants(ts ...time.Time) bool {
	for i := 0; i+1 < len(ts); i += 2 {
		if !ts[i].Equal(ts[i+1]) {
			return false
		}
	}
	return true
}

// The item 7 refusal must not cost the hot path: a price inside the band is
// still checked without allocating (the tick test runs only below the
// lower edge). The first version of the fix allocated 9 times per check.
func TestIssue10Item7CheckInsideBandStaysAllocationFree(t *testing.T) {
	m, _ := NewMarket(MarketSettings{Reference: testkit.D("10.00")})
	price := testkit.D("10.0325")
	if n := testing.AllocsPerRun(100, func() {
		if d, err := m.Check(t0, price); err != nil || d.Action != Allow {
			t.Fatal(d, err)
		}
	}); n != 0 {
		t.Fatalf("%v allocations per check inside the band, want 0", n)
	}
}

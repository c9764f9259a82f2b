package breaker

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// hours returns the block time h hours after the Unix epoch (the reference
// tests' vm.warp(h hours)).
func hours(h float64) time.Time { return time.Unix(0, int64(h*float64(time.Hour))).UTC() }

// erc7265Settings are the reference tests' parameters
// (DeFi-Circuit-Breaker/DeFi-Guardian test/core/user/
// CircuitBreakerUserOps.t.sol, setUp: new CircuitBreaker(admin, 3 days,
// 4 hours, 5 minutes); registerToken(token, 7000, 1000e18)).
func erc7265Settings() OutflowSettings {
	return OutflowSettings{Asset: "USDC", MinLiqRetainedBps: 7000, LimitBeginThreshold: testkit.D("1000e18"),
		WithdrawalPeriod: 4 * time.Hour, TickLength: 5 * time.Minute, CooldownPeriod: 72 * time.Hour}
}

// TestOutflowERC7265Table replays the reference implementation's own tests
// (CircuitBreakerUserOps.t.sol) and the comparisons of LimiterLib.status
// and CircuitBreaker._onTokenOutflow / overrideRateLimit /
// overrideExpiredRateLimit / isInGracePeriod at their boundaries.
func TestOutflowERC7265Table(t *testing.T) {
	type op struct {
		at     time.Time
		kind   string // in, out, override, expired, status
		amount string
		want   string // out: "allowed|locked status limited"; others: "" or "err"
	}
	for _, tc := range []struct {
		name      string
		mod       func(*OutflowSettings)
		ops       []op
		wantTotal string
		wantInPer string
	}{
		{"test_withdrawl_shouldBeSuccessful: 100 in, 60 out in the same hour: allowed, inactive below 1000e18; at 10h the 40 net moves into the baseline",
			nil, []op{{hours(1), "in", "100e18", ""}, {hours(1), "out", "60e18", "allowed inactive false"}, {hours(10), "in", "10e18", ""}},
			"40000000000000000000", "10000000000000000000"},
		{"test_breach: 1,000,000 in at 1h; 300,001 out at 5h leaves 699,999 < 700,000: locked and rate limited; 10,000 more at 6h locked",
			nil, []op{{hours(1), "in", "1000000e18", ""}, {hours(5), "out", "300001e18", "locked breached true"},
				{hours(6), "out", "10000e18", "locked breached true"}},
			"1000000000000000000000000", "-310001000000000000000000"},
		{"boundary (ours, from test_breach): 300,000 out leaves exactly 700,000: `futureLiq < minLiq` is false, allowed",
			nil, []op{{hours(1), "in", "1000000e18", ""}, {hours(5), "out", "300000e18", "allowed ok false"}},
			"1000000000000000000000000", "-300000000000000000000000"},
		{"test_breach, false alarm: override, then outflows are allowed through the grace period (lastRateLimit + 4h = 9h, inclusive)",
			nil, []op{{hours(1), "in", "1000000e18", ""}, {hours(5), "out", "300001e18", "locked breached true"},
				{hours(6), "override", "", ""}, {hours(8.5), "out", "1e18", "allowed breached false"}},
			"1000000000000000000000000", "-300002000000000000000000"},
		{"isInGracePeriod is inclusive (block.timestamp <= gracePeriodEndTimestamp): a breach at the end is allowed, one second later it rate limits",
			nil, []op{{hours(1), "in", "1000000e18", ""}, {hours(2), "grace", "7", ""}, {hours(7), "out", "300001e18", "allowed breached false"},
				{hours(7).Add(time.Second), "out", "1", "locked breached true"}},
			"1000000000000000000000000", "-300001000000000000000001"},
		{"test_breachAndLimitExpired: overrideExpiredRateLimit reverts before 3 days, succeeds at exactly 3 days (`<` cooldown reverts)",
			nil, []op{{hours(1), "in", "1000000e18", ""}, {hours(5), "out", "300001e18", "locked breached true"},
				{hours(5 + 72).Add(-time.Second), "expired", "", "err"}, {hours(5 + 72), "expired", "", ""}, {hours(5 + 72), "status", "", "ok false"}},
			"699999000000000000000000", "0"},
		{"test_clearBacklog_shouldBeSuccessful: 1 in at 1h..5h; at 6.5h the 1h and 2h buckets are in the baseline",
			func(s *OutflowSettings) { s.LimitBeginThreshold = decimal.Zero },
			[]op{{hours(1), "in", "1", ""}, {hours(2), "in", "1", ""}, {hours(3), "in", "1", ""}, {hours(4), "in", "1", ""}, {hours(5), "in", "1", ""},
				{hours(6.5), "status", "", "ok false"}},
			"2", "3"},
		{"bucket expiry: now − tick ≥ withdrawalPeriod (LimiterLib.sync) — a bucket at 1h leaves at exactly 5h",
			func(s *OutflowSettings) { s.LimitBeginThreshold = decimal.Zero },
			[]op{{hours(1), "in", "1000", ""}, {hours(5).Add(-time.Nanosecond), "status", "", "ok false"}, {hours(5), "status", "", "ok false"}},
			"1000", "0"},
		{"minLiq truncates toward zero (int256 division): baseline 1, 7000 bps → minLiq 0; withdrawing 1 leaves 0, not < 0",
			func(s *OutflowSettings) { s.LimitBeginThreshold = decimal.Zero },
			[]op{{hours(1), "in", "1", ""}, {hours(5), "out", "1", "allowed ok false"}},
			"1", "-1"},
		{"limitBeginThreshold > liqTotal: inactive, a full drain is allowed",
			nil, []op{{hours(1), "in", "999e18", ""}, {hours(5), "out", "999e18", "allowed inactive false"}},
			"999000000000000000000", "-999000000000000000000"},
		{"threshold equal to the baseline enforces (limitBeginThreshold > currentLiq is false)",
			func(s *OutflowSettings) { s.LimitBeginThreshold = testkit.D("1000") },
			[]op{{hours(1), "in", "1000", ""}, {hours(5), "out", "301", "locked breached true"}},
			"1000", "-301"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := erc7265Settings()
			if tc.mod != nil {
				tc.mod(&s)
			}
			l, err := NewOutflowLimiter(s)
			if err != nil {
				t.Fatal(err)
			}
			for i, o := range tc.ops {
				var got string
				switch o.kind {
				case "in":
					_, err = l.Inflow(o.at, testkit.D(o.amount))
				case "out":
					var d OutflowDecision
					d, err = l.Outflow(o.at, testkit.D(o.amount))
					verdict := "locked"
					if d.Allowed {
						verdict = "allowed"
					}
					got = fmt.Sprintf("%s %s %v", verdict, d.Status, d.RateLimited)
				case "override":
					_, err = l.Override(o.at, "admin")
				case "grace":
					var h float64
					fmt.Sscan(o.amount, &h)
					_, err = l.StartGrace(o.at, hours(h), "admin")
				case "expired":
					_, err = l.OverrideExpired(o.at)
				case "status":
					var st LimitStatus
					var lim bool
					st, lim, err = l.Status(o.at)
					got = fmt.Sprintf("%s %v", st, lim)
				}
				if err != nil {
					got = "err"
				}
				if got != o.want {
					t.Fatalf("op %d %s %s: got %q, want %q (err %v)", i, o.kind, o.amount, got, o.want, err)
				}
			}
			snap := l.Snapshot()
			if snap.LiqTotal.String() != tc.wantTotal || snap.LiqInPeriod.String() != tc.wantInPer {
				t.Fatalf("liqTotal %s liqInPeriod %s, want %s %s", snap.LiqTotal, snap.LiqInPeriod, tc.wantTotal, tc.wantInPer)
			}
		})
	}
}

// TestOutflowSameTick: test_depositsAndWithdrawlsInSameTickLength — changes
// within one 5-minute tick share a bucket (10 + 10 − 1 = 19 at 1 day);
// the next tick's −1 gets its own bucket at 1 day + 5 minutes.
func TestOutflowSameTick(t *testing.T) {
	l, _ := NewOutflowLimiter(erc7265Settings())
	day := hours(24)
	_, _ = l.Inflow(day, testkit.D("10e18"))
	_, _ = l.Inflow(day.Add(time.Minute), testkit.D("10e18"))
	_, _ = l.Outflow(day.Add(time.Minute), testkit.D("1e18"))
	_, _ = l.Outflow(day.Add(6*time.Minute), testkit.D("1e18"))
	got := fmt.Sprint(l.Snapshot().Nodes)
	want := fmt.Sprint([]LiquidityBucket{{Tick: day, Amount: testkit.D("19e18")}, {Tick: day.Add(5 * time.Minute), Amount: testkit.D("-1e18")}})
	if got != want {
		t.Fatalf("buckets %s, want %s", got, want)
	}
}

// TestOutflowProperty: on random flows, liqTotal + liqInPeriod is the sum
// of every recorded change (nothing lost when buckets expire), an outflow
// is allowed only when not rate limited, and snapshot → restore → continue
// equals continuing.
func TestOutflowProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := OutflowSettings{MinLiqRetainedBps: int64(rapid.IntRange(1, 10000).Draw(t, "bps")),
			WithdrawalPeriod: time.Duration(rapid.IntRange(1, 10).Draw(t, "periodH")) * time.Hour,
			TickLength:       time.Duration(rapid.IntRange(1, 60).Draw(t, "tickM")) * time.Minute}
		a, err := NewOutflowLimiter(s)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := NewOutflowLimiter(s)
		now, sum := hours(1), decimal.Zero
		for i := range rapid.IntRange(1, 60).Draw(t, "n") {
			now = now.Add(time.Duration(rapid.IntRange(0, 120).Draw(t, "dtM")) * time.Minute)
			amt := decimal.NewFromInt(int64(rapid.IntRange(1, 1000).Draw(t, "amt")))
			var ra, rb OutflowDecision
			if rapid.Bool().Draw(t, "in") {
				_, _ = a.Inflow(now, amt)
				_, _ = b.Inflow(now, amt)
				sum = sum.Add(amt)
			} else {
				wasLimited := a.Snapshot().RateLimited
				ra, _ = a.Outflow(now, amt)
				rb, _ = b.Outflow(now, amt)
				sum = sum.Sub(amt)
				if ra.Allowed && (wasLimited || ra.RateLimited) {
					t.Fatalf("step %d: outflow allowed while rate limited", i)
				}
				if ra.Allowed != rb.Allowed {
					t.Fatalf("step %d: restored limiter decided differently", i)
				}
			}
			if a.Snapshot().RateLimited && rapid.IntRange(0, 5).Draw(t, "override") == 0 {
				_, _ = a.Override(now, "ops")
				_, _ = b.Override(now, "ops")
			}
			if err := a.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			sa := a.Snapshot()
			if !sa.LiqTotal.Add(sa.LiqInPeriod).Equal(sum) {
				t.Fatalf("step %d: liqTotal %s + liqInPeriod %s ≠ Σ changes %s", i, sa.LiqTotal, sa.LiqInPeriod, sum)
			}
			if i%4 == 1 {
				r, err := RestoreOutflowLimiter(s, viaJSON(t, b.Snapshot()))
				if err != nil {
					t.Fatal(err)
				}
				b = r
			}
			if x, y := fmt.Sprint(viaJSON(t, sa)), fmt.Sprint(viaJSON(t, b.Snapshot())); x != y {
				t.Fatalf("step %d: diverged\n%s\n%s", i, x, y)
			}
		}
	})
}

// TestHuntOutflow: bad settings, amounts, times, operator calls and
// snapshots are refused within 100 ms and change nothing.
func TestHuntOutflow(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    OutflowSettings
	}{
		{"bps above 10000 (LimiterLib.init reverts)", OutflowSettings{MinLiqRetainedBps: 10001}},
		{"bps negative", OutflowSettings{MinLiqRetainedBps: -1}},
		{"threshold fractional", OutflowSettings{LimitBeginThreshold: testkit.D("0.5")}},
		{"threshold absurd", OutflowSettings{LimitBeginThreshold: hugeExp}},
		{"threshold negative", OutflowSettings{LimitBeginThreshold: negative}},
		{"negative period", OutflowSettings{WithdrawalPeriod: -time.Hour}},
		{"tick longer than the period", OutflowSettings{WithdrawalPeriod: time.Minute, TickLength: time.Hour}},
		{"negative cooldown", OutflowSettings{CooldownPeriod: -1}},
	} {
		err := fast(t, tc.name, func() error { _, err := NewOutflowLimiter(tc.s); return err })
		if !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		onePrefix(t, tc.name, err)
	}
	s := erc7265Settings()
	l, _ := NewOutflowLimiter(s)
	_, _ = l.Inflow(hours(1), testkit.D("1000000e18"))
	_, _ = l.Outflow(hours(2), testkit.D("1e18"))
	snap := func() string { return jsonOf(t, l.Snapshot()) }
	var calls []badCall
	bads := append(badPrices[:len(badPrices):len(badPrices)], struct {
		name string
		d    decimal.Decimal
	}{"fractional", testkit.D("1.5")})
	for _, p := range bads {
		calls = append(calls,
			badCall{"Inflow " + p.name, ErrInvalidInput, func() error { _, err := l.Inflow(hours(3), p.d); return err }},
			badCall{"Outflow " + p.name, ErrInvalidInput, func() error { _, err := l.Outflow(hours(3), p.d); return err }})
	}
	calls = append(calls,
		badCall{"Outflow back in time", ErrTimeWentBack, func() error { _, err := l.Outflow(hours(1), testkit.D("1")); return err }},
		badCall{"Inflow before 1970", ErrInvalidInput, func() error { _, err := l.Inflow(time.Unix(-1, 0), testkit.D("1")); return err }},
		badCall{"Inflow after 2262", ErrInvalidInput, func() error {
			_, err := l.Inflow(time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC), testkit.D("1"))
			return err
		}},
		badCall{"Status back in time", ErrTimeWentBack, func() error { _, _, err := l.Status(hours(1)); return err }},
		badCall{"Override when not limited", ErrInvalidInput, func() error { _, err := l.Override(hours(3), "ops"); return err }},
		badCall{"OverrideExpired when not limited", ErrInvalidInput, func() error { _, err := l.OverrideExpired(hours(3)); return err }},
		badCall{"StartGrace ending now", ErrInvalidInput, func() error { _, err := l.StartGrace(hours(3), hours(3), "ops"); return err }},
		badCall{"StartGrace back in time", ErrTimeWentBack, func() error { _, err := l.StartGrace(hours(1), hours(9), "ops"); return err }})
	runBad(t, snap, calls)

	good := l.Snapshot()
	if _, err := RestoreOutflowLimiter(s, viaJSON(t, good)); err != nil {
		t.Fatalf("own snapshot: %v", err)
	}
	for _, tc := range []struct {
		name string
		mod  func(*OutflowSnapshot)
	}{
		{"total absurd", func(x *OutflowSnapshot) { x.LiqTotal = hugeExp }},
		{"total fractional", func(x *OutflowSnapshot) { x.LiqTotal = testkit.D("0.5") }},
		{"in-period not the bucket sum", func(x *OutflowSnapshot) { x.LiqInPeriod = x.LiqInPeriod.Add(decimal.NewFromInt(1)) }},
		{"bucket off the tick grid", func(x *OutflowSnapshot) { x.Nodes[0].Tick = x.Nodes[0].Tick.Add(time.Second) }},
		{"bucket after the last call", func(x *OutflowSnapshot) { x.Nodes[0].Tick = x.Last.Add(time.Hour) }},
		{"bucket older than the period", func(x *OutflowSnapshot) { x.Nodes[0].Tick = x.Last.Add(-5 * time.Hour) }},
		{"bucket amount absurd", func(x *OutflowSnapshot) { x.Nodes[0].Amount = minExp }},
		{"limited without a trigger time", func(x *OutflowSnapshot) { x.RateLimited = true }},
		{"unseen with state", func(x *OutflowSnapshot) { x.Seen = false }},
		{"last before 1970", func(x *OutflowSnapshot) { x.Last = time.Unix(-10, 0) }},
	} {
		bad := viaJSON(t, good)
		tc.mod(&bad)
		err := fast(t, tc.name, func() error { _, err := RestoreOutflowLimiter(s, bad); return err })
		if !errors.Is(err, ErrInvalidSnapshot) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
		onePrefix(t, tc.name, err)
	}
}

// FuzzOutflow drives a limiter with fuzzed settings, amounts and time
// steps: never a panic, every call within a second, refusals change
// nothing, conservation holds and the limiter's own snapshot restores.
func FuzzOutflow(f *testing.F) {
	f.Add(int64(7000), int64(4*time.Hour), int64(5*time.Minute), []byte{0, 1, 2, 3, 4, 5}, "300001")
	f.Add(int64(10001), int64(-1), int64(0), []byte{255}, "1e9999")
	f.Add(int64(1), int64(1), int64(1), []byte{7, 7, 7, 7, 9}, "1")
	f.Fuzz(func(t *testing.T, bps, period, tick int64, ops []byte, amount string) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		s := OutflowSettings{MinLiqRetainedBps: bps, WithdrawalPeriod: time.Duration(period), TickLength: time.Duration(tick)}
		var l *OutflowLimiter
		if err := within(t, "New", func() error { var err error; l, err = NewOutflowLimiter(s); return err }); err != nil {
			return
		}
		amt := parseOr(amount, decimal.NewFromInt(1))
		now, sum := hours(1), decimal.Zero
		for i, op := range ops {
			now = now.Add(time.Duration(op) * time.Minute)
			before := jsonOf(t, l.Snapshot())
			var err error
			switch op % 4 {
			case 0:
				err = within(t, "Inflow", func() error { _, err := l.Inflow(now, amt); return err })
				if err == nil {
					sum = sum.Add(amt)
				}
			case 1:
				err = within(t, "Outflow", func() error { _, err := l.Outflow(now, amt); return err })
				if err == nil {
					sum = sum.Sub(amt)
				}
			case 2:
				err = within(t, "Override", func() error { _, err := l.Override(now, "ops"); return err })
			case 3:
				err = within(t, "OverrideExpired", func() error { _, err := l.OverrideExpired(now); return err })
			}
			if err != nil && jsonOf(t, l.Snapshot()) != before {
				t.Fatalf("op %d: refused call changed the limiter", i)
			}
			if err := l.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			sn := l.Snapshot()
			if !sn.LiqTotal.Add(sn.LiqInPeriod).Equal(sum) {
				t.Fatalf("op %d: conservation broken", i)
			}
		}
		if _, err := RestoreOutflowLimiter(s, viaJSON(t, l.Snapshot())); err != nil {
			t.Fatalf("own snapshot refused: %v", err)
		}
	})
}

// BenchmarkOutflow: one outflow per second against a 4-hour window of
// 5-minute buckets (the reference tests' parameters), inflows keeping the
// baseline up.
func BenchmarkOutflow(b *testing.B) {
	l, _ := NewOutflowLimiter(OutflowSettings{})
	now := hours(1)
	_, _ = l.Inflow(now, testkit.D("1000000000"))
	one := testkit.D("1")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now = now.Add(time.Second)
		if _, err := l.Outflow(now, one); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 0 {
			_, _ = l.Inflow(now, testkit.D("1000"))
		}
	}
}

// TestAdaptiveEventsLogValue: the liquidity and anomaly fields of the one
// Event shape reach log/slog as groups of decimal strings.
func TestAdaptiveEventsLogValue(t *testing.T) {
	e := Event{Time: t0, Kind: EventRateLimited, Subject: "USDC",
		Liquidity: &Liquidity{Total: testkit.D("1000000"), InPeriod: testkit.D("-300001")},
		Anomaly:   &AnomalyLevels{Baseline: testkit.D("1000"), Scale: testkit.D("1"), Lower: testkit.D("996"), Upper: testkit.D("1004")}}
	got := e.LogValue().String()
	for _, want := range []string{"liquidity=[total=1000000 in_period=-300001]", "anomaly=[baseline=1000 scale=1 lower=996 upper=1004]"} {
		if !strings.Contains(got, want) {
			t.Errorf("LogValue %s lacks %s", got, want)
		}
	}
}

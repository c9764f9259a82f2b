package margin_test

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/margin"
)

// A clearing-house margin call: the member's equity falls below
// maintenance, the call is issued with a one-hour deadline, a stale price
// feed pauses the clock, the deadline passes unmet and the account turns
// reduce-only; a deposit then cures it, one state at a time. An interval
// between two updates counts toward the deadline when the prices were
// fresh at its start.
func ExampleCalls() {
	calls, err := margin.NewCalls(margin.ClearingHouseCalls(time.Hour, 4*time.Hour))
	if err != nil {
		panic(err)
	}
	t := time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC)
	risk := func(equity, maintenance string) margin.AccountRisk {
		return margin.AccountRisk{Equity: dec(equity), Maintenance: dec(maintenance)}
	}
	steps := []struct {
		after      time.Duration
		equity, mm string
		stale      bool
	}{
		{0, "10000", "9500", false},                // ratio 0.95: warning
		{5 * time.Minute, "9000", "9500", false},   // below maintenance: the call
		{35 * time.Minute, "9000", "9500", false},  // 30 fresh minutes used
		{50 * time.Minute, "9000", "9500", true},   // the feed went stale: 15 more fresh minutes counted
		{60 * time.Minute, "9000", "9500", false},  // fresh again; the 10 stale minutes did not count
		{75 * time.Minute, "9000", "9500", false},  // an hour of fresh time: unmet
		{80 * time.Minute, "20000", "9500", false}, // deposit: cured
	}
	for _, s := range steps {
		st, evs, err := calls.Update(t.Add(s.after), "member-7", risk(s.equity, s.mm), s.stale)
		if err != nil {
			panic(err)
		}
		for _, e := range evs {
			fmt.Println(e)
		}
		fmt.Printf("  %s: %s, reduce-only %v, grace left %v\n", t.Add(s.after).Format("15:04"), st.State, calls.ReduceOnly("member-7"), st.GraceLeft)
	}
	// Output:
	// 2026-12-02T14:00:00Z call-state member-7 ok→warning: margin ratio over 0.9
	//   14:00: warning, reduce-only false, grace left 0s
	// 2026-12-02T14:05:00Z call-state member-7 warning→margin-call: margin ratio over 1 (deadline 2026-12-02T15:05:00Z)
	//   14:05: margin-call, reduce-only false, grace left 1h0m0s
	//   14:35: margin-call, reduce-only false, grace left 30m0s
	//   14:50: margin-call, reduce-only false, grace left 15m0s
	//   15:00: margin-call, reduce-only false, grace left 15m0s
	// 2026-12-02T15:15:00Z call-state member-7 margin-call→reduce-only: deadline passed: margin-call unmet for 1h0m0s (deadline 2026-12-02T19:15:00Z)
	//   15:15: reduce-only, reduce-only true, grace left 4h0m0s
	// 2026-12-02T15:20:00Z call-state member-7 reduce-only→margin-call: margin ratio at or below 0.95
	// 2026-12-02T15:20:00Z call-state member-7 margin-call→warning: margin ratio at or below 0.95
	// 2026-12-02T15:20:00Z call-state member-7 warning→ok: margin ratio at or below 0.85
	//   15:20: ok, reduce-only false, grace left 0s
}

package breaker

import (
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// A refused check never says allow: before, every error path returned the
// zero Decision, whose Action was Allow, so a host that read Allowed()
// before the error traded on a halted market (independent review of issue
// 10). The zero Action is now Refused.
func TestRefusedCheckIsNeverAllowed(t *testing.T) {
	m := mustMarket(t, MarketSettings{ID: "BTC", Reference: testkit.D("100")})
	if err := errOf(m.Halt(t0, "ops", "incident", "alice", time.Time{})); err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() (Decision, error){
		"time before the last call": func() (Decision, error) { return m.Check(t0.Add(-time.Millisecond), testkit.D("100")) },
		"price below one tick":      func() (Decision, error) { return m.Observe(t0, testkit.D("0.001")) },
		"status back in time":       func() (Decision, error) { return m.Status(t0.Add(-time.Second)) },
	} {
		d, err := call()
		if err == nil {
			t.Fatalf("%s: no error", name)
		}
		if d.Allowed() || d.Action != Refused {
			t.Errorf("%s: decision %s with error %v; want refused", name, d.Action, err)
		}
	}
	var zero Decision
	if zero.Allowed() {
		t.Error("the zero Decision allows")
	}
}

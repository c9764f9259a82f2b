package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

func TestRunIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := run(&a, 1); err != nil {
		t.Fatal(err)
	}
	if err := run(&b, 1); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatal("two runs with the same seed printed different output")
	}
}

func TestScenarioOutcomes(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		steps, err := simulate(seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		at := func(n int) stepReport { return steps[n-1] }
		check := func(n int, ok bool, what string) {
			t.Helper()
			if !ok {
				t.Fatalf("seed %d step %d: %s\n%+v", seed, n, what, at(n).Update)
			}
		}
		// Step 3: alpha's 30% spike is dropped as an outlier; the feed stays live.
		check(3, at(3).Update.Tiers[0].Result.RejectedFor("alpha") == oracle.ReasonOutlier, "alpha not an outlier")
		check(3, at(3).Update.Status == oracle.StatusLive, "not live")
		// Step 5: beta is stale and gamma fails: the primary loses quorum,
		// the fallback tier serves.
		check(5, at(5).Update.Tiers[0].Result.RejectedFor("beta") == oracle.ReasonStale, "beta not stale")
		check(5, errors.Is(at(5).Update.Tiers[0].Err, oracle.ErrNoQuorum), "primary did not lose quorum")
		check(5, at(5).Update.Status == oracle.StatusFallback && at(5).Update.Active == "any-single", "not on fallback")
		// Step 7: gamma's third consecutive failure opens its breaker; from
		// step 8 the collector refuses the call without reaching it.
		check(7, at(7).Health[2].State == oracle.BreakerOpen, "gamma breaker not open")
		check(6, at(6).Health[2].State == oracle.BreakerClosed, "gamma breaker opened early")
		for n := 8; n <= 12; n++ {
			check(n, len(at(n).Fetched.Errors) == 1 && oracle.IsBreakerOpen(at(n).Fetched.Errors[0].Err), "gamma call not refused")
		}
		// Steps 8-11: alpha spikes alone; the jump limit refuses it and the
		// last good price is kept, then read as stale once 3 minutes old.
		last := at(7).Read
		for n := 8; n <= 11; n++ {
			check(n, !at(n).Update.Accepted && errors.Is(at(n).Update.Tiers[1].Err, oracle.ErrJump), "spike not refused")
			check(n, at(n).Update.Status == oracle.StatusStale, "not stale")
		}
		for n := 8; n <= 10; n++ {
			check(n, at(n).ReadErr == nil && at(n).Read.Equal(last), "last good price not served")
		}
		check(11, at(11).ReadErr == oracle.ErrStale, "a price older than 3 minutes was served")
		// Step 12: two fresh agreeing sources re-anchor the primary.
		check(12, at(12).Update.Status == oracle.StatusLive && at(12).Update.Active == "median-of-3", "primary not back")
		reanchored := false
		for _, e := range at(12).Update.Events {
			reanchored = reanchored || e.Kind == oracle.EventReanchor
		}
		check(12, reanchored, "no re-anchor event")
		// Never a spiked price: every served price within 5% of 2000.
		for _, s := range steps {
			if s.ReadErr == nil {
				dev := s.Read.Sub(decimal.NewFromInt(2000)).Abs()
				check(s.Step, dev.LessThan(decimal.NewFromInt(100)), "served a spiked price "+s.Read.String())
			}
		}
	}
}

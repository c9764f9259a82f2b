package main

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/breaker"
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
		// Never a spiked price: every served price within 5% of 2000 until
		// the volatile stretch, and never near the +30% spikes after it
		// (the stretch's 8% drop is a real price, agreed by two sources).
		for _, s := range steps {
			if s.ReadErr == nil {
				dev := s.Read.Sub(decimal.NewFromInt(2000)).Abs()
				check(s.Step, dev.LessThan(decimal.NewFromInt(100)) || s.Step >= volatileFrom && dev.LessThan(decimal.NewFromInt(200)),
					"served a spiked price "+s.Read.String())
			}
		}
	}
}

// Part 2: the L2 sequencer goes down at step 14 and is back at step 17;
// every price is refused while it is down and through the grace period
// (including 12:20, exactly 3 minutes after it came back: Aave wants more),
// although the feed itself is live; from step 21 prices are used again.
func TestSequencerOutage(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		steps, err := simulate(seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		for _, s := range steps {
			want := error(nil)
			switch {
			case s.Step >= seqDownStep && s.Step < seqUpStep:
				want = oracle.ErrSequencerDown
			case s.Step >= seqUpStep && s.Step < seqUpStep+int(gracePeriod/time.Minute)+1:
				want = oracle.ErrGracePeriod
			}
			if want == nil && s.GateErr != nil || want != nil && !errors.Is(s.GateErr, want) {
				t.Fatalf("seed %d step %d: gate %v, want %v", seed, s.Step, s.GateErr, want)
			}
			if want != nil {
				if s.ReadErr != nil || s.Update.Status != oracle.StatusLive {
					t.Errorf("seed %d step %d: the feed should be live during the outage: %v %s", seed, s.Step, s.ReadErr, s.Update.Status)
				}
				if s.Band.Fed {
					t.Errorf("seed %d step %d: a refused price reached the band", seed, s.Step)
				}
			}
		}
		transitions := func(n int) []string {
			var out []string
			for _, e := range steps[n-1].SeqEvents {
				out = append(out, e.From+"->"+e.To)
			}
			return out
		}
		for n, want := range map[int][]string{1: {"unknown->up"}, seqDownStep: {"up->down"}, seqUpStep: {"down->grace"}, 21: {"grace->up"}, 20: nil} {
			if got := transitions(n); !cmp.Equal(got, want) {
				t.Errorf("seed %d step %d: sequencer transitions %v, want %v", seed, n, got, want)
			}
		}
		if !steps[20].Band.Fed || !steps[20].Band.Decision.Allowed() {
			t.Errorf("seed %d: step 21's price was not used after the grace period", seed)
		}
	}
}

// Part 3: the volatile stretch raises σ and widens the band at every step;
// the 8% drop is beyond the width in force, refused, and puts the market
// in its limit state, which a minute later is a trading pause.
func TestVolatilityBand(t *testing.T) {
	for seed := int64(1); seed <= 5; seed++ {
		steps, err := simulate(seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		at := func(n int) band { return steps[n-1].Band }
		// Quiet: the band narrows from its warm-up width of 2%.
		if w := at(2).Vol.Width; !w.LessThan(decimal.RequireFromString("0.02")) {
			t.Errorf("seed %d: quiet width %s did not narrow", seed, w)
		}
		for n := volatileFrom + 1; n < crashStep; n++ {
			b := at(n)
			if !b.Fed || !b.Decision.Allowed() || !b.Vol.Width.GreaterThan(b.VolIn.Width) || !b.Vol.Sigma.GreaterThan(b.VolIn.Sigma) {
				t.Fatalf("seed %d step %d: want an allowed price and a wider band: %s, σ %s -> %s, width %s -> %s",
					seed, n, b.Decision, b.VolIn.Sigma, b.Vol.Sigma, b.VolIn.Width, b.Vol.Width)
			}
			moved := false
			for _, e := range b.Decision.Events {
				moved = moved || e.Kind == breaker.EventReference && e.Band != nil && e.Band.Upper.Equal(b.Decision.Band.Upper)
			}
			if !moved {
				t.Errorf("seed %d step %d: no reference event for the new width", seed, n)
			}
		}
		c := at(crashStep)
		move, allowed := c.Price.Sub(c.Before.Reference).Abs(), c.VolIn.Width.Mul(c.Before.Reference)
		if !move.GreaterThan(allowed) {
			t.Errorf("seed %d: the drop of %s from %s is within the width in force %s", seed, move, c.Before.Reference, c.VolIn.Width)
		}
		if c.Decision.Action != breaker.Reject || c.Decision.Reason != breaker.BelowBand || c.Decision.State != breaker.Limit {
			t.Errorf("seed %d: the drop gave %s, want reject below band in limit", seed, c.Decision)
		}
		if !c.Vol.Width.Equal(c.VolIn.Width) || c.Vol.Returns != c.VolIn.Returns {
			t.Errorf("seed %d: the refused price moved the band: %+v -> %+v", seed, c.VolIn, c.Vol)
		}
		p := at(crashStep + 1).Decision
		if p.Action != breaker.HaltedAction || p.Cause != breaker.CauseLimitPause || p.State != breaker.Paused {
			t.Errorf("seed %d: after the limit state: %s, want paused by %s", seed, p, breaker.CauseLimitPause)
		}
	}
}

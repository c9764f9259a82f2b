package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/oracle"
)

// report prints the steps for a human: what each source returned, what each
// tier decided and why, and what a consumer reading the feed got.
func report(w io.Writer, steps []stepReport) error {
	var b strings.Builder
	fmt.Fprintln(&b, "oracle-failover: three sources, a two-tier feed (median of 3 needing 2, then any single source),")
	fmt.Fprintln(&b, "10% jump limit, prices served while younger than 3 minutes; breakers open after 3 consecutive failures.")
	for _, s := range steps {
		fmt.Fprintf(&b, "\n%s  step %d\n", s.Now.Format("15:04"), s.Step)
		for _, q := range s.Fetched.Quotes {
			age := s.Now.Sub(q.Time)
			fmt.Fprintf(&b, "  fetch   %-6s %s (observed %s ago)\n", q.Source, q.Price.StringFixed(2), age)
		}
		for _, e := range s.Fetched.Errors {
			kind := "error"
			if oracle.IsBreakerOpen(e.Err) {
				kind = "refused"
			}
			fmt.Fprintf(&b, "  fetch   %-6s %s: %v\n", e.Source, kind, e.Err)
		}
		for _, t := range s.Update.Tiers {
			for _, r := range t.Result.Rejected {
				detail := r.Detail
				if r.Reason == oracle.ReasonOutlier {
					detail = fmt.Sprintf("%s is more than 5%% away from the median %s", r.Quote.Price.StringFixed(2), t.Result.Reference.StringFixed(2))
				}
				fmt.Fprintf(&b, "  tier    %-12s drops %s: %s (%s)\n", t.Tier, r.Quote.Source, r.Reason, detail)
			}
			if t.Err != nil {
				fmt.Fprintf(&b, "  tier    %-12s fails: %s\n", t.Tier, tierFailure(t))
			} else {
				fmt.Fprintf(&b, "  tier    %-12s gives %s from %s\n", t.Tier, t.Result.Price.StringFixed(2), sources(t.Result.Used))
			}
		}
		for _, e := range s.Update.Events {
			line := e.String() // "time kind fields...": the step already shows the time
			fmt.Fprintf(&b, "  feed    %s\n", line[strings.IndexByte(line, ' ')+1:])
		}
		if s.ReadErr != nil {
			fmt.Fprintf(&b, "  read    Price(now) fails: %v\n", s.ReadErr)
		} else {
			fmt.Fprintf(&b, "  read    Price(now) = %s  [%s, tier %s]\n", s.Read.StringFixed(2), s.Update.Status, s.Update.Active)
		}
		for _, h := range s.Health {
			if h.State != oracle.BreakerClosed {
				fmt.Fprintf(&b, "  health  %s breaker %s: calls are refused without reaching the source\n", h.Source, h.State)
			} else if h.ConsecutiveFailures > 0 {
				fmt.Fprintf(&b, "  health  %s breaker closed, %d of %d consecutive failures\n", h.Source, h.ConsecutiveFailures, failureThreshold)
			}
		}
	}
	fmt.Fprintln(&b, "\ndone: the feed never served a spiked price or one older than 3 minutes.")
	_, err := io.WriteString(w, b.String())
	return err
}

// tierFailure says why a tier failed. A missed quorum is told from the
// outcome's numbers (the quotes left, the tier's minimum), so that one
// quote reads as "1 usable quote"; anything else is the library's error.
func tierFailure(t oracle.TierOutcome) string {
	if errors.Is(t.Err, oracle.ErrNoQuorum) {
		for _, tier := range feedSettings().Tiers {
			if tier.Name == t.Tier {
				return fmt.Sprintf("below quorum: %s, need %d", cli.Plural(len(t.Result.Used), "usable quote"), tier.Aggregation.MinSources)
			}
		}
	}
	return t.Err.Error()
}

func sources(qs []oracle.Quote) string {
	names := make([]string, len(qs))
	for i, q := range qs {
		names[i] = q.Source
	}
	return strings.Join(names, ", ")
}

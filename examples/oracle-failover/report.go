package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/oracle"
)

// report prints the steps for a human: what each source returned, what each
// tier decided and why, and what a consumer reading the feed got.
func report(w io.Writer, steps []stepReport) error {
	var b strings.Builder
	fmt.Fprintln(&b, "oracle-failover: three sources, a two-tier feed (median of 3 needing 2, then any single source),")
	fmt.Fprintln(&b, "10% jump limit, prices served while younger than 3 minutes; breakers open after 3 consecutive failures.")
	fmt.Fprintln(&b, "The feed is read on an L2 (arbitrum): a price is used only while the sequencer-uptime feed says up and")
	fmt.Fprintf(&b, "has been for more than a %s grace period (Aave's PriceOracleSentinel; Chainlink's example uses an\n", minutes(gracePeriod))
	fmt.Fprintln(&b, "hour). Each new price used passes a volatility band: width 4 × σ of one-minute returns (an EWMA; σ")
	fmt.Fprintln(&b, "starts at 0.5%), kept between 1% and 10% of the reference.")
	for _, s := range steps {
		if h, ok := parts[s.Step]; ok {
			fmt.Fprintf(&b, "\n== %s\n", h)
		}
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
		gate(&b, s)
		bandLines(&b, s.Band)
	}
	fmt.Fprintln(&b, "\ndone: the feed never served a spiked price or one older than 3 minutes; no price was used while")
	fmt.Fprintln(&b, "the sequencer was down or in its grace period; the band widened with volatility and still stopped the 8% drop.")
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

// parts are the headings printed before a step.
var parts = map[int]string{
	1:  "part 1: sources fail; the feed falls back, refuses a spike and goes stale",
	13: "part 2: the L2 sequencer goes down for 3 minutes; the feed's price stays fine",
	volatileFrom: "part 3: the market turns volatile; the band widens with σ, then an 8% drop goes past its edge\n" +
		"   (LULD's rules: a price beyond the band is refused and the market enters its limit state; a limit\n" +
		"   state that lasts 15 seconds becomes a 5-minute pause)",
}

// gate prints the sequencer-uptime feed's round when it changes, the gate's
// transitions and, when it refuses, why the price is not used.
func gate(b *strings.Builder, s stepReport) {
	if s.NewUptime {
		status := "up"
		if s.Uptime.Answer != 0 {
			status = "down"
		}
		fmt.Fprintf(b, "  uptime  sequencer feed: answer %d (%s) since %s\n", s.Uptime.Answer, status, s.Uptime.StartedAt.Format("15:04"))
	}
	for _, e := range s.SeqEvents {
		fmt.Fprintf(b, "  gate    sequencer %s: %s -> %s\n", e.Subject, e.From, e.To)
	}
	changed := len(s.SeqEvents) > 0
	switch {
	case errors.Is(s.GateErr, oracle.ErrSequencerDown):
		fmt.Fprintf(b, "  use     refused: %v\n", s.GateErr)
		if changed {
			fmt.Fprintln(b, "          (the price itself is fresh, but while the sequencer is down users cannot send transactions")
			fmt.Fprintln(b, "          to add collateral or repay, so a lender must not liquidate or lend at it)")
		}
	case errors.Is(s.GateErr, oracle.ErrGracePeriod):
		up := s.Now.Sub(s.Uptime.StartedAt)
		fmt.Fprintf(b, "  use     refused: %v (up %s ago)\n", s.GateErr, up)
		if changed {
			fmt.Fprintf(b, "          (back up, but users get the grace period to repair positions first: prices are used\n")
			fmt.Fprintf(b, "          only when it has been up for more than %s)\n", gracePeriod)
		}
		if up == gracePeriod {
			fmt.Fprintf(b, "          (exactly %s: not yet more than the grace period, so still refused)\n", gracePeriod)
		}
	}
}

// bandLines prints what the volatility band did: the price against the
// band in force, σ and the width before and after, and the market's events.
func bandLines(b *strings.Builder, v band) {
	if !v.Fed {
		fmt.Fprintf(b, "  band    not fed (%s); σ %s, width %s\n", v.Why, pct(v.Vol.Sigma, 3), pct(v.Vol.Width, 2))
		return
	}
	d := v.Decision
	switch {
	case v.Before.Reference.IsZero():
		fmt.Fprintf(b, "  band    first price %s becomes the reference: %s\n", v.Decision.Band.Reference.StringFixed(2), span(d.Band, v.VolIn.Width))
	case d.Action == breaker.HaltedAction:
		fmt.Fprintf(b, "  band    %s refused: market %s (%s until %s)\n", v.Price.StringFixed(2), d.State, d.Cause, d.Until.Format("15:04:05"))
	case d.Allowed():
		fmt.Fprintf(b, "  band    %s %s %s: used, market %s\n", v.Price.StringFixed(2), d.Reason, span(v.Before, v.VolIn.Width), d.State)
	default:
		fmt.Fprintf(b, "  band    %s %s %s: refused, market %s\n", v.Price.StringFixed(2), d.Reason, span(v.Before, v.VolIn.Width), d.State)
		ref := v.Before.Reference
		move := v.Price.Sub(ref).Abs().DivRound(ref, 6) // for display only
		fmt.Fprintf(b, "          (%s from the reference, more than the %s width in force)\n", pct(move, 2), pct(v.VolIn.Width, 2))
	}
	switch {
	case v.Vol.Returns == v.VolIn.Returns && !d.Allowed():
		fmt.Fprintf(b, "  band    σ %s a minute, width %s (a refused price is not learned)\n", pct(v.Vol.Sigma, 3), pct(v.Vol.Width, 2))
	case v.Vol.Returns == v.VolIn.Returns:
		fmt.Fprintf(b, "  band    σ %s a minute, width %s (no return learned yet)\n", pct(v.Vol.Sigma, 3), pct(v.Vol.Width, 2))
	default:
		fmt.Fprintf(b, "  band    σ %s -> %s a minute, so width %s -> %s\n", pct(v.VolIn.Sigma, 3), pct(v.Vol.Sigma, 3), pct(v.VolIn.Width, 2), pct(v.Vol.Width, 2))
	}
	if !v.Vol.Width.Equal(v.Vol.Target) {
		fmt.Fprintf(b, "  band    σ implies %s, but the band holds while the market is in limit\n", pct(v.Vol.Target, 2))
	}
	ref := v.Before.Reference
	for _, e := range d.Events {
		switch {
		case e.Kind == breaker.EventReference && e.Band != nil && e.Band.Reference.Equal(ref):
			fmt.Fprintf(b, "  band    now %s (new width)\n", edges(*e.Band))
		case e.Kind == breaker.EventReference && e.Band != nil:
			fmt.Fprintf(b, "  band    now %s: %s\n", edges(*e.Band), e.Reason)
			ref = e.Band.Reference
		default:
			line := e.String()
			fmt.Fprintf(b, "  band    %s\n", line[strings.IndexByte(line, ' ')+1:])
		}
	}
}

// span is a band with the width it was computed from.
func span(bd breaker.Band, width decimal.Decimal) string {
	return fmt.Sprintf("%s–%s (ref %s ± %s)", bd.Lower.StringFixed(2), bd.Upper.StringFixed(2), bd.Reference.StringFixed(2), pct(width, 2))
}

// edges is a band in cents.
func edges(bd breaker.Band) string {
	return fmt.Sprintf("%s–%s (ref %s)", bd.Lower.StringFixed(2), bd.Upper.StringFixed(2), bd.Reference.StringFixed(2))
}

// pct prints a fraction as a percentage with places decimal places.
func pct(f decimal.Decimal, places int32) string {
	return f.Shift(2).StringFixed(places) + "%"
}

// minutes says a whole number of minutes in words: "3-minute".
func minutes(d time.Duration) string { return fmt.Sprintf("%d-minute", int(d/time.Minute)) }

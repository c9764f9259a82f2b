package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/oracle"
)

// stats are the run's running totals, the numbers of the final table.
type stats struct {
	auctions, direct, takes, redos, claims, deleveraged int
	below                                               int // accounts below maintenance and not yet in auction at the last valued tick
	sold, proceeds, penalties, rewards                  decimal.Decimal
	edge, penaltyDue                                    decimal.Decimal // keepers' hedged profit Σ lot × mark − paid; Σ penalties of the orders
	badDebt, fundDrawn, adlDrawn, socialised, residual  decimal.Decimal
	adlSize                                             decimal.Decimal
	refused                                             map[oracle.Reason]int
	noPrice, held, limits, pauses                       int
	mostWaiting                                         int // most accounts one plan left waiting for cap or throttle room
}

// interval are the totals of the current minute, for the narrative.
type interval struct {
	kicks, takes, claims   int
	waiting                int // accounts the last plan left waiting for cap or throttle room
	sold, proceeds, losses decimal.Decimal
	fund, adl, social, res decimal.Decimal
}

// narrator prints the story: one line per minute, plus a line whenever the
// oracle, the breaker or the waterfall changes what it is doing.
type narrator struct {
	w          io.Writer
	v          *Venue
	start, now time.Time // crash start and current tick
	status     oracle.Status
	state      breaker.MarketState
	refusing   []string // source:reason refused at the previous update
	priceless  bool
	acted      bool // this tick had a fresh mark and the breaker allowed liquidations
	layersUsed map[string]bool
}

// clock renders now relative to the start of the crash.
func (n *narrator) clock() string {
	d := n.now.Sub(n.start)
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	return fmt.Sprintf("t%s%02d:%02d", sign, int(d.Minutes()), int(d.Seconds())%60)
}

// printf writes one narrative line stamped with the clock.
func (n *narrator) printf(format string, args ...any) {
	fmt.Fprintf(n.w, "%s  %s\n", n.clock(), fmt.Sprintf(format, args...))
}

// oracle reports the feed's refusals when they start and its status when it
// changes.
func (n *narrator) oracle(u oracle.FeedUpdate) {
	var now []string
	for _, tier := range u.Tiers {
		for _, r := range tier.Result.Rejected {
			n.v.stats.refused[r.Reason]++
			key := r.Quote.Source + ":" + r.Reason.String()
			now = append(now, key)
			if !contains(n.refusing, key) {
				n.printf("oracle refuses %s at %s: %s (median %s)", r.Quote.Source, money(r.Quote.Price), r.Reason, money(tier.Result.Reference))
			}
		}
	}
	n.refusing = now
	if u.Status != n.status {
		why := ""
		for _, t := range u.Tiers {
			if t.Error != "" {
				why = " — " + n.tierWhy(t)
			}
		}
		n.printf("oracle feed %s → %s, mark %s%s", n.status, u.Status, money(u.Price), why)
		n.status = u.Status
	}
}

// noPrice reports a tick without a fresh mark: nothing acts on it.
func (n *narrator) noPrice(err error) error {
	n.v.stats.noPrice++
	if !n.priceless {
		n.printf("no fresh mark (%v): margin and liquidations wait", err)
	}
	n.priceless = true
	return nil
}

// breaker reports the band's state changes and counts held ticks.
func (n *narrator) breaker(d breaker.Decision) {
	n.priceless, n.acted = false, d.Allowed()
	if d.State != n.state {
		switch d.State {
		case breaker.Limit:
			n.v.stats.limits++
		case breaker.Paused:
			n.v.stats.pauses++
		}
		n.printf("breaker %s → %s (%s, band %s)", n.state, d.State, d.Action, d.Band)
		n.state = d.State
	}
	if !d.Allowed() {
		n.v.stats.held++
	}
}

// note adds a waterfall allocation to the totals and announces the first
// draw on each layer.
func (v *Venue) note(a backstop.Allocation) {
	s, m := &v.stats, &v.minute
	s.badDebt, m.losses, m.claims = s.badDebt.Add(a.Loss), m.losses.Add(a.Loss), m.claims+1
	for _, d := range a.Draws {
		if !d.Drawn.IsPositive() {
			continue
		}
		switch {
		case strings.HasPrefix(d.Layer, "insurance:"):
			s.fundDrawn, m.fund = s.fundDrawn.Add(d.Drawn), m.fund.Add(d.Drawn)
		case d.Layer == "adl":
			s.adlDrawn, m.adl = s.adlDrawn.Add(d.Drawn), m.adl.Add(d.Drawn)
		default:
			s.socialised, m.social = s.socialised.Add(d.Drawn), m.social.Add(d.Drawn)
		}
		if !v.log.layersUsed[d.Layer] {
			v.log.layersUsed[d.Layer] = true
			v.log.printf("waterfall reaches %s for the first time (%s of a %s loss)", d.Layer, money(d.Drawn), money(a.Loss))
		}
	}
	s.residual, m.res = s.residual.Add(a.Residual), m.res.Add(a.Residual)
}

// minuteLine prints the minute's summary and starts a new minute.
func (v *Venue) minuteLine(mark decimal.Decimal) {
	m := v.minute
	fund, _ := v.fund.Balance(Fund)
	line := fmt.Sprintf("mark %10s  fund %12s  to liquidate %4d  auctions %3d running",
		money(mark), money(fund), v.stats.below, len(v.house.Active()))
	if m.kicks+m.takes > 0 {
		line += fmt.Sprintf(", %d kicked, %d takes: %s BTC for %s", m.kicks, m.takes, m.sold.StringFixed(3), money(m.proceeds))
	}
	if m.waiting > 0 {
		line += fmt.Sprintf(", %d held back by caps/throttle", m.waiting)
	}
	v.log.printf("%s", line)
	if m.claims > 0 {
		v.log.printf("    %d shortfalls %s ← fund %s, adl %s, social %s, uncovered %s",
			m.claims, money(m.losses), money(m.fund), money(m.adl), money(m.social), money(m.res))
	}
	v.minute = interval{}
}

// money renders an amount with thousands separators and two places
// (display only: the ledger keeps every digit).
func money(d decimal.Decimal) string {
	s := d.StringFixed(2)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

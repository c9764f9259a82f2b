package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/breaker"
	"github.com/failsafe-fi/failsafe/examples/internal/cli"
	"github.com/failsafe-fi/failsafe/oracle"
)

// point records the tick at now for the chart: the mark, the fund, the
// bad debt so far, and whether the breaker held or the oracle was stale.
func (v *Venue) point(now time.Time, mark, fund decimal.Decimal) Point {
	stale := v.log.priceless
	for _, r := range v.log.refusing {
		stale = stale || strings.HasSuffix(r, ":stale")
	}
	return Point{At: now.Sub(v.log.start), Mark: mark, Fund: fund, BadDebt: v.stats.badDebt,
		HasMark: !mark.IsZero(), Acted: v.log.acted,
		Held:  v.log.state == breaker.Limit || v.log.state == breaker.Paused,
		Stale: stale}
}

// tierWhy says why an oracle tier failed. A missed quorum is told from the
// outcome's numbers, so that one quote reads "1 quote", not "1 quotes";
// anything else is the library's own text.
func (n *narrator) tierWhy(t oracle.TierOutcome) string {
	if errors.Is(t.Err, oracle.ErrNoQuorum) {
		for _, tier := range n.v.set.feed.Tiers {
			if tier.Name == t.Tier {
				return fmt.Sprintf("oracle: below quorum: %s left, need %d", cli.Plural(len(t.Result.Used), "usable quote"), tier.Aggregation.MinSources)
			}
		}
	}
	return t.Error
}

// move renders a crash depth as the price's move in percent with its
// sign: 0.35 → "-35%" (minus is the sign to write), −0.3 → "+30%".
func move(depth decimal.Decimal, minus string) string {
	pct := depth.Shift(2)
	if depth.IsNegative() {
		return "+" + pct.Neg().String() + "%"
	}
	return minus + pct.String() + "%"
}

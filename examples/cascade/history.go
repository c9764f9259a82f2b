package main

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/breaker"
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

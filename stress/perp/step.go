package perp

import (
	"time"

	"github.com/failsafe-fi/failsafe/oracle"
)

// Step runs the whole risk stack once, at now, on the sources' quotes:
// oracle → breaker → margin → liquidation → backstop. It is the wiring a
// host copies; everything it calls is a failsafe package or a few lines of
// the venue's own ledger (see liquidate.go and waterfall.go).
func (v *Venue) Step(now time.Time, quotes []oracle.Quote) error {
	// 1. Oracle: drop stale and outlying quotes, demand a quorum, keep the
	//    last good price. No fresh price, no liquidation.
	update, err := v.feed.Update(now, quotes)
	if err != nil {
		return err
	}
	v.log.oracle(update)
	mark, err := v.feed.Price(now)
	if err != nil {
		return v.log.noPrice(err)
	}
	// 2. Breaker: beyond the band the market is in limit; a limit that
	//    lasts pauses it. Nothing liquidates while it is held.
	decision, err := v.band.Observe(now, mark)
	if v.log.breaker(decision); err != nil || !decision.Allowed() {
		return err
	}
	// 3. Margin: the accounts below maintenance, as the engine sees them.
	below, err := v.belowMaintenance(now, mark)
	if err != nil {
		return err
	}
	// 4. Liquidation: worst first, sized, fitted under caps and throttles;
	//    Dutch auctions start and the keepers bid.
	plan, err := v.engine.Plan(now, below)
	if err != nil {
		return err
	}
	if err := v.execute(now, mark, plan); err != nil {
		return err
	}
	if err := v.keepersBid(now, mark); err != nil {
		return err
	}
	// 5. Backstop: each shortfall walks the waterfall — insurance fund,
	//    auto-deleveraging, socialised loss.
	return v.coverHoles(now, mark)
}

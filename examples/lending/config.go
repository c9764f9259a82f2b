package main

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/stress/lending"
)

var dec = decimal.RequireFromString

// Config is what a run is made of. The zero value of every field means its
// documented default, so Config{} replays the default crash.
type Config struct {
	// Seed drives the borrower book, the keepers and when their
	// transactions land. Default 0 is used as is (every seed is valid).
	Seed int64
	// Borrowers is the number of borrowers in the pool. Zero means 200.
	Borrowers int
	// Depth is the day's fall as a fraction of the opening price. Zero
	// means 0.43 (12 March 2020). Must be in (0, 0.95].
	Depth decimal.Decimal
	// Reserve is the reserve ratio of the protected English run (first bid
	// ≥ lot × OSM × Reserve). Zero means 0.8. Must be in (0, 1].
	Reserve decimal.Decimal
	// Keepers is the number of ordinary keepers (the zero-bid bot is
	// added to them). Zero means 5.
	Keepers int
	// Verbose prints every settled auction, not only the worst.
	Verbose bool
	// Progress, when set, is told before each replay which one starts
	// (i counts from 1); the command draws its progress line from it.
	Progress func(mechanism string, i, of int)
}

// withDefaults fills the zero fields with their defaults and validates
// the result.
func (c Config) withDefaults() (Config, error) {
	if c.Borrowers == 0 {
		c.Borrowers = 200
	}
	if c.Depth.IsZero() {
		c.Depth = lending.DefaultDepth
	}
	if c.Reserve.IsZero() {
		c.Reserve = dec("0.8")
	}
	if c.Keepers == 0 {
		c.Keepers = 5
	}
	switch {
	case c.Borrowers < 1 || c.Borrowers > 5000:
		return c, fmt.Errorf("borrowers %d outside [1, 5000]", c.Borrowers)
	case c.Depth.Sign() <= 0 || c.Depth.GreaterThan(dec("0.95")):
		return c, fmt.Errorf("crash depth %s outside (0, 0.95]", c.Depth)
	case c.Reserve.Sign() <= 0 || c.Reserve.GreaterThan(dec("1")):
		return c, fmt.Errorf("reserve ratio %s outside (0, 1]", c.Reserve)
	case c.Keepers < 1 || c.Keepers > 50:
		return c, fmt.Errorf("keepers %d outside [1, 50]", c.Keepers)
	}
	return c, nil
}

// pool is the stress/lending configuration of one replay with mechanism
// mech: the library's defaults (the pool this program always ran) with
// the command's borrowers, keepers and reserve.
func (c Config) pool(mech lending.Mechanism) lending.Config {
	return lending.Config{Mechanism: mech, Borrowers: c.Borrowers, Keepers: c.Keepers, Reserve: c.Reserve}
}

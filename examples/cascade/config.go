package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// Config describes one simulated crash. The zero value of every field
// means the default written on it, so Config{} is the README's run.
type Config struct {
	// Seed drives every random choice: the account book, the price noise and
	// the keepers. Same seed, same output. Zero means 1.
	Seed int64
	// Accounts is the number of seeded trader accounts. Zero means 1,000;
	// at most 100,000.
	Accounts int
	// Crash is the depth of the flash crash, e.g. 0.35 for −35% over
	// CrashMinutes. A negative value is a squeeze instead (−0.3: +30%),
	// which liquidates shorts. Zero means 0.35; must lie in [−0.9, 0.9].
	Crash decimal.Decimal
	// Recovery is the share of the drop won back after the low, e.g. 0.4.
	// Zero means 0.4; negative means none; at most 1.
	Recovery decimal.Decimal
	// CrashMinutes is how long the fall lasts. Zero means 10.
	CrashMinutes int
	// NoiseBP is the price noise per tick in basis points (± uniform).
	// Zero means 20; negative means none.
	NoiseBP int
	// Keepers is the number of simulated keepers. Zero means 6.
	Keepers int
	// KeeperCapital is the keepers' total cash, split unevenly among them.
	// Zero means 25,000,000.
	KeeperCapital decimal.Decimal
	// KeeperOnline is the chance, in percent, that a keeper acts in a
	// tick. Zero means 90.
	KeeperOnline int
	// InsuranceFund is the fund's balance before the crash. Zero means
	// 500,000; negative means an empty fund.
	InsuranceFund decimal.Decimal
	// SpikeAt and SpikeTicks place the bad quote of source "cex-b" (a wick
	// to 60% of the price) in ticks after the crash starts. Zero means tick
	// 30 for 4 ticks; SpikeTicks negative means no spike.
	SpikeAt, SpikeTicks int
	// StaleAt and StaleTicks freeze source "dex-c" (it keeps sending its
	// last quote). Zero means tick 18 for 30 ticks; StaleTicks negative
	// means it never goes stale.
	StaleAt, StaleTicks int
	// FailoverAt, when positive, hands every package's state to a standby
	// at that tick (snapshot → JSON → restore) and carries on there; the
	// run must go on exactly as without it. Zero: no failover.
	FailoverAt int
	// OnTick, when set, is called after every tick with the venue and the
	// tick's number and time (the command draws its progress line and
	// exports its metrics from it). It must only read the venue.
	OnTick func(v *Venue, tick int, now time.Time)
	// Strict makes Run check conservation of value after every tick and
	// fail on the first unit out of place (tests turn it on).
	Strict bool
}

// Tick is the simulated time between two price updates.
const Tick = 10 * time.Second

// ErrConfig reports a Config that Run refuses.
var ErrConfig = errors.New("cascade: invalid config")

// withDefaults fills the zero fields and validates the result.
func (c Config) withDefaults() (Config, error) {
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Accounts == 0 {
		c.Accounts = 1000
	}
	if c.Accounts < 1 || c.Accounts > 100_000 {
		return c, fmt.Errorf("%w: accounts %d outside [1, 100000]", ErrConfig, c.Accounts)
	}
	if c.Crash.IsZero() {
		c.Crash = decimal.New(35, -2)
	}
	if c.Crash.Abs().GreaterThan(decimal.New(9, -1)) {
		return c, fmt.Errorf("%w: crash %s outside [−0.9, 0.9]", ErrConfig, c.Crash)
	}
	if c.Crash.Exponent() < -4 {
		return c, fmt.Errorf("%w: crash %s finer than 0.0001", ErrConfig, c.Crash)
	}
	switch {
	case c.Recovery.IsZero():
		c.Recovery = decimal.New(4, -1)
	case c.Recovery.IsNegative():
		c.Recovery = decimal.Zero
	}
	if c.Recovery.GreaterThan(decimal.New(1, 0)) || c.Recovery.Exponent() < -4 {
		return c, fmt.Errorf("%w: recovery %s outside [0, 1] or finer than 0.0001", ErrConfig, c.Recovery)
	}
	if c.CrashMinutes == 0 {
		c.CrashMinutes = 10
	}
	if c.CrashMinutes < 1 || c.CrashMinutes > 120 {
		return c, fmt.Errorf("%w: crash minutes %d outside [1, 120]", ErrConfig, c.CrashMinutes)
	}
	switch {
	case c.NoiseBP == 0:
		c.NoiseBP = 20
	case c.NoiseBP < 0:
		c.NoiseBP = 0
	}
	if c.NoiseBP > 500 {
		return c, fmt.Errorf("%w: noise %d bp above 500", ErrConfig, c.NoiseBP)
	}
	if c.Keepers == 0 {
		c.Keepers = 6
	}
	if c.Keepers < 1 || c.Keepers > 100 {
		return c, fmt.Errorf("%w: keepers %d outside [1, 100]", ErrConfig, c.Keepers)
	}
	if c.KeeperCapital.IsZero() {
		c.KeeperCapital = decimal.New(25_000_000, 0)
	}
	if !c.KeeperCapital.IsPositive() || c.KeeperCapital.Exponent() < -2 {
		return c, fmt.Errorf("%w: keeper capital %s", ErrConfig, c.KeeperCapital)
	}
	if c.KeeperOnline == 0 {
		c.KeeperOnline = 90
	}
	if c.KeeperOnline < 1 || c.KeeperOnline > 100 {
		return c, fmt.Errorf("%w: keeper online %d%% outside [1, 100]", ErrConfig, c.KeeperOnline)
	}
	switch {
	case c.InsuranceFund.IsZero():
		c.InsuranceFund = decimal.New(500_000, 0)
	case c.InsuranceFund.IsNegative():
		c.InsuranceFund = decimal.Zero
	}
	if c.InsuranceFund.Exponent() < -2 {
		return c, fmt.Errorf("%w: insurance fund %s finer than a cent", ErrConfig, c.InsuranceFund)
	}
	if c.SpikeAt == 0 {
		c.SpikeAt = 30
	}
	if c.SpikeTicks == 0 {
		c.SpikeTicks = 4
	}
	if c.StaleAt == 0 {
		c.StaleAt = 18
	}
	if c.StaleTicks == 0 {
		c.StaleTicks = 30
	}
	return c, nil
}

package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/stress/perp"
)

// Config describes one simulated crash: the venue of stress/perp and its
// default crash (perp.Config and perp.Crash say what every field means
// and its default; they are repeated here for the command line). The zero
// value of every field means the default written on it, so Config{} is
// the README's run.
type Config struct {
	// Seed drives every random choice: the account book, the price noise and
	// the keepers. Same seed, same output. Zero means 1.
	Seed int64
	// Accounts is the number of seeded trader accounts. Zero means 1,000;
	// at most 1,000,000 (perp.MaxAccounts).
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
	// Scan is how each tick finds the accounts to value (perp.Config.Scan):
	// the zero value, perp.ScanFull, visits every account; the command's
	// default, perp.ScanWatchlist, only those its margin.Watchlist returns.
	// The output is the same either way, byte for byte.
	Scan perp.Scan
	// FailoverAt, when positive, hands every package's state to a standby
	// at that tick (snapshot → JSON → restore) and carries on there; the
	// run must go on exactly as without it. Zero: no failover.
	FailoverAt int
	// OnTick, when set, is called after every tick with the venue and the
	// tick's number and time (the command draws its progress line and
	// exports its metrics from it). It must only read the venue.
	OnTick func(v *perp.Venue, tick int, now time.Time)
	// Strict makes Run check conservation of value after every tick and
	// fail on the first unit out of place (tests turn it on).
	Strict bool
}

// Tick is the simulated time between two price updates.
const Tick = perp.Interval

// settleTicks is how long the run may go on after the scripted crash, at
// the final price, for the venue to work off its auctions; it stops as
// soon as it is done.
const settleTicks = 360

// ErrConfig reports a Config that Run refuses.
var ErrConfig = errors.New("cascade: invalid config")

// venueConfig is the model's configuration for c.
func (c Config) venueConfig() perp.Config {
	return perp.Config{Accounts: c.Accounts, Scan: c.Scan, InsuranceFund: c.InsuranceFund, Keepers: c.Keepers, KeeperCapital: c.KeeperCapital,
		KeeperOnline: c.KeeperOnline, Crash: perp.Crash{Depth: c.Crash, Recovery: c.Recovery, Minutes: c.CrashMinutes, NoiseBP: c.NoiseBP,
			SpikeAt: c.SpikeAt, SpikeTicks: c.SpikeTicks, StaleAt: c.StaleAt, StaleTicks: c.StaleTicks, SettleTicks: settleTicks}}
}

// withDefaults fills the zero fields with the model's defaults
// (perp.Config) and validates the result.
func (c Config) withDefaults() (Config, error) {
	if c.Seed == 0 {
		c.Seed = 1
	}
	pc, err := c.venueConfig().Defaults()
	if err != nil {
		return c, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c.Accounts, c.InsuranceFund, c.Keepers, c.KeeperCapital, c.KeeperOnline = pc.Accounts, pc.InsuranceFund, pc.Keepers, pc.KeeperCapital, pc.KeeperOnline
	k := pc.Crash
	c.InsuranceFund = num.MaxOf(c.InsuranceFund, decimal.Zero) // "none" (−1) is an empty fund
	k.Recovery, k.NoiseBP = num.MaxOf(k.Recovery, decimal.Zero), max(k.NoiseBP, 0)
	c.Crash, c.Recovery, c.CrashMinutes, c.NoiseBP = k.Depth, k.Recovery, k.Minutes, k.NoiseBP
	c.SpikeAt, c.SpikeTicks, c.StaleAt, c.StaleTicks = k.SpikeAt, k.SpikeTicks, k.StaleAt, k.StaleTicks
	return c, nil
}

package perp

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/parse"
)

// ErrConfig is a Config that New or DefaultCrash refuses, or a parameter
// Set does not know or cannot parse.
var ErrConfig = errors.New("perp: invalid config")

// MaxAccounts bounds Config.Accounts: one quiet step of 1,000,000
// accounts with the full scan peaks at about 490 MB (issue 12's target:
// ≤ 600 MB; the ledger's live heap is about 232 B an account).
const MaxAccounts = 1_000_000

// Config describes the venue. The zero value of every field means the
// default written on it, so Config{} is examples/cascade's venue.
type Config struct {
	// Accounts is the number of seeded trader accounts. Zero means 1,000;
	// at most MaxAccounts.
	Accounts int
	// MaintenanceRate is the first margin tier's maintenance rate; every
	// other tier's rate moves by the same amount (the table keeps its
	// shape: higher tiers need more). Zero means 0.03, dYdX v4's BTC-USD
	// maintenance fraction; must lie in (0, 0.4], at most 4 decimal places.
	MaintenanceRate decimal.Decimal
	// MaxLeverage is the highest leverage the first margin tier allows;
	// no tier allows more, and none more than 1 / its maintenance rate.
	// Zero means 20 (dYdX v4's 5% initial margin fraction for BTC-USD),
	// or, when MaintenanceRate × 20 ≥ 1, the highest integer leverage
	// below 1 / MaintenanceRate; an integer in [1, 100]; MaintenanceRate ×
	// MaxLeverage must be below 1 (the initial margin above the
	// maintenance margin).
	MaxLeverage decimal.Decimal
	// InsuranceFund is the fund's balance before the first tick. Zero
	// means 500,000; negative means an empty fund; at most cents.
	InsuranceFund decimal.Decimal
	// Penalty is the liquidation penalty, a fraction of the debt closed,
	// paid into the insurance fund. Zero means 0.01 (under dYdX v4's 1.5%
	// cap, max_liquidation_fee_ppm = 15,000); in [0.001, 0.2], at most 4
	// decimal places (the keepers' kick reward, tip 0.1 + chip 0.05% of
	// the $1,000 dust, must stay below the penalty on the smallest auction:
	// Maker's Clipper requires dust × (chop − 1) > tip + chip × dust).
	Penalty decimal.Decimal
	// AuctionStep is how far a Dutch auction's price falls every 10
	// seconds, as a fraction (Maker's StairstepExponentialDecrease with
	// cut = 1 − AuctionStep, step = 10 s). Zero means 0.01; in (0, 0.5],
	// at most 4 decimal places.
	AuctionStep decimal.Decimal
	// AuctionStart is how far below the oracle an auction starts (Maker's
	// buf = 1 − AuctionStart). Zero means 0.01; negative means at the
	// oracle; below 0.5, at most 4 decimal places.
	AuctionStart decimal.Decimal
	// Keepers is the number of simulated keepers. Zero means 6; at most
	// 100.
	Keepers int
	// KeeperCapital is the keepers' total cash, split unevenly among them.
	// Zero means 25,000,000; positive, at most cents.
	KeeperCapital decimal.Decimal
	// KeeperOnline is the chance, in percent, that a keeper acts in a
	// tick. Zero means 90; in [1, 100].
	KeeperOnline int
	// FundingMinutes is the funding interval, in minutes: funding is
	// settled every FundingMinutes at dYdX v4's 8-hour rate pro-rated
	// (× FundingMinutes / 480; see funding.go). Zero means 15, so the
	// default 28-minute crash pays once (dYdX's hourly interval would
	// never pay in it). A multiple of 3 in [3, 480]: the pro-rated rate
	// is exact only when FundingMinutes / 480 is a terminating decimal
	// (oracle.FundingSettings.RatePeriod), which holds exactly for the
	// multiples of 3 (480 = 2⁵ × 3 × 5).
	FundingMinutes int
	// Scan chooses how a price tick finds the accounts to value: ScanFull
	// (the zero value: every account, each against its safe band) or
	// ScanWatchlist (a margin.Watchlist returns the accounts near the
	// edge). Every result, snapshot and digest is the same either way;
	// only the cost differs, so a snapshot does not record it (a model
	// restored with either scan continues the same run).
	Scan Scan `json:"-"`
	// Crash shapes the default scenario, DefaultCrash (the model itself
	// does not read it).
	Crash Crash
}

// Crash is the shape of the scripted crash DefaultCrash draws.
type Crash struct {
	// Depth is the depth of the flash crash, e.g. 0.35 for −35% over
	// Minutes. A negative value is a squeeze instead (−0.3: +30%), which
	// liquidates shorts. Zero means 0.35; must lie in [−0.9, 0.9], at
	// most 4 decimal places.
	Depth decimal.Decimal
	// Recovery is the share of the drop won back after the low, e.g. 0.4.
	// Zero means 0.4; negative means none; at most 1, at most 4 decimal
	// places.
	Recovery decimal.Decimal
	// Minutes is how long the fall lasts. Zero means 10; at most 120.
	Minutes int
	// NoiseBP is the price noise per tick in basis points (± uniform).
	// Zero means 20; negative means none; at most 500.
	NoiseBP int
	// SpikeAt and SpikeTicks place the bad quote of source "cex-b" (a wick
	// to 60% of the price) in ticks after the crash starts. Zero means tick
	// 30 for 4 ticks; SpikeTicks negative means no spike.
	SpikeAt, SpikeTicks int
	// StaleAt and StaleTicks freeze source "dex-c" (it keeps sending its
	// last quote). Zero means tick 18 for 30 ticks; StaleTicks negative
	// means it never goes stale.
	StaleAt, StaleTicks int
	// SettleTicks is the number of ticks appended after the scripted path
	// (168 ticks with the default Minutes), quoted exactly at the final
	// price, so that the venue can work off its auctions. Zero means none;
	// at most 10,000.
	SettleTicks int
}

// Parameters lists the names Set accepts, sorted, each with what it sets.
func Parameters() []string {
	names := make([]string, 0, len(params))
	for n, p := range params {
		names = append(names, n+": "+p.doc)
	}
	sort.Strings(names)
	return names
}

// param is one parameter Set accepts.
type param struct {
	doc string
	set func(c *Config, v string) error
}

// params are Set's names (looked up, never iterated except by Parameters,
// which sorts).
var params = map[string]param{
	"accounts":        {"Accounts, an integer", func(c *Config, v string) error { return parse.Int(&c.Accounts, v) }},
	"maintenance":     {"MaintenanceRate, e.g. 0.03", func(c *Config, v string) error { return parse.Decimal(&c.MaintenanceRate, v) }},
	"leverage":        {"MaxLeverage, e.g. 20", func(c *Config, v string) error { return parse.Decimal(&c.MaxLeverage, v) }},
	"fund":            {"InsuranceFund, e.g. 500000; 0 is an empty fund", func(c *Config, v string) error { return parse.DecimalNone(&c.InsuranceFund, v) }},
	"penalty":         {"Penalty, e.g. 0.01", func(c *Config, v string) error { return parse.Decimal(&c.Penalty, v) }},
	"auction-step":    {"AuctionStep, e.g. 0.01 (1% every 10 s)", func(c *Config, v string) error { return parse.Decimal(&c.AuctionStep, v) }},
	"auction-start":   {"AuctionStart, e.g. 0.01 (1% below the oracle); 0 is at the oracle", func(c *Config, v string) error { return parse.DecimalNone(&c.AuctionStart, v) }},
	"keepers":         {"Keepers, an integer", func(c *Config, v string) error { return parse.Int(&c.Keepers, v) }},
	"keeper-capital":  {"KeeperCapital, e.g. 25000000", func(c *Config, v string) error { return parse.Decimal(&c.KeeperCapital, v) }},
	"keeper-online":   {"KeeperOnline, percent", func(c *Config, v string) error { return parse.Int(&c.KeeperOnline, v) }},
	"funding-minutes": {"FundingMinutes, the funding interval (a multiple of 3 up to 480)", func(c *Config, v string) error { return parse.Int(&c.FundingMinutes, v) }},
	"scan":            {"Scan, full or watchlist (the same results; the cost of a tick differs)", func(c *Config, v string) error { return parseScan(&c.Scan, v) }},
	"crash":           {"Crash.Depth, e.g. 0.35 (−35%); negative is a squeeze", func(c *Config, v string) error { return parse.Decimal(&c.Crash.Depth, v) }},
	"recovery":        {"Crash.Recovery, e.g. 0.4; 0 is none", func(c *Config, v string) error { return parse.DecimalNone(&c.Crash.Recovery, v) }},
	"crash-minutes":   {"Crash.Minutes, an integer", func(c *Config, v string) error { return parse.Int(&c.Crash.Minutes, v) }},
	"noise-bp":        {"Crash.NoiseBP, basis points; 0 is none", func(c *Config, v string) error { return parse.IntNone(&c.Crash.NoiseBP, v) }},
	"settle-ticks":    {"Crash.SettleTicks, an integer", func(c *Config, v string) error { return parse.Int(&c.Crash.SettleTicks, v) }},
}

// Set sets the parameter name (one of Parameters) to value, for parameter
// sweeps: "0" where a zero field would mean its default sets the
// documented "none" instead (an empty fund, no recovery). The value is
// checked by New; Set only parses it. An unknown name or an unparsable
// value is an error wrapping ErrConfig and changes nothing.
func (c *Config) Set(name, value string) error {
	p, ok := params[name]
	if !ok {
		return fmt.Errorf("%w: unknown parameter %q (want one of: %s)", ErrConfig, name, strings.Join(paramNames(), ", "))
	}
	next := *c
	if err := p.set(&next, strings.TrimSpace(value)); err != nil {
		return fmt.Errorf("%w: %s: %s", ErrConfig, name, err)
	}
	*c = next
	return nil
}

func paramNames() []string {
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// settled is a Config with every default filled in and checked.
type settled struct {
	Config
	penalty, buf, cut decimal.Decimal
}

// withDefaults fills the zero fields and validates the result.
func (c Config) withDefaults() (settled, error) {
	bad := func(format string, args ...any) (settled, error) {
		return settled{}, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	for _, f := range []struct {
		name string
		d    decimal.Decimal
	}{{"maintenance rate", c.MaintenanceRate}, {"max leverage", c.MaxLeverage}, {"insurance fund", c.InsuranceFund},
		{"penalty", c.Penalty}, {"auction step", c.AuctionStep}, {"auction start", c.AuctionStart}, {"keeper capital", c.KeeperCapital}} {
		if err := num.Check(f.d); err != nil {
			return bad("%s: %v", f.name, err)
		}
	}
	if c.Accounts == 0 {
		c.Accounts = 1000
	}
	if c.Scan != ScanFull && c.Scan != ScanWatchlist {
		return bad("scan %d: want ScanFull or ScanWatchlist", int(c.Scan))
	}
	if c.Accounts < 1 || c.Accounts > MaxAccounts {
		return bad("accounts %d outside [1, %d]", c.Accounts, MaxAccounts)
	}
	if c.MaintenanceRate.IsZero() {
		c.MaintenanceRate = decimal.New(3, -2)
	}
	if !c.MaintenanceRate.IsPositive() || c.MaintenanceRate.GreaterThan(decimal.New(4, -1)) || c.MaintenanceRate.Exponent() < -4 {
		return bad("maintenance rate %s outside (0, 0.4] or finer than 0.0001", c.MaintenanceRate)
	}
	if c.MaxLeverage.IsZero() {
		c.MaxLeverage = num.MinOf(decimal.New(20, 0), num.DivCeil(decimal.New(1, 0), c.MaintenanceRate, 0).Sub(decimal.New(1, 0)))
	}
	if !c.MaxLeverage.IsInteger() || c.MaxLeverage.LessThan(decimal.New(1, 0)) || c.MaxLeverage.GreaterThan(decimal.New(100, 0)) {
		return bad("max leverage %s: want an integer in [1, 100]", c.MaxLeverage)
	}
	if !c.MaintenanceRate.Mul(c.MaxLeverage).LessThan(decimal.New(1, 0)) {
		return bad("maintenance rate %s × max leverage %s ≥ 1: the initial margin would not exceed maintenance", c.MaintenanceRate, c.MaxLeverage)
	}
	switch {
	case c.InsuranceFund.IsZero():
		c.InsuranceFund = decimal.New(500_000, 0)
	case c.InsuranceFund.IsNegative():
		c.InsuranceFund = decimal.Zero
	}
	if c.InsuranceFund.Exponent() < -2 || c.InsuranceFund.GreaterThan(decimal.New(1, 15)) {
		return bad("insurance fund %s finer than a cent or above 10^15", c.InsuranceFund)
	}
	s := settled{}
	if c.Penalty.IsZero() {
		c.Penalty = decimal.New(1, -2)
	}
	if c.Penalty.LessThan(decimal.New(1, -3)) || c.Penalty.GreaterThan(decimal.New(2, -1)) || c.Penalty.Exponent() < -4 {
		return bad("penalty %s outside [0.001, 0.2] or finer than 0.0001", c.Penalty)
	}
	if c.AuctionStep.IsZero() {
		c.AuctionStep = decimal.New(1, -2)
	}
	if !c.AuctionStep.IsPositive() || c.AuctionStep.GreaterThan(decimal.New(5, -1)) || c.AuctionStep.Exponent() < -4 {
		return bad("auction step %s outside (0, 0.5] or finer than 0.0001", c.AuctionStep)
	}
	switch {
	case c.AuctionStart.IsZero():
		c.AuctionStart = decimal.New(1, -2)
	case c.AuctionStart.IsNegative():
		c.AuctionStart = decimal.Zero
	}
	if !c.AuctionStart.LessThan(decimal.New(5, -1)) || c.AuctionStart.Exponent() < -4 {
		return bad("auction start %s not below 0.5 or finer than 0.0001", c.AuctionStart)
	}
	if c.Keepers == 0 {
		c.Keepers = 6
	}
	if c.Keepers < 1 || c.Keepers > 100 {
		return bad("keepers %d outside [1, 100]", c.Keepers)
	}
	if c.KeeperCapital.IsZero() {
		c.KeeperCapital = decimal.New(25_000_000, 0)
	}
	if !c.KeeperCapital.IsPositive() || c.KeeperCapital.Exponent() < -2 || c.KeeperCapital.GreaterThan(decimal.New(1, 15)) {
		return bad("keeper capital %s: want positive, at most cents, at most 10^15", c.KeeperCapital)
	}
	if c.KeeperOnline == 0 {
		c.KeeperOnline = 90
	}
	if c.KeeperOnline < 1 || c.KeeperOnline > 100 {
		return bad("keeper online %d%% outside [1, 100]", c.KeeperOnline)
	}
	if c.FundingMinutes == 0 {
		c.FundingMinutes = 15
	}
	if c.FundingMinutes < 3 || c.FundingMinutes > 480 || c.FundingMinutes%3 != 0 {
		return bad("funding minutes %d: want a multiple of 3 in [3, 480]", c.FundingMinutes)
	}
	var err error
	if c.Crash, err = c.Crash.withDefaults(); err != nil {
		return settled{}, err
	}
	s.Config = c
	one := decimal.New(1, 0)
	s.penalty, s.buf, s.cut = c.Penalty, one.Sub(c.AuctionStart), one.Sub(c.AuctionStep)
	return s, nil
}

// withDefaults fills the crash's zero fields and validates the result.
func (c Crash) withDefaults() (Crash, error) {
	for _, d := range []decimal.Decimal{c.Depth, c.Recovery} {
		if err := num.Check(d); err != nil {
			return c, fmt.Errorf("%w: crash depth or recovery: %v", ErrConfig, err)
		}
	}
	if c.Depth.IsZero() {
		c.Depth = decimal.New(35, -2)
	}
	if c.Depth.Abs().GreaterThan(decimal.New(9, -1)) {
		return c, fmt.Errorf("%w: crash %s outside [−0.9, 0.9]", ErrConfig, c.Depth)
	}
	if c.Depth.Exponent() < -4 {
		return c, fmt.Errorf("%w: crash %s finer than 0.0001", ErrConfig, c.Depth)
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
	if c.Minutes == 0 {
		c.Minutes = 10
	}
	if c.Minutes < 1 || c.Minutes > 120 {
		return c, fmt.Errorf("%w: crash minutes %d outside [1, 120]", ErrConfig, c.Minutes)
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
	for _, n := range []int{c.SpikeAt, c.SpikeTicks, c.StaleAt, c.StaleTicks} {
		if n > 100_000 || n < -100_000 {
			return c, fmt.Errorf("%w: spike or stale tick %d outside ±100,000", ErrConfig, n)
		}
	}
	if c.SettleTicks < 0 || c.SettleTicks > 10_000 {
		return c, fmt.Errorf("%w: settle ticks %d outside [0, 10000]", ErrConfig, c.SettleTicks)
	}
	return c, nil
}

// Defaults returns c with every zero field set to its default, checked as
// New checks it (an error wraps ErrConfig). A field set to its "none"
// comes back as −1 (not 0, which would mean the default again), so
// Defaults of Defaults is the same Config.
func (c Config) Defaults() (Config, error) {
	s, err := c.withDefaults()
	if err != nil {
		return Config{}, err
	}
	out := s.Config
	none := decimal.New(-1, 0)
	for _, f := range []*decimal.Decimal{&out.InsuranceFund, &out.AuctionStart, &out.Crash.Recovery} {
		if f.IsZero() {
			*f = none
		}
	}
	if out.Crash.NoiseBP == 0 {
		out.Crash.NoiseBP = -1
	}
	return out, nil
}

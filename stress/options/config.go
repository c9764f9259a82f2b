package options

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
var ErrConfig = errors.New("options: invalid config")

// MaxAccounts bounds Config.Accounts.
const MaxAccounts = 10_000

// Presets Config.Preset accepts.
const (
	// Deribit is the grid of examples/options: portfolio.DeribitPM with
	// DeribitBTCShock, scan range 16%, the extended table charged at 2%,
	// Deribit's contingency of 0.6% of the underlying per net short option,
	// initial = 1.3 × maintenance (examples/options/main.go, setup).
	Deribit = "deribit"
	// SPAN is portfolio.SPAN16 with a 16% price scan range, a volatility
	// scan of 0.10 (absolute) and one day's look-ahead, initial = 1.1 ×
	// maintenance (CME's performance bond ratio for speculators,
	// cmegroup.com "Margin: Know What's Needed").
	SPAN = "span"
)

// Config describes the venue. The zero value of every field means the
// default written on it, so Config{} is the reference venue.
type Config struct {
	// Accounts is the number of seeded accounts. Zero means 300; at most
	// MaxAccounts.
	Accounts int
	// Preset is the portfolio margin grid: Deribit or SPAN. Empty means
	// Deribit.
	Preset string
	// ShortShare is the share of accounts whose book is short options
	// (short straddle, short strangle, delta-hedged short call, naked
	// short put); the others hold a covered call or a long straddle. Zero
	// means 0.6; negative means none; at most 1, at most 2 decimal places.
	ShortShare decimal.Decimal
	// Headroom: each account opens with equity drawn evenly (in steps of
	// 1%) between its initial requirement and (1 + Headroom) × it. Zero
	// means 0.5; negative means none (every account opens at initial); at
	// most 10, at most 2 decimal places.
	Headroom decimal.Decimal
	// InsuranceFund is the fund's balance before the first tick, in USD.
	// Zero means 1,000,000; negative means an empty fund; at most cents.
	InsuranceFund decimal.Decimal
	// Penalty is the liquidation penalty, a fraction of the gross
	// notional closed, paid into the fund (what a fully closed account
	// cannot pay is waived). Zero means 0.005 (the penalty of
	// examples/options and join's options tests); negative means none; at
	// most 0.2, at most 4 decimal places.
	Penalty decimal.Decimal
	// Vol is every option's implied volatility at the opening price. Zero
	// means 0.6; in (0, 3], at most 4 decimal places.
	Vol decimal.Decimal
	// VolBeta is the volatility rule: at price P below the opening price
	// P0 every option's volatility is Vol × (1 + VolBeta × (P0 − P) / P0),
	// rounded half-even to 4 places; at or above P0 it is Vol (a fall
	// lifts implied volatility, a rise does not lower it). Zero means 1
	// (a 35% fall takes 0.6 to 0.81); negative means none (volatility
	// fixed); at most 10, at most 2 decimal places.
	VolBeta decimal.Decimal
	// Crash shapes the default scenario, DefaultCrash (the model itself
	// does not read it).
	Crash Crash
}

// Crash is the shape of the generic crash DefaultCrash draws
// (stress.CrashShape at OpenPrice, one tick a minute).
type Crash struct {
	// Fall is the depth of the fall, a fraction of OpenPrice. Zero means
	// 0.35; in (0, 0.9], at most 4 decimal places.
	Fall decimal.Decimal
	// Recover is the share of the drop won back. Zero means 0.4; negative
	// means none; at most 1, at most 4 decimal places.
	Recover decimal.Decimal
	// Minutes is how long the fall lasts, one tick a minute. Zero means
	// 2: each tick falls about half of Fall, a gap beyond the 16% scan
	// range, which is what leaves bad debt behind (over 10 minutes the
	// 35% fall liquidates step by step and leaves none); in [1, 120].
	Minutes int
	// NoiseBP is the price noise per tick in basis points (± uniform).
	// Zero means 50; negative means none; at most 1,000.
	NoiseBP int
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

type param struct {
	doc string
	set func(c *Config, v string) error
}

// params are Set's names (looked up, never iterated except by Parameters
// and paramNames, which sort).
var params = map[string]param{
	"accounts":      {"Accounts, an integer", func(c *Config, v string) error { return parse.Int(&c.Accounts, v) }},
	"preset":        {"Preset, deribit or span", func(c *Config, v string) error { c.Preset = v; return nil }},
	"short-share":   {"ShortShare, e.g. 0.6; 0 is none", func(c *Config, v string) error { return parse.DecimalNone(&c.ShortShare, v) }},
	"headroom":      {"Headroom, e.g. 0.5; 0 opens every account at initial", func(c *Config, v string) error { return parse.DecimalNone(&c.Headroom, v) }},
	"fund":          {"InsuranceFund, e.g. 1000000; 0 is an empty fund", func(c *Config, v string) error { return parse.DecimalNone(&c.InsuranceFund, v) }},
	"penalty":       {"Penalty, e.g. 0.005; 0 is none", func(c *Config, v string) error { return parse.DecimalNone(&c.Penalty, v) }},
	"vol":           {"Vol, e.g. 0.6", func(c *Config, v string) error { return parse.Decimal(&c.Vol, v) }},
	"vol-beta":      {"VolBeta, e.g. 1; 0 fixes volatility", func(c *Config, v string) error { return parse.DecimalNone(&c.VolBeta, v) }},
	"crash":         {"Crash.Fall, e.g. 0.35 (−35%)", func(c *Config, v string) error { return parse.Decimal(&c.Crash.Fall, v) }},
	"recovery":      {"Crash.Recover, e.g. 0.4; 0 is none", func(c *Config, v string) error { return parse.DecimalNone(&c.Crash.Recover, v) }},
	"crash-minutes": {"Crash.Minutes, an integer", func(c *Config, v string) error { return parse.Int(&c.Crash.Minutes, v) }},
	"noise-bp":      {"Crash.NoiseBP, basis points; 0 is none", func(c *Config, v string) error { return parse.IntNone(&c.Crash.NoiseBP, v) }},
}

// Set sets the parameter name (one of Parameters) to value, for -set and
// -sweep: "0" where a zero field would mean its default sets the
// documented "none" instead. The value is checked by New; Set only parses
// it. An unknown name or an unparsable value is an error wrapping
// ErrConfig and changes nothing.
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

// settled is a Config with every default filled in and checked; the
// "none" fields are zero.
type settled struct {
	Config
}

// withDefaults fills the zero fields and validates the result.
func (c Config) withDefaults() (settled, error) {
	bad := func(format string, args ...any) (settled, error) {
		return settled{}, fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
	for _, f := range []struct {
		name string
		d    decimal.Decimal
	}{{"short share", c.ShortShare}, {"headroom", c.Headroom}, {"insurance fund", c.InsuranceFund}, {"penalty", c.Penalty},
		{"vol", c.Vol}, {"vol beta", c.VolBeta}, {"crash fall", c.Crash.Fall}, {"crash recover", c.Crash.Recover}} {
		if err := num.Check(f.d); err != nil {
			return bad("%s: %v", f.name, err)
		}
	}
	if c.Accounts == 0 {
		c.Accounts = 300
	}
	if c.Accounts < 1 || c.Accounts > MaxAccounts {
		return bad("accounts %d outside [1, %d]", c.Accounts, MaxAccounts)
	}
	if c.Preset == "" {
		c.Preset = Deribit
	}
	if c.Preset != Deribit && c.Preset != SPAN {
		return bad("preset %q (want %q or %q)", c.Preset, Deribit, SPAN)
	}
	one := decimal.New(1, 0)
	type field struct {
		name       string
		p          *decimal.Decimal
		def, max   decimal.Decimal
		places     int32
		noneIsZero bool
	}
	for _, f := range []field{
		{"short share", &c.ShortShare, decimal.New(6, -1), one, 2, true},
		{"headroom", &c.Headroom, decimal.New(5, -1), decimal.New(10, 0), 2, true},
		{"insurance fund", &c.InsuranceFund, decimal.New(1_000_000, 0), decimal.New(1, 15), 2, true},
		{"penalty", &c.Penalty, decimal.New(5, -3), decimal.New(2, -1), 4, true},
		{"vol", &c.Vol, decimal.New(6, -1), decimal.New(3, 0), 4, false},
		{"vol beta", &c.VolBeta, one, decimal.New(10, 0), 2, true},
	} {
		switch {
		case f.p.IsZero():
			*f.p = f.def
		case f.p.IsNegative() && f.noneIsZero:
			*f.p = decimal.Zero
		}
		if f.p.IsNegative() || f.p.GreaterThan(f.max) || !f.p.Equal(f.p.Round(f.places)) || (!f.noneIsZero && f.p.IsZero()) {
			return bad("%s %s outside [0, %s] or finer than %d places", f.name, f.p, f.max, f.places)
		}
	}
	if !c.Vol.IsPositive() {
		return bad("vol must be positive")
	}
	return settled{Config: c}, nil
}

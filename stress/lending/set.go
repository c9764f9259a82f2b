package lending

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/failsafe-fi/failsafe/internal/parse"
)

// setters maps every sweep parameter Set accepts to the field it sets.
var setters = map[string]func(c *Config, v string) error{
	"mechanism": func(c *Config, v string) error { c.Mechanism = Mechanism(v); return nil },
	"borrowers": func(c *Config, v string) error { return parse.Int(&c.Borrowers, v) },
	"keepers":   func(c *Config, v string) error { return parse.Int(&c.Keepers, v) },
	"keeper-capital": func(c *Config, v string) error {
		return parse.Decimal(&c.KeeperCapital, v)
	},
	"ltv":                   func(c *Config, v string) error { return parse.Decimal(&c.LTV, v) },
	"liquidation-threshold": func(c *Config, v string) error { return parse.Decimal(&c.LiquidationThreshold, v) },
	"liquidation-bonus":     func(c *Config, v string) error { return parse.Decimal(&c.LiquidationBonus, v) },
	"close-factor":          func(c *Config, v string) error { return parse.Decimal(&c.CloseFactor, v) },
	"dust":                  func(c *Config, v string) error { return parse.Decimal(&c.Dust, v) },
	"reserve":               func(c *Config, v string) error { return parse.Decimal(&c.Reserve, v) },
	"english-beg":           func(c *Config, v string) error { return parse.Decimal(&c.EnglishBeg, v) },
	"english-ttl":           func(c *Config, v string) error { return setDur(&c.EnglishTTL, v) },
	"english-tau":           func(c *Config, v string) error { return setDur(&c.EnglishTau, v) },
	"dutch-buf":             func(c *Config, v string) error { return parse.Decimal(&c.DutchBuf, v) },
	"dutch-cut":             func(c *Config, v string) error { return parse.Decimal(&c.DutchCut, v) },
	"dutch-step":            func(c *Config, v string) error { return setDur(&c.DutchStep, v) },
	"dutch-tail":            func(c *Config, v string) error { return setDur(&c.DutchTail, v) },
	"dutch-cusp":            func(c *Config, v string) error { return parse.Decimal(&c.DutchCusp, v) },
	"dutch-tip":             func(c *Config, v string) error { return parse.Decimal(&c.DutchTip, v) },
	"dutch-chip":            func(c *Config, v string) error { return parse.Decimal(&c.DutchChip, v) },
	"protocol-fee":          func(c *Config, v string) error { return parse.Decimal(&c.ProtocolFee, v) },
	"store-front":           func(c *Config, v string) error { return parse.Decimal(&c.StoreFrontPriceFactor, v) },
	"surplus": func(c *Config, v string) error {
		if err := parse.Decimal(&c.Surplus, v); err != nil {
			return err
		}
		c.NoSurplus = c.Surplus.IsZero()
		return nil
	},
}

// Parameters lists the names Set accepts, sorted.
func Parameters() []string {
	out := make([]string, 0, len(setters))
	for k := range setters {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Set sets the parameter name to value, for sweeps. Names and the field
// each sets: mechanism (Mechanism: english-no-reserve, english-reserve,
// dutch, fixed-spread, absorb), borrowers, keepers, keeper-capital, ltv,
// liquidation-threshold, liquidation-bonus, close-factor, dust, reserve,
// english-beg, english-ttl, english-tau, dutch-buf, dutch-cut, dutch-step,
// dutch-tail, dutch-cusp, dutch-tip, dutch-chip, protocol-fee,
// store-front (StoreFrontPriceFactor), surplus ("0" empties the buffer). Decimals are written as decimals ("0.83"),
// durations as Go durations ("90s"), counts as integers. An unknown name,
// an unparsable value or a Config that no longer validates is
// ErrInvalidConfig, and c is left unchanged.
func (c *Config) Set(name, value string) error {
	f, ok := setters[name]
	if !ok {
		return fmt.Errorf("%w: unknown parameter %q (want one of %s)", ErrInvalidConfig, name, strings.Join(Parameters(), ", "))
	}
	next := *c
	if err := f(&next, value); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidConfig, name, err)
	}
	if err := next.Validate(); err != nil {
		return err
	}
	*c = next
	return nil
}

func setDur(p *time.Duration, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration", v)
	}
	*p = d
	return nil
}

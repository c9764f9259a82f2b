package options

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/stress"
)

// DefaultCrash returns the default scenarios of cfg.Crash: stress's
// generic crash (stress.CrashShape: 2 minutes flat, a straight fall of
// Fall over Minutes, Recover of it won back over 10 minutes, 6 minutes
// flat; the shape of examples/cascade with a faster fall) at OpenPrice,
// one tick a minute (21 ticks by default), with NoiseBP of seeded noise
// per tick (default 50 bp, so each seed draws its own path). Errors wrap
// ErrConfig.
func DefaultCrash(cfg Config) (stress.Generator, error) {
	c := cfg.Crash
	if err := num.Check(c.Fall); err != nil {
		return nil, fmt.Errorf("%w: crash fall: %w", ErrConfig, err)
	}
	if c.Fall.IsNegative() || c.Fall.GreaterThan(decimal.New(9, -1)) {
		return nil, fmt.Errorf("%w: crash fall %s outside (0, 0.9]", ErrConfig, c.Fall)
	}
	noise := c.NoiseBP
	switch {
	case noise == 0:
		noise = 50
	case noise < 0:
		noise = 0
	}
	if noise > 1000 {
		return nil, fmt.Errorf("%w: crash noise %d bp above 1,000", ErrConfig, noise)
	}
	mins := c.Minutes
	if mins == 0 {
		mins = 2
	}
	if mins < 1 || mins > 120 {
		return nil, fmt.Errorf("%w: crash minutes %d outside [1, 120]", ErrConfig, mins)
	}
	shape, err := stress.CrashShape(stress.CrashSettings{Price: OpenPrice, Fall: c.Fall, Recover: c.Recover, Over: time.Duration(mins) * time.Minute})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	g, err := stress.NewScripted(stress.ScriptedSettings{Shape: shape, Step: time.Minute, Scale: Scale, NoiseBP: noise})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return g, nil
}

package stress

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Bounds of every path a generator of this package draws. A setting
// outside them is refused before any arithmetic.
const (
	// MaxTicks is the most ticks one scenario may have.
	MaxTicks = 1_000_000
	// MaxStep is the longest step between two ticks.
	MaxStep = 7 * 24 * time.Hour
	// MaxScale is the finest price scale (decimal places).
	MaxScale = 18
	// maxSpan bounds Ticks × Step (a hundred years), so every tick's time
	// is representable.
	maxSpan = 100 * 365 * 24 * time.Hour
)

// maxPrice is the largest price a generator prints (10^15): a path that
// climbs above it ends with an error rather than overflowing.
var maxPrice = decimal.New(1, 15)

// defaultStart is tick 0's time when PathSettings.Start is zero.
var defaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// PathSettings are what every drawn price path shares: when it starts,
// how often it ticks, for how long, from which price and to which scale.
type PathSettings struct {
	// Start is the time of tick 0; ticks are stamped in UTC whatever
	// its location, and every tick must fall in the years 1 to 9999 (what
	// RFC 3339 and the oracles accept). Zero means 2026-01-01 00:00 UTC.
	Start time.Time
	// Step is the time between two ticks, in (0, MaxStep]. Zero means one
	// hour.
	Step time.Duration
	// Ticks is the number of ticks, in [1, MaxTicks], with Ticks × Step at
	// most a hundred years. Zero means 168 (a week of hours).
	Ticks int
	// Price is the price at tick 0, in (0, 10^15], at most Scale decimal
	// places. Zero means 100.
	Price decimal.Decimal
	// Scale is the number of decimal places of every price, in
	// [1, MaxScale]. Zero means 8.
	Scale int32
}

// withDefaults validates s and fills its defaults.
func (s PathSettings) withDefaults() (PathSettings, error) {
	if s.Start.IsZero() {
		s.Start = defaultStart
	}
	s.Start = s.Start.UTC() // every tick in UTC, whatever the host's zone
	if s.Step == 0 {
		s.Step = time.Hour
	}
	if s.Ticks == 0 {
		s.Ticks = 168
	}
	if s.Scale == 0 {
		s.Scale = 8
	}
	if s.Price.IsZero() {
		s.Price = decimal.New(100, 0)
	}
	if s.Step < 0 || s.Step > MaxStep {
		return s, fmt.Errorf("%w: step %s outside (0, %s]", ErrInvalidInput, s.Step, MaxStep)
	}
	if s.Ticks < 1 || s.Ticks > MaxTicks {
		return s, fmt.Errorf("%w: ticks %d outside [1, %d]", ErrInvalidInput, s.Ticks, MaxTicks)
	}
	if time.Duration(s.Ticks) > maxSpan/s.Step {
		return s, fmt.Errorf("%w: %d ticks of %s span more than a hundred years", ErrInvalidInput, s.Ticks, s.Step)
	}
	if s.Start.Year() < 1 || s.Start.Year() > 9999 || s.timeAt(s.Ticks-1).Year() > 9999 {
		return s, fmt.Errorf("%w: %d ticks of %s from %s leave the years 1 to 9999", ErrInvalidInput, s.Ticks, s.Step, s.Start.Format(time.RFC3339))
	}
	if s.Scale < 1 || s.Scale > MaxScale {
		return s, fmt.Errorf("%w: scale %d outside [1, %d]", ErrInvalidInput, s.Scale, MaxScale)
	}
	if err := checkPrice(s.Price, s.Scale); err != nil {
		return s, fmt.Errorf("%w: start price: %s", ErrInvalidInput, err)
	}
	return s, nil
}

// checkPrice says why p is no price of scale places: not positive, above
// 10^15, finer than scale, or an absurd exponent. It never formats p
// unchecked.
func checkPrice(p decimal.Decimal, scale int32) error {
	if err := num.CheckPositive(p); err != nil {
		return err
	}
	if p.GreaterThan(maxPrice) {
		return fmt.Errorf("%s above 10^15", p)
	}
	if finer(p, scale) {
		return fmt.Errorf("%s finer than %d places", p, scale)
	}
	return nil
}

// finer is true when v has a non-zero digit beyond places decimal places
// (trailing zeros do not count: 0.35000 has two places). v must have
// passed num.Check.
func finer(v decimal.Decimal, places int32) bool {
	return !v.Equal(v.Truncate(places))
}

// timeAt is the time of tick seq.
func (s PathSettings) timeAt(seq int) time.Time {
	return s.Start.Add(time.Duration(seq) * s.Step)
}

// pathScenario is a Scenario that prices tick seq with next and stamps it
// at Start + seq × Step. After an error it keeps returning that error.
type pathScenario struct {
	s    PathSettings
	seq  int
	err  error
	next func(seq int) (decimal.Decimal, error)
}

// Next returns the next tick.
func (p *pathScenario) Next() (Tick, bool, error) {
	if p.err != nil {
		return Tick{}, false, p.err
	}
	if p.seq >= p.s.Ticks {
		return Tick{}, false, nil
	}
	price, err := p.next(p.seq)
	if err != nil {
		p.err = err
		return Tick{}, false, err
	}
	t := Tick{Seq: p.seq, Time: p.s.timeAt(p.seq), Price: price}
	p.seq++
	return t, true, nil
}

// Collect reads every tick of sc, at most limit of them (limit ≤ 0: no
// limit beyond MaxTicks). It is for tests, examples and short paths; a
// runner reads a tick at a time.
func Collect(sc Scenario, limit int) ([]Tick, error) {
	if limit <= 0 || limit > MaxTicks {
		limit = MaxTicks
	}
	var out []Tick
	for len(out) < limit {
		t, ok, err := sc.Next()
		if err != nil {
			return out, err
		}
		if !ok {
			break
		}
		out = append(out, t)
	}
	return out, nil
}

package portfolio

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// VolMove is a scenario's volatility state.
type VolMove int

const (
	// VolSame keeps each option's volatility.
	VolSame VolMove = iota
	// VolUp shocks volatility up by the grid's VolShock.
	VolUp
	// VolDown shocks volatility down by the grid's VolShock.
	VolDown
)

// String returns "same", "up" or "down".
func (v VolMove) String() string {
	switch v {
	case VolSame:
		return "same"
	case VolUp:
		return "up"
	case VolDown:
		return "down"
	}
	return fmt.Sprintf("VolMove(%d)", int(v))
}

// Scenario is one market move of a grid: every underlying moves by Steps /
// Grid.Denominator of its scan range plus Shift of its price, and every
// option's volatility moves by Vol.
type Scenario struct {
	// Name labels the scenario in results ("up 1/3, vol down").
	Name string `json:"name"`
	// Steps is the price move in units of 1/Grid.Denominator of each
	// underlying's scan range (SPAN's thirds: −3 … 3 with Denominator 3).
	Steps int64 `json:"steps"`
	// Shift is an extra price move as a fraction of the price (Deribit's
	// extended table: −0.66 … 5). Zero by default. The moved price must
	// stay positive.
	Shift decimal.Decimal `json:"shift"`
	// Vol is the volatility state (VolSame by default).
	Vol VolMove `json:"vol"`
	// Coverage is the fraction of the modelled loss charged, in (0, 1]
	// (SPAN's extreme moves: 0.35). Zero means 1. Published risk arrays
	// (Kind RiskArray) are taken as given, already covered.
	Coverage decimal.Decimal `json:"coverage"`
}

// VolShock sizes the volatility moves of VolUp and VolDown scenarios.
//
// The shock at time to expiry T (in days) is Up (or Down) ×
// (PivotDays / T)^Power, with ShortPower for T ≤ PivotDays and LongPower
// beyond (Deribit's vega power rule); with both powers zero it is Up (or
// Down) for every expiry. Relative shocks scale the volatility (σ·(1 ±
// shock)), absolute ones add vol points (σ ± shock). Up-shocked
// volatility is at least MinUp; down-shocked volatility at least 0;
// both at most MaxVol.
type VolShock struct {
	// Up is the up shock (a fraction ≥ 0). Zero: no up move.
	Up decimal.Decimal `json:"up"`
	// Down is the down shock (≥ 0; relative shocks below 1). Zero: no down
	// move.
	Down decimal.Decimal `json:"down"`
	// Relative selects σ·(1 ± shock) instead of σ ± shock.
	Relative bool `json:"relative,omitempty"`
	// PivotDays is the expiry at which the shock is exactly Up / Down
	// (Deribit: 30). Zero disables the power rule.
	PivotDays decimal.Decimal `json:"pivot_days"`
	// ShortPower is the exponent for expiries up to PivotDays (Deribit:
	// 0.30), in [0, 2].
	ShortPower decimal.Decimal `json:"short_power"`
	// LongPower is the exponent beyond PivotDays (Deribit: 0.13), in [0, 2].
	LongPower decimal.Decimal `json:"long_power"`
	// MinUp is the least volatility of a VolUp scenario (Deribit: 0.5 for
	// BTC). Zero by default.
	MinUp decimal.Decimal `json:"min_up"`
	// MinDays floors the time to expiry in the power rule, (PivotDays /
	// max(MinDays, days))^Power (Paradex's "DTE floor",
	// docs.paradex.trade/risk/portfolio-margin), in [0, PivotDays]. Zero:
	// no floor (the factor is then capped at 90).
	MinDays decimal.Decimal `json:"min_days"`
}

// Grid is a scenario grid as data: the requirement of a group of
// underlyings is its worst covered scenario loss.
type Grid struct {
	// Name labels the grid.
	Name string `json:"name"`
	// Denominator divides Scenario.Steps (SPAN 3, Deribit 4, TIMS 9);
	// in [1, 10^6].
	Denominator int64 `json:"denominator"`
	// Scenarios are evaluated in order; ties go to the first. 1 … 1,000.
	Scenarios []Scenario `json:"scenarios"`
	// VolShock sizes the VolUp and VolDown moves.
	VolShock VolShock `json:"vol_shock"`
	// LookAheadSeconds values options this many seconds closer to expiry
	// in every scenario (SPAN's one trading day); 0 by default, at most a
	// year.
	LookAheadSeconds int64 `json:"look_ahead_seconds"`
}

// maxScenarios bounds a grid's size.
const maxScenarios = 1000

// validate checks a grid before any arithmetic.
func (g *Grid) validate() error {
	if g.Denominator < 1 || g.Denominator > 1_000_000 {
		return fmt.Errorf("%w: grid %q: denominator %d outside [1, 10^6]", ErrInvalidSettings, g.Name, g.Denominator)
	}
	if len(g.Scenarios) == 0 || len(g.Scenarios) > maxScenarios {
		return fmt.Errorf("%w: grid %q: %d scenarios, want 1 … %d", ErrInvalidSettings, g.Name, len(g.Scenarios), maxScenarios)
	}
	if g.LookAheadSeconds < 0 || g.LookAheadSeconds > secondsPerYear {
		return fmt.Errorf("%w: grid %q: look-ahead %d s outside [0, one year]", ErrInvalidSettings, g.Name, g.LookAheadSeconds)
	}
	for i, s := range g.Scenarios {
		if s.Steps < -1_000_000_000 || s.Steps > 1_000_000_000 {
			return fmt.Errorf("%w: grid %q scenario %d: steps out of range", ErrInvalidSettings, g.Name, i)
		}
		if err := num.Check(s.Shift); err != nil {
			return fmt.Errorf("%w: grid %q scenario %d: shift: %w", ErrInvalidSettings, g.Name, i, err)
		}
		if s.Shift.Cmp(decimal.NewFromInt(-1)) <= 0 || s.Shift.Cmp(decimal.NewFromInt(100)) > 0 {
			return fmt.Errorf("%w: grid %q scenario %d: shift %s outside (−1, 100]", ErrInvalidSettings, g.Name, i, s.Shift)
		}
		if s.Vol < VolSame || s.Vol > VolDown {
			return fmt.Errorf("%w: grid %q scenario %d: vol move %d", ErrInvalidSettings, g.Name, i, int(s.Vol))
		}
		if err := num.CheckNonNegative(s.Coverage); err != nil {
			return fmt.Errorf("%w: grid %q scenario %d: coverage: %w", ErrInvalidSettings, g.Name, i, err)
		}
		if s.Coverage.Cmp(decimal.NewFromInt(1)) > 0 {
			return fmt.Errorf("%w: grid %q scenario %d: coverage %s above 1", ErrInvalidSettings, g.Name, i, s.Coverage)
		}
	}
	v := g.VolShock
	for _, f := range []struct {
		name string
		d    decimal.Decimal
		max  decimal.Decimal
	}{{"up", v.Up, MaxVol}, {"down", v.Down, MaxVol}, {"pivot days", v.PivotDays, decimal.NewFromInt(3650)}, {"short power", v.ShortPower, decimal.NewFromInt(2)}, {"long power", v.LongPower, decimal.NewFromInt(2)}, {"min up", v.MinUp, MaxVol}, {"min days", v.MinDays, v.PivotDays}} {
		if err := num.CheckNonNegative(f.d); err != nil {
			return fmt.Errorf("%w: grid %q vol shock %s: %w", ErrInvalidSettings, g.Name, f.name, err)
		}
		if f.d.Cmp(f.max) > 0 {
			return fmt.Errorf("%w: grid %q vol shock %s %s above %s", ErrInvalidSettings, g.Name, f.name, f.d, f.max)
		}
	}
	if v.Relative && v.Down.Cmp(decimal.NewFromInt(1)) > 0 {
		return fmt.Errorf("%w: grid %q: relative down shock %s above 1", ErrInvalidSettings, g.Name, v.Down)
	}
	return nil
}

// coverage returns the scenario's coverage, 1 when zero.
func (s Scenario) coverage() decimal.Decimal {
	if s.Coverage.IsZero() {
		return decimal.NewFromInt(1)
	}
	return s.Coverage
}

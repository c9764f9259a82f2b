package portfolio

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Settings configure an Engine.
type Settings struct {
	// Underlyings are the prices the grid moves; IDs unique; at least one.
	Underlyings []Underlying `json:"underlyings"`
	// Instruments are the contracts a book may hold; IDs unique, each on a
	// listed underlying; at most 10⁶, and instruments × grid scenarios at
	// most 10⁷ (so 10,000 instruments under a 1,000-scenario grid).
	Instruments []Instrument `json:"instruments"`
	// Grid is the scenario grid (SPAN16, DeribitPM, TIMS or your own).
	Grid Grid `json:"grid"`
	// AddOns are the charges and credits beyond the scan (none by
	// default).
	AddOns AddOns `json:"add_ons"`
	// Scale is the number of decimal places of requirements (rounded up)
	// and equity (rounded down), 1 … 18; zero means 8.
	Scale int32 `json:"scale"`
	// InitialFactor is initial / maintenance, ≥ 1 (the requirement the
	// grid gives is the maintenance requirement); zero means 1.
	InitialFactor decimal.Decimal `json:"initial_factor"`
}

// Engine margins books of futures and options by scenario grid. It keeps
// no state beyond its configuration: it is safe for concurrent use and has
// nothing to snapshot.
type Engine struct {
	unders    []Underlying
	underIdx  map[string]int
	groups    []string
	groupOf   []int // underlying → group
	groupIdx  map[string]int
	pgOf      []int // group → product group, −1 when none
	insts     []Instrument
	instIdx   map[string]int
	instUnder []int
	grid      Grid
	addOns    AddOns
	scale     int32
	initial   decimal.Decimal
	lnPivot   int64 // ln(PivotDays / 365), when the power rule is on
	vs        volShockW
	moves     []*moves // per underlying with a ScanFraction: its scenario moves
	sc        []scenarioC
	prep      []instPrep // per instrument (see prepare)
}

// scenarioC is a scenario prepared for the kernel.
type scenarioC struct {
	steps      decimal.Decimal // Steps / Denominator, exact as a fraction below
	shift      decimal.Decimal
	vol        VolMove
	coverage   decimal.Decimal
	coverageN  fixed.Num // coverage in the kernel, when it fits
	coverageOK bool
	full       bool
}

// maxRevaluations bounds instruments × scenarios, the revaluations (and
// int64 gains) Arrays of the whole book computes: 10⁷ is ~80 MB and
// seconds, where 10⁶ instruments × 1,000 scenarios needed ~8 GB.
const maxRevaluations = 10_000_000

// New validates the settings and returns an Engine. Errors wrap
// ErrInvalidSettings.
func New(s Settings) (*Engine, error) {
	if err := s.Grid.validate(); err != nil {
		return nil, err
	}
	if len(s.Underlyings) == 0 {
		return nil, fmt.Errorf("%w: no underlyings", ErrInvalidSettings)
	}
	if len(s.Underlyings) > 10_000 || len(s.Instruments) > 1_000_000 {
		return nil, fmt.Errorf("%w: too many underlyings or instruments", ErrInvalidSettings)
	}
	if n := int64(len(s.Instruments)) * int64(len(s.Grid.Scenarios)); n > maxRevaluations {
		return nil, fmt.Errorf("%w: %d instruments × %d scenarios = %d revaluations (at most %d)", ErrInvalidSettings, len(s.Instruments), len(s.Grid.Scenarios), n, maxRevaluations)
	}
	if s.Scale < 0 || s.Scale > 18 {
		return nil, fmt.Errorf("%w: scale %d outside [1, 18]", ErrInvalidSettings, s.Scale)
	}
	e := &Engine{underIdx: map[string]int{}, instIdx: map[string]int{}, grid: s.Grid, addOns: s.AddOns, scale: s.Scale}
	e.grid.Scenarios = append([]Scenario(nil), s.Grid.Scenarios...)
	if e.scale == 0 {
		e.scale = 8
	}
	e.initial = s.InitialFactor
	if e.initial.IsZero() {
		e.initial = decimal.NewFromInt(1)
	}
	if err := num.Check(e.initial); err != nil {
		return nil, fmt.Errorf("%w: initial factor: %w", ErrInvalidSettings, err)
	}
	if e.initial.Cmp(decimal.NewFromInt(1)) < 0 || e.initial.Cmp(decimal.NewFromInt(100)) > 0 {
		return nil, fmt.Errorf("%w: initial factor %s outside [1, 100]", ErrInvalidSettings, e.initial)
	}
	groupIdx := map[string]int{}
	for i, u := range s.Underlyings {
		if err := validateUnderlying(u); err != nil {
			return nil, err
		}
		if _, dup := e.underIdx[u.ID]; dup {
			return nil, fmt.Errorf("%w: underlying %q listed twice", ErrInvalidSettings, u.ID)
		}
		e.underIdx[u.ID] = i
		g, ok := groupIdx[u.group()]
		if !ok {
			g = len(e.groups)
			groupIdx[u.group()] = g
			e.groups = append(e.groups, u.group())
		}
		e.groupOf = append(e.groupOf, g)
		e.unders = append(e.unders, u)
	}
	for _, in := range s.Instruments {
		if err := validateInstrument(in, len(s.Grid.Scenarios)); err != nil {
			return nil, err
		}
		if _, dup := e.instIdx[in.ID]; dup {
			return nil, fmt.Errorf("%w: instrument %q listed twice", ErrInvalidSettings, in.ID)
		}
		u, ok := e.underIdx[in.Underlying]
		if !ok {
			return nil, fmt.Errorf("%w: instrument %q: underlying %q not listed", ErrInvalidSettings, in.ID, in.Underlying)
		}
		e.instIdx[in.ID] = len(e.insts)
		in.Array = append([]decimal.Decimal(nil), in.Array...)
		e.insts = append(e.insts, in)
		e.instUnder = append(e.instUnder, u)
	}
	if err := e.addOns.validate(groupIdx); err != nil {
		return nil, err
	}
	pgOf, err := e.addOns.validateProductGroups(groupIdx)
	if err != nil {
		return nil, err
	}
	e.groupIdx, e.pgOf = groupIdx, pgOf
	for _, sc := range s.Grid.Scenarios {
		c := scenarioC{steps: decimal.NewFromInt(sc.Steps), shift: sc.Shift, vol: sc.Vol, coverage: sc.coverage(), full: sc.coverage().Equal(decimal.NewFromInt(1))}
		c.coverageN, c.coverageOK = fixed.FromDecimal(c.coverage)
		e.sc = append(e.sc, c)
	}
	e.vs = newVolShockW(s.Grid.VolShock)
	e.prepare()
	e.moves = make([]*moves, len(e.unders))
	for i, u := range e.unders {
		if u.ScanFraction.Sign() > 0 {
			mv, err := e.movesOf(u, decimal.Zero)
			if err != nil { // err wraps ErrRange: say it once, as a setting
				return nil, fmt.Errorf("%w: underlying %q: a scenario moves its price to 10^-6 of itself or less, or beyond 900 times", ErrInvalidSettings, u.ID)
			}
			e.moves[i] = mv
		}
	}
	if v := s.Grid.VolShock; v.PivotDays.Sign() > 0 {
		var k kern
		e.lnPivot = k.lnDec(num.Div(v.PivotDays, decimal.NewFromInt(365), wScale, num.HalfEven))
		if k.bad {
			return nil, fmt.Errorf("%w: vol shock pivot days %s", ErrInvalidSettings, v.PivotDays)
		}
	}
	return e, nil
}

// Scale returns the number of decimal places of the Engine's results.
func (e *Engine) Scale() int32 { return e.scale }

// Grid returns a copy of the Engine's grid.
func (e *Engine) Grid() Grid {
	g := e.grid
	g.Scenarios = append([]Scenario(nil), e.grid.Scenarios...)
	return g
}

// Marks are the market inputs of one valuation.
type Marks struct {
	// Prices are the underlyings' prices (forward or futures price for the
	// options on them), by Underlying ID; each > 0.
	Prices map[string]decimal.Decimal `json:"prices"`
	// Vols are the options' implied volatilities by Instrument ID, in
	// [0, MaxVol].
	Vols map[string]decimal.Decimal `json:"vols"`
	// Rate is the discount rate of Black-76, in [−1, 1], with |Rate × years
	// to expiry| ≤ 0.5 for every option valued; zero by default.
	Rate decimal.Decimal `json:"rate"`
}

// Position is a holding of one instrument. A book may hold several
// positions (lots) in one instrument: the scan nets them.
type Position struct {
	// Instrument is the instrument ID.
	Instrument string `json:"instrument"`
	// Size is the signed number of contracts (long > 0); never zero.
	Size decimal.Decimal `json:"size"`
	// Entry is a future's entry price (> 0), used for equity only; ignored
	// for options (their premium is in the wallet) and risk arrays.
	Entry decimal.Decimal `json:"entry"`
}

// checkNow refuses a zero time.
func checkNow(now time.Time) error {
	if now.IsZero() {
		return fmt.Errorf("%w: zero time", ErrInvalidInput)
	}
	return nil
}

package margin

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Rule says how a tier table turns a notional into a maintenance requirement.
type Rule int

const (
	// Marginal is the "tax bracket" rule of Binance and Bybit: maintenance =
	// notional × rate(tier) − cum(tier), with the maintenance amount cum
	// derived by cum₁ = 0, cumₙ = floorₙ × (rateₙ − rateₙ₋₁) + cumₙ₋₁. The
	// requirement is continuous at every boundary. This is the zero value.
	// Sources: Binance "Leverage and Margin of USDⓈ-M Futures"
	// (Maintenance Margin = Notional × MMR − Maintenance Amount); Bybit
	// "Maintenance Margin (USDT Contract)" (MM deduction).
	Marginal Rule = iota
	// Step is the whole-position rule of BitMEX risk limits: the rate of the
	// tier the notional falls in applies to the whole position, so the
	// requirement jumps at each boundary. Source: BitMEX "Risk Limits
	// Examples": maintenance = base + steps × base maintenance.
	Step
)

// String names the rule.
func (r Rule) String() string {
	switch r {
	case Marginal:
		return "marginal"
	case Step:
		return "step"
	}
	return fmt.Sprintf("Rule(%d)", int(r))
}

// Tier is one bracket of a schedule, as a venue publishes it. On Marginal
// tables a notional v is in the tier when Floor < v ≤ Cap (the first tier
// also holds 0), as Binance publishes its brackets ("0 < Position ≤
// 50,000", "50,000 < Position ≤ 250,000": Binance, "Updates to Leverage
// and Margin Tiers of Binance Futures Contracts", 2021-03-18). On Step
// tables it is Floor ≤ v < Cap, as the BitMEX risk-limit example reads
// ("< 350 XBT" is the first step), and the last tier includes its Cap.
// Notionals are in the settlement asset (quote for linear contracts, coin
// for inverse contracts).
type Tier struct {
	// Floor is the lowest notional of the tier; the first tier's Floor must
	// be 0 and each later Floor must equal the previous Cap.
	Floor decimal.Decimal `json:"floor"`
	// Cap is the notional where the tier ends; caps strictly increase.
	Cap decimal.Decimal `json:"cap"`
	// MaintenanceRate is the maintenance margin rate, in (0, 1); rates are
	// non-decreasing from tier to tier. Zero is refused: a position with no
	// maintenance requirement could never be liquidated, even with negative
	// equity (Liquidatable needs maintenance > 0).
	MaintenanceRate decimal.Decimal `json:"maintenance_rate"`
	// InitialRate is the initial margin rate, with MaintenanceRate ≤
	// InitialRate ≤ 1, non-decreasing from tier to tier. Zero means "use
	// 1 / MaxLeverage".
	InitialRate decimal.Decimal `json:"initial_rate"`
	// MaxLeverage is the highest leverage allowed in the tier (≥ 1), used
	// when InitialRate is zero; the initial rate is then 1 / MaxLeverage and
	// the initial requirement is notional / MaxLeverage rounded up. Giving
	// both InitialRate and MaxLeverage is refused (one would be ignored).
	MaxLeverage decimal.Decimal `json:"max_leverage"`
	// Cum is the published maintenance amount. Nil means "derive it by the
	// recursion"; a given value that contradicts the recursion is refused.
	// Step tiers have no maintenance amount: a non-zero Cum is refused.
	Cum *decimal.Decimal `json:"cum,omitempty"`
}

type tier struct {
	floor, cap decimal.Decimal
	mmr        decimal.Decimal
	imr        decimal.Decimal // zero when lev is used
	lev        decimal.Decimal // zero when imr is used
	cum        decimal.Decimal
}

// Schedule is a validated tier table. It is immutable and safe for
// concurrent use. Build one with NewSchedule.
type Schedule struct {
	rule  Rule
	tiers []tier
}

// NewSchedule validates a tier table and derives the maintenance amounts.
// It refuses (ErrInvalidTiers): an empty table, a first floor other than 0,
// a floor that is not the previous cap, caps that do not strictly increase,
// a maintenance rate outside (0, 1) or below the previous tier's, an
// initial rate outside [maintenance rate, 1] (or a max leverage below 1
// when the initial rate is not given, or both given), an initial rate that
// decreases, a given Cum that contradicts cumₙ = floorₙ × (rateₙ −
// rateₙ₋₁) + cumₙ₋₁, and more than MaxTiers tiers.
func NewSchedule(rule Rule, tiers []Tier) (*Schedule, error) {
	if rule != Marginal && rule != Step {
		return nil, fmt.Errorf("%w: unknown rule %d", ErrInvalidTiers, int(rule))
	}
	if len(tiers) == 0 {
		return nil, fmt.Errorf("%w: no tiers", ErrInvalidTiers)
	}
	if len(tiers) > MaxTiers {
		return nil, fmt.Errorf("%w: %d tiers, at most %d", ErrInvalidTiers, len(tiers), MaxTiers)
	}
	one := decimal.NewFromInt(1)
	out := make([]tier, len(tiers))
	for i, t := range tiers {
		for j, d := range [...]decimal.Decimal{t.Floor, t.Cap, t.MaintenanceRate, t.InitialRate, t.MaxLeverage} {
			if err := num.CheckNonNegative(d); err != nil {
				return nil, fmt.Errorf("%w: tier %d %s: %w", ErrInvalidTiers, i+1, tierFields[j], err)
			}
		}
		if i == 0 && !t.Floor.IsZero() {
			return nil, fmt.Errorf("%w: first floor is %s, want 0", ErrInvalidTiers, t.Floor)
		}
		if i > 0 && !t.Floor.Equal(tiers[i-1].Cap) {
			return nil, fmt.Errorf("%w: tier %d floor %s is not the previous cap %s", ErrInvalidTiers, i+1, t.Floor, tiers[i-1].Cap)
		}
		if t.Cap.Cmp(t.Floor) <= 0 {
			return nil, fmt.Errorf("%w: tier %d cap %s not above floor %s", ErrInvalidTiers, i+1, t.Cap, t.Floor)
		}
		if t.MaintenanceRate.Sign() <= 0 || t.MaintenanceRate.Cmp(one) >= 0 {
			return nil, fmt.Errorf("%w: tier %d maintenance rate %s outside (0, 1)", ErrInvalidTiers, i+1, t.MaintenanceRate)
		}
		x := tier{floor: t.Floor, cap: t.Cap, mmr: t.MaintenanceRate}
		if !t.InitialRate.IsZero() && !t.MaxLeverage.IsZero() {
			return nil, fmt.Errorf("%w: tier %d gives both an initial rate and a max leverage: give one", ErrInvalidTiers, i+1)
		}
		if t.InitialRate.IsZero() {
			if t.MaxLeverage.Cmp(one) < 0 {
				return nil, fmt.Errorf("%w: tier %d needs an initial rate or a max leverage ≥ 1", ErrInvalidTiers, i+1)
			}
			// 1/lev ≥ mmr  ⇔  mmr × lev ≤ 1
			if t.MaintenanceRate.Mul(t.MaxLeverage).Cmp(one) > 0 {
				return nil, fmt.Errorf("%w: tier %d max leverage %s gives an initial rate below the maintenance rate %s", ErrInvalidTiers, i+1, t.MaxLeverage, t.MaintenanceRate)
			}
			x.lev = t.MaxLeverage
		} else {
			if t.InitialRate.Cmp(one) > 0 || t.InitialRate.Cmp(t.MaintenanceRate) < 0 {
				return nil, fmt.Errorf("%w: tier %d initial rate %s outside [maintenance rate %s, 1]", ErrInvalidTiers, i+1, t.InitialRate, t.MaintenanceRate)
			}
			x.imr = t.InitialRate
		}
		if i > 0 {
			prev := out[i-1]
			if x.mmr.Cmp(prev.mmr) < 0 {
				return nil, fmt.Errorf("%w: tier %d maintenance rate %s below tier %d's %s", ErrInvalidTiers, i+1, x.mmr, i, prev.mmr)
			}
			if cmpInitial(x, prev) < 0 {
				return nil, fmt.Errorf("%w: tier %d initial rate below tier %d's", ErrInvalidTiers, i+1, i)
			}
			if rule == Marginal {
				x.cum = x.floor.Mul(x.mmr.Sub(prev.mmr)).Add(prev.cum)
			}
		}
		if t.Cum != nil {
			if err := num.Check(*t.Cum); err != nil {
				return nil, fmt.Errorf("%w: tier %d cum: %w", ErrInvalidTiers, i+1, err)
			}
			if !t.Cum.Equal(x.cum) {
				return nil, fmt.Errorf("%w: tier %d cum %s contradicts the recursion (%s)", ErrInvalidTiers, i+1, *t.Cum, x.cum)
			}
		}
		out[i] = x
	}
	return &Schedule{rule: rule, tiers: out}, nil
}

var tierFields = [...]string{"floor", "cap", "maintenance rate", "initial rate", "max leverage"}

// cmpInitial compares the initial rates of two tiers exactly, whichever of
// rate or leverage each was given with.
func cmpInitial(a, b tier) int {
	switch {
	case !a.imr.IsZero() && !b.imr.IsZero():
		return a.imr.Cmp(b.imr)
	case a.imr.IsZero() && b.imr.IsZero():
		return b.lev.Cmp(a.lev) // 1/a vs 1/b
	case a.imr.IsZero(): // 1/a.lev vs b.imr ⇔ 1 vs b.imr × a.lev
		return decimal.NewFromInt(1).Cmp(b.imr.Mul(a.lev))
	default: // a.imr vs 1/b.lev ⇔ a.imr × b.lev vs 1
		return a.imr.Mul(b.lev).Cmp(decimal.NewFromInt(1))
	}
}

// MaxTiers is the most tiers a schedule may have (NewSchedule) and the
// most steps RiskLimitTiers builds. Published tables are short (Binance
// BTCUSDT has 11 brackets, BitMEX XBTUSD about 10 risk-limit steps); the
// bound keeps every lookup fast and refuses a runaway count.
const MaxTiers = 1000

// RiskLimitTiers builds a BitMEX-style Step table: the first tier covers
// [0, base) at baseMaint / baseInit; each of the following steps widens by
// step and raises both rates by baseMaint, so tier k (k = 0…steps) has
// maintenance baseMaint × (k+1) and initial baseInit + k × baseMaint.
// Source: BitMEX "Risk Limits Examples" (XBTUSD: base 200 XBT, step 150,
// 0.50% / 1.00% → < 350 XBT at 1.00% / 1.50%). Use it with NewSchedule(Step, …).
// It refuses (ErrInvalidTiers) steps outside [0, MaxTiers − 1], a base,
// step or rate that is not a positive decimal in range; NewSchedule then
// validates the rates (maintenance below 1, initial at most 1).
func RiskLimitTiers(base, step, baseMaint, baseInit decimal.Decimal, steps int) ([]Tier, error) {
	if steps < 0 || steps > MaxTiers-1 {
		return nil, fmt.Errorf("%w: risk-limit steps %d outside [0, %d]", ErrInvalidTiers, steps, MaxTiers-1)
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"base", base}, {"step", step}, {"base maintenance rate", baseMaint}, {"base initial rate", baseInit}} {
		if err := num.CheckPositive(f.v); err != nil {
			return nil, fmt.Errorf("%w: risk-limit %s: %w", ErrInvalidTiers, f.name, err)
		}
	}
	out := make([]Tier, 0, steps+1)
	floor := decimal.Zero
	for k := 0; k <= steps; k++ {
		kd := decimal.NewFromInt(int64(k))
		cp := base.Add(step.Mul(kd))
		out = append(out, Tier{
			Floor:           floor,
			Cap:             cp,
			MaintenanceRate: baseMaint.Add(baseMaint.Mul(kd)),
			InitialRate:     baseInit.Add(baseMaint.Mul(kd)),
		})
		floor = cp
	}
	return out, nil
}

// ruleOf returns the schedule's stepping rule.
func (s *Schedule) ruleOf() Rule {
	if s == nil {
		return Marginal
	}
	return s.rule
}

// size returns the number of tiers (0 for a Schedule not built with
// NewSchedule).
func (s *Schedule) size() int {
	if s == nil {
		return 0
	}
	return len(s.tiers)
}

// ready refuses a nil or zero-value Schedule (not built with NewSchedule).
func (s *Schedule) ready() error {
	if s == nil || len(s.tiers) == 0 {
		return fmt.Errorf("%w: Schedule not built with NewSchedule", ErrInvalidTiers)
	}
	return nil
}

// LastCap returns the last tier's cap: above it a position is margined at
// the last tier, continued, and must be reduced. Zero for a Schedule not
// built with NewSchedule.
func (s *Schedule) LastCap() decimal.Decimal {
	if s.ready() != nil {
		return decimal.Zero
	}
	return s.tiers[len(s.tiers)-1].cap
}

// Tiers returns the validated table with every Cum filled in (a copy).
func (s *Schedule) Tiers() []Tier {
	if s.ready() != nil {
		return nil
	}
	out := make([]Tier, len(s.tiers))
	for i, t := range s.tiers {
		cum := t.cum
		out[i] = Tier{Floor: t.floor, Cap: t.cap, MaintenanceRate: t.mmr, InitialRate: t.imr, MaxLeverage: t.lev, Cum: &cum}
	}
	return out
}

// Cum returns the maintenance amount of tier i, 0 ≤ i < Len(). An i out
// of range is ErrInvalidInput (Tiers returns the whole table).
func (s *Schedule) Cum(i int) (decimal.Decimal, error) {
	if err := s.ready(); err != nil {
		return decimal.Zero, err
	}
	if i < 0 || i >= len(s.tiers) {
		return decimal.Zero, fmt.Errorf("%w: tier %d outside [0, %d)", ErrInvalidInput, i, len(s.tiers))
	}
	return s.tiers[i].cum, nil
}

// TierIndex returns the 0-based tier a notional falls in (see Tier for
// which tier owns a notional exactly at a cap). A negative notional is ErrInvalidInput;
// a notional above the last cap lies in no tier and is ErrAboveLastCap
// (Maintenance and Initial continue the last tier there instead).
func (s *Schedule) TierIndex(notional decimal.Decimal) (int, error) {
	if err := s.ready(); err != nil {
		return 0, err
	}
	if err := num.CheckNonNegative(notional); err != nil {
		return 0, fmt.Errorf("%w: notional: %w", ErrInvalidInput, err)
	}
	i, above := s.index(notional, decimal.Decimal{}, true)
	if above {
		return 0, fmt.Errorf("%w: notional above %s", ErrAboveLastCap, s.tiers[i].cap)
	}
	return i, nil
}

// index finds the tier of the notional n / d (d > 0), or of n when one is
// set, without dividing. A notional above the last cap gets the last tier
// (continued: fail closed, DESIGN rule 10) and above = true.
func (s *Schedule) index(n, d decimal.Decimal, one bool) (i int, above bool) {
	last := len(s.tiers) - 1
	for i := range s.tiers {
		c := s.tiers[i].cap
		if !one {
			c = c.Mul(d)
		}
		if cmp := n.Cmp(c); cmp < 0 || (cmp == 0 && (s.rule == Marginal || i == last)) {
			return i, false
		}
	}
	return last, true
}

// Maintenance returns the exact maintenance requirement of a notional:
// notional × rate − cum (Marginal: Binance "Leverage and Margin of USDⓈ-M
// Futures", Maintenance Margin = Notional × MMR − Maintenance Amount) or
// notional × rate (Step: BitMEX risk limits). No rounding: the product of
// two decimals is exact; the Calculator rounds the requirements it reports
// up to its Scale (the venue's favour).
//
// A notional above the last cap is margined at the last tier, continued
// (notional × last rate − last cum): a position the market has pushed past
// the table still has a requirement and can be liquidated (fail closed);
// such a position must be reduced (notional > LastCap()). A negative or
// absurd notional is ErrInvalidInput.
func (s *Schedule) Maintenance(notional decimal.Decimal) (decimal.Decimal, error) {
	if err := s.ready(); err != nil {
		return decimal.Zero, err
	}
	if err := num.CheckNonNegative(notional); err != nil {
		return decimal.Zero, fmt.Errorf("%w: notional: %w", ErrInvalidInput, err)
	}
	i, _ := s.index(notional, decimal.Decimal{}, true)
	t := s.tiers[i]
	return notional.Mul(t.mmr).Sub(t.cum), nil
}

// Initial returns the initial requirement of a notional, rounded up to
// scale places: notional × initial rate of its tier (the whole notional, on
// both rules, as Binance, Bybit and BitMEX charge it), or notional /
// max leverage when the tier was given by leverage. Above the last cap the
// last tier is continued, as in Maintenance. ErrInvalidInput for a
// negative or absurd notional or a scale outside [0, num.MaxScale].
func (s *Schedule) Initial(notional decimal.Decimal, scale int32) (decimal.Decimal, error) {
	if err := s.ready(); err != nil {
		return decimal.Zero, err
	}
	if scale < 0 || scale > num.MaxScale {
		return decimal.Zero, fmt.Errorf("%w: scale %d outside [0, %d]", ErrInvalidInput, scale, num.MaxScale)
	}
	if err := num.CheckNonNegative(notional); err != nil {
		return decimal.Zero, fmt.Errorf("%w: notional: %w", ErrInvalidInput, err)
	}
	i, _ := s.index(notional, decimal.Decimal{}, true)
	return s.tiers[i].initial(notional, decimal.NewFromInt(1), scale), nil
}

// initial returns (n / d) × initial rate rounded up at scale.
func (t tier) initial(n, d decimal.Decimal, scale int32) decimal.Decimal {
	if t.lev.IsZero() {
		return divCeil(n.Mul(t.imr), d, scale)
	}
	return divCeil(n, d.Mul(t.lev), scale)
}

// MaxNotional returns the notional limit at the given leverage: the cap of
// the last tier whose initial rate is at most 1 / leverage (Binance
// "maximum position at leverage"). On Marginal tables the cap itself is
// allowed (a tier owns its cap); on Step tables only the last tier's. ok is false when no
// tier allows that leverage. leverage must be ≥ 1.
func (s *Schedule) MaxNotional(leverage decimal.Decimal) (max decimal.Decimal, ok bool, err error) {
	if err := s.ready(); err != nil {
		return decimal.Zero, false, err
	}
	if err := num.CheckPositive(leverage); err != nil { // never print an out-of-range value: formatting it can hang
		return decimal.Zero, false, fmt.Errorf("%w: leverage: %w", ErrInvalidInput, err)
	}
	if leverage.Cmp(decimal.NewFromInt(1)) < 0 {
		return decimal.Zero, false, fmt.Errorf("%w: leverage %s must be ≥ 1", ErrInvalidInput, leverage)
	}
	for i := len(s.tiers) - 1; i >= 0; i-- {
		if s.tiers[i].allows(leverage) {
			return s.tiers[i].cap, true, nil
		}
	}
	return decimal.Zero, false, nil
}

// allows reports whether the tier permits the leverage: imr × lev ≤ 1.
func (t tier) allows(lev decimal.Decimal) bool {
	if t.lev.IsZero() {
		return t.imr.Mul(lev).Cmp(decimal.NewFromInt(1)) <= 0
	}
	return lev.Cmp(t.lev) <= 0
}

// divCeil is n / d rounded up, skipping the division when d is one.
func divCeil(n, d decimal.Decimal, scale int32) decimal.Decimal {
	if isOne(d) {
		return roundCeil(n, scale)
	}
	return num.Div(n, d, scale, num.Ceil)
}

func roundCeil(x decimal.Decimal, scale int32) decimal.Decimal {
	if x.Exponent() >= -scale {
		return x
	}
	return x.RoundCeil(scale)
}

func roundFloor(x decimal.Decimal, scale int32) decimal.Decimal {
	if x.Exponent() >= -scale {
		return x
	}
	return x.RoundFloor(scale)
}

var decOne = decimal.NewFromInt(1)

func isOne(d decimal.Decimal) bool { return d.Equal(decOne) }

package portfolio

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// StandardRates are a venue's per-position (non-portfolio) option margin
// rates, as fractions of the underlying price (Deribit, OKX, Bit.com
// style):
//
//	short call: IM = max(Initial − OTM/U, InitialFloor)·f + mark
//	            MM = Maintenance·f + mark
//	short put:  IM = max(max(Initial − OTM/U, InitialFloor)·f + mark, MM)
//	            MM = max(Maintenance·f, Maintenance·f·mark) + mark
//
// per unit of underlying, where U is the underlying (index) price, OTM the
// out-of-the-money amount (call: max(K − U, 0); put: max(U − K, 0)), mark
// the option's mark price and f the margin factor of the tier of the
// family's total short contracts (StandardFamily).
// Long options need no margin (their premium is paid). For inverse
// options every term is in coin per coin of underlying; for linear ones
// the fractions are multiplied by U. Source: Deribit's standard margin
// formulas as quoted by TSLab's Deribit connector documentation
// (doc.tslab.pro, "Deribit Margin Requirements Calculation"); Bit.com
// publishes the same shape with 0.25 / 0.15 / 0.125
// (support.bit.com, "BCH Option Margin").
type StandardRates struct {
	// Initial is the initial rate before the OTM discount (Deribit 0.15);
	// in [0, 10].
	Initial decimal.Decimal `json:"initial"`
	// InitialFloor is the least initial rate (Deribit 0.1); in
	// [Maintenance, Initial], so initial margin never falls below
	// maintenance.
	InitialFloor decimal.Decimal `json:"initial_floor"`
	// Maintenance is the maintenance rate (Deribit 0.075); in [0,
	// InitialFloor].
	Maintenance decimal.Decimal `json:"maintenance"`
	// Tiers scale the rates by the family's total short contracts
	// (StandardFamily); empty means factor 1 for every size. Caps
	// strictly increase, factors never decrease; a size
	// above the last cap uses the last factor (fail closed: never
	// unmargined).
	Tiers []FactorTier `json:"tiers,omitempty"`
}

// FactorTier multiplies the margin rates of a family's short positions
// while the family's total short (contracts of short positions and open
// sell orders) is at most UpTo.
type FactorTier struct {
	// UpTo is the tier's cap in contracts; > 0.
	UpTo decimal.Decimal `json:"up_to"`
	// Factor multiplies the rates; ≥ 1.
	Factor decimal.Decimal `json:"factor"`
}

// DeribitStandard returns Deribit's standard option margin rates: initial
// 0.15 less the OTM fraction, at least 0.10; maintenance 0.075 (see
// StandardRates for the source).
func DeribitStandard() StandardRates {
	return StandardRates{
		Initial:      decimal.RequireFromString("0.15"),
		InitialFloor: decimal.RequireFromString("0.1"),
		Maintenance:  decimal.RequireFromString("0.075"),
	}
}

// OKXStandardBTC returns OKX's standard (non-portfolio) option margin
// rates for BTCUSD options: a = 0.1 (InitialFloor), b = 0.15 (Initial),
// c = 0.03 (Maintenance), the margin factor of the position tier applied
// to all three. Source: OKX, "Option Margin" (okx.com/help/ii-option-margin,
// updated 2024-04-12): position IMR (short) = max(a, b − OTM / forward) ×
// margin factor + mark; MMR short call = c × margin factor + mark, short
// put = max(c, c × mark) × margin factor + mark. (OKX's put IMR has no
// max with the MMR; StandardRates adds it, which only ever raises the
// requirement.) OKX publishes its factor tiers on its trading page, not
// here: set Tiers from it.
func OKXStandardBTC() StandardRates {
	return StandardRates{
		Initial:      decimal.RequireFromString("0.15"),
		InitialFloor: decimal.RequireFromString("0.1"),
		Maintenance:  decimal.RequireFromString("0.03"),
	}
}

// OKXStandardETH is OKXStandardBTC with ETHUSD's c = 0.05 (same source).
func OKXStandardETH() StandardRates {
	r := OKXStandardBTC()
	r.Maintenance = decimal.RequireFromString("0.05")
	return r
}

// StandardInput is one option position for Standard.
type StandardInput struct {
	// Right is Call or Put.
	Right Right `json:"right"`
	// Size is the signed number of contracts (short < 0); not zero.
	Size decimal.Decimal `json:"size"`
	// ContractSize is the underlying quantity per contract; > 0.
	ContractSize decimal.Decimal `json:"contract_size"`
	// Underlying is the underlying (index) price U; > 0.
	Underlying decimal.Decimal `json:"underlying"`
	// Strike is the strike; > 0.
	Strike decimal.Decimal `json:"strike"`
	// Mark is the option's mark price per unit of underlying, in coin
	// (Inverse) or in quote currency; ≥ 0.
	Mark decimal.Decimal `json:"mark"`
	// Inverse marks a coin-settled option (Deribit BTC options).
	Inverse bool `json:"inverse,omitempty"`
}

// StandardMargin is a position's standard requirement in settlement
// currency.
type StandardMargin struct {
	// Initial is the initial requirement, rounded up.
	Initial decimal.Decimal `json:"initial"`
	// Maintenance is the maintenance requirement, rounded up.
	Maintenance decimal.Decimal `json:"maintenance"`
	// Factor is the factor of the family tier applied (StandardFamily).
	Factor decimal.Decimal `json:"factor"`
}

// Standard returns the standard (non-portfolio) option margin of a
// position that is the only short option of its family (underlying),
// rounded up at scale places (the OTM fraction is rounded down first, so
// every step favours the venue): StandardFamily of that one position with
// no open sell orders. Its tier is chosen by its own size, which is the
// family's total only when it is alone: for a book, use StandardFamily.
// Errors wrap ErrInvalidInput.
func Standard(r StandardRates, in StandardInput, scale int32) (StandardMargin, error) {
	f, err := StandardFamily(r, []StandardInput{in}, decimal.Zero, scale)
	if err != nil {
		return StandardMargin{}, err
	}
	return f.Positions[0], nil
}

// StandardFamilyMargin is the standard margin of one family's option
// positions.
type StandardFamilyMargin struct {
	// Positions are the positions' margins, in the order given.
	Positions []StandardMargin `json:"positions"`
	// ShortContracts is the family's total short: Σ |Size| of the short
	// positions plus the open sell orders' contracts; it selects the tier.
	ShortContracts decimal.Decimal `json:"short_contracts"`
	// Factor is that tier's factor, applied to every short position.
	Factor decimal.Decimal `json:"factor"`
	// Initial and Maintenance are the positions' sums (each rounded up).
	Initial     decimal.Decimal `json:"initial"`
	Maintenance decimal.Decimal `json:"maintenance"`
}

// StandardFamily returns the standard margin of the option positions of
// one family (one underlying: OKX's instrument family, BTC-USD). The
// margin factor's tier is chosen once, by the family's total short —
// the short positions' contracts plus openShort, the contracts of the
// family's open sell orders (≥ 0) — and applies to every short position
// of the family: "The options margin amount is based on the position
// tier, which is determined by the total amount of seller's positions and
// open orders. The higher the tier, the greater the margin factor" (OKX,
// "Option Margin", okx.com/help/ii-option-margin, note 4; OKX publishes
// the option tiers per instrument family: GET /api/v5/public/position-
// tiers with instType OPTION requires instFamily or uly and returns
// optMgnFactor per tier; Deribit's standard formulas, as StandardRates
// quotes them, have no tiers: DeribitStandard has none). Long positions
// do not count (they need no margin). Choosing the tier per position
// would let a book split into lots below the first cap stay at factor 1. Each position's margin is
// Standard's formula with that factor, rounded up at scale places.
// Errors wrap ErrInvalidInput; at most 100,000 positions.
func StandardFamily(r StandardRates, positions []StandardInput, openShort decimal.Decimal, scale int32) (StandardFamilyMargin, error) {
	if err := r.validate(); err != nil {
		return StandardFamilyMargin{}, err
	}
	if scale < 0 || scale > 18 {
		return StandardFamilyMargin{}, fmt.Errorf("%w: scale %d outside [0, 18]", ErrInvalidInput, scale)
	}
	if len(positions) > 100_000 {
		return StandardFamilyMargin{}, fmt.Errorf("%w: %d positions (at most 100,000)", ErrInvalidInput, len(positions))
	}
	if err := num.CheckNonNegative(openShort); err != nil {
		return StandardFamilyMargin{}, fmt.Errorf("%w: open short contracts: %w", ErrInvalidInput, err)
	}
	short := openShort
	for i, in := range positions {
		if err := in.validate(); err != nil {
			return StandardFamilyMargin{}, fmt.Errorf("%w (position %d)", err, i)
		}
		if in.Size.Sign() < 0 {
			short = short.Sub(in.Size)
		}
	}
	out := StandardFamilyMargin{ShortContracts: short, Factor: r.factor(short), Initial: decimal.Zero, Maintenance: decimal.Zero}
	for _, in := range positions {
		m := r.margin(in, out.Factor, scale)
		out.Positions = append(out.Positions, m)
		out.Initial = out.Initial.Add(m.Initial)
		out.Maintenance = out.Maintenance.Add(m.Maintenance)
	}
	return out, nil
}

func (in StandardInput) validate() error {
	if in.Right != Call && in.Right != Put {
		return fmt.Errorf("%w: right %d", ErrInvalidInput, int(in.Right))
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
		pos  bool
	}{{"size", in.Size, false}, {"contract size", in.ContractSize, true}, {"underlying", in.Underlying, true}, {"strike", in.Strike, true}, {"mark", in.Mark, false}} {
		check := num.Check
		if f.pos {
			check = num.CheckPositive
		}
		if err := check(f.v); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrInvalidInput, f.name, err)
		}
	}
	if in.Size.IsZero() {
		return fmt.Errorf("%w: size is zero", ErrInvalidInput)
	}
	if in.Mark.Sign() < 0 {
		return fmt.Errorf("%w: mark %s below zero", ErrInvalidInput, in.Mark)
	}
	return nil
}

// margin is a validated position's margin at factor f.
func (r StandardRates) margin(in StandardInput, f decimal.Decimal, scale int32) StandardMargin {
	out := StandardMargin{Initial: decimal.Zero, Maintenance: decimal.Zero, Factor: f}
	if in.Size.Sign() > 0 {
		return out
	}
	otm := in.Strike.Sub(in.Underlying) // call
	if in.Right == Put {
		otm = otm.Neg()
	}
	otm = decimal.Max(otm, decimal.Zero)
	// Per unit of underlying, in units of U (inverse: coin per coin).
	otmFrac := num.Div(otm, in.Underlying, wScale, num.Floor)
	im := decimal.Max(r.Initial.Sub(otmFrac), r.InitialFloor).Mul(f)
	mm := r.Maintenance.Mul(f)
	if !in.Inverse {
		im, mm = im.Mul(in.Underlying), mm.Mul(in.Underlying)
	}
	if in.Right == Put {
		mm = decimal.Max(mm, r.Maintenance.Mul(f).Mul(in.Mark))
	}
	mm = mm.Add(in.Mark)
	im = im.Add(in.Mark)
	if in.Right == Put {
		im = decimal.Max(im, mm)
	}
	q := in.Size.Abs().Mul(in.ContractSize)
	out.Initial = num.MulRound(im, q, scale, num.Ceil)
	out.Maintenance = num.MulRound(mm, q, scale, num.Ceil)
	return out
}

func (r StandardRates) validate() error {
	ten := decimal.NewFromInt(10)
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"initial", r.Initial}, {"initial floor", r.InitialFloor}, {"maintenance", r.Maintenance}} {
		if err := num.CheckNonNegative(f.v); err != nil {
			return fmt.Errorf("%w: standard rate %s: %w", ErrInvalidInput, f.name, err)
		}
		if f.v.Cmp(ten) > 0 {
			return fmt.Errorf("%w: standard rate %s %s above 10", ErrInvalidInput, f.name, f.v)
		}
	}
	if r.InitialFloor.Cmp(r.Initial) > 0 || r.Maintenance.Cmp(r.Initial) > 0 {
		return fmt.Errorf("%w: standard rates: floor and maintenance must not exceed initial", ErrInvalidInput)
	}
	if r.InitialFloor.Cmp(r.Maintenance) < 0 {
		// Otherwise a far out-of-the-money short opens with initial below
		// maintenance: liquidatable the moment it is accepted.
		return fmt.Errorf("%w: standard rates: initial floor below maintenance", ErrInvalidInput)
	}
	if r.Initial.IsZero() {
		return fmt.Errorf("%w: standard rates: zero initial rate (use DeribitStandard for a preset)", ErrInvalidInput)
	}
	if len(r.Tiers) > 1000 {
		return fmt.Errorf("%w: %d tiers (at most 1,000)", ErrInvalidInput, len(r.Tiers))
	}
	for i, t := range r.Tiers {
		if err := num.CheckPositive(t.UpTo); err != nil {
			return fmt.Errorf("%w: tier %d cap: %w", ErrInvalidInput, i, err)
		}
		if err := num.CheckPositive(t.Factor); err != nil {
			return fmt.Errorf("%w: tier %d factor: %w", ErrInvalidInput, i, err)
		}
		if t.Factor.Cmp(decimal.NewFromInt(1)) < 0 || t.Factor.Cmp(decimal.NewFromInt(100)) > 0 {
			return fmt.Errorf("%w: tier %d factor %s outside [1, 100]", ErrInvalidInput, i, t.Factor)
		}
		if i > 0 && t.UpTo.Cmp(r.Tiers[i-1].UpTo) <= 0 {
			return fmt.Errorf("%w: tier %d cap %s not above the previous", ErrInvalidInput, i, t.UpTo)
		}
		if i > 0 && t.Factor.Cmp(r.Tiers[i-1].Factor) < 0 {
			return fmt.Errorf("%w: tier %d factor %s below the previous (a larger position never needs less per contract)", ErrInvalidInput, i, t.Factor)
		}
	}
	return nil
}

// factor returns the factor of the tier holding size (the last tier's
// above its cap; 1 without tiers).
func (r StandardRates) factor(size decimal.Decimal) decimal.Decimal {
	if len(r.Tiers) == 0 {
		return decimal.NewFromInt(1)
	}
	for _, t := range r.Tiers {
		if size.Cmp(t.UpTo) <= 0 {
			return t.Factor
		}
	}
	return r.Tiers[len(r.Tiers)-1].Factor
}

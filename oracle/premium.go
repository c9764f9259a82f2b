package oracle

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Rounding names how a premium or a funding rate is rounded to its scale.
// Both are transfers between traders, never to or from the venue, so the
// default is neutral.
type Rounding int

// Roundings.
const (
	// RoundHalfEven: to the nearest, ties to even (default; Binance
	// publishes rates to 8 places, 0.0100% = 0.00010000).
	RoundHalfEven Rounding = iota
	// RoundTowardZero: truncate (dYdX v4 rounds premiums and the hourly
	// funding delta toward zero: memclob getPricePremiumFromSide,
	// funding.GetFundingIndexDelta's Quo).
	RoundTowardZero
)

// String returns "half-even" or "toward-zero".
func (r Rounding) String() string {
	switch r {
	case RoundHalfEven:
		return "half-even"
	case RoundTowardZero:
		return "toward-zero"
	}
	return "unknown"
}

func (r Rounding) mode() num.Rounding {
	if r == RoundTowardZero {
		return num.Trunc
	}
	return num.HalfEven
}

func (r Rounding) check() error {
	if r != RoundHalfEven && r != RoundTowardZero {
		return fmt.Errorf("unknown rounding %d", int(r))
	}
	return nil
}

// PremiumIndex is Binance's premium of the perpetual over its index:
//
//	P = [max(0, Impact Bid − Index) − max(0, Index − Impact Ask)] / Index
//
// ("Introduction to Binance Futures Funding Rates",
// https://www.binance.com/en/support/faq/360033525031; dYdX v4 memclob
// GetPricePremium uses the same equation). It is positive only when the
// impact bid is above the index, negative only when the impact ask is
// below it, zero when the index lies between them. The one division is
// rounded to scale places by r. All three prices must be positive and the
// impact bid must not be above the impact ask (a crossed book).
func PremiumIndex(index, impactBid, impactAsk decimal.Decimal, scale int32, r Rounding) (decimal.Decimal, error) {
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"index", index}, {"impact bid", impactBid}, {"impact ask", impactAsk}} {
		if err := num.CheckPositive(f.v); err != nil {
			return decimal.Zero, fmt.Errorf("%w: %s: %w", ErrInvalidInput, f.name, err)
		}
	}
	if impactBid.Cmp(impactAsk) > 0 {
		return decimal.Zero, fmt.Errorf("%w: impact bid %s above impact ask %s", ErrInvalidInput, impactBid, impactAsk)
	}
	return premium(index, &impactBid, &impactAsk, scale, r)
}

// premium computes the premium with a missing side (nil) contributing
// nothing; its inputs are checked.
func premium(index decimal.Decimal, bid, ask *decimal.Decimal, scale int32, r Rounding) (decimal.Decimal, error) {
	if err := scaleProblem(scale); err != nil {
		return decimal.Zero, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	if err := r.check(); err != nil {
		return decimal.Zero, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	diff := decimal.Zero
	if bid != nil && bid.Cmp(index) > 0 {
		diff = diff.Add(bid.Sub(index))
	}
	if ask != nil && ask.Cmp(index) < 0 {
		diff = diff.Sub(index.Sub(*ask))
	}
	if diff.IsZero() {
		return decimal.Zero, nil
	}
	return num.Div(diff, index, scale, r.mode()), nil
}

// ThinBook says what a premium does when one side of the book cannot fill
// the impact notional.
type ThinBook int

// Thin-book rules.
const (
	// ThinRefuse: no premium (ErrThinBook). Default; fail closed: the host
	// skips the sample or takes its own decision.
	ThinRefuse ThinBook = iota
	// ThinSideNeutral: a side that cannot fill counts as impact bid 0 or
	// impact ask ∞, so it adds nothing to the premium (dYdX v4 memclob
	// getPricePremiumFromSide: "Impact Ask (Bid) is infinity (Zero),
	// return 0 premium by definition").
	ThinSideNeutral
)

// PremiumSettings configures BookPremium.
type PremiumSettings struct {
	// ImpactNotional is the notional walked through each side (see
	// ImpactNotional). Required, positive: zero (the zero value) is
	// refused rather than silently pricing from the top of the book, as
	// dYdX refuses a liquidity tier with a zero impact notional
	// (types.LiquidityTier.Validate, ErrImpactNotionalIsZero). No default.
	ImpactNotional decimal.Decimal `json:"impact_notional"`
	// Scale is the places of the impact prices and the premium. Default
	// DefaultScale (18); at most 36.
	Scale int32 `json:"scale"`
	// Rounding of the premium. Default RoundHalfEven.
	Rounding Rounding `json:"rounding"`
	// Thin is the rule for a side that cannot fill. Default ThinRefuse.
	Thin ThinBook `json:"thin"`
}

// BookPremium is one premium sample taken from the book: the impact bid
// and ask walked from the levels (ImpactPrice) and the premium against the
// index (PremiumIndex).
type BookPremium struct {
	// Premium is the sample.
	Premium decimal.Decimal `json:"premium"`
	// ImpactBid is the bids' average fill price; zero when the bids were
	// too thin under ThinSideNeutral.
	ImpactBid decimal.Decimal `json:"impact_bid"`
	// ImpactAsk is the asks' average fill price; zero when the asks were
	// too thin under ThinSideNeutral.
	ImpactAsk decimal.Decimal `json:"impact_ask"`
}

// Sample walks both sides of the book and returns the premium against
// index, computed from the impact prices as reported (each rounded to
// Scale half-even first). Bids and asks are best first; a crossed book (best bid at or
// above best ask) or an ImpactNotional that is not positive is
// ErrInvalidInput; a thin side follows s.Thin.
func (s PremiumSettings) Sample(index decimal.Decimal, bids, asks []Level) (BookPremium, error) {
	var out BookPremium
	scale, err := checkScale("premium Scale", s.Scale)
	if err != nil {
		return out, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	if s.Thin != ThinRefuse && s.Thin != ThinSideNeutral {
		return out, fmt.Errorf("%w: unknown thin-book rule %d", ErrInvalidInput, int(s.Thin))
	}
	if err := num.CheckPositive(s.ImpactNotional); err != nil {
		return out, fmt.Errorf("%w: premium ImpactNotional is required (see ImpactNotional): %w", ErrInvalidInput, err)
	}
	if err := num.CheckPositive(index); err != nil {
		return out, fmt.Errorf("%w: index: %w", ErrInvalidInput, err)
	}
	if err := checkBook(Bids, bids); err != nil {
		return out, err
	}
	if err := checkBook(Asks, asks); err != nil {
		return out, err
	}
	if len(bids) > 0 && len(asks) > 0 && bids[0].Price.Cmp(asks[0].Price) >= 0 {
		return out, fmt.Errorf("%w: crossed book: best bid %s at or above best ask %s", ErrInvalidInput, bids[0].Price, asks[0].Price)
	}
	walk := func(side BookSide, levels []Level) (*decimal.Decimal, error) {
		p, err := ImpactPrice(side, levels, s.ImpactNotional, scale)
		if errors.Is(err, ErrThinBook) && s.Thin == ThinSideNeutral {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return &p, nil
	}
	bid, err := walk(Bids, bids)
	if err != nil {
		return out, err
	}
	ask, err := walk(Asks, asks)
	if err != nil {
		return out, err
	}
	if bid != nil {
		out.ImpactBid = *bid
	}
	if ask != nil {
		out.ImpactAsk = *ask
	}
	out.Premium, err = premium(index, bid, ask, scale, s.Rounding)
	return out, err
}

package oracle

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// ErrThinBook: the book's side holds less notional than the impact
// notional, so there is no impact price. Never a price made up from what
// the book does hold.
var ErrThinBook = errors.New("oracle: book too thin for the impact notional")

// Level is one price level of one side of an order book, as the host's
// matching engine reports it.
type Level struct {
	// Price of the level; positive.
	Price decimal.Decimal `json:"price"`
	// Size resting at Price, in base units (contracts × multiplier);
	// positive.
	Size decimal.Decimal `json:"size"`
}

// BookSide names the side of the book an impact price walks.
type BookSide int

// Book sides.
const (
	// Bids: the impact bid is the average price a seller of the impact
	// notional would get; levels best (highest) first.
	Bids BookSide = iota
	// Asks: the impact ask is the average price a buyer of the impact
	// notional would pay; levels best (lowest) first.
	Asks
)

// String returns "bids" or "asks".
func (s BookSide) String() string {
	switch s {
	case Bids:
		return "bids"
	case Asks:
		return "asks"
	}
	return "unknown"
}

// ImpactNotional is Binance's Impact Margin Notional: the notional that
// margin (200 USDT on USDⓈ-M contracts, 200 USD on COIN-M) buys at the
// market's maximum leverage, margin × maxLeverage, exactly. Binance's
// example: BNBUSDT at 20x (initial margin rate 5%) has an IMN of
// 200 × 20 = 4,000 USDT ("Introduction to Binance Futures Funding Rates",
// https://www.binance.com/en/support/faq/360033525031). dYdX v4 sets the
// impact notional per liquidity tier instead (LiquidityTier.ImpactNotional),
// which the host passes as it is.
func ImpactNotional(margin, maxLeverage decimal.Decimal) (decimal.Decimal, error) {
	if err := num.CheckPositive(margin); err != nil {
		return decimal.Zero, fmt.Errorf("%w: impact margin: %w", ErrInvalidInput, err)
	}
	if err := num.CheckPositive(maxLeverage); err != nil {
		return decimal.Zero, fmt.Errorf("%w: max leverage: %w", ErrInvalidInput, err)
	}
	n := margin.Mul(maxLeverage)
	if err := num.Check(n); err != nil {
		return decimal.Zero, fmt.Errorf("%w: impact notional: %w", ErrInvalidInput, err)
	}
	return n, nil
}

// ImpactPrice walks one side of the book with the impact notional and
// returns the average fill price: the notional divided by the base
// quantity it fills, N / Σ qᵢ, where full levels contribute their size and
// the last level the fraction remaining/price (Binance: "the average fill
// price to execute the Impact Margin Notional on the Bid/Ask"; dYdX v4
// memclob getImpactPriceSubticks fills notional the same way). The only
// division is the final one, N·p / (Q·p + r) for the last level's price
// p, previous base Q and remaining notional r: half-even at scale places
// (a reference price favours no side), clamped to the prices walked.
//
// A notional of zero returns the best price (dYdX's rule). Levels must be
// best first (bids strictly descending, asks strictly ascending), each
// price and size positive, at most MaxQuotes of them; a side holding less
// notional than asked is ErrThinBook; anything else malformed is
// ErrInvalidInput.
func ImpactPrice(side BookSide, levels []Level, notional decimal.Decimal, scale int32) (decimal.Decimal, error) {
	if err := checkBook(side, levels); err != nil {
		return decimal.Zero, err
	}
	if err := scaleProblem(scale); err != nil {
		return decimal.Zero, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(notional); err != nil {
		return decimal.Zero, fmt.Errorf("%w: impact notional: %w", ErrInvalidInput, err)
	}
	if len(levels) == 0 {
		return decimal.Zero, fmt.Errorf("%w: %s: empty", ErrThinBook, side)
	}
	if notional.IsZero() {
		return levels[0].Price, nil
	}
	remaining, base := notional, decimal.Zero
	for _, l := range levels {
		full := l.Price.Mul(l.Size)
		if remaining.Cmp(full) > 0 {
			remaining = remaining.Sub(full)
			base = base.Add(l.Size)
			continue
		}
		p := num.Div(notional.Mul(l.Price), base.Mul(l.Price).Add(remaining), scale, num.HalfEven)
		return clamp(p, num.MinOf(levels[0].Price, l.Price), num.MaxOf(levels[0].Price, l.Price)), nil
	}
	return decimal.Zero, fmt.Errorf("%w: %s hold %s of notional, %s asked", ErrThinBook, side, notional.Sub(remaining), notional)
}

// checkBook validates one side's levels without formatting an unchecked
// decimal into an error.
func checkBook(side BookSide, levels []Level) error {
	if side != Bids && side != Asks {
		return fmt.Errorf("%w: unknown book side %d", ErrInvalidInput, int(side))
	}
	if len(levels) > MaxQuotes {
		return fmt.Errorf("%w: %s: %d levels, more than %d", ErrInvalidInput, side, len(levels), MaxQuotes)
	}
	for i, l := range levels {
		if err := num.CheckPositive(l.Price); err != nil {
			return fmt.Errorf("%w: %s level %d price: %w", ErrInvalidInput, side, i, err)
		}
		if err := num.CheckPositive(l.Size); err != nil {
			return fmt.Errorf("%w: %s level %d size: %w", ErrInvalidInput, side, i, err)
		}
		if i == 0 {
			continue
		}
		c := l.Price.Cmp(levels[i-1].Price)
		if (side == Bids && c >= 0) || (side == Asks && c <= 0) {
			return fmt.Errorf("%w: %s level %d at %s is not worse than level %d at %s (best first, one level per price)",
				ErrInvalidInput, side, i, l.Price, i-1, levels[i-1].Price)
		}
	}
	return nil
}

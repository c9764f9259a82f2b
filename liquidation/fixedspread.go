package liquidation

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// CompoundQuote is the input of Compound III's store-front quote: how much
// of an absorbed collateral asset a buyer gets for BaseAmount of the base
// asset (Comet buyCollateral / quoteCollateral).
type CompoundQuote struct {
	BaseAmount decimal.Decimal // base asset paid (≥ 0), in base units (e.g. 200 USDC)
	BasePrice  decimal.Decimal // base asset price (> 0), at most 8 places (Comet PRICE_SCALE 1e8)
	AssetPrice decimal.Decimal // collateral price (> 0), at most 8 places
	// StoreFrontPriceFactor is the share of the liquidation discount passed
	// to buyers, in [0, 1], at most 18 places (Comet FACTOR_SCALE 1e18).
	StoreFrontPriceFactor decimal.Decimal
	// LiquidationFactor is the share of the collateral's value credited to
	// the absorbed account, in [0, 1], at most 18 places.
	LiquidationFactor decimal.Decimal
	AssetDecimals     int32 // the collateral token's decimals, 0..18: the quote is rounded down to them
}

// QuoteCollateral returns the collateral a buyer receives, as Comet's
// quoteCollateral computes it (compound-finance/comet contracts/Comet.sol):
//
//	discount   = floor18(StoreFrontPriceFactor × (1 − LiquidationFactor))   (mulFactor truncates)
//	discounted = floor8(AssetPrice × (1 − discount))
//	collateral = floor(BaseAmount × BasePrice / discounted, AssetDecimals)
//
// Every step rounds down, as the contract's integer divisions do: the
// buyer never gets more than the exact discount gives (the venue's
// favour). Bad input (out of range, a factor outside [0, 1], a price ≤ 0
// or with more than 8 places) is ErrInvalidInput.
func QuoteCollateral(q CompoundQuote) (decimal.Decimal, error) {
	one := decimal.NewFromInt(1)
	if err := nonNegative(ErrInvalidInput, "base amount", q.BaseAmount); err != nil {
		return decimal.Zero, err
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"base price", q.BasePrice}, {"asset price", q.AssetPrice}} {
		if err := positive(ErrInvalidInput, f.name, f.v); err != nil {
			return decimal.Zero, err
		}
		if err := onGrid(ErrInvalidInput, f.name, f.v, 8); err != nil {
			return decimal.Zero, err
		}
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"store front price factor", q.StoreFrontPriceFactor}, {"liquidation factor", q.LiquidationFactor}} {
		if err := nonNegative(ErrInvalidInput, f.name, f.v); err != nil {
			return decimal.Zero, err
		}
		if f.v.GreaterThan(one) {
			return decimal.Zero, fmt.Errorf("%w: %s %s above 1", ErrInvalidInput, f.name, f.v)
		}
		if err := onGrid(ErrInvalidInput, f.name, f.v, 18); err != nil {
			return decimal.Zero, err
		}
	}
	if q.AssetDecimals < 0 || q.AssetDecimals > 18 {
		return decimal.Zero, fmt.Errorf("%w: asset decimals %d outside 0..18", ErrInvalidInput, q.AssetDecimals)
	}
	discount := q.StoreFrontPriceFactor.Mul(one.Sub(q.LiquidationFactor)).RoundFloor(18)
	discounted := q.AssetPrice.Mul(one.Sub(discount)).RoundFloor(8)
	if discounted.Sign() <= 0 { // a 100% discount: Comet divides by zero and reverts
		return decimal.Zero, fmt.Errorf("%w: discounted asset price is zero", ErrInvalidInput)
	}
	return num.DivFloor(q.BaseAmount.Mul(q.BasePrice), discounted, q.AssetDecimals), nil
}

package liquidation

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

// Compound III's own worked quotes: compound-finance/comet
// test/quote-collateral-test.ts @c3c7ad0 (USDC base at price 1, 6
// decimals; COMP collateral, 18 decimals), against Comet.sol
// quoteCollateral.
func TestQuoteCollateralCometQuotes(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		base, price, sfpf, lf, out string
	}{
		// "Store front discount is 0.5 * (1 - 0.6) = 0.2 = 20%; discounted COMP price is 200 * 0.8 = 160"
		{"positive base amount: 200 USDC at 160 → 1.25 COMP", "200", "200", "0.5", "0.6", "1.25"},
		{"zero base amount", "0", "200", "0.5", "0.6", "0"},
		{"storeFrontPriceFactor 0%: market price", "200", "200", "0", "0.6", "1"},
		// "Should fail before PR 303": 810 / (0.9 × 9) = 100 exactly, no intermediate truncation
		{"no truncation in intermediate steps (PR 303)", "810", "9", "0.5", "0.8", "100"},
		{"no overflow for 1 quadrillion USDC", "1000000000000000", "200", "0.8", "0.75", "6250000000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := QuoteCollateral(CompoundQuote{BaseAmount: d(tc.base), BasePrice: d("1"), AssetPrice: d(tc.price),
				StoreFrontPriceFactor: d(tc.sfpf), LiquidationFactor: d(tc.lf), AssetDecimals: 18})
			if err != nil || !got.Equal(d(tc.out)) {
				t.Fatalf("got %s, %v; want %s", got, err, tc.out)
			}
		})
	}
}

// Rounding is down at the asset's decimals (the contract's integer
// division), and bad input is refused.
func TestQuoteCollateralRoundsDownAndRefuses(t *testing.T) {
	// 100 USDC at a discounted price of 3 (sfpf 0): 33.333333 with 6 decimals, down.
	got, err := QuoteCollateral(CompoundQuote{BaseAmount: d("100"), BasePrice: d("1"), AssetPrice: d("3"),
		StoreFrontPriceFactor: d("0"), LiquidationFactor: d("0.9"), AssetDecimals: 6})
	if err != nil || !got.Equal(d("33.333333")) {
		t.Fatalf("got %s, %v", got, err)
	}
	for name, q := range map[string]CompoundQuote{
		"negative base":   {BaseAmount: d("-1"), BasePrice: d("1"), AssetPrice: d("1"), AssetDecimals: 6},
		"zero price":      {BaseAmount: d("1"), BasePrice: d("1"), AssetPrice: d("0"), AssetDecimals: 6},
		"price 9 places":  {BaseAmount: d("1"), BasePrice: d("1"), AssetPrice: d("1.000000001"), AssetDecimals: 6},
		"factor above 1":  {BaseAmount: d("1"), BasePrice: d("1"), AssetPrice: d("1"), LiquidationFactor: d("1.1"), AssetDecimals: 6},
		"decimals 19":     {BaseAmount: d("1"), BasePrice: d("1"), AssetPrice: d("1"), AssetDecimals: 19},
		"100% discount":   {BaseAmount: d("1"), BasePrice: d("1"), AssetPrice: d("1"), StoreFrontPriceFactor: d("1"), AssetDecimals: 6},
		"absurd exponent": {BaseAmount: decimal.New(1, 2147483647), BasePrice: d("1"), AssetPrice: d("1"), AssetDecimals: 6},
	} {
		if _, err := QuoteCollateral(q); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v, want ErrInvalidInput", name, err)
		}
	}
}

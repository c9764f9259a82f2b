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

// Aave v3.3's worked examples (aave-dao/aave-v3-origin
// docs/3.3/Aave-v3.3-features.md @fd1fbd9, sections 2.2 and 2.3), with
// prices of 1, 8-decimal tokens, a 5% bonus (the docs state none) and
// MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD 1,000 as the docs assume.
func TestLiquidationCallAaveV33Examples(t *testing.T) {
	base := func(cover, debt, coll, total, hf string) AaveLiquidation {
		return AaveLiquidation{DebtToCover: d(cover), ReserveDebt: d(debt), CollateralBalance: d(coll), TotalDebtBase: d(total),
			DebtPrice: d("1"), CollateralPrice: d("1"), DebtDecimals: 8, CollateralDecimals: 8, HealthFactor: d(hf),
			LiquidationBonus: d("1.05"), MinBaseMaxCloseFactorThreshold: d("1000")}
	}
	for _, tc := range []struct {
		name       string
		in         AaveLiquidation
		debt, coll string
		dust       bool
	}{
		// 2.2: "1200 $ collateral A, 900 $ debt B, a health-factor at 0.96 …
		// the debt position is below the threshold. Therefore a liquidation
		// could liquidate 100% of debt B."
		{"2.2 small position: 100% of debt B at HF 0.96", base("900", "900", "1200", "900", "0.96"), "900", "945", false},
		// The same position above the threshold (×10) keeps the 50% close factor.
		{"2.2 large position: 50% at HF 0.96", base("9000", "9000", "12000", "9000", "0.96"), "4500", "4725", false},
		// 2.3: collateral A 400, collateral B 1000, debt A 900, debt B 400, HF 0.94,
		// MIN_LEFTOVER_BASE 500: "liquidate 100% of debt B".
		{"2.3 all of debt B against collateral B", base("400", "400", "1000", "1300", "0.94"), "400", "420", false},
		// "liquidate 100% of collateral A" (debt A against collateral A: capped at the 400, debt = ceil(400 / 1.05))
		{"2.3 all of collateral A", base("900", "900", "400", "1300", "0.94"), "380.95238096", "400", false},
		// "liquidate up to 400e8 of debt A or liquidate 100% of debt A"
		{"2.3 400 of debt A against collateral B", base("400", "900", "1000", "1300", "0.94"), "400", "420", false},
		{"2.3 401 of debt A leaves 499 of debt: dust", base("401", "900", "1000", "1300", "0.94"), "0", "0", true},
		{"2.3 all of debt A against collateral B", base("900", "900", "1000", "1300", "0.94"), "900", "945", false},
		// "liquidate up to 500e8 of collateral B or 100% of collateral B" — the
		// collateral side of the rule, shown with debt A raised to 2,000 so
		// the debt left is not what binds: 476.19047619 of debt takes
		// 499.99999999 and leaves 500.00000001; 477 would take 500.85.
		{"2.3 up to 500 of collateral B", base("476.19047619", "2000", "1000", "2400", "0.94"), "476.19047619", "499.99999999", false},
		{"2.3 more than 500 of collateral B: dust", base("477", "2000", "1000", "2400", "0.94"), "0", "0", true},
		{"2.3 all of collateral B", base("2000", "2000", "1000", "2400", "0.94"), "952.38095239", "1000", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := LiquidationCall(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if r.Dust != tc.dust || !r.DebtRepaid.Equal(d(tc.debt)) || !r.CollateralToLiquidator.Add(r.ProtocolFee).Equal(d(tc.coll)) {
				t.Fatalf("got debt %s, collateral %s + fee %s, dust %v; want %s, %s, %v",
					r.DebtRepaid, r.CollateralToLiquidator, r.ProtocolFee, r.Dust, tc.debt, tc.coll, tc.dust)
			}
		})
	}
}

// The protocol fee is a share of the bonus collateral only
// (_calculateAvailableCollateralToLiquidate: bonus = collateral −
// floor(collateral / bonus); fee = ceil(bonus × fee)): 100 of debt at a 5%
// bonus seizes 105, of which 5 is bonus; a 10% fee keeps 0.5.
func TestLiquidationCallProtocolFee(t *testing.T) {
	r, err := LiquidationCall(AaveLiquidation{DebtToCover: d("100"), ReserveDebt: d("100"), CollateralBalance: d("1000"),
		TotalDebtBase: d("100"), DebtPrice: d("1"), CollateralPrice: d("1"), DebtDecimals: 6, CollateralDecimals: 6,
		HealthFactor: d("0.9"), LiquidationBonus: d("1.05"), ProtocolFee: d("0.1")})
	if err != nil || !r.DebtRepaid.Equal(d("100")) || !r.CollateralToLiquidator.Equal(d("104.5")) || !r.ProtocolFee.Equal(d("0.5")) || r.Dust {
		t.Fatalf("%+v, %v", r, err)
	}
	for name, p := range map[string]AaveLiquidation{
		"healthy":     {DebtToCover: d("1"), ReserveDebt: d("1"), CollateralBalance: d("1"), DebtPrice: d("1"), CollateralPrice: d("1"), HealthFactor: d("1"), LiquidationBonus: d("1.05")},
		"bonus < 1":   {DebtToCover: d("1"), ReserveDebt: d("1"), CollateralBalance: d("1"), DebtPrice: d("1"), CollateralPrice: d("1"), HealthFactor: d("0.9"), LiquidationBonus: d("0.95")},
		"zero debt":   {DebtToCover: d("0"), ReserveDebt: d("1"), CollateralBalance: d("1"), DebtPrice: d("1"), CollateralPrice: d("1"), HealthFactor: d("0.9"), LiquidationBonus: d("1.05")},
		"price 9 pl.": {DebtToCover: d("1"), ReserveDebt: d("1"), CollateralBalance: d("1"), DebtPrice: d("1.000000001"), CollateralPrice: d("1"), HealthFactor: d("0.9"), LiquidationBonus: d("1.05"), DebtDecimals: 6, CollateralDecimals: 6},
		"absurd":      {DebtToCover: decimal.New(1, 2147483647), ReserveDebt: d("1"), CollateralBalance: d("1"), DebtPrice: d("1"), CollateralPrice: d("1"), HealthFactor: d("0.9"), LiquidationBonus: d("1.05")},
	} {
		if _, err := LiquidationCall(p); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: %v, want ErrInvalidInput", name, err)
		}
	}
}

// Compound III's absorb tests (compound-finance/comet test/absorb-test.ts
// @17a6e7a; default assets of test/helpers.ts: COMP 175, WETH 3,000, WBTC
// 41,000, USDC 1 with 6 decimals, liquidationFactor 1).
func TestAbsorbCometTests(t *testing.T) {
	comp := func(a string) CompoundCollateral {
		return CompoundCollateral{Amount: d(a), Price: d("175"), Decimals: 18, LiquidationFactor: d("1")}
	}
	weth := func(a string) CompoundCollateral {
		return CompoundCollateral{Amount: d(a), Price: d("3000"), Decimals: 18, LiquidationFactor: d("1")}
	}
	wbtc := func(a string) CompoundCollateral {
		return CompoundCollateral{Amount: d(a), Price: d("41000"), Decimals: 8, LiquidationFactor: d("1")}
	}
	for _, tc := range []struct {
		name                        string
		debt                        string
		coll                        []CompoundCollateral
		newBalance, paid, shortfall string
	}{
		// "absorbs 1 account and pays out the absorber": principal −100 (wei), basePaidOut 100n.
		{"1 account, no collateral", "0.0001", nil, "0", "0.0001", "0.0001"},
		// "absorbs 3 accounts with collateral": basePaidOut = each debt, balances end at 0.
		{"underwater1: 1 USDC, 1e-6 COMP", "1", []CompoundCollateral{comp("0.000001")}, "0", "1", "0.999825"},
		{"underwater2: 1e6 USDC, 10 COMP + 1 WETH", "1000000", []CompoundCollateral{comp("10"), weth("1")}, "0", "1000000", "995250"},
		{"underwater3: 1e12 USDC, 10,000 COMP + 50 WETH + 50 WBTC", "1000000000000",
			[]CompoundCollateral{comp("10000"), weth("50"), wbtc("50")}, "0", "1000000000000", "999996050000"},
		// "absorbs an account with more than enough collateral to still cover
		// debt": debt 44,175 USDC − 1 wei, collateral worth 44,175: balance 1 wei.
		{"more than enough collateral", "44174.999999", []CompoundCollateral{comp("1"), weth("1"), wbtc("1")}, "0.000001", "44175", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Absorb(d(tc.debt), d("1"), 6, tc.coll)
			if err != nil || !r.NewBalance.Equal(d(tc.newBalance)) || !r.PaidOut.Equal(d(tc.paid)) || !r.Shortfall.Equal(d(tc.shortfall)) {
				t.Fatalf("%+v, %v; want balance %s, paid out %s, shortfall %s", r, err, tc.newBalance, tc.paid, tc.shortfall)
			}
		})
	}
	// The liquidation factor cuts the credit: 1 WETH at 3,000 with factor 0.9 credits 2,700.
	r, err := Absorb(d("5000"), d("1"), 6, []CompoundCollateral{{Amount: d("1"), Price: d("3000"), Decimals: 18, LiquidationFactor: d("0.9")}})
	if err != nil || !r.Credit.Equal(d("2700")) || !r.Shortfall.Equal(d("2300")) {
		t.Fatalf("%+v, %v", r, err)
	}
	if _, err := Absorb(d("1"), d("1"), 6, []CompoundCollateral{{Amount: d("1"), Price: d("1"), Decimals: 18, LiquidationFactor: d("1.5")}}); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("factor 1.5: %v", err)
	}
}

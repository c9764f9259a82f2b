package margin

import "github.com/shopspring/decimal"

// Presets: published venue parameters as dated snapshots. Venues retune
// them often; a production host should load the live values (Binance
// GET /fapi/v1/leverageBracket, Aave's PoolDataProvider) and use these for
// tests, examples and what-if studies. Each preset returns a fresh copy.

// BinanceBTCUSDT20210318 returns the Binance USDⓈ-M BTCUSDT perpetual
// tier table as Binance published it on 2021-03-18 ("Updates to Leverage
// and Margin Tiers of Binance Futures Contracts (2021-03-18)", the
// BTCUSDT 125x table), for the Marginal rule:
//
//	Position (USDT notional)      Leverage  Maintenance  Cum
//	0 < v ≤ 50,000                  125x      0.40%            0
//	50,000 < v ≤ 250,000            100x      0.50%           50
//	250,000 < v ≤ 1,000,000          50x      1.00%        1,300
//	1,000,000 < v ≤ 10,000,000       20x      2.50%       16,300
//	10,000,000 < v ≤ 20,000,000      10x      5.00%      266,300
//	20,000,000 < v ≤ 50,000,000       5x     10.00%    1,266,300
//	50,000,000 < v ≤ 100,000,000      4x     12.50%    2,516,300
//	100,000,000 < v ≤ 200,000,000     3x     15.00%    5,016,300
//	200,000,000 < v ≤ 300,000,000     2x     25.00%   25,016,300
//	300,000,000 < v ≤ 500,000,000     1x     50.00%  100,016,300
//
// The maintenance amounts (cum) are those of Binance's front end at the
// time (bracketNotionalCap / cumFastMaintenanceAmount, read 2021-03-26);
// NewSchedule checks each against the recursion cumₙ = floorₙ × (rateₙ −
// rateₙ₋₁) + cumₙ₋₁. The initial requirement is notional / leverage: for 3x
// that is 33.33…%, slightly above the 33.30% Binance printed (the venue's
// favour). A snapshot: Binance has changed this table since.
func BinanceBTCUSDT20210318() []Tier {
	rows := [...]struct {
		cap      int64
		lev      int64
		mmr, cum string
	}{
		{50_000, 125, "0.004", "0"},
		{250_000, 100, "0.005", "50"},
		{1_000_000, 50, "0.01", "1300"},
		{10_000_000, 20, "0.025", "16300"},
		{20_000_000, 10, "0.05", "266300"},
		{50_000_000, 5, "0.1", "1266300"},
		{100_000_000, 4, "0.125", "2516300"},
		{200_000_000, 3, "0.15", "5016300"},
		{300_000_000, 2, "0.25", "25016300"},
		{500_000_000, 1, "0.5", "100016300"},
	}
	out := make([]Tier, len(rows))
	floor := decimal.Zero
	for i, r := range rows {
		cum := decimal.RequireFromString(r.cum)
		out[i] = Tier{Floor: floor, Cap: decimal.NewFromInt(r.cap), MaintenanceRate: decimal.RequireFromString(r.mmr),
			MaxLeverage: decimal.NewFromInt(r.lev), Cum: &cum}
		floor = out[i].Cap
	}
	return out
}

// AaveV3EthereumReserves20230529 returns Aave v3 Ethereum reserve
// parameters as set by the Chaos Labs risk-parameter update of 2023-05-29
// (Aave AIP "Risk Parameter Updates Aave V3 Ethereum",
// CHAOS-LABS-RISK-PARAMS-ETH-20230529; payload AaveV3EthRiskParams_20230529):
//
//	Asset  LTV    Liquidation threshold  Liquidation bonus
//	WETH   80.5%  83%                    5%  (not changed by the AIP: the market's launch value)
//	WBTC   73%    78%                    5%  (penalty cut from 6.25% by the AIP)
//	LINK   53%    68%                    7%  (penalty cut from 7.5% by the AIP)
//
// and, as a borrow-only asset, DAI with no collateral parameters (Aave
// lists DAI as collateral too, at 67% / 80%, but the AIP does not give its
// bonus, so it is not guessed here). A snapshot: Aave governance has
// retuned these since.
func AaveV3EthereumReserves20230529() []Reserve {
	r := func(asset, ltv, lt, bonus string) Reserve {
		return Reserve{Asset: asset, LTV: decimal.RequireFromString(ltv), LiquidationThreshold: decimal.RequireFromString(lt),
			LiquidationBonus: decimal.RequireFromString(bonus)}
	}
	return []Reserve{
		r("WETH", "0.805", "0.83", "1.05"),
		r("WBTC", "0.73", "0.78", "1.05"),
		r("LINK", "0.53", "0.68", "1.07"),
		{Asset: "DAI"},
	}
}

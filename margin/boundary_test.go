package margin

import (
	"testing"

	"github.com/shopspring/decimal"
)

// Issue 10 item 9: a test at the exact boundary of every threshold in
// margin, each against its anchor.
//
//   - Liquidatable (cross and isolated): equity < maintenance, strict, so an
//     account exactly at maintenance is safe. Anchors: dYdX v4
//     x/clob CanLiquidateSubaccount / subaccounts risk "NC < MMR" (strict);
//     Compound III Comet.isLiquidatable "liquidity < 0" (strict); the
//     Binance liquidation-price formula solves margin balance =
//     maintenance for the last safe price. Binance's help pages say
//     liquidation happens when the margin ratio "reaches 100%"; we read the
//     price where it equals 100% as the boundary and liquidate strictly
//     below it, as DESIGN's invariant ("an account at or above maintenance
//     is never liquidatable") requires.
//   - InitialCollateralised: equity ≥ initial (dYdX v4
//     IsInitialCollateralized: NC ≥ IMR).
//   - Lending: liquidatable when HF < 1, so HF = 1 exactly is safe (Aave v3
//     ValidationLogic.validateLiquidationCall: require(healthFactor <
//     HEALTH_FACTOR_LIQUIDATION_THRESHOLD, HEALTH_FACTOR_NOT_BELOW_THRESHOLD)).
//     CanBorrow allows debt up to the borrow limit inclusive (Aave v3
//     validateBorrow: collateralNeeded ≤ userCollateral).
//   - Tiers, Marginal rule: a tier owns its cap (Floor < v ≤ Cap), as
//     Binance publishes its brackets: "0 < Position ≤ 50,000: 125x, 0.40%;
//     50,000 < Position ≤ 250,000: 100x, 0.50%" (Binance, "Updates to
//     Leverage and Margin Tiers of Binance Futures Contracts (2021-03-18)",
//     BTCUSDT). The maintenance is continuous there, so only the initial
//     rate / max leverage differs at the edge. Step rule (BitMEX risk
//     limits): Floor ≤ v < Cap, as the BitMEX example reads ("< 350 XBT" is
//     the first step); the last tier owns its cap on both rules.
func TestExactBoundaries(t *testing.T) {
	one := []Tier{{Floor: d("0"), Cap: d("1000000"), MaintenanceRate: d("0.01"), InitialRate: d("0.02")}}
	c := newCalc(t, StaticPrices{"X": d("100")}, Market{ID: "X", Tiers: one})
	unit := decimal.New(1, -c.scale)

	t.Run("cross equity == maintenance is safe", func(t *testing.T) {
		// Long 100 at 100, mark 100: notional 10,000, MM 100, IM 200.
		a := Account{Wallet: d("100"), Positions: []Position{{Market: "X", Size: d("100"), EntryPrice: d("100")}}}
		r, err := c.Risk(t0, a)
		if err != nil || r.Liquidatable || !r.Equity.Equal(r.Maintenance) {
			t.Fatalf("at maintenance: %+v, %v", r, err)
		}
		a.Wallet = a.Wallet.Sub(unit)
		if r, _ := c.Risk(t0, a); !r.Liquidatable {
			t.Fatalf("one unit below maintenance not liquidatable: %+v", r)
		}
		s, _ := c.Summary(t0, Account{Wallet: d("100"), Positions: a.Positions})
		if ratio, ok := s.MarginRatio(8); !ok || !ratio.Equal(d("1")) {
			t.Fatalf("margin ratio at maintenance %s, want exactly 1", ratio)
		}
	})
	t.Run("cross equity == initial is collateralised", func(t *testing.T) {
		a := Account{Wallet: d("200"), Positions: []Position{{Market: "X", Size: d("100"), EntryPrice: d("100")}}}
		r, _ := c.Risk(t0, a)
		if !r.InitialCollateralised || !r.FreeCollateral.IsZero() {
			t.Fatalf("at initial: %+v", r)
		}
		a.Wallet = a.Wallet.Sub(unit)
		if r, _ := c.Risk(t0, a); r.InitialCollateralised {
			t.Fatalf("one unit below initial still collateralised")
		}
	})
	t.Run("isolated margin + pnl == maintenance is safe", func(t *testing.T) {
		a := Account{Positions: []Position{{Market: "X", Size: d("100"), EntryPrice: d("100"), Isolated: true, Margin: d("100")}}}
		s, _ := c.Summary(t0, a)
		if s.Positions[0].Liquidatable || s.IsolatedLiquidatable {
			t.Fatalf("isolated at maintenance liquidatable")
		}
		a.Positions[0].Margin = d("100").Sub(unit)
		if s, _ := c.Summary(t0, a); !s.Positions[0].Liquidatable {
			t.Fatalf("isolated one unit below maintenance not liquidatable")
		}
	})
	t.Run("pre-trade newNC == newIM is collateralised", func(t *testing.T) {
		if r := transition(d("0"), d("0"), d("0"), d("200"), d("200"), d("100")); r != ReasonCollateralised {
			t.Fatalf("NC == IM: %v", r)
		}
		// Below IM with NC/MM unchanged (equal ratio) and MM not up: not riskier.
		if r := transition(d("50"), d("200"), d("100"), d("25"), d("100"), d("50")); r != ReasonNotRiskier {
			t.Fatalf("equal ratio: %v", r)
		}
		if r := transition(d("50"), d("200"), d("100"), d("25").Sub(unit), d("100"), d("50")); r.Accepted() {
			t.Fatalf("ratio one unit worse accepted: %v", r)
		}
	})
	t.Run("tier caps", func(t *testing.T) {
		s, err := NewSchedule(Marginal, binanceBTC())
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			v    string
			tier int
		}{{"0", 0}, {"49999.99999999", 0}, {"50000", 0}, {"50000.00000001", 1}, {"250000", 1}, {"1000000", 2}, {"1000000.00000001", 3}, {"10000000", 3}} {
			if i, err := s.TierIndex(d(tc.v)); err != nil || i != tc.tier {
				t.Errorf("TierIndex(%s) = %d, %v; want %d", tc.v, i, err, tc.tier)
			}
		}
		// Continuity at 50,000: 50,000 × 0.4% = 50,000 × 0.5% − 50 = 200.
		if mm, _ := s.Maintenance(d("50000")); !mm.Equal(d("200")) {
			t.Errorf("maintenance at the 50,000 edge %s, want 200", mm)
		}
		cc := newCalc(t, StaticPrices{"X": d("1")}, Market{ID: "X", Tiers: binanceBTC()})
		if r, _ := cc.Requirement("X", d("10000000"), d("1")); r.AboveLastCap || r.Tier != 3 {
			t.Errorf("at the last cap: %+v; want tier 3, not above", r)
		}
		if r, _ := cc.Requirement("X", d("10000000").Add(unit), d("1")); !r.AboveLastCap || r.Tier != 3 {
			t.Errorf("one unit above the last cap: %+v; want above", r)
		}
		// Max notional at 125x is the first cap (Binance "maximum position
		// at leverage"); at 100.5x the second.
		if mx, ok, err := s.MaxNotional(d("125")); err != nil || !ok || !mx.Equal(d("50000")) {
			t.Errorf("MaxNotional(125) = %s %v %v", mx, ok, err)
		}
		if mx, _, _ := s.MaxNotional(d("100")); !mx.Equal(d("250000")) {
			t.Errorf("MaxNotional(100) = %s", mx)
		}
	})
	t.Run("lending HF == 1 is safe", func(t *testing.T) {
		l, err := NewLending(LendingSettings{Reserves: []Reserve{
			{Asset: "ETH", LTV: d("0.8"), LiquidationThreshold: d("0.8"), LiquidationBonus: d("1.05")}, {Asset: "DAI"}},
			Prices: StaticPrices{"ETH": d("1000"), "DAI": d("1")}})
		if err != nil {
			t.Fatal(err)
		}
		// 10 ETH × 1,000 × 80% = 8,000 against 8,000 DAI: HF exactly 1.
		h, err := l.Health(t0, LendingAccount{Supplied: []Balance{{Asset: "ETH", Amount: d("10")}}, Borrowed: []Balance{{Asset: "DAI", Amount: d("8000")}}})
		if err != nil || h.Liquidatable || !h.Factor.Equal(d("1")) {
			t.Fatalf("HF 1: %+v, %v", h, err)
		}
		if !h.CanBorrow(decimal.Zero) || h.CanBorrow(unit) {
			t.Fatalf("borrow limit boundary: CanBorrow(0) %v, CanBorrow(unit) %v", h.CanBorrow(decimal.Zero), h.CanBorrow(unit))
		}
		h, _ = l.Health(t0, LendingAccount{Supplied: []Balance{{Asset: "ETH", Amount: d("10")}}, Borrowed: []Balance{{Asset: "DAI", Amount: d("8000").Add(unit)}}})
		if !h.Liquidatable {
			t.Fatalf("debt one unit above liquidation collateral not liquidatable: %+v", h)
		}
		if err := CheckHealth(h); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("inputs at their limits", func(t *testing.T) {
		a := Account{Wallet: d("1000"), Positions: []Position{{Market: "X", Size: d("1"), EntryPrice: d("100"), Leverage: d("1")}},
			Collateral: []Collateral{{Asset: "X", Amount: d("1"), Ratio: d("1")}}}
		if err := c.ValidateAccount(a); err != nil {
			t.Fatalf("leverage 1 and ratio 1 are allowed: %v", err)
		}
		a.Positions[0].Leverage = d("1").Sub(unit)
		if err := c.ValidateAccount(a); err == nil {
			t.Fatalf("leverage just below 1 accepted")
		}
	})
}

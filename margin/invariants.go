package margin

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// checkAll checks every decimal is in range (num.Check): arithmetic on a
// value with an absurd exponent can hang.
func checkAll(ds ...decimal.Decimal) error {
	for _, d := range ds {
		if err := num.Check(d); err != nil {
			return err
		}
	}
	return nil
}

// CheckSummary verifies the promises of a Summary of account a: the cross
// totals are the sums of the cross positions' figures; initial ≥
// maintenance ≥ 0 for every position; Equity = Wallet + UnrealisedPnL +
// CollateralValue; FreeCollateral = Equity − Initial; the predicates match
// their definitions (Liquidatable ⇔ Maintenance > 0 ∧ Equity <
// Maintenance, so an account at or above maintenance, or without
// positions, is never liquidatable); an isolated position's Equity is its
// Margin + PnL. Errors wrap ErrInvariant.
func CheckSummary(a Account, s Summary) error {
	if err := checkAll(a.Wallet, s.Equity, s.CollateralValue, s.UnrealisedPnL, s.Initial, s.Maintenance, s.FreeCollateral); err != nil {
		return fmt.Errorf("%w: figure out of range: %w", ErrInvariant, err)
	}
	for _, ps := range s.Positions {
		if err := checkAll(ps.Size, ps.Mark, ps.Notional, ps.UnrealisedPnL, ps.Initial, ps.Maintenance, ps.Equity); err != nil {
			return fmt.Errorf("%w: %q figure out of range: %w", ErrInvariant, ps.Market, err)
		}
	}
	for _, p := range a.Positions {
		if err := checkAll(p.Size, p.Margin); err != nil {
			return fmt.Errorf("%w: %q figure out of range: %w", ErrInvariant, p.Market, err)
		}
	}
	if len(s.Positions) != len(a.Positions) {
		return fmt.Errorf("%w: %d position summaries for %d positions", ErrInvariant, len(s.Positions), len(a.Positions))
	}
	pnl, im, mm := decimal.Zero, decimal.Zero, decimal.Zero
	anyIso := false
	for i, ps := range s.Positions {
		p := a.Positions[i]
		if ps.Market != p.Market || !ps.Size.Equal(p.Size) || ps.Isolated != p.Isolated {
			return fmt.Errorf("%w: position %d summary does not match %q", ErrInvariant, i, p.Market)
		}
		if ps.Maintenance.Sign() < 0 || ps.Initial.Cmp(ps.Maintenance) < 0 {
			return fmt.Errorf("%w: %q initial %s / maintenance %s", ErrInvariant, p.Market, ps.Initial, ps.Maintenance)
		}
		if p.Isolated {
			if !ps.Equity.Equal(p.Margin.Add(ps.UnrealisedPnL)) {
				return fmt.Errorf("%w: %q isolated equity %s != margin + pnl", ErrInvariant, p.Market, ps.Equity)
			}
			if ps.Liquidatable != (ps.Maintenance.Sign() > 0 && ps.Equity.Cmp(ps.Maintenance) < 0) {
				return fmt.Errorf("%w: %q isolated liquidatable flag wrong", ErrInvariant, p.Market)
			}
			anyIso = anyIso || ps.Liquidatable
			continue
		}
		if ps.Liquidatable {
			return fmt.Errorf("%w: cross position %q flagged liquidatable", ErrInvariant, p.Market)
		}
		pnl, im, mm = pnl.Add(ps.UnrealisedPnL), im.Add(ps.Initial), mm.Add(ps.Maintenance)
	}
	switch {
	case !pnl.Equal(s.UnrealisedPnL), !im.Equal(s.Initial), !mm.Equal(s.Maintenance):
		return fmt.Errorf("%w: cross totals are not the sums of the positions", ErrInvariant)
	case !s.Equity.Equal(a.Wallet.Add(s.UnrealisedPnL).Add(s.CollateralValue)):
		return fmt.Errorf("%w: equity %s != wallet + pnl + collateral", ErrInvariant, s.Equity)
	case !s.FreeCollateral.Equal(s.Equity.Sub(s.Initial)):
		return fmt.Errorf("%w: free collateral", ErrInvariant)
	case s.InitialCollateralised != (s.Equity.Cmp(s.Initial) >= 0):
		return fmt.Errorf("%w: initial-collateralised flag", ErrInvariant)
	case s.Liquidatable != (s.Maintenance.Sign() > 0 && s.Equity.Cmp(s.Maintenance) < 0):
		return fmt.Errorf("%w: liquidatable flag", ErrInvariant)
	case s.IsolatedLiquidatable != anyIso:
		return fmt.Errorf("%w: isolated-liquidatable flag", ErrInvariant)
	}
	return nil
}

// CheckContinuity verifies that a Marginal schedule is continuous at every
// boundary: tierₙ₋₁ at Floorₙ equals tierₙ at Floorₙ, i.e. floorₙ × rateₙ₋₁
// − cumₙ₋₁ = floorₙ × rateₙ − cumₙ. Step schedules jump by design and
// pass. Errors wrap ErrInvariant.
func (s *Schedule) CheckContinuity() error {
	if err := s.ready(); err != nil {
		return err
	}
	if s.rule != Marginal {
		return nil
	}
	for i := 1; i < len(s.tiers); i++ {
		p, t := s.tiers[i-1], s.tiers[i]
		left := t.floor.Mul(p.mmr).Sub(p.cum)
		right := t.floor.Mul(t.mmr).Sub(t.cum)
		if !left.Equal(right) {
			return fmt.Errorf("%w: discontinuity at %s: %s vs %s", ErrInvariant, t.floor, left, right)
		}
	}
	return nil
}

// CheckHealth verifies a Health: LiquidationCollateral ≤ Collateral,
// BorrowLimit ≤ LiquidationCollateral, Infinite ⇔ Debt = 0, Liquidatable
// ⇔ Debt > LiquidationCollateral, and Factor × Debt ≤
// LiquidationCollateral (the factor never flatters the borrower). Errors
// wrap ErrInvariant.
func CheckHealth(h Health) error {
	if err := checkAll(h.Collateral, h.LiquidationCollateral, h.BorrowLimit, h.Debt, h.Factor, h.AvailableBorrow); err != nil {
		return fmt.Errorf("%w: figure out of range: %w", ErrInvariant, err)
	}
	switch {
	case h.LiquidationCollateral.Cmp(h.Collateral) > 0:
		return fmt.Errorf("%w: liquidation collateral above collateral", ErrInvariant)
	case h.BorrowLimit.Cmp(h.LiquidationCollateral) > 0:
		return fmt.Errorf("%w: borrow limit above liquidation collateral", ErrInvariant)
	case h.Infinite != (h.Debt.Sign() == 0):
		return fmt.Errorf("%w: infinite flag", ErrInvariant)
	case h.Liquidatable != (h.Debt.Cmp(h.LiquidationCollateral) > 0):
		return fmt.Errorf("%w: liquidatable flag", ErrInvariant)
	case !h.Infinite && h.Factor.Mul(h.Debt).Cmp(h.LiquidationCollateral) > 0:
		return fmt.Errorf("%w: factor %s rounds in the borrower's favour", ErrInvariant, h.Factor)
	}
	return nil
}

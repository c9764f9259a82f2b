package margin

import "github.com/shopspring/decimal"

// AccountRiskOf returns the AccountRisk of an account whose equity and
// requirements were computed outside the Calculator — by a portfolio
// (scenario-grid) engine such as margin/portfolio — with the Calculator's
// own predicates, so liquidation queues (CompareAccountRisk), margin calls
// and pre-trade checks treat it exactly like an account the Calculator
// valued: FreeCollateral = equity − initial, InitialCollateralised when
// equity ≥ initial, Liquidatable when maintenance > 0 and equity <
// maintenance (strict, as Summary). The figures are taken as given (the
// caller rounds them in the venue's favour); IsolatedLiquidatable and
// MustReduce are false: such an account has no isolated positions or tier
// caps.
func AccountRiskOf(equity, initial, maintenance decimal.Decimal) AccountRisk {
	return AccountRisk{
		Equity:                equity,
		Initial:               initial,
		Maintenance:           maintenance,
		FreeCollateral:        equity.Sub(initial),
		InitialCollateralised: equity.Cmp(initial) >= 0,
		Liquidatable:          maintenance.Sign() > 0 && equity.Cmp(maintenance) < 0,
	}
}

// Transition is the rule CheckOrder applies to an account's cross part,
// for an account valued before and after an order by another engine (the
// what-if requirement of a portfolio book after the order): accepted
// (ReasonCollateralised) when equity ≥ initial after; otherwise accepted
// (ReasonNotRiskier) only when maintenance does not rise and equity /
// maintenance does not fall, compared by cross-multiplication (with either
// maintenance zero, only when both are and equity rises); else
// ReasonNewlyUndercollateralised (the account met initial before) or
// ReasonStillUndercollateralised. So a hedge that lowers the requirement
// is accepted for an account below initial margin. Source: dydxprotocol/
// v4-chain x/subaccounts
// IsValidStateTransitionForUndercollateralizedSubaccount.
func Transition(before, after AccountRisk) Reason {
	return transition(before.Equity, before.Initial, before.Maintenance, after.Equity, after.Initial, after.Maintenance)
}

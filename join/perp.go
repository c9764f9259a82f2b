package join

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// ErrInvalidInput is returned for an input the join cannot adapt.
var ErrInvalidInput = errors.New("join: invalid input")

// IsolatedSeparator joins an account ID and a market into the ID of an
// isolated position's own liquidation account: "acct-7/BTC-PERP".
const IsolatedSeparator = "/"

// PerpAccounts values a perpetual-futures account with c.Summary at now and
// returns the liquidation engine's view of each part of it that must be
// liquidated or reduced now, cross part first, then isolated positions in
// the account's order. An account with nothing to do returns none.
//
// The parts follow the margin modes of Binance and Bybit: the cross part
// (wallet, collateral and every cross position) is one account, ID a.ID,
// with Summary's cross Equity and Maintenance; each isolated position is an
// account of its own, ID a.ID + IsolatedSeparator + market, with its own
// Margin + PnL as equity and its own maintenance, so its loss never reaches
// the wallet.
//
// Each position is one leg, in the settlement asset (the unit of equity and
// maintenance, so coin for an inverse market):
//
//	Size  = |contracts|               the lot the engine may close
//	Value = Debt = notional at mark   (PositionSummary.Notional)
//
// Longs and shorts map alike: closing debt x closes x/notional of the
// contracts, a sale for a long and a buy-back for a short; the host reads
// the direction from the margin position. Valuing the leg's debt at its
// notional makes the engine's sizing sound for perps: the engine assumes
// closing debt x releases the fraction x/Debt of maintenance and costs the
// penalty on x; a tiered maintenance is convex in notional (marginal rates
// only rise, Binance's and Bybit's tables), so closing x releases at least
// that fraction and the health after the close is at least the engine's
// target. Linear and inverse contracts alike have notional proportional to
// contracts at a fixed mark, so the engine's lot (Size × x / Debt) is the
// right number of contracts.
//
// For an isolated part the sizing assumes what a liquidation does: the
// closed part's equity stays with the position and pays the penalty. A
// host that books the close with margin.Calculator.ApplyFill (which, as for
// a trader's own reduce, releases the closed fraction of the equity to the
// wallet) moves the released amount back into the position's margin.
//
// A part with a position above its market's last tier cap
// (PositionSummary.AboveLastCap) is returned even when its equity covers
// maintenance, with ReduceDebt = Σ (notional − last cap) over such legs:
// the engine then closes at least the notional that does not fit any tier
// (liquidation.Reducer). A part that is liquidatable has ReduceDebt zero
// unless it is also above a cap.
func PerpAccounts(now time.Time, c *margin.Calculator, a margin.Account) ([]liquidation.StaticAccount, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: nil margin calculator", ErrInvalidInput)
	}
	if a.ID == "" {
		return nil, fmt.Errorf("%w: account with an empty ID", ErrInvalidInput)
	}
	s, err := c.Summary(now, a)
	if err != nil {
		return nil, fmt.Errorf("%w: account %q: %w", ErrInvalidInput, a.ID, err)
	}
	var out []liquidation.StaticAccount
	cross := liquidation.StaticAccount{ID: a.ID, EquityValue: s.Equity, MaintenanceValue: s.Maintenance,
		DebtValue: decimal.Zero, CollateralValue: decimal.Zero, ReduceDebt: decimal.Zero}
	for _, p := range s.Positions {
		if p.Isolated || p.Size.IsZero() {
			continue
		}
		if err := addLeg(c, &cross, p); err != nil {
			return nil, fmt.Errorf("%w: account %q: %w", ErrInvalidInput, a.ID, err)
		}
	}
	if len(cross.Legs) > 0 && (s.Liquidatable || cross.ReduceDebt.Sign() > 0) {
		out = append(out, cross)
	}
	for _, p := range s.Positions {
		if !p.Isolated || p.Size.IsZero() {
			continue
		}
		iso := liquidation.StaticAccount{ID: a.ID + IsolatedSeparator + p.Market, EquityValue: p.Equity,
			MaintenanceValue: p.Maintenance, DebtValue: decimal.Zero, CollateralValue: decimal.Zero, ReduceDebt: decimal.Zero}
		if err := addLeg(c, &iso, p); err != nil {
			return nil, fmt.Errorf("%w: account %q: %w", ErrInvalidInput, a.ID, err)
		}
		if p.Liquidatable || iso.ReduceDebt.Sign() > 0 {
			out = append(out, iso)
		}
	}
	return out, nil
}

// addLeg adds position p as one leg of acct.
func addLeg(c *margin.Calculator, acct *liquidation.StaticAccount, p margin.PositionSummary) error {
	n := p.Notional
	acct.Legs = append(acct.Legs, liquidation.Position{Market: p.Market, Size: p.Size.Abs(), Value: n, Debt: n})
	acct.DebtValue = acct.DebtValue.Add(n)
	acct.CollateralValue = acct.CollateralValue.Add(n)
	if !p.AboveLastCap {
		return nil
	}
	sched, err := c.Schedule(p.Market)
	if err != nil {
		return err
	}
	if excess := n.Sub(sched.LastCap()); excess.Sign() > 0 {
		acct.ReduceDebt = acct.ReduceDebt.Add(excess)
	}
	return nil
}

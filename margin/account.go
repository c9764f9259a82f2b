package margin

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Position is a one-way position in one market: a long has Size > 0, a
// short Size < 0. A flat position is not a Position: remove it instead.
type Position struct {
	// Market is the market ID.
	Market string `json:"market"`
	// Size is the signed number of contracts; never zero.
	Size decimal.Decimal `json:"size"`
	// EntryPrice is the average entry price; positive.
	EntryPrice decimal.Decimal `json:"entry_price"`
	// Isolated marks an isolated-margin position: it is margined by its own
	// Margin alone and does not touch the account's wallet. Cross positions
	// (the default) share the account's wallet and collateral.
	Isolated bool `json:"isolated,omitempty"`
	// Margin is the margin posted to an isolated position (≥ 0). It must be
	// zero for a cross position.
	Margin decimal.Decimal `json:"margin"`
	// Leverage is the leverage the trader selected (≥ 1). Zero means the
	// tier's maximum. The initial requirement is at least notional /
	// Leverage, and a tier whose maximum leverage is below it refuses
	// new risk in CheckOrder.
	Leverage decimal.Decimal `json:"leverage"`
}

// Collateral is a non-settlement asset counted toward cross equity at
// amount × price × Ratio, rounded down (Binance multi-assets mode, Bybit
// unified account collateral value ratio). The asset is priced through the
// PriceSource with the asset name as the key, in the settlement asset.
type Collateral struct {
	// Asset names the asset (the PriceSource key).
	Asset string `json:"asset"`
	// Amount held; ≥ 0.
	Amount decimal.Decimal `json:"amount"`
	// Ratio is the collateral ratio (haircut), in (0, 1].
	Ratio decimal.Decimal `json:"ratio"`
}

// Account is a margin account as the host stores it: a cross wallet in the
// settlement asset, positions (at most one per market), and extra
// collateral. It is a plain value; the Calculator never keeps it.
type Account struct {
	// ID names the account (informational).
	ID string `json:"id"`
	// Wallet is the cross wallet balance in the settlement asset (realised
	// PnL included, isolated margins excluded). It may be negative.
	Wallet decimal.Decimal `json:"wallet"`
	// Positions are the open positions, one per market.
	Positions []Position `json:"positions"`
	// Collateral are the extra assets counted toward cross equity.
	Collateral []Collateral `json:"collateral,omitempty"`
}

// Clone returns a deep copy of the account (slices copied).
func (a Account) Clone() Account {
	b := a
	b.Positions = append([]Position(nil), a.Positions...)
	b.Collateral = append([]Collateral(nil), a.Collateral...)
	return b
}

// Position returns the account's position in a market, if any.
func (a Account) Position(market string) (Position, bool) {
	for _, p := range a.Positions {
		if p.Market == market {
			return p, true
		}
	}
	return Position{}, false
}

// ValidateAccount checks an account against the Calculator's markets
// without pricing it: known markets, one position per market, non-zero
// sizes, positive entry prices, isolated margins ≥ 0 and cross margins
// zero, leverage zero or ≥ 1, every position settling in the same asset
// (Market.Settlement), collateral amounts ≥ 0 and ratios in (0, 1], and
// every decimal in range. Errors wrap ErrInvalidInput or ErrUnknownMarket.
func (c *Calculator) ValidateAccount(a Account) error {
	if err := c.ready(); err != nil {
		return err
	}
	if err := num.Check(a.Wallet); err != nil {
		return fmt.Errorf("%w: wallet: %w", ErrInvalidInput, err)
	}
	var first *market
	for i, p := range a.Positions {
		m, err := c.market(p.Market)
		if err != nil {
			return err
		}
		if first == nil {
			first = m
		} else if err := sameSettlement(first, m); err != nil {
			return err
		}
		for j := 0; j < i; j++ {
			if a.Positions[j].Market == p.Market {
				return fmt.Errorf("%w: market %q: two positions (one-way mode)", ErrInvalidInput, p.Market)
			}
		}
		if err := validatePosition(p); err != nil {
			return err
		}
	}
	for _, col := range a.Collateral {
		if err := validateCollateral(col); err != nil {
			return err
		}
	}
	return nil
}

// sameSettlement refuses two markets settling in different assets.
func sameSettlement(a, b *market) error {
	if a.settle != b.settle {
		return fmt.Errorf("%w: %q settles in %s, %q in %s: one account, one settlement asset", ErrInvalidInput, a.id, a.settle, b.id, b.settle)
	}
	return nil
}

func validatePosition(p Position) error {
	if err := num.Check(p.Size); err != nil {
		return fmt.Errorf("%w: market %q: size: %w", ErrInvalidInput, p.Market, err)
	}
	if p.Size.IsZero() {
		return fmt.Errorf("%w: market %q: size is zero", ErrInvalidInput, p.Market)
	}
	if err := num.CheckPositive(p.EntryPrice); err != nil {
		return fmt.Errorf("%w: market %q: entry price: %w", ErrInvalidInput, p.Market, err)
	}
	if err := num.CheckNonNegative(p.Margin); err != nil {
		return fmt.Errorf("%w: market %q: isolated margin amount: %w", ErrInvalidInput, p.Market, err)
	}
	if !p.Isolated && !p.Margin.IsZero() {
		return fmt.Errorf("%w: market %q: cross position carries isolated margin %s", ErrInvalidInput, p.Market, p.Margin)
	}
	if err := num.CheckNonNegative(p.Leverage); err != nil {
		return fmt.Errorf("%w: market %q: leverage: %w", ErrInvalidInput, p.Market, err)
	}
	if !p.Leverage.IsZero() && p.Leverage.Cmp(decOne) < 0 {
		return fmt.Errorf("%w: market %q: leverage %s below 1", ErrInvalidInput, p.Market, p.Leverage)
	}
	return nil
}

func validateCollateral(col Collateral) error {
	if err := num.CheckNonNegative(col.Amount); err != nil {
		return fmt.Errorf("%w: collateral %q amount: %w", ErrInvalidInput, col.Asset, err)
	}
	if err := num.CheckPositive(col.Ratio); err != nil { // never print an out-of-range value: formatting it can hang
		return fmt.Errorf("%w: collateral %q ratio: %w", ErrInvalidInput, col.Asset, err)
	}
	if col.Ratio.Cmp(decOne) > 0 {
		return fmt.Errorf("%w: collateral %q ratio %s outside (0, 1]", ErrInvalidInput, col.Asset, col.Ratio)
	}
	return nil
}

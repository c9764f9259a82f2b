package liquidation

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// AuctionType names the mechanism that produced a Settlement.
type AuctionType string

// Auction types.
const (
	AuctionDutch   AuctionType = "dutch"
	AuctionEnglish AuctionType = "english"
	AuctionBatch   AuctionType = "batch"
)

// Settlement is the closing record of an auction, what a host books to its
// ledger and hands to the backstop. Amounts are exact (no rounding happens
// here); the conservation laws
//
//	CollateralSold + CollateralReturned + CollateralYanked = Lot
//	DebtRecovered  + Shortfall          + DebtYanked       = Tab
//
// always hold (CheckSettlement).
type Settlement struct {
	Type    AuctionType `json:"type"`
	Auction uint64      `json:"auction"`
	Market  string      `json:"market,omitempty"`
	Owner   string      `json:"owner"`
	// Lot and Tab are the collateral and debt the auction started with.
	Lot decimal.Decimal `json:"lot"`
	Tab decimal.Decimal `json:"tab"`
	// CollateralSold went to buyers; CollateralReturned goes back to the
	// owner (left over once the tab was covered, or refused by reverse
	// bids); CollateralYanked went to the caller of Yank.
	CollateralSold     decimal.Decimal `json:"collateral_sold"`
	CollateralReturned decimal.Decimal `json:"collateral_returned"`
	CollateralYanked   decimal.Decimal `json:"collateral_yanked"`
	// DebtRecovered is what buyers paid toward the tab. Penalty is the part
	// of DebtRecovered that is liquidation penalty: the penalty is the last
	// part of the tab to be recovered, so
	// Penalty = max(0, DebtRecovered − (Tab − penalty at kick)).
	DebtRecovered decimal.Decimal `json:"debt_recovered"`
	Penalty       decimal.Decimal `json:"penalty"`
	// KeeperRewards is the sum of kick and redo incentives paid by the
	// venue for this auction (tip + chip × tab each time).
	KeeperRewards decimal.Decimal `json:"keeper_rewards"`
	// Shortfall is the tab left unpaid when the collateral ran out: bad
	// debt for the backstop.
	Shortfall decimal.Decimal `json:"shortfall"`
	// DebtYanked is the tab outstanding when the auction was yanked.
	DebtYanked decimal.Decimal `json:"debt_yanked"`
	// Surplus is quote currency paid beyond the tab (batch auctions sell
	// the whole lot), owed to the owner.
	Surplus decimal.Decimal `json:"surplus"`
	// Yanked is true when the auction was cancelled by Yank.
	Yanked bool `json:"yanked,omitempty"`
}

// CheckSettlement verifies the conservation laws of s and that no amount is
// negative. It returns an error wrapping ErrInvariant.
func CheckSettlement(s Settlement) error {
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{
		{"lot", s.Lot}, {"tab", s.Tab}, {"collateral sold", s.CollateralSold},
		{"collateral returned", s.CollateralReturned}, {"collateral yanked", s.CollateralYanked},
		{"debt recovered", s.DebtRecovered}, {"penalty", s.Penalty}, {"keeper rewards", s.KeeperRewards},
		{"shortfall", s.Shortfall}, {"debt yanked", s.DebtYanked}, {"surplus", s.Surplus},
	} {
		// Checked before any arithmetic or formatting: summing or printing
		// a decimal with an absurd exponent takes minutes.
		if err := checkWide(f.v); err != nil {
			return fmt.Errorf("%w: settlement %d: %s: %w", ErrInvariant, s.Auction, f.name, err)
		}
		if f.v.Sign() < 0 {
			return fmt.Errorf("%w: settlement %d: negative %s %s", ErrInvariant, s.Auction, f.name, f.v)
		}
	}
	if got := s.CollateralSold.Add(s.CollateralReturned).Add(s.CollateralYanked); !got.Equal(s.Lot) {
		return fmt.Errorf("%w: settlement %d: sold+returned+yanked %s ≠ lot %s", ErrInvariant, s.Auction, got, s.Lot)
	}
	if got := s.DebtRecovered.Add(s.Shortfall).Add(s.DebtYanked); !got.Equal(s.Tab) {
		return fmt.Errorf("%w: settlement %d: recovered+shortfall+yanked %s ≠ tab %s", ErrInvariant, s.Auction, got, s.Tab)
	}
	if s.Penalty.GreaterThan(s.DebtRecovered) {
		return fmt.Errorf("%w: settlement %d: penalty %s > recovered %s", ErrInvariant, s.Auction, s.Penalty, s.DebtRecovered)
	}
	return nil
}

// penaltyRecovered is max(0, recovered − (tab − penalty)), capped at penalty.
func penaltyRecovered(recovered, tab, penalty decimal.Decimal) decimal.Decimal {
	p := recovered.Sub(tab.Sub(penalty))
	if p.Sign() < 0 {
		return decimal.Zero
	}
	if p.GreaterThan(penalty) {
		return penalty
	}
	return p
}

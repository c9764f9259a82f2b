package join

import (
	"fmt"
	"strconv"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// ToUnit returns amount as a whole number of unit (a power of ten such as
// 0.00000001), rounded in direction up (true: toward +∞) or down. It is the
// one conversion between the packages' money scales: liquidation computes
// to 18 places by default, while a waterfall, a fund or a ledger keeps whole
// units of its own. A loss to cover rounds up (the layers cover at least
// the true loss, so no sub-unit hole is left in the ledger); an amount the
// venue pays out rounds down.
func ToUnit(amount, unit decimal.Decimal, up bool) (decimal.Decimal, error) {
	v, err := toUnit(amount, unit, up)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return v, nil
}

// toUnit is ToUnit with an unwrapped error, for callers that put their
// subject between the package's sentinel and the detail.
func toUnit(amount, unit decimal.Decimal, up bool) (decimal.Decimal, error) {
	if err := num.Check(amount); err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount: %w", err)
	}
	if err := num.CheckPositive(unit); err != nil {
		return decimal.Decimal{}, fmt.Errorf("unit: %w", err)
	}
	if !isPow10(unit.Coefficient().String()) {
		return decimal.Decimal{}, fmt.Errorf("unit %s is not a power of ten", unit)
	}
	// unit = 10^(exponent + digits − 1): its scale is the negation.
	scale := -(unit.Exponent() + int32(unit.NumDigits()) - 1)
	r := num.Floor
	if up {
		r = num.Ceil
	}
	return num.Round(amount, scale, r), nil
}

// isPow10 reports whether a positive integer's digits are 1 then zeros.
func isPow10(digits string) bool {
	if digits == "" || digits[0] != '1' {
		return false
	}
	for _, ch := range digits[1:] {
		if ch != '0' {
			return false
		}
	}
	return true
}

// SettlementClaim returns the backstop claim for the bad debt an auction
// left (Settlement.Shortfall), in whole units of unit rounded up (ToUnit),
// and false when the auction left none. house names the auction house that
// settled it, uniquely across the venue and for the venue's lifetime (for
// example "dutch-ETH-A"): each house numbers its auctions from 1 and a
// settlement's market is optional, so the house is what tells two auction
// number 1s apart. The claim's ID, "auction:" + house + ":" + auction
// number, is derived from the settlement, so a replayed settlement yields
// the same claim and backstop.Waterfall.Cover returns the first allocation
// instead of paying twice, while two auctions never share an ID. The loss
// sits in the journal account the waterfall names for it ("shortfall:" +
// ID).
func SettlementClaim(house string, s liquidation.Settlement, unit decimal.Decimal) (backstop.Claim, bool, error) {
	if house == "" {
		return backstop.Claim{}, false, fmt.Errorf("%w: settlement without a house ID", ErrInvalidInput)
	}
	if s.Auction == 0 {
		return backstop.Claim{}, false, fmt.Errorf("%w: house %q: settlement without an auction ID", ErrInvalidInput, house)
	}
	if s.Shortfall.Sign() < 0 {
		return backstop.Claim{}, false, fmt.Errorf("%w: house %q auction %d: negative shortfall", ErrInvalidInput, house, s.Auction)
	}
	amount, err := toUnit(s.Shortfall, unit, true)
	if err != nil {
		return backstop.Claim{}, false, fmt.Errorf("%w: house %q auction %d: %w", ErrInvalidInput, house, s.Auction, err)
	}
	if amount.IsZero() {
		return backstop.Claim{}, false, nil
	}
	id := "auction:" + house + ":" + strconv.FormatUint(s.Auction, 10)
	return backstop.Claim{ID: id, Amount: amount}, true, nil
}

// FillClaim returns the backstop claim for the loss an isolated position
// realised beyond its margin (margin.FillResult.Shortfall), in whole units
// of unit rounded up, and false when there was none. fillID is the host's
// idempotency key for the fill (a trade or liquidation-order ID); the
// claim's ID is "fill:" + fillID, so covering a replayed fill returns the
// first allocation.
func FillClaim(fillID string, r margin.FillResult, unit decimal.Decimal) (backstop.Claim, bool, error) {
	if fillID == "" {
		return backstop.Claim{}, false, fmt.Errorf("%w: fill with an empty ID", ErrInvalidInput)
	}
	if r.Shortfall.Sign() < 0 {
		return backstop.Claim{}, false, fmt.Errorf("%w: fill %q: negative shortfall", ErrInvalidInput, fillID)
	}
	amount, err := toUnit(r.Shortfall, unit, true)
	if err != nil {
		return backstop.Claim{}, false, fmt.Errorf("%w: fill %q: %w", ErrInvalidInput, fillID, err)
	}
	if amount.IsZero() {
		return backstop.Claim{}, false, nil
	}
	return backstop.Claim{ID: "fill:" + fillID, Amount: amount}, true, nil
}

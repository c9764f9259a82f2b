package margin

import (
	"fmt"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// FundingBook lists the positions accounts hold in a market, in the
// form FundingPayments takes (accounts without a position in the market
// are left out). Account IDs must be unique and non-empty for
// FundingPayments to accept the book.
func FundingBook(market string, accounts []Account) []FundingPosition {
	var book []FundingPosition
	for _, a := range accounts {
		if p, ok := a.Position(market); ok {
			book = append(book, FundingPosition{Account: a.ID, Size: p.Size})
		}
	}
	return book
}

// ApplyFunding books a settlement to accounts: each payment is added to
// its account's cross Wallet (negative: paid), isolated positions
// included (Bybit "Funding Fee Calculation": the fee is deducted from the
// available balance), so the wallet may go negative and the account's
// next Risk shows it. It returns copies; the input is not modified. Every
// payment must name exactly one account, and every wallet must be a
// supported decimal (num.Check: an absurd exponent is refused before any
// arithmetic); otherwise ErrInvalidInput, and nothing is returned. The
// sum of the wallets is unchanged, as the payments sum to zero.
func ApplyFunding(accounts []Account, f Funding) ([]Account, error) {
	if err := CheckFunding(f); err != nil {
		return nil, fmt.Errorf("%w: funding to apply: %w", ErrInvalidInput, err)
	}
	idx := make(map[string]int, len(accounts))
	for i, a := range accounts {
		if _, dup := idx[a.ID]; dup {
			return nil, fmt.Errorf("%w: account %q listed twice", ErrInvalidInput, a.ID)
		}
		if err := num.Check(a.Wallet); err != nil {
			return nil, fmt.Errorf("%w: account %q wallet: %w", ErrInvalidInput, a.ID, err)
		}
		idx[a.ID] = i
	}
	out := make([]Account, len(accounts))
	for i, a := range accounts {
		out[i] = a.Clone()
	}
	for _, p := range f.Payments {
		i, ok := idx[p.Account]
		if !ok {
			return nil, fmt.Errorf("%w: funding payment to unknown account %q", ErrInvalidInput, p.Account)
		}
		out[i].Wallet = out[i].Wallet.Add(p.Amount)
	}
	return out, nil
}

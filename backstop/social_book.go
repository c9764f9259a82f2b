package backstop

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// SocialBook is the set of amounts a socialised loss may haircut (winners'
// profits), checked once and kept as they change, so that every shortfall
// of a step that reaches the last layer draws its layer from the book
// instead of the host collecting and checking the amounts of every
// account again (issue 12 item 1: the cascade rebuilt its winners from
// the whole book for every claim, about 20% of its time at 4,000
// accounts).
//
// Build it once per step (NewSocialBook), tell it of every change to an
// amount (Set, Remove: O(log n) to find the account; an insert shifts the
// entries after it), and build each claim's layer with
// NewSocialBookLayer: that layer is exactly NewSocialLayer over the
// book's positive amounts in account order
// (TestPropertySocialBookMatchesRebuild). A layer's haircuts do not change
// the book: a host whose amounts fall with a haircut Sets them.
//
// Not safe for concurrent use.
type SocialBook struct {
	entries []Balance // sorted by account; amount 0 marks a removed entry
	live    int       // entries with a positive amount
}

// NewSocialBook returns a book of balances (copied). Errors
// (ErrInvalidInput, ErrDuplicateID): an empty or non-UTF-8 account, an
// account twice, an absurd amount. Amounts ≤ 0 are left out (they pay
// nothing).
func NewSocialBook(balances []Balance) (*SocialBook, error) {
	b := &SocialBook{entries: make([]Balance, 0, len(balances))}
	for i, a := range balances {
		if err := checkBalance(a); err != nil {
			return nil, fmt.Errorf("%w (index %d)", err, i)
		}
		if a.Amount.Sign() > 0 {
			b.entries = append(b.entries, a)
		}
	}
	sort.Slice(b.entries, func(i, j int) bool { return b.entries[i].Account < b.entries[j].Account })
	for i := 1; i < len(b.entries); i++ {
		if b.entries[i].Account == b.entries[i-1].Account {
			return nil, fmt.Errorf("%w: account %q twice", ErrDuplicateID, b.entries[i].Account)
		}
	}
	b.live = len(b.entries)
	return b, nil
}

func checkBalance(a Balance) error {
	if badID(a.Account) {
		return fmt.Errorf("%w: empty or non-UTF-8 account ID", ErrInvalidInput)
	}
	if err := num.Check(a.Amount); err != nil {
		return wrap(ErrInvalidInput, err, "account %q amount", a.Account)
	}
	return nil
}

// find returns where account is or would be inserted.
func (b *SocialBook) find(account string) (int, bool) {
	i := sort.Search(len(b.entries), func(i int) bool { return strings.Compare(b.entries[i].Account, account) >= 0 })
	return i, i < len(b.entries) && b.entries[i].Account == account
}

// Set puts the account's amount in the book (an amount ≤ 0 takes it out).
// An invalid account or amount is an error and changes nothing.
func (b *SocialBook) Set(a Balance) error {
	if err := checkBalance(a); err != nil {
		return err
	}
	if a.Amount.Sign() <= 0 {
		b.Remove(a.Account)
		return nil
	}
	i, ok := b.find(a.Account)
	switch {
	case ok && b.entries[i].Amount.Sign() > 0:
		b.entries[i].Amount = a.Amount
		return nil
	case ok: // a removed entry comes back
		b.entries[i].Amount = a.Amount
	default:
		b.entries = append(b.entries, Balance{})
		copy(b.entries[i+1:], b.entries[i:])
		b.entries[i] = a
	}
	b.live++
	return nil
}

// Remove takes the account out of the book (nothing if it is not there).
func (b *SocialBook) Remove(account string) {
	i, ok := b.find(account)
	if !ok || b.entries[i].Amount.Sign() <= 0 {
		return
	}
	b.entries[i].Amount = decimal.Zero
	b.live--
	if 2*b.live < len(b.entries) && len(b.entries) > 64 { // compact once half the entries are removed
		kept := b.entries[:0]
		for _, e := range b.entries {
			if e.Amount.Sign() > 0 {
				kept = append(kept, e)
			}
		}
		clear(b.entries[len(kept):])
		b.entries = kept
	}
}

// Len returns the number of accounts with a positive amount.
func (b *SocialBook) Len() int { return b.live }

// Balances returns the book's positive amounts in account order (a copy).
func (b *SocialBook) Balances() []Balance {
	out := make([]Balance, 0, b.live)
	for _, e := range b.entries {
		if e.Amount.Sign() > 0 {
			out = append(out, e)
		}
	}
	return out
}

// NewSocialBookLayer returns a socialised-loss layer named id over the
// book's amounts as they stand (copied: the book may change afterwards),
// in money units of unit (zero means 0.00000001): NewSocialLayer(id,
// book.Balances(), unit) without checking again what the book checked.
// Accounts in exclude (at most a few: the defaulter) are left out.
func NewSocialBookLayer(id string, book *SocialBook, unit decimal.Decimal, exclude ...string) (*SocialLayer, error) {
	if badID(id) {
		return nil, fmt.Errorf("%w: empty or non-UTF-8 layer ID", ErrInvalidSettings)
	}
	if book == nil {
		return nil, fmt.Errorf("%w: nil social book", ErrInvalidSettings)
	}
	scale, err := unitScale(unit, defaultUnit, "unit")
	if err != nil {
		return nil, err
	}
	accounts := make([]Balance, 0, book.live)
	for _, e := range book.entries {
		if e.Amount.Sign() > 0 && !containsString(exclude, e.Account) {
			accounts = append(accounts, e)
		}
	}
	return &SocialLayer{id: id, scale: scale, accounts: accounts, checked: true}, nil
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Contains reports whether the account has a positive amount in the book.
func (b *SocialBook) Contains(account string) bool {
	i, ok := b.find(account)
	return ok && b.entries[i].Amount.Sign() > 0
}

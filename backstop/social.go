package backstop

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Balance is an account's amount that a socialised loss may haircut: its
// unrealised or realised profit (winners' profits) or its whole balance.
type Balance struct {
	Account string          `json:"account"` // unique account ID
	Amount  decimal.Decimal `json:"amount"`  // profit or balance; ≤ 0 pays nothing
}

// Haircut is what a socialised loss took from one account.
type Haircut struct {
	Account string          `json:"account"` // the account haircut
	Amount  decimal.Decimal `json:"amount"`  // taken from it, ≥ 0
}

// Socialisation is the result of Socialise.
type Socialisation struct {
	Haircuts []Haircut       `json:"haircuts"` // one per account with a positive amount, input order
	Total    decimal.Decimal `json:"total"`    // Σ haircuts = min(loss, Σ positive amounts)
	Residual decimal.Decimal `json:"residual"` // loss − Total
}

// Socialise spreads loss over accounts pro rata to their positive amounts
// (accounts at zero or below pay nothing), by the largest-remainder rule in
// units of 10^-scale, so the haircuts sum to exactly min(loss, Σ amounts) and
// each is within one unit of loss × amountᵢ / Σ amounts and never above the
// account's amount (its amount floored to the unit). This is the socialised
// loss of BitMEX before ADL ("Socialised Loss" system, BitMEX ADL further
// information), Deribit and OKX ("clawback"), and of dYdX v4's final
// fallback: pass profits to haircut winners, balances to haircut everyone.
//
// Errors (ErrInvalidInput): a negative, absurd or too-fine loss, an empty
// or duplicated account, an absurd amount, a scale outside [-36, 36].
func Socialise(loss decimal.Decimal, accounts []Balance, scale int32) (Socialisation, error) {
	res, _, err := socialise(loss, accounts, scale, true)
	return res, err
}

// socialise is Socialise; idx[n] is the index in accounts of haircut n.
// check = false skips the per-account checks (IDs, duplicates, amounts)
// for accounts a SocialBook has already checked.
func socialise(loss decimal.Decimal, accounts []Balance, scale int32, check bool) (Socialisation, []int, error) {
	if err := num.CheckScale(scale); err != nil { // bounded before any arithmetic (issue 10 item 10)
		return Socialisation{}, nil, wrap(ErrInvalidInput, err, "")
	}
	if err := checkAmount(loss, scale, "loss"); err != nil {
		return Socialisation{}, nil, err
	}
	weights := make([]decimal.Decimal, 0, len(accounts))
	caps := make([]decimal.Decimal, 0, len(accounts))
	idx := make([]int, 0, len(accounts))
	var seen map[string]struct{}
	if check {
		seen = make(map[string]struct{}, len(accounts))
	}
	exact := true
	for i, a := range accounts {
		if check {
			if badID(a.Account) {
				return Socialisation{}, nil, fmt.Errorf("%w: account %d has an empty or non-UTF-8 ID", ErrInvalidInput, i)
			}
			if _, dup := seen[a.Account]; dup {
				return Socialisation{}, nil, fmt.Errorf("%w: account %q twice", ErrDuplicateID, a.Account)
			}
			seen[a.Account] = struct{}{}
			if err := num.Check(a.Amount); err != nil {
				return Socialisation{}, nil, wrap(ErrInvalidInput, err, "account %q amount", a.Account)
			}
		}
		if a.Amount.Sign() <= 0 {
			continue
		}
		c := floorUnit(a.Amount, scale)
		exact = exact && c.Equal(a.Amount)
		weights = append(weights, a.Amount)
		caps = append(caps, c)
		idx = append(idx, i)
	}
	room := sumAmounts(caps)
	total := num.MinOf(loss, room)
	var shares []decimal.Decimal
	var err error
	if exact {
		// Every amount is a whole number of units, so each proportional
		// share total × aᵢ / Σa ≤ aᵢ and largest remainder never passes aᵢ:
		// no cap can bind.
		shares, err = proRataExact(total, weights, scale)
	} else {
		shares, err = proRataCapped(total, weights, caps, scale)
	}
	if err != nil {
		return Socialisation{}, nil, err
	}
	out := Socialisation{Haircuts: make([]Haircut, len(idx)), Total: total, Residual: loss.Sub(total)}
	for n, i := range idx {
		out.Haircuts[n] = Haircut{Account: accounts[i].Account, Amount: shares[n]}
	}
	return out, idx, nil
}

// SocialLayer is the last layer of an exchange waterfall: a socialised
// loss over the given accounts (see Socialise). Capacity is Σ positive
// amounts (floored to the unit). Each Absorb haircuts the accounts'
// remaining amounts; movements come from "haircut:ACCOUNT", and Absorb
// returns an EventHaircut per account haircut.
// Not safe for concurrent use.
type SocialLayer struct {
	id       string
	scale    int32
	accounts []Balance
	cuts     []Haircut
	checked  bool // accounts come from a SocialBook: IDs unique and amounts checked
}

// NewSocialLayer returns a socialised-loss layer named id over accounts
// (copied), in money units of unit (zero means 0.00000001).
func NewSocialLayer(id string, accounts []Balance, unit decimal.Decimal) (*SocialLayer, error) {
	if badID(id) {
		return nil, fmt.Errorf("%w: empty or non-UTF-8 layer ID", ErrInvalidSettings)
	}
	scale, err := unitScale(unit, defaultUnit, "unit")
	if err != nil {
		return nil, err
	}
	if _, err := Socialise(decimal.Zero, accounts, scale); err != nil {
		return nil, err
	}
	return &SocialLayer{id: id, scale: scale, accounts: append([]Balance(nil), accounts...)}, nil
}

// ID returns the layer's name.
func (s *SocialLayer) ID() string { return s.id }

// Capacity is Σ positive remaining amounts, each floored to the unit.
func (s *SocialLayer) Capacity() decimal.Decimal {
	c := decimal.Zero
	for _, a := range s.accounts {
		if a.Amount.Sign() > 0 {
			c = c.Add(a.Amount.RoundFloor(s.scale))
		}
	}
	return c
}

// haircutsCopy returns every haircut made so far, in order.
func (s *SocialLayer) haircutsCopy() []Haircut { return append([]Haircut(nil), s.cuts...) }

// Absorb haircuts the accounts pro rata by amount (> 0, at most
// Capacity) and returns an EventHaircut per account haircut.
func (s *SocialLayer) Absorb(now time.Time, amount decimal.Decimal, to string) ([]Movement, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := checkPositive(amount, s.scale, "amount"); err != nil { // checked before formatting
		return nil, nil, err
	}
	if err := checkAbsorb(now, to); err != nil {
		return nil, nil, err
	}
	if amount.Cmp(s.Capacity()) > 0 {
		return nil, nil, fmt.Errorf("%w: %s > %s", ErrOverCapacity, amount, s.Capacity())
	}
	res, idx, err := socialise(amount, s.accounts, s.scale, !s.checked)
	if err != nil {
		return nil, nil, err
	}
	var evs []Event
	ms := make([]Movement, 0, len(res.Haircuts))
	for n, h := range res.Haircuts {
		if h.Amount.Sign() == 0 {
			continue
		}
		i := idx[n]
		s.accounts[i].Amount = s.accounts[i].Amount.Sub(h.Amount)
		s.cuts = append(s.cuts, h)
		evs = append(evs, Event{Time: now, Kind: EventHaircut, Subject: s.id, Account: h.Account, Amount: h.Amount})
		ms = append(ms, Movement{From: "haircut:" + h.Account, To: to, Amount: h.Amount, Reason: "socialised loss"})
	}
	return ms, evs, nil
}

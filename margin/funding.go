package margin

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// MaxFundingPositions bounds the positions one FundingPayments call
// settles (a larger book is refused before any arithmetic).
const MaxFundingPositions = 1 << 20

// maxFundingRate bounds |rate|: a funding rate of more than 100% of the
// notional per interval is absurd input, refused (fail closed).
var maxFundingRate = decimal.NewFromInt(1)

// FundingPosition is one account's position in a market at a funding time.
type FundingPosition struct {
	// Account names the account; unique within one call.
	Account string `json:"account"`
	// Size is the signed size in contracts (> 0 long, < 0 short); zero
	// pays and receives nothing.
	Size decimal.Decimal `json:"size"`
}

// FundingPayment is what one account pays (negative) or receives
// (positive) at a funding time, in the market's settlement asset.
type FundingPayment struct {
	// Account is the account ID.
	Account string `json:"account"`
	// Amount is signed: negative for a payer, positive for a receiver,
	// zero for a zero size or a zero rate.
	Amount decimal.Decimal `json:"amount"`
}

// Funding is the settlement of one funding interval in one market.
type Funding struct {
	// Payments are in ascending Account order, one per position passed.
	Payments []FundingPayment `json:"payments"`
	// Total is what the payers pay and the receivers receive (≥ 0): the
	// exact Σ |size| × c × price × |rate| of the paying side (Linear; ÷
	// price for Inverse), rounded down at the Calculator's scale.
	Total decimal.Decimal `json:"total"`
	// LongsPay is true when the rate is positive (longs pay shorts).
	LongsPay bool `json:"longs_pay"`
}

// FundingPayments settles one funding interval of a market: with a
// positive rate the longs pay the shorts, with a negative rate the shorts
// pay the longs (Binance "Introduction to Binance Futures Funding Rates":
// Funding Amount = Nominal Value of Positions × Funding Rate; Bybit
// "Funding Fee Calculation": Funding Fee = Position Value × Funding Rate,
// position value at the mark). price is the price the payment is valued
// at: the mark (Binance, Bybit) or the oracle price (dYdX v4-chain:
// protocol/x/perpetuals/funding/funding.go GetFundingIndexDelta, called by
// keeper/perpetual.go MaybeProcessNewFundingTickEpoch, multiplies the
// rate by the oracle price). rate is the rate for THIS interval (oracle
// computes it), applied as given: nothing here pro-rates it. dYdX's rate
// is an 8-hour rate that GetFundingIndexDelta pro-rates by the time
// elapsed (rate × seconds since the last tick / 28,800, truncated toward
// zero), so a host replaying dYdX passes the 8-hour rate × elapsed / 8h
// (1/8 of it for the hourly tick: protocol/app/testdata/
// default_genesis_state.json, epoch "funding-tick", duration 3600), not
// the 8-hour rate.
//
// The payments sum to exactly zero, to the unit of the Calculator's
// scale. Rounding: the paying side's exact total is rounded DOWN to the
// scale (Total); that Total is split among the payers and, separately,
// among the receivers in proportion to |size|, by largest remainder
// (num.ProRata): each share is first floored, and the units left over go
// one each to the largest cut-off remainders, ties to the lower Account ID
// (positions are sorted by ID first, so the answer never depends on the
// order passed). So a payer pays at most its exact amount plus one unit,
// a receiver receives at most its exact amount plus one unit, and each is
// at least its exact amount minus two units.
//
// The book must net to zero (Σ size = 0: every long has a short); an
// unbalanced book cannot be settled zero-sum at the rate and is refused,
// as are a zero or negative price, |rate| > 1, duplicate or empty account
// IDs, more than MaxFundingPositions positions and absurd decimals
// (ErrInvalidInput; ErrUnknownMarket for an unknown market).
func (c *Calculator) FundingPayments(marketID string, price, rate decimal.Decimal, book []FundingPosition) (Funding, error) {
	if err := c.ready(); err != nil {
		return Funding{}, err
	}
	m, err := c.market(marketID)
	if err != nil {
		return Funding{}, err
	}
	if err := num.CheckPositive(price); err != nil {
		return Funding{}, fmt.Errorf("%w: market %q: funding price: %w", ErrInvalidInput, marketID, err)
	}
	if err := num.Check(rate); err != nil {
		return Funding{}, fmt.Errorf("%w: market %q: funding rate: %w", ErrInvalidInput, marketID, err)
	}
	if rate.Abs().Cmp(maxFundingRate) > 0 {
		return Funding{}, fmt.Errorf("%w: market %q: funding rate %s outside [-1, 1]", ErrInvalidInput, marketID, rate)
	}
	if len(book) > MaxFundingPositions {
		return Funding{}, fmt.Errorf("%w: market %q: %d positions, at most %d", ErrInvalidInput, marketID, len(book), MaxFundingPositions)
	}
	sorted := append([]FundingPosition(nil), book...)
	net, payW := decimal.Zero, decimal.Zero
	for _, p := range sorted {
		if p.Account == "" {
			return Funding{}, fmt.Errorf("%w: market %q: funding position without an account ID", ErrInvalidInput, marketID)
		}
		if err := num.Check(p.Size); err != nil {
			return Funding{}, fmt.Errorf("%w: market %q: account %q size: %w", ErrInvalidInput, marketID, p.Account, err)
		}
		net = net.Add(p.Size)
	}
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Account < sorted[j].Account })
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Account == sorted[i-1].Account {
			return Funding{}, fmt.Errorf("%w: market %q: account %q listed twice", ErrInvalidInput, marketID, sorted[i].Account)
		}
	}
	if !net.IsZero() {
		return Funding{}, fmt.Errorf("%w: market %q: the book nets to %s, not zero: funding cannot be zero-sum", ErrInvalidInput, marketID, net)
	}
	f := Funding{Payments: make([]FundingPayment, len(sorted)), Total: decimal.Zero, LongsPay: rate.Sign() > 0}
	for i, p := range sorted {
		f.Payments[i] = FundingPayment{Account: p.Account, Amount: decimal.Zero}
	}
	if rate.IsZero() {
		return f, nil
	}
	payerSign := 1 // longs pay a positive rate
	if rate.Sign() < 0 {
		payerSign = -1
	}
	var payW8, recvW8 []decimal.Decimal
	var payIdx, recvIdx []int
	for i, p := range sorted {
		switch p.Size.Sign() {
		case payerSign:
			payW8, payIdx = append(payW8, p.Size.Abs()), append(payIdx, i)
			payW = payW.Add(p.Size.Abs())
		case -payerSign:
			recvW8, recvIdx = append(recvW8, p.Size.Abs()), append(recvIdx, i)
		}
	}
	if payW.IsZero() {
		return f, nil // no open interest
	}
	// Exact paying-side total, rounded down: Linear |Σq|·c·P·|r|, Inverse
	// |Σq|·c·|r| / P.
	exact := payW.Mul(m.cs).Mul(rate.Abs())
	if m.kind == Linear {
		f.Total = num.Round(exact.Mul(price), c.scale, num.Floor)
	} else {
		f.Total = num.Div(exact, price, c.scale, num.Floor)
	}
	if f.Total.IsZero() {
		return f, nil
	}
	paid, err := num.ProRata(f.Total, payW8, c.scale)
	if err != nil {
		return Funding{}, fmt.Errorf("%w: market %q: %w", ErrInvalidInput, marketID, err)
	}
	got, err := num.ProRata(f.Total, recvW8, c.scale)
	if err != nil {
		return Funding{}, fmt.Errorf("%w: market %q: %w", ErrInvalidInput, marketID, err)
	}
	for k, i := range payIdx {
		f.Payments[i].Amount = paid[k].Neg()
	}
	for k, i := range recvIdx {
		f.Payments[i].Amount = got[k]
	}
	return f, nil
}

// CheckFunding verifies a funding settlement: payments in strictly
// ascending Account order, summing to exactly zero, payers' amounts
// summing to −Total. Errors wrap ErrInvariant.
func CheckFunding(f Funding) error {
	sum, neg := decimal.Zero, decimal.Zero
	for i, p := range f.Payments {
		if err := num.Check(p.Amount); err != nil {
			return fmt.Errorf("%w: funding payment of %q: %w", ErrInvariant, p.Account, err)
		}
		if i > 0 && f.Payments[i-1].Account >= p.Account {
			return fmt.Errorf("%w: funding payments not in ascending account order at %q", ErrInvariant, p.Account)
		}
		sum = sum.Add(p.Amount)
		if p.Amount.Sign() < 0 {
			neg = neg.Add(p.Amount)
		}
	}
	if err := num.Check(f.Total); err != nil {
		return fmt.Errorf("%w: funding total: %w", ErrInvariant, err)
	}
	if !sum.IsZero() {
		return fmt.Errorf("%w: funding payments sum to %s, not zero", ErrInvariant, sum)
	}
	if !neg.Neg().Equal(f.Total) {
		return fmt.Errorf("%w: payers pay %s, total is %s", ErrInvariant, neg.Neg(), f.Total)
	}
	return nil
}

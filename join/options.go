package join

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// OptionsAccount values a portfolio-margined account (margin/portfolio:
// futures and options margined by scenario grid) over the tick's risk
// arrays and returns the liquidation engine's view of it, with its
// margin.AccountRisk (margin's predicates: Liquidatable when maintenance
// > 0 and equity < maintenance). The account is returned whether or not
// it is liquidatable; liquidation.Engine.Plan skips a healthy one.
//
// The whole book is ONE leg, named market (the host's name for the
// options book, also the leg's cap key):
//
//	Size  = 1                     the whole book
//	Value = Debt = gross notional (portfolio.Arrays.Notional; the
//	                              maintenance requirement when the book
//	                              holds only risk arrays)
//
// so an order's Lot is the fraction f of the book to close, and the host
// closes f of every net position at once (OptionsCloses gives the sizes).
// This is what makes the engine's sizing sound for a portfolio: the engine
// assumes closing debt x releases the fraction x/Debt of maintenance and
// costs the penalty on x. Closing the same fraction f of every position
// scales the book by 1 − f, and the portfolio requirement scales with the
// book (R(k·B) = k·R(B), up to rounding in the venue's favour: the
// package's scaling property), while closing at the marks leaves equity
// unchanged but for the penalty. Closing legs one at a time, largest
// first (as the engine does with several legs), is not sound for a
// portfolio: a leg's share of the requirement is not its share of the
// notional (closing a hedge even raises the requirement), and the account
// can be left liquidatable (TestPropOptionsPlanRestoresHealth fails with
// one leg per position).
//
// Errors wrap ErrInvalidInput: a nil Arrays, an empty account ID or
// market, or an account the arrays cannot value (the portfolio error is
// wrapped).
func OptionsAccount(a *portfolio.Arrays, acct portfolio.Account, market string) (liquidation.StaticAccount, margin.AccountRisk, error) {
	if a == nil {
		return liquidation.StaticAccount{}, margin.AccountRisk{}, fmt.Errorf("%w: nil portfolio arrays", ErrInvalidInput)
	}
	if acct.ID == "" || market == "" {
		return liquidation.StaticAccount{}, margin.AccountRisk{}, fmt.Errorf("%w: options account %q, market %q: both must be named", ErrInvalidInput, acct.ID, market)
	}
	risk, _, err := a.Risk(acct)
	if err != nil {
		return liquidation.StaticAccount{}, margin.AccountRisk{}, fmt.Errorf("%w: account %q: %w", ErrInvalidInput, acct.ID, err)
	}
	n, err := a.Notional(acct.Positions)
	if err != nil {
		return liquidation.StaticAccount{}, margin.AccountRisk{}, fmt.Errorf("%w: account %q: %w", ErrInvalidInput, acct.ID, err)
	}
	if n.Sign() == 0 {
		n = risk.Maintenance // risk arrays only: their notional is not known
	}
	s := liquidation.StaticAccount{ID: acct.ID, EquityValue: risk.Equity, MaintenanceValue: risk.Maintenance,
		DebtValue: n, CollateralValue: n, ReduceDebt: decimal.Zero}
	if n.Sign() > 0 {
		s.Legs = []liquidation.Position{{Market: market, Size: decimal.NewFromInt(1), Value: n, Debt: n}}
	}
	return s, risk, nil
}

// OptionsClose is one trade of a book liquidation: Size (signed, opposite
// to the holding) contracts of Instrument.
type OptionsClose struct {
	// Instrument is the instrument ID.
	Instrument string `json:"instrument"`
	// Size is the signed number of contracts to trade: negative sells a
	// long holding, positive buys back a short one.
	Size decimal.Decimal `json:"size"`
}

// OptionsCloses returns the trades that close the fraction lot (an
// OptionsAccount order's Lot, in (0, 1]) of every net holding of the
// account, in order of first appearance (positions in one instrument
// netted; flat instruments skipped). Each size is |net| × lot rounded up
// (away from zero: a liquidation never closes less than planned) to
// sizeScale places (the venue's contract step, 0 … 18) and never more
// than the holding. Each instrument is rounded on its own (contracts of
// different instruments do not add up), so the closes trade at least,
// and by up to one step per instrument more than, the order's Debt: the
// host books what they trade, OptionsClosed, never the order's Debt. A
// small book's remainder is then not an exact scaling of the book (a
// hedge leg may lose more than its share) and can miss maintenance by a
// few cents: plan such an account again (stress/options does, in the same
// tick). Errors wrap ErrInvalidInput: a lot outside (0, 1], a scale
// outside [0, 18], or a size that fails num.Check.
func OptionsCloses(acct portfolio.Account, lot decimal.Decimal, sizeScale int32) ([]OptionsClose, error) {
	if err := num.CheckPositive(lot); err != nil {
		return nil, fmt.Errorf("%w: lot: %w", ErrInvalidInput, err)
	}
	if lot.Cmp(decimal.NewFromInt(1)) > 0 {
		return nil, fmt.Errorf("%w: lot %s above 1 (the whole book)", ErrInvalidInput, lot)
	}
	if sizeScale < 0 || sizeScale > 18 {
		return nil, fmt.Errorf("%w: size scale %d outside [0, 18]", ErrInvalidInput, sizeScale)
	}
	var out []OptionsClose
	where := map[string]int{}
	for _, p := range acct.Positions {
		if err := num.Check(p.Size); err != nil {
			return nil, fmt.Errorf("%w: position %q size: %w", ErrInvalidInput, p.Instrument, err)
		}
		if i, ok := where[p.Instrument]; ok {
			out[i].Size = out[i].Size.Add(p.Size)
			continue
		}
		where[p.Instrument] = len(out)
		out = append(out, OptionsClose{Instrument: p.Instrument, Size: p.Size})
	}
	kept := out[:0]
	for _, c := range out {
		if c.Size.IsZero() {
			continue
		}
		net := c.Size.Abs()
		size := decimal.Min(num.MulRound(net, lot, sizeScale, num.Ceil), net)
		if c.Size.Sign() > 0 {
			size = size.Neg()
		}
		kept = append(kept, OptionsClose{Instrument: c.Instrument, Size: size})
	}
	return kept, nil
}

// OptionsClosed returns the gross notional a book liquidation's closes
// trade at the arrays' marks — the sum of the parts: Arrays.Notional of
// the closes taken as a book (Σ |size| × contract size × price per
// instrument, rounded up once at the Engine's scale). OptionsCloses
// rounds each size up, so this is at least the order's Debt up to the
// Lot's rounding and at most the book's notional; the host's ledger
// records it as the notional liquidated, so none is recorded that was not
// traded and none traded goes unrecorded. The penalty stays the order's
// (Order.Penalty): the engine sized the Lot so that the account reaches
// its target health after paying exactly that, and charging the rate on
// the rounding's extra left an account liquidatable right after its
// liquidation (stress/options TestPropConservedAndHealthy at the CI seed).
// Errors wrap ErrInvalidInput: a nil Arrays, or closes the arrays cannot
// value.
func OptionsClosed(a *portfolio.Arrays, closes []OptionsClose) (decimal.Decimal, error) {
	if a == nil {
		return decimal.Zero, fmt.Errorf("%w: nil portfolio arrays", ErrInvalidInput)
	}
	book := make([]portfolio.Position, 0, len(closes))
	for _, c := range closes {
		// The entry is not used by Notional; netBook wants one for a future.
		book = append(book, portfolio.Position{Instrument: c.Instrument, Size: c.Size, Entry: decimal.NewFromInt(1)})
	}
	closed, err := a.Notional(book)
	if err != nil {
		return decimal.Zero, fmt.Errorf("%w: closes: %w", ErrInvalidInput, err)
	}
	return closed, nil
}

package portfolio

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/margin"
)

// Account is a portfolio-margined account as the host stores it: a wallet
// in the settlement asset (option premiums paid and received included)
// and positions. It is a plain value; the Engine never keeps it.
type Account struct {
	// ID names the account (informational).
	ID string `json:"id"`
	// Wallet is the cash balance in the settlement asset; may be negative.
	Wallet decimal.Decimal `json:"wallet"`
	// Positions are the holdings; several lots in one instrument are
	// allowed (the scan nets them, equity values each).
	Positions []Position `json:"positions"`
}

// Clone returns a deep copy of the account.
func (a Account) Clone() Account {
	b := a
	b.Positions = append([]Position(nil), a.Positions...)
	return b
}

// Risk values an account at the arrays' marks and returns margin's own
// AccountRisk, so margin.CompareAccountRisk, liquidation queues and the
// stress harness work on an options book unchanged:
//
//   - Equity = Wallet + Σ option values (size × contract size × the
//     Black-76 value at the marks; coin value for inverse options) + Σ
//     futures PnL (linear: q × (price − entry); inverse: q × (1/entry −
//     1/price)), each term rounded down at the Engine's scale; risk-array
//     instruments add nothing (the host books their value in Wallet);
//   - Maintenance and Initial are the Result's;
//   - Liquidatable = Maintenance > 0 and Equity < Maintenance;
//     InitialCollateralised = Equity ≥ Initial (margin's predicates).
func (a *Arrays) Risk(acct Account) (margin.AccountRisk, Result, error) {
	if err := num.Check(acct.Wallet); err != nil {
		return margin.AccountRisk{}, Result{}, fmt.Errorf("%w: account %q wallet: %w", ErrInvalidInput, acct.ID, err)
	}
	r, err := a.Requirement(acct.Positions)
	if err != nil {
		return margin.AccountRisk{}, Result{}, err
	}
	eq, err := a.Equity(acct)
	if err != nil {
		return margin.AccountRisk{}, Result{}, err
	}
	return margin.AccountRiskOf(eq, r.Initial, r.Maintenance), r, nil
}

// Risk is Arrays for the account's instruments followed by Arrays.Risk.
func (e *Engine) Risk(now time.Time, acct Account, m Marks) (margin.AccountRisk, Result, error) {
	a, err := e.Arrays(now, m, instrumentsOf(acct.Positions)...)
	if err != nil {
		return margin.AccountRisk{}, Result{}, err
	}
	return a.Risk(acct)
}

func instrumentsOf(ps []Position, extra ...string) []string {
	ids := make([]string, 0, len(ps)+len(extra))
	for _, p := range ps {
		ids = append(ids, p.Instrument)
	}
	return append(ids, extra...)
}

// Equity returns the account's equity at the arrays' marks (see Risk),
// rounded down.
func (a *Arrays) Equity(acct Account) (decimal.Decimal, error) {
	e := a.e
	eq := acct.Wallet
	for _, p := range acct.Positions {
		i, ok := e.instIdx[p.Instrument]
		if !ok {
			return decimal.Zero, fmt.Errorf("%w: %q", ErrUnknownInstrument, p.Instrument)
		}
		if a.arr[i] == nil {
			return decimal.Zero, fmt.Errorf("%w: instrument %q was not valued in these arrays", ErrMissingMark, p.Instrument)
		}
		if err := num.Check(p.Size); err != nil {
			return decimal.Zero, fmt.Errorf("%w: position %q size: %w", ErrInvalidInput, p.Instrument, err)
		}
		in := e.insts[i]
		u := &a.unders[a.uPos[e.instUnder[i]]]
		q := p.Size.Mul(in.ContractSize)
		var v decimal.Decimal
		switch in.Kind {
		case RiskArray:
			continue
		case Option:
			if bnd := a.arr[i].bnd; bnd != nil {
				v = q.Mul(bnd.v0) // settlement units already (bounds.go)
				break
			}
			v = q.Mul(wDec(a.arr[i].w0))
			if !in.Inverse {
				v = v.Mul(u.price)
			}
		case Future:
			if err := num.CheckPositive(p.Entry); err != nil {
				return decimal.Zero, fmt.Errorf("%w: position %q entry: %w", ErrInvalidInput, p.Instrument, err)
			}
			if in.Inverse {
				// q × (1/entry − 1/price) = q × (price − entry) / (entry × price)
				v = num.Div(q.Mul(u.price.Sub(p.Entry)), p.Entry.Mul(u.price), e.scale, num.Floor)
			} else {
				v = q.Mul(u.price.Sub(p.Entry))
			}
		}
		eq = eq.Add(num.Round(v, e.scale, num.Floor))
	}
	return eq, nil
}

// worseOf returns the price an order is booked at in the what-if
// account: the worse for the account of its limit and the mark — a buy
// at max(limit, mark), a sell at min(limit, mark), where the mark is an
// option's value at the arrays' marks per unit (Black-76, or its bound:
// bounds.go; coin for an inverse option) and a future's underlying price.
// A limit better than the mark earns nothing before it fills: booked at
// the limit, the gap would show as instant profit and could turn a
// refusal into an acceptance (review of issue 17). This is Binance's
// open loss, charged on an order priced worse than the mark and never
// credited on one priced better: "Open Loss = Number of Contract ×
// Absolute Value {min[0, direction of order × (mark price − order
// price)]}" (Binance FAQ, Cost Required to Open a Position in Perpetual
// Futures Contracts,
// https://www.binance.com/en/support/faq/87fa7ee33b574f7084d42bd2ce2e463b).
func (a *Arrays) worseOf(i int, o Order) decimal.Decimal {
	e := a.e
	in := &e.insts[i]
	u := &a.unders[a.uPos[e.instUnder[i]]]
	var mark decimal.Decimal
	switch ia := a.arr[i]; {
	case in.Kind == Future:
		mark = u.price
	case ia.bnd != nil:
		mark = ia.bnd.v0
	case in.Inverse:
		mark = wDec(ia.w0)
	default:
		mark = wDec(ia.w0).Mul(u.price)
	}
	if o.Size.Sign() > 0 {
		return decimal.Max(o.Price, mark)
	}
	return decimal.Min(o.Price, mark)
}

// Order is a trade to check before it is placed.
type Order struct {
	// Instrument is the instrument ID.
	Instrument string `json:"instrument"`
	// Size is the signed number of contracts (buy > 0); not zero.
	Size decimal.Decimal `json:"size"`
	// Price is the fill price: for an option its premium per unit of
	// underlying (coin for inverse options), paid from (or received into)
	// the wallet as Size × ContractSize × Price; for a future the entry
	// price of the new lot. > 0.
	Price decimal.Decimal `json:"price"`
}

// Decision is the answer of a pre-trade check: a value, not an error.
type Decision struct {
	// Accepted is Reason.Accepted().
	Accepted bool `json:"accepted"`
	// Reason is margin's reason (ReasonCollateralised, ReasonNotRiskier,
	// ReasonNewlyUndercollateralised, ReasonStillUndercollateralised).
	Reason margin.Reason `json:"reason"`
	// Before is the account's risk before the order.
	Before margin.AccountRisk `json:"before"`
	// After is the account's risk after the order.
	After margin.AccountRisk `json:"after"`
	// BeforeResult is the requirement before, with its driving scenario.
	BeforeResult Result `json:"before_result"`
	// AfterResult is the what-if requirement after the order.
	AfterResult Result `json:"after_result"`
	// Account is the what-if account after the order: the order added as
	// a lot, an option's premium moved through the wallet, both at the
	// worse of the limit and the mark (see CheckOrder); the host books
	// the actual fill.
	Account Account `json:"account"`
}

// CheckOrder decides whether an order may be placed by the what-if
// requirement of the whole book after it: accepted when the account is
// initially collateralised afterwards, or — for an account already below
// initial margin — when the order does not increase its risk
// (maintenance not up and equity / maintenance not down: the dYdX v4 rule
// margin.Calculator.CheckOrder applies; dydxprotocol/v4-chain
// x/subaccounts IsValidStateTransitionForUndercollateralizedSubaccount).
// So a hedge that lowers the portfolio requirement is accepted even below
// initial margin, where a per-position check would refuse it. Both states
// are valued at the same marks, and the order is booked at the worse of
// its limit and the mark (a buy's premium or entry at max(limit, mark), a
// sell's at min(limit, mark): Binance's open loss, see worseOf), so a
// limit far better than the mark is never credited as profit. Errors are
// for bad input only; an order on a RiskArray is refused with
// ErrInvalidInput (its premium or entry is not known to the engine: value
// the fill yourself and call Risk), and so is an order on an option at or
// past its expiry (now ≥ Expiry) or expiring more than MaxYears (10 × 365
// days) after now.
func (e *Engine) CheckOrder(now time.Time, acct Account, o Order, m Marks) (Decision, error) {
	i, ok := e.instIdx[o.Instrument]
	if !ok {
		return Decision{}, fmt.Errorf("%w: %q", ErrUnknownInstrument, o.Instrument)
	}
	if err := num.Check(o.Size); err != nil {
		return Decision{}, fmt.Errorf("%w: order size: %w", ErrInvalidInput, err)
	}
	if o.Size.IsZero() {
		return Decision{}, fmt.Errorf("%w: order size is zero", ErrInvalidInput)
	}
	if err := num.CheckPositive(o.Price); err != nil {
		return Decision{}, fmt.Errorf("%w: order price: %w", ErrInvalidInput, err)
	}
	if k := e.insts[i].Kind; k != Future && k != Option {
		// A RiskArray has no entry price or premium the engine can value:
		// crediting its price as a premium would collateralise a short
		// with its own notional (review of issue 17).
		return Decision{}, fmt.Errorf("%w: %q is a %s: orders on it are not checked (value the fill in the wallet and call Risk)", ErrInvalidInput, o.Instrument, k)
	}
	if in := e.insts[i]; in.Kind == Option && !now.Before(in.Expiry) {
		return Decision{}, fmt.Errorf("%w: option %q expired at %s", ErrInvalidInput, o.Instrument, in.Expiry.UTC().Format(time.RFC3339))
	}
	if in := e.insts[i]; in.Kind == Option && in.Expiry.Unix()-now.Unix() > 10*secondsPerYear {
		// Beyond MaxYears Black-76 is not used (bounds.go): no new
		// exposure is opened at a bound.
		return Decision{}, fmt.Errorf("%w: option %q expires more than MaxYears after now", ErrInvalidInput, o.Instrument)
	}
	a, err := e.Arrays(now, m, instrumentsOf(acct.Positions, o.Instrument)...)
	if err != nil {
		return Decision{}, err
	}
	before, br, err := a.Risk(acct)
	if err != nil {
		return Decision{}, err
	}
	after := acct.Clone()
	lot := Position{Instrument: o.Instrument, Size: o.Size}
	price := a.worseOf(i, o)
	switch e.insts[i].Kind {
	case Future:
		lot.Entry = price
	case Option:
		after.Wallet = after.Wallet.Sub(num.Round(o.Size.Mul(e.insts[i].ContractSize).Mul(price), e.scale, num.Ceil))
	}
	after.Positions = append(after.Positions, lot)
	ar, rr, err := a.Risk(after)
	if err != nil {
		return Decision{}, err
	}
	reason := margin.Transition(before, ar)
	return Decision{Accepted: reason.Accepted(), Reason: reason, Before: before, After: ar, BeforeResult: br, AfterResult: rr, Account: after}, nil
}

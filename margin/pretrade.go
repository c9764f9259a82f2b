package margin

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Reason says why CheckOrder accepted or rejected an order.
type Reason int

const (
	// ReasonCollateralised: after the order the account (and the isolated
	// position it touches) meets initial margin. Accepted.
	ReasonCollateralised Reason = iota
	// ReasonNotRiskier: below initial margin after the order, but the change
	// does not increase risk (maintenance not up, NC / MMR not down: the
	// dYdX v4 rule). Accepted.
	ReasonNotRiskier
	// ReasonNewlyUndercollateralised: the account met initial margin and
	// would not. Rejected.
	ReasonNewlyUndercollateralised
	// ReasonStillUndercollateralised: the account was below initial margin
	// and the order would increase its risk. Rejected.
	ReasonStillUndercollateralised
	// ReasonAboveLastCap: the order grows a position whose resulting
	// notional exceeds the last tier's cap. Rejected (fail closed); an
	// order that reduces such a position is judged as any other.
	ReasonAboveLastCap
	// ReasonLeverageTooHigh: the position grows into a tier whose maximum
	// leverage is below the position's selected leverage. Rejected.
	ReasonLeverageTooHigh
	// ReasonReduceOnly: the account or the market is reduce-only and the
	// order (with the resting orders on its side) could grow |position|.
	// Rejected (CheckOrderWith).
	ReasonReduceOnly
	// ReasonPositionCap: the order grows the worse side of position and
	// resting orders beyond Market.MaxPosition. Rejected (CheckOrderWith).
	ReasonPositionCap
	// ReasonOpenInterestCap: the order could grow the market's open
	// interest beyond Market.MaxOpenInterest. Rejected (CheckOrderWith).
	ReasonOpenInterestCap
	// ReasonInsufficientMargin: the order grows the worse side and the
	// account's available margin after the order-margin and the fee
	// reserve would be negative. Rejected (CheckOrderWith).
	ReasonInsufficientMargin
)

// String describes the reason.
func (r Reason) String() string {
	switch r {
	case ReasonCollateralised:
		return "collateralised"
	case ReasonNotRiskier:
		return "not riskier"
	case ReasonNewlyUndercollateralised:
		return "newly undercollateralised"
	case ReasonStillUndercollateralised:
		return "still undercollateralised"
	case ReasonAboveLastCap:
		return "above last cap"
	case ReasonLeverageTooHigh:
		return "leverage too high for tier"
	case ReasonReduceOnly:
		return "reduce-only"
	case ReasonPositionCap:
		return "position cap"
	case ReasonOpenInterestCap:
		return "open interest cap"
	case ReasonInsufficientMargin:
		return "insufficient margin for orders and fees"
	}
	return fmt.Sprintf("Reason(%d)", int(r))
}

// Accepted reports whether the reason accepts the order.
func (r Reason) Accepted() bool { return r == ReasonCollateralised || r == ReasonNotRiskier }

// Decision is the answer of a pre-trade check: a value, not an error.
type Decision struct {
	// Accepted is Reason.Accepted().
	Accepted bool `json:"accepted"`
	// Reason explains the decision.
	Reason Reason `json:"reason"`
	// Before is the account valued at the marks before the order.
	Before Summary `json:"before"`
	// After is the resulting account valued at the marks.
	After Summary `json:"after"`
	// Fill is the resulting account and position: ApplyFill's, except that
	// an isolated position the order grows is funded from the wallet to
	// cover its initial requirement at the mark, open loss included.
	Fill FillResult `json:"fill"`
}

// transition applies the dYdX v4 rule for a change of an account (or an
// isolated position) from (curNC, curIM, curMM) to (newNC, newIM, newMM),
// where NC is the net collateral (equity): accepted when newNC ≥ newIM;
// otherwise only when the maintenance requirement does not rise and
// newNC / newMM ≥ curNC / curMM, compared by cross-multiplication (with
// either maintenance zero: only when both are and NC improves). Source:
// dydxprotocol/v4-chain x/subaccounts
// IsValidStateTransitionForUndercollateralizedSubaccount.
func transition(curNC, curIM, curMM, newNC, newIM, newMM decimal.Decimal) Reason {
	if newNC.Cmp(newIM) >= 0 {
		return ReasonCollateralised
	}
	under := ReasonStillUndercollateralised
	if curIM.Cmp(curNC) <= 0 {
		under = ReasonNewlyUndercollateralised
	}
	if newMM.Cmp(curMM) > 0 {
		return under
	}
	if newMM.Sign() == 0 || curMM.Sign() == 0 {
		if newMM.Sign() == 0 && curMM.Sign() == 0 && newNC.Cmp(curNC) > 0 {
			return ReasonNotRiskier
		}
		return under
	}
	if newNC.Mul(curMM).Cmp(curNC.Mul(newMM)) >= 0 {
		return ReasonNotRiskier
	}
	return under
}

// CheckOrder decides whether an order may be placed: the order is applied
// (ApplyFill at o.Price, or at the mark when zero) to the position it would
// produce, flips included, and the resulting account is valued at the
// marks, so an unfavourable fill price counts as an immediate loss (for an
// isolated position the open loss is moved from the wallet with its
// initial margin, as Binance charges it). The cross part and, if the order
// touches one, the isolated position must each pass the dYdX transition rule. Every
// price is read once per call, so Before and After share their marks. Errors are for bad input only; a rejection is a
// Decision.
func (c *Calculator) CheckOrder(now time.Time, a Account, o Order) (Decision, error) {
	if err := c.ready(); err != nil {
		return Decision{}, err
	}
	c = c.pinned()
	_, before, price, err := c.orderInputs(a, o, now)
	if err != nil {
		return Decision{}, err
	}
	return c.decide(a, before, o, price, now)
}

// pinnedPrices memoises a PriceSource for one call, so every valuation
// in it (before, after, each candidate size) uses the same marks.
type pinnedPrices struct {
	src  PriceSource
	seen map[string]decimal.Decimal
}

func (p *pinnedPrices) Price(now time.Time, id string) (decimal.Decimal, error) {
	if v, ok := p.seen[id]; ok {
		return v, nil
	}
	v, err := p.src.Price(now, id)
	if err == nil {
		p.seen[id] = v
	}
	return v, err
}

// pinned returns a copy of c, for one call, whose PriceSource is read at
// most once per key.
func (c *Calculator) pinned() *Calculator {
	cc := *c
	cc.prices = &pinnedPrices{src: c.prices, seen: make(map[string]decimal.Decimal, len(c.markets))}
	return &cc
}

// orderInputs validates an order and its account and returns the market,
// the account before the order and the fill price (the mark when o.Price
// is zero).
func (c *Calculator) orderInputs(a Account, o Order, now time.Time) (*market, Summary, decimal.Decimal, error) {
	m, err := c.market(o.Market)
	if err != nil {
		return nil, Summary{}, decimal.Zero, err
	}
	if err := c.ValidateAccount(a); err != nil {
		return nil, Summary{}, decimal.Zero, err
	}
	if err := checkOrder(o); err != nil {
		return nil, Summary{}, decimal.Zero, err
	}
	before, err := c.summary(a, now, "", decimal.Zero)
	if err != nil {
		return nil, Summary{}, decimal.Zero, err
	}
	price := o.Price
	if price.IsZero() {
		if price, err = c.price(o.Market, now); err != nil {
			return nil, Summary{}, decimal.Zero, err
		}
	}
	return m, before, price, nil
}

func (c *Calculator) decide(a Account, before Summary, o Order, price decimal.Decimal, now time.Time) (Decision, error) {
	dec := Decision{Before: before}
	fill, err := c.applyFill(c.markets[o.Market], a, o, price) // validated by orderInputs
	if err != nil {
		return Decision{}, err
	}
	after, err := c.summary(fill.Account, now, "", decimal.Zero)
	if err != nil {
		return Decision{}, err
	}
	m := c.markets[o.Market]
	old, had := a.Position(o.Market)
	grew := !had || fill.Position.Size.Abs().Cmp(old.Size.Abs()) > 0 || (!fill.Position.Size.IsZero() && fill.Position.Size.Sign() != old.Size.Sign())
	if grew {
		// An order that grows a position above the last tier cap is refused
		// (fail closed); one that reduces it is allowed even while it stays
		// above (the venue wants it reduced).
		for _, ps := range after.Positions {
			if ps.Market == o.Market && ps.AboveLastCap {
				dec.Fill, dec.After = fill, after
				dec.Reason = ReasonAboveLastCap
				return dec, nil
			}
		}
	}
	if grew && fill.Position.Isolated {
		// Open loss: a fill at a worse price than the mark is an immediate
		// loss the isolated margin must also cover (Binance charges it with
		// the order's initial margin), so the venue moves Initial − Equity
		// at the mark from the wallet; the cross check below then decides
		// whether the wallet can afford it.
		if fill, after, err = c.coverOpenLoss(fill, after, now); err != nil {
			return Decision{}, err
		}
	}
	dec.Fill, dec.After = fill, after
	if grew && !fill.Position.Leverage.IsZero() {
		for _, ps := range after.Positions {
			if ps.Market == o.Market && !m.sched.tiers[ps.Tier].allows(fill.Position.Leverage) {
				dec.Reason = ReasonLeverageTooHigh
				return dec, nil
			}
		}
	}
	dec.Reason = transition(before.Equity, before.Initial, before.Maintenance, after.Equity, after.Initial, after.Maintenance)
	if dec.Reason.Accepted() && (fill.Position.Isolated || (had && old.Isolated)) {
		var cur, nxt PositionSummary
		for _, ps := range before.Positions {
			if ps.Market == o.Market && ps.Isolated {
				cur = ps
			}
		}
		for _, ps := range after.Positions {
			if ps.Market == o.Market && ps.Isolated {
				nxt = ps
			}
		}
		// A missing side (new or closed isolated position) is all zeros.
		if r := transition(cur.Equity, cur.Initial, cur.Maintenance, nxt.Equity, nxt.Initial, nxt.Maintenance); !r.Accepted() {
			dec.Reason = r
		}
	}
	dec.Accepted = dec.Reason.Accepted()
	return dec, nil
}

// coverOpenLoss moves from the wallet into the filled isolated position
// what its margin lacks to meet its initial requirement at the mark, and
// revalues the account.
func (c *Calculator) coverOpenLoss(fill FillResult, after Summary, now time.Time) (FillResult, Summary, error) {
	for i, ps := range after.Positions {
		if ps.Market != fill.Position.Market {
			continue
		}
		short := ps.Initial.Sub(ps.Equity)
		if short.Sign() <= 0 {
			return fill, after, nil
		}
		acct := fill.Account.Clone()
		acct.Wallet = acct.Wallet.Sub(short)
		acct.Positions[i].Margin = acct.Positions[i].Margin.Add(short)
		fill.Account, fill.Position = acct, acct.Positions[i]
		s, err := c.summary(acct, now, "", decimal.Zero)
		return fill, s, err
	}
	return fill, after, nil
}

// MaxOrderSize returns the largest order size, in multiples of the
// market's LotSize, that CheckOrder would accept on the side of o.Size
// (its magnitude is ignored; Price, Isolated and Leverage apply). The
// search is bounded by the size whose notional reaches the last tier cap
// (tiers) and by initial margin at the position's leverage; it closes an
// opposite position first, then grows the new side. Zero means no order
// on that side passes. The search bisects exact whole numbers of lots (as
// decimals, so a wei-sized lot under a 500,000,000 cap, 10²² lots and more,
// is searched to the lot: about log₂ of the lot count CheckOrder calls).
func (c *Calculator) MaxOrderSize(now time.Time, a Account, o Order) (decimal.Decimal, error) {
	if err := c.ready(); err != nil {
		return decimal.Zero, err
	}
	c = c.pinned()
	m, before, price, err := c.orderInputs(a, o, now)
	if err != nil {
		return decimal.Zero, err
	}
	sign := o.Size.Sign()
	accept := func(lots decimal.Decimal) (bool, error) {
		if lots.IsZero() {
			return true, nil
		}
		q := m.lot.Mul(lots)
		if sign < 0 {
			q = q.Neg()
		}
		oo := o
		oo.Size = q
		dec, err := c.decide(a, before, oo, price, now)
		return dec.Accepted, err
	}
	// Lots needed to close an opposite position: those that stay within it
	// and those that span it.
	closeLots, spanLots := decimal.Zero, decimal.Zero
	if old, ok := a.Position(o.Market); ok && old.Size.Sign() != sign {
		closeLots = num.Div(old.Size.Abs(), m.lot, 0, num.Floor)
		spanLots = num.Div(old.Size.Abs(), m.lot, 0, num.Ceil)
	}
	// Lots of the largest new-side size whose notional stays within the
	// last cap, counted exactly in lots (not whole contracts: a 0.4-BTC
	// order at a 0.001 lot must be reachable). The notional is valued at
	// the mark, the fill price or (EntryValue) an entry between the old
	// entry and the fill price, so the bound takes the price among them
	// that allows the most lots; the search below finds the exact answer.
	mark, err := c.price(o.Market, now)
	if err != nil {
		return decimal.Zero, err
	}
	cands := []decimal.Decimal{price, mark}
	if old, ok := a.Position(o.Market); ok {
		cands = append(cands, old.EntryPrice)
	}
	var capLots decimal.Decimal
	for _, p := range cands {
		var l decimal.Decimal
		if m.kind == Linear { // |q|·c·p ≤ cap
			l = num.Div(m.lastCap, m.cs.Mul(p).Mul(m.lot), 0, num.Floor)
		} else { // |q|·c / p ≤ cap
			l = num.Div(m.lastCap.Mul(p), m.cs.Mul(m.lot), 0, num.Floor)
		}
		if l.Cmp(capLots) > 0 {
			capLots = l
		}
	}
	one, two := decimal.NewFromInt(1), decimal.NewFromInt(2)
	hi := spanLots.Add(capLots).Add(one)
	lo := decimal.Zero
	if closeLots.Sign() > 0 {
		ok, err := accept(closeLots)
		if err != nil {
			return decimal.Zero, err
		}
		if !ok {
			hi = closeLots
		} else {
			lo = closeLots
		}
	}
	// Invariant: accept(lo) is true; find the largest accepted in [lo, hi).
	for hi.Sub(lo).GreaterThan(one) {
		mid := num.Div(lo.Add(hi), two, 0, num.Floor)
		ok, err := accept(mid)
		if err != nil {
			return decimal.Zero, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return m.lot.Mul(lo), nil
}

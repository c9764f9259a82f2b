package margin

import (
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// OrderDecision is the answer of CheckOrderWith: a value, not an error.
type OrderDecision struct {
	// Decision is the fill check: CheckOrder's answer with the order's fee
	// charged to the wallet (Decision.Fill and Decision.After include it),
	// or, when a venue rule refused the order first, that Reason alone.
	Decision Decision `json:"decision"`
	// Accepted is Decision.Accepted: every rule passed.
	Accepted bool `json:"accepted"`
	// Reason is Decision.Reason.
	Reason Reason `json:"reason"`
	// Fee is the order's taker fee: |size| × c × price × Market.TakerFee
	// (÷ price for Inverse), rounded up.
	Fee decimal.Decimal `json:"fee"`
	// BeforeOrders is the account with its resting orders, before.
	BeforeOrders OrdersSummary `json:"before_orders"`
	// AfterOrders is the same with the order resting on the book.
	AfterOrders OrdersSummary `json:"after_orders"`
}

// CheckOrderWith is the pre-trade check with resting orders, fees, caps
// and reduce-only modes. The order is refused, in this order:
//
//  1. ReasonReduceOnly when the account (ctx.ReduceOnly, e.g. a margin
//     call's Calls.ReduceOnly) or the market (ctx.ReduceOnlyMarkets, e.g.
//     a breaker) is reduce-only and the order, together with the resting
//     orders on its side, could grow |position|: it must be opposite the
//     position and |order| + Σ |same-side resting| ≤ |position| (so no
//     fill of any of them flips or grows it);
//  2. ReasonPositionCap when it grows the worse side (OrderMargin.RiskSize)
//     beyond Market.MaxPosition;
//  3. ReasonOpenInterestCap when ctx.OpenInterest plus that growth exceeds
//     Market.MaxOpenInterest (the order "may increase" open interest by
//     as much);
//  4. the fill check: CheckOrder's rules on the account filled at the
//     order's price (the mark when zero) with the fee charged;
//  5. ReasonInsufficientMargin when the order grows the worse side and
//     OrdersSummary.Available with the order resting is negative (the
//     order margin of the worse side and every order's fee reserved).
//
// An order that does not grow the worse side (a reducing order) is judged
// by rules 1 and 4 only. Rule 1 judges the new order only: the resting
// orders that reduce-only mode makes unacceptable are listed in
// BeforeOrders.Cancel for the host to cancel. Every price is read once per call. Errors are
// for bad input only (as CheckOrder's, and a bad OrderContext: unknown
// markets, a zero or absurd resting size, a non-positive price, a
// negative open interest, more than MaxOpenOrders orders).
func (c *Calculator) CheckOrderWith(now time.Time, a Account, ctx OrderContext, o Order) (OrderDecision, error) {
	if err := c.ready(); err != nil {
		return OrderDecision{}, err
	}
	c = c.pinned()
	m, before, price, err := c.orderInputs(a, o, now)
	if err != nil {
		return OrderDecision{}, err
	}
	if err := c.validateContext(ctx); err != nil {
		return OrderDecision{}, err
	}
	out := OrderDecision{Fee: m.fee(o.Size, price, c.scale)}
	reject := func(r Reason) (OrderDecision, error) {
		out.Decision = Decision{Reason: r, Before: before}
		out.Reason, out.Accepted = r, false
		return out, nil
	}
	out.BeforeOrders, err = c.orderMargins(now, a, before, ctx.Orders, ctx)
	if err != nil {
		return OrderDecision{}, err
	}
	withOrder := append(append(make([]OpenOrder, 0, len(ctx.Orders)+1), ctx.Orders...), OpenOrder{Market: o.Market, Size: o.Size, Price: price})
	out.AfterOrders, err = c.orderMargins(now, a, before, withOrder, ctx)
	if err != nil {
		return OrderDecision{}, err
	}
	// 1. Reduce-only.
	if ctx.ReduceOnly || contains(ctx.ReduceOnlyMarkets, o.Market) {
		q := decimal.Zero
		if p, ok := a.Position(o.Market); ok {
			q = p.Size
		}
		side := o.Size.Abs()
		for _, r := range ctx.Orders {
			if r.Market == o.Market && r.Size.Sign() == o.Size.Sign() {
				side = side.Add(r.Size.Abs())
			}
		}
		if q.Sign() != -o.Size.Sign() || side.Cmp(q.Abs()) > 0 {
			return reject(ReasonReduceOnly)
		}
	}
	riskBefore, riskAfter := riskSize(a, ctx.Orders, o.Market), riskSize(a, withOrder, o.Market)
	grows := riskAfter.Cmp(riskBefore) > 0
	// 2. Position cap; 3. open-interest cap.
	if grows && !m.maxPosition.IsZero() && riskAfter.Cmp(m.maxPosition) > 0 {
		return reject(ReasonPositionCap)
	}
	if grows && !m.maxOI.IsZero() && ctx.OpenInterest[o.Market].Add(riskAfter.Sub(riskBefore)).Cmp(m.maxOI) > 0 {
		return reject(ReasonOpenInterestCap)
	}
	// 4. The fill check, fee charged.
	charged := a.Clone()
	charged.Wallet = charged.Wallet.Sub(out.Fee)
	dec, err := c.decide(charged, before, o, price, now)
	if err != nil {
		return OrderDecision{}, err
	}
	out.Decision, out.Reason, out.Accepted = dec, dec.Reason, dec.Accepted
	if !dec.Accepted {
		return out, nil
	}
	// 5. The resting check.
	if grows && out.AfterOrders.Available.Sign() < 0 {
		out.Decision.Reason, out.Decision.Accepted = ReasonInsufficientMargin, false
		out.Reason, out.Accepted = ReasonInsufficientMargin, false
	}
	return out, nil
}

// riskSize is the worse side of a market in contracts, max(|q + buys|,
// |q − sells|), for the account's position q and the orders given.
func riskSize(a Account, orders []OpenOrder, market string) decimal.Decimal {
	q, buys, sells := decimal.Zero, decimal.Zero, decimal.Zero
	if p, ok := a.Position(market); ok {
		q = p.Size
	}
	for _, o := range orders {
		if o.Market != market {
			continue
		}
		if o.Size.Sign() > 0 {
			buys = buys.Add(o.Size)
		} else {
			sells = sells.Sub(o.Size)
		}
	}
	return num.MaxOf(q.Add(buys).Abs(), q.Sub(sells).Abs())
}

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

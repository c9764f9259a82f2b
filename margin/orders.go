package margin

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// MaxOpenOrders bounds the resting orders one call accepts.
const MaxOpenOrders = 10_000

// maxTakerFee bounds Market.TakerFee (10% of the notional).
var maxTakerFee = decimal.RequireFromString("0.1")

// OpenOrder is one resting order of an account.
type OpenOrder struct {
	// Market is the market ID.
	Market string `json:"market"`
	// Size is the signed remaining size: > 0 buys, < 0 sells; non-zero.
	Size decimal.Decimal `json:"size"`
	// Price is the limit price; positive.
	Price decimal.Decimal `json:"price"`
}

// OrderContext is what the order-aware checks need beyond the account.
type OrderContext struct {
	// Orders are the account's resting orders (not the one being checked).
	Orders []OpenOrder `json:"orders,omitempty"`
	// OpenInterest is each market's open interest in contracts (one side),
	// for Market.MaxOpenInterest and Market.OIScaling; a missing market
	// counts as zero (no scaling; the cap then bounds the order alone).
	OpenInterest map[string]decimal.Decimal `json:"open_interest,omitempty"`
	// ReduceOnly puts the whole account in reduce-only mode (a margin
	// call's CallReduceOnly: Calls.ReduceOnly).
	ReduceOnly bool `json:"reduce_only,omitempty"`
	// ReduceOnlyMarkets are markets a breaker has put in reduce-only mode.
	ReduceOnlyMarkets []string `json:"reduce_only_markets,omitempty"`
}

// OrderMargin is what an account's resting orders in one market require.
type OrderMargin struct {
	// Market is the market ID.
	Market string `json:"market"`
	// Buys and Sells are the resting sizes on each side (both ≥ 0).
	Buys decimal.Decimal `json:"buys"`
	// Sells is Σ |size| of the resting sell orders.
	Sells decimal.Decimal `json:"sells"`
	// RiskSize is the worse side in contracts: max(|q + Buys|, |q − Sells|)
	// for a position of q (Bybit: the risk limit counts the position and
	// its active orders; Binance: max(|position + bids|, |position −
	// asks|)).
	RiskSize decimal.Decimal `json:"risk_size"`
	// RiskNotional is the worse side's notional: the position at the mark,
	// the orders at their limit prices (Binance: Max(Abs(Position
	// Notional + Bid Order Value), Abs(Position Notional − Ask Order
	// Value))), rounded up.
	RiskNotional decimal.Decimal `json:"risk_notional"`
	// Initial is the initial requirement of RiskNotional (its tier,
	// the position's leverage and the market's OIScaling), rounded up.
	Initial decimal.Decimal `json:"initial"`
	// OrderInitial is what the orders (and OI scaling) add: Initial minus
	// the position's own initial requirement as Summary values it, at
	// least zero. The worse side is valued at the mark, so on an
	// EntryValue market the two valuations may differ by the move since
	// entry.
	OrderInitial decimal.Decimal `json:"order_initial"`
	// Fee is the taker fee reserved for the orders: Σ |order notional| ×
	// Market.TakerFee, each rounded up.
	Fee decimal.Decimal `json:"fee"`
}

// OrdersSummary is an account valued with its resting orders.
type OrdersSummary struct {
	// Summary is the account's positions valued at the marks (as Summary).
	Summary Summary `json:"summary"`
	// Markets are the markets with resting orders, and those with a
	// position whose market scales initial margin with open interest, in
	// the Calculator's market order.
	Markets []OrderMargin `json:"markets"`
	// OrderInitial = Σ Markets.OrderInitial.
	OrderInitial decimal.Decimal `json:"order_initial"`
	// Fees = Σ Markets.Fee.
	Fees decimal.Decimal `json:"fees"`
	// Available = Summary.FreeCollateral − OrderInitial − Fees (Binance
	// "Available for Order" = cross wallet + cross PnL − (cross initial +
	// open-order initial)); negative when the orders are not covered.
	Available decimal.Decimal `json:"available"`
	// Cancel lists the resting orders the host must cancel because the
	// account (OrderContext.ReduceOnly) or their market
	// (ReduceOnlyMarkets) is reduce-only and their fills could grow
	// |position|: indexes into the orders valued (OrderContext.Orders; in
	// CheckOrderWith's AfterOrders, followed by the order checked),
	// ascending. Every order on the position's side, or in a market
	// without a position, is listed; the orders opposite the position are
	// kept in the order given while their running Σ |size| stays within
	// |position|, the rest listed. Once the listed orders are cancelled no
	// fill of the others grows or flips a position, and each passes
	// CheckOrderWith's reduce-only rule (SGX Rule 6A.3.1: only trades that
	// reduce the required margin; Bybit "Open Interest Limit": orders that
	// may increase the position are cancelled). Empty when nothing is
	// reduce-only.
	Cancel []int `json:"cancel,omitempty"`
}

// OrderMargins values an account with its resting orders: per market the
// worse side (position plus all buys, or position minus all sells) is
// margined at its tier, and the fee of every order is reserved. Sources:
// Binance "Margin Requirement = Max(Abs(Position Notional Value + Bid
// Order Value), Abs(Position Notional Value − Ask Order Value)) /
// Leverage" (Binance Futures FAQ, quoted at dev.binance.vision
// t/margin-requirements/17078); Bybit "Risk Limit (Perpetual and Futures
// Contracts)": the risk limit follows "both the position value and the
// active order value"; Bybit "Order Cost": Fee to Open = Quantity ×
// Order Price × Taker Fee Rate. Rounding: notionals, requirements and fees
// up. When the account or a market is reduce-only, Cancel lists the
// resting orders to cancel. Errors as CheckOrderWith's.
func (c *Calculator) OrderMargins(now time.Time, a Account, ctx OrderContext) (OrdersSummary, error) {
	if err := c.ready(); err != nil {
		return OrdersSummary{}, err
	}
	c = c.pinned()
	if err := c.ValidateAccount(a); err != nil {
		return OrdersSummary{}, err
	}
	if err := c.validateContext(ctx); err != nil {
		return OrdersSummary{}, err
	}
	s, err := c.summary(a, now, "", decimal.Zero)
	if err != nil {
		return OrdersSummary{}, err
	}
	return c.orderMargins(now, a, s, ctx.Orders, ctx)
}

// validateContext checks the orders, then the open interest in
// ascending market ID order, then the reduce-only markets; the first bad
// entry is reported.
func (c *Calculator) validateContext(ctx OrderContext) error {
	if len(ctx.Orders) > MaxOpenOrders {
		return fmt.Errorf("%w: %d resting orders, at most %d", ErrInvalidInput, len(ctx.Orders), MaxOpenOrders)
	}
	for _, o := range ctx.Orders {
		if _, err := c.market(o.Market); err != nil {
			return err
		}
		if err := num.Check(o.Size); err != nil {
			return fmt.Errorf("%w: market %q: resting order size: %w", ErrInvalidInput, o.Market, err)
		}
		if o.Size.IsZero() {
			return fmt.Errorf("%w: market %q: resting order of size zero", ErrInvalidInput, o.Market)
		}
		if err := num.CheckPositive(o.Price); err != nil {
			return fmt.Errorf("%w: market %q: resting order price: %w", ErrInvalidInput, o.Market, err)
		}
	}
	ids := make([]string, 0, len(ctx.OpenInterest))
	for id := range ctx.OpenInterest {
		ids = append(ids, id)
	}
	sort.Strings(ids) // the first bad entry by ID is reported, never a map-order one
	for _, id := range ids {
		if _, err := c.market(id); err != nil {
			return err
		}
		if err := num.CheckNonNegative(ctx.OpenInterest[id]); err != nil {
			return fmt.Errorf("%w: market %q: open interest: %w", ErrInvalidInput, id, err)
		}
	}
	for _, id := range ctx.ReduceOnlyMarkets {
		if _, err := c.market(id); err != nil {
			return err
		}
	}
	return nil
}

// orderMargins computes OrdersSummary for a validated account, its
// summary s and a validated order list (c pinned).
func (c *Calculator) orderMargins(now time.Time, a Account, s Summary, orders []OpenOrder, ctx OrderContext) (OrdersSummary, error) {
	out := OrdersSummary{Summary: s, OrderInitial: decimal.Zero, Fees: decimal.Zero}
	for _, m := range c.order {
		pos, had := a.Position(m.id)
		om := OrderMargin{Market: m.id, Buys: decimal.Zero, Sells: decimal.Zero, Fee: decimal.Zero}
		buyV, sellV := decimal.Zero, decimal.Zero
		active := had && m.oiScaling.Enabled() // without orders, only OI scaling can add to a position's initial
		for _, o := range orders {
			if o.Market != m.id {
				continue
			}
			active = true
			v := m.signedValue(o.Size, o.Price, c.scale)
			if o.Size.Sign() > 0 {
				om.Buys, buyV = om.Buys.Add(o.Size), buyV.Add(v)
			} else {
				om.Sells, sellV = om.Sells.Sub(o.Size), sellV.Sub(v)
			}
			om.Fee = om.Fee.Add(m.fee(o.Size, o.Price, c.scale))
		}
		if !active {
			continue
		}
		q, lev := decimal.Zero, decimal.Zero
		posInitial := decimal.Zero
		mark, err := c.price(m.id, now)
		if err != nil {
			return OrdersSummary{}, err
		}
		if had {
			q, lev = pos.Size, pos.Leverage
			for _, ps := range s.Positions {
				if ps.Market == m.id {
					posInitial = ps.Initial
				}
			}
		}
		posV := m.signedValue(q, mark, c.scale)
		om.RiskSize = num.MaxOf(q.Add(om.Buys).Abs(), q.Sub(om.Sells).Abs())
		om.RiskNotional = num.MaxOf(posV.Add(buyV).Abs(), posV.Sub(sellV).Abs())
		om.Initial, err = c.sideInitial(m, om.RiskNotional, lev, mark, ctx)
		if err != nil {
			return OrdersSummary{}, err
		}
		om.OrderInitial = num.MaxOf(om.Initial.Sub(posInitial), decimal.Zero)
		out.OrderInitial = out.OrderInitial.Add(om.OrderInitial)
		out.Fees = out.Fees.Add(om.Fee)
		out.Markets = append(out.Markets, om)
	}
	out.Available = s.FreeCollateral.Sub(out.OrderInitial).Sub(out.Fees)
	out.Cancel = reduceOnlyCancels(a, orders, ctx)
	return out, nil
}

// reduceOnlyCancels lists the orders that could grow |position| in a
// reduce-only account or market (OrdersSummary.Cancel).
func reduceOnlyCancels(a Account, orders []OpenOrder, ctx OrderContext) []int {
	if !ctx.ReduceOnly && len(ctx.ReduceOnlyMarkets) == 0 {
		return nil
	}
	ro := make(map[string]bool, len(ctx.ReduceOnlyMarkets))
	for _, id := range ctx.ReduceOnlyMarkets {
		ro[id] = true
	}
	var cancel []int
	kept := map[string]decimal.Decimal{} // Σ |size| of the opposite orders kept, per market (lookups only)
	for i, o := range orders {
		if !ctx.ReduceOnly && !ro[o.Market] {
			continue
		}
		q := decimal.Zero
		if p, ok := a.Position(o.Market); ok {
			q = p.Size
		}
		if q.Sign() != -o.Size.Sign() { // same side, or flat
			cancel = append(cancel, i)
			continue
		}
		t := kept[o.Market].Add(o.Size.Abs())
		if t.Cmp(q.Abs()) > 0 { // a full fill would flip the position
			cancel = append(cancel, i)
			continue
		}
		kept[o.Market] = t
	}
	return cancel
}

// signedValue is size × c × price (Linear, exact) or size × c / price
// (Inverse, rounded away from zero at scale).
func (m *market) signedValue(size, price decimal.Decimal, scale int32) decimal.Decimal {
	n, d := m.notionalFrac(size.Abs(), price)
	v := divCeil(n, d, scale)
	if m.kind == Linear {
		v = n // exact
	}
	if size.Sign() < 0 {
		return v.Neg()
	}
	return v
}

// fee is |size| × c × price × TakerFee (÷ price for Inverse), rounded up.
func (m *market) fee(size, price decimal.Decimal, scale int32) decimal.Decimal {
	if m.takerFee.IsZero() {
		return decimal.Zero
	}
	n, d := m.notionalFrac(size.Abs(), price)
	return divCeil(n.Mul(m.takerFee), d, scale)
}

// sideInitial is the initial requirement of a notional in market m: its
// tier's, at least notional / lev, and at least the OI-scaled requirement
// when the market scales (dYdX v4), all rounded up.
func (c *Calculator) sideInitial(m *market, notional, lev, mark decimal.Decimal, ctx OrderContext) (decimal.Decimal, error) {
	im, err := m.sched.Initial(notional, c.scale)
	if err != nil {
		return decimal.Zero, err
	}
	if !lev.IsZero() {
		im = num.MaxOf(im, num.Div(notional, lev, c.scale, num.Ceil))
	}
	if !m.oiScaling.Enabled() {
		return im, nil
	}
	oi := ctx.OpenInterest[m.id]
	open := oi.Mul(m.cs)
	if m.kind == Linear {
		open = open.Mul(mark)
	} else {
		open = num.Div(open, mark, c.scale, num.Ceil)
	}
	i, _ := m.sched.index(notional, decOne, true)
	t := m.sched.tiers[i]
	base := t.imr
	if base.IsZero() {
		base = num.Div(decOne, t.lev, num.MaxScale, num.Ceil)
	}
	scaled, err := m.oiScaling.ScaledInitial(notional, base, open, c.scale)
	if err != nil {
		return decimal.Zero, fmt.Errorf("market %q: %w", m.id, err)
	}
	return num.MaxOf(im, scaled), nil
}

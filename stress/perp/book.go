package perp

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// The order book. Binance, Bybit, OKX and dYdX v4 liquidate through the
// order book: cancel the account's orders, reduce it step by step down the
// risk tiers with immediate-or-cancel orders limited at the bankruptcy
// price, a clearance fee to the insurance fund, and hand what the book
// cannot take to a fallback (liquidation.BookDesk plans all of it). The
// venue's book is its house market maker: it bids bookSpread below the
// mark and offers bookSpread above it, rounded to the tick against the
// trader, for at most bookDepth of notional a tick (grown with the book as
// the engine's limits are). An order whose limit (the bankruptcy price)
// the quote does not reach, or which the depth left cannot fill in full,
// comes back short and the desk hands the account over: a long's
// contracts to a Dutch auction (as before the book), a short's — and a
// long's when the engine sized no auction for it (dust) — to the market
// maker as backstop liquidity provider, which takes the position over at
// its bankruptcy price (Bybit's takeover "by the liquidation engine at the
// bankruptcy price"); any bad debt left goes to the waterfall.
var (
	// bookSpread: the market maker's quote, 0.2% either side of the mark.
	bookSpread = decimal.New(2, -3)
	// bookDepth: the notional it takes from liquidations in one tick, for
	// 1,000 accounts (scaled like the engine's limits).
	bookDepth int64 = 2_000_000
	// tick: the price increment.
	tick = decimal.New(1, -2)
)

// bookSettings configures the venue's BookDesk: limited at the bankruptcy
// price (Binance, Bybit), the liquidation penalty as the clearance fee
// (Binance's "liquidation clearance fee", to the insurance fund), the
// trader keeping what a fill has above bankruptcy (dYdX v4), cents.
func bookSettings(penalty decimal.Decimal) liquidation.BookSettings {
	return liquidation.BookSettings{Limit: liquidation.LimitBankruptcy, FeeRate: penalty, QuoteScale: 2,
		Fallbacks: []liquidation.Fallback{liquidation.FallbackAuction, liquidation.FallbackBackstop}}
}

// riskTiers is the margin table as the desk reads it: maintenance =
// notional × rate − amount, the amount making it continuous at every floor
// (Binance's "maintenance amount" column: cum_k = cum_{k−1} + floor_k ×
// (rate_k − rate_{k−1})).
func riskTiers(table []margin.Tier) []liquidation.RiskTier {
	out := make([]liquidation.RiskTier, len(table))
	cum := decimal.Zero
	for i, t := range table {
		if i > 0 {
			cum = cum.Add(t.Floor.Mul(t.MaintenanceRate.Sub(table[i-1].MaintenanceRate)))
		}
		out[i] = liquidation.RiskTier{MaxNotional: t.Cap, MaintenanceRate: t.MaintenanceRate, MaintenanceAmount: cum}
	}
	return out
}

// bookOutcome is how a book liquidation ended.
type bookOutcome int

const (
	bookDone       bookOutcome = iota // healthy, or restored by the book
	bookToAuction                     // handed over: the rest goes to a Dutch auction
	bookToBackstop                    // handed over and taken over by the market maker
)

// throughBook liquidates trader t through the book at mark: the desk's
// orders are filled by the market maker while its quote reaches their
// limit and its depth lasts; every fill moves the contracts to the market
// maker, the proceeds less the clearance fee to the trader and the fee to
// the insurance fund. auction says whether the engine sized a Dutch
// auction the rest may go to (a long's plan order); without one, or for a
// short, a handover is taken over by the market maker at the bankruptcy
// price (takeover).
func (v *Venue) throughBook(now time.Time, t *trader, mark decimal.Decimal, auction bool) (bookOutcome, error) {
	pos, ok := t.position()
	if !ok {
		return bookDone, nil
	}
	// The tiers up to the position's own: a liquidation only shrinks it,
	// so the tiers above never apply (and the desk validates fewer).
	k, notional := 0, pos.Size.Abs().Mul(mark)
	for k < len(v.riskTiers)-1 && notional.GreaterThan(v.riskTiers[k].MaxNotional) {
		k++
	}
	market := liquidation.BookMarket{Market: Market, Oracle: mark, Tiers: v.riskTiers[:k+1], Tick: tick, Step: sizeUnit}
	acct := liquidation.BookAccount{ID: t.id(), Collateral: t.base().Sub(pos.Size.Mul(pos.EntryPrice)),
		Positions: []liquidation.BookPosition{{Market: Market, Size: pos.Size}}}
	step, err := v.desk.Start(now, liquidation.BookStartParams{Account: acct, Markets: []liquidation.BookMarket{market}})
	if err != nil {
		return bookDone, fmt.Errorf("book %s: %w", t.id(), err)
	}
	if step.Liquidation != 0 {
		v.stats.book++
		v.minute.Book++
	}
	bid := num.MulRound(mark, decimal.New(1, 0).Sub(bookSpread), 2, num.Floor)
	ask := num.MulRound(mark, decimal.New(1, 0).Add(bookSpread), 2, num.Ceil)
	for step.Status == liquidation.BookOrdering {
		o := step.Order
		price := bid
		if o.Side == liquidation.Buy {
			price = ask
		}
		reaches := o.Side == liquidation.Sell && !price.LessThan(o.Limit) || o.Side == liquidation.Buy && !price.GreaterThan(o.Limit)
		if q := num.MinOf(o.Size, num.DivFloor(v.depthLeft, price, 3)); reaches && q.IsPositive() {
			if err := v.bookFill(now, t, step.Liquidation, q, price); err != nil {
				return bookDone, err
			}
		}
		if step, err = v.desk.Next(now, liquidation.BookNextParams{Account: t.id()}); err != nil {
			return bookDone, fmt.Errorf("book %s: %w", t.id(), err)
		}
	}
	if step.Status != liquidation.BookHandedOver {
		if step.Status == liquidation.BookRestored {
			v.stats.bookRestored++
		}
		return bookDone, nil
	}
	if auction && !t.sizeDec().IsNegative() {
		v.stats.toAuction++
		return bookToAuction, nil
	}
	return bookToBackstop, v.takeover(t, step.Handover, mark)
}

// bookFill books one fill of q contracts at price against the market
// maker (liquidation.BookDesk.Fill splits it): the trader receives the
// proceeds less the fund's delta (the clearance fee, capped at what the
// fill has above bankruptcy), the fund the delta. A delta the fund would
// pay (a fill a unit short of its apportioned bankruptcy quote) is not
// paid: the trader's balance carries it, and a hole goes to the waterfall.
func (v *Venue) bookFill(now time.Time, t *trader, liq uint64, q, price decimal.Decimal) error {
	res, err := v.desk.Fill(now, liquidation.BookFillParams{Account: t.id(), Size: q, Price: price})
	if err != nil {
		return fmt.Errorf("book fill %s: %w", t.id(), err)
	}
	fee := num.MaxOf(res.Split.FundDelta(), decimal.Zero)
	cashIn := res.Split.Proceeds
	delta, err := t.reduce(q, cashIn.Sub(fee))
	if err != nil {
		return err
	}
	v.mm.cash = v.mm.cash.Sub(cashIn)
	v.mm.size = v.mm.size.Sub(delta)
	v.funding.bookFlow(delta.IsNegative(), q, price)
	if fee.IsPositive() {
		key := fmt.Sprintf("book/%d/%d", liq, v.desk.Totals().Fills)
		if _, err := v.fund.Deposit(now, key, Fund, fee, "book:"+t.id(), "liquidation clearance fee"); err != nil {
			return err
		}
	}
	if err := t.addLost(q); err != nil {
		return err
	}
	v.depthLeft = v.depthLeft.Sub(q.Mul(price))
	s, m := &v.stats, &v.minute
	s.bookFills++
	s.bookSold, s.bookNotional, s.bookFees = s.bookSold.Add(q), s.bookNotional.Add(q.Mul(price)), s.bookFees.Add(fee)
	m.BookSold = m.BookSold.Add(q)
	return v.afterChange(t)
}

// takeover closes every position the book handed over at its bankruptcy
// price against the market maker (the backstop liquidity provider);
// the account is left at about zero, any bad debt (h.Deficit, or a
// bankruptcy price below one tick, closed at the mark) becomes a hole for
// the waterfall.
func (v *Venue) takeover(t *trader, h *liquidation.Handover, mark decimal.Decimal) error {
	for _, it := range h.Items {
		px := it.Bankruptcy
		if !px.IsPositive() {
			px = mark
		}
		if err := closeAt(t, &v.mm, it.Size, px); err != nil {
			return err
		}
		// What the market maker paid above the mark for a long's
		// contracts, or sold a short's below it.
		loss := it.Size.Mul(px.Sub(mark))
		if it.Side == liquidation.Buy {
			loss = loss.Neg()
		}
		v.stats.backstopLoss = v.stats.backstopLoss.Add(loss)
		if err := t.addLost(it.Size); err != nil {
			return err
		}
		v.stats.backstop++
		v.stats.backstopSize = v.stats.backstopSize.Add(it.Size)
	}
	return v.afterChange(t)
}

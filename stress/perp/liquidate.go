package perp

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// belowMaintenance values every account with a position and no running
// auction (margin.Prepared.Risk at the tick's Marks, read once; Summary
// only for an isolated position found liquidatable) and returns those
// below maintenance as the liquidation engine's Account view. An account
// is prepared (validated and compiled) when it must be valued, and kept
// prepared while it stays near the edge. Which accounts are looked at is
// Config.Scan's choice: the full scan visits every one and skips those
// whose band of safe marks (safeRange) holds the mark; the watchlist scan
// visits only the candidates its margin.Watchlist returns (see
// candidates). Either way an account is valued unless it is surely under
// the margin-call protocol's warning level and not in the protocol, so
// both find the same accounts below maintenance and make the same
// margin calls.
func (v *Venue) belowMaintenance(now time.Time, mark decimal.Decimal) ([]liquidation.Account, error) {
	mark = trimZeros(mark) // see Venue.mark
	marks, err := v.calc.Marks(now)
	if err != nil {
		return nil, err
	}
	var below []liquidation.Account
	if v.watching() {
		build := v.watch == nil
		idx, err := v.candidates(mark)
		if err != nil {
			return nil, err
		}
		if onCandidates != nil {
			onCandidates(v, now, mark, idx)
		}
		v.inCalls = v.inCalls[:0]
		for _, i := range idx {
			t := &v.traders[i]
			n := len(below)
			if below, err = v.valueOne(now, mark, marks, t, below); err != nil {
				return nil, err
			}
			switch {
			case len(below) > n || t.open && t.auction != 0:
				// Below maintenance (the liquidation about to change it)
				// or in auction: looked at again at the next scan, and
				// given to the watchlist once it is neither.
				t.stale = false
				v.touch(t)
			case t.call != margin.CallOK:
				// In the protocol: looked at every scan anyway (inCalls),
				// given to the watchlist when it leaves it.
			case t.stale || t.open: // valued: its triggers start from this mark
				if err := v.rewatch(now, t); err != nil {
					return nil, err
				}
			}
			if build && t.call == margin.CallOK {
				t.prep = nil // the build values every account: only those near the edge stay prepared
			}
			if t.call != margin.CallOK {
				v.inCalls = append(v.inCalls, t.idx)
			}
		}
	} else {
		fx, screen := fixed.FromDecimal(mark)
		for i := range v.traders {
			t := &v.traders[i]
			if screen && t.open && t.auction == 0 && t.call == margin.CallOK && v.safe(t, fx) {
				continue // surely under the warning level at this mark (see safeRange)
			}
			if below, err = v.valueOne(now, mark, marks, t, below); err != nil {
				return nil, err
			}
		}
	}
	v.stats.below = len(below)
	return below, nil
}

// valueOne is the scan of one trader: a flat account leaves the
// margin-call protocol; an account in auction is left to it; any other is
// valued, fed to the protocol, and appended to below when below
// maintenance.
func (v *Venue) valueOne(now time.Time, mark decimal.Decimal, marks *margin.Marks, t *trader, below []liquidation.Account) ([]liquidation.Account, error) {
	if !t.open {
		return below, v.leaveCalls(t)
	}
	if t.auction != 0 {
		return below, nil
	}
	p, err := v.prepared(t)
	if err != nil {
		return nil, err
	}
	r, err := p.Risk(marks)
	if err != nil {
		return nil, fmt.Errorf("margin %s: %w", t.id(), err)
	}
	var equity, maintenance decimal.Decimal
	if t.isolated {
		equity, maintenance = v.isolatedRisk(t, mark)
	} else {
		ar := r.AccountRisk()
		equity, maintenance = ar.Equity, ar.Maintenance
	}
	if err := v.marginCall(now, t, equity, maintenance); err != nil {
		return nil, err
	}
	switch {
	case r.Liquidatable():
	case r.IsolatedLiquidatable():
		s, err := v.calc.Summary(now, marginView(t))
		if err != nil {
			return nil, fmt.Errorf("margin %s: %w", t.id(), err)
		}
		equity, maintenance = s.Positions[0].Equity, s.Positions[0].Maintenance
	default:
		return below, nil
	}
	return append(below, view(t, equity, maintenance, mark)), nil
}

// prepared returns the trader's account as margin prepared it, preparing
// it again if it changed since.
func (v *Venue) prepared(t *trader) (*margin.Prepared, error) {
	if t.prep == nil {
		p, err := v.calc.Prepare(marginView(t))
		if err != nil {
			return nil, fmt.Errorf("margin %s: %w", t.id(), err)
		}
		t.prep = p
	}
	return t.prep, nil
}

// marginView is the account as margin values it. An isolated position
// whose margin went negative (partly sold below its bankruptcy price) is
// bankrupt; margin refuses a negative isolated margin, so it is shown as a
// cross account of its own, whose equity Wallet + PnL is the isolated
// Margin + PnL.
func marginView(t *trader) margin.Account {
	if p, ok := t.position(); ok && p.Isolated && p.Margin.IsNegative() {
		cross := p
		cross.Isolated, cross.Margin = false, decimal.Zero
		return margin.Account{ID: t.id(), Wallet: p.Margin, Positions: []margin.Position{cross}}
	}
	return t.account()
}

// view is the adapter from the venue's account to liquidation.Account.
// A long of size s at entry e backed by cash b is s contracts of
// collateral against a debt of s × e − b (what it borrowed to hold them):
// the engine sizes the debt to close and the lot of contracts to sell. A
// short is mirrored: its debt is the contracts it owes, valued at the mark.
func view(t *trader, equity, maintenance, mark decimal.Decimal) liquidation.StaticAccount {
	pos, _ := t.position()
	size := pos.Size.Abs()
	value := size.Mul(mark)
	debt := value
	if pos.Size.IsPositive() {
		debt = size.Mul(pos.EntryPrice).Sub(t.base())
	}
	return liquidation.StaticAccount{
		ID: t.id(), EquityValue: equity, MaintenanceValue: maintenance,
		DebtValue: debt, CollateralValue: value,
		Legs: []liquidation.Position{{Market: Market, Size: size, Value: value, Debt: debt}},
	}
}

// execute carries out a plan: the engine reserves cap room for every order
// (Commit); every account is liquidated through the order book first
// (throughBook: the desk's tier steps and closes, filled by the market
// maker); what the book cannot take of a long goes to a Dutch auction of
// its contracts for the order's tab, with the kicking keeper paid from the
// fee pool; a short's is taken over by the market maker at its bankruptcy
// price. An order that needs no auction releases its tab at once.
// Accounts the engine skipped as dust or without debt go through the book
// the same way, with the takeover as their only fallback.
func (v *Venue) execute(now time.Time, mark decimal.Decimal, plan liquidation.Plan) error {
	mark = trimZeros(mark) // see Venue.mark
	if _, err := v.engine.Commit(now, plan.Orders); err != nil {
		return err
	}
	v.depthLeft = v.set.depth
	for _, o := range plan.Orders {
		t, err := v.trader(o.Account)
		if err != nil {
			return err
		}
		t.liquidated = true
		v.stats.liquidated = v.stats.liquidated.Add(o.Debt)
		out, err := v.throughBook(now, t, mark, true)
		if err != nil {
			return err
		}
		if out != bookToAuction {
			if _, err := v.engine.Release(now, Market, o.Tab); err != nil {
				return err
			}
			continue
		}
		v.stats.penaltyDue = v.stats.penaltyDue.Add(o.Penalty)
		k := &v.keepers[v.stats.auctions%len(v.keepers)]
		kick, err := v.house.Kick(now, liquidation.KickParams{Tab: o.Tab, Lot: num.MinOf(o.Lot, t.sizeDec().Abs()), Owner: o.Account,
			Keeper: k.id, Price: mark, Penalty: o.Penalty})
		if err != nil {
			return fmt.Errorf("kick %s: %w", o.Account, err)
		}
		v.reward(k, kick.Reward)
		t.auction = kick.ID
		v.stats.auctions++
		v.minute.Kicks++
	}
	v.minute.Waiting = 0
	for _, s := range plan.Skipped {
		if s.Reason != liquidation.SkipDust && s.Reason != liquidation.SkipNoDebt {
			v.minute.Waiting++
			v.stats.mostWaiting = max(v.stats.mostWaiting, v.minute.Waiting)
			continue // cap or throttle: it waits for room
		}
		t, err := v.trader(s.Account)
		if err != nil {
			return err
		}
		t.liquidated = true
		v.stats.liquidated = v.stats.liquidated.Add(t.sizeDec().Abs().Mul(mark))
		if _, err := v.throughBook(now, t, mark, false); err != nil {
			return err
		}
	}
	return nil
}

// keepersBid lets the keepers work the running auctions, oldest first.
// Each online keeper resets an auction that needs it (Redo, rewarded), and
// takes as much as its cash buys once the price is at or below the mark
// less its required discount — an arbitrageur's rule: it buys only what it
// can sell at once at a profit. Proceeds go to the owner's backing cash;
// the engine releases the debt that left auction; the keeper hedges the
// contracts at the mark at once (see bought).
func (v *Venue) keepersBid(now time.Time, mark decimal.Decimal) error {
	mark = trimZeros(mark) // see Venue.mark
	one := decimal.New(1, 0)
	for _, id := range v.house.Active() {
		first := v.rng.Intn(len(v.keepers))
		var st liquidation.DutchStatus
		known := false // st is the auction's status at now (read again after a reset or a take)
		for n := range v.keepers {
			k := &v.keepers[(first+n)%len(v.keepers)]
			if v.rng.Intn(100) >= v.cfg.KeeperOnline {
				continue
			}
			if v.congestion > 0 && v.rng.Intn(100) < v.congestion {
				continue // its transaction does not land (drawn only under congestion)
			}
			if !known {
				var err error
				if st, err = v.house.Status(now, id); err != nil {
					return err
				}
				known = true
			}
			if st.NeedsRedo {
				r, err := v.house.Redo(now, liquidation.RedoParams{ID: id, Keeper: k.id, Price: mark})
				if err != nil {
					return err
				}
				v.reward(k, r.Reward)
				v.stats.redos++
				if st, err = v.house.Status(now, id); err != nil {
					return err
				}
			}
			keep := one.Sub(k.discount)
			if fixed.CmpProduct(st.Price, mark, keep) > 0 { // price > mark × (1 − discount)
				continue
			}
			lot := affordable(st.Lot, k.cash, st.Price)
			if !lot.IsPositive() || !worthIt(st, lot, mark, keep) {
				continue
			}
			res, err := v.house.Take(now, liquidation.TakeParams{ID: id, Keeper: k.id, MaxLot: lot, MaxPrice: st.Price})
			if err != nil {
				return err
			}
			known = false
			if res.Refusal != "" {
				continue
			}
			if err := v.bought(now, mark, k, st.Owner, res); err != nil {
				return err
			}
			if res.Settlement != nil {
				break
			}
		}
	}
	return nil
}

// bought books a take: the keeper pays Paid for Lot contracts, which the
// owner sells; the keeper at once sells them on to the market maker at the
// mark (its hedge: Lot × mark − Paid ≥ Lot × mark × discount is its profit,
// and its cash is free again for the next auction); the engine releases the
// debt; a finished auction settles (penalty to the insurance fund, any
// hole queued). Every leg is a transfer between ledger entries.
func (v *Venue) bought(now time.Time, mark decimal.Decimal, k *keeper, owner string, res liquidation.TakeResult) error {
	t, err := v.trader(owner)
	if err != nil {
		return err
	}
	if _, err := t.reduce(res.Lot, res.Paid); err != nil {
		return err
	}
	if err := t.addLost(res.Lot); err != nil {
		return err
	}
	hedge := res.Lot.Mul(mark)
	k.cash = k.cash.Sub(res.Paid).Add(hedge)
	v.mm.cash = v.mm.cash.Sub(hedge)
	v.mm.size = v.mm.size.Add(res.Lot)
	v.stats.edge = v.stats.edge.Add(hedge.Sub(res.Paid))
	if _, err := v.engine.Release(now, Market, res.Released); err != nil {
		return err
	}
	v.stats.takes++
	v.stats.sold = v.stats.sold.Add(res.Lot)
	v.stats.proceeds = v.stats.proceeds.Add(res.Paid)
	v.minute.Takes++
	v.minute.Sold = v.minute.Sold.Add(res.Lot)
	v.minute.Proceeds = v.minute.Proceeds.Add(res.Paid)
	if s := res.Settlement; s != nil {
		if err := liquidation.CheckSettlement(*s); err != nil {
			return err
		}
		key := fmt.Sprintf("penalty/auction-%d", t.auction)
		t.auction = 0
		if err := v.chargePenalty(now, key, t, s.Penalty); err != nil {
			return err
		}
	}
	return v.afterChange(t)
}

// chargePenalty moves a liquidation penalty (at most the account's
// remaining backing cash) into the insurance fund, under an idempotency key
// naming the liquidation, so a replayed input never pays it twice.
func (v *Venue) chargePenalty(now time.Time, key string, t *trader, amount decimal.Decimal) error {
	amount = num.MinOf(amount, num.MaxOf(t.base(), decimal.Zero))
	if !amount.IsPositive() {
		return nil
	}
	if _, err := v.fund.Deposit(now, key, Fund, amount, "penalty:"+t.id(), "liquidation penalty"); err != nil {
		return err
	}
	if err := t.credit(amount.Neg()); err != nil {
		return err
	}
	v.stats.penalties = v.stats.penalties.Add(amount)
	return nil
}

// reward pays a keeper's kick or redo incentive from the fee pool.
func (v *Venue) reward(k *keeper, amount decimal.Decimal) {
	v.fees = v.fees.Sub(amount)
	k.cash = k.cash.Add(amount)
	v.stats.rewards = v.stats.rewards.Add(amount)
}

// afterChange queues a flat account's negative balance for the waterfall.
func (v *Venue) afterChange(t *trader) error {
	v.touch(t)
	if _, err := t.settleFlat(); err != nil {
		return err
	}
	if t.hole.Sign() > 0 && !t.queued {
		t.queued = true
		v.holes = append(v.holes, int(t.idx))
	}
	return nil
}

// worthIt is the keeper's last check before a take of lot at st.Price:
// when lot × price exceeds the tab, Take charges the whole tab for
// floor(tab / price) contracts (rounded to the lot unit, in the owner's
// favour), so the keeper takes only if those contracts, sold at the mark
// less its discount (keep = 1 − discount), still pay for the tab.
func worthIt(st liquidation.DutchStatus, lot, mark, keep decimal.Decimal) bool {
	if fixed.CmpProduct(st.Tab, lot, st.Price) >= 0 { // lot × price ≤ tab
		return true
	}
	// floor(tab / price) × mark × keep ≥ tab, in the kernel when it fits.
	tab, ok1 := fixed.FromDecimal(st.Tab)
	price, ok2 := fixed.FromDecimal(st.Price)
	m, ok3 := fixed.FromDecimal(mark)
	kp, ok4 := fixed.FromDecimal(keep)
	if ok1 && ok2 && ok3 && ok4 {
		if q, ok := fixed.Div(tab, price, 3, num.Floor); ok {
			if qm, ok := fixed.Mul(q, m); ok {
				if c, ok := fixed.CmpProductNum(tab, qm, kp); ok {
					return c <= 0
				}
			}
		}
	}
	return !num.DivFloor(st.Tab, st.Price, 3).Mul(mark).Mul(keep).LessThan(st.Tab)
}

// affordable returns min(max, floor(cash / price) to the lot unit of 0.001):
// what a keeper's cash buys of a lot, in the fixed-point kernel when the
// figures fit it (the kernel agrees with num.DivFloor digit for digit),
// else with decimals.
func affordable(max, cash, price decimal.Decimal) decimal.Decimal {
	c, ok1 := fixed.FromDecimal(cash)
	p, ok2 := fixed.FromDecimal(price)
	m, ok3 := fixed.FromDecimal(max)
	if ok1 && ok2 && ok3 {
		if q, ok := fixed.Div(c, p, 3, num.Floor); ok {
			if fixed.Cmp(m, q) <= 0 {
				return max
			}
			return q.Decimal()
		}
	}
	return num.MinOf(max, num.DivFloor(cash, price, 3))
}

package liquidation

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// BookSnapshot is a BookDesk's whole state, plain and JSON-serialisable.
type BookSnapshot struct {
	Seq    uint64                    `json:"seq"`    // liquidations opened so far (the last ID)
	Last   time.Time                 `json:"last"`   // the latest now seen
	Live   []BookLiquidationSnapshot `json:"live"`   // open liquidations, ascending ID
	Totals BookTotals                `json:"totals"` // the running sums (BookDesk.Totals)
	// Keys are the remembered idempotency keys (see KeyWindow), ascending.
	Keys []KeyRecord `json:"keys,omitempty"`
}

// BookLiquidationSnapshot is one open liquidation: the account's state as
// the desk tracks it, the markets read at Start and the current order.
type BookLiquidationSnapshot struct {
	ID         uint64          `json:"id"`              // the liquidation's ID (BookStep.Liquidation)
	Account    string          `json:"account"`         // the account under liquidation
	Collateral decimal.Decimal `json:"collateral"`      // its quote balance after the fills so far
	Positions  []BookPosition  `json:"positions"`       // its positions after the fills so far, ascending market
	Markets    []BookMarket    `json:"markets"`         // ascending market, at the prices the desk holds
	Order      *BookOrder      `json:"order,omitempty"` // the current order with its Filled; nil before the first
}

// Snapshot returns a copy of the desk's state (an empty one for a desk not
// built by NewBookDesk or RestoreBookDesk).
func (b *BookDesk) Snapshot() BookSnapshot {
	if b.ready() != nil {
		return BookSnapshot{Live: []BookLiquidationSnapshot{}, Totals: b.Totals()}
	}
	s := BookSnapshot{Seq: b.seq, Last: b.clock.last, Live: []BookLiquidationSnapshot{}, Totals: b.totals}
	if ks := b.keys.snapshot(b.clock.last, b.isLive); len(ks) > 0 {
		s.Keys = ks
	}
	ids := make([]uint64, 0, len(b.byID))
	for id := range b.byID {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		l := b.live[b.byID[id]]
		ls := BookLiquidationSnapshot{ID: id, Account: l.account, Collateral: l.st.collateral,
			Positions: append([]BookPosition{}, l.st.positions...)}
		for _, m := range sortedMarkets(l.st.markets) {
			m.Tiers = append([]RiskTier(nil), m.Tiers...)
			ls.Markets = append(ls.Markets, m)
		}
		if l.order != nil {
			o := *l.order
			ls.Order = &o
		}
		s.Live = append(s.Live, ls)
	}
	return s
}

func sortedMarkets(ms map[string]BookMarket) []BookMarket {
	out := make([]BookMarket, 0, len(ms))
	for _, m := range ms {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Market < out[j].Market })
	return out
}

// RestoreBookDesk rebuilds a desk from settings and a snapshot, validating
// every field; a malformed snapshot is ErrInvalidSnapshot.
func RestoreBookDesk(s BookSettings, snap BookSnapshot) (*BookDesk, error) {
	b, err := NewBookDesk(s)
	if err != nil {
		return nil, err
	}
	b.seq, b.clock.last = snap.Seq, snap.Last
	for i, ls := range snap.Live {
		if ls.ID == 0 || ls.ID > snap.Seq || (i > 0 && ls.ID <= snap.Live[i-1].ID) {
			return nil, fmt.Errorf("%w: liquidation %d: ID out of order or above seq", ErrInvalidSnapshot, ls.ID)
		}
		st, _, err := readBookAccount(BookAccount{ID: ls.Account, Collateral: ls.Collateral, Positions: ls.Positions}, ls.Markets, &b.memo)
		if err != nil {
			return nil, restate(ErrInvalidSnapshot, fmt.Errorf("liquidation %d: %w", ls.ID, err))
		}
		if _, dup := b.live[ls.Account]; dup {
			return nil, fmt.Errorf("%w: account %q twice", ErrInvalidSnapshot, ls.Account)
		}
		l := &bookLiq{id: ls.ID, account: ls.Account, st: st}
		if o := ls.Order; o != nil {
			if err := checkBookOrder(*o, st, b.cfg); err != nil {
				return nil, restate(ErrInvalidSnapshot, fmt.Errorf("liquidation %d: %w", ls.ID, err))
			}
			cp := *o
			cp.Size, cp.Limit, cp.Bankruptcy, cp.Filled, cp.Quote = canon(o.Size), canon(o.Limit), canon(o.Bankruptcy), canon(o.Filled), canon(o.Quote)
			l.order = &cp
		}
		b.live[ls.Account], b.byID[ls.ID] = l, ls.Account
	}
	t := snap.Totals
	for _, v := range []decimal.Decimal{t.Surplus, t.Fee, t.Fund, t.Kept} {
		if err := checkWide(v); err != nil {
			return nil, fmt.Errorf("%w: totals: %w", ErrInvalidSnapshot, err)
		}
	}
	b.totals = BookTotals{Fills: t.Fills, Surplus: canon(t.Surplus), Fee: canon(t.Fee), Fund: canon(t.Fund), Kept: canon(t.Kept)}
	if b.keys, err = restoreKeys(snap.Keys, "book-start", "book-fill", "book-next"); err != nil {
		return nil, err
	}
	if err := b.CheckInvariants(); err != nil {
		return nil, restate(ErrInvalidSnapshot, err)
	}
	return b, nil
}

// checkBookOrder validates an order against the state it belongs to and
// the desk's settings, so that a forged order never fills: its side must
// close the position and its size fit in it; an order not yet filled must
// be exactly the one nextOrder places from the state; a partly filled one
// must be the worst position's, with the tiers, size, time in force and
// close flag the planner gives the position before its fills, its
// Bankruptcy the limit of its Quote (limitOf), its Limit that price under
// LimitBankruptcy, and its Quote at least −DNNV − |DMMR| (the bankruptcy
// quote of an account below maintenance never is less).
func checkBookOrder(o BookOrder, st *bookState, c bookConfig) error {
	m, ok := st.markets[o.Market]
	if !ok || o.Seq < 1 {
		return fmt.Errorf("%w: order in unknown market or without a sequence", ErrInvalidInput)
	}
	for _, v := range []decimal.Decimal{o.Size, o.Limit, o.Bankruptcy} {
		if err := positive(ErrInvalidInput, "order amount", v); err != nil {
			return err
		}
	}
	if err := checkWide(o.Quote); err != nil {
		return fmt.Errorf("%w: order quote: %w", ErrInvalidInput, err)
	}
	if err := nonNegative(ErrInvalidInput, "order filled", o.Filled); err != nil {
		return err
	}
	if o.Filled.GreaterThan(o.Size) || !o.Size.Mod(m.Step).IsZero() || !o.Filled.Mod(m.Step).IsZero() {
		return fmt.Errorf("%w: order size or filled off the step grid, or overfilled", ErrInvalidInput)
	}
	if (o.Side != Buy && o.Side != Sell) ||
		(o.Side == Sell && o.Limit.LessThan(o.Bankruptcy)) || (o.Side == Buy && o.Limit.GreaterThan(o.Bankruptcy)) {
		return fmt.Errorf("%w: order side unknown or limit beyond bankruptcy", ErrInvalidInput)
	}
	if o.TimeInForce != timeIOC && o.TimeInForce != timeFOK {
		return fmt.Errorf("%w: order time in force %q", ErrInvalidInput, o.TimeInForce)
	}
	if o.FromTier < 0 || o.ToTier < 0 || o.FromTier > len(m.Tiers) || o.ToTier > o.FromTier {
		return fmt.Errorf("%w: order tiers out of range", ErrInvalidInput)
	}
	if !containsMarket(st.positions, o.Market) {
		return fmt.Errorf("%w: order in market %q without a position", ErrInvalidInput, o.Market)
	}
	// The position before the order's fills: reduce-only, the order closes
	// at most all of it.
	cur, delta := st.size(o.Market), o.Size
	pre := cur.Sub(o.Filled)
	if o.Side == Sell {
		pre, delta = cur.Add(o.Filled), o.Size.Neg()
	}
	if cur.Sign()*pre.Sign() < 0 || pre.Sign()*delta.Sign() != -1 || o.Size.GreaterThan(pre.Abs()) {
		return fmt.Errorf("%w: order must close the position and fit in it", ErrInvalidInput)
	}
	if o.Filled.IsZero() { // nothing filled: the state is the one the order was placed from
		want, ok := nextOrder(st, c, o.Seq)
		if !ok || !sameBookOrder(want, o) {
			return fmt.Errorf("%w: order is not the one the state places", ErrInvalidInput)
		}
		return nil
	}
	was := st.clone()
	was.setSize(o.Market, pre)
	from, keep := tierIndex(m.Tiers, pre.Abs().Mul(m.Oracle)), pre.Abs().Sub(o.Size)
	closes := from == 0 || c.TakeOverAfterStep && o.Seq > 1
	planned := closes && o.ToTier == 0 && keep.IsZero() ||
		!closes && o.ToTier < from && keep.Equal(m.keepAt(o.ToTier))
	if was.worst() != o.Market || o.FromTier != from || !planned || o.Close != keep.IsZero() || o.TimeInForce != tif(c.FillOrKill) {
		return fmt.Errorf("%w: order is not one the planner places on the position", ErrInvalidInput)
	}
	in := CloseInput{Market: m, Position: pre, Delta: delta}
	if bp, ok := limitOf(in, o.Quote); !ok || !bp.Equal(o.Bankruptcy) || (c.Limit == LimitBankruptcy && !o.Limit.Equal(bp)) {
		return fmt.Errorf("%w: order bankruptcy or limit does not follow from its quote", ErrInvalidInput)
	}
	// Placed below maintenance (TNC < TMMR), the share TNC × |DMMR| / TMMR
	// is at most |DMMR|: the quote is at least −DNNV − |DMMR|.
	dmmr := m.positionMaintenance(pre.Add(delta)).Sub(m.positionMaintenance(pre)).Abs()
	if o.Quote.LessThan(delta.Neg().Mul(m.Oracle).Sub(dmmr)) {
		return fmt.Errorf("%w: order quote below what the position can owe", ErrInvalidInput)
	}
	return nil
}

// sameBookOrder compares two orders field by field, decimals by value.
func sameBookOrder(a, b BookOrder) bool {
	return a.Seq == b.Seq && a.Market == b.Market && a.Side == b.Side && a.Size.Equal(b.Size) && a.Limit.Equal(b.Limit) &&
		a.Bankruptcy.Equal(b.Bankruptcy) && a.Quote.Equal(b.Quote) && a.FromTier == b.FromTier && a.ToTier == b.ToTier &&
		a.Close == b.Close && a.TimeInForce == b.TimeInForce && a.Filled.Equal(b.Filled)
}

// CheckInvariants proves the desk's promises: the running totals conserve
// value (Fee + Fund + Kept = Surplus, fee and kept never negative), every
// live liquidation is indexed both ways, and its current order is within
// the position and never limited beyond its bankruptcy price.
func (b *BookDesk) CheckInvariants() error {
	if err := b.ready(); err != nil {
		return err
	}
	t := b.totals
	if !t.Fee.Add(t.Fund).Add(t.Kept).Equal(t.Surplus) {
		return fmt.Errorf("%w: book totals: fee + fund + kept ≠ surplus", ErrInvariant)
	}
	if t.Fee.Sign() < 0 || t.Kept.Sign() < 0 {
		return fmt.Errorf("%w: book totals: negative fee or kept", ErrInvariant)
	}
	if len(b.live) != len(b.byID) {
		return fmt.Errorf("%w: book: %d live accounts, %d IDs", ErrInvariant, len(b.live), len(b.byID))
	}
	for _, id := range sortedIDs(b.byID) { // ascending: the same error on every replica
		acct := b.byID[id]
		l, ok := b.live[acct]
		if !ok || l.id != id || id > b.seq {
			return fmt.Errorf("%w: book: liquidation %d is not indexed both ways", ErrInvariant, id)
		}
		if l.order != nil {
			if err := checkBookOrder(*l.order, l.st, b.cfg); err != nil {
				return restate(ErrInvariant, fmt.Errorf("liquidation %d: %w", id, err))
			}
			left := l.order.Size.Sub(l.order.Filled)
			if left.GreaterThan(l.st.size(l.order.Market).Abs()) {
				return fmt.Errorf("%w: liquidation %d: order larger than the position", ErrInvariant, id)
			}
		}
	}
	return nil
}

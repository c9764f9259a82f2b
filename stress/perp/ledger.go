package perp

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin"
)

// trader is one seeded account: a margin.Account (cross wallet and at most
// one position, cross or isolated) plus the bad debt left once its position
// is gone.
//
// Its value at a mark m is Wallet + isolated Margin + Size × (m − Entry) −
// hole − uncovered. Positions only ever shrink (liquidation, deleveraging): closing q
// contracts at price p realises q × (p − Entry) into the position's margin
// (isolated) or the wallet (cross), so Size × Entry stays exact and nothing
// is ever rounded.
type trader struct {
	acct margin.Account
	// hole is bad debt: a negative balance left after the position closed,
	// waiting for (or left over by) the backstop waterfall. ≥ 0.
	hole decimal.Decimal
	// uncovered is bad debt the waterfall could not cover (its residual):
	// still owed by the account, counted in its value. ≥ 0.
	uncovered decimal.Decimal
	// badDebt is every hole this account ever sent to the waterfall (for
	// the report). ≥ 0.
	badDebt decimal.Decimal
	// auction is the running Dutch auction selling this account's
	// contracts (0: none).
	auction uint64
	// entry, short and leverage are the position's entry price, side and
	// leverage as seeded (for ADL and the report).
	entry    decimal.Decimal
	short    bool
	leverage int64
	// lost is the size taken from the account by liquidation so far.
	lost decimal.Decimal
	// liquidated, deleveraged and queued mark what happened to the
	// account (for the report) and whether its hole waits in the queue.
	liquidated, deleveraged, queued bool
	// call is the account's state in the margin-call protocol (CallOK:
	// not in it); called and recovered: it had a margin call, and came
	// back to ok after one without having been liquidated (calls.go).
	call              margin.CallState
	called, recovered bool
	// prep is the account as margin last prepared it (marginView), nil
	// once the account changed: every change to acct goes through credit,
	// reduce or settleFlat, which drop it.
	prep *margin.Prepared
	// band is the range of marks where the account as prepared is surely
	// above maintenance (safeRange), valid while band.for_ is prep.
	band safeRange
}

// book is a participant that holds contracts without margin checks: a
// keeper (fully funded by its cash) or the house market maker. Its value at
// mark m is Cash + Size × m − Cost, where Cost is Σ size × price of what it
// took over.
type book struct {
	cash, size, cost decimal.Decimal
}

// value returns the book's value at mark.
func (b book) value(mark decimal.Decimal) decimal.Decimal {
	return b.cash.Add(b.size.Mul(mark)).Sub(b.cost)
}

// position returns the trader's position, if any.
func (t *trader) position() (*margin.Position, bool) {
	if len(t.acct.Positions) == 0 {
		return nil, false
	}
	return &t.acct.Positions[0], true
}

// size returns the trader's signed size (zero when flat).
func (t *trader) size() decimal.Decimal {
	if p, ok := t.position(); ok {
		return p.Size
	}
	return decimal.Zero
}

// value returns the trader's value at mark (see trader).
func (t *trader) value(mark decimal.Decimal) decimal.Decimal {
	v := t.acct.Wallet.Sub(t.hole).Sub(t.uncovered)
	if p, ok := t.position(); ok {
		v = v.Add(p.Margin).Add(p.Size.Mul(mark.Sub(p.EntryPrice)))
	}
	return v
}

// pnl returns the trader's unrealised PnL at mark (zero when flat).
func (t *trader) pnl(mark decimal.Decimal) decimal.Decimal {
	if p, ok := t.position(); ok {
		return p.Size.Mul(mark.Sub(p.EntryPrice))
	}
	return decimal.Zero
}

// base returns the cash backing the position: the isolated margin, or the
// cross wallet.
func (t *trader) base() decimal.Decimal {
	if p, ok := t.position(); ok && p.Isolated {
		return p.Margin
	}
	return t.acct.Wallet
}

// credit adds amount (negative: a debit) to the cash backing the position.
func (t *trader) credit(amount decimal.Decimal) {
	t.prep = nil
	if p, ok := t.position(); ok && p.Isolated {
		p.Margin = p.Margin.Add(amount)
		return
	}
	t.acct.Wallet = t.acct.Wallet.Add(amount)
}

// reduce closes q contracts (0 < q ≤ |size|, in the direction that shrinks
// the position) for cashIn, the cash the trader receives (negative: pays):
// a long selling q at p receives q × p, a short buying back q at p pays it.
// The backing cash gets cashIn − q × Entry (a short's + q × Entry), which is
// q × (p − Entry) realised when cashIn = q × p: nothing is rounded. The
// counterparty must pay cashIn and take the contracts for value to be
// conserved. A position closed in full is removed; an isolated margin goes
// back to the wallet, or, if negative, becomes bad debt (an isolated loss
// never reaches the wallet). It returns the signed change of size (−q for a
// long, +q for a short).
func (t *trader) reduce(q, cashIn decimal.Decimal) (decimal.Decimal, error) {
	pos, ok := t.position()
	if !ok || !q.IsPositive() || q.GreaterThan(pos.Size.Abs()) {
		return decimal.Zero, fmt.Errorf("%w: reduce %s of size %s by %s", ErrLedger, t.acct.ID, t.size(), q)
	}
	t.prep = nil
	delta := q.Neg()
	if pos.Size.IsNegative() {
		delta = q
	}
	t.credit(cashIn.Add(delta.Mul(pos.EntryPrice)))
	pos.Size = pos.Size.Add(delta)
	if pos.Size.IsZero() {
		if pos.Margin.IsNegative() {
			t.hole = t.hole.Sub(pos.Margin) // isolated: the loss stops at the position's margin
		} else {
			t.acct.Wallet = t.acct.Wallet.Add(pos.Margin)
		}
		t.acct.Positions = t.acct.Positions[:0]
	}
	return delta, nil
}

// closeAt closes q contracts of the trader at price p against the market
// maker mm, which pays the trader's cashIn and takes the contracts: the
// trader's value changes by cashIn + delta × mark and mm's by the opposite,
// so value is conserved exactly.
func closeAt(t *trader, mm *book, q, p decimal.Decimal) error {
	pos, ok := t.position()
	if !ok {
		return fmt.Errorf("%w: close %s: no position", ErrLedger, t.acct.ID)
	}
	cashIn := q.Mul(p)
	if pos.Size.IsNegative() {
		cashIn = cashIn.Neg()
	}
	delta, err := t.reduce(q, cashIn)
	if err != nil {
		return err
	}
	mm.cash = mm.cash.Sub(cashIn)
	mm.size = mm.size.Sub(delta)
	return nil
}

// settleFlat turns a negative wallet of a flat account into bad debt (the
// hole the waterfall covers). It reports whether a new hole appeared.
func (t *trader) settleFlat() bool {
	if len(t.acct.Positions) > 0 || !t.acct.Wallet.IsNegative() {
		return false
	}
	t.prep = nil
	t.hole = t.hole.Sub(t.acct.Wallet)
	t.acct.Wallet = decimal.Zero
	return true
}

// traderID is the ID of the trader at index i: "acct-" and i with at least
// five digits (acct-00042), so that up to 100,000 accounts the IDs sort as
// the indexes do.
func traderID(i int) string { return fmt.Sprintf("acct-%05d", i) }

// traderIndex reads the index out of a trader's ID (traderID's inverse),
// so that the venue needs no map of a million IDs; ok is false for
// anything traderID does not write.
func traderIndex(id string) (int, bool) {
	digits, ok := strings.CutPrefix(id, "acct-")
	if !ok || len(digits) < 5 || len(digits) > 7 || (len(digits) > 5 && digits[0] == '0') {
		return 0, false
	}
	n := 0
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// lookup returns the index of the trader with this ID.
func (v *Venue) lookup(id string) (int, bool) {
	i, ok := traderIndex(id)
	if !ok || i >= len(v.traders) || v.traders[i].acct.ID != id {
		return 0, false
	}
	return i, true
}

// trader returns the trader with this ID; an ID the venue did not issue is
// an error wrapping ErrLedger.
func (v *Venue) trader(id string) (*trader, error) {
	i, ok := v.lookup(id)
	if !ok {
		return nil, fmt.Errorf("%w: unknown account %q", ErrLedger, id)
	}
	return &v.traders[i], nil
}

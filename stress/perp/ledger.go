package perp

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/margin"
)

// trader is one seeded account: a cross wallet and at most one position
// (cross or isolated), plus the bad debt left once its position is gone.
// Its figures are kept in the fixed-point kernel (fixed.Num: an int64
// coefficient and an exponent, no heap), so a million accounts cost a
// few hundred bytes each (issue 12: ≤ 600 MB for one step at 1,000,000);
// margin.Account and decimals are built only where a package needs them
// (account, position). Every change is exact or refused: an amount whose
// coefficient has more than 18 digits, or a sum that would overflow an
// int64, is an error wrapping ErrLedger and changes nothing (fail closed,
// never wrap).
//
// Its value at a mark m is Wallet + isolated Margin + Size × (m − Entry) −
// hole − uncovered. Positions only ever shrink (liquidation, deleveraging): closing q
// contracts at price p realises q × (p − Entry) into the position's margin
// (isolated) or the wallet (cross), so Size × Entry stays exact and nothing
// is ever rounded.
type trader struct {
	// wallet is the cross wallet; margin the isolated position's margin
	// (zero for a cross position or none); size the signed size (zero
	// when flat).
	wallet, margin, size fixed.Num
	// entry is the position's entry price (as seeded: positions only
	// shrink, so it is also the entry for ADL and the report once flat);
	// lev the position's leverage as margin reads it.
	entry, lev fixed.Num
	// hole is bad debt: a negative balance left after the position closed,
	// waiting for (or left over by) the backstop waterfall. ≥ 0.
	hole fixed.Num
	// uncovered is bad debt the waterfall could not cover (its residual):
	// still owed by the account, counted in its value. ≥ 0.
	uncovered fixed.Num
	// badDebt is every hole this account ever sent to the waterfall (for
	// the report). ≥ 0.
	badDebt fixed.Num
	// lost is the size taken from the account by liquidation so far.
	lost fixed.Num
	// auction is the running Dutch auction selling this account's
	// contracts (0: none).
	auction uint64
	// leverage is the position's leverage as seeded (for the report).
	leverage int64
	// prep is the account as margin last prepared it (marginView), nil
	// once the account changed: every change goes through credit, reduce
	// or settleFlat, which drop it (the screen drops it too once the
	// account's band holds the mark, so only accounts near the edge keep
	// one).
	prep *margin.Prepared
	// band is the range of marks where the account is surely above
	// maintenance (safeRange), valid until the account changes.
	band safeRange
	// call is the account's state in the margin-call protocol (CallOK:
	// not in it).
	call margin.CallState
	// idx is the trader's index in the venue (its ID is traderID(idx)).
	idx int32
	// open: the account holds a position; isolated: it is isolated;
	// short: the position's side as seeded; stale: it changed since the
	// watchlist last valued it (in Venue.dirty; see touch).
	open, isolated, short, stale bool
	// liquidated, deleveraged and queued mark what happened to the
	// account (for the report) and whether its hole waits in the queue;
	// called and recovered: it had a margin call, and came back to ok
	// after one without having been liquidated (calls.go).
	liquidated, deleveraged, queued, called, recovered bool
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

// id returns the trader's ID (traderID of its index).
func (t *trader) id() string { return traderID(int(t.idx)) }

// position returns the trader's position as margin reads it (a copy), if
// any.
func (t *trader) position() (margin.Position, bool) {
	if !t.open {
		return margin.Position{}, false
	}
	return margin.Position{Market: Market, Size: t.size.Decimal(), EntryPrice: t.entry.Decimal(), Isolated: t.isolated,
		Margin: t.margin.Decimal(), Leverage: t.lev.Decimal()}, true
}

// account returns the trader as a margin.Account (built afresh).
func (t *trader) account() margin.Account {
	a := margin.Account{ID: t.id(), Wallet: t.wallet.Decimal()}
	if p, ok := t.position(); ok {
		a.Positions = []margin.Position{p}
	}
	return a
}

// sizeDec returns the trader's signed size (zero when flat).
func (t *trader) sizeDec() decimal.Decimal { return t.size.Decimal() }

// value returns the trader's value at mark (see trader).
func (t *trader) value(mark decimal.Decimal) decimal.Decimal {
	v := t.wallet.Decimal().Sub(t.hole.Decimal()).Sub(t.uncovered.Decimal())
	if t.open {
		v = v.Add(t.margin.Decimal()).Add(t.pnl(mark))
	}
	return v
}

// pnl returns the trader's unrealised PnL at mark (zero when flat).
func (t *trader) pnl(mark decimal.Decimal) decimal.Decimal {
	if !t.open {
		return decimal.Zero
	}
	return t.size.Decimal().Mul(mark.Sub(t.entry.Decimal()))
}

// baseNum returns the cash backing the position: the isolated margin, or
// the cross wallet.
func (t *trader) baseNum() fixed.Num {
	if t.open && t.isolated {
		return t.margin
	}
	return t.wallet
}

// base is baseNum as a decimal.
func (t *trader) base() decimal.Decimal { return t.baseNum().Decimal() }

// changed drops what was worked out from the account as it was: its
// preparation and its band.
func (t *trader) changed() {
	t.prep = nil
	t.band = safeRange{}
}

// toNum returns d in the kernel, or an error wrapping ErrLedger when its
// coefficient has more than 18 digits.
func (t *trader) toNum(what string, d decimal.Decimal) (fixed.Num, error) {
	n, ok := fixed.FromDecimal(d)
	if !ok {
		return fixed.Num{}, fmt.Errorf("%w: %s of %s: %s does not fit the ledger's 18 digits", ErrLedger, what, t.id(), d)
	}
	return n, nil
}

// plus returns a + b exactly (at the coarsest exponent that holds it), or
// an error wrapping ErrLedger when it does not fit an int64.
func (t *trader) plus(what string, a, b fixed.Num) (fixed.Num, error) {
	s, ok := fixed.Add(a, b)
	if !ok {
		return fixed.Num{}, fmt.Errorf("%w: %s of %s: %s + %s overflows the ledger", ErrLedger, what, t.id(), a.Decimal(), b.Decimal())
	}
	return trim(s), nil
}

// minus returns a − b exactly, as plus.
func (t *trader) minus(what string, a, b fixed.Num) (fixed.Num, error) {
	nb, ok := fixed.Neg(b)
	if !ok {
		return fixed.Num{}, fmt.Errorf("%w: %s of %s: −%s overflows the ledger", ErrLedger, what, t.id(), b.Decimal())
	}
	return t.plus(what, a, nb)
}

// trim returns n at the coarsest exponent (≤ 0) that holds it, so that
// coefficients stay small after sums of finer amounts (zero at exponent
// 0).
func trim(n fixed.Num) fixed.Num {
	if n.M == 0 {
		return fixed.Num{}
	}
	for n.E < 0 && n.M%10 == 0 {
		n.M /= 10
		n.E++
	}
	return n
}

// credit adds amount (negative: a debit) to the cash backing the position.
// An amount or a balance the kernel cannot hold is an error wrapping
// ErrLedger and changes nothing.
func (t *trader) credit(amount decimal.Decimal) error {
	a, err := t.toNum("credit", amount)
	if err != nil {
		return err
	}
	return t.creditNum(a)
}

// creditNum is credit of an amount in the kernel.
func (t *trader) creditNum(a fixed.Num) error {
	if t.open && t.isolated {
		m, err := t.plus("margin", t.margin, a)
		if err != nil {
			return err
		}
		t.changed()
		t.margin = m
		return nil
	}
	w, err := t.plus("wallet", t.wallet, a)
	if err != nil {
		return err
	}
	t.changed()
	t.wallet = w
	return nil
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
// long, +q for a short). Every figure is worked out before any is written:
// an error (wrapping ErrLedger) changes nothing.
func (t *trader) reduce(q, cashIn decimal.Decimal) (decimal.Decimal, error) {
	qn, okQ := fixed.FromDecimal(q)
	if !t.open || !okQ || qn.Sign() <= 0 || fixed.Cmp(qn, fixed.Num{M: abs(t.size.M), E: t.size.E}) > 0 {
		return decimal.Zero, fmt.Errorf("%w: reduce %s of size %s by %s", ErrLedger, t.id(), t.sizeDec(), q)
	}
	delta := fixed.Num{M: -qn.M, E: qn.E}
	if t.size.M < 0 {
		delta = qn
	}
	cash, err := t.toNum("reduce", cashIn)
	if err != nil {
		return decimal.Zero, err
	}
	de, ok := fixed.Mul(delta, t.entry)
	if !ok {
		return decimal.Zero, fmt.Errorf("%w: reduce %s: %s × %s overflows the ledger", ErrLedger, t.id(), delta.Decimal(), t.entry.Decimal())
	}
	amount, err := t.plus("reduce", cash, de)
	if err != nil {
		return decimal.Zero, err
	}
	size, err := t.plus("size", t.size, delta)
	if err != nil {
		return decimal.Zero, err
	}
	after := *t
	if err := after.creditNum(amount); err != nil {
		return decimal.Zero, err
	}
	after.size = size
	if size.M == 0 {
		if after.isolated && after.margin.M < 0 {
			if after.hole, err = t.minus("hole", after.hole, after.margin); err != nil { // isolated: the loss stops at the position's margin
				return decimal.Zero, err
			}
		} else if after.isolated {
			if after.wallet, err = t.plus("wallet", after.wallet, after.margin); err != nil {
				return decimal.Zero, err
			}
		}
		after.open, after.isolated, after.margin, after.size = false, false, fixed.Num{}, fixed.Num{}
	}
	after.changed()
	*t = after
	return delta.Decimal(), nil
}

// closeAt closes q contracts of the trader at price p against the market
// maker mm, which pays the trader's cashIn and takes the contracts: the
// trader's value changes by cashIn + delta × mark and mm's by the opposite,
// so value is conserved exactly.
func closeAt(t *trader, mm *book, q, p decimal.Decimal) error {
	if !t.open {
		return fmt.Errorf("%w: close %s: no position", ErrLedger, t.id())
	}
	cashIn := q.Mul(p)
	if t.size.M < 0 {
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
func (t *trader) settleFlat() (bool, error) {
	if t.open || t.wallet.M >= 0 {
		return false, nil
	}
	hole, err := t.minus("hole", t.hole, t.wallet)
	if err != nil {
		return false, err
	}
	t.changed()
	t.hole, t.wallet = hole, fixed.Num{}
	return true, nil
}

// traderID is the ID of the trader at index i: "acct-" and i with at least
// five digits (acct-00042), so that up to 100,000 accounts the IDs sort as
// the indexes do.
func traderID(i int) string { return fmt.Sprintf("acct-%05d", i) }

// traderIndex reads the index out of a trader's ID (traderID's inverse),
// so that the venue needs no map of a million IDs; ok is false for
// anything traderID does not write (traderID(i) is the only ID read as
// i).
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
	if !ok || i >= len(v.traders) {
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

// addLost adds q to the size the account lost to liquidation.
func (t *trader) addLost(q decimal.Decimal) error {
	n, err := t.toNum("lost", q)
	if err == nil {
		n, err = t.plus("lost", t.lost, n)
	}
	if err != nil {
		return err
	}
	t.lost = n
	return nil
}

// ledgerOf returns trader i holding the seeded account a (a wallet and
// one position) in the kernel; a figure of more than 18 digits is an
// error wrapping ErrLedger.
func ledgerOf(i int, a margin.Account, short bool, leverage int64) (trader, error) {
	t := trader{idx: int32(i), short: short, leverage: leverage}
	p := a.Positions[0]
	for _, f := range []struct {
		to *fixed.Num
		d  decimal.Decimal
	}{{&t.wallet, a.Wallet}, {&t.size, p.Size}, {&t.entry, p.EntryPrice}, {&t.margin, p.Margin}, {&t.lev, p.Leverage}} {
		n, err := t.toNum("seed", f.d)
		if err != nil {
			return trader{}, err
		}
		*f.to = trim(n)
	}
	t.open, t.isolated = true, p.Isolated
	return t, nil
}

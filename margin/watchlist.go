package margin

import (
	"fmt"
	"slices"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Watchlist keeps accounts indexed by how far each price may move before
// the account could have crossed maintenance, so that a price tick returns
// only the accounts near the edge: a superset of the accounts that are
// liquidatable at the new prices — cross (AccountRisk.Liquidatable) or
// through any isolated position (AccountRisk.IsolatedLiquidatable) — never
// missing one, at a cost that grows with the accounts returned, not with
// the book. Cross, isolated and Inverse positions are all under the bound,
// and one account may hold cross positions and several isolated ones.
//
// The host values an account with Set (which calls Calculator.Risk at the
// PriceSource's prices and remembers them as the account's reference), and
// again whenever the account changes (a fill, a deposit, a margin top-up,
// a funding payment) or a Tick returns it. Tick(key, price) reports the
// new price of one market or collateral asset and returns, sorted by ID,
// every account that must be re-valued.
//
// # The bound
//
// An account is split into groups, each a buffer and the legs (position
// or collateral item, with its price key) that can eat it: the cross group
// (every cross position and collateral item, buffer R = Equity −
// Maintenance as Risk rounds them) and one group per isolated position
// (buffer R = Margin + PnL − its Maintenance, as Risk rounds them for
// IsolatedLiquidatable). Between valuations a leg can lose at most
// e·(adverse move of x) + J of its group's buffer, where x = p for a
// linear position or collateral and x = 1/p for an Inverse position (its
// PnL q·c·(1/entry − 1/p) is linear in 1/p, its notional q·c/p too):
//
//   - linear long, size q, contract size c: e = |q|·c for a fall (its
//     maintenance only falls with the notional: every table's maintenance
//     is non-decreasing in notional, NewSchedule checks rates never fall);
//     a rise only gains (every maintenance rate is below 1);
//   - linear short: e = |q|·c·(1 + r) for a rise, r the table's highest
//     (last) maintenance rate, since a Marginal table's maintenance is
//     continuous with slope at most r (Binance "Leverage and Margin of
//     USDⓈ-M Futures": notional × rate − maintenance amount);
//   - inverse long: e = |q|·c·(1 + r) for a rise of 1/p (a fall of p: the
//     notional grows); inverse short: e = |q|·c for a fall of 1/p;
//   - with Basis EntryValue the maintenance does not move and e = |q|·c;
//   - a Step table (BitMEX risk limits) jumps at its caps: J = n⁰·(r −
//     rate of the tier of n⁰) bounds the jump in either direction
//     (maintenance ≤ notional × r), and is charged up front;
//   - collateral: e = amount × ratio for a fall.
//
// Each rounded term (a PnL floored, a maintenance or collateral value
// rounded) may drift by under one unit of the Calculator's scale: with k
// terms that move, k − 1 units are set aside when the group's fixed part
// (the wallet, the isolated margin) sits on the scale's grid, k otherwise.
// What remains, B = R − slack − ΣJ, is shared among the group's legs in
// proportion to Vᵢ = eᵢ·x⁰ᵢ (every leg tolerates the same relative move
// of its x): a linear leg gets the distance dᵢ = ⌊B·p⁰ᵢ / ΣV⌋ at the
// Calculator's PriceScale and its trigger p⁰ − dᵢ (a fall leg) or
// p⁰ + dᵢ (a rise leg); an inverse leg gets the trigger p⁰·ΣV/(ΣV + B)
// for a fall (rounded up) or p⁰·ΣV/(ΣV − B) for a rise (rounded down;
// none when B ≥ ΣV, since its loss never exceeds e/p⁰), its V = e/p⁰
// rounded up (a lone inverse leg uses the exact p⁰·e/(e ± B·p⁰)). The
// account is returned once any price reaches any trigger of any group.
// While none has, every group's loss is below ΣVᵢ·B/ΣV + ΣJ ≤ R − slack,
// so its rounded equity stays ≥ its maintenance: nothing is liquidatable.
// The property test compares Tick with a full scan on random mixed books
// and price paths, including prices placed exactly at and a hair past the
// triggers, and fails with any trigger loosened by one unit.
//
// # Due and always checked
//
// An account already Liquidatable, IsolatedLiquidatable or MustReduce at
// its valuation, or one of whose groups has no buffer left after the
// slack, is due: returned by every Tick until re-valued. An account whose
// trigger does not fit the kernel's 18 digits (a price beyond 10¹⁸) is
// always checked (returned by every Tick). Accounts with no position are
// never liquidatable and are never returned.
//
// A Watchlist is deterministic (results are sorted by account ID; nothing
// depends on map order) and not safe for concurrent use. Snapshot and
// RestoreWatchlist round-trip it. Bad input (an account ID missing, an
// invalid account, an unavailable price, a price ≤ 0) is an error and
// changes nothing.
type Watchlist struct {
	c       *Calculator
	slots   map[string]int32 // account ID → slot (looked up, never iterated)
	accts   []watchAcct
	freeA   []int32
	entries []watchEntry
	freeE   []int32
	keys    map[string]int32 // price key → book (looked up, never iterated)
	books   []*watchBook
	due     map[int32]struct{} // returned by every Tick (sorted before use)
	inputs  uint64
}

// WatchState is where the watchlist keeps an account.
type WatchState string

const (
	// WatchIndexed accounts are returned when a price reaches a trigger.
	WatchIndexed WatchState = "indexed"
	// WatchDue accounts are returned by every Tick until re-valued: a
	// trigger was reached, or the account was liquidatable, must reduce,
	// or had no buffer left when valued.
	WatchDue WatchState = "due"
	// WatchAlways accounts have a trigger beyond the kernel's 18 digits
	// and are returned by every Tick.
	WatchAlways WatchState = "always"
	// WatchQuiet accounts have no position: never liquidatable, never
	// returned.
	WatchQuiet WatchState = "quiet"
)

// watchAcct is one account: 24 bytes, its triggers a list through the
// entry slab (no slice per account).
type watchAcct struct {
	id    string
	first int32 // the account's first entry (noEntry: none), linked by watchEntry.next
	state uint8 // index into watchStates
}

// noEntry ends an account's list of entries.
const noEntry int32 = -1

// watchStates are the states by their stored index.
var watchStates = [...]WatchState{WatchIndexed, WatchDue, WatchAlways, WatchQuiet}

// stateIndex returns a state's stored index (a restored snapshot's state
// is checked before).
func stateIndex(s WatchState) uint8 {
	for i, x := range watchStates {
		if x == s {
			return uint8(i)
		}
	}
	return 1 // unreachable; due is the safe answer
}

// NewWatchlist returns an empty watchlist valuing accounts with c.
func NewWatchlist(c *Calculator) (*Watchlist, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	return &Watchlist{c: c, slots: map[string]int32{}, keys: map[string]int32{}, due: map[int32]struct{}{}}, nil
}

// Len returns the number of accounts watched.
func (w *Watchlist) Len() int {
	if w == nil {
		return 0
	}
	return len(w.slots)
}

// plan is what Set will store: a state and its triggers.
type watchPlan struct {
	state WatchState
	trigs []WatchTrigger
}

// Set values the account at now (Calculator.Risk), remembers the prices as
// its reference and indexes it, replacing any earlier valuation of the
// same ID. It returns the Risk. Errors (an empty ID and every Risk error)
// leave the watchlist unchanged.
func (w *Watchlist) Set(now time.Time, a Account) (AccountRisk, error) {
	if w == nil || w.c == nil {
		return AccountRisk{}, fmt.Errorf("%w: Watchlist not built with NewWatchlist", ErrInvalidSettings)
	}
	if a.ID == "" {
		return AccountRisk{}, fmt.Errorf("%w: account has no ID", ErrInvalidInput)
	}
	// Read every price once: the valuation and the reference prices of the
	// triggers must be the same marks, or a source that moved between two
	// reads would leave a trigger on the wrong side of the account's edge.
	c := w.c.pinned()
	r, err := c.Risk(now, a)
	if err != nil {
		return AccountRisk{}, err
	}
	p, err := w.plan(c, now, a, r)
	if err != nil {
		return AccountRisk{}, err
	}
	w.apply(a.ID, p)
	w.inputs++
	return r, nil
}

// Remove forgets an account; it reports whether it was watched.
func (w *Watchlist) Remove(id string) bool {
	if w == nil {
		return false
	}
	slot, ok := w.slots[id]
	if !ok {
		return false
	}
	w.dropEntries(slot)
	delete(w.due, slot)
	delete(w.slots, id)
	w.accts[slot] = watchAcct{first: noEntry}
	w.freeA = append(w.freeA, slot)
	w.inputs++
	return true
}

// plan computes the state and triggers of a valued account (see the bound
// in the Watchlist doc comment) with c, the calculator pinned to the marks
// the account was valued at (Risk has read them: no price fails here
// unless the source refused it then). It changes nothing.
func (w *Watchlist) plan(c *Calculator, now time.Time, a Account, r AccountRisk) (watchPlan, error) {
	if len(a.Positions) == 0 {
		return watchPlan{state: WatchQuiet}, nil
	}
	if r.Liquidatable || r.IsolatedLiquidatable || r.MustReduce {
		return watchPlan{state: WatchDue}, nil
	}
	cross := watchGroup{buffer: r.Equity.Sub(r.Maintenance), onGrid: a.Wallet.Equal(roundFloor(a.Wallet, c.scale)), jump: decimal.Zero}
	var groups []watchGroup
	for i := range a.Positions {
		pos := &a.Positions[i]
		m := c.markets[pos.Market]
		p0, err := c.price(pos.Market, now)
		if err != nil {
			return watchPlan{}, err
		}
		leg, jump, terms := c.positionLeg(m, pos, p0)
		if !pos.Isolated {
			cross.legs = append(cross.legs, leg)
			cross.jump = cross.jump.Add(jump)
			cross.terms += terms
			continue
		}
		// Judged on its own margin (IsolatedLiquidatable): margin + PnL
		// against its maintenance, each rounded as Risk rounds them.
		v := m.value(pos, p0, c.scale)
		groups = append(groups, watchGroup{buffer: pos.Margin.Add(v.pnl).Sub(v.maintenance), terms: terms,
			onGrid: pos.Margin.Equal(roundFloor(pos.Margin, c.scale)), jump: jump, legs: []watchLeg{leg}})
	}
	if len(cross.legs) > 0 { // collateral counts only towards cross equity
		for _, col := range a.Collateral {
			if col.Amount.IsZero() {
				continue
			}
			p0, err := c.price(col.Asset, now)
			if err != nil {
				return watchPlan{}, err
			}
			cross.terms++
			cross.legs = append(cross.legs, watchLeg{key: col.Asset, p0: p0, e: col.Amount.Mul(col.Ratio), below: true})
		}
		groups = append([]watchGroup{cross}, groups...)
	}
	p := watchPlan{state: WatchIndexed}
	for i := range groups {
		t, due, ok := groups[i].triggers(c.scale, c.priceScale)
		switch {
		case due:
			return watchPlan{state: WatchDue}, nil
		case !ok:
			return watchPlan{state: WatchAlways}, nil
		}
		p.trigs = append(p.trigs, t...)
	}
	return p, nil
}

// apply stores a plan for an account ID (no error can occur here).
func (w *Watchlist) apply(id string, p watchPlan) {
	slot, ok := w.slots[id]
	if ok {
		w.dropEntries(slot)
		delete(w.due, slot)
	} else {
		if n := len(w.freeA); n > 0 {
			slot = w.freeA[n-1]
			w.freeA = w.freeA[:n-1]
		} else {
			slot = int32(len(w.accts))
			w.accts = append(w.accts, watchAcct{})
		}
		w.slots[id] = slot
	}
	a := &w.accts[slot]
	a.id, a.state, a.first = id, stateIndex(p.state), noEntry
	switch p.state {
	case WatchDue, WatchAlways:
		w.due[slot] = struct{}{}
	case WatchIndexed:
		for i := len(p.trigs) - 1; i >= 0; i-- { // pushed in front: the list keeps the plan's order
			t := &p.trigs[i]
			n, _ := fixed.FromDecimal(t.Price) // fitted by plan or checked by restore
			book := w.book(t.Key) << 1
			if t.Below {
				book |= 1
			}
			a.first = w.newEntry(watchEntry{trig: n, acct: slot, book: book, next: a.first})
		}
	}
}

// book returns the index of a price key's book, creating it.
func (w *Watchlist) book(key string) int32 {
	if b, ok := w.keys[key]; ok {
		return b
	}
	b := int32(len(w.books))
	w.books = append(w.books, &watchBook{key: key, below: watchHeap{below: true}})
	w.keys[key] = b
	return b
}

// Tick reports a new price for key (a market ID or a collateral asset)
// and returns, sorted by ID, every account that could have crossed
// maintenance since it was last valued: those whose trigger on key the
// price has reached (they become due) and every due or always-checked
// account. Re-value each with Set. A price ≤ 0 or out of range is
// ErrInvalidInput and changes nothing.
func (w *Watchlist) Tick(key string, price decimal.Decimal) ([]string, error) {
	if w == nil || w.c == nil {
		return nil, fmt.Errorf("%w: Watchlist not built with NewWatchlist", ErrInvalidSettings)
	}
	if err := num.CheckPositive(price); err != nil {
		return nil, fmt.Errorf("%w: price %q: %w", ErrInvalidInput, key, err)
	}
	w.inputs++
	if b, ok := w.keys[key]; ok {
		bk := w.books[b]
		// Compare a price rounded towards each heap's trigger side: a
		// price of more than 18 digits can only return more accounts.
		lo, okLo := fit(price, num.Floor)
		hi, okHi := fit(price, num.Ceil)
		for it := w.top(&bk.below); it != nil; it = w.top(&bk.below) {
			if okLo && fixed.Cmp(lo, it.trig) > 0 {
				break
			}
			w.markDue(w.entries[it.id].acct)
		}
		for it := w.top(&bk.above); it != nil; it = w.top(&bk.above) {
			if okHi && fixed.Cmp(hi, it.trig) < 0 {
				break
			}
			w.markDue(w.entries[it.id].acct)
		}
	}
	if len(w.due) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(w.due))
	for slot := range w.due {
		out = append(out, w.accts[slot].id)
	}
	slices.Sort(out)
	return out, nil
}

// markDue takes an indexed account out of the heaps and makes it due.
func (w *Watchlist) markDue(slot int32) {
	w.dropEntries(slot)
	w.accts[slot].state = stateIndex(WatchDue)
	w.due[slot] = struct{}{}
}

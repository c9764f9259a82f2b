package perp

import (
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// coverHoles walks every queued bad debt through the waterfall, oldest
// first. Deleveraging can leave a counterparty with a hole of its own; it
// joins the queue and is covered in the same tick. The deleveraging
// candidates are ranked once, when the first hole reaches that layer, in a
// backstop.ADLBook that every later hole of the tick draws from; each cover
// updates it for the accounts it changed (issue 12 item 1).
func (v *Venue) coverHoles(now time.Time, mark decimal.Decimal) error {
	mark = trimZeros(mark) // see Venue.mark
	defer func() { v.adlBook, v.winners = nil, nil }()
	for len(v.holes) > 0 {
		i := v.holes[0]
		v.holes = v.holes[1:]
		v.traders[i].queued = false
		if err := v.cover(now, mark, i); err != nil {
			return err
		}
	}
	return nil
}

// cover walks trader i's bad debt down a waterfall built for this loss:
// the market's insurance fund, auto-deleveraging of the most profitable
// opposite positions, then a haircut of the winners' profits. Each
// movement credits the hole and debits the layer that paid; whatever no
// layer absorbs stays on the account as uncovered bad debt.
func (v *Venue) cover(now time.Time, mark decimal.Decimal, i int) error {
	t := &v.traders[i]
	var adl *backstop.ADLLayer
	var err error
	badDebt, err := t.plus("bad debt", t.badDebt, t.hole)
	if err != nil {
		return err
	}
	v.stats.claims++
	t.badDebt = badDebt
	hole := t.hole.Decimal()
	claim := backstop.Claim{ID: fmt.Sprintf("%s/%d", t.id(), v.stats.claims), Amount: hole, Account: "account:" + t.id()}
	fund := v.fund.Layer(Market)
	layers, reach := []backstop.Layer{fund}, fund.Capacity()
	if !reach.GreaterThan(hole) { // the loss finds the fund empty or empties it
		v.stats.exhausted = true
	}
	if reach.LessThan(hole) { // later layers are built only when the loss can reach them
		adl, err = v.adlLayer(i, mark)
		if err != nil {
			return err
		}
		if adl != nil {
			layers, reach = append(layers, adl), reach.Add(adl.Capacity())
		}
	}
	if reach.LessThan(hole) {
		social, err := v.socialLayer(i, mark)
		if err != nil {
			return err
		}
		if social != nil {
			layers = append(layers, social)
		}
	}
	w, err := backstop.New(backstop.Settings{Layers: layers, Journal: v.journal})
	if err != nil {
		return err
	}
	a, err := w.Cover(now, claim)
	if err != nil {
		return fmt.Errorf("cover %s: %w", claim.ID, err)
	}
	v.allocs = append(v.allocs, a)
	var touched []int
	for _, d := range a.Draws {
		for _, m := range d.Movements {
			j, err := v.payer(m)
			if err != nil {
				return err
			}
			if j >= 0 {
				if err := v.traders[j].credit(m.Amount.Neg()); err != nil {
					return err
				}
				touched = append(touched, j)
			}
			hole = hole.Sub(m.Amount)
		}
	}
	if adl != nil {
		for _, f := range adl.Fills() { // the deleveraged close at the mark; the charge above made it the bankruptcy price
			c, err := v.trader(f.Account)
			if err != nil {
				return err
			}
			if err := closeAt(c, &v.mm, f.Closed, mark); err != nil {
				return err
			}
			v.touch(c)
			if !c.deleveraged {
				c.deleveraged = true
				v.stats.deleveraged++
			}
			v.stats.adlSize = v.stats.adlSize.Add(f.Closed)
		}
	}
	v.note(a)
	v.lowFund()
	left, err := t.toNum("uncovered", hole)
	if err == nil {
		left, err = t.plus("uncovered", t.uncovered, left)
	}
	if err != nil {
		return err
	}
	t.uncovered, t.hole = left, fixed.Num{}
	for _, j := range touched {
		if err := v.afterChange(&v.traders[j]); err != nil {
			return err
		}
	}
	if v.winners != nil { // and their profits, for the next hole's social layer
		if err := v.rewin(i, mark); err != nil {
			return err
		}
		for _, j := range touched {
			if err := v.rewin(j, mark); err != nil {
				return err
			}
		}
		if adl != nil {
			for _, f := range adl.Fills() {
				j, _ := traderIndex(f.Account) // found above
				if err := v.rewin(j, mark); err != nil {
					return err
				}
			}
		}
	}
	if v.adlBook != nil { // the accounts this cover changed are ranked again, no other
		if err := v.rerank(i, mark); err != nil {
			return err
		}
		for _, j := range touched {
			if err := v.rerank(j, mark); err != nil {
				return err
			}
		}
		if adl != nil {
			for _, f := range adl.Fills() {
				j, _ := traderIndex(f.Account) // found above
				if err := v.rerank(j, mark); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// rebuildPerClaim makes every claim collect the winners afresh from the
// whole book, as the venue did before the SocialBook: the tests compare
// the two.
var rebuildPerClaim = false

// rewin puts trader j's unrealised profit in the tick's social book as it
// stands now, or takes it out when it has none.
func (v *Venue) rewin(j int, mark decimal.Decimal) error {
	c := &v.traders[j]
	if p := c.pnl(mark); p.IsPositive() {
		return v.winners.Set(backstop.Balance{Account: c.id(), Amount: p})
	}
	v.winners.Remove(c.id())
	return nil
}

// rerank puts trader j's position in the tick's ADL book as it stands now,
// or takes it out when it is no longer a candidate.
func (v *Venue) rerank(j int, mark decimal.Decimal) error {
	c := &v.traders[j]
	if p, ok := v.candidate(c, mark); ok {
		return v.adlBook.Set(p)
	}
	v.adlBook.Remove(c.id())
	return nil
}

// candidate returns trader c as a deleveraging candidate at mark: a
// profitable position, not in an auction, not itself at or beyond
// bankruptcy.
func (v *Venue) candidate(c *trader, mark decimal.Decimal) (backstop.Position, bool) {
	pos, ok := c.position()
	if !ok || c.auction != 0 || !c.pnl(mark).IsPositive() {
		return backstop.Position{}, false
	}
	// bankruptcy price of the candidate: entry ∓ backing cash / size
	pb := pos.EntryPrice.Add(num.DivFloor(c.base(), pos.Size.Abs(), 2))
	if pos.Size.IsPositive() {
		pb = pos.EntryPrice.Sub(num.DivCeil(c.base(), pos.Size, 2))
	}
	if pb.IsNegative() || (pos.Size.IsNegative() && !pb.GreaterThan(mark)) || (pos.Size.IsPositive() && !pb.LessThan(mark)) {
		return backstop.Position{}, false
	}
	return backstop.Position{Account: c.id(), Size: pos.Size, EntryPrice: pos.EntryPrice, BankruptcyPrice: pb}, true
}

// payer maps a movement's payer to a trader index: "adl:ID" and
// "haircut:ID" are accounts; "insurance:…" is the fund, whose own ledger
// already paid (−1).
func (v *Venue) payer(m backstop.Movement) (int, error) {
	if strings.HasPrefix(m.From, "insurance:") {
		return -1, nil
	}
	for _, p := range []string{"adl:", "haircut:"} {
		if id, ok := strings.CutPrefix(m.From, p); ok {
			if j, ok := v.lookup(id); ok {
				return j, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: unknown payer %q", ErrLedger, m.From)
}

// adlLayer builds the auto-deleveraging layer for trader i's loss, or nil
// when there is nobody to deleverage. The defaulter's position is gone (sold
// in its auction), so it is represented by the size it lost, L, at the
// bankruptcy price that would have covered its hole: mark + hole / L for a
// long (rounded up to the cent). The candidates are the profitable
// opposite positions not themselves at or beyond bankruptcy, drawn from the
// tick's ADL book.
func (v *Venue) adlLayer(i int, mark decimal.Decimal) (*backstop.ADLLayer, error) {
	t := &v.traders[i]
	if t.lost.Sign() <= 0 {
		return nil, nil
	}
	lost := t.lost.Decimal()
	gap := num.DivCeil(t.hole.Decimal(), lost, 2)
	bankrupt := backstop.Position{Account: t.id(), Size: lost, EntryPrice: t.entry.Decimal(), BankruptcyPrice: mark.Add(gap)}
	if t.short {
		if !mark.GreaterThan(gap) {
			return nil, nil
		}
		bankrupt.Size, bankrupt.BankruptcyPrice = lost.Neg(), mark.Sub(gap)
	}
	if v.adlBook == nil { // the first hole of the tick to reach this layer ranks the candidates, once
		var candidates []backstop.Position
		for j := range v.traders {
			if p, ok := v.candidate(&v.traders[j], mark); ok {
				candidates = append(candidates, p)
			}
		}
		book, err := backstop.NewADLBook(mark, nil, candidates)
		if err != nil {
			return nil, err
		}
		v.adlBook = book
	}
	if v.adlBook.Opposite(bankrupt) == 0 {
		return nil, nil
	}
	return backstop.NewADLLayer(backstop.ADLSettings{
		Request:  backstop.DeleverageRequest{Bankrupt: bankrupt},
		Book:     v.adlBook,
		SizeUnit: sizeUnit,
	})
}

// socialLayer builds the last layer for trader i's loss: a pro-rata
// haircut of every other account's unrealised profit at the mark (BitMEX's
// socialised loss of winners' profits), or nil when nobody is in profit.
// The winners are collected once, when the first hole of the tick reaches
// this layer, in a backstop.SocialBook that every later hole of the tick
// draws from; each cover updates it for the accounts it changed (issue 12
// item 1).
func (v *Venue) socialLayer(i int, mark decimal.Decimal) (*backstop.SocialLayer, error) {
	if rebuildPerClaim {
		v.winners = nil
	}
	if v.winners == nil {
		var winners []backstop.Balance
		for j := range v.traders {
			if p := v.traders[j].pnl(mark); p.IsPositive() {
				winners = append(winners, backstop.Balance{Account: v.traders[j].id(), Amount: p})
			}
		}
		book, err := backstop.NewSocialBook(winners)
		if err != nil {
			return nil, err
		}
		v.winners = book
	}
	id := v.traders[i].id()
	if n := v.winners.Len(); n == 0 || n == 1 && v.winners.Contains(id) {
		return nil, nil
	}
	return backstop.NewSocialBookLayer("socialised", v.winners, decimal.Zero, id)
}

package main

import "github.com/shopspring/decimal"

// byLeverage splits the liquidations and the bad debt by the leverage the
// accounts were seeded with (capped by their tier), to show where the
// losses come from: the thinner the margin, the sooner a gap in the price
// runs through it.
func (v *Venue) byLeverage() []LeverageRow {
	rows := []LeverageRow{
		{Label: "2–5×", Min: 1, Max: 5}, {Label: "6–10×", Min: 6, Max: 10},
		{Label: "11–15×", Min: 11, Max: 15}, {Label: "16–20×", Min: 16, Max: 20},
	}
	for i := range rows {
		rows[i].BadDebt = decimal.Zero
	}
	for i := range v.traders {
		t := &v.traders[i]
		for j := range rows {
			r := &rows[j]
			if t.leverage < r.Min || t.leverage > r.Max {
				continue
			}
			r.Accounts++
			if t.liquidated {
				r.Liquidated++
			}
			if t.badDebt.IsPositive() {
				r.Shortfall++
				r.BadDebt = r.BadDebt.Add(t.badDebt)
			}
		}
	}
	return rows
}

// worstTick finds the tick whose new bad debt was largest and the mark
// when liquidations had last run before it.
func worstTick(h []Point) TickLoss {
	var w TickLoss
	prev, from, held := decimal.Zero, decimal.Zero, 0
	for _, p := range h {
		if d := p.BadDebt.Sub(prev); d.GreaterThan(w.BadDebt) {
			w = TickLoss{At: p.At, BadDebt: d, From: from, To: p.Mark, Held: held}
		}
		prev = p.BadDebt
		if p.Acted {
			from, held = p.Mark, 0
		} else {
			held++
		}
	}
	return w
}

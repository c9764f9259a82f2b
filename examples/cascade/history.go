package main

import "github.com/shopspring/decimal"

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

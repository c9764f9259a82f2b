package margin

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// The watchlist's bound (see the Watchlist doc comment): pure arithmetic
// on one "group", a buffer and the legs that share it. An account has one
// group for its cross positions and collateral, and one per isolated
// position. No prices are read here.

// watchLeg is one price key of a group. Over an adverse move its loss of
// buffer is at most e·|Δx|, where x = p for a linear position or a
// collateral item and x = 1/p for an Inverse position (its PnL,
// q·c·(1/entry − 1/p), is linear in 1/p).
type watchLeg struct {
	key     string
	p0, e   decimal.Decimal
	inverse bool
	below   bool // adverse when the price falls (else when it rises)
}

// watchGroup is one buffer and its legs.
type watchGroup struct {
	buffer decimal.Decimal // R: equity − maintenance at the reference prices, as Risk rounds them
	terms  int             // rounded terms that move with a price
	onGrid bool            // the fixed part (wallet, isolated margin) is on the scale's grid
	jump   decimal.Decimal // ΣJ: Step-table jumps, charged up front
	legs   []watchLeg
}

// positionLeg returns a position's leg marked at p0, the jump J its Step
// table may add, and the number of its rounded terms that move (PnL, and
// maintenance unless valued at entry).
//
// The maintenance of a MarkValue position moves with its notional n (p·q·c
// linear, q·c/p inverse): a Marginal table's maintenance is continuous and
// non-decreasing in n with slope at most r, the last (highest) rate
// (Binance "Leverage and Margin of USDⓈ-M Futures": notional × rate −
// maintenance amount; NewSchedule checks rates never fall), so the
// adverse side on which n grows — a linear short's rise, an inverse long's
// fall — has e = q·c·(1 + r); the other side loses nothing. A Step table
// (BitMEX risk limits: notional × rate of the whole position's tier) stays
// at or below n·r, so it can jump by at most J = n⁰·(r − rate of n⁰'s
// tier) beyond the slope, in either direction: J is charged up front.
// With EntryValue the maintenance never moves.
func (c *Calculator) positionLeg(m *market, pos *Position, p0 decimal.Decimal) (watchLeg, decimal.Decimal, int) {
	abs := pos.Size.Abs()
	q := abs
	if !m.csIsOne {
		q = q.Mul(m.cs)
	}
	long := pos.Size.Sign() > 0
	l := watchLeg{key: pos.Market, p0: p0, e: q, inverse: m.kind == Inverse, below: long}
	jump := decimal.Zero
	if m.basis != MarkValue {
		return l, jump, 1
	}
	rmax := m.sched.tiers[len(m.sched.tiers)-1].mmr
	if long == l.inverse { // the notional grows on the adverse side
		l.e = q.Mul(decOne.Add(rmax))
	}
	if m.sched.rule == Step {
		n, d := m.notionalFrac(abs, p0)
		t, _ := m.sched.index(n, d, !l.inverse)
		jump = n.Mul(rmax.Sub(m.sched.tiers[t].mmr))
		if l.inverse {
			jump = num.Div(jump, d, c.scale, num.Ceil) // charged rounded up
		}
	}
	return l, jump, 2
}

// triggers returns the group's triggers (scale and priceScale are the
// Calculator's). due is true when the slack and jumps use up the buffer;
// ok is false when a trigger does not fit the kernel's 18 digits.
//
// B = R − slack − ΣJ is shared among the legs in proportion to their
// value Vᵢ = eᵢ·x⁰ᵢ (every leg tolerates the same relative move of its x):
// a linear leg gets the distance dᵢ = ⌊B·p⁰ᵢ / ΣV⌋, an inverse leg the
// move of 1/p of (1/p⁰ᵢ)·B/ΣV, i.e. the trigger p⁰·ΣV/(ΣV + B) for a
// fall (rounded up) and p⁰·ΣV/(ΣV − B) for a rise (rounded down; none
// when B ≥ ΣV: its loss never reaches e/p⁰ ≤ its share). An inverse
// leg's V = e/p⁰ is rounded up, which only shrinks every share; a group
// of one inverse leg uses the exact p⁰·e/(e ± B·p⁰).
func (g *watchGroup) triggers(scale, priceScale int32) (trigs []WatchTrigger, due, ok bool) {
	unit := decimal.New(1, -scale)
	slack := int64(g.terms)
	if g.onGrid {
		slack-- // the fixed part is on the grid: one term's drift is absorbed by the floor
	}
	budget := g.buffer.Sub(unit.Mul(decimal.NewFromInt(slack))).Sub(g.jump)
	if budget.Sign() < 0 {
		return nil, true, true
	}
	vScale := min(scale+priceScale, num.MaxScale)
	sum := decimal.Zero
	for _, l := range g.legs {
		if l.inverse {
			sum = sum.Add(num.Div(l.e, l.p0, vScale, num.Ceil))
		} else {
			sum = sum.Add(l.e.Mul(l.p0))
		}
	}
	single := len(g.legs) == 1
	for _, l := range g.legs {
		var at decimal.Decimal
		switch {
		case !l.inverse:
			d := num.Div(budget.Mul(l.p0), sum, priceScale, num.Floor)
			if l.below {
				at = l.p0.Sub(d)
			} else {
				at = l.p0.Add(d)
			}
		case single && l.below:
			at = num.Div(l.p0.Mul(l.e), l.e.Add(budget.Mul(l.p0)), priceScale, num.Ceil)
		case single:
			den := l.e.Sub(budget.Mul(l.p0))
			if den.Sign() <= 0 {
				continue // the loss stays below e/p⁰ ≤ B: this leg cannot trigger
			}
			at = num.Div(l.p0.Mul(l.e), den, priceScale, num.Floor)
		case l.below:
			at = num.Div(l.p0.Mul(sum), sum.Add(budget), priceScale, num.Ceil)
		default:
			den := sum.Sub(budget)
			if den.Sign() <= 0 {
				continue
			}
			at = num.Div(l.p0.Mul(sum), den, priceScale, num.Floor)
		}
		var t fixed.Num
		var fits bool
		if l.below {
			if at.Sign() <= 0 {
				continue // a price is never ≤ 0: this leg cannot trigger
			}
			t, fits = fit(at, num.Ceil) // a higher trigger is returned sooner
		} else {
			t, fits = fit(at, num.Floor)
		}
		if !fits {
			return nil, false, false
		}
		trigs = append(trigs, WatchTrigger{Key: l.key, Below: l.below, Price: t.Decimal()})
	}
	return trigs, false, true
}

// fit returns x in the kernel, rounded in direction r to the most places
// that fit its 18 digits; ok is false for a value of more than 18 integer
// digits.
func fit(x decimal.Decimal, r num.Rounding) (fixed.Num, bool) {
	if n, ok := fixed.FromDecimal(x); ok {
		return n, true
	}
	for s := int32(fixed.MaxDigits); s >= 0; s-- {
		if n, ok := fixed.FromDecimal(num.Round(x, s, r)); ok {
			return n, true
		}
	}
	return fixed.Num{}, false
}

package portfolio

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Bounds: where Black-76 leaves the kernel's range — a strike more than
// MaxMoneyness times the underlying's price or less than 1/MaxMoneyness of
// it (after a crash or a rally), an expiry more than MaxYears ahead, or a
// scenario whose value overflows the 16-place kernel (an inverse option
// at a floored crash price) — an option is not refused (a refusal would
// leave its account unmarginable and never liquidatable exactly when it
// matters) but valued by the no-arbitrage bounds of a European option on
// a forward (Hull, Options, Futures and Other Derivatives, 8th ed., §11.3;
// Black 1976), in the venue's favour:
//
//	df·max(F − K, 0) ≤ call ≤ df·F      df·max(K − F, 0) ≤ put ≤ df·K
//
// with df = e^(−rT): the value V lies within c = df·min(F, K) above the
// discounted intrinsic value. The option is valued at its discounted
// intrinsic value at the marks (Equity: the lower bound, so a long is
// never overstated) and in every scenario (delta ±df in the money, 0 out
// of it); a net short is charged in each scenario the move to the upper
// bound, intrinsic + c with c the largest df·min(F, K) over the marks and
// the scenarios' prices. So a short loses c × its size in a scenario that
// leaves the price unmoved (every preset has one, fully covered): its
// requirement is positive and the account stays liquidatable; and equity
// − requirement is the wallet less the upper bound in the worst scenario
// (as covered): its liability is never understated. c is at most 1/MaxMoneyness (0.2%)
// of the option's notional beyond the moneyness bound; for an expiry
// beyond MaxYears it can be the whole time value.
//
// An inverse option (valued in coin, V/F) divides by the scenario's
// price with 1/s capped at maxInvS, as inverse futures do (see minMove);
// values round down and c up at 16 places. The delta reported to the
// add-ons is the lower bound's. With a nonzero Marks.Rate, df is widened
// by 4×10⁻¹⁵ (down for values, up for c: the kernel's error bound for
// e^x).

// boundArr is an option valued by its bounds, or a linear future on an
// underlying moved beyond maxMove (its exact gain, slack and v0 zero): per
// unit of size × contract size, in settlement currency (price units, or
// coin when inverse).
type boundArr struct {
	gain  []decimal.Decimal // per scenario: discounted intrinsic value − v0
	slack decimal.Decimal   // c: a net short's value in a scenario is v0 + gain + c
	v0    decimal.Decimal   // discounted intrinsic value at the marks
}

// gainOf returns a net holding's per-unit value change in scenario s:
// the lower bound's for a long, the upper bound's for a short.
func (b *boundArr) gainOf(s int, size decimal.Decimal) decimal.Decimal {
	if size.Sign() < 0 {
		return b.gain[s].Add(b.slack)
	}
	return b.gain[s]
}

// dfSlack widens a nonzero-rate discount factor on either side: the
// kernel's e^x is within 4×10⁻¹⁶ + 2×10⁻¹⁵·e^x of the exact value and
// df ≤ e^0.5.
var dfSlack = decimal.New(4, -15)

// dfBounds returns df rounded down and up (exactly 1 without a rate).
func dfBounds(rate, df int64) (lo, hi decimal.Decimal) {
	one := decimal.NewFromInt(1)
	if rate == 0 {
		return one, one
	}
	v := wDec(df)
	return decimal.Max(v.Sub(dfSlack), decimal.Zero), v.Add(dfSlack)
}

// outOfRange reports whether option i is beyond what Black-76 values in
// the kernel at these marks (see Bounds).
func (e *Engine) outOfRange(i int, u *uState, es *expiryState) bool {
	in := &e.insts[i]
	return es.years0 > 10*wOne ||
		in.Strike.Cmp(u.price.Mul(MaxMoneyness)) > 0 || u.price.Cmp(in.Strike.Mul(MaxMoneyness)) > 0
}

// bounded values option i by its bounds (see Bounds). It refuses only a
// host's rate with |rate × years| above 0.5 (ErrInvalidInput), as Black-76
// does.
func (a *Arrays) bounded(i int, u *uState, es *expiryState) (*instArr, error) {
	e := a.e
	in := &e.insts[i]
	if a.rate != 0 {
		var k kern
		for _, y := range []int64{es.years0, es.years1} {
			if rt := k.mul(a.rate, y); k.bad || rt > wOne/2 || rt < -wOne/2 {
				return nil, fmt.Errorf("%w: %q: rate × years outside [−0.5, 0.5]", ErrInvalidInput, in.ID)
			}
		}
	}
	f0, strike := u.price, in.Strike
	// coin turns a value at price f0·s into settlement currency: as is
	// (linear) or × invS / f0 (inverse), rounded down (or up).
	coin := func(v decimal.Decimal, invS int64, mode num.Rounding) decimal.Decimal {
		if !in.Inverse {
			return v
		}
		return num.Div(v.Mul(wDec(invS)), f0, wScale, mode)
	}
	intrinsic := func(f decimal.Decimal) decimal.Decimal {
		if in.Right == Call {
			return decimal.Max(f.Sub(strike), decimal.Zero)
		}
		return decimal.Max(strike.Sub(f), decimal.Zero)
	}
	lo0, hi0 := dfBounds(a.rate, es.df0)
	lo1, hi1 := dfBounds(a.rate, es.df1)
	b := &boundArr{v0: coin(lo0.Mul(intrinsic(f0)), wOne, num.Floor), gain: make([]decimal.Decimal, len(e.sc))}
	b.slack = coin(hi0.Mul(decimal.Min(f0, strike)), wOne, num.Ceil)
	for s := range b.gain {
		f := f0.Mul(u.sAt(s))
		b.gain[s] = coin(lo1.Mul(intrinsic(f)), u.invS[s], num.Floor).Sub(b.v0)
		b.slack = decimal.Max(b.slack, coin(hi1.Mul(decimal.Min(f, strike)), u.invS[s], num.Ceil))
	}
	ia := &instArr{bnd: b}
	if intrinsic(f0).Sign() > 0 {
		ia.delta = es.df0
		if in.Right == Put {
			ia.delta = -es.df0
		}
	}
	return ia, nil
}

// addDec adds q × g rounded down at accScale (a bounded option's gain:
// its loss is never understated by the rounding).
func (c *cell) addDec(q, g decimal.Decimal) {
	if !c.spilled {
		c.big, c.spilled = decimal.New(c.v, -accScale), true
	}
	c.big = c.big.Add(num.MulRound(q, g, accScale, num.Floor))
}

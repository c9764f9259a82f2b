package portfolio

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// accScale is the number of places at which each position's scenario
// gain is rounded (half-even) before it is summed: far below any
// settlement unit, and the same in the fast int64 path and its exact
// decimal fallback, so the two never differ.
const accScale = 12

// cell sums rounded products q × Δ for one underlying and scenario in an
// int64 at accScale places, spilling to an exact decimal sum of the same
// rounded products when the int64 would overflow.
type cell struct {
	v       int64
	big     decimal.Decimal
	spilled bool
}

func (c *cell) add(q fixed.Num, qOK bool, qd decimal.Decimal, delta int64) {
	if qOK && !c.spilled {
		if p, ok := fixed.MulRoundWide(q, w(delta), accScale, num.HalfEven); ok {
			if s, ok := fixed.AddInt(c.v, p.M); ok {
				c.v = s
				return
			}
		}
	}
	if !c.spilled {
		c.big, c.spilled = decimal.New(c.v, -accScale), true
	}
	c.big = c.big.Add(num.MulRound(qd, wDec(delta), accScale, num.HalfEven))
}

func (c *cell) value() decimal.Decimal {
	if c.spilled {
		return c.big
	}
	return decimal.New(c.v, -accScale)
}

// uState is one underlying priced at the marks and moved through every
// scenario.
type uState struct {
	idx     int
	price   decimal.Decimal
	priceN  fixed.Num // the price, when it fits an int64 coefficient
	priceOK bool
	lnF     int64
	s       []int64           // s = moved price / price, per scenario, at 16 places
	ls      []int64           // ln s
	invS    []int64           // 1/s
	sDec    []decimal.Decimal // the moves exactly, when one is beyond maxMove (s then holds maxMove)
}

// sAt returns scenario j's move as a decimal.
func (u *uState) sAt(j int) decimal.Decimal {
	if u.sDec != nil {
		return u.sDec[j]
	}
	return wDec(u.s[j])
}

// maxPrice bounds an underlying's price: 10^15.
var maxPrice = decimal.New(1, 15)

// underState prices an underlying and moves it through every scenario.
func (e *Engine) underState(i int, m Marks) (uState, error) {
	u := e.unders[i]
	p, ok := m.Prices[u.ID]
	if !ok {
		return uState{}, fmt.Errorf("%w: no price for underlying %q", ErrMissingMark, u.ID)
	}
	if err := num.CheckPositive(p); err != nil {
		return uState{}, fmt.Errorf("%w: price of %q: %w", ErrInvalidInput, u.ID, err)
	}
	if p.Cmp(maxPrice) > 0 {
		return uState{}, fmt.Errorf("%w: price of %q above 10^15", ErrInvalidInput, u.ID)
	}
	var k kern
	st := uState{idx: i, price: p, lnF: k.lnDec(p)}
	st.priceN, st.priceOK = fixed.FromDecimal(p)
	if mv := e.moves[i]; mv != nil { // relative scan: the moves do not depend on the price
		st.s, st.ls, st.invS = mv.s, mv.ls, mv.invS
		return st, nil
	}
	mv, err := e.movesOf(u, p)
	if err != nil {
		return uState{}, err
	}
	st.s, st.ls, st.invS, st.sDec = mv.s, mv.ls, mv.invS, mv.sDec
	if k.bad {
		return uState{}, fmt.Errorf("%w: underlying %q", ErrRange, u.ID)
	}
	return st, nil
}

// minMove is the floor of a scenario price relative to its mark, 10⁻⁶:
// a move to zero or below (a ScanAmount ≥ half the price, × SPAN's
// extreme 2 ranges) values the underlying at 10⁻⁶ of its mark, the
// smallest price the 16-place kernel values with ln and 1/s in range. A
// put is then worth its strike less at most 10⁻⁶ of the mark (per unit),
// a call ≈ 0 and a long future loses all but 10⁻⁶ of the mark: the total
// loss, short by at most 10⁻⁶ × mark × quantity, where the unfloored
// price (≤ 0) has no value at all. An inverse instrument (valued in coin,
// ∝ 1/price) has no finite value at zero: below 1/maxInvS of the mark its
// 1/s is capped at maxInvS (a long inverse future then loses 499 × its
// notional in coin), the largest the kernel holds.
var minMove = decimal.New(1, -6)

// maxInvS caps 1/s for inverse instruments (see minMove).
const maxInvS = 500

// maxMove is the largest move s the kernel holds: a scan amount more
// than ~450 times the price (after a crash) moves it further in SPAN's
// extreme scenario. Such an underlying keeps its exact moves (sDec): its
// linear futures are valued in decimal and its options by their bounds
// (bounds.go), never refused.
const maxMove = 900 * wOne

// moves are an underlying's scenario prices relative to its mark.
type moves struct {
	s, ls, invS []int64           // s = moved / mark, ln s, 1/s, per scenario
	sDec        []decimal.Decimal // exact moves when one is beyond maxMove; nil otherwise
}

// movesOf computes an underlying's relative moves: 1 + Shift + Steps /
// Denominator × ScanFraction (or × ScanAmount / price, when the scan is an
// amount), each rounded half-even to 16 places and floored at minMove. For a fraction the price
// is not needed (pass zero) and New computes them once.
func (e *Engine) movesOf(u Underlying, p decimal.Decimal) (*moves, error) {
	var k kern
	n := len(e.sc)
	mv := &moves{s: make([]int64, n), ls: make([]int64, n), invS: make([]int64, n)}
	den := decimal.NewFromInt(e.grid.Denominator)
	one := decimal.NewFromInt(1)
	for j, sc := range e.sc {
		var move decimal.Decimal
		if u.ScanFraction.Sign() > 0 {
			move = num.Div(sc.steps.Mul(u.ScanFraction), den, wScale, num.HalfEven)
		} else {
			move = num.Div(sc.steps.Mul(u.ScanAmount), den.Mul(p), wScale, num.HalfEven)
		}
		s := one.Add(sc.shift).Add(move)
		if s.Cmp(minMove) < 0 {
			// Fail closed (DESIGN rule 10): a scan amount at least half
			// the price moves it to zero or below in SPAN's extreme
			// scenario — a crash, exactly when an account must be seen
			// liquidatable. Refusing would hide it; the price is floored
			// instead (see minMove).
			s = minMove
		}
		sw, ok := toW(s)
		if !ok || sw > maxMove {
			if u.ScanFraction.Sign() > 0 {
				// A setting: New refuses it.
				return nil, fmt.Errorf("%w: scenario %d moves %q to %s times its price", ErrRange, j, u.ID, s)
			}
			if mv.sDec == nil {
				mv.sDec = make([]decimal.Decimal, n)
				for i := range j {
					mv.sDec[i] = wDec(mv.s[i])
				}
			}
			sw = maxMove
		}
		if mv.sDec != nil {
			mv.sDec[j] = num.Round(s, wScale, num.HalfEven)
		}
		inv := int64(maxInvS) * wOne
		if sw > wOne/maxInvS {
			inv = k.div(wOne, sw)
		}
		if sw == maxMove {
			inv = mustW(num.Div(one, s, wScale, num.HalfEven)) // 1/s < 1/900 fits
		}
		mv.s[j], mv.ls[j], mv.invS[j] = sw, k.ln(sw), inv
	}
	if k.bad {
		return nil, fmt.Errorf("%w: underlying %q", ErrRange, u.ID)
	}
	return mv, nil
}

// maxYearsTo caps a time to expiry, in years, where the kernel holds it
// (an expiry New accepts is at most 230 years after 1970; a host's now may
// be earlier).
const maxYearsTo = 900

// yearsTo returns the time from now (plus ahead seconds) to expiry in
// years at 16 places, 0 when expired.
func yearsTo(now, expiry time.Time, ahead int64) int64 {
	secs := expiry.Unix() - now.Unix() - ahead
	if secs <= 0 {
		return 0
	}
	if secs > maxYearsTo*secondsPerYear {
		secs = maxYearsTo * secondsPerYear // beyond MaxYears anyway: valued by bounds
	}
	r, _ := fixed.Div(fixed.Num{M: secs}, fixed.Num{M: secondsPerYear}, wScale, num.HalfEven)
	return r.M
}

// optSeries prepares option i of the book at its expiry's shared state;
// the caller has checked it is not outOfRange, and values it by bounds
// when k goes bad.
func (e *Engine) optSeries(k *kern, i int, u *uState, es *expiryState, rate int64) (series, error) {
	in := &e.insts[i]
	years := es.years0 // ≤ MaxYears, the strike within MaxMoneyness of the price: outOfRange
	var rt int64
	if rate != 0 {
		rt = k.mul(rate, years)
	}
	if rt > wOne/2 || rt < -wOne/2 {
		return series{}, fmt.Errorf("%w: %q: rate × years outside [−0.5, 0.5]", ErrInvalidInput, in.ID)
	}
	sr := series{right: in.Right, years: years, rate: rate}
	p := &e.prep[i]
	// K / price at 16 places, half-even: in the kernel when both fit (the
	// same correctly rounded quotient num.Div gives), else in decimal.
	kk, ok := int64(0), false
	if p.strikeOK && u.priceOK {
		if r, fits := fixed.Div(p.strike, u.priceN, wScale, num.HalfEven); fits && r.M <= 900*wOne && r.M >= -900*wOne {
			kk, ok = r.M, true
		}
	}
	if !ok {
		kk, ok = toW(num.Div(in.Strike, u.price, wScale, num.HalfEven))
	}
	if !ok { // cannot happen within MaxMoneyness; the caller values by bounds
		k.bad = true
	}
	sr.kk = kk
	if p.lnBad || es.bad {
		k.bad = true
	}
	sr.lnKK = p.lnStrike - u.lnF
	sr.sqrtT = es.sqrt0
	sr.df = es.df0
	return sr, nil
}

// shocked returns the option's volatility under each VolMove (same, up,
// down) at years to expiry. The scaled shock is capped at 90 (9,000%),
// far beyond MaxVol, so the cap never binds below it.
func (e *Engine) shocked(k *kern, sig, years int64) [3]int64 {
	return e.shockedBy(k, sig, e.shockFactor(k, years))
}

// shockFactor is the vega power rule's factor (PivotDays / days)^Power at
// years to expiry, capped at 90; −1 when the rule is off or the option
// has expired.
func (e *Engine) shockFactor(k *kern, years int64) int64 {
	v := &e.vs
	if !v.power || years <= 0 {
		return -1
	}
	years = max(years, v.minYears)
	p := v.longP
	if years <= v.pivotYears {
		p = v.shortP
	}
	x := k.mul(p, e.lnPivot-k.ln(years))
	f := int64(90) * wOne
	if x < expHigh {
		f = min(k.exp(x), f)
	}
	return f
}

// shockedBy is shocked with the power rule's factor f (−1: none).
func (e *Engine) shockedBy(k *kern, sig, f int64) [3]int64 {
	v := &e.vs
	up, down := v.up, v.down
	if f >= 0 {
		up, down = min(k.mul(up, f), 90*wOne), min(k.mul(down, f), 90*wOne)
	}
	var su, sd int64
	if v.relative {
		su = k.add(sig, k.mul(sig, up))
		sd = sig - k.mul(sig, min(down, wOne))
	} else {
		su, sd = k.add(sig, up), sig-down
	}
	su = min(max(su, v.minUp), maxVolW)
	sd = max(sd, 0)
	return [3]int64{sig, su, sd}
}

// maxVolW is MaxVol in the kernel.
const maxVolW = 10 * wOne

// volShockW is the grid's VolShock in the kernel.
type volShockW struct {
	up, down, minUp, shortP, longP, pivotYears, minYears int64
	relative, power                                      bool
}

func newVolShockW(v VolShock) volShockW {
	return volShockW{
		up: mustW(v.Up), down: mustW(v.Down), minUp: mustW(v.MinUp),
		shortP: mustW(v.ShortPower), longP: mustW(v.LongPower),
		pivotYears: mustW(num.Div(v.PivotDays, decimal.NewFromInt(365), wScale, num.HalfEven)),
		minYears:   mustW(num.Div(v.MinDays, decimal.NewFromInt(365), wScale, num.HalfEven)),
		relative:   v.Relative, power: v.PivotDays.Sign() > 0,
	}
}

// mustW converts a validated setting (in range by construction) to the
// kernel.
func mustW(d decimal.Decimal) int64 {
	v, _ := toW(d)
	return v
}

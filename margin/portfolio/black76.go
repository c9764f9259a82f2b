package portfolio

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Right is an option's right: Call or Put.
type Right int

const (
	// Call is the right to buy at the strike.
	Call Right = iota + 1
	// Put is the right to sell at the strike.
	Put
)

// String returns "call" or "put".
func (r Right) String() string {
	switch r {
	case Call:
		return "call"
	case Put:
		return "put"
	}
	return fmt.Sprintf("Right(%d)", int(r))
}

// Bounds of the pricer's inputs. Beyond them the 16-place kernel could
// overflow, so inputs are refused (ErrInvalidInput) and scenario
// volatilities are clamped to MaxVol.
var (
	// MaxVol is the largest volatility accepted: 10 (1,000% a year).
	MaxVol = decimal.NewFromInt(10)
	// MaxYears is the longest time to expiry accepted: 10 years.
	MaxYears = decimal.NewFromInt(10)
	// MaxMoneyness bounds strike / underlying from above (500) and
	// underlying / strike likewise.
	MaxMoneyness = decimal.NewFromInt(500)
)

// OptionInput is what Black-76 values: a European option on a forward
// (or futures) price.
type OptionInput struct {
	// Right is Call or Put.
	Right Right `json:"right"`
	// Forward is the forward or futures price of the underlying; > 0.
	Forward decimal.Decimal `json:"forward"`
	// Strike is the strike price; > 0, within MaxMoneyness of Forward.
	Strike decimal.Decimal `json:"strike"`
	// Vol is the annualised volatility as a fraction (0.8 = 80%), in
	// [0, MaxVol]. Zero values the option at its discounted intrinsic value.
	Vol decimal.Decimal `json:"vol"`
	// Rate is the continuously compounded discount rate as a fraction a
	// year, in [−1, 1], with |Rate × Years| ≤ 0.5 (a discount factor within
	// e^±0.5, which keeps every intermediate in the kernel's range); zero
	// (no discounting, as crypto venues price) by default.
	Rate decimal.Decimal `json:"rate"`
	// Years is the time to expiry in years, in [0, MaxYears]. Zero values
	// the option at its intrinsic value.
	Years decimal.Decimal `json:"years"`
}

// Valuation is a Black-76 price with its Greeks, in the units of Forward
// and Strike.
type Valuation struct {
	// Price is e^(−rT)·(F·Φ(d1) − K·Φ(d2)) for a call and
	// e^(−rT)·(K·Φ(−d2) − F·Φ(−d1)) for a put.
	Price decimal.Decimal `json:"price"`
	// Delta is ∂Price/∂F: e^(−rT)·Φ(d1) for a call, −e^(−rT)·Φ(−d1) for a
	// put.
	Delta decimal.Decimal `json:"delta"`
	// Gamma is ∂²Price/∂F²: e^(−rT)·φ(d1)/(F·σ·√T), rounded half-even to 16
	// places.
	Gamma decimal.Decimal `json:"gamma"`
	// Vega is ∂Price/∂σ per 1.00 of volatility (divide by 100 for one vol
	// point): e^(−rT)·F·φ(d1)·√T.
	Vega decimal.Decimal `json:"vega"`
	// Theta is the change of Price per year as time passes (−∂Price/∂T):
	// −e^(−rT)·F·φ(d1)·σ/(2√T) + r·Price. Divide by 365 for a day.
	Theta decimal.Decimal `json:"theta"`
}

// Black76 values a European option on a forward with Black's (1976)
// formula, d1 = (ln(F/K) + σ²T/2)/(σ√T), d2 = d1 − σ√T.
//
// Arithmetic: the kernel divides every price by F, so it works on
// dimensionless numbers, and evaluates at 16 decimal places on int64
// coefficients through internal/fixed with one half-even rounding per
// operation: ln by an atanh series after halving to [0.75, 1.5); exp from
// tables of e^a and e^(b/64) and a seven-term Taylor series; √ by Newton's
// iteration; Φ from a table of Φ and its Taylor coefficients at steps of
// 1/256 (computed at 130 digits, testdata/gen_normtable.py) by a
// fourth-order Taylor polynomial,
// checked against Hart's algorithm 5666 (West 2005). No float64 is used;
// results are identical on every machine. The tests hold Φ within
// 5×10^-15 of math.Erfc, exp and ln within 10^-15 of shopspring's 30-place
// references, and put–call parity within 10^-14 × max(F, K); Price = F ×
// the normalised price exactly. Errors wrap ErrInvalidInput or ErrRange.
func Black76(in OptionInput) (Valuation, error) {
	s, err := newSeries(in.Right, in.Forward, in.Strike, in.Years, in.Rate)
	if err != nil {
		return Valuation{}, err
	}
	if err := checkVol(in.Vol); err != nil {
		return Valuation{}, err
	}
	var k kern
	sig, ok := toW(in.Vol)
	if !ok {
		return Valuation{}, fmt.Errorf("%w: vol: more than 16 places", ErrInvalidInput)
	}
	g, d1, linear := s.priceDelta(&k, wOne, 0, sig)
	if k.bad {
		return Valuation{}, fmt.Errorf("%w: forward %s strike %s", ErrRange, in.Forward, in.Strike)
	}
	f := in.Forward
	out := Valuation{Price: f.Mul(wDec(g.price)), Delta: wDec(g.delta), Gamma: decimal.Zero, Vega: decimal.Zero}
	rv := wDec(k.mul(s.rate, g.price)) // r·V / F
	if linear {
		out.Theta = f.Mul(rv)
		return out, nil
	}
	// Gamma and theta grow like 1/(σ√T) near expiry, beyond the kernel's
	// 922 (an at-the-money option with σ√T = 10⁻⁵ has gamma·F ≈ 40,000),
	// so the last step of each is a decimal quotient at 16 places; every
	// factor (e^(−rT)·φ(d1), σ√T, √T) is in the kernel's range.
	v := k.mul(sig, s.sqrtT)
	pd := k.mul(s.df, k.phi(d1)) // e^(−rT)·φ(d1)
	out.Gamma = num.Div(wDec(pd), f.Mul(wDec(v)), wScale, num.HalfEven)
	out.Vega = f.Mul(wDec(k.mul(pd, s.sqrtT)))
	out.Theta = f.Mul(rv.Sub(num.Div(wDec(pd).Mul(wDec(sig)), wDec(2*s.sqrtT), wScale, num.HalfEven)))
	if k.bad {
		return Valuation{}, fmt.Errorf("%w: forward %s strike %s", ErrRange, in.Forward, in.Strike)
	}
	return out, nil
}

// wDec converts a 16-place kernel value to a decimal.
func wDec(m int64) decimal.Decimal { return fixed.Num{M: m, E: -wScale}.Decimal() }

// toW converts a decimal to a 16-place kernel value, rounding half-even;
// ok is false when it does not fit.
func toW(d decimal.Decimal) (int64, bool) {
	// In the kernel when the coefficient fits (the same half-even rounding
	// as num.Round), else in decimal.
	if n, ok := fixed.FromDecimal(d); ok {
		if r, ok := fixed.Round(n, wScale, num.HalfEven); ok {
			if r, ok := fixed.Rescale(r, -wScale); ok {
				if r.M > 900*wOne || r.M < -900*wOne {
					return 0, false
				}
				return r.M, true
			}
		}
	}
	r := num.Round(d, wScale, num.HalfEven)
	if r.Abs().Cmp(decimal.NewFromInt(900)) > 0 {
		return 0, false
	}
	return r.Shift(wScale).IntPart(), true // |r| ≤ 900: the coefficient fits
}

func checkVol(v decimal.Decimal) error {
	if err := num.CheckNonNegative(v); err != nil {
		return fmt.Errorf("%w: vol: %w", ErrInvalidInput, err)
	}
	if v.Cmp(MaxVol) > 0 {
		return fmt.Errorf("%w: vol %s above MaxVol %s", ErrInvalidInput, v, MaxVol)
	}
	return nil
}

// series is one option (or future) prepared for valuation: everything that
// depends on neither the scenario's price nor its volatility.
type series struct {
	right Right // 0 for a future
	kk    int64 // K / F0 at 16 places
	lnKK  int64 // ln(K / F0)
	years int64 // T at 16 places
	sqrtT int64 // √T
	df    int64 // e^(−rT)
	rate  int64 // r
}

// newSeries validates and prepares an option for the kernel. f0 is the
// reference price all scenario prices are expressed against.
func newSeries(r Right, f0, strike, years, rate decimal.Decimal) (series, error) {
	if r != Call && r != Put {
		return series{}, fmt.Errorf("%w: right %d: neither call nor put", ErrInvalidInput, int(r))
	}
	if err := num.CheckPositive(f0); err != nil {
		return series{}, fmt.Errorf("%w: forward: %w", ErrInvalidInput, err)
	}
	if err := num.CheckPositive(strike); err != nil {
		return series{}, fmt.Errorf("%w: strike: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(years); err != nil {
		return series{}, fmt.Errorf("%w: years: %w", ErrInvalidInput, err)
	}
	if years.Cmp(MaxYears) > 0 {
		return series{}, fmt.Errorf("%w: years %s above MaxYears %s", ErrInvalidInput, years, MaxYears)
	}
	if err := num.Check(rate); err != nil {
		return series{}, fmt.Errorf("%w: rate: %w", ErrInvalidInput, err)
	}
	if rate.Abs().Cmp(decimal.NewFromInt(1)) > 0 {
		return series{}, fmt.Errorf("%w: rate %s outside [-1, 1]", ErrInvalidInput, rate)
	}
	if rate.Mul(years).Abs().Cmp(decimal.RequireFromString("0.5")) > 0 {
		return series{}, fmt.Errorf("%w: rate × years = %s outside [−0.5, 0.5]", ErrInvalidInput, rate.Mul(years))
	}
	if strike.Cmp(f0.Mul(MaxMoneyness)) > 0 || f0.Cmp(strike.Mul(MaxMoneyness)) > 0 {
		return series{}, fmt.Errorf("%w: strike %s and forward %s more than %s apart", ErrInvalidInput, strike, f0, MaxMoneyness)
	}
	var k kern
	s := series{right: r}
	var ok1, ok2, ok3 bool
	s.kk, ok1 = toW(num.Div(strike, f0, wScale, num.HalfEven))
	s.years, ok2 = toW(years)
	s.rate, ok3 = toW(rate)
	if !ok1 || !ok2 || !ok3 {
		return series{}, fmt.Errorf("%w: strike %s forward %s", ErrRange, strike, f0)
	}
	s.lnKK = k.lnDec(strike) - k.lnDec(f0)
	s.sqrtT = k.sqrt(s.years)
	s.df = k.exp(-k.mul(s.rate, s.years))
	if k.bad {
		return series{}, fmt.Errorf("%w: strike %s forward %s years %s", ErrRange, strike, f0, years)
	}
	return s, nil
}

// lnDec returns ln d for a decimal d > 0 of any magnitude: d = c·10^e with
// c in [1, 10) rounded half-even to 16 places, ln d = ln c + e·ln 10.
func (k *kern) lnDec(d decimal.Decimal) int64 {
	e := int64(d.NumDigits()) + int64(d.Exponent()) - 1
	c := num.Round(d.Shift(int32(-e)), wScale, num.HalfEven)
	cw, ok := toW(c)
	if !ok {
		k.bad = true
		return 0
	}
	el, ok := fixed.MulRoundWide(fixed.Num{M: e}, ln10x18, wScale, num.HalfEven)
	if !ok {
		k.bad = true
		return 0
	}
	return k.add(k.ln(cw), el.M)
}

// volState holds what one volatility contributes to a valuation, so a
// grid computes it once per option and volatility state, not per
// scenario.
type volState struct {
	v   int64 // σ√T
	lim int64 // v·(9 + v/2): beyond it |d1|, |d2| ≥ 9
}

func (sr *series) volState(k *kern, sig int64) volState {
	v := k.mul(sig, sr.sqrtT)
	if sr.years == 0 || sig == 0 {
		v = 0
	}
	return volState{v: v, lim: k.mul(v, normTailMax+v/2)}
}

// valueAt returns the option's value divided by F0 when the underlying is at
// s·F0 (ls = ln s), with the volatility state vs precomputed.
func (sr *series) valueAt(k *kern, s, ls int64, vs *volState) int64 {
	v, _, _ := sr.valueN(k, s, ls, vs)
	return v
}

// valueN is valueAt that also returns d1 (±normTailMax when |d1|, |d2| ≥
// 9) and Φ(d1), for delta, so a valuation at the marks computes each Φ
// once. With no volatility d1 and Φ(d1) are 0 (the value is piecewise
// linear).
func (sr *series) valueN(k *kern, s, ls int64, vs *volState) (val, nd1, d1 int64) {
	v := vs.v
	if v == 0 {
		return sr.discount(k, sr.intrinsic(s)), 0, 0
	}
	x := ls - sr.lnKK // ln(F/K)
	var n1, n2 int64  // Φ(±d1), Φ(±d2) with the put's sign
	ax := x
	if ax < 0 {
		ax = -ax
	}
	if ax >= vs.lim { // |d1|, |d2| ≥ 9, with the sign of x
		d1 = normTailMax
		if x < 0 {
			d1 = -normTailMax
		}
		nd1 = k.cdf(d1)
		if (x > 0) == (sr.right == Call) {
			n1, n2 = wOne, wOne
		}
	} else {
		d1 = k.div(x, v) + v/2
		d2 := d1 - v
		nd1 = k.cdf(d1)
		n1, n2 = nd1, k.cdf(d2)
		if sr.right == Put { // Φ(−d) = 1 − Φ(d): the same tails, exactly
			n1, n2 = wOne-n1, wOne-n2
		}
	}
	// An option is never worth less than nothing: rounding in the 16th
	// place can make a far out-of-the-money difference −1 unit.
	if sr.right == Call {
		return max(sr.discount(k, k.mul(s, n1)-k.mul(sr.kk, n2)), 0), nd1, d1
	}
	return max(sr.discount(k, k.mul(sr.kk, n2)-k.mul(s, n1)), 0), nd1, d1
}

// discount multiplies by e^(−rT) (nothing to do without a rate).
func (sr *series) discount(k *kern, x int64) int64 {
	if sr.df == wOne {
		return x
	}
	return k.mul(sr.df, x)
}

// intrinsic returns max(s − K/F0, 0) for a call, max(K/F0 − s, 0) for a
// put.
func (sr *series) intrinsic(s int64) int64 {
	d := s - sr.kk
	if sr.right == Put {
		d = -d
	}
	return max(d, 0)
}

// greeksW holds a valuation's price and delta divided by F0.
type greeksW struct{ price, delta int64 }

// priceDelta values the option at s·F0 with volatility sig and returns
// its price and delta (normalised by F0), and d1 (0 when the value is
// piecewise linear: at expiry or with no volatility, reported by linear).
// Margin needs only these: near expiry gamma and theta grow like 1/√T
// and would leave the kernel's range, refusing a book exactly in its last
// seconds.
func (sr *series) priceDelta(k *kern, s, ls, sig int64) (g greeksW, d1 int64, linear bool) {
	vs := sr.volState(k, sig)
	var nd1 int64
	g.price, nd1, d1 = sr.valueN(k, s, ls, &vs)
	if sr.years == 0 || vs.v == 0 {
		// At expiry or with no volatility the value is piecewise linear:
		// delta is ±e^(−rT) in the money, 0 out of it.
		if sr.intrinsic(s) > 0 {
			g.delta = sr.df
			if sr.right == Put {
				g.delta = -sr.df
			}
		}
		return g, 0, true
	}
	if sr.right == Call {
		g.delta = k.mul(sr.df, nd1)
	} else {
		g.delta = -k.mul(sr.df, wOne-nd1)
	}
	return g, d1, false
}

package stress

import (
	"fmt"
	"math"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// year is the length of the year the annual rates of this package refer
// to: 365 days (crypto markets trade every day).
const year = 365 * 24 * time.Hour

// MertonSettings configure a Merton jump diffusion: geometric Brownian
// motion plus Poisson jumps of lognormal size (R. C. Merton, "Option
// pricing when underlying stock returns are discontinuous", Journal of
// Financial Economics 3, 1976, pp. 125–144):
//
//	dS/S = (μ − λk) dt + σ dW + (Y − 1) dN,  ln Y ~ N(m, δ²),  k = E[Y − 1] = e^(m + δ²/2) − 1
//
// so over one tick of length dt (in years) the log price moves by
//
//	(μ − σ²/2 − λk) dt + σ √dt Z + Σ_{i ≤ N} (m + δ Z_i),  N ~ Poisson(λ dt)
//
// and μ stays the expected rate of return with or without jumps. Rates are
// per year of 365 days. Every zero parameter means zero: the zero value
// draws a flat path; λ = 0 is plain geometric Brownian motion.
type MertonSettings struct {
	// Path is the start, step, length, start price and scale.
	Path PathSettings
	// Mu is the drift μ, the expected rate of return per year, in
	// [−10, 10]. Zero means none.
	Mu decimal.Decimal
	// Sigma is the diffusion volatility σ per √year, in [0, 10]
	// (e.g. 0.8 for a volatile crypto asset). Zero means none.
	Sigma decimal.Decimal
	// Lambda is the jump intensity λ, jumps per year, in [0, 1000], with
	// λ × Step at most 10 jumps a tick on average. Zero means no jumps.
	Lambda decimal.Decimal
	// JumpMean is m, the mean of a jump's log size, in [−5, 5] (−0.1: a
	// typical jump takes about 9.5% off). Zero means 0.
	JumpMean decimal.Decimal
	// JumpSigma is δ, the standard deviation of a jump's log size, in
	// [0, 5]. Zero means 0 (every jump the same size).
	JumpSigma decimal.Decimal
}

// Merton draws Merton jump-diffusion paths; see MertonSettings for the
// model and gen_math.go for how it stays identical on every machine. Safe
// for concurrent use (each Scenario has its own state).
type Merton struct {
	s                              MertonSettings
	p0, drift, vol, jm, jsd, jumps float64
}

// NewMerton validates s and returns its generator.
func NewMerton(s MertonSettings) (*Merton, error) {
	var err error
	if s.Path, err = s.Path.withDefaults(); err != nil {
		return nil, err
	}
	for _, b := range []struct {
		name   string
		v      decimal.Decimal
		lo, hi int64
	}{
		{"mu", s.Mu, -10, 10},
		{"sigma", s.Sigma, 0, 10},
		{"lambda", s.Lambda, 0, 1000},
		{"jump mean", s.JumpMean, -5, 5},
		{"jump sigma", s.JumpSigma, 0, 5},
	} {
		if err := checkParam(b.name, b.v, b.lo, b.hi); err != nil {
			return nil, err
		}
	}
	dt := s.Path.Step.Seconds() / year.Seconds()
	g := &Merton{s: s}
	g.p0 = s.Path.Price.InexactFloat64()
	mu, sig := s.Mu.InexactFloat64(), s.Sigma.InexactFloat64()
	g.jumps = s.Lambda.InexactFloat64()
	g.jm, g.jsd = s.JumpMean.InexactFloat64(), s.JumpSigma.InexactFloat64()
	if mul(g.jumps, dt) > 10 {
		return nil, fmt.Errorf("%w: merton: lambda %s averages more than 10 jumps a tick of %s", ErrInvalidInput, s.Lambda, s.Path.Step)
	}
	k := detExp(g.jm+mul(0.5, mul(g.jsd, g.jsd))) - 1
	g.drift = mul(mu-mul(0.5, mul(sig, sig))-mul(g.jumps, k), dt)
	g.vol = mul(sig, math.Sqrt(dt))
	g.jumps = mul(g.jumps, dt) // from here on: the mean number of jumps per tick
	return g, nil
}

// checkParam refuses v outside [lo, hi] or finer than 18 places.
func checkParam(name string, v decimal.Decimal, lo, hi int64) error {
	if err := num.Check(v); err != nil {
		return fmt.Errorf("%w: %s: %s", ErrInvalidInput, name, err)
	}
	if v.LessThan(decimal.New(lo, 0)) || v.GreaterThan(decimal.New(hi, 0)) || finer(v, 18) {
		return fmt.Errorf("%w: %s %s outside [%d, %d] or finer than 18 places", ErrInvalidInput, name, v, lo, hi)
	}
	return nil
}

// Name says what is drawn, e.g. "merton(μ=0, σ=0.8, λ=12, jump=-0.1±0.05, 168×1h0m0s)".
func (g *Merton) Name() string {
	s := g.s
	return fmt.Sprintf("merton(μ=%s, σ=%s, λ=%s, jump=%s±%s, %d×%s)",
		s.Mu, s.Sigma, s.Lambda, s.JumpMean, s.JumpSigma, s.Path.Ticks, s.Path.Step)
}

// Scenario returns the path of seed: tick 0 is the start price, each later
// tick moves the log price by one step of the model, and each price is
// rounded half away from zero to the path's scale (never below one unit of
// it). A price above 10^15 ends the path with an error wrapping
// ErrInvalidInput.
func (g *Merton) Scenario(seed int64) (Scenario, error) {
	z := &normals{rng: pcg(seed, streamMerton)}
	x := 0.0 // log(price / start price)
	return &pathScenario{s: g.s.Path, next: func(seq int) (decimal.Decimal, error) {
		if seq > 0 {
			x += g.drift + mul(g.vol, z.next())
			for n := poisson(z.rng, g.jumps); n > 0; n-- {
				x += g.jm + mul(g.jsd, z.next())
			}
		}
		return g.price(x, seq)
	}}, nil
}

// price is start × e^x at the path's scale.
func (g *Merton) price(x float64, seq int) (decimal.Decimal, error) {
	if seq == 0 {
		return g.s.Path.Price, nil
	}
	return priceAt(g.p0, x, g.s.Path.Scale, seq)
}

// priceAt is p0 × e^x rounded to scale, or an error past 10^15.
func priceAt(p0, x float64, scale int32, seq int) (decimal.Decimal, error) {
	if x > 80 { // e^80 > 10^34: far past any bound, and keeps detExp finite
		return decimal.Decimal{}, fmt.Errorf("%w: tick %d: price above 10^15", ErrInvalidInput, seq)
	}
	d, ok := roundPrice(mul(p0, detExp(x)), scale)
	if !ok {
		return decimal.Decimal{}, fmt.Errorf("%w: tick %d: price above 10^15", ErrInvalidInput, seq)
	}
	return d, nil
}

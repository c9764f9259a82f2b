package stress

import (
	"fmt"
	"math"

	"github.com/shopspring/decimal"
)

// GARCHSettings configure a GARCH(1,1) path (T. Bollerslev, "Generalized
// autoregressive conditional heteroskedasticity", Journal of Econometrics
// 31, 1986, pp. 307–327): the log return of tick t is
//
//	r_t = μ dt + ε_t,  ε_t = σ_t Z_t,  σ²_t = ω + α ε²_{t−1} + β σ²_{t−1}
//
// with Z_t standard normal, so a large move raises the next ticks'
// variance (volatility clusters) and the variance reverts to its
// unconditional level ω / (1 − α − β), where the path starts. ω is per
// tick, μ per year of 365 days. Bollerslev's conditions are enforced:
// ω > 0, α ≥ 0, β ≥ 0, α + β < 1.
type GARCHSettings struct {
	// Path is the start, step, length, start price and scale.
	Path PathSettings
	// Omega is ω, the constant of the variance per tick, > 0, with the
	// unconditional variance ω / (1 − α − β) at most 0.25 (a standard
	// deviation of 50% a tick). Required: zero is refused.
	Omega decimal.Decimal
	// Alpha is α, the weight of the last squared shock, ≥ 0 (e.g. 0.1).
	// Zero means 0.
	Alpha decimal.Decimal
	// Beta is β, the weight of the last variance, ≥ 0, with α + β ≤
	// 0.999999 (e.g. 0.85). Zero means 0.
	Beta decimal.Decimal
	// Mu is the drift per year, in [−10, 10]. Zero means none.
	Mu decimal.Decimal
}

// GARCH draws GARCH(1,1) paths; see GARCHSettings for the model and
// gen_math.go for how it stays identical on every machine. Safe for
// concurrent use (each Scenario has its own state).
type GARCH struct {
	s                          GARCHSettings
	p0, omega, alpha, beta, mu float64
	uncond                     float64
}

// NewGARCH validates s and returns its generator.
func NewGARCH(s GARCHSettings) (*GARCH, error) {
	var err error
	if s.Path, err = s.Path.withDefaults(); err != nil {
		return nil, err
	}
	if err := checkParam("omega", s.Omega, 0, 1); err != nil {
		return nil, err
	}
	if err := checkParam("alpha", s.Alpha, 0, 1); err != nil {
		return nil, err
	}
	if err := checkParam("beta", s.Beta, 0, 1); err != nil {
		return nil, err
	}
	if err := checkParam("mu", s.Mu, -10, 10); err != nil {
		return nil, err
	}
	if !s.Omega.IsPositive() {
		return nil, fmt.Errorf("%w: garch: omega %s must be > 0 (Bollerslev 1986)", ErrInvalidInput, s.Omega)
	}
	persistence := s.Alpha.Add(s.Beta)
	if persistence.GreaterThan(decimal.RequireFromString("0.999999")) {
		return nil, fmt.Errorf("%w: garch: alpha + beta = %s must be < 1 (Bollerslev 1986: else the variance has no finite level)", ErrInvalidInput, persistence)
	}
	g := &GARCH{s: s}
	g.p0 = s.Path.Price.InexactFloat64()
	g.omega, g.alpha, g.beta = s.Omega.InexactFloat64(), s.Alpha.InexactFloat64(), s.Beta.InexactFloat64()
	g.mu = mul(s.Mu.InexactFloat64(), s.Path.Step.Seconds()/year.Seconds())
	g.uncond = g.omega / (1 - g.alpha - g.beta)
	if g.uncond > 0.25 {
		return nil, fmt.Errorf("%w: garch: unconditional variance ω/(1−α−β) above 0.25 a tick", ErrInvalidInput)
	}
	return g, nil
}

// Name says what is drawn, e.g. "garch(ω=0.00001, α=0.1, β=0.85, 168×1h0m0s)".
func (g *GARCH) Name() string {
	s := g.s
	return fmt.Sprintf("garch(ω=%s, α=%s, β=%s, μ=%s, %d×%s)", s.Omega, s.Alpha, s.Beta, s.Mu, s.Path.Ticks, s.Path.Step)
}

// Scenario returns the path of seed: tick 0 is the start price, each later
// tick applies one log return of the model, starting from the
// unconditional variance, and each price is rounded half away from zero
// to the path's scale (never below one unit of it).
func (g *GARCH) Scenario(seed int64) (Scenario, error) {
	z := &normals{rng: pcg(seed, streamGARCH)}
	x, variance := 0.0, g.uncond
	return &pathScenario{s: g.s.Path, next: func(seq int) (decimal.Decimal, error) {
		if seq == 0 {
			return g.s.Path.Price, nil
		}
		eps := mul(math.Sqrt(variance), z.next())
		x += g.mu + eps
		variance = g.omega + mul(g.alpha, mul(eps, eps)) + mul(g.beta, variance)
		return priceAt(g.p0, x, g.s.Path.Scale, seq)
	}}, nil
}

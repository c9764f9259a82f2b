package stress

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// clustered is a GARCH(1,1) generator with α = 0.1, β = 0.85 (finite
// kurtosis: 3α² + 2αβ + β² < 1).
func clustered(t testing.TB) *GARCH {
	t.Helper()
	g, err := NewGARCH(GARCHSettings{Omega: testkit.D("0.000005"), Alpha: testkit.D("0.1"), Beta: testkit.D("0.85")})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestGARCHGolden pins the first ticks of seed 1 (see TestMertonGolden).
func TestGARCHGolden(t *testing.T) {
	ticks := mustTicks(t, clustered(t), 1)
	want := []string{"100", "100.04055773", "100.00622631", "100.98859508", "100.4438961", "99.26385713", "98.13088722", "98.8824038"}
	for i, w := range want {
		if got := ticks[i].Price.String(); got != w {
			t.Errorf("tick %d: price %s, want %s", i, got, w)
		}
	}
}

// TestGARCHUnconditionalVariance: the variance of the log returns is
// ω / (1 − α − β) = 10^−4 (Bollerslev 1986, theorem 1), within four
// standard errors of the mean of 800 independent scenarios' variances;
// and squared returns are autocorrelated at lag 1 near the theoretical
// ρ₁ = α(1 − αβ − β²)/(1 − 2αβ − β²) ≈ 0.179 (Bollerslev 1988,
// "On the correlation structure for the GARCH process"), while GBM's are
// not. (Mutations seen failing: updating the variance with ε in place of
// ε²; starting each path at ω.)
func TestGARCHUnconditionalVariance(t *testing.T) {
	g := clustered(t)
	const runs = 800
	var vs []float64
	var num, den float64
	for i := 0; i < runs; i++ {
		r := logReturns(mustTicks(t, g, SeedFor(2, i)))
		m := momentsOf(r)
		vs = append(vs, m.variance+m.mean*m.mean)
		num += lag1(r)
		den++
	}
	m := momentsOf(vs)
	if math.Abs(m.mean-1e-4) > 4*m.seMean {
		t.Errorf("variance %g ± %g, want 1e-4", m.mean, m.seMean)
	}
	if rho := num / den; rho < 0.08 {
		t.Errorf("lag-1 autocorrelation of squared returns %g, want about 0.18 (clustering)", rho)
	}
	gbm, _ := NewMerton(MertonSettings{Sigma: testkit.D("0.9")})
	var gnum float64
	for i := 0; i < runs; i++ {
		gnum += lag1(logReturns(mustTicks(t, gbm, SeedFor(2, i))))
	}
	if rho := gnum / runs; math.Abs(rho) > 0.03 {
		t.Errorf("GBM's squared returns autocorrelated %g, want about 0", rho)
	}
}

// lag1 is the lag-1 autocorrelation of the squared (demeaned) returns.
func lag1(r []float64) float64 {
	sq := make([]float64, len(r))
	for i, v := range r {
		sq[i] = v * v
	}
	m := momentsOf(sq)
	var c float64
	for i := 1; i < len(sq); i++ {
		c += (sq[i] - m.mean) * (sq[i-1] - m.mean)
	}
	return c / float64(len(sq)-1) / m.variance
}

// TestGARCHRefusals: Bollerslev's conditions and the bounds are enforced.
func TestGARCHRefusals(t *testing.T) {
	for name, s := range map[string]GARCHSettings{
		"zero omega (the zero value)": {},
		"negative alpha":              {Omega: testkit.D("0.0001"), Alpha: testkit.D("-0.1")},
		"alpha + beta = 1":            {Omega: testkit.D("0.0001"), Alpha: testkit.D("0.2"), Beta: testkit.D("0.8")},
		"variance above 0.25":         {Omega: testkit.D("0.1"), Alpha: testkit.D("0.3"), Beta: testkit.D("0.6")},
		"absurd exponent":             {Omega: decimal.New(1, -2_000_000_000)},
	} {
		if _, err := NewGARCH(s); !errorsIs(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

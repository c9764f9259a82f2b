package stress

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// tallyOf aggregates values as the bad debt (and value liquidated) of
// scenarios 0, 1, …
func tallyOf(vals []decimal.Decimal) *tally {
	t := newTally(len(vals))
	for i, v := range vals {
		t.add(i, Outcome{BadDebt: v, Liquidated: v})
	}
	return t
}

// f6 converts a float to a decimal with six places (test inputs only).
func f6(x float64) decimal.Decimal { return decimal.New(int64(math.Round(x*1e6)), -6) }

// near checks got against want within a relative tolerance tol.
func near(t *testing.T, name string, got decimal.Decimal, want, tol float64) {
	t.Helper()
	if g := got.InexactFloat64(); math.Abs(g-want) > tol*want {
		t.Errorf("%s = %v, want %v within %v%%", name, g, want, tol*100)
	}
}

// VaR and ES against closed forms, on samples placed at the quantiles
// (x_i = F⁻¹((i − ½)/n)) so the estimators' only error is the sample's
// discreteness:
//   - uniform on [0, 1]: VaR_p = p, ES_p = (1 + p)/2;
//   - exponential of mean 1: VaR_p = −ln(1 − p), ES_p = VaR_p + 1 (the
//     memoryless property: the mean beyond any level is the level plus
//     the mean);
//   - Pareto with α = 3, x_m = 1: VaR_p = (1 − p)^(−1/3),
//     ES_p = VaR_p · α/(α − 1) (to 1%: the heavy tail beyond the
//     sample's last point is missing from its mean).
func TestVaRESClosedForms(t *testing.T) {
	const n = 20_000
	for _, c := range []struct {
		name     string
		inv      func(u float64) float64
		var_, es func(p float64) float64
		tol      float64
	}{
		{"uniform", func(u float64) float64 { return u },
			func(p float64) float64 { return p }, func(p float64) float64 { return (1 + p) / 2 }, 1e-4},
		{"exponential", func(u float64) float64 { return -math.Log(1 - u) },
			func(p float64) float64 { return -math.Log(1 - p) }, func(p float64) float64 { return -math.Log(1-p) + 1 }, 2e-3},
		{"pareto α=3", func(u float64) float64 { return math.Pow(1-u, -1.0/3) },
			func(p float64) float64 { return math.Pow(1-p, -1.0/3) }, func(p float64) float64 { return 1.5 * math.Pow(1-p, -1.0/3) }, 1e-2},
	} {
		t.Run(c.name, func(t *testing.T) {
			vals := make([]decimal.Decimal, n)
			for i := range vals {
				vals[i] = f6(c.inv((float64(i) + 0.5) / n))
			}
			// Shuffle: the estimators must not care about the order.
			rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
			s := tallyOf(vals).stats(0)
			for _, q := range []struct {
				p        float64
				var_, es Estimate
			}{{0.95, s.VaR95, s.ES95}, {0.99, s.VaR99, s.ES99}} {
				near(t, "VaR", q.var_.Value, c.var_(q.p), c.tol)
				near(t, "ES", q.es.Value, c.es(q.p), c.tol)
			}
		})
	}
}

// The nearest-rank quantile on a small sample, by hand: of 1..20, the 95th
// percentile is the 19th value (⌈20 · 0.95⌉ = 19) and the 99th the 20th;
// ES95 is the mean of the ⌊20 · 0.05⌋ = 1 value beyond, 20 (open: one
// value has no spread).
func TestQuantileNearestRank(t *testing.T) {
	var vals []decimal.Decimal
	for i := 20; i >= 1; i-- {
		vals = append(vals, decimal.NewFromInt(int64(i)))
	}
	s := tallyOf(vals).stats(0)
	if !s.VaR95.Value.Equal(decimal.NewFromInt(19)) || !s.VaR99.Value.Equal(decimal.NewFromInt(20)) {
		t.Fatalf("VaR95 %s VaR99 %s, want 19 and 20", s.VaR95.Value, s.VaR99.Value)
	}
	if !s.ES95.Value.Equal(decimal.NewFromInt(20)) || !s.ES95.Open || !s.VaR99.Open {
		t.Fatalf("ES95 %+v VaR99 %+v: want ES95 20, both open", s.ES95, s.VaR99)
	}
	if s.Worst.Index != 0 || !s.Worst.BadDebt.Equal(decimal.NewFromInt(20)) {
		t.Fatalf("worst %+v, want scenario 0 with 20", s.Worst)
	}
}

// The order-statistic interval's exact coverage P(lo ≤ B ≤ hi − 1), B ~
// Binomial(n, p), is at least 95% wherever both ranks fall inside the
// sample. Mutation seen failing: lo rounded up, as Conover writes it
// (coverage below 95%).
func TestOrderCICoverage(t *testing.T) {
	for _, pct := range []int{95, 99} {
		for n := 20; n <= 20_000; n += 1 + n/10 {
			lo, hi := orderCI(n, pct)
			if lo < 1 || hi > n {
				continue
			}
			p := float64(pct) / 100
			cov := 0.0
			for k := lo; k <= hi-1; k++ {
				cov += binomPMF(n, k, p)
			}
			if cov < 0.95 {
				t.Errorf("p %d n %d: ranks [%d, %d] cover %.4f, want ≥ 0.95", pct, n, lo, hi, cov)
			}
		}
	}
}

func binomPMF(n, k int, p float64) float64 {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	return math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(p) + float64(n-k)*math.Log(1-p))
}

// Coverage of the intervals on random samples: of 200 samples of 600
// exponential draws, the VaR95 interval holds the true −ln 0.05 in about
// 95%, the ES95 interval the true VaR + 1 in about 95% (we accept 90%:
// the ES interval is asymptotic), and the Wilson interval of P(X > VaR95)
// the true 5%.
func TestIntervalCoverage(t *testing.T) {
	const reps, n = 200, 600
	rng := rand.New(rand.NewPCG(13, 14))
	var inVaR, inES, inP int
	trueVaR := -math.Log(0.05)
	for range reps {
		vals := make([]decimal.Decimal, n)
		above := 0
		for i := range vals {
			x := rng.ExpFloat64()
			vals[i] = f6(x)
			if x > trueVaR {
				above++
			}
		}
		s := tallyOf(vals).stats(0)
		if lo, hi := s.VaR95.Lo.InexactFloat64(), s.VaR95.Hi.InexactFloat64(); lo <= trueVaR && trueVaR <= hi {
			inVaR++
		}
		if lo, hi := s.ES95.Lo.InexactFloat64(), s.ES95.Hi.InexactFloat64(); lo <= trueVaR+1 && trueVaR+1 <= hi {
			inES++
		}
		lo, hi := wilson(above, n, ReportScale)
		if lo.InexactFloat64() <= 0.05 && 0.05 <= hi.InexactFloat64() {
			inP++
		}
	}
	for _, c := range []struct {
		name string
		in   int
		min  float64
	}{{"VaR95", inVaR, 0.92}, {"ES95", inES, 0.90}, {"Wilson", inP, 0.92}} {
		if cov := float64(c.in) / reps; cov < c.min || cov > 0.995 {
			t.Errorf("%s interval covered the truth in %.3f of %d samples, want %.2f to 0.995", c.name, cov, reps, c.min)
		}
	}
}

// Wilson intervals reproduce Newcombe's worked examples ("Two-sided
// confidence intervals for the single proportion: comparison of seven
// methods", Statistics in Medicine 17, 1998, Table II, method 3, to four
// places).
func TestWilsonNewcombe(t *testing.T) {
	for _, c := range []struct {
		k, n   int
		lo, hi string
	}{
		{81, 263, "0.2553", "0.3662"},
		{15, 148, "0.0624", "0.1605"},
		{0, 20, "0", "0.1611"},
		{1, 29, "0.0061", "0.1718"},
	} {
		lo, hi := wilson(c.k, c.n, ReportScale)
		if !num.Round(lo, 4, num.HalfEven).Equal(decimal.RequireFromString(c.lo)) || !num.Round(hi, 4, num.HalfEven).Equal(decimal.RequireFromString(c.hi)) {
			t.Errorf("%d/%d: Wilson [%s, %s], want [%s, %s]", c.k, c.n, lo, hi, c.lo, c.hi)
		}
	}
}

// sqrt is the exact integer square root at its scale: Floor gives s with
// s² ≤ x < (s + ulp)², Ceil gives (s − ulp)² < x ≤ s².
// Mutation seen failing: Ceil not adding the ulp when x·10^(2·scale) has a
// fraction.
func TestSqrtExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := decimal.New(rapid.Int64Range(0, 1<<62).Draw(t, "x"), -rapid.Int32Range(0, 20).Draw(t, "exp"))
		scale := rapid.Int32Range(0, 20).Draw(t, "scale")
		ulp := decimal.New(1, -scale)
		f, c := sqrt(x, scale, num.Floor), sqrt(x, scale, num.Ceil)
		if f.Mul(f).Cmp(x) > 0 || f.Add(ulp).Mul(f.Add(ulp)).Cmp(x) <= 0 {
			t.Fatalf("floor sqrt(%s) at %d = %s", x, scale, f)
		}
		if x.Sign() > 0 && (c.Mul(c).Cmp(x) < 0 || c.Sub(ulp).Mul(c.Sub(ulp)).Cmp(x) >= 0) {
			t.Fatalf("ceil sqrt(%s) at %d = %s", x, scale, c)
		}
	})
}

// The tail keeps what the statistics need: the statistics of a run equal
// those computed from every value (a tail as long as the sample).
func TestTailSuffices(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 600).Draw(t, "n")
		vals := make([]decimal.Decimal, n)
		for i := range vals {
			vals[i] = decimal.New(rapid.Int64Range(0, 50).Draw(t, "v"), -1)
		}
		full := &tally{bad: tail{cap: n}, liq: tail{cap: n}}
		for i, v := range vals {
			full.add(i, Outcome{BadDebt: v, Liquidated: v})
		}
		a, b := tallyOf(vals).stats(5), full.stats(5)
		if !equalStats(a, b) {
			t.Fatalf("tail of %d: %+v\nfull: %+v", tailCap(n), a, b)
		}
	})
}

// ES by hand on 1..100: VaR95 is the 95th value, 95; ES95 the mean of the
// five beyond it, 98; its SE by Manistre–Hancock √((s² + p(ES − VaR)²)/w)
// = √((2.5 + 0.95·9)/5) = √2.21 = 1.486607 (rounded up); VaR95's interval
// the order statistics ⌊95 − 1.96·√4.75⌋ = 90 and ⌈95 + 4.27⌉ = 100.
// Mutation seen failing: w = n − k + 1 (the VaR itself in the tail mean).
func TestShortfallByHand(t *testing.T) {
	var vals []decimal.Decimal
	for i := 1; i <= 100; i++ {
		vals = append(vals, decimal.NewFromInt(int64(i)))
	}
	s := tallyOf(vals).stats(0)
	for _, c := range []struct {
		name      string
		got, want decimal.Decimal
	}{
		{"VaR95", s.VaR95.Value, decimal.NewFromInt(95)},
		{"VaR95 lo", s.VaR95.Lo, decimal.NewFromInt(90)},
		{"VaR95 hi", s.VaR95.Hi, decimal.NewFromInt(100)},
		{"ES95", s.ES95.Value, decimal.NewFromInt(98)},
		{"ES95 SE", s.ES95.SE, decimal.RequireFromString("1.486607")},
		{"ES99", s.ES99.Value, decimal.NewFromInt(100)},
		{"mean", s.MeanBadDebt, decimal.RequireFromString("50.5")},
	} {
		if !c.got.Equal(c.want) {
			t.Errorf("%s = %s, want %s", c.name, c.got, c.want)
		}
	}
	if !s.ES99.Open || s.ES95.Open || s.VaR95.Open {
		t.Errorf("open: ES99 %t (want true), ES95 %t, VaR95 %t (want false)", s.ES99.Open, s.ES95.Open, s.VaR95.Open)
	}
}

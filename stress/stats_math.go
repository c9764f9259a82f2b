package stress

import (
	"math/big"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// The arithmetic of the statistics, in decimals and integers only, so a
// report prints the same digits on every machine (no float64: a fused
// multiply-add on one architecture and not another could move a last
// digit).

// z95 is the two-sided 95% point of the standard normal distribution,
// Φ⁻¹(0.975) = 1.959963984540054…, to nine places (rounded up, so every
// interval built from it is a hair wider, never narrower).
var z95 = decimal.RequireFromString("1.959963985")

// statScale is the scale of the intermediate figures (square roots,
// quotients) of the statistics; the published figures are rounded from it
// to ReportScale.
const statScale = 18

// Quantile levels of the report, as integer percentages.
const (
	level95 = 95
	level99 = 99
)

// quantileRank returns the rank k (1-based, ascending) of the p-quantile
// of n sorted values, p = pct/100, by the inverse of the empirical
// distribution function: k = ⌈n·p⌉ (Hyndman and Fan, "Sample quantiles
// in statistical packages", The American Statistician 50(4), 1996,
// definition 1). It is the nearest-rank definition: the smallest value
// at or below which at least p of the scenarios lie. n ≥ 1.
func quantileRank(n, pct int) int {
	k := (n*pct + 99) / 100
	if k < 1 {
		k = 1
	}
	return k
}

// orderCI returns the ranks [lo, hi] of the order statistics that bound a
// distribution-free 95% confidence interval for the pct-quantile of n
// values, by the normal approximation to the binomial count of values
// below the quantile (Conover, Practical Nonparametric Statistics, 3rd
// ed., 1999, §3.2, the large-sample confidence interval for a quantile):
//
//	lo = ⌊np − z·√(np(1−p))⌋,  hi = ⌈np + z·√(np(1−p))⌉
//
// so that P(lo ≤ B ≤ hi−1) ≥ 95% for B ~ Binomial(n, p), which is the
// probability that x₍lo₎ ≤ Q(p) < x₍hi₎. Conover rounds lo up; rounding it
// down widens the interval by at most one rank and keeps the coverage at
// or above 95% (TestOrderCICoverage computes it exactly). A rank outside [1, n] means the sample is too small for that
// side of the interval (the caller reports it open).
func orderCI(n, pct int) (lo, hi int) {
	nn := decimal.NewFromInt(int64(n))
	p := decimal.New(int64(pct), -2)
	np := nn.Mul(p)
	v := np.Mul(decimal.NewFromInt(1).Sub(p)) // np(1−p)
	d := z95.Mul(sqrt(v, statScale, num.Ceil))
	lo = int(np.Sub(d).Floor().IntPart())
	hi = int(np.Add(d).Ceil().IntPart())
	return lo, hi
}

// sqrt returns √x (x ≥ 0) to scale places, rounded in direction r (Floor
// or Ceil), exactly: the integer square root of x·10^(2·scale).
func sqrt(x decimal.Decimal, scale int32, r num.Rounding) decimal.Decimal {
	if x.Sign() <= 0 {
		return decimal.Zero
	}
	v := x.Shift(2 * scale)
	exact := v.Equal(v.Truncate(0))
	b := v.BigInt() // truncated toward zero: floor for x > 0
	s := new(big.Int).Sqrt(b)
	if r == num.Ceil {
		if sq := new(big.Int).Mul(s, s); !exact || sq.Cmp(b) != 0 {
			s.Add(s, big.NewInt(1))
		}
	}
	return decimal.NewFromBigInt(s, -scale)
}

// wilson returns the Wilson score 95% interval for a proportion of k
// successes in n trials (Wilson, "Probable inference, the law of
// succession, and statistical inference", JASA 22, 1927; recommended over
// the Wald interval by Brown, Cai and DasGupta, Statistical Science 16(2),
// 2001):
//
//	centre = (k + z²/2) / (n + z²),  half = z/(n + z²) · √(k(n−k)/n + z²/4)
//
// lo is rounded down and hi up, to scale places, and both are clamped to
// [0, 1]. n ≥ 1, 0 ≤ k ≤ n.
func wilson(k, n int, scale int32) (lo, hi decimal.Decimal) {
	kk, nn := decimal.NewFromInt(int64(k)), decimal.NewFromInt(int64(n))
	z2 := z95.Mul(z95)
	den := nn.Add(z2)
	centre := num.Div(kk.Add(z2.Mul(decimal.New(5, -1))), den, statScale, num.HalfEven)
	in := num.Div(kk.Mul(nn.Sub(kk)), nn, statScale, num.Ceil).Add(z2.Mul(decimal.New(25, -2)))
	half := num.Div(z95.Mul(sqrt(in, statScale, num.Ceil)), den, statScale, num.Ceil)
	lo = num.Round(centre.Sub(half), scale, num.Floor)
	hi = num.Round(centre.Add(half), scale, num.Ceil)
	one := decimal.NewFromInt(1)
	return num.MaxOf(lo, decimal.Zero), num.MinOf(hi, one)
}

// propSE returns the standard error of a proportion k/n, √(p̂(1−p̂)/n),
// rounded up to scale places.
func propSE(k, n int, scale int32) decimal.Decimal {
	kk, nn := decimal.NewFromInt(int64(k)), decimal.NewFromInt(int64(n))
	v := num.Div(kk.Mul(nn.Sub(kk)), nn.Mul(nn).Mul(nn), statScale, num.Ceil)
	return num.Round(sqrt(v, statScale, num.Ceil), scale, num.Ceil)
}

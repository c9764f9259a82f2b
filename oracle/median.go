package oracle

import (
	"fmt"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// This file holds the pure aggregation math. Each function is exact except
// where a rounding is named; each result lies within [min, max] of its
// inputs (rounding is clamped back into that range).

var half = decimal.New(5, -1)

// Median returns the median of prices rounded to scale places.
//
// Odd count: the middle price (exact, no rounding; MakerDAO Median's
// val[bar/2]). Even count: the mean of the middle two, (a+b)×0.5, which is
// exact in decimal, then rounded half-even to scale places (neutral: ties go
// to the even digit, neither side favoured) and clamped to [a, b]. The input
// is not modified.
//
// Bad input is refused with an error wrapping ErrInvalidInput, before any
// arithmetic: an empty slice, more than MaxQuotes prices, a scale outside
// [0, 36] (num.MaxScale), or a price outside the supported decimal range (at
// most 36 places and 36 integer digits). Unbounded, a scale of 1e8 would
// build a hundred-million-digit number.
func Median(prices []decimal.Decimal, scale int32) (decimal.Decimal, error) {
	if err := checkValues("price", prices, scale); err != nil {
		return decimal.Zero, err
	}
	s := slices.Clone(prices)
	slices.SortFunc(s, decimal.Decimal.Cmp)
	return medianSorted(len(s), func(i int) decimal.Decimal { return s[i] }, scale), nil
}

// MaxQuotes is the most quotes one Aggregate or Feed.Update call accepts,
// and the most prices (and weights) Median, WeightedMedian and TrimmedMean
// accept: far above any real oracle committee (Chainlink's largest have 31
// nodes), and small enough that a call stays in milliseconds. It also
// bounds AggregatorSettings.MinSources and TWAPSettings.MaxObservations.
const MaxQuotes = 1 << 16

// checkValues refuses an empty or oversized slice, a scale outside
// [0, num.MaxScale] and any value outside num.Check's range, without
// formatting an unchecked value into the error.
func checkValues(what string, vs []decimal.Decimal, scale int32) error {
	if len(vs) == 0 {
		return fmt.Errorf("%w: no %ss", ErrInvalidInput, what)
	}
	if len(vs) > MaxQuotes {
		return fmt.Errorf("%w: %d %ss, more than %d", ErrInvalidInput, len(vs), what, MaxQuotes)
	}
	if err := scaleProblem(scale); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	for i, v := range vs {
		if err := num.Check(v); err != nil {
			return fmt.Errorf("%w: %s at index %d: %w", ErrInvalidInput, what, i, err)
		}
	}
	return nil
}

// medianSorted is Median over n sorted values read through at.
func medianSorted(n int, at func(int) decimal.Decimal, scale int32) decimal.Decimal {
	if n%2 == 1 {
		return at(n / 2)
	}
	a, b := at(n/2-1), at(n/2)
	if a.Equal(b) {
		return a
	}
	m := num.Round(a.Add(b).Mul(half), scale, num.HalfEven)
	return clamp(m, a, b)
}

// WeightedMedian returns the lower weighted median: sort by price and
// return the first price at which the cumulative weight reaches half of the
// total, 2×cum ≥ total. This is Terra/Ojo x/oracle's WeightedMedian
// ("pivot += power; if pivot >= totalPower/2"), except that the comparison
// is exact: Terra halves the total in integer division, so with powers
// 1, 1, 1 its pivot 1 ≥ 3/2 = 1 lets the lowest third decide; here 2×1 < 3
// and the middle vote decides. It always returns one of the prices, so a
// source holding more than half of the weight decides it. The inputs are
// not modified; equal prices keep their input order.
//
// Bad input is refused with an error wrapping ErrInvalidInput: an empty
// slice, more than MaxQuotes prices, not as many weights as prices, a weight
// that is not positive, or a value outside num.Check's range.
func WeightedMedian(prices, weights []decimal.Decimal) (decimal.Decimal, error) {
	if err := checkValues("price", prices, 0); err != nil {
		return decimal.Zero, err
	}
	if len(prices) != len(weights) {
		return decimal.Zero, fmt.Errorf("%w: %d prices but %d weights", ErrInvalidInput, len(prices), len(weights))
	}
	if err := checkValues("weight", weights, 0); err != nil {
		return decimal.Zero, err
	}
	idx := make([]int, len(prices))
	total := decimal.Zero
	for i := range idx {
		if weights[i].Sign() <= 0 {
			return decimal.Zero, fmt.Errorf("%w: weight at index %d: %w", ErrInvalidInput, i, num.ErrNotPositive)
		}
		idx[i] = i
		total = total.Add(weights[i])
	}
	slices.SortStableFunc(idx, func(a, b int) int { return prices[a].Cmp(prices[b]) })
	return weightedMedianSorted(len(idx), func(i int) (decimal.Decimal, decimal.Decimal) {
		return prices[idx[i]], weights[idx[i]]
	}, total), nil
}

func weightedMedianSorted(n int, at func(int) (decimal.Decimal, decimal.Decimal), total decimal.Decimal) decimal.Decimal {
	cum := decimal.Zero
	for i := 0; i < n; i++ {
		p, w := at(i)
		cum = cum.Add(w)
		if cum.Add(cum).Cmp(total) >= 0 {
			return p
		}
	}
	p, _ := at(n - 1)
	return p
}

// TrimmedMean drops k = floor(n × trim) prices from each end of the sorted
// prices and returns the mean of the rest, divided with num.Div at scale
// places rounding half-even, clamped to [min, max] of the kept prices. trim
// must lie in [0, 0.5); trim 0 is the plain mean.
//
// Bad input is refused with an error wrapping ErrInvalidInput, before any
// arithmetic: an empty slice, more than MaxQuotes prices, a trim outside
// [0, 0.5) or the decimal range, a scale outside [0, 36] (num.MaxScale), or
// a price outside num.Check's range.
func TrimmedMean(prices []decimal.Decimal, trim decimal.Decimal, scale int32) (decimal.Decimal, error) {
	if err := checkValues("price", prices, scale); err != nil {
		return decimal.Zero, err
	}
	if err := num.CheckNonNegative(trim); err != nil {
		return decimal.Zero, fmt.Errorf("%w: trim: %w", ErrInvalidInput, err)
	}
	if trim.Cmp(half) >= 0 {
		return decimal.Zero, fmt.Errorf("%w: trim must be below 0.5, got %s", ErrInvalidInput, trim)
	}
	s := slices.Clone(prices)
	slices.SortFunc(s, decimal.Decimal.Cmp)
	return trimmedMeanSorted(len(s), func(i int) decimal.Decimal { return s[i] }, trim, scale), nil
}

// trimCount returns floor(n × trim).
func trimCount(n int, trim decimal.Decimal) int {
	if trim.IsZero() {
		return 0
	}
	return int(decimal.NewFromInt(int64(n)).Mul(trim).IntPart())
}

func trimmedMeanSorted(n int, at func(int) decimal.Decimal, trim decimal.Decimal, scale int32) decimal.Decimal {
	k := trimCount(n, trim)
	lo, hi := k, n-k // kept: [lo, hi)
	sum := decimal.Zero
	for i := lo; i < hi; i++ {
		sum = sum.Add(at(i))
	}
	m := num.Div(sum, decimal.NewFromInt(int64(hi-lo)), scale, num.HalfEven)
	return clamp(m, at(lo), at(hi-1))
}

// scaleProblem refuses a scale an oracle price cannot be rounded to: the
// range rule is num.CheckScale's (the library's one), and an oracle price
// is never rounded to the left of the point, so a negative scale is
// refused too. The error carries no sentinel.
func scaleProblem(scale int32) error {
	if err := num.CheckScale(scale); err != nil {
		return fmt.Errorf("scale: %w", err)
	}
	if scale < 0 {
		return fmt.Errorf("scale %d: %w", scale, num.ErrNegative)
	}
	return nil
}

// checkScale validates a Settings Scale (0 to num.MaxScale, see
// scaleProblem) and returns it with 0 replaced by DefaultScale. The error
// carries no sentinel.
func checkScale(what string, scale int32) (int32, error) {
	if err := scaleProblem(scale); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	if scale == 0 {
		return DefaultScale, nil
	}
	return scale, nil
}

// clamp returns x limited to [lo, hi].
func clamp(x, lo, hi decimal.Decimal) decimal.Decimal {
	if x.Cmp(lo) < 0 {
		return lo
	}
	if x.Cmp(hi) > 0 {
		return hi
	}
	return x
}

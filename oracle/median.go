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
// to the even digit, neither side favoured) and clamped to [a, b]. An empty
// slice returns zero and false. The input is not modified.
func Median(prices []decimal.Decimal, scale int32) (decimal.Decimal, bool) {
	if len(prices) == 0 {
		return decimal.Zero, false
	}
	s := slices.Clone(prices)
	slices.SortFunc(s, decimal.Decimal.Cmp)
	return medianSorted(len(s), func(i int) decimal.Decimal { return s[i] }, scale), true
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
// source holding more than half of the weight decides it. Weights must be
// positive and as many as prices; otherwise it returns false. The inputs are
// not modified; equal prices keep their input order.
func WeightedMedian(prices, weights []decimal.Decimal) (decimal.Decimal, bool) {
	if len(prices) == 0 || len(prices) != len(weights) {
		return decimal.Zero, false
	}
	idx := make([]int, len(prices))
	total := decimal.Zero
	for i := range idx {
		if weights[i].Sign() <= 0 {
			return decimal.Zero, false
		}
		idx[i] = i
		total = total.Add(weights[i])
	}
	slices.SortStableFunc(idx, func(a, b int) int { return prices[a].Cmp(prices[b]) })
	return weightedMedianSorted(len(idx), func(i int) (decimal.Decimal, decimal.Decimal) {
		return prices[idx[i]], weights[idx[i]]
	}, total), true
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
// must lie in [0, 0.5); trim 0 is the plain mean. An empty slice or a trim
// out of range returns false.
func TrimmedMean(prices []decimal.Decimal, trim decimal.Decimal, scale int32) (decimal.Decimal, bool) {
	if len(prices) == 0 || trim.Sign() < 0 || trim.Cmp(half) >= 0 {
		return decimal.Zero, false
	}
	s := slices.Clone(prices)
	slices.SortFunc(s, decimal.Decimal.Cmp)
	return trimmedMeanSorted(len(s), func(i int) decimal.Decimal { return s[i] }, trim, scale), true
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

// checkScale validates a Settings Scale (0 to num.MaxScale) and returns it
// with 0 replaced by DefaultScale. what names the field in the error.
func checkScale(what string, scale int32) (int32, error) {
	if scale < 0 || scale > num.MaxScale {
		return 0, fmt.Errorf("%w: %s must lie in [0, %d], got %d", ErrInvalidSettings, what, num.MaxScale, scale)
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

package num

import (
	"errors"
	"fmt"
	"sort"

	"github.com/shopspring/decimal"
)

// ErrBadAllocation is returned by ProRata for an allocation that cannot be
// made exactly: a negative total or weight, weights that sum to zero, or a
// total with more decimal places than the allocation's scale.
var ErrBadAllocation = errors.New("bad pro-rata allocation")

// ProRata splits total among weights in proportion, in units of 10^-scale,
// by the largest-remainder (Hamilton) rule: each share is first rounded
// down, then the units left over go one each to the shares with the largest
// cut-off remainders, ties to the lower index.
//
// The shares sum to total exactly, each is within one unit of its exact
// proportion total × wᵢ / Σw, and a zero weight gets zero. The result is
// deterministic: it depends only on the order of weights, never on map
// order or chance.
func ProRata(total decimal.Decimal, weights []decimal.Decimal, scale int32) ([]decimal.Decimal, error) {
	if total.Sign() < 0 {
		return nil, fmt.Errorf("%w: negative total %s", ErrBadAllocation, total)
	}
	if !total.Equal(total.Truncate(scale)) {
		return nil, fmt.Errorf("%w: total %s has more than %d decimal places", ErrBadAllocation, total, scale)
	}
	sum := decimal.Zero
	for i, w := range weights {
		if w.Sign() < 0 {
			return nil, fmt.Errorf("%w: negative weight %s at %d", ErrBadAllocation, w, i)
		}
		sum = sum.Add(w)
	}
	shares := make([]decimal.Decimal, len(weights))
	if total.Sign() == 0 {
		for i := range shares {
			shares[i] = decimal.Zero
		}
		return shares, nil
	}
	if sum.Sign() == 0 {
		return nil, fmt.Errorf("%w: weights sum to zero", ErrBadAllocation)
	}
	rems := make([]decimal.Decimal, len(weights))
	given := decimal.Zero
	for i, w := range weights {
		exact := total.Mul(w)
		shares[i] = DivFloor(exact, sum, scale)
		rems[i] = exact.Sub(shares[i].Mul(sum))
		given = given.Add(shares[i])
	}
	unit := decimal.New(1, -scale)
	left := total.Sub(given).Shift(scale).IntPart() // fewer than len(weights)
	if left == 0 {
		return shares, nil
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return rems[order[a]].Cmp(rems[order[b]]) > 0
	})
	for k := int64(0); k < left; k++ {
		i := order[k]
		shares[i] = shares[i].Add(unit)
	}
	return shares, nil
}

package backstop

import (
	"math/big"
	"sort"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// sortRanked sorts by score descending, then account ascending. Scores are
// first brought to one common exponent as integers and, when they fit, to
// 128-bit keys (fixed.KeyAt), so the sort compares machine words without
// allocating; otherwise as big integers.
func sortRanked(r []Ranked) {
	if len(r) < 2 {
		return
	}
	minExp := r[0].Score.Exponent()
	for _, x := range r[1:] {
		if e := x.Score.Exponent(); e < minExp {
			minExp = e
		}
	}
	keys := make([]fixed.Key, len(r))
	fits := true
	for i, x := range r {
		k, ok := fixed.KeyAt(x.Score, minExp)
		keys[i], fits = k, fits && ok
	}
	idx := make([]int32, len(r))
	for i := range idx {
		idx[i] = int32(i)
	}
	var less func(a, b int32) bool
	if fits {
		less = func(a, b int32) bool {
			if c := keys[a].Cmp(keys[b]); c != 0 {
				return c > 0
			}
			return r[a].Position.Account < r[b].Position.Account
		}
	} else {
		ints := make([]*big.Int, len(r))
		for i, x := range r {
			ints[i] = scaledInt(x.Score, minExp)
		}
		less = func(a, b int32) bool {
			if c := ints[a].Cmp(ints[b]); c != 0 {
				return c > 0
			}
			return r[a].Position.Account < r[b].Position.Account
		}
	}
	sort.Slice(idx, func(i, j int) bool { return less(idx[i], idx[j]) })
	sorted := make([]Ranked, len(r))
	for i, k := range idx {
		sorted[i] = r[k]
	}
	copy(r, sorted)
}

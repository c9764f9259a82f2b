package liquidation

import (
	"errors"
	"math"
	"math/big"
	"testing"
	"time"
)

// Issue 10 items 10 and 11: rpow refuses, within milliseconds, what dss
// abaci.sol rpow reverts on. Before the fix rpow(2^400, 1e6) ran for
// minutes (twenty squarings of a 400-bit number: a 400·2^20-bit result)
// and rpow(nil, 5) panicked.
func TestRpowRefusesWhatMakerReverts(t *testing.T) {
	pow2 := func(k uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), k) }
	tests := []struct {
		name string
		x    *big.Int
		n    uint64
	}{
		{"nil base (panicked)", nil, 5},
		{"negative base", big.NewInt(-1), 3},
		{"2^400 (hung)", pow2(400), 1_000_000},
		{"2^256: not a uint256", pow2(256), 1},
		{"2^128 squared: shr(128, x) reverts", pow2(128), 2},
		{"2^127 to the 1e6: the second square overflows", pow2(127), 1_000_000},
		{"2^127 to the max exponent", pow2(127), math.MaxUint64},
		{"2^127 to the 2^40: forty squarings and no product", pow2(127), 1 << 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			z, err := rpow(tc.x, tc.n)
			if !errors.Is(err, ErrInvalidInput) || z != nil {
				t.Fatalf("rpow = %v, %v; want ErrInvalidInput", z, err)
			}
			if el := time.Since(start); el > 50*time.Millisecond {
				t.Fatalf("took %s", el)
			}
		})
	}
}

// The boundaries of the bounds, as dss rpow: a base just below 2^128 may
// be squared; any base below 2^256 is returned as is for n = 1; a factor
// ≤ RAY never fails, for any exponent.
func TestRpowBoundaries(t *testing.T) {
	below := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	if _, err := rpow(below, 2); err != nil {
		t.Errorf("(2^128 − 1)^2: %v", err)
	}
	top := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))
	if z, err := rpow(top, 1); err != nil || z.Cmp(top) != 0 {
		t.Errorf("(2^256 − 1)^1 = %v, %v", z, err)
	}
	for _, x := range []*big.Int{ray, rayFromDecimal(d("0.999999999999999999999999999")), big.NewInt(1)} {
		start := time.Now()
		if _, err := rpow(x, math.MaxUint64); err != nil || time.Since(start) > 50*time.Millisecond {
			t.Errorf("rpow(%s, max): %v in %s", x, err, time.Since(start))
		}
	}
}

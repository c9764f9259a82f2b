package oracle

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
)

// FuzzImpactPrice feeds host-shaped book levels (any order, any sign, any
// exponent) to ImpactPrice and BookPremium: they never panic or hang, a
// refusal wraps ErrInvalidInput or ErrThinBook, and an impact price lies
// between the best price and the last level walked.
func FuzzImpactPrice(f *testing.F) {
	f.Add(int64(100), int64(1), int32(0), int64(101), int64(2), int32(0), int64(250), int32(0), false)
	f.Add(int64(100), int64(1), int32(-2), int64(99), int64(5), int32(-3), int64(1), int32(40), true)
	f.Add(int64(-1), int64(0), int32(1<<30), int64(1), int64(1), int32(0), int64(0), int32(0), true)
	f.Fuzz(func(t *testing.T, p1, s1 int64, e1 int32, p2, s2 int64, e2 int32, n int64, en int32, bids bool) {
		side := Asks
		if bids {
			side = Bids
		}
		levels := []Level{{Price: decimal.New(p1, e1), Size: decimal.New(s1, e1)}, {Price: decimal.New(p2, e2), Size: decimal.New(s2, e2)}}
		notional := decimal.New(n, en)
		got, err := ImpactPrice(side, levels, notional, 12)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrThinBook) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		lo, hi := levels[0].Price, levels[1].Price
		if lo.Cmp(hi) > 0 {
			lo, hi = hi, lo
		}
		if got.Cmp(lo) < 0 || got.Cmp(hi) > 0 {
			t.Fatalf("impact price %s outside the levels [%s, %s]", got, lo, hi)
		}
		if _, err := (PremiumSettings{ImpactNotional: notional, Thin: ThinSideNeutral}).Sample(levels[0].Price, nil, levels); err != nil && !bids {
			if !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("sample: %v", err)
			}
		}
	})
}

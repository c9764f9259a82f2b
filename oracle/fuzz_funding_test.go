package oracle

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// FuzzComputeFunding feeds arbitrary settings and samples: never a panic
// or a hang; a refusal wraps ErrInvalidSettings, ErrInvalidInput or
// ErrNoPrice; a rate stays within its cap and what is paid within the rate.
func FuzzComputeFunding(f *testing.F) {
	f.Add(int64(8*time.Hour), int64(0), 0, 0, int32(0), int64(75), int32(-4), int64(1), int32(-4), 0, 0, 0, int64(3), int32(-4), 3)
	f.Add(int64(time.Hour), int64(8*time.Hour), 60, 3600, int32(6), int64(12), int32(-2), int64(0), int32(0), 1, 1, 1, int64(-15), int32(-2), 30)
	f.Add(int64(1), int64(1), 1<<20, -1, int32(1<<30), int64(-1), int32(1<<30), int64(1), int32(-40), 9, 9, 9, int64(1), int32(1<<30), 1)
	f.Fuzz(func(t *testing.T, interval, period int64, minS, maxS int, scale int32, capM int64, capE int32,
		intM int64, intE int32, avg, formula, rounding int, pM int64, pE int32, n int) {
		s := FundingSettings{Market: "F", Interval: time.Duration(interval), RatePeriod: time.Duration(period),
			MinSamples: minS, MaxSamples: maxS, Scale: scale, Cap: decimal.New(capM, capE), Interest: decimal.New(intM, intE),
			Averaging: Averaging(avg), Formula: FundingFormula(formula), Rounding: Rounding(rounding)}
		if n < 0 || n > 200 {
			n = 200
		}
		ps := make([]decimal.Decimal, n)
		for i := range ps {
			ps[i] = decimal.New(pM+int64(i%7), pE)
		}
		r, err := ComputeFunding(s, ps)
		if err != nil {
			if !errors.Is(err, ErrInvalidSettings) && !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrNoPrice) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		v, err := s.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		if r.Rate.Abs().Cmp(v.Cap) > 0 || r.Paid.Abs().Cmp(r.Rate.Abs()) > 0 {
			t.Fatalf("rate %s paid %s cap %s", r.Rate, r.Paid, v.Cap)
		}
	})
}

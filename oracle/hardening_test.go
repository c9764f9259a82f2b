package oracle

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Regression tests for issue 10 (fail-safe at the seams) in oracle.

// within runs f and fails the test if it takes longer than limit (a refusal
// must come within milliseconds; the old code hung for minutes).
func within(t *testing.T, limit time.Duration, name string, f func()) {
	t.Helper()
	done := make(chan struct{})
	start := time.Now()
	go func() { defer close(done); f() }()
	select {
	case <-done:
		if el := time.Since(start); el > limit {
			t.Errorf("%s took %s, more than %s", name, el, limit)
		}
	case <-time.After(limit + 2*time.Second):
		t.Fatalf("%s still running after %s (hang)", name, limit+2*time.Second)
	}
}

// Issue 10 item 10: Median / TrimmedMean with a result scale of 1e8 hung
// (1e7 took 4 s). Every scale, count and decimal a host passes to the pure
// functions is bounded before any arithmetic and refused within
// milliseconds with ErrInvalidInput.
func TestPureAggregatesRefuseUnboundedInputFast(t *testing.T) {
	huge := decimal.New(1, 9999)                 // 1e9999
	tiny := decimal.New(1, -40)                  // 1e-40
	many := make([]decimal.Decimal, MaxValues+1) // one over the count bound
	for i := range many {
		many[i] = decimal.NewFromInt(int64(i + 1))
	}
	tests := []struct {
		name string
		call func() error
	}{
		{"Median scale 1e8", func() error { _, err := Median(decs("1", "2"), 100_000_000); return err }},
		{"Median scale 1e7", func() error { _, err := Median(decs("1", "2"), 10_000_000); return err }},
		{"Median scale MaxInt32", func() error { _, err := Median(decs("1", "2"), 1<<31-1); return err }},
		{"Median scale -1", func() error { _, err := Median(decs("1", "2"), -1); return err }},
		{"Median scale 37", func() error { _, err := Median(decs("1", "2"), 37); return err }},
		{"Median price 1e9999", func() error { _, err := Median([]decimal.Decimal{huge, d("1")}, 2); return err }},
		{"Median price 1e-40", func() error { _, err := Median([]decimal.Decimal{tiny, d("1")}, 2); return err }},
		{"Median too many prices", func() error { _, err := Median(many, 2); return err }},
		{"Median empty", func() error { _, err := Median(nil, 2); return err }},
		{"TrimmedMean scale 1e8", func() error { _, err := TrimmedMean(decs("1", "2", "4"), decimal.Zero, 100_000_000); return err }},
		{"TrimmedMean scale -5", func() error { _, err := TrimmedMean(decs("1", "2", "4"), decimal.Zero, -5); return err }},
		{"TrimmedMean trim 1e9999", func() error { _, err := TrimmedMean(decs("1", "2"), huge, 2); return err }},
		{"TrimmedMean trim -1e-40", func() error { _, err := TrimmedMean(decs("1", "2"), tiny.Neg(), 2); return err }},
		{"TrimmedMean price 1e9999", func() error { _, err := TrimmedMean([]decimal.Decimal{huge}, decimal.Zero, 2); return err }},
		{"TrimmedMean too many prices", func() error { _, err := TrimmedMean(many, decimal.Zero, 2); return err }},
		{"WeightedMedian weight 1e9999", func() error { _, err := WeightedMedian(decs("1", "2"), []decimal.Decimal{huge, d("1")}); return err }},
		{"WeightedMedian price 1e9999", func() error { _, err := WeightedMedian([]decimal.Decimal{huge, d("1")}, decs("1", "1")); return err }},
		{"WeightedMedian weights short", func() error { _, err := WeightedMedian(decs("1", "2"), decs("1")); return err }},
		{"WeightedMedian weight -0", func() error {
			_, err := WeightedMedian(decs("1"), []decimal.Decimal{decimal.New(0, -3).Neg()})
			return err
		}},
	}
	for _, tc := range tests {
		within(t, 50*time.Millisecond, tc.name, func() {
			if err := tc.call(); !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s: err %v, want ErrInvalidInput", tc.name, err)
			}
		})
	}
	// The bounds are inclusive: scale 36 and MaxValues prices still work.
	if m, err := Median(decs("1", "2"), 36); err != nil || !m.Equal(d("1.5")) {
		t.Errorf("Median at scale 36 = %s, %v", m, err)
	}
	within(t, time.Second, "Median of MaxValues prices", func() {
		if m, err := Median(many[:MaxValues], 0); err != nil || !m.Equal(d("32768")) { // mean of 32768 and 32769, half-even
			t.Errorf("Median of MaxValues prices = %s, %v", m, err)
		}
	})
}

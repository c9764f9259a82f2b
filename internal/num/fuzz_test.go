package num

import (
	"testing"

	"github.com/shopspring/decimal"
)

// FuzzCheck feeds arbitrary host strings through parsing and Check: nothing
// panics, and whatever Check accepts is small enough that ordinary
// arithmetic with it stays cheap and in range.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{"1", "-0.5", "1e1000000", "0e-99999", "123456789012345678901234567890.123456", "1e36", "NaN", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return
		}
		if Check(d) != nil {
			return
		}
		if d.Exponent() < -MaxScale || d.Exponent() > MaxIntDigits {
			t.Fatalf("accepted %s with exponent %d", s, d.Exponent())
		}
		limit := decimal.New(1, MaxIntDigits)
		if d.Abs().Cmp(limit) >= 0 {
			t.Fatalf("accepted %s at or above 1e%d", s, MaxIntDigits)
		}
		_ = DivCeil(d.Add(decimal.NewFromInt(1)).Mul(d), decimal.NewFromInt(7), MaxScale)
	})
}

package backstop

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Issue 10 item 10: ProRata with scale 1e9 and Socialise with scale 1e8
// hung (num.DivFloor at a billion places). Every scale a host passes is
// bounded by internal/num's MaxScale / MaxIntDigits and refused at once.
func TestHugeScalesRefusedWithinMilliseconds(t *testing.T) {
	one := decimal.NewFromInt(1)
	total := one
	ws := []decimal.Decimal{decimal.NewFromInt(1), decimal.NewFromInt(2)}
	calls := map[string]func(scale int32) error{
		"ProRata": func(s int32) error { _, err := proRataExact(total, ws, s); return err },
		"proRataCapped": func(s int32) error {
			_, err := proRataCapped(total, ws, []decimal.Decimal{total, total}, s)
			return err
		},
		"Socialise": func(s int32) error {
			_, err := Socialise(total, []Balance{{Account: "a", Amount: one}, {Account: "b", Amount: decimal.NewFromInt(3)}}, s)
			return err
		},
	}
	for name, call := range calls {
		for _, s := range []int32{1e9, 1e8, 37, -37, -1e9, 1<<31 - 1, -1 << 31} {
			start := time.Now()
			err := call(s)
			if !errors.Is(err, ErrInvalidInput) {
				t.Errorf("%s scale %d: err %v, want ErrInvalidInput", name, s, err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("%s scale %d took %v", name, s, d)
			}
		}
		for _, s := range []int32{36, 0, -36} { // the bounds themselves are accepted
			total = one
			if s < 0 {
				total = decimal.Zero // 1 is not a whole number of 10^36 units
			}
			if err := call(s); err != nil {
				t.Errorf("%s scale %d (at the bound): %v", name, s, err)
			}
		}
	}
}

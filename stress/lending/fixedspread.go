package lending

import (
	"time"

	"github.com/shopspring/decimal"
)

// fixedSpread is a placeholder until the fixed-spread mechanism lands.
type fixedSpread struct{ m *Model }

func (f *fixedSpread) check() error { return nil }
func (f *fixedSpread) open(time.Time) (decimal.Decimal, decimal.Decimal, int, error) {
	return decimal.Zero, decimal.Zero, 0, nil
}
func (f *fixedSpread) liquidate(time.Time, decimal.Decimal) (int, error)              { return 0, nil }
func (f *fixedSpread) tick(time.Time, decimal.Decimal, decimal.Decimal) error         { return nil }
func (f *fixedSpread) act(time.Time, *keeper, decimal.Decimal, decimal.Decimal) error { return nil }

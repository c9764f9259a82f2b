package liquidation

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// divFloor is a / b rounded down to scale places (b > 0).
func divFloor(a, b decimal.Decimal, scale int32) decimal.Decimal {
	return num.DivFloor(a, b, scale)
}

package backstop

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// SharedPosition is the size of one bankrupt position still to be handed
// over by position-transfer layers. Give the same *SharedPosition to a
// BackstopPool layer (BackstopPool.SharedLayer) and an ADLLayer
// (ADLSettings.Shared) in one waterfall, and the providers and the
// deleveraged counterparties together never take more than the position:
// what the providers take over is no longer there to deleverage (FTX
// closed against BLPs first and deleveraged only what they could not hold).
// Not safe for concurrent use.
type SharedPosition struct {
	left decimal.Decimal
}

// NewSharedPosition starts with |size| to hand over.
func NewSharedPosition(size decimal.Decimal) (*SharedPosition, error) {
	if err := num.Check(size); err != nil { // never print an out-of-range value: formatting it can hang
		return nil, wrap(ErrInvalidInput, err, "shared position size")
	}
	if size.Sign() == 0 {
		return nil, fmt.Errorf("%w: shared position size %s", ErrInvalidInput, size)
	}
	return &SharedPosition{left: size.Abs()}, nil
}

// Remaining is the size not yet handed over.
func (s *SharedPosition) Remaining() decimal.Decimal { return s.left }

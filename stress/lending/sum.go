package lending

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
)

// summer adds decimals exactly, in the library's fixed-point kernel while
// every term and the running sum fit it (internal/fixed), falling back to
// decimal arithmetic — never to a rounded result — when one does not.
// Check adds the whole book every tick; this keeps that cheap.
type summer struct {
	acc  fixed.Num
	dec  decimal.Decimal
	slow bool
}

// add adds d.
func (s *summer) add(d decimal.Decimal) {
	if !s.slow {
		if n, ok := fixed.FromDecimal(d); ok {
			if a, ok := fixed.Add(s.acc, n); ok {
				s.acc = a
				return
			}
		}
		s.slow, s.dec = true, s.acc.Decimal()
	}
	s.dec = s.dec.Add(d)
}

// sum returns the exact sum.
func (s *summer) sum() decimal.Decimal {
	if s.slow {
		return s.dec
	}
	return s.acc.Decimal()
}

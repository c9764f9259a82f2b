package portfolio

import (
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Notional returns the gross notional of a book at the arrays' marks, in
// settlement currency: positions are netted by instrument, then Σ |size ×
// ContractSize| × price for linear futures and options, × 1 for inverse
// options (ContractSize is in coin) and / price for inverse futures
// (ContractSize is in quote currency), rounded up at the Engine's scale.
// RiskArray instruments add nothing (their size in the underlying is not
// known). It is the base a liquidation penalty is charged on when a
// liquidation engine closes a slice of the whole book (join.OptionsAccount).
// Errors are Requirement's.
func (a *Arrays) Notional(positions []Position) (decimal.Decimal, error) {
	b, err := a.netBook(positions)
	if err != nil {
		return decimal.Zero, err
	}
	e := a.e
	total := decimal.Zero
	for _, np := range b.net {
		in := e.insts[np.inst]
		if in.Kind == RiskArray {
			continue
		}
		q := np.size.Mul(in.ContractSize).Abs()
		price := b.unders[b.uPos[e.instUnder[np.inst]]].u.price
		switch {
		case !in.Inverse:
			q = q.Mul(price)
		case in.Kind == Future:
			q = num.Div(q, price, e.scale, num.Ceil)
		}
		total = total.Add(q)
	}
	return num.Round(total, e.scale, num.Ceil), nil
}

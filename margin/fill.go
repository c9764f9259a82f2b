package margin

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Order is a change to one position: Size contracts bought (> 0) or sold
// (< 0) at Price.
type Order struct {
	// Market is the market ID.
	Market string `json:"market"`
	// Size is the signed change; non-zero.
	Size decimal.Decimal `json:"size"`
	// Price is the fill price; zero means the current mark.
	Price decimal.Decimal `json:"price"`
	// Isolated opens a new position in isolated mode. An existing position
	// keeps its mode, through a flip too (the mode belongs to the market,
	// as on Binance and Bybit).
	Isolated bool `json:"isolated,omitempty"`
	// Leverage for a new position (zero: tier maximum), or a new leverage
	// for the side a flip opens. Otherwise an existing position keeps its
	// leverage.
	Leverage decimal.Decimal `json:"leverage"`
}

// FillResult is an account after a fill.
type FillResult struct {
	// Account is the new account (a copy; the input is never modified).
	Account Account `json:"account"`
	// Realised is the PnL realised by the reduced or closed part, rounded
	// down.
	Realised decimal.Decimal `json:"realised"`
	// Position is the resulting position; zero Size when it was closed.
	Position Position `json:"position"`
	// Shortfall is the loss an isolated position realised beyond its
	// isolated margin (≥ 0). It is NOT charged to the wallet: an isolated
	// position's loss is capped at its margin (Binance "Cross Margin and
	// Isolated Margin Mode": in isolated mode the loss is limited to the
	// margin placed in the position; Bybit "Isolated Margin Mode" likewise),
	// so the venue's loss waterfall (insurance fund, backstop) must absorb
	// it. Zero for cross positions, whose losses settle to the wallet.
	Shortfall decimal.Decimal `json:"shortfall"`
}

// ApplyFill applies an order filled at price to the account and returns
// the resulting account, one-way mode:
//
//   - same side or new: the size grows and the entry price becomes the
//     size-weighted average (Linear: Σ|q|·E / Σ|q|; Inverse, harmonic:
//     Σ|q| / Σ(|q|/E)), rounded against the trader (a long's up, a short's
//     down) at the Calculator's PriceScale;
//   - opposite side: the closed part realises size × c × (price − entry)
//     (Linear) or size × c × (1/entry − 1/price) (Inverse), rounded down;
//     a flip closes the whole position and opens the remainder at price.
//
// Cross PnL settles to the wallet. An isolated position absorbs its own
// realised PnL, releases margin in proportion to the size closed (rounded
// down) and returns all of it when closed; a loss beyond its margin is
// never charged to the wallet: it is returned as Shortfall, for the loss
// waterfall. Growing an isolated position moves margin from the
// wallet until the position's margin covers its initial requirement valued
// at price (rounded up).
func (c *Calculator) ApplyFill(a Account, o Order, price decimal.Decimal) (FillResult, error) {
	if err := c.ready(); err != nil {
		return FillResult{}, err
	}
	m, err := c.market(o.Market)
	if err != nil {
		return FillResult{}, err
	}
	if err := c.ValidateAccount(a); err != nil {
		return FillResult{}, err
	}
	if err := checkOrder(o); err != nil {
		return FillResult{}, err
	}
	if err := num.CheckPositive(price); err != nil {
		return FillResult{}, fmt.Errorf("%w: fill price: %w", ErrInvalidInput, err)
	}
	return c.applyFill(m, a, o, price)
}

// applyFill is ApplyFill on a validated account, order and price.
func (c *Calculator) applyFill(m *market, a Account, o Order, price decimal.Decimal) (FillResult, error) {
	if len(a.Positions) > 0 {
		if err := sameSettlement(c.markets[a.Positions[0].Market], m); err != nil {
			return FillResult{}, err
		}
	}
	out := a.Clone()
	idx := -1
	for i := range out.Positions {
		if out.Positions[i].Market == o.Market {
			idx = i
		}
	}
	res := FillResult{Realised: decimal.Zero, Shortfall: decimal.Zero}
	var pos Position
	if idx < 0 {
		pos = Position{Market: o.Market, Size: o.Size, EntryPrice: price, Isolated: o.Isolated, Margin: decimal.Zero, Leverage: o.Leverage}
	} else {
		old := out.Positions[idx]
		pos = old
		sameSide := old.Size.Sign() == o.Size.Sign()
		switch {
		case sameSide:
			pos.Size = old.Size.Add(o.Size)
			pos.EntryPrice = c.averageEntry(m, old.Size, old.EntryPrice, o.Size, price)
		default:
			closed := num.MinOf(old.Size.Abs(), o.Size.Abs())
			closedSigned := closed
			if old.Size.Sign() < 0 {
				closedSigned = closed.Neg()
			}
			res.Realised = m.pnl(closedSigned, old.EntryPrice, price, c.scale)
			rest := old.Size.Add(o.Size)
			if old.Isolated {
				m1 := old.Margin.Add(res.Realised)
				released := num.MaxOf(m1, decimal.Zero) // a full close releases what is left
				if rest.Sign() == old.Size.Sign() {
					// A partial close releases the closed fraction of the
					// position's equity (margin + PnL at the fill price),
					// rounded down, and nothing when the equity is not
					// positive, so the rest keeps its share exactly: it is
					// no closer to liquidation than before. (Releasing a
					// share of the margin after the realised loss, as this
					// did before, paid the wallet margin that the rest
					// still needed: a losing position reduced by half went
					// bankrupt and the waterfall paid the wallet.)
					equity := old.Margin.Add(m.pnl(old.Size, old.EntryPrice, price, c.scale))
					released = decimal.Zero
					if equity.Sign() > 0 {
						released = num.Div(equity.Mul(closed), old.Size.Abs(), c.scale, num.Floor)
					}
				}
				if m1.Sub(released).Sign() < 0 { // loss beyond the isolated margin: capped, a shortfall
					res.Shortfall = m1.Sub(released).Neg()
					m1 = released
				}
				out.Wallet = out.Wallet.Add(released)
				pos.Margin = m1.Sub(released)
			} else {
				out.Wallet = out.Wallet.Add(res.Realised)
			}
			pos.Size = rest
			if rest.Sign() != 0 && rest.Sign() != old.Size.Sign() { // flip: the market keeps its mode
				lev := old.Leverage
				if !o.Leverage.IsZero() {
					lev = o.Leverage
				}
				pos = Position{Market: o.Market, Size: rest, EntryPrice: price, Isolated: old.Isolated, Margin: decimal.Zero, Leverage: lev}
			}
		}
	}
	if pos.Size.IsZero() {
		out.Positions = append(out.Positions[:idx], out.Positions[idx+1:]...)
		res.Account = out
		res.Position = Position{Market: o.Market, Size: decimal.Zero, EntryPrice: decimal.Zero, Margin: decimal.Zero, Leverage: decimal.Zero}
		return res, nil
	}
	if pos.Isolated {
		basis := price
		if m.basis == EntryValue {
			basis = pos.EntryPrice
		}
		_, _, _, im := m.requirement(pos.Size.Abs(), basis, pos.Leverage, c.scale)
		if grew := idx < 0 || pos.Size.Abs().Cmp(a.Positions[idx].Size.Abs()) > 0 || pos.Size.Sign() != a.Positions[idx].Size.Sign(); grew && pos.Margin.Cmp(im) < 0 {
			top := im.Sub(pos.Margin)
			out.Wallet = out.Wallet.Sub(top)
			pos.Margin = im
		}
	}
	if idx < 0 {
		out.Positions = append(out.Positions, pos)
	} else {
		out.Positions[idx] = pos
	}
	res.Account, res.Position = out, pos
	return res, nil
}

func checkOrder(o Order) error {
	if err := num.Check(o.Size); err != nil {
		return fmt.Errorf("%w: order size: %w", ErrInvalidInput, err)
	}
	if o.Size.IsZero() {
		return fmt.Errorf("%w: order size is zero", ErrInvalidInput)
	}
	if err := num.CheckNonNegative(o.Price); err != nil {
		return fmt.Errorf("%w: order price: %w", ErrInvalidInput, err)
	}
	if err := num.CheckNonNegative(o.Leverage); err != nil { // never print an out-of-range value: formatting it can hang
		return fmt.Errorf("%w: order leverage: %w", ErrInvalidInput, err)
	}
	if !o.Leverage.IsZero() && o.Leverage.Cmp(decOne) < 0 {
		return fmt.Errorf("%w: order leverage %s must be 0 or ≥ 1", ErrInvalidInput, o.Leverage)
	}
	return nil
}

// averageEntry returns the entry price of q1 at e1 plus q2 at e2 (same
// sign), rounded against the trader.
func (c *Calculator) averageEntry(m *market, q1, e1, q2, e2 decimal.Decimal) decimal.Decimal {
	r := num.Ceil
	if q1.Sign() < 0 {
		r = num.Floor
	}
	a1, a2 := q1.Abs(), q2.Abs()
	if m.kind == Linear {
		return num.Div(a1.Mul(e1).Add(a2.Mul(e2)), a1.Add(a2), c.priceScale, r)
	}
	// (a1 + a2) / (a1/e1 + a2/e2) = (a1 + a2)·e1·e2 / (a1·e2 + a2·e1)
	return num.Div(a1.Add(a2).Mul(e1).Mul(e2), a1.Mul(e2).Add(a2.Mul(e1)), c.priceScale, r)
}

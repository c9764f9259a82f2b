package margin

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"
)

// PriceStatus says whether a liquidation or bankruptcy price exists.
type PriceStatus int

const (
	// PriceFound: Price holds the answer.
	PriceFound PriceStatus = iota
	// PriceNever: no positive price triggers it ("no liquidation price",
	// for example a long backed by more than its full value, or an inverse
	// short whose loss can never exhaust its margin).
	PriceNever
	// PriceAlways: it is triggered at every positive price (the account
	// cannot carry the position anywhere).
	PriceAlways
)

// String names the status.
func (s PriceStatus) String() string {
	switch s {
	case PriceFound:
		return "found"
	case PriceNever:
		return "never"
	case PriceAlways:
		return "always"
	}
	return fmt.Sprintf("PriceStatus(%d)", int(s))
}

// TriggerPrice is a liquidation or bankruptcy price, or the explicit
// answer that there is none. Price is zero unless Status is PriceFound.
type TriggerPrice struct {
	// Status says whether a price exists (PriceFound) or why not.
	Status PriceStatus `json:"status"`
	// Price is the price on the market's tick, rounded in the venue's
	// favour (a long's up, a short's down); zero unless PriceFound.
	Price decimal.Decimal `json:"price"`
}

// Found reports Status == PriceFound.
func (t TriggerPrice) Found() bool { return t.Status == PriceFound }

// String prints the price, or "never" / "always".
func (t TriggerPrice) String() string {
	if t.Found() {
		return t.Price.String()
	}
	return t.Status.String()
}

// PositionPrices are the liquidation and bankruptcy prices of one position.
type PositionPrices struct {
	// Liquidation is where the margin balance equals maintenance:
	// for a cross position, account equity = account maintenance with the
	// other marks held; for an isolated one, Margin + PnL = maintenance.
	Liquidation TriggerPrice `json:"liquidation"`
	// Bankruptcy is where that margin balance is zero.
	Bankruptcy TriggerPrice `json:"bankruptcy"`
}

// LiquidationPrices returns the liquidation and bankruptcy prices of the
// account's position in a market, one-way mode, with every other mark and
// every collateral value held at the PriceSource's current price (an
// isolated position needs no price at all).
//
// Formulas (one equation per tier, see solveInput): Binance "How to
// Calculate Liquidation Price of USDⓈ-M Futures Contracts" and the COIN-M
// page; Bybit "Liquidation Price (USDT Contract)" (isolated: Entry ×
// (1 − IMR + MMR)) and "Bankruptcy Price" (Entry × (1 − IMR)); the BitMEX
// cross example (long 20 at 1,000, wallet 10,000, 1%: 510 / 500).
//
// With a mark-valued tier table the closed form is solved for every tier
// and kept where the notional at the root falls in that tier. Prices are
// rounded to the market's TickSize: a long's up, a short's down, so the
// venue liquidates no later than the exact price. "No price" is an explicit
// PriceNever / PriceAlways, never a negative number.
//
// Errors: ErrUnknownMarket, ErrNoPosition, ErrInvalidInput (bad account),
// ErrPrice, ErrAboveLastCap (a current position beyond the last cap).
func (c *Calculator) LiquidationPrices(now time.Time, a Account, marketID string) (PositionPrices, error) {
	if err := c.ready(); err != nil {
		return PositionPrices{}, err
	}
	m, err := c.market(marketID)
	if err != nil {
		return PositionPrices{}, err
	}
	if err := c.ValidateAccount(a); err != nil {
		return PositionPrices{}, err
	}
	var pos *Position
	for i := range a.Positions {
		if a.Positions[i].Market == marketID {
			pos = &a.Positions[i]
		}
	}
	if pos == nil {
		return PositionPrices{}, fmt.Errorf("%w: market %q", ErrNoPosition, marketID)
	}
	in := solveInput{kind: m.kind, long: pos.Size.Sign() > 0, entry: pos.EntryPrice}
	in.qc = pos.Size
	if !m.csIsOne {
		in.qc = in.qc.Mul(m.cs)
	}
	in.absQc = in.qc.Abs()

	var equityBase, otherMaint, ownEntryMaint decimal.Decimal
	if pos.Isolated {
		equityBase, otherMaint = pos.Margin, decimal.Zero
		if m.basis == EntryValue {
			_, _, ownEntryMaint, _ = m.requirement(pos.Size.Abs(), pos.EntryPrice, decimal.Zero, c.scale)
		}
	} else {
		// One read of the mark serves both the account and the position,
		// so a feed moving between reads cannot skew equity − own PnL.
		mark, err := c.price(marketID, now)
		if err != nil {
			return PositionPrices{}, err
		}
		s, err := c.summaryMode(a, now, marketID, mark, false)
		if err != nil {
			return PositionPrices{}, err
		}
		var ownPnL, ownMaint decimal.Decimal
		if fv, ok := m.valueFast(pos, mark, c.scale); ok {
			ownPnL, ownMaint = fv.pnl.Decimal(), fv.mmnt.Decimal() // only the two figures needed
		} else {
			v := m.value(pos, mark, c.scale)
			ownPnL, ownMaint = v.pnl, v.maintenance
		}
		equityBase = s.Equity.Sub(ownPnL)
		otherMaint = s.Maintenance.Sub(ownMaint)
		ownEntryMaint = ownMaint
	}

	var out PositionPrices
	in.base = equityBase
	in.prepare()
	out.Bankruptcy = solveFlat(&in, decimal.Zero, m.tick)
	in.base = equityBase.Sub(otherMaint)
	in.prepare()
	if m.basis == EntryValue {
		out.Liquidation = solveFlat(&in, ownEntryMaint.Neg(), m.tick)
	} else if m.sched.rule == Marginal {
		out.Liquidation = solveMarginal(&in, m.sched, m.tick)
	} else {
		out.Liquidation = solveTiers(&in, m.sched, m.tick)
	}
	return out, nil
}

package margin

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// PositionSummary is one position valued at its mark price.
type PositionSummary struct {
	// Market is the market ID.
	Market string `json:"market"`
	// Size is the signed size.
	Size decimal.Decimal `json:"size"`
	// Mark is the mark price used.
	Mark decimal.Decimal `json:"mark"`
	// Isolated tells whether the position is isolated.
	Isolated bool `json:"isolated,omitempty"`
	// Tier is the 0-based tier of the notional the maintenance is valued at
	// (the last tier when AboveLastCap).
	Tier int `json:"tier"`
	// AboveLastCap is true when that notional is above the market's last
	// tier cap: the position is margined at the last tier, continued
	// (notional × last rate − last cum), and must be reduced now. Pre-trade
	// checks refuse any order that grows it.
	AboveLastCap bool `json:"above_last_cap,omitempty"`
	// Notional is |size| × contract size × mark (Linear) or / mark
	// (Inverse), rounded up.
	Notional decimal.Decimal `json:"notional"`
	// UnrealisedPnL is size × contract size × (mark − entry) (Linear) or
	// size × contract size × (1/entry − 1/mark) (Inverse), rounded down.
	UnrealisedPnL decimal.Decimal `json:"unrealised_pnl"`
	// Initial is the initial requirement, rounded up.
	Initial decimal.Decimal `json:"initial"`
	// Maintenance is the maintenance requirement, rounded up.
	Maintenance decimal.Decimal `json:"maintenance"`
	// Equity is Margin + UnrealisedPnL for an isolated position; zero for a
	// cross position (whose equity is the account's).
	Equity decimal.Decimal `json:"equity"`
	// Liquidatable is true for an isolated position with Maintenance > 0
	// and Equity < Maintenance; always false for a cross position.
	Liquidatable bool `json:"liquidatable,omitempty"`
}

// Summary is an account valued at the current prices. The account-level
// fields describe the cross part (wallet, collateral and cross positions);
// each isolated position is judged on its own in Positions.
type Summary struct {
	// Equity = Wallet + Σ cross UnrealisedPnL + CollateralValue, each term
	// rounded down.
	Equity decimal.Decimal `json:"equity"`
	// CollateralValue = Σ amount × price × ratio, each rounded down.
	CollateralValue decimal.Decimal `json:"collateral_value"`
	// UnrealisedPnL = Σ cross UnrealisedPnL.
	UnrealisedPnL decimal.Decimal `json:"unrealised_pnl"`
	// Initial = Σ cross Initial (each rounded up).
	Initial decimal.Decimal `json:"initial"`
	// Maintenance = Σ cross Maintenance (each rounded up).
	Maintenance decimal.Decimal `json:"maintenance"`
	// FreeCollateral = Equity − Initial; negative when the account is below
	// initial margin (dYdX "free collateral").
	FreeCollateral decimal.Decimal `json:"free_collateral"`
	// InitialCollateralised is Equity ≥ Initial (cross part).
	InitialCollateralised bool `json:"initial_collateralised"`
	// Liquidatable is Maintenance > 0 and Equity < Maintenance (cross part).
	// An account with no cross positions is never liquidatable, whatever
	// its equity.
	Liquidatable bool `json:"liquidatable"`
	// IsolatedLiquidatable is true when any isolated position is
	// liquidatable (see Positions).
	IsolatedLiquidatable bool `json:"isolated_liquidatable,omitempty"`
	// MustReduce is true when any position, cross or isolated, is above its
	// market's last tier cap (PositionSummary.AboveLastCap): the venue must
	// reduce it now, whether or not the account is liquidatable. Feed it to
	// the liquidation engine's "must be reduced" input.
	MustReduce bool `json:"must_reduce,omitempty"`
	// Positions are the positions in account order.
	Positions []PositionSummary `json:"positions"`
}

// MarginRatio returns Maintenance / Equity rounded up at scale places (the
// Binance "margin ratio": 100% means liquidation). ok is false when the
// ratio is unbounded (Maintenance > 0 and Equity ≤ 0). With no maintenance
// the ratio is 0. scale is clamped to [0, num.MaxScale].
func (s Summary) MarginRatio(scale int32) (ratio decimal.Decimal, ok bool) {
	scale = min(max(scale, 0), num.MaxScale)
	if checkAll(s.Maintenance, s.Equity) != nil { // never divide an absurd value
		return decimal.Zero, false
	}
	if s.Maintenance.Sign() == 0 {
		return decimal.Zero, true
	}
	if s.Equity.Sign() <= 0 {
		return decimal.Zero, false
	}
	return num.Div(s.Maintenance, s.Equity, scale, num.Ceil), true
}

// compareSummaries compares the risk of two summaries by Maintenance / Equity,
// using cross-multiplication (never a rounded ratio). It returns +1 when a
// is riskier than b, −1 when b is riskier, 0 when equal. An account with
// no maintenance has zero risk; one with maintenance and Equity ≤ 0 has
// unbounded risk, and two such are ordered by their deficit
// Maintenance − Equity. A figure out of range (num.Check: an absurd
// exponent, as from a hand-edited snapshot) ranks riskiest (fail closed).
func compareSummaries(a, b Summary) int {
	return compareRisk(a.Maintenance, a.Equity, b.Maintenance, b.Equity)
}

// CompareAccountRisk compares the risk of two accounts (Risk results) (for
// ordering accounts in a liquidation queue, riskiest first).
func CompareAccountRisk(a, b AccountRisk) int {
	return compareRisk(a.Maintenance, a.Equity, b.Maintenance, b.Equity)
}

func compareRisk(ma, ea, mb, eb decimal.Decimal) int {
	ra, rb := riskClass(ma, ea), riskClass(mb, eb)
	if ra != rb {
		if ra > rb {
			return 1
		}
		return -1
	}
	switch ra {
	case 0, 3:
		return 0
	case 2:
		return ma.Sub(ea).Cmp(mb.Sub(eb))
	}
	// Ma/Ea vs Mb/Eb with Ea, Eb > 0  ⇔  Ma·Eb vs Mb·Ea
	return ma.Mul(eb).Cmp(mb.Mul(ea))
}

func riskClass(m, e decimal.Decimal) int {
	switch {
	case checkAll(m, e) != nil:
		return 3
	case m.Sign() == 0:
		return 0
	case e.Sign() <= 0:
		return 2
	}
	return 1
}

// Summary values an account at the prices of the Calculator's PriceSource
// at now. The account is validated first; on any error nothing is
// returned. Rounding favours the venue: requirements up, PnL and collateral
// down.
//
// A position whose notional has moved above its market's last tier cap is
// margined at the last tier's rates, continued (for marginal tables
// notional × last rate − last cum), flagged AboveLastCap, and the account
// MustReduce; it is Liquidatable, like any other, when equity <
// maintenance. A number out of the table never makes an account
// unliquidatable (fail closed).
func (c *Calculator) Summary(now time.Time, a Account) (Summary, error) {
	if err := c.ValidateAccount(a); err != nil {
		return Summary{}, err
	}
	return c.summary(a, now, "", decimal.Zero)
}

// AccountRisk is the lean form of a Summary for hot loops (deciding who is
// liquidated at each price step): the same account-level figures and
// predicates, without per-position detail.
type AccountRisk struct {
	// Equity = Wallet + Σ cross PnL (each rounded down) + collateral
	// value (each rounded down), as Summary.Equity.
	Equity decimal.Decimal `json:"equity"`
	// Initial = Σ cross initial requirements, each rounded up.
	Initial decimal.Decimal `json:"initial"`
	// Maintenance = Σ cross maintenance requirements, each rounded up.
	Maintenance decimal.Decimal `json:"maintenance"`
	// FreeCollateral = Equity − Initial (negative below initial margin).
	FreeCollateral decimal.Decimal `json:"free_collateral"`
	// InitialCollateralised is Equity ≥ Initial.
	InitialCollateralised bool `json:"initial_collateralised"`
	// Liquidatable is Maintenance > 0 and Equity < Maintenance; never
	// true without cross positions.
	Liquidatable bool `json:"liquidatable"`
	// IsolatedLiquidatable is true when any isolated position is
	// liquidatable.
	IsolatedLiquidatable bool `json:"isolated_liquidatable,omitempty"`
	// MustReduce is true when any position is above its market's last tier
	// cap (see Summary.MustReduce).
	MustReduce bool `json:"must_reduce,omitempty"`
}

// Risk values an account like Summary but returns only the account-level
// figures, allocating far less (see the package README for figures). The
// numbers are identical to Summary's.
func (c *Calculator) Risk(now time.Time, a Account) (AccountRisk, error) {
	if err := c.ValidateAccount(a); err != nil {
		return AccountRisk{}, err
	}
	s, err := c.summaryMode(a, now, "", decimal.Zero, false)
	if err != nil {
		return AccountRisk{}, err
	}
	return AccountRisk{
		Equity: s.Equity, Initial: s.Initial, Maintenance: s.Maintenance, FreeCollateral: s.FreeCollateral,
		InitialCollateralised: s.InitialCollateralised, Liquidatable: s.Liquidatable, IsolatedLiquidatable: s.IsolatedLiquidatable,
		MustReduce: s.MustReduce,
	}, nil
}

// summary values a validated account. When override is non-empty, that
// market is marked at overridePrice instead of the PriceSource.
func (c *Calculator) summary(a Account, now time.Time, override string, overridePrice decimal.Decimal) (Summary, error) {
	return c.summaryMode(a, now, override, overridePrice, true)
}

// summaryMode is summary; without detail, Positions is left nil and
// linear positions on the fast path build no per-position decimals. The
// account totals are summed and compared in the kernel while they fit, so the
// lean path allocates only for the figures it returns.
func (c *Calculator) summaryMode(a Account, now time.Time, override string, overridePrice decimal.Decimal, detail bool) (Summary, error) {
	var s Summary
	if detail {
		s.Positions = make([]PositionSummary, len(a.Positions))
	}
	var col, pnl, im, mm sumAcc
	for _, cl := range a.Collateral {
		if cl.Amount.IsZero() {
			continue
		}
		p, err := c.price(cl.Asset, now)
		if err != nil {
			return Summary{}, err
		}
		col.addDec(roundFloor(cl.Amount.Mul(p).Mul(cl.Ratio), c.scale))
	}
	for i := range a.Positions {
		pos := &a.Positions[i]
		m := c.markets[pos.Market]
		p := overridePrice
		if override == "" || pos.Market != override {
			var err error
			if p, err = c.price(pos.Market, now); err != nil {
				return Summary{}, err
			}
		}
		fv, fast := m.valueFast(pos, p, c.scale)
		if fast {
			s.MustReduce = s.MustReduce || fv.above
		}
		if fast && !detail {
			if pos.Isolated {
				s.IsolatedLiquidatable = s.IsolatedLiquidatable || (fv.mmnt.M > 0 && isoBelow(pos.Margin, fv.pnl, fv.mmnt))
			} else {
				pnl.addFx(fv.pnl)
				im.addFx(fv.initial)
				mm.addFx(fv.mmnt)
			}
			continue
		}
		var v posValue
		if fast {
			v = fv.value()
		} else {
			v = m.value(pos, p, c.scale)
			s.MustReduce = s.MustReduce || v.above
		}
		ps := PositionSummary{Market: pos.Market, Size: pos.Size, Mark: p, Isolated: pos.Isolated, Tier: v.tier, AboveLastCap: v.above,
			Notional: v.notional, UnrealisedPnL: v.pnl, Initial: v.initial, Maintenance: v.maintenance, Equity: decimal.Zero}
		switch {
		case pos.Isolated:
			ps.Equity = pos.Margin.Add(ps.UnrealisedPnL)
			ps.Liquidatable = ps.Maintenance.Sign() > 0 && ps.Equity.Cmp(ps.Maintenance) < 0
			s.IsolatedLiquidatable = s.IsolatedLiquidatable || ps.Liquidatable
		case fast:
			pnl.addFx(fv.pnl)
			im.addFx(fv.initial)
			mm.addFx(fv.mmnt)
		default:
			pnl.addDec(v.pnl)
			im.addDec(v.initial)
			mm.addDec(v.maintenance)
		}
		if detail {
			s.Positions[i] = ps
		}
	}
	// Equity = wallet + PnL + collateral; free = equity − initial.
	eq := col
	eq.addDec(a.Wallet)
	eq.addAcc(pnl)
	free := eq
	free.subAcc(im)
	s.CollateralValue, s.UnrealisedPnL, s.Initial, s.Maintenance = col.value(), pnl.value(), im.value(), mm.value()
	s.Equity, s.FreeCollateral = eq.value(), free.value()
	s.InitialCollateralised = free.sign() >= 0
	s.Liquidatable = mm.sign() > 0 && eq.cmp(mm) < 0
	return s, nil
}

// Requirement is the margin of one position valued at one price.
type Requirement struct {
	// Tier is the 0-based tier (the last when AboveLastCap).
	Tier int `json:"tier"`
	// AboveLastCap is true when the notional is above the last tier cap:
	// the last tier's rates are continued (fail closed).
	AboveLastCap bool `json:"above_last_cap,omitempty"`
	// Notional rounded up at the Calculator's scale.
	Notional decimal.Decimal `json:"notional"`
	// Initial requirement, rounded up.
	Initial decimal.Decimal `json:"initial"`
	// Maintenance requirement, rounded up.
	Maintenance decimal.Decimal `json:"maintenance"`
}

// Requirement returns the requirements of a position of size contracts in
// a market valued at price (ignoring the market's Basis: price is the
// valuation price), at the tier's maximum leverage. size may be either
// sign; zero gives zero requirements. Above the last cap the last tier is
// continued and AboveLastCap set. Errors: ErrUnknownMarket,
// ErrInvalidInput (price ≤ 0, absurd decimals).
func (c *Calculator) Requirement(marketID string, size, price decimal.Decimal) (Requirement, error) {
	if err := c.ready(); err != nil {
		return Requirement{}, err
	}
	m, err := c.market(marketID)
	if err != nil {
		return Requirement{}, err
	}
	if err := num.Check(size); err != nil {
		return Requirement{}, fmt.Errorf("%w: size: %w", ErrInvalidInput, err)
	}
	if err := num.CheckPositive(price); err != nil {
		return Requirement{}, fmt.Errorf("%w: price: %w", ErrInvalidInput, err)
	}
	if size.IsZero() {
		return Requirement{Notional: decimal.Zero, Initial: decimal.Zero, Maintenance: decimal.Zero}, nil
	}
	abs := size.Abs()
	t, above, mm, im := m.requirement(abs, price, decimal.Zero, c.scale)
	n, d := m.notionalFrac(abs, price)
	return Requirement{Tier: t, AboveLastCap: above, Notional: divCeil(n, d, c.scale), Initial: im, Maintenance: mm}, nil
}

// sumAcc sums exactly: in the fixed-point kernel while it fits, in
// decimals after.
type sumAcc struct {
	f   fixed.Num
	d   decimal.Decimal
	big bool
}

func (s *sumAcc) addFx(x fixed.Num) {
	if !s.big {
		if r, ok := fixed.Add(s.f, x); ok {
			s.f = r
			return
		}
		s.big, s.d = true, s.f.Decimal()
	}
	s.d = s.d.Add(x.Decimal())
}

func (s *sumAcc) addDec(x decimal.Decimal) {
	if !s.big {
		if xf, ok := fixed.FromDecimal(x); ok {
			s.addFx(xf)
			return
		}
		s.big, s.d = true, s.f.Decimal()
	}
	s.d = s.d.Add(x)
}

func (s *sumAcc) value() decimal.Decimal {
	if s.big {
		return s.d
	}
	return s.f.Decimal()
}

// addAcc adds another sum.
func (s *sumAcc) addAcc(o sumAcc) {
	if o.big {
		s.addDec(o.d)
		return
	}
	s.addFx(o.f)
}

// subAcc subtracts another sum.
func (s *sumAcc) subAcc(o sumAcc) {
	if !o.big {
		if neg, ok := fixed.Neg(o.f); ok {
			s.addFx(neg)
			return
		}
	}
	s.addDec(o.value().Neg())
}

func (s *sumAcc) sign() int {
	if s.big {
		return s.d.Sign()
	}
	return s.f.Sign()
}

// cmp compares two sums exactly.
func (s *sumAcc) cmp(o sumAcc) int {
	if !s.big && !o.big {
		return fixed.Cmp(s.f, o.f)
	}
	return s.value().Cmp(o.value())
}

// isoBelow reports margin + pnl < maintenance, in the kernel when it fits.
func isoBelow(margin decimal.Decimal, pnl, mm fixed.Num) bool {
	if mf, ok := fixed.FromDecimal(margin); ok {
		if eq, ok := fixed.Add(mf, pnl); ok {
			return fixed.Cmp(eq, mm) < 0
		}
	}
	return margin.Add(pnl.Decimal()).Cmp(mm.Decimal()) < 0
}

package liquidation

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// RiskTier is one bracket of a market's maintenance schedule: Binance's
// maintenance-margin brackets, Bybit's risk limit tiers, or a dYdX v4
// liquidity tier (one bracket). A position whose notional |size| × oracle
// is at most MaxNotional, and above the previous tier's, is margined at
// notional × MaintenanceRate − MaintenanceAmount (Binance's "maintenance
// amount", which makes the schedule continuous at each boundary). A
// notional above the last MaxNotional is margined at the last tier and the
// planner's first step brings it under that cap (fail closed).
type RiskTier struct {
	MaxNotional       decimal.Decimal `json:"max_notional"`       // upper bound of the bracket, > 0, ascending
	MaintenanceRate   decimal.Decimal `json:"maintenance_rate"`   // in (0, 1), non-decreasing
	MaintenanceAmount decimal.Decimal `json:"maintenance_amount"` // ≥ 0; 0 in the first tier
}

// BookMarket is what the book planner reads of one perpetual market: its
// oracle (mark) price, maintenance schedule, price tick and size step.
type BookMarket struct {
	Market string          `json:"market"` // the market's ID, non-empty, unique among the markets passed
	Oracle decimal.Decimal `json:"oracle"` // oracle or mark price, > 0
	Tiers  []RiskTier      `json:"tiers"`  // at least one
	Tick   decimal.Decimal `json:"tick"`   // price increment, > 0; limits are multiples of it
	Step   decimal.Decimal `json:"step"`   // size increment, > 0; sizes are multiples of it
}

// CloseInput describes closing part of one position, in the terms of dYdX
// v4's x/clob liquidations (GetBankruptcyPriceInQuoteQuantums,
// GetFillablePrice, GetLiquidationInsuranceFundDelta), with decimals in
// place of quantums.
type CloseInput struct {
	Market      BookMarket      // the position's market
	Position    decimal.Decimal // PS: signed size held (long > 0, short < 0), ≠ 0
	Delta       decimal.Decimal // signed change: opposite sign to Position, 0 < |Delta| ≤ |Position|
	Equity      decimal.Decimal // TNC: the account's total net collateral (may be negative)
	Maintenance decimal.Decimal // TMMR: the account's total maintenance requirement, > 0
	// QuoteScale is the number of places of quote amounts (6 for USDC
	// quantums). Default (zero) 18.
	QuoteScale int32
}

// tierIndex returns the bracket of a notional: the first tier whose cap it
// does not exceed, or len(tiers) when above the last cap.
func tierIndex(tiers []RiskTier, notional decimal.Decimal) int {
	if n, ok := fixed.FromDecimal(notional); ok {
		if i, ok := tierIndexNum(tiers, n); ok {
			return i
		}
	}
	for i, t := range tiers {
		if notional.LessThanOrEqual(t.MaxNotional) {
			return i
		}
	}
	return len(tiers)
}

// maintenanceOf returns the maintenance requirement of a notional
// (exact: products of decimals); a notional above the last cap is
// margined at the last tier.
func maintenanceOf(tiers []RiskTier, notional decimal.Decimal) decimal.Decimal {
	if notional.Sign() == 0 {
		return decimal.Zero
	}
	if n, ok := fixed.FromDecimal(notional); ok {
		if m, ok := maintenanceNum(tiers, n); ok {
			return dec(m)
		}
	}
	t := tiers[min(tierIndex(tiers, notional), len(tiers)-1)]
	return notional.Mul(t.MaintenanceRate).Sub(t.MaintenanceAmount)
}

// positionMaintenance is PMMR: the maintenance of a signed size.
func (m BookMarket) positionMaintenance(size decimal.Decimal) decimal.Decimal {
	if size.IsZero() {
		return decimal.Zero // maintenanceOf of a zero notional
	}
	if pm, ok := m.positionMaintenanceNum(size); ok {
		return dec(pm)
	}
	return maintenanceOf(m.Tiers, size.Abs().Mul(m.Oracle))
}

func (m BookMarket) validate() error {
	if m.Market == "" {
		return fmt.Errorf("%w: empty market", ErrInvalidInput)
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"oracle", m.Oracle}, {"tick", m.Tick}, {"step", m.Step}} {
		if err := positive(ErrInvalidInput, "market "+m.Market+" "+f.name, f.v); err != nil {
			return err
		}
	}
	if len(m.Tiers) == 0 || len(m.Tiers) > 64 {
		return fmt.Errorf("%w: market %q: %d tiers, want 1..64", ErrInvalidInput, m.Market, len(m.Tiers))
	}
	one := decimal.NewFromInt(1)
	for i, t := range m.Tiers {
		if err := positive(ErrInvalidInput, fmt.Sprintf("market %s tier %d cap", m.Market, i), t.MaxNotional); err != nil {
			return err
		}
		// A zero rate would leave a position with no requirement, and the
		// bankruptcy share (TNC × DMMR / TMMR) undefined: refused.
		if err := positive(ErrInvalidInput, fmt.Sprintf("market %s tier %d rate", m.Market, i), t.MaintenanceRate); err != nil {
			return err
		}
		if err := nonNegative(ErrInvalidInput, fmt.Sprintf("market %s tier %d amount", m.Market, i), t.MaintenanceAmount); err != nil {
			return err
		}
		if !t.MaintenanceRate.LessThan(one) {
			return fmt.Errorf("%w: market %q tier %d: rate must be below 1", ErrInvalidInput, m.Market, i)
		}
		if i == 0 {
			if !t.MaintenanceAmount.IsZero() {
				return fmt.Errorf("%w: market %q: the first tier's maintenance amount must be 0", ErrInvalidInput, m.Market)
			}
			continue
		}
		p := m.Tiers[i-1]
		if !t.MaxNotional.GreaterThan(p.MaxNotional) || t.MaintenanceRate.LessThan(p.MaintenanceRate) {
			return fmt.Errorf("%w: market %q tier %d: caps must ascend and rates not decrease", ErrInvalidInput, m.Market, i)
		}
		// Maintenance must not fall at the boundary: closing part of a
		// position may never raise its requirement (dYdX panics on a
		// positive DMMR).
		at := p.MaxNotional
		if at.Mul(t.MaintenanceRate).Sub(t.MaintenanceAmount).LessThan(at.Mul(p.MaintenanceRate).Sub(p.MaintenanceAmount)) {
			return fmt.Errorf("%w: market %q tier %d: maintenance falls at the tier boundary", ErrInvalidInput, m.Market, i)
		}
	}
	return nil
}

func (in CloseInput) validate() (int32, error) {
	if err := in.Market.validate(); err != nil {
		return 0, err
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"position", in.Position}, {"delta", in.Delta}, {"equity", in.Equity}} {
		if err := num.Check(f.v); err != nil {
			return 0, fmt.Errorf("%w: %s: %w", ErrInvalidInput, f.name, err)
		}
	}
	if err := positive(ErrInvalidInput, "maintenance", in.Maintenance); err != nil {
		return 0, err
	}
	if in.Position.Sign()*in.Delta.Sign() != -1 || in.Delta.Abs().GreaterThan(in.Position.Abs()) {
		// dYdX ErrInvalidPerpetualPositionSizeDelta.
		return 0, fmt.Errorf("%w: delta must reduce the position by at most its size", ErrInvalidInput)
	}
	return scaleOr(in.QuoteScale, "quote scale")
}

// BankruptcyQuote returns the quote the account must receive for the
// trade of Delta (negative: the most it may pay) so that closing it leaves
// the account's health unchanged — dYdX v4 GetBankruptcyPriceInQuoteQuantums:
//
//	−DNNV − TNC × |DMMR| / TMMR
//
// where DNNV = Delta × oracle is the change of net notional and DMMR the
// change of maintenance (from the tiers, not linear). The division rounds
// down at QuoteScale, so the result rounds toward +∞: closing at the
// rounded bankruptcy quote never needs an insurance-fund payment.
func BankruptcyQuote(in CloseInput) (decimal.Decimal, error) {
	scale, err := in.validate()
	if err != nil {
		return decimal.Zero, err
	}
	return bankruptcyQuote(in, scale), nil
}

func bankruptcyQuote(in CloseInput, scale int32) decimal.Decimal {
	if q, ok := bankruptcyQuoteNum(in, scale); ok { // the fixed-point kernel when it fits
		return dec(q)
	}
	m := in.Market
	dnnv := in.Delta.Mul(m.Oracle)
	dmmr := m.positionMaintenance(in.Position.Add(in.Delta)).Sub(m.positionMaintenance(in.Position))
	share := num.DivFloor(in.Equity.Mul(dmmr.Abs()), in.Maintenance, scale)
	return dnnv.Neg().Sub(share)
}

// FillableSettings are dYdX v4's FillablePriceConfig, as fractions.
type FillableSettings struct {
	// BankruptcyAdjustment is BA (BankruptcyAdjustmentPpm / 10⁶). Default
	// (zero) 1, dYdX's LiquidationsConfig_Default (1,000,000 ppm).
	BankruptcyAdjustment decimal.Decimal
	// SpreadToMaintenance is SMMR (SpreadToMaintenanceMarginRatioPpm /
	// 10⁶). Default (zero) 0.1, dYdX's default (100,000 ppm).
	SpreadToMaintenance decimal.Decimal
}

func (f FillableSettings) withDefaults() (FillableSettings, error) {
	if f.BankruptcyAdjustment.IsZero() {
		f.BankruptcyAdjustment = decimal.NewFromInt(1)
	}
	if f.SpreadToMaintenance.IsZero() {
		f.SpreadToMaintenance = decimal.RequireFromString("0.1")
	}
	for _, v := range []struct {
		name string
		v    decimal.Decimal
	}{{"bankruptcy adjustment", f.BankruptcyAdjustment}, {"spread to maintenance", f.SpreadToMaintenance}} {
		if err := positive(ErrInvalidSettings, v.name, v.v); err != nil {
			return f, err
		}
		if v.v.GreaterThan(decimal.NewFromInt(5000)) { // dYdX's ppm are uint32: at most ≈ 4295
			return f, fmt.Errorf("%w: %s above 5000", ErrInvalidSettings, v.name)
		}
	}
	return f, nil
}

// FillablePrice returns dYdX v4's fillable price of a position
// (GetFillablePrice), the worst price a liquidation order may trade at:
//
//	(PNNV − ABR × SMMR × PMMR) / PS,   ABR = clamp(BA × (1 − TNC/TMMR), 0, 1)
//
// so a long sells at most SMMR × PMMR / PS below the oracle and a short
// buys at most that above it, scaled by how far the account is below
// maintenance. It depends on the whole position, not on Delta. The exact
// rational is rounded to Market.Tick as ConvertFillablePriceToSubticks
// does: up for a sell that closes a long, down for a buy that closes a
// short (so the order never trades beyond the exact price), and never
// below one tick.
func FillablePrice(in CloseInput, f FillableSettings) (decimal.Decimal, error) {
	if _, err := in.validate(); err != nil {
		return decimal.Zero, err
	}
	f, err := f.withDefaults()
	if err != nil {
		return decimal.Zero, err
	}
	return fillablePrice(in, f), nil
}

func fillablePrice(in CloseInput, f FillableSettings) decimal.Decimal {
	m := in.Market
	// ABR × TMMR = clamp(BA × (TMMR − TNC), 0, TMMR): no division yet.
	abrT := num.MinOf(num.MaxOf(f.BankruptcyAdjustment.Mul(in.Maintenance.Sub(in.Equity)), decimal.Zero), in.Maintenance)
	n := abrT.Mul(f.SpreadToMaintenance).Mul(m.positionMaintenance(in.Position)) // ABR × SMMR × PMMR × TMMR
	d := in.Maintenance.Mul(in.Position.Abs())                                   // TMMR × |PS|
	var ticks decimal.Decimal
	if in.Position.Sign() > 0 { // sell: oracle − n/d, rounded up
		ticks = num.DivCeil(m.Oracle.Mul(d).Sub(n), d.Mul(m.Tick), 0)
	} else { // buy: oracle + n/d, rounded down
		ticks = num.DivFloor(m.Oracle.Mul(d).Add(n), d.Mul(m.Tick), 0)
	}
	return num.MaxOf(ticks, decimal.NewFromInt(1)).Mul(m.Tick)
}

// limitOf returns the bankruptcy price per unit of the trade of Delta
// whose bankruptcy quote is b, rounded to the tick against the trade (up
// for a sell, down for a buy): a fill at or better than it never takes the
// account below its bankruptcy quote. ok is false for a buy whose
// bankruptcy price is below one tick (no price can close it without the
// fund).
func limitOf(in CloseInput, b decimal.Decimal) (price decimal.Decimal, ok bool) {
	if bn, fits := fixed.FromDecimal(b); fits { // the fixed-point kernel when it fits
		if p, ok, fits := limitOfNum(in, bn); fits {
			return dec(p), ok
		}
	}
	q := in.Delta.Abs().Mul(in.Market.Tick)
	if in.Delta.Sign() < 0 { // sell |Delta| for at least b
		return num.MaxOf(num.DivCeil(b, q, 0), decimal.NewFromInt(1)).Mul(in.Market.Tick), true
	}
	ticks := num.DivFloor(b.Neg(), q, 0) // buy |Delta| paying at most −b
	return ticks.Mul(in.Market.Tick), ticks.Sign() > 0
}

// FillSplit is where the value of one liquidation fill goes, in quote.
// Surplus is what the closed part had above bankruptcy; Fee + Fund + Kept
// = Surplus exactly (CheckFillSplit).
type FillSplit struct {
	Proceeds   decimal.Decimal `json:"proceeds"`   // −Delta × price: received for a sell, negative (paid) for a buy
	Bankruptcy decimal.Decimal `json:"bankruptcy"` // BankruptcyQuote of the fill
	Surplus    decimal.Decimal `json:"surplus"`    // Proceeds − Bankruptcy; negative when the fill is beyond bankruptcy
	Fee        decimal.Decimal `json:"fee"`        // clearance fee to the insurance fund, ≥ 0
	Fund       decimal.Decimal `json:"fund"`       // to the fund beyond the fee (a takeover's surplus), or − the loss it covers
	Kept       decimal.Decimal `json:"kept"`       // stays with the trader, ≥ 0
}

// FundDelta is dYdX v4's GetLiquidationInsuranceFundDelta: Fee + Fund,
// positive when the account pays the insurance fund, negative when the
// fund covers a loss.
func (f FillSplit) FundDelta() decimal.Decimal { return f.Fee.Add(f.Fund) }

// SplitFill splits a fill of Delta at price (> 0) — dYdX v4
// GetLiquidationInsuranceFundDelta, generalised:
//
//   - Surplus = Proceeds − BankruptcyQuote.
//   - Surplus ≤ 0: the fund pays −Surplus (Fund = Surplus); no fee.
//   - Surplus > 0: Fee = min(feeRate × |Proceeds|, Surplus) — the fee is
//     capped so the trader is never taken below zero. The rate times
//     |Proceeds| rounds up at QuoteScale (the venue's favour; dYdX's
//     BigIntMulPpm rounds down, equal on its test numbers). The rest is
//     Kept, or goes to the fund (Fund) when surplusToFund is set: Binance
//     and Bybit pass a bankruptcy-price close's remaining margin to the
//     insurance fund.
//
// feeRate is Binance's liquidation clearance fee (0.005; 0.003 on
// BTCUSDT) or dYdX's MaxLiquidationFeePpm / 10⁶ (0.005), in [0, 1].
func SplitFill(in CloseInput, price, feeRate decimal.Decimal, surplusToFund bool) (FillSplit, error) {
	scale, err := in.validate()
	if err != nil {
		return FillSplit{}, err
	}
	if err := positive(ErrInvalidInput, "price", price); err != nil {
		return FillSplit{}, err
	}
	if err := nonNegative(ErrInvalidInput, "fee rate", feeRate); err != nil {
		return FillSplit{}, err
	}
	if feeRate.GreaterThan(decimal.NewFromInt(1)) {
		return FillSplit{}, fmt.Errorf("%w: fee rate above 1", ErrInvalidInput)
	}
	return splitFill(in, price, feeRate, surplusToFund, scale), nil
}

func splitFill(in CloseInput, price, feeRate decimal.Decimal, surplusToFund bool, scale int32) FillSplit {
	return splitAt(in.Delta.Neg().Mul(price), bankruptcyQuote(in, scale), feeRate, surplusToFund, scale)
}

// splitAt splits proceeds against a bankruptcy quote (see SplitFill).
func splitAt(proceeds, bankruptcy, feeRate decimal.Decimal, surplusToFund bool, scale int32) FillSplit {
	s := FillSplit{Proceeds: proceeds, Bankruptcy: bankruptcy}
	s.Surplus = s.Proceeds.Sub(s.Bankruptcy)
	if s.Surplus.Sign() <= 0 {
		s.Fee, s.Fund, s.Kept = decimal.Zero, s.Surplus, decimal.Zero
		return s
	}
	s.Fee = num.MinOf(num.MulRound(s.Proceeds.Abs(), feeRate, scale, num.Ceil), s.Surplus)
	rest := s.Surplus.Sub(s.Fee)
	if surplusToFund {
		s.Fund, s.Kept = rest, decimal.Zero
	} else {
		s.Fund, s.Kept = decimal.Zero, rest
	}
	return s
}

// CheckFillSplit proves a split's promises: Fee + Fund + Kept = Surplus to
// the unit, Surplus = Proceeds − Bankruptcy, Fee and Kept never negative,
// and the fund pays only when the surplus is negative.
func CheckFillSplit(f FillSplit) error {
	for _, v := range []decimal.Decimal{f.Proceeds, f.Bankruptcy, f.Surplus, f.Fee, f.Fund, f.Kept} {
		if err := checkWide(v); err != nil {
			return fmt.Errorf("%w: fill split: %w", ErrInvariant, err)
		}
	}
	switch {
	case !f.Fee.Add(f.Fund).Add(f.Kept).Equal(f.Surplus):
		return fmt.Errorf("%w: fee + fund + kept %s ≠ surplus %s", ErrInvariant, f.Fee.Add(f.Fund).Add(f.Kept), f.Surplus)
	case !f.Proceeds.Sub(f.Bankruptcy).Equal(f.Surplus):
		return fmt.Errorf("%w: surplus %s ≠ proceeds − bankruptcy", ErrInvariant, f.Surplus)
	case f.Fee.Sign() < 0 || f.Kept.Sign() < 0:
		return fmt.Errorf("%w: negative fee %s or kept %s", ErrInvariant, f.Fee, f.Kept)
	case f.Fund.Sign() < 0 && f.Surplus.Sign() >= 0:
		return fmt.Errorf("%w: the fund pays %s on a fill above bankruptcy", ErrInvariant, f.Fund.Neg())
	}
	return nil
}

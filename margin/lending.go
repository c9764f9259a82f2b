package margin

import (
	"errors"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Reserve is one lending market's risk parameters (Aave v3 reserve
// configuration; Compound III asset info).
type Reserve struct {
	// Asset names the asset (the PriceSource key; prices in the base
	// currency, e.g. USD).
	Asset string `json:"asset"`
	// LTV is the loan-to-value limit for new borrowing (Aave ltv, Compound
	// borrowCollateralFactor), in [0, LiquidationThreshold].
	LTV decimal.Decimal `json:"ltv"`
	// LiquidationThreshold is the share of the collateral value counted
	// toward health (Aave liquidationThreshold, Compound
	// liquidateCollateralFactor), in [0, 1). Zero: not usable as collateral
	// (then LTV must be 0 and LiquidationBonus is ignored).
	LiquidationThreshold decimal.Decimal `json:"liquidation_threshold"`
	// LiquidationBonus is what a liquidator receives per unit repaid (Aave
	// liquidationBonus, e.g. 1.05), > 1 with threshold × bonus ≤ 1 (Aave
	// ValidationLogic: liquidationThreshold.percentMul(liquidationBonus) ≤
	// 100%), so a liquidation never takes more collateral than exists.
	LiquidationBonus decimal.Decimal `json:"liquidation_bonus"`
}

// LendingSettings configures Lending.
type LendingSettings struct {
	// Reserves lists the assets; at least one, unique names.
	Reserves []Reserve `json:"reserves"`
	// Prices prices each asset in the base currency; required.
	Prices PriceSource `json:"-"`
	// Scale is the decimal places of values (collateral down, debt up).
	// Zero means 8.
	Scale int32 `json:"scale"`
	// HealthScale is the decimal places of the health factor (rounded
	// down). Zero means 18, as Aave's WAD.
	HealthScale int32 `json:"health_scale"`
}

// Lending computes health factors. It holds no mutable state and is safe
// for concurrent use.
type Lending struct {
	reserves    map[string]Reserve
	prices      PriceSource
	scale       int32
	healthScale int32
}

// NewLending validates the settings (ErrInvalidSettings).
func NewLending(s LendingSettings) (*Lending, error) {
	if noPrices(s.Prices) {
		return nil, fmt.Errorf("%w: Prices is required", ErrInvalidSettings)
	}
	if len(s.Reserves) == 0 {
		return nil, fmt.Errorf("%w: no reserves", ErrInvalidSettings)
	}
	l := &Lending{reserves: make(map[string]Reserve, len(s.Reserves)), prices: s.Prices, scale: s.Scale, healthScale: s.HealthScale}
	if l.scale == 0 {
		l.scale = 8
	}
	if l.healthScale == 0 {
		l.healthScale = 18
	}
	if l.scale < 0 || l.scale > num.MaxScale || l.healthScale < 0 || l.healthScale > num.MaxScale {
		return nil, fmt.Errorf("%w: scale outside [0, %d]", ErrInvalidSettings, num.MaxScale)
	}
	for _, r := range s.Reserves {
		if err := ValidateReserve(r); err != nil {
			return nil, rewrap(ErrInvalidSettings, "", err)
		}
		if _, dup := l.reserves[r.Asset]; dup {
			return nil, fmt.Errorf("%w: duplicate reserve %q", ErrInvalidSettings, r.Asset)
		}
		l.reserves[r.Asset] = r
	}
	return l, nil
}

// ValidateReserve checks one reserve: a name, 0 ≤ LTV ≤ threshold < 1, and
// for collateral (threshold > 0) bonus > 1 with threshold × bonus ≤ 1.
// Errors wrap ErrInvalidInput.
func ValidateReserve(r Reserve) error {
	if r.Asset == "" {
		return fmt.Errorf("%w: reserve without asset", ErrInvalidInput)
	}
	for _, x := range []decimal.Decimal{r.LTV, r.LiquidationThreshold, r.LiquidationBonus} {
		if err := num.CheckNonNegative(x); err != nil {
			return fmt.Errorf("%w: reserve %q: %w", ErrInvalidInput, r.Asset, err)
		}
	}
	if r.LiquidationThreshold.Cmp(decOne) >= 0 {
		return fmt.Errorf("%w: reserve %q liquidation threshold %s not below 1", ErrInvalidInput, r.Asset, r.LiquidationThreshold)
	}
	if r.LTV.Cmp(r.LiquidationThreshold) > 0 {
		return fmt.Errorf("%w: reserve %q ltv %s above liquidation threshold %s", ErrInvalidInput, r.Asset, r.LTV, r.LiquidationThreshold)
	}
	if r.LiquidationThreshold.IsZero() {
		return nil
	}
	if r.LiquidationBonus.Cmp(decOne) <= 0 {
		return fmt.Errorf("%w: reserve %q liquidation bonus %s must exceed 1", ErrInvalidInput, r.Asset, r.LiquidationBonus)
	}
	if r.LiquidationThreshold.Mul(r.LiquidationBonus).Cmp(decOne) > 0 {
		return fmt.Errorf("%w: reserve %q threshold × bonus = %s exceeds 1", ErrInvalidInput, r.Asset, r.LiquidationThreshold.Mul(r.LiquidationBonus))
	}
	return nil
}

// Balance is an amount of one asset.
type Balance struct {
	// Asset names a reserve (and its PriceSource key).
	Asset string `json:"asset"`
	// Amount held or owed, in units of the asset; ≥ 0.
	Amount decimal.Decimal `json:"amount"`
}

// LendingAccount is a borrower's supplied collateral and debts.
type LendingAccount struct {
	// Supplied is the collateral, valued amount × price rounded down.
	Supplied []Balance `json:"supplied"`
	// Borrowed is the debt, valued amount × price rounded up.
	Borrowed []Balance `json:"borrowed"`
}

// Health is a lending account valued at the current prices.
type Health struct {
	// Collateral = Σ amount × price, each rounded down.
	Collateral decimal.Decimal `json:"collateral"`
	// LiquidationCollateral = Σ amount × price × threshold, each rounded down.
	LiquidationCollateral decimal.Decimal `json:"liquidation_collateral"`
	// BorrowLimit = Σ amount × price × LTV, each rounded down.
	BorrowLimit decimal.Decimal `json:"borrow_limit"`
	// Debt = Σ amount × price, each rounded up.
	Debt decimal.Decimal `json:"debt"`
	// Factor = LiquidationCollateral / Debt rounded down at HealthScale;
	// zero when Infinite.
	Factor decimal.Decimal `json:"factor"`
	// Infinite is true when there is no debt: health is unbounded, not a
	// division error.
	Infinite bool `json:"infinite"`
	// Liquidatable is Debt > LiquidationCollateral (health < 1), decided by
	// comparing the sums, never the rounded factor.
	Liquidatable bool `json:"liquidatable"`
	// AvailableBorrow = max(0, BorrowLimit − Debt).
	AvailableBorrow decimal.Decimal `json:"available_borrow"`
}

// Health returns the health of an account (Aave v3 GenericLogic
// calculateUserAccountData: healthFactor = Σ collateral × liquidation
// threshold / total debt; Compound III isLiquidatable: Σ collateral ×
// liquidateCollateralFactor < borrow). Aave's own example: $10,000 at an
// 80% threshold against $6,000 of debt → 1.333…. Rounding favours the
// protocol: each collateral value rounds down and each debt up at Scale, and
// Factor rounds down at HealthScale; Liquidatable compares the two sums,
// never the rounded factor. Errors: ErrUnknownAsset, ErrInvalidInput
// (negative amounts), ErrPrice.
func (l *Lending) Health(now time.Time, a LendingAccount) (Health, error) {
	if l == nil || l.prices == nil {
		return Health{}, fmt.Errorf("%w: Lending not built with NewLending", ErrInvalidSettings)
	}
	h := Health{Collateral: decimal.Zero, LiquidationCollateral: decimal.Zero, BorrowLimit: decimal.Zero, Debt: decimal.Zero, Factor: decimal.Zero, AvailableBorrow: decimal.Zero}
	for _, b := range a.Supplied {
		r, p, err := l.priced(b, now)
		if err != nil {
			return Health{}, err
		}
		v := b.Amount.Mul(p)
		h.Collateral = h.Collateral.Add(roundFloor(v, l.scale))
		h.LiquidationCollateral = h.LiquidationCollateral.Add(roundFloor(v.Mul(r.LiquidationThreshold), l.scale))
		h.BorrowLimit = h.BorrowLimit.Add(roundFloor(v.Mul(r.LTV), l.scale))
	}
	for _, b := range a.Borrowed {
		_, p, err := l.priced(b, now)
		if err != nil {
			return Health{}, err
		}
		h.Debt = h.Debt.Add(roundCeil(b.Amount.Mul(p), l.scale))
	}
	if h.Debt.Sign() == 0 {
		h.Infinite = true
	} else {
		h.Factor = num.Div(h.LiquidationCollateral, h.Debt, l.healthScale, num.Floor)
		h.Liquidatable = h.Debt.Cmp(h.LiquidationCollateral) > 0
	}
	if h.BorrowLimit.Cmp(h.Debt) > 0 {
		h.AvailableBorrow = h.BorrowLimit.Sub(h.Debt)
	}
	return h, nil
}

// CanBorrow reports whether a further debt of value (in the base
// currency) keeps Debt within the LTV borrow limit.
// An out-of-range value (or Health) answers false.
func (h Health) CanBorrow(value decimal.Decimal) bool {
	if checkAll(value, h.Debt, h.BorrowLimit) != nil {
		return false
	}
	return value.Sign() >= 0 && h.Debt.Add(value).Cmp(h.BorrowLimit) <= 0
}

func (l *Lending) priced(b Balance, now time.Time) (Reserve, decimal.Decimal, error) {
	r, ok := l.reserves[b.Asset]
	if !ok {
		return Reserve{}, decimal.Zero, fmt.Errorf("%w: asset %q", ErrUnknownAsset, b.Asset)
	}
	if err := num.CheckNonNegative(b.Amount); err != nil {
		return Reserve{}, decimal.Zero, fmt.Errorf("%w: asset %q: amount: %w", ErrInvalidInput, b.Asset, err)
	}
	p, err := l.prices.Price(now, b.Asset)
	if errors.Is(err, ErrPrice) { // already ours (StaticPrices): one prefix
		return Reserve{}, decimal.Zero, err
	}
	if err != nil {
		return Reserve{}, decimal.Zero, fmt.Errorf("%w: asset %q: %w", ErrPrice, b.Asset, err)
	}
	if err := num.CheckPositive(p); err != nil {
		return Reserve{}, decimal.Zero, fmt.Errorf("%w: asset %q: %w", ErrPrice, b.Asset, err)
	}
	return r, p, nil
}

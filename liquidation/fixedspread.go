package liquidation

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// CompoundQuote is the input of Compound III's store-front quote: how much
// of an absorbed collateral asset a buyer gets for BaseAmount of the base
// asset (Comet buyCollateral / quoteCollateral).
type CompoundQuote struct {
	BaseAmount decimal.Decimal // base asset paid (≥ 0), in base units (e.g. 200 USDC)
	BasePrice  decimal.Decimal // base asset price (> 0), at most 8 places (Comet PRICE_SCALE 1e8)
	AssetPrice decimal.Decimal // collateral price (> 0), at most 8 places
	// StoreFrontPriceFactor is the share of the liquidation discount passed
	// to buyers, in [0, 1], at most 18 places (Comet FACTOR_SCALE 1e18).
	StoreFrontPriceFactor decimal.Decimal
	// LiquidationFactor is the share of the collateral's value credited to
	// the absorbed account, in [0, 1], at most 18 places.
	LiquidationFactor decimal.Decimal
	AssetDecimals     int32 // the collateral token's decimals, 0..18: the quote is rounded down to them
}

// QuoteCollateral returns the collateral a buyer receives, as Comet's
// quoteCollateral computes it (compound-finance/comet contracts/Comet.sol):
//
//	discount   = floor18(StoreFrontPriceFactor × (1 − LiquidationFactor))   (mulFactor truncates)
//	discounted = floor8(AssetPrice × (1 − discount))
//	collateral = floor(BaseAmount × BasePrice / discounted, AssetDecimals)
//
// Every step rounds down, as the contract's integer divisions do: the
// buyer never gets more than the exact discount gives (the venue's
// favour). Bad input (out of range, a factor outside [0, 1], a price ≤ 0
// or with more than 8 places) is ErrInvalidInput.
func QuoteCollateral(q CompoundQuote) (decimal.Decimal, error) {
	one := decimal.NewFromInt(1)
	if err := nonNegative(ErrInvalidInput, "base amount", q.BaseAmount); err != nil {
		return decimal.Zero, err
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"base price", q.BasePrice}, {"asset price", q.AssetPrice}} {
		if err := positive(ErrInvalidInput, f.name, f.v); err != nil {
			return decimal.Zero, err
		}
		if err := onGrid(ErrInvalidInput, f.name, f.v, 8); err != nil {
			return decimal.Zero, err
		}
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"store front price factor", q.StoreFrontPriceFactor}, {"liquidation factor", q.LiquidationFactor}} {
		if err := nonNegative(ErrInvalidInput, f.name, f.v); err != nil {
			return decimal.Zero, err
		}
		if f.v.GreaterThan(one) {
			return decimal.Zero, fmt.Errorf("%w: %s %s above 1", ErrInvalidInput, f.name, f.v)
		}
		if err := onGrid(ErrInvalidInput, f.name, f.v, 18); err != nil {
			return decimal.Zero, err
		}
	}
	if q.AssetDecimals < 0 || q.AssetDecimals > 18 {
		return decimal.Zero, fmt.Errorf("%w: asset decimals %d outside 0..18", ErrInvalidInput, q.AssetDecimals)
	}
	discount := q.StoreFrontPriceFactor.Mul(one.Sub(q.LiquidationFactor)).RoundFloor(18)
	discounted := q.AssetPrice.Mul(one.Sub(discount)).RoundFloor(8)
	if discounted.Sign() <= 0 { // a 100% discount: Comet divides by zero and reverts
		return decimal.Zero, fmt.Errorf("%w: discounted asset price is zero", ErrInvalidInput)
	}
	return num.DivFloor(q.BaseAmount.Mul(q.BasePrice), discounted, q.AssetDecimals), nil
}

// AaveLiquidation is the input of one Aave v3.3 liquidationCall: a
// liquidator repays DebtToCover of one debt reserve and receives collateral
// of one collateral reserve at a fixed bonus. Amounts are in token units
// (e.g. 900 USDC), prices in the base currency with at most 8 places (Aave
// oracle, 1e8).
type AaveLiquidation struct {
	DebtToCover        decimal.Decimal // debt the liquidator offers to repay (> 0)
	ReserveDebt        decimal.Decimal // the borrower's debt in this reserve (> 0)
	CollateralBalance  decimal.Decimal // the borrower's collateral in this reserve (> 0)
	TotalDebtBase      decimal.Decimal // the borrower's debt over all reserves, base currency (≥ ReserveDebt's value)
	DebtPrice          decimal.Decimal // debt asset price (> 0, ≤ 8 places)
	CollateralPrice    decimal.Decimal // collateral asset price (> 0, ≤ 8 places)
	DebtDecimals       int32           // debt token decimals, 0..18
	CollateralDecimals int32           // collateral token decimals, 0..18
	HealthFactor       decimal.Decimal // the borrower's health factor (< 1 to be liquidatable)
	// LiquidationBonus is the collateral paid per unit of debt value, ≥ 1,
	// at most 4 places (Aave liquidationBonus 10500 = 1.05).
	LiquidationBonus decimal.Decimal
	// ProtocolFee is the share of the bonus collateral the protocol keeps,
	// in [0, 1], at most 4 places (Aave liquidationProtocolFee 1000 = 0.1).
	ProtocolFee decimal.Decimal
	// MinBaseMaxCloseFactorThreshold: when the reserve's debt or collateral
	// value is below it the close factor is 100%; MIN_LEFTOVER_BASE is
	// half of it. Zero means Aave v3.3's 2,000 (base currency).
	MinBaseMaxCloseFactorThreshold decimal.Decimal
}

// AaveResult is what liquidationCall moves. When Dust is set the call
// reverts in Aave (MustNotLeaveDust) and nothing moves.
type AaveResult struct {
	DebtRepaid             decimal.Decimal // debt the liquidator repays
	CollateralToLiquidator decimal.Decimal // collateral the liquidator receives (after the protocol fee)
	ProtocolFee            decimal.Decimal // collateral the protocol keeps
	Dust                   bool            // the call would leave debt or collateral below MIN_LEFTOVER_BASE (v3.3): refused
}

// Aave v3 constants (aave-dao/aave-v3-origin LiquidationLogic.sol @fd1fbd9).
var (
	aaveCloseFactorHFThreshold = decimal.RequireFromString("0.95") // CLOSE_FACTOR_HF_THRESHOLD 0.95e18
	aaveDefaultCloseFactor     = decimal.RequireFromString("0.5")  // DEFAULT_LIQUIDATION_CLOSE_FACTOR 0.5e4
	aaveMinBaseThreshold       = decimal.NewFromInt(2000)          // MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD 2000e8
)

// LiquidationCall computes an Aave v3.3 liquidationCall
// (aave-dao/aave-v3-origin src/contracts/protocol/libraries/logic/
// LiquidationLogic.sol @fd1fbd9, executeLiquidationCall and
// _calculateAvailableCollateralToLiquidate), with the contract's rounding
// (token units and 1e8 base units; percentMul half up, percentMulFloor,
// percentDivFloor/Ceil, percentMulCeil):
//
//	close factor:  100%, or 50% of the borrower's total debt value when the
//	               reserve's debt and collateral values are both ≥ the
//	               threshold and HF > 0.95 (and the reserve's debt exceeds it)
//	debt        = min(DebtToCover, max liquidatable)
//	collateral  = floor(debt × debtPrice / collPrice) × bonus, rounded down
//	if collateral > balance: collateral = balance,
//	               debt = ceil(floor(balance × collPrice / debtPrice) / bonus)
//	fee         = ceil((collateral − floor(collateral / bonus)) × ProtocolFee)
//	to liquidator = collateral − fee
//	v3.3 leftover: unless all the reserve's debt or all the collateral goes,
//	               both the debt left (value rounded up) and the collateral left
//	               (value rounded down) must be ≥ threshold / 2 — else Dust.
//
// A health factor ≥ 1 is ErrInvalidInput (Aave reverts
// HealthFactorNotBelowThreshold), as is any bad amount.
func LiquidationCall(p AaveLiquidation) (AaveResult, error) {
	one := decimal.NewFromInt(1)
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"debt to cover", p.DebtToCover}, {"reserve debt", p.ReserveDebt}, {"collateral balance", p.CollateralBalance},
		{"debt price", p.DebtPrice}, {"collateral price", p.CollateralPrice}, {"liquidation bonus", p.LiquidationBonus}} {
		if err := positive(ErrInvalidInput, f.name, f.v); err != nil {
			return AaveResult{}, err
		}
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"total debt", p.TotalDebtBase}, {"health factor", p.HealthFactor}, {"protocol fee", p.ProtocolFee},
		{"threshold", p.MinBaseMaxCloseFactorThreshold}} {
		if err := nonNegative(ErrInvalidInput, f.name, f.v); err != nil {
			return AaveResult{}, err
		}
	}
	if p.DebtDecimals < 0 || p.DebtDecimals > 18 || p.CollateralDecimals < 0 || p.CollateralDecimals > 18 {
		return AaveResult{}, fmt.Errorf("%w: token decimals outside 0..18", ErrInvalidInput)
	}
	for _, f := range []struct {
		name   string
		v      decimal.Decimal
		places int32
	}{{"debt price", p.DebtPrice, 8}, {"collateral price", p.CollateralPrice, 8}, {"liquidation bonus", p.LiquidationBonus, 4},
		{"protocol fee", p.ProtocolFee, 4}, {"debt to cover", p.DebtToCover, p.DebtDecimals},
		{"reserve debt", p.ReserveDebt, p.DebtDecimals}, {"collateral balance", p.CollateralBalance, p.CollateralDecimals}} {
		if err := onGrid(ErrInvalidInput, f.name, f.v, f.places); err != nil {
			return AaveResult{}, err
		}
	}
	if p.LiquidationBonus.LessThan(one) || p.ProtocolFee.GreaterThan(one) {
		return AaveResult{}, fmt.Errorf("%w: liquidation bonus below 1 or protocol fee above 1", ErrInvalidInput)
	}
	if !p.HealthFactor.LessThan(one) {
		return AaveResult{}, fmt.Errorf("%w: health factor not below 1", ErrInvalidInput)
	}
	threshold := p.MinBaseMaxCloseFactorThreshold
	if threshold.IsZero() {
		threshold = aaveMinBaseThreshold
	}
	minLeftover := threshold.Mul(aaveDefaultCloseFactor).RoundFloor(8) // MIN_LEFTOVER_BASE = threshold / 2 (integer division in 1e8 units)

	debtBase := p.ReserveDebt.Mul(p.DebtPrice).RoundCeil(8)              // mulDivCeil
	collBase := p.CollateralBalance.Mul(p.CollateralPrice).RoundFloor(8) // floor
	maxDebt := p.ReserveDebt
	if !collBase.LessThan(threshold) && !debtBase.LessThan(threshold) && p.HealthFactor.GreaterThan(aaveCloseFactorHFThreshold) {
		half := p.TotalDebtBase.Mul(aaveDefaultCloseFactor).Round(8) // percentMul: half up
		if debtBase.GreaterThan(half) {
			maxDebt = num.DivFloor(half, p.DebtPrice, p.DebtDecimals)
		}
	}
	debt := num.MinOf(p.DebtToCover, maxDebt)

	base := num.DivFloor(debt.Mul(p.DebtPrice), p.CollateralPrice, p.CollateralDecimals)
	coll := base.Mul(p.LiquidationBonus).RoundFloor(p.CollateralDecimals) // percentMulFloor
	if coll.GreaterThan(p.CollateralBalance) {
		coll = p.CollateralBalance
		worth := num.DivFloor(coll.Mul(p.CollateralPrice), p.DebtPrice, p.DebtDecimals)
		debt = num.DivCeil(worth, p.LiquidationBonus, p.DebtDecimals) // percentDivCeil
	}
	fee := decimal.Zero
	if p.ProtocolFee.Sign() > 0 {
		bonusColl := coll.Sub(num.DivFloor(coll, p.LiquidationBonus, p.CollateralDecimals)) // percentDivFloor
		fee = bonusColl.Mul(p.ProtocolFee).RoundCeil(p.CollateralDecimals)                  // percentMulCeil
		coll = coll.Sub(fee)
	}
	r := AaveResult{DebtRepaid: debt, CollateralToLiquidator: coll, ProtocolFee: fee}
	if debt.LessThan(p.ReserveDebt) && coll.Add(fee).LessThan(p.CollateralBalance) {
		debtLeft := p.ReserveDebt.Sub(debt).Mul(p.DebtPrice).RoundCeil(8)
		collLeft := p.CollateralBalance.Sub(coll).Sub(fee).Mul(p.CollateralPrice).RoundFloor(8)
		if debtLeft.LessThan(minLeftover) || collLeft.LessThan(minLeftover) {
			return AaveResult{Dust: true}, nil
		}
	}
	return r, nil
}

// CompoundCollateral is one collateral asset of an account Compound III
// absorbs.
type CompoundCollateral struct {
	Amount            decimal.Decimal // the account's balance (≥ 0), token units
	Price             decimal.Decimal // price (> 0), at most 8 places
	Decimals          int32           // token decimals, 0..18
	LiquidationFactor decimal.Decimal // share of the value credited to the account, in [0, 1], at most 18 places
}

// CompoundAbsorbResult is what absorb does to one account.
type CompoundAbsorbResult struct {
	Credit     decimal.Decimal // Σ floor8(floor8(amount × price) × liquidationFactor) / basePrice, rounded down to base decimals
	NewBalance decimal.Decimal // the account's base balance after: max(0, Credit − Debt) (a surplus is supplied to it)
	PaidOut    decimal.Decimal // debt the protocol's reserves take over: NewBalance + Debt (Comet's basePaidOut)
	Shortfall  decimal.Decimal // max(0, Debt − Credit): bad debt absorbed by the reserves
}

// Absorb computes Compound III's absorb of one underwater account
// (compound-finance/comet contracts/Comet.sol absorbInternal): every
// collateral is seized; each is valued at mulPrice (amount × price,
// truncated to the 1e8 price scale) times its liquidationFactor (mulFactor,
// truncated), the sum is converted to base at the base price (divPrice,
// truncated to the base token's decimals) and credited against Debt; a
// negative result is set to zero, the reserves taking the rest. The seized
// collateral goes to the protocol, which sells it through QuoteCollateral.
func Absorb(debt, basePrice decimal.Decimal, baseDecimals int32, collateral []CompoundCollateral) (CompoundAbsorbResult, error) {
	one := decimal.NewFromInt(1)
	if err := nonNegative(ErrInvalidInput, "debt", debt); err != nil {
		return CompoundAbsorbResult{}, err
	}
	if err := positive(ErrInvalidInput, "base price", basePrice); err != nil {
		return CompoundAbsorbResult{}, err
	}
	if err := onGrid(ErrInvalidInput, "base price", basePrice, 8); err != nil {
		return CompoundAbsorbResult{}, err
	}
	if baseDecimals < 0 || baseDecimals > 18 {
		return CompoundAbsorbResult{}, fmt.Errorf("%w: base decimals %d outside 0..18", ErrInvalidInput, baseDecimals)
	}
	if err := onGrid(ErrInvalidInput, "debt", debt, baseDecimals); err != nil {
		return CompoundAbsorbResult{}, err
	}
	value := decimal.Zero
	for i, c := range collateral {
		if c.Decimals < 0 || c.Decimals > 18 {
			return CompoundAbsorbResult{}, fmt.Errorf("%w: collateral %d decimals outside 0..18", ErrInvalidInput, i)
		}
		for _, f := range []struct {
			name   string
			v      decimal.Decimal
			places int32
		}{{"amount", c.Amount, c.Decimals}, {"price", c.Price, 8}, {"liquidation factor", c.LiquidationFactor, 18}} {
			if err := nonNegative(ErrInvalidInput, fmt.Sprintf("collateral %d %s", i, f.name), f.v); err != nil {
				return CompoundAbsorbResult{}, err
			}
			if err := onGrid(ErrInvalidInput, fmt.Sprintf("collateral %d %s", i, f.name), f.v, f.places); err != nil {
				return CompoundAbsorbResult{}, err
			}
		}
		if c.Price.Sign() <= 0 || c.LiquidationFactor.GreaterThan(one) {
			return CompoundAbsorbResult{}, fmt.Errorf("%w: collateral %d: price ≤ 0 or liquidation factor above 1", ErrInvalidInput, i)
		}
		v := c.Amount.Mul(c.Price).RoundFloor(8)                    // mulPrice
		value = value.Add(v.Mul(c.LiquidationFactor).RoundFloor(8)) // mulFactor
	}
	if err := num.Check(value); err != nil {
		return CompoundAbsorbResult{}, fmt.Errorf("%w: collateral value: %w", ErrInvalidInput, err)
	}
	credit := num.DivFloor(value, basePrice, baseDecimals) // divPrice
	r := CompoundAbsorbResult{Credit: credit, NewBalance: decimal.Max(decimal.Zero, credit.Sub(debt)),
		Shortfall: decimal.Max(decimal.Zero, debt.Sub(credit))}
	r.PaidOut = r.NewBalance.Add(debt)
	return r, nil
}

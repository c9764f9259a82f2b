package liquidation

import (
	"time"

	"github.com/shopspring/decimal"
)

// Presets are public, dated snapshots of a venue's published parameters,
// cited to the file they were read from. Each call returns a fresh value a
// host may adjust before passing it to a constructor; a venue changes its
// parameters by governance, so check the source before relying on one.

// fullPlanTarget is a TargetHealth no partial liquidation restores:
// with it the sizing asks for all but a sliver of the debt, and the dust
// rule (a remainder below Dust is closed too) makes that the whole debt.
var fullPlanTarget = decimal.New(1, 18)

// MakerETHAClipper returns MakerDAO's ETH-A Clipper as of 17 July 2025
// (makerdao/spells-mainnet src/test/config.sol at commit 64ebd0a, the
// values every executive spell is tested against; unchanged since at least
// 24 August 2023, commit f7f6dba): buf 110%, tail 7,200 s, cusp 45%, chip
// 0.1%, tip 250 DAI; calc StairstepExponentialDecrease with step 90 s and
// cut 99%; Dog chop 13% (Chop 1.13); Vat dust 7,500 DAI. Collateral at
// WAD (18 places) as the contracts; prices at 18 places rounded up (the
// Clipper keeps RAY, 27, but a payment lot × price must fit 36 places).
// Pair it with MakerETHADog for the engine.
func MakerETHAClipper() DutchSettings {
	return DutchSettings{
		Market: "ETH-A",
		Curve: &StairstepExponentialDecrease{cut: decimal.RequireFromString("0.99"),
			pows: newRayPowers(rayFromDecimal(decimal.RequireFromString("0.99"))), step: 90 * time.Second},
		Buf:         decimal.RequireFromString("1.1"),
		Tail:        7200 * time.Second,
		Cusp:        decimal.RequireFromString("0.45"),
		Chop:        decimal.RequireFromString("1.13"),
		Dust:        decimal.NewFromInt(7500),
		Tip:         decimal.NewFromInt(250),
		Chip:        decimal.RequireFromString("0.001"),
		PriceScale:  defaultScale,
		LotScale:    defaultScale,
		RewardScale: defaultScale,
	}
}

// MakerETHADog returns engine settings with MakerDAO's Dog and Vat
// parameters for ETH-A as of 17 July 2025 (same source as
// MakerETHAClipper): Penalty 0.13 (chop 1.13), Dust 7,500 DAI (Vat dust),
// MarketCaps["ETH-A"] 40,000,000 DAI (ilk hole), GlobalCap 150,000,000
// DAI (Hole). Dog bark liquidates the whole vault unless the caps leave
// less room, so CloseFactor and FullCloseHealth are 1 and TargetHealth is
// 10^18: no partial restores it, and with the dust every plan closes the
// whole debt unless a cap shrinks it (unlike Dog, a cap is never
// exceeded; see Plan).
func MakerETHADog() EngineSettings {
	return EngineSettings{
		TargetHealth:    fullPlanTarget,
		CloseFactor:     decimal.NewFromInt(1),
		FullCloseHealth: decimal.NewFromInt(1),
		Penalty:         decimal.RequireFromString("0.13"),
		Dust:            decimal.NewFromInt(7500),
		MarketCaps:      map[string]decimal.Decimal{"ETH-A": decimal.NewFromInt(40_000_000)},
		GlobalCap:       decimal.NewFromInt(150_000_000),
	}
}

// AaveV3Engine returns engine settings with Aave v3.3's close-factor
// rules, as in aave-dao/aave-v3-origin
// src/contracts/protocol/libraries/logic/LiquidationLogic.sol at commit
// fd1fbd9 (19 June 2026; the constants are those of v3.3, unchanged
// since): CloseFactor 0.5 (DEFAULT_LIQUIDATION_CLOSE_FACTOR), 100% at a
// health factor ≤ 0.95 (FullCloseHealth, CLOSE_FACTOR_HF_THRESHOLD; Aave
// keeps 50% only when healthFactor > 0.95), 100% when a reserve's debt or
// collateral is below 2,000 in the base currency (SmallPosition,
// MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD, 2000e8 at the oracle's 8 places),
// and no remainder below 1,000 (Dust, MIN_LEFTOVER_BASE = 2000/2; Aave
// reverts a liquidation that would leave one, the engine closes the whole
// leg instead, and it also never closes less than Dust). Aave has no
// target health — a liquidator may close up to the close factor — so
// TargetHealth is 10^18: plans take the most the close factor allows.
// LiquidatorBonus is per collateral asset (liquidationBonus − 1, e.g.
// 0.05 for 10500): set it before use.
func AaveV3Engine() EngineSettings {
	return EngineSettings{
		TargetHealth:    fullPlanTarget,
		CloseFactor:     decimal.RequireFromString("0.5"),
		FullCloseHealth: decimal.RequireFromString("0.95"),
		SmallPosition:   decimal.NewFromInt(2000),
		Dust:            decimal.NewFromInt(1000),
	}
}

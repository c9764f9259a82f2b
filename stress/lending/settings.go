package lending

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
)

// validateParts builds the packages' settings once, so a combination they
// refuse (a Clipper whose penalty on a dust-sized lot does not pay its
// keeper incentives, clip.sol's chost rule) is refused here, not when a
// scenario starts.
func (c Config) validateParts() error {
	if _, err := margin.NewLending(margin.LendingSettings{Reserves: c.reserves(), Scale: Scale,
		Prices: margin.PriceFunc(func(time.Time, string) (decimal.Decimal, error) { return decimal.NewFromInt(1), nil })}); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if _, err := liquidation.NewEngine(c.engineSettings()); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	switch c.Mechanism {
	case EnglishNoReserve:
		_, err := liquidation.NewEnglishHouse(c.englishSettings(noReserve))
		if err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	case EnglishReserve:
		if _, err := liquidation.NewEnglishHouse(c.englishSettings(c.Reserve)); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	case Dutch:
		ds, err := c.dutchSettings()
		if err != nil {
			return err
		}
		if _, err := liquidation.NewDutchHouse(ds); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
		}
	}
	return nil
}

// reserves returns the pool's ETH and DAI reserves for margin.Lending.
func (c Config) reserves() []margin.Reserve {
	return []margin.Reserve{
		{Asset: "ETH", LTV: c.LTV, LiquidationThreshold: c.LiquidationThreshold, LiquidationBonus: c.LiquidationBonus},
		{Asset: "DAI"},
	}
}

// engineSettings sizes liquidations like Aave v3: up to CloseFactor of the
// debt, all of it below health 0.95, never leaving less than Dust; the tab
// is the debt times the bonus, which the auction must raise.
//
// Aave v3 has no target health: liquidators repay as much as the close
// factor allows. The engine sizes to a target health, so a target far
// above anything reachable (1000) makes the close factor the binding
// limit.
func (c Config) engineSettings() liquidation.EngineSettings {
	return liquidation.EngineSettings{
		TargetHealth:    dec("1000"),
		CloseFactor:     c.CloseFactor,
		FullCloseHealth: dec("0.95"),
		Dust:            c.Dust,
		Penalty:         c.LiquidationBonus.Sub(decimal.NewFromInt(1)),
		DebtScale:       Scale,
		LotScale:        Scale,
	}
}

// noReserve is a reserve ratio of 10⁻¹⁸: the least first bid it allows
// rounds up to one unit, 10⁻⁸ DAI for the whole lot — a zero bid. The
// 2020 Flipper had no reserve, which the liquidation package cannot
// express (it requires a positive ratio).
var noReserve = decimal.New(1, -18)

// englishSettings are a Flipper as ETH-A is usually described in March
// 2020: bids must rise 3% (beg 1.03), each bid gives others 10 minutes to
// beat it (ttl), an auction lasts at most 6 hours (tau). These three
// defaults are ASSUMED: they were not checked against the 2020 governance
// spells. What is documented is flip.sol's own defaults — beg 5%, ttl 3
// hours, tau 2 days (MakerDAO, "Flipper - Detailed Documentation") — which
// governance overrode per collateral with file().
func (c Config) englishSettings(reserve decimal.Decimal) liquidation.EnglishSettings {
	return liquidation.EnglishSettings{
		Market:       "ETH",
		ReserveRatio: reserve,
		MinIncrement: c.EnglishBeg,
		MinDecrement: c.EnglishBeg,
		BidDuration:  c.EnglishTTL,
		MaxDuration:  c.EnglishTau,
		PriceScale:   Scale,
		LotScale:     Scale,
	}
}

// dutchSettings are a Clipper in the spirit of MakerDAO's Liquidations 2.0
// (MIP45, dss clip.sol and abacus.sol): by default the price starts at 120%
// of the oracle price (buf) and drops 1% every 90 seconds
// (StairstepExponentialDecrease, cut 0.99, step 90 s); an auction older
// than 2 hours (tail) or below 45% of its top (cusp) must be reset at a
// fresh oracle price; keepers earn 100 DAI (tip) + 0.1% of the tab (chip)
// for kicking and resetting. The parameter names and the curve are
// clip.sol's; the values are illustrative, of the order Maker's risk teams
// discussed ("Liquidations 2.0: Preliminary Risk Parameters", MakerDAO
// forum), not ETH-A's governance values.
func (c Config) dutchSettings() (liquidation.DutchSettings, error) {
	curve, err := liquidation.NewStairstepExponentialDecrease(c.DutchCut, c.DutchStep)
	if err != nil {
		return liquidation.DutchSettings{}, fmt.Errorf("%w: Dutch curve: %w", ErrInvalidConfig, err)
	}
	return liquidation.DutchSettings{
		Market:      "ETH",
		Curve:       curve,
		Buf:         c.DutchBuf,
		Tail:        c.DutchTail,
		Cusp:        c.DutchCusp,
		Chop:        c.LiquidationBonus,
		Dust:        c.Dust,
		Tip:         c.DutchTip,
		Chip:        c.DutchChip,
		PriceScale:  Scale,
		LotScale:    Scale,
		RewardScale: Scale,
	}, nil
}

package lending

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Errors. Every error of the package wraps one of these once.
var (
	// ErrInvalidConfig is a Config (or a Set) the model cannot run.
	ErrInvalidConfig = errors.New("lending: invalid config")
	// ErrInvalidTick is a tick the model refuses: time not after the
	// previous tick's, a price ≤ 0, congestion outside 0–100.
	ErrInvalidTick = errors.New("lending: invalid tick")
)

// Mechanism names how the pool liquidates. Config.Mechanism and
// Set("mechanism", …) take these names.
type Mechanism string

// The mechanisms.
const (
	// EnglishNoReserve is MakerDAO's Flipper as on 12 March 2020 (dss
	// flip.sol): two-phase English auctions that any bid above zero opens.
	EnglishNoReserve Mechanism = "english-no-reserve"
	// EnglishReserve is the Flipper with a reserve price: a first bid below
	// lot × oracle price × Config.Reserve is refused.
	EnglishReserve Mechanism = "english-reserve"
	// Dutch is MakerDAO's Clipper (Liquidations 2.0, MIP45, dss clip.sol):
	// a price falling on a curve from above the oracle price, bought at once.
	Dutch Mechanism = "dutch"
	// FixedSpread is Aave v3.3's liquidationCall: no auction; a liquidator
	// repays up to the close factor of the debt and receives collateral
	// worth the debt times the liquidation bonus at the oracle price, the
	// protocol keeping its fee on the bonus (aave-dao/aave-v3-origin
	// LiquidationLogic.sol, via liquidation.LiquidationCall).
	FixedSpread Mechanism = "fixed-spread"
	// Absorb is Compound III's liquidation (compound-finance/comet
	// Comet.sol absorb and buyCollateral, via liquidation.Absorb and
	// liquidation.QuoteCollateral): the protocol takes over the whole
	// account, crediting its collateral at the oracle price × the
	// liquidation factor, and sells the collateral at a store-front
	// discount.
	Absorb Mechanism = "absorb"
)

// Mechanisms lists every mechanism, in the order the example reports them.
func Mechanisms() []Mechanism {
	return []Mechanism{EnglishNoReserve, EnglishReserve, Dutch, FixedSpread, Absorb}
}

// Scale is the number of decimal places of every amount and price in the
// model (DAI, ETH and ETH/DAI): the smallest unit is 10⁻⁸.
const Scale = 8

var dec = decimal.RequireFromString

// Config is one lending pool under test. The zero value is the pool of
// examples/lending (Aave v3 WETH parameters, Maker's OSM, Dutch auctions):
// every zero field means its documented default. Validate (or New) checks
// it; Set changes one field by name, for parameter sweeps.
type Config struct {
	// Mechanism is how the pool liquidates. Default Dutch.
	Mechanism Mechanism
	// Borrowers is the number of borrowers, 1 to 5,000. Default 200.
	Borrowers int
	// Keepers is the number of ordinary keepers, 1 to 50 (a zero-bid bot
	// is added to them). Default 5.
	Keepers int
	// KeeperCapital scales the keepers' DAI: ordinary keeper i holds
	// KeeperCapital × (1500 + u_i) / 1500 with u_i drawn in [0, 2500), and
	// the zero-bid bot 2 × KeeperCapital. Default 1,500,000 (1.5M–4M DAI
	// each, bot 3M); in (0, 10¹²].
	KeeperCapital decimal.Decimal
	// LTV is the share of the collateral's value a borrower may borrow: the
	// book is drawn under it. Default 0.805 (Aave v3 WETH, Chaos Labs
	// "ARFC: risk parameter updates, Aave v3 Ethereum, 2023-05-18",
	// AaveV3EthRiskParams_20230529). In (0, LiquidationThreshold].
	LTV decimal.Decimal
	// LiquidationThreshold is the collateral factor of the health factor
	// (liquidatable below Σ collateral × threshold / debt = 1): the
	// liquidation ratio's inverse (Maker's mat 1.5 is a threshold of 0.667).
	// Default 0.83 (Aave v3 WETH, same payload). In (0, 1).
	LiquidationThreshold decimal.Decimal
	// LiquidationBonus is the liquidation penalty as a multiplier: the tab
	// of an auction is debt × bonus (Maker chop), and a fixed-spread
	// liquidator receives collateral worth debt × bonus (Aave
	// liquidationBonus). Default 1.05 (Aave v3 WETH at launch); in (1, 1.5],
	// at most 4 places (Aave's percentage precision), and threshold × bonus
	// ≤ 1 (Aave v3 PoolConfigurator.configureReserveAsCollateral: a
	// liquidation must not pay out more collateral than secures the debt).
	LiquidationBonus decimal.Decimal
	// CloseFactor is the share of the debt one liquidation may close while
	// the health factor is at least 0.95 (all of it below). Default 0.5
	// (Aave v3 DEFAULT_LIQUIDATION_CLOSE_FACTOR). In (0, 1]. The
	// fixed-spread mechanism uses Aave v3.3's rule, in which it is fixed
	// at 0.5 (liquidation.LiquidationCall), and ignores it.
	CloseFactor decimal.Decimal
	// Dust is the smallest debt a liquidation closes or leaves, in DAI
	// (Maker Vat dust; for the fixed-spread mechanism Aave v3.3's
	// MIN_LEFTOVER_BASE, whose threshold is 2 × Dust). Default 5,000;
	// in [0, 10⁹].
	Dust decimal.Decimal
	// Reserve is the English reserve ratio (first bid ≥ lot × oracle ×
	// Reserve) of EnglishReserve. Default 0.8; in (0, 1].
	Reserve decimal.Decimal
	// EnglishBeg is the Flipper's minimum bid increment (beg − 1). Default
	// 0.03 (assumed, see examples/lending); in (0, 1).
	EnglishBeg decimal.Decimal
	// EnglishTTL is how long a bid gives others to answer (Flipper ttl).
	// Default 10 minutes (assumed); 1 minute to 24 hours.
	EnglishTTL time.Duration
	// EnglishTau is an English auction's longest life (Flipper tau).
	// Default 6 hours (assumed); EnglishTTL to 7 days.
	EnglishTau time.Duration
	// DutchBuf is the Clipper's starting price over the oracle price (buf).
	// Default 1.2; in [1, 10].
	DutchBuf decimal.Decimal
	// DutchCut is the Clipper curve's factor per step
	// (StairstepExponentialDecrease cut). Default 0.99; in (0, 1).
	DutchCut decimal.Decimal
	// DutchStep is the curve's step. Default 90 seconds; 1 second to 1 hour.
	DutchStep time.Duration
	// DutchTail is the age after which a Dutch auction must be reset
	// (Clipper tail). Default 2 hours; 1 minute to 7 days.
	DutchTail time.Duration
	// DutchCusp is the share of the top price below which it must be reset
	// (Clipper cusp). Default 0.45; in (0, 1).
	DutchCusp decimal.Decimal
	// DutchTip is the flat keeper incentive per kick or redo, in DAI
	// (Clipper tip). Default 100; in [0, 10⁶].
	DutchTip decimal.Decimal
	// DutchChip is the keeper incentive as a share of the tab (Clipper
	// chip). Default 0.001; in [0, 0.1].
	DutchChip decimal.Decimal
	// ProtocolFee is the share of a fixed-spread liquidation's bonus
	// collateral the protocol keeps (Aave liquidationProtocolFee). Default
	// 0.1 (Aave v3 WETH's 10%); in [0, 1], at most 4 places.
	ProtocolFee decimal.Decimal
	// StoreFrontPriceFactor is the share of the liquidation penalty
	// (1 − liquidation factor, the liquidation factor being 2 −
	// LiquidationBonus) Compound III passes to collateral buyers (Comet
	// storeFrontPriceFactor). Default 0.5 (cUSDCv3 on Ethereum,
	// compound-finance/comet deployments/mainnet/usdc/configuration.json);
	// in (0, 1], at most 18 places. Only Absorb uses it.
	StoreFrontPriceFactor decimal.Decimal
	// Surplus is the protocol's surplus buffer at the start, in DAI: the
	// first layer that absorbs bad debt and keeper incentives, and where
	// liquidation income goes (MakerDAO's system surplus, the Vow's DAI;
	// dss vow.sol heal/flop). What it cannot cover is socialised by a debt
	// auction (Flop: MKR minted and sold). Default 500,000 DAI — ASSUMED, an
	// order of magnitude (2.4% of the default book's debt; Maker governance
	// discussed 0.3%–2% of DAI supply, forum.makerdao.com "Signal Request:
	// Adjust the Surplus Buffer"). Set it to 0 with Set("surplus", "0")
	// (the zero value means the default); in [0, 10¹²].
	Surplus decimal.Decimal
	// NoSurplus makes the surplus buffer empty (Surplus is then ignored).
	NoSurplus bool
}

// defaults of Config, in one place.
var (
	defaultKeeperCapital = dec("1500000")
	defaultLTV           = dec("0.805")
	defaultThreshold     = dec("0.83")
	defaultBonus         = dec("1.05")
	defaultCloseFactor   = dec("0.5")
	defaultDust          = dec("5000")
	defaultReserve       = dec("0.8")
	defaultBeg           = dec("0.03")
	defaultBuf           = dec("1.2")
	defaultCut           = dec("0.99")
	defaultCusp          = dec("0.45")
	defaultTip           = dec("100")
	defaultChip          = dec("0.001")
	defaultProtocolFee   = dec("0.1")
	defaultStoreFront    = dec("0.5")
	defaultSurplus       = dec("500000")
)

// withDefaults returns c with every zero field at its default, validated.
func (c Config) withDefaults() (Config, error) {
	setDec := func(d *decimal.Decimal, def decimal.Decimal) {
		if d.IsZero() {
			*d = def
		}
	}
	setDur := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	if c.Mechanism == "" {
		c.Mechanism = Dutch
	}
	if c.Borrowers == 0 {
		c.Borrowers = 200
	}
	if c.Keepers == 0 {
		c.Keepers = 5
	}
	setDec(&c.KeeperCapital, defaultKeeperCapital)
	setDec(&c.LTV, defaultLTV)
	setDec(&c.LiquidationThreshold, defaultThreshold)
	setDec(&c.LiquidationBonus, defaultBonus)
	setDec(&c.CloseFactor, defaultCloseFactor)
	setDec(&c.Dust, defaultDust)
	setDec(&c.Reserve, defaultReserve)
	setDec(&c.EnglishBeg, defaultBeg)
	setDur(&c.EnglishTTL, 10*time.Minute)
	setDur(&c.EnglishTau, 6*time.Hour)
	setDec(&c.DutchBuf, defaultBuf)
	setDec(&c.DutchCut, defaultCut)
	setDur(&c.DutchStep, 90*time.Second)
	setDur(&c.DutchTail, 2*time.Hour)
	setDec(&c.DutchCusp, defaultCusp)
	setDec(&c.DutchTip, defaultTip)
	setDec(&c.DutchChip, defaultChip)
	setDec(&c.ProtocolFee, defaultProtocolFee)
	setDec(&c.StoreFrontPriceFactor, defaultStoreFront)
	setDec(&c.Surplus, defaultSurplus)
	if c.NoSurplus {
		c.Surplus = decimal.Zero
	}
	return c, c.validate()
}

// Resolved returns c with every zero field at its default, validated (an
// error wraps ErrInvalidConfig).
func (c Config) Resolved() (Config, error) { return c.withDefaults() }

// Validate reports whether c (after defaults) can run; the error wraps
// ErrInvalidConfig and names the field.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

func (c Config) validate() error {
	one := decimal.NewFromInt(1)
	bad := func(field, detail string) error {
		return fmt.Errorf("%w: %s %s", ErrInvalidConfig, field, detail)
	}
	switch c.Mechanism {
	case EnglishNoReserve, EnglishReserve, Dutch, FixedSpread, Absorb:
	default:
		return bad("Mechanism", fmt.Sprintf("%q unknown (want one of %s)", string(c.Mechanism), mechanismNames()))
	}
	if c.Borrowers < 1 || c.Borrowers > 5000 {
		return bad("Borrowers", fmt.Sprintf("%d outside [1, 5000]", c.Borrowers))
	}
	if c.Keepers < 1 || c.Keepers > 50 {
		return bad("Keepers", fmt.Sprintf("%d outside [1, 50]", c.Keepers))
	}
	// Every decimal is checked for an absurd exponent before it is
	// compared or formatted.
	for _, f := range []struct {
		name   string
		v      decimal.Decimal
		lo, hi decimal.Decimal
		loOpen bool
		hiOpen bool
		places int32
	}{
		{"KeeperCapital", c.KeeperCapital, decimal.Zero, dec("1e12"), true, false, Scale},
		{"LiquidationThreshold", c.LiquidationThreshold, decimal.Zero, one, true, true, Scale},
		{"LTV", c.LTV, decimal.Zero, one, true, true, Scale},
		{"LiquidationBonus", c.LiquidationBonus, one, dec("1.5"), true, false, 4},
		{"CloseFactor", c.CloseFactor, decimal.Zero, one, true, false, Scale},
		{"Dust", c.Dust, decimal.Zero, dec("1e9"), false, false, Scale},
		{"Reserve", c.Reserve, decimal.Zero, one, true, false, Scale},
		{"EnglishBeg", c.EnglishBeg, decimal.Zero, one, true, true, Scale},
		{"DutchBuf", c.DutchBuf, one, dec("10"), false, false, Scale},
		{"DutchCut", c.DutchCut, decimal.Zero, one, true, true, 18},
		{"DutchCusp", c.DutchCusp, decimal.Zero, one, true, true, 18},
		{"DutchTip", c.DutchTip, decimal.Zero, dec("1e6"), false, false, Scale},
		{"DutchChip", c.DutchChip, decimal.Zero, dec("0.1"), false, false, 18},
		{"ProtocolFee", c.ProtocolFee, decimal.Zero, one, false, false, 4},
		{"StoreFrontPriceFactor", c.StoreFrontPriceFactor, decimal.Zero, one, true, false, 18},
		{"Surplus", c.Surplus, decimal.Zero, dec("1e12"), false, false, Scale},
	} {
		if err := num.Check(f.v); err != nil {
			return bad(f.name, err.Error())
		}
		if f.v.Exponent() < -f.places {
			return bad(f.name, fmt.Sprintf("%s has more than %d places", f.v, f.places))
		}
		if f.v.LessThan(f.lo) || (f.loOpen && f.v.Equal(f.lo)) || f.v.GreaterThan(f.hi) || (f.hiOpen && f.v.Equal(f.hi)) {
			return bad(f.name, fmt.Sprintf("%s outside %s%s, %s%s", f.v, bracket(f.loOpen, "(", "["), f.lo, f.hi, bracket(f.hiOpen, ")", "]")))
		}
	}
	if c.LiquidationThreshold.Mul(c.LiquidationBonus).GreaterThan(one) {
		return bad("LiquidationBonus", fmt.Sprintf("%s × threshold %s exceeds 1", c.LiquidationBonus, c.LiquidationThreshold))
	}
	if c.LTV.GreaterThan(c.LiquidationThreshold) {
		return bad("LTV", fmt.Sprintf("%s above the liquidation threshold %s", c.LTV, c.LiquidationThreshold))
	}
	if err := c.validateDurations(); err != nil {
		return err
	}
	return c.validateParts()
}

func (c Config) validateDurations() error {
	bad := func(field, detail string) error {
		return fmt.Errorf("%w: %s %s", ErrInvalidConfig, field, detail)
	}
	for _, f := range []struct {
		name   string
		v      time.Duration
		lo, hi time.Duration
	}{
		{"EnglishTTL", c.EnglishTTL, time.Minute, 24 * time.Hour},
		{"EnglishTau", c.EnglishTau, c.EnglishTTL, 7 * 24 * time.Hour},
		{"DutchStep", c.DutchStep, time.Second, time.Hour},
		{"DutchTail", c.DutchTail, time.Minute, 7 * 24 * time.Hour},
	} {
		if f.v < f.lo || f.v > f.hi {
			return bad(f.name, fmt.Sprintf("%s outside [%s, %s]", f.v, f.lo, f.hi))
		}
	}
	return nil
}

func bracket(open bool, o, c string) string {
	if open {
		return o
	}
	return c
}

func mechanismNames() string {
	var s []string
	for _, m := range Mechanisms() {
		s = append(s, string(m))
	}
	return strings.Join(s, ", ")
}

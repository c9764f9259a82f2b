package lending

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/liquidation"
	"github.com/failsafe-fi/failsafe/margin"
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

// setters maps every sweep parameter Set accepts to the field it sets.
var setters = map[string]func(c *Config, v string) error{
	"mechanism": func(c *Config, v string) error { c.Mechanism = Mechanism(v); return nil },
	"borrowers": func(c *Config, v string) error { return setInt(&c.Borrowers, v) },
	"keepers":   func(c *Config, v string) error { return setInt(&c.Keepers, v) },
	"keeper-capital": func(c *Config, v string) error {
		return setDec(&c.KeeperCapital, v)
	},
	"ltv":                   func(c *Config, v string) error { return setDec(&c.LTV, v) },
	"liquidation-threshold": func(c *Config, v string) error { return setDec(&c.LiquidationThreshold, v) },
	"liquidation-bonus":     func(c *Config, v string) error { return setDec(&c.LiquidationBonus, v) },
	"close-factor":          func(c *Config, v string) error { return setDec(&c.CloseFactor, v) },
	"dust":                  func(c *Config, v string) error { return setDec(&c.Dust, v) },
	"reserve":               func(c *Config, v string) error { return setDec(&c.Reserve, v) },
	"english-beg":           func(c *Config, v string) error { return setDec(&c.EnglishBeg, v) },
	"english-ttl":           func(c *Config, v string) error { return setDur(&c.EnglishTTL, v) },
	"english-tau":           func(c *Config, v string) error { return setDur(&c.EnglishTau, v) },
	"dutch-buf":             func(c *Config, v string) error { return setDec(&c.DutchBuf, v) },
	"dutch-cut":             func(c *Config, v string) error { return setDec(&c.DutchCut, v) },
	"dutch-step":            func(c *Config, v string) error { return setDur(&c.DutchStep, v) },
	"dutch-tail":            func(c *Config, v string) error { return setDur(&c.DutchTail, v) },
	"dutch-cusp":            func(c *Config, v string) error { return setDec(&c.DutchCusp, v) },
	"dutch-tip":             func(c *Config, v string) error { return setDec(&c.DutchTip, v) },
	"dutch-chip":            func(c *Config, v string) error { return setDec(&c.DutchChip, v) },
	"protocol-fee":          func(c *Config, v string) error { return setDec(&c.ProtocolFee, v) },
	"store-front":           func(c *Config, v string) error { return setDec(&c.StoreFrontPriceFactor, v) },
	"surplus": func(c *Config, v string) error {
		if err := setDec(&c.Surplus, v); err != nil {
			return err
		}
		c.NoSurplus = c.Surplus.IsZero()
		return nil
	},
}

// Parameters lists the names Set accepts, sorted.
func Parameters() []string {
	out := make([]string, 0, len(setters))
	for k := range setters {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Set sets the parameter name to value, for sweeps. Names and the field
// each sets: mechanism (Mechanism: english-no-reserve, english-reserve,
// dutch, fixed-spread, absorb), borrowers, keepers, keeper-capital, ltv,
// liquidation-threshold, liquidation-bonus, close-factor, dust, reserve,
// english-beg, english-ttl, english-tau, dutch-buf, dutch-cut, dutch-step,
// dutch-tail, dutch-cusp, dutch-tip, dutch-chip, protocol-fee,
// store-front (StoreFrontPriceFactor), surplus ("0" empties the buffer). Decimals are written as decimals ("0.83"),
// durations as Go durations ("90s"), counts as integers. An unknown name,
// an unparsable value or a Config that no longer validates is
// ErrInvalidConfig, and c is left unchanged.
func (c *Config) Set(name, value string) error {
	f, ok := setters[name]
	if !ok {
		return fmt.Errorf("%w: unknown parameter %q (want one of %s)", ErrInvalidConfig, name, strings.Join(Parameters(), ", "))
	}
	next := *c
	if err := f(&next, value); err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInvalidConfig, name, err)
	}
	if err := next.Validate(); err != nil {
		return err
	}
	*c = next
	return nil
}

func setInt(p *int, v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%q is not an integer", v)
	}
	*p = n
	return nil
}

func setDec(p *decimal.Decimal, v string) error {
	if len(v) > 40 {
		return fmt.Errorf("value of %d characters", len(v))
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		return fmt.Errorf("%q is not a decimal", v)
	}
	if err := num.Check(d); err != nil {
		return err
	}
	*p = d
	return nil
}

func setDur(p *time.Duration, v string) error {
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration", v)
	}
	*p = d
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

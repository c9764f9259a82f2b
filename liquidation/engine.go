package liquidation

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Account is the view of one account the engine reads. A margin
// calculator plugs in through a small adapter; StaticAccount is a ready
// value type.
//
//   - Equity: collateral value − debt (or margin balance + unrealised PnL).
//   - Maintenance: the maintenance requirement; the account is
//     liquidatable when Equity < Maintenance (strict) and Maintenance > 0.
//   - Debt: total debt value, the basis of the close factor.
//   - Collateral: total collateral value (Aave's small-position rule).
//   - Positions: the legs that can be auctioned.
type Account interface {
	AccountID() string
	Equity() decimal.Decimal
	Maintenance() decimal.Decimal
	Debt() decimal.Decimal
	Collateral() decimal.Decimal
	Positions() []Position
}

// Reducer is an optional interface of an Account: the margin owner's way
// to say "must be reduced now" whatever the health says. A host implements
// it when its margin calculator flags an account — for example a position
// whose notional has risen above its market's last tier cap (the margin
// package margins it at the last tier's rate, flags it and reports it
// liquidatable; Bybit and Binance likewise force such a position down to a
// tier it fits) — and returns the least debt that must be closed now:
// for the tier case, the debt attributable to the notional above the cap
// (debt × excess notional / notional, rounded up); a host that cannot size
// it returns Debt() to close everything. Zero means not flagged.
//
// Plan then plans the account even when Equity ≥ Maintenance, closing
// MustReduce (at most the debt, raised by the dust rule; Order.Reduce is
// set). For an account that is liquidatable anyway the debt closed is the
// larger of the health-based size and MustReduce, and MustReduce is not
// capped by the close factor. StaticAccount implements it with its
// ReduceDebt field.
type Reducer interface {
	MustReduce() decimal.Decimal
}

// Position is one liquidatable leg of an account: collateral of one market
// securing part of the debt. A host with a single pooled debt attributes it
// to legs (for example pro rata to collateral value).
type Position struct {
	Market string          `json:"market"` // collateral market (the Order and cap key)
	Size   decimal.Decimal `json:"size"`   // collateral quantity (lot units), ≥ 0
	Value  decimal.Decimal `json:"value"`  // collateral value in quote, ≥ 0 (for the SmallPosition rule)
	Debt   decimal.Decimal `json:"debt"`   // debt secured by this leg, ≥ 0
}

// StaticAccount is a plain Account value.
type StaticAccount struct {
	ID               string          // AccountID
	EquityValue      decimal.Decimal // Equity
	MaintenanceValue decimal.Decimal // Maintenance
	DebtValue        decimal.Decimal // Debt
	CollateralValue  decimal.Decimal // Collateral
	Legs             []Position      // Positions
	// ReduceDebt is MustReduce: the least debt the margin owner requires
	// closed now (e.g. above the last tier cap); zero when not flagged.
	ReduceDebt decimal.Decimal
}

// MustReduce implements Reducer.
func (a StaticAccount) MustReduce() decimal.Decimal { return a.ReduceDebt }

// AccountID implements Account.
func (a StaticAccount) AccountID() string { return a.ID }

// Equity implements Account.
func (a StaticAccount) Equity() decimal.Decimal { return a.EquityValue }

// Maintenance implements Account.
func (a StaticAccount) Maintenance() decimal.Decimal { return a.MaintenanceValue }

// Debt implements Account.
func (a StaticAccount) Debt() decimal.Decimal { return a.DebtValue }

// Collateral implements Account.
func (a StaticAccount) Collateral() decimal.Decimal { return a.CollateralValue }

// Positions implements Account.
func (a StaticAccount) Positions() []Position { return a.Legs }

// EngineSettings configures an Engine. Every field is optional; the zero
// value plans partial, Aave-style liquidations: each liquidatable account
// closes enough debt to restore health to 1.1 (a
// buffer above maintenance), at most half its debt (the close factor)
// unless its health is at or below 0.95, with no penalty, dust, caps or
// throttles. A full Maker-style liquidation is CloseFactor 1 with a
// TargetHealth high enough that no partial restores it.
type EngineSettings struct {
	// TargetHealth is the equity/maintenance ratio a partial liquidation
	// restores (Aave v4 "target health factor"). Default (zero)
	// 1.1. Must be ≥ 1. Restoring exactly 1 leaves
	// an account one rounding or one tick away from a second liquidation
	// (and a second penalty) at the same mark, which no venue does:
	// Binance stops a liquidation once the account is "margin compliant
	// after calculating the realized losses and liquidation fee
	// deductions" (Binance Futures "Liquidation Protocols", as published
	// at docs.traderwagon.com/faq/futures-trading-introduction/
	// liquidation-protocol); Bybit sends an order for "the difference
	// between the current position value and the lower margin tier value
	// which satisfies the margin requirement, thus preventing further
	// liquidation" (help.bybit.com/hc/en-us/articles/900000167723,
	// "Liquidation Process (USDT Contract)"); dYdX liquidates "until the
	// account is sufficiently collateralized" (dYdX Chain docs, "Contract
	// Loss Mechanisms"). None publishes one ratio for it; 1.1 is this
	// library's default. Set 1 explicitly for the bare minimum. To
	// restore initial margin instead, set it to initial/maintenance
	// (e.g. 2 when initial is twice maintenance, as on Binance's and
	// Bybit's first BTCUSDT tier).
	TargetHealth decimal.Decimal
	// CloseFactor is the most of an account's debt one plan closes while
	// the account is healthy enough (Aave v3 DEFAULT_LIQUIDATION_CLOSE_FACTOR
	// 0.5). Default (zero) 0.5. Must be in (0, 1].
	CloseFactor decimal.Decimal
	// FullCloseHealth: below this health (equity/maintenance) the close
	// factor is 100% (Aave v3 CLOSE_FACTOR_HF_THRESHOLD 0.95). Default
	// (zero) 0.95. Must be in (0, 1].
	FullCloseHealth decimal.Decimal
	// SmallPosition: when the account's debt or collateral value, or a
	// leg's debt or value, is below it the close factor is 100% (Aave v3.3
	// MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD, $2,000). Default 0: off.
	SmallPosition decimal.Decimal
	// Dust is the smallest debt a liquidation may close and the smallest
	// it may leave: a plan closes nothing below Dust and leaves either
	// nothing or at least Dust (Maker Vat dust; Aave v3.3 MIN_LEFTOVER_BASE).
	// Default 0.
	Dust decimal.Decimal
	// Penalty is the liquidation penalty as a fraction of the debt closed,
	// added to the auction tab: tab = ceil(debt × (1 + Penalty)) (Maker
	// chop − 1, e.g. 0.13). Default 0; at most 1.
	Penalty decimal.Decimal
	// LiquidatorBonus is the liquidator's bonus as a fraction of the debt
	// closed (Aave liquidationBonus − 1, e.g. 0.05), reported per order and
	// charged to the account when sizing. Default 0; at most 1.
	LiquidatorBonus decimal.Decimal
	// GlobalCap is the most debt (tabs) under auction at once across all
	// markets (Maker Dog Hole). Default 0: no cap.
	GlobalCap decimal.Decimal
	// MarketCaps is the most debt under auction per market (Maker Dog
	// ilk.hole). A market absent from the map has no market cap.
	MarketCaps map[string]decimal.Decimal
	// Window is the throttle window; MaxCount and MaxNotional limit the
	// orders committed (and their tabs) within any window ending at now.
	// Window zero disables both throttles; MaxCount zero or MaxNotional
	// zero disables that one.
	Window      time.Duration
	MaxCount    int
	MaxNotional decimal.Decimal
	// DebtScale is the number of places of planned debt and tabs (rounded
	// up) and bonuses (rounded down). Default (zero) 18.
	DebtScale int32
	// LotScale is the number of places of planned lots (rounded down).
	// Default (zero) 18.
	LotScale int32
}

// defaultTargetHealth is the TargetHealth of a zero EngineSettings: 1.1,
// a 10% buffer above maintenance after the liquidation's own penalty and
// bonus, so the account is not liquidated again at the same mark.
var defaultTargetHealth = decimal.RequireFromString("1.1")

type engineConfig struct {
	EngineSettings
	chop decimal.Decimal
	cost decimal.Decimal
}

func (s EngineSettings) validate() (engineConfig, error) {
	one := decimal.NewFromInt(1)
	c := engineConfig{EngineSettings: s}
	if c.TargetHealth.IsZero() {
		c.TargetHealth = defaultTargetHealth
	}
	if c.CloseFactor.IsZero() {
		c.CloseFactor = decimal.RequireFromString("0.5")
	}
	if c.FullCloseHealth.IsZero() {
		c.FullCloseHealth = decimal.RequireFromString("0.95")
	}
	// An out-of-range value is reported by num.Check's error, never printed:
	// formatting a decimal with an absurd exponent would hang the host.
	if err := num.Check(c.TargetHealth); err != nil {
		return c, fmt.Errorf("%w: target health: %w", ErrInvalidSettings, err)
	}
	if c.TargetHealth.LessThan(one) {
		return c, fmt.Errorf("%w: target health %s must be ≥ 1", ErrInvalidSettings, s.TargetHealth)
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"close factor", c.CloseFactor}, {"full close health", c.FullCloseHealth}} {
		if err := num.Check(f.v); err != nil {
			return c, fmt.Errorf("%w: %s: %w", ErrInvalidSettings, f.name, err)
		}
		if f.v.Sign() <= 0 || f.v.GreaterThan(one) {
			return c, fmt.Errorf("%w: %s %s must be in (0, 1]", ErrInvalidSettings, f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"penalty", s.Penalty}, {"liquidator bonus", s.LiquidatorBonus}} {
		if err := num.Check(f.v); err == nil && f.v.GreaterThan(one) {
			return c, fmt.Errorf("%w: %s %s above 1 (100%% of the debt closed)", ErrInvalidSettings, f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"small position", s.SmallPosition}, {"dust", s.Dust}, {"penalty", s.Penalty},
		{"liquidator bonus", s.LiquidatorBonus}, {"global cap", s.GlobalCap}, {"max notional", s.MaxNotional}} {
		if err := nonNegative(ErrInvalidSettings, f.name, f.v); err != nil {
			return c, err
		}
	}
	c.MarketCaps = make(map[string]decimal.Decimal, len(s.MarketCaps)) // a copy: the host's map may change
	for m, v := range s.MarketCaps {
		c.MarketCaps[m] = v
	}
	for _, m := range sortedKeys(s.MarketCaps) { // sorted: the first bad cap reported is deterministic
		if err := positive(ErrInvalidSettings, "market cap "+m, s.MarketCaps[m]); err != nil {
			return c, err
		}
	}
	if s.Window < 0 || s.MaxCount < 0 {
		return c, fmt.Errorf("%w: window %s and max count %d must not be negative", ErrInvalidSettings, s.Window, s.MaxCount)
	}
	var err error
	if c.DebtScale, err = scaleOr(s.DebtScale, "debt scale"); err != nil {
		return c, err
	}
	if c.LotScale, err = scaleOr(s.LotScale, "lot scale"); err != nil {
		return c, err
	}
	c.chop = one.Add(s.Penalty)
	c.cost = s.Penalty.Add(s.LiquidatorBonus)
	return c, nil
}

// Engine selects and sizes liquidations and keeps the debt-under-auction
// caps and throttles (Maker Dog's Hole/Dirt and ilk hole/dirt). Plan never
// mutates anything; the host executes a plan, calls Commit to reserve its
// cap room, and Release as auctions recover or drop debt (Dog digs).
//
// An Engine is not safe for concurrent use: the host serialises calls.
type Engine struct {
	cfg    engineConfig
	dirt   decimal.Decimal
	market map[string]decimal.Decimal
	recent []ThrottleEntry // committed orders within the window, oldest first
	clock  clock
	keys   keyBook // CommitKeyed's idempotency keys (see KeyWindow)
}

// ThrottleEntry is one committed order remembered by the throttles.
type ThrottleEntry struct {
	Time     time.Time       `json:"time"`     // when committed
	Notional decimal.Decimal `json:"notional"` // the order's tab
}

// NewEngine validates s and returns an engine with nothing under auction.
func NewEngine(s EngineSettings) (*Engine, error) {
	cfg, err := s.validate()
	if err != nil {
		return nil, err
	}
	return &Engine{cfg: cfg, dirt: decimal.Zero, market: map[string]decimal.Decimal{}}, nil
}

// DebtUnderAuction returns the global debt under auction (Dog Dirt).
func (e *Engine) DebtUnderAuction() decimal.Decimal { return e.dirt }

// MarketDebtUnderAuction returns a market's debt under auction (ilk dirt).
func (e *Engine) MarketDebtUnderAuction(market string) decimal.Decimal {
	if v, ok := e.market[market]; ok {
		return v
	}
	return decimal.Zero
}

func sortedKeys(m map[string]decimal.Decimal) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

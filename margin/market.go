package margin

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Kind is how a contract is valued.
type Kind int

const (
	// Linear is a quote-margined contract (USDT-M): notional = |size| ×
	// contract size × price, PnL = size × contract size × (price − entry),
	// both in the quote asset. The zero value.
	Linear Kind = iota
	// Inverse is a coin-margined contract (COIN-M, BitMEX XBTUSD): notional =
	// |size| × contract size / price, PnL = size × contract size ×
	// (1/entry − 1/price), both in the base coin.
	Inverse
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Linear:
		return "linear"
	case Inverse:
		return "inverse"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Basis is the price a position's maintenance requirement is valued at.
type Basis int

const (
	// MarkValue values maintenance at the mark price (Binance: the
	// liquidation formula carries Position × MMR in its denominator). The
	// zero value.
	MarkValue Basis = iota
	// EntryValue values maintenance at the entry price, so it does not move
	// with the mark (Bybit isolated "Entry × (1 − IMR + MMR)" and the BitMEX
	// examples: long 20 at 1,000 with 1% maintenance liquidates at 510).
	EntryValue
)

// String names the basis.
func (b Basis) String() string {
	switch b {
	case MarkValue:
		return "mark"
	case EntryValue:
		return "entry"
	}
	return fmt.Sprintf("Basis(%d)", int(b))
}

// PriceSource is the price lookup the Calculator consumes: the mark price
// of a market (or, for collateral, the price of an asset in the settlement
// asset) at now. An oracle feed plugs in with a method value, for example
// margin.PriceFunc(feed.Price). The price must be positive.
type PriceSource interface {
	Price(now time.Time, market string) (decimal.Decimal, error)
}

// PriceFunc adapts a function to PriceSource.
type PriceFunc func(now time.Time, market string) (decimal.Decimal, error)

// Price calls f.
func (f PriceFunc) Price(now time.Time, market string) (decimal.Decimal, error) {
	return f(now, market)
}

// StaticPrices is a PriceSource with fixed prices, for tests, examples and
// what-if evaluations. A missing key is an error wrapping ErrPrice.
type StaticPrices map[string]decimal.Decimal

// Price returns p[market].
func (p StaticPrices) Price(_ time.Time, market string) (decimal.Decimal, error) {
	v, ok := p[market]
	if !ok {
		return decimal.Zero, fmt.Errorf("%w: market %q: no price", ErrPrice, market)
	}
	return v, nil
}

// Market describes one contract. The zero values of the optional fields are
// the defaults written on each.
type Market struct {
	// ID names the market; required and unique.
	ID string `json:"id"`
	// Kind is Linear (default) or Inverse.
	Kind Kind `json:"kind"`
	// ContractSize is the multiplier of one contract (quote units per
	// contract for Inverse, base units per contract for Linear). Zero means 1.
	ContractSize decimal.Decimal `json:"contract_size"`
	// Basis values maintenance at the mark (default) or at the entry price.
	Basis Basis `json:"basis"`
	// Rule is the tier stepping rule: Marginal (default) or Step.
	Rule Rule `json:"rule"`
	// Tiers is the tier table (see NewSchedule for its validation).
	Tiers []Tier `json:"tiers"`
	// TickSize is the price increment liquidation and bankruptcy prices are
	// rounded to (a long's up, a short's down). Zero means 0.00000001.
	TickSize decimal.Decimal `json:"tick_size"`
	// LotSize is the size increment MaxOrderSize answers in. Zero means
	// 0.00000001.
	LotSize decimal.Decimal `json:"lot_size"`
	// Settlement names the asset the market's margin and PnL settle in.
	// Every position of one Account must settle in the same asset (the
	// wallet's): adding USDT PnL to BTC PnL is refused (ErrInvalidInput),
	// as Binance keeps USDⓈ-M and COIN-M wallets apart. Empty means: for
	// Linear, the quote asset shared by every Linear market with an empty
	// Settlement; for Inverse, the market's own coin, shared with no other
	// market unless both name it here.
	Settlement string `json:"settlement,omitempty"`
	// TakerFee is the fee rate OrderMargins and CheckOrderWith reserve on
	// an order's notional (rounded up), in [0, 0.1]. Zero (the default)
	// reserves no fee. Risk, Summary and CheckOrder ignore it.
	TakerFee decimal.Decimal `json:"taker_fee,omitempty"`
	// MaxPosition caps, in contracts, the worse side of an account's
	// position and resting orders (OrderMargin.RiskSize) that
	// CheckOrderWith lets an order grow to. Zero (the default): no cap.
	MaxPosition decimal.Decimal `json:"max_position,omitempty"`
	// MaxOpenInterest caps the market's open interest in contracts (one
	// side): CheckOrderWith refuses an order that could grow it beyond
	// (Bybit "Open Interest Limit": orders "that may increase the position
	// size" are cancelled). Zero (the default): no cap.
	MaxOpenInterest decimal.Decimal `json:"max_open_interest,omitempty"`
	// OIScaling raises the initial rate with open interest in
	// OrderMargins and CheckOrderWith (dYdX v4 liquidity tiers). The zero
	// value (the default) disables it. Risk and Summary ignore it.
	OIScaling OIScaling `json:"oi_scaling,omitempty"`
}

// Settings configures a Calculator.
type Settings struct {
	// Markets is the list of contracts; at least one, IDs unique.
	Markets []Market `json:"markets"`
	// Prices is the mark price lookup; required.
	Prices PriceSource `json:"-"`
	// Scale is the number of decimal places money amounts are rounded to
	// (requirements up, PnL and collateral down). Zero means 8; at most
	// num.MaxScale.
	Scale int32 `json:"scale"`
	// PriceScale is the number of decimal places average entry prices are
	// kept to by ApplyFill (a long's rounded up, a short's down, so the
	// trader's PnL is never flattered). Zero means 12.
	PriceScale int32 `json:"price_scale"`
}

type market struct {
	id      string
	kind    Kind
	cs      decimal.Decimal
	csIsOne bool
	basis   Basis
	sched   *Schedule
	tick    decimal.Decimal
	lot     decimal.Decimal
	lastCap decimal.Decimal
	settle  string     // settlement key, never empty (see Market.Settlement)
	fast    []fastTier // nil: decimal path only
	csFx    fixed.Num
	idx     int         // position in Calculator.order (Settings order)
	lanes   []laneTable // Prepared.Risk's int64 tables; nil: kernel path only

	takerFee, maxPosition, maxOI decimal.Decimal
	oiScaling                    OIScaling
}

// Calculator computes requirements, account summaries, liquidation and
// bankruptcy prices and pre-trade checks for a fixed set of markets. It
// holds no mutable state: it is safe for concurrent use, and there is
// nothing to snapshot (accounts are plain values the host owns).
type Calculator struct {
	markets    map[string]*market
	order      []*market // Settings order; Marks and Prepared index it
	prices     PriceSource
	scale      int32
	priceScale int32
}

var defaultIncrement = decimal.New(1, -8)

// New validates the settings and builds a Calculator. Errors wrap
// ErrInvalidSettings (and ErrInvalidTiers for a broken table).
func New(s Settings) (*Calculator, error) {
	if noPrices(s.Prices) {
		return nil, fmt.Errorf("%w: Prices is required", ErrInvalidSettings)
	}
	if len(s.Markets) == 0 {
		return nil, fmt.Errorf("%w: no markets", ErrInvalidSettings)
	}
	c := &Calculator{markets: make(map[string]*market, len(s.Markets)), prices: s.Prices, scale: s.Scale, priceScale: s.PriceScale}
	if c.scale == 0 {
		c.scale = 8
	}
	if c.priceScale == 0 {
		c.priceScale = 12
	}
	if c.scale < 0 || c.scale > num.MaxScale || c.priceScale < 0 || c.priceScale > num.MaxScale {
		return nil, fmt.Errorf("%w: scale %d / price scale %d outside [0, %d]", ErrInvalidSettings, s.Scale, s.PriceScale, num.MaxScale)
	}
	for i, m := range s.Markets {
		if m.ID == "" {
			return nil, fmt.Errorf("%w: market %d has no ID", ErrInvalidSettings, i)
		}
		if _, dup := c.markets[m.ID]; dup {
			return nil, fmt.Errorf("%w: duplicate market %q", ErrInvalidSettings, m.ID)
		}
		if m.Kind != Linear && m.Kind != Inverse {
			return nil, fmt.Errorf("%w: market %q: unknown kind %d", ErrInvalidSettings, m.ID, int(m.Kind))
		}
		if m.Basis != MarkValue && m.Basis != EntryValue {
			return nil, fmt.Errorf("%w: market %q: unknown basis %d", ErrInvalidSettings, m.ID, int(m.Basis))
		}
		mk := &market{id: m.ID, kind: m.Kind, basis: m.Basis, cs: m.ContractSize, tick: m.TickSize, lot: m.LotSize}
		if mk.cs.IsZero() {
			mk.cs = decOne
		}
		if mk.tick.IsZero() {
			mk.tick = defaultIncrement
		}
		if mk.lot.IsZero() {
			mk.lot = defaultIncrement
		}
		for _, f := range []struct {
			name string
			v    decimal.Decimal
		}{{"contract size", mk.cs}, {"tick size", mk.tick}, {"lot size", mk.lot}} {
			if err := num.CheckPositive(f.v); err != nil {
				return nil, fmt.Errorf("%w: market %q %s: %w", ErrInvalidSettings, m.ID, f.name, err)
			}
		}
		mk.csIsOne = isOne(mk.cs)
		if err := validateVenueLimits(m); err != nil {
			return nil, err
		}
		mk.takerFee, mk.maxPosition, mk.maxOI, mk.oiScaling = m.TakerFee, m.MaxPosition, m.MaxOpenInterest, m.OIScaling
		switch {
		case m.Settlement != "":
			mk.settle = m.Settlement
		case m.Kind == Linear:
			mk.settle = "linear quote"
		default:
			mk.settle = "inverse " + m.ID
		}
		sched, err := NewSchedule(m.Rule, m.Tiers)
		if err != nil {
			return nil, rewrap(ErrInvalidSettings, fmt.Sprintf("market %q", m.ID), err)
		}
		mk.sched = sched
		mk.lastCap = sched.LastCap()
		if m.Kind == Linear {
			if csFx, ok := fixed.FromDecimal(mk.cs); ok {
				if ft, ok := buildFast(mk); ok {
					mk.fast, mk.csFx = ft, csFx
					buildLanes(mk, c.scale)
				}
			}
		}
		mk.idx = len(c.order)
		c.order = append(c.order, mk)
		c.markets[m.ID] = mk
	}
	return c, nil
}

// noPrices reports a missing PriceSource, including a typed nil (a nil
// PriceFunc, a nil pointer or a nil StaticPrices map), which would panic
// or know no price on the first read.
func noPrices(p PriceSource) bool { return isNil(p) }

// Scale returns the money scale in use (0 for a Calculator not built
// with New).
func (c *Calculator) Scale() int32 {
	if c == nil {
		return 0
	}
	return c.scale
}

// ready refuses a nil or zero-value Calculator (one not built with New),
// whose first price read would panic.
func (c *Calculator) ready() error {
	if c == nil || c.prices == nil || c.markets == nil {
		return fmt.Errorf("%w: Calculator not built with New", ErrInvalidSettings)
	}
	return nil
}

// Schedule returns the validated tier schedule of a market.
func (c *Calculator) Schedule(marketID string) (*Schedule, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	m, err := c.market(marketID)
	if err != nil {
		return nil, err
	}
	return m.sched, nil
}

func (c *Calculator) market(id string) (*market, error) {
	m, ok := c.markets[id]
	if !ok {
		return nil, fmt.Errorf("%w: market %q", ErrUnknownMarket, id)
	}
	return m, nil
}

// price reads and checks a price from the host. A zero now is refused (as
// oracle, breaker and liquidation refuse it), and a PriceSource that
// panics is a price failure of that market, not a crash of the caller
// (as liquidation treats a panicking Account and oracle a panicking
// Source).
func (c *Calculator) price(id string, now time.Time) (decimal.Decimal, error) {
	if now.IsZero() {
		return decimal.Zero, fmt.Errorf("%w: market %q: zero time", ErrPrice, id)
	}
	p, err := c.hostPrice(id, now)
	if errors.Is(err, ErrPrice) { // already ours (StaticPrices): one prefix
		return decimal.Zero, err
	}
	if err != nil {
		return decimal.Zero, fmt.Errorf("%w: market %q: %w", ErrPrice, id, err)
	}
	if err := num.CheckPositive(p); err != nil {
		return decimal.Zero, fmt.Errorf("%w: market %q: %w", ErrPrice, id, err)
	}
	return p, nil
}

// hostPrice calls the host's PriceSource, turning a panic into an error.
func (c *Calculator) hostPrice(id string, now time.Time) (p decimal.Decimal, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = decimal.Zero, fmt.Errorf("price source panicked: %v", r)
		}
	}()
	return c.prices.Price(now, id)
}

// validateVenueLimits checks a market's fee, caps and OI scaling.
func validateVenueLimits(m Market) error {
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"taker fee", m.TakerFee}, {"max position", m.MaxPosition}, {"max open interest", m.MaxOpenInterest}} {
		if err := num.CheckNonNegative(f.v); err != nil {
			return fmt.Errorf("%w: market %q %s: %w", ErrInvalidSettings, m.ID, f.name, err)
		}
	}
	if m.TakerFee.Cmp(maxTakerFee) > 0 {
		return fmt.Errorf("%w: market %q taker fee %s above %s", ErrInvalidSettings, m.ID, m.TakerFee, maxTakerFee)
	}
	if err := m.OIScaling.Validate(); err != nil {
		return fmt.Errorf("%w: market %q: %s", ErrInvalidSettings, m.ID, strings.TrimPrefix(err.Error(), ErrInvalidSettings.Error()+": "))
	}
	return nil
}

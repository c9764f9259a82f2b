package liquidation

import (
	"fmt"
	"sort"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Side is the side of a book order.
type Side string

// Order sides.
const (
	Buy  Side = "buy"  // closes a short
	Sell Side = "sell" // closes a long
)

// LimitRule chooses the limit price of a book liquidation order.
type LimitRule string

// Limit rules. Either way the limit is never beyond the order's
// bankruptcy price.
const (
	// LimitBankruptcy limits every order at its bankruptcy price: Binance
	// ("all orders will be issued at the bankruptcy price on the market",
	// Binance Futures "Liquidation", binance.zendesk.com/hc/en-us/articles/
	// 360033525271) and Bybit ("closed at the bankruptcy price by the
	// Liquidation Engine", help.bybit.com/hc/en-us/articles/900000167723).
	LimitBankruptcy LimitRule = "bankruptcy"
	// LimitFillable limits an order at dYdX v4's fillable price
	// (FillablePrice), or at the bankruptcy price where that is less
	// aggressive: dYdX itself lets a deeply insolvent account trade beyond
	// bankruptcy, with the insurance fund paying; this planner never does
	// and hands that part to the fallback instead.
	LimitFillable LimitRule = "fillable"
)

// Fallback names who takes what the book cannot fill.
type Fallback string

// Fallbacks, the usual targets of a Handover.
const (
	FallbackAuction    Fallback = "auction"    // a DutchHouse, EnglishHouse or BatchHouse of this package
	FallbackBackstop   Fallback = "backstop"   // a backstop liquidity provider or the insurance fund takes the position
	FallbackDeleverage Fallback = "deleverage" // auto-deleveraging of opposite positions at the bankruptcy price
)

// BookSettings configures a BookDesk. The zero value is usable: orders
// limited at the bankruptcy price, no clearance fee, the trader keeps
// what is above bankruptcy, fallbacks auction → backstop → deleverage,
// 18 places of quote.
type BookSettings struct {
	// Limit is the limit price rule. Default (empty) LimitBankruptcy.
	Limit LimitRule
	// Fillable configures LimitFillable (dYdX's BA and SMMR). Defaults:
	// dYdX's, BA 1 and SMMR 0.1.
	Fillable FillableSettings
	// FeeRate is the clearance fee on |proceeds| of each fill, to the
	// insurance fund, capped at what the fill has above bankruptcy:
	// Binance 0.005 (0.003 on BTCUSDT), dYdX MaxLiquidationFeePpm 5,000 =
	// 0.005. Default 0. Must be in [0, 1].
	FeeRate decimal.Decimal
	// SurplusToFund: what a closing order's fills have above bankruptcy
	// after the fee goes to the insurance fund instead of the trader, as
	// Binance and Bybit do once a position is closed at the bankruptcy
	// price ("the remaining margin from the position would be contributed
	// to the insurance fund", Bybit). Tier-lowering orders always leave it
	// with the trader. Default false (dYdX: the trader keeps it).
	SurplusToFund bool
	// Fallbacks is the order in which the host offers what the book cannot
	// fill. Default auction, backstop, deleverage. No repeats; at most 3.
	Fallbacks []Fallback
	// QuoteScale is the number of places of quote amounts (bankruptcy
	// quotes round toward +∞ and fees up at it). Default (zero) 18.
	QuoteScale int32
	// FillOrKill makes every order fill-or-kill, as Bybit's ("Submit a
	// FillOrKill order of the difference …"): Fill accepts only the whole
	// order at once. Default false: immediate-or-cancel, as Binance's ("all
	// liquidation orders are Immediate or Cancel orders") and dYdX's.
	FillOrKill bool
	// TakeOverAfterStep applies Bybit's rule after the tier step: "If the
	// position is still in liquidation, this position shall be taken over
	// by the liquidation engine at the bankruptcy price" ("Liquidation
	// Process (USDT Contract)", help.bybit.com/hc/en-us/articles/
	// 900000167723). Only the first order of a liquidation may lower a
	// tier; every later one closes its whole position (Close), limited at
	// its bankruptcy price under LimitBankruptcy. Default false: the desk
	// keeps stepping down one tier per order while the book fills them.
	// Either way an order the book does not fill in full hands every
	// position over at its bankruptcy price (Next).
	TakeOverAfterStep bool
}

type bookConfig struct {
	BookSettings
	scale int32
}

func (s BookSettings) validate() (bookConfig, error) {
	c := bookConfig{BookSettings: s}
	switch s.Limit {
	case "":
		c.Limit = LimitBankruptcy
	case LimitBankruptcy, LimitFillable:
	default:
		return c, fmt.Errorf("%w: limit rule %q", ErrInvalidSettings, s.Limit)
	}
	var err error
	if c.Fillable, err = s.Fillable.withDefaults(); err != nil {
		return c, err
	}
	if err := nonNegative(ErrInvalidSettings, "fee rate", s.FeeRate); err != nil {
		return c, err
	}
	if s.FeeRate.GreaterThan(decimal.NewFromInt(1)) {
		return c, fmt.Errorf("%w: fee rate above 1", ErrInvalidSettings)
	}
	if len(s.Fallbacks) == 0 {
		c.Fallbacks = []Fallback{FallbackAuction, FallbackBackstop, FallbackDeleverage}
	} else {
		if len(s.Fallbacks) > 3 {
			return c, fmt.Errorf("%w: %d fallbacks, at most 3", ErrInvalidSettings, len(s.Fallbacks))
		}
		seen := map[Fallback]bool{}
		for _, f := range s.Fallbacks {
			if f != FallbackAuction && f != FallbackBackstop && f != FallbackDeleverage {
				return c, fmt.Errorf("%w: unknown fallback %q", ErrInvalidSettings, f)
			}
			if seen[f] {
				return c, fmt.Errorf("%w: fallback %q twice", ErrInvalidSettings, f)
			}
			seen[f] = true
		}
		c.Fallbacks = append([]Fallback(nil), s.Fallbacks...)
	}
	if c.scale, err = scaleOr(s.QuoteScale, "quote scale"); err != nil {
		return c, err
	}
	return c, nil
}

// BookPosition is one perpetual position of a book account.
type BookPosition struct {
	Market string          `json:"market"` // the BookMarket it is held in
	Size   decimal.Decimal `json:"size"`   // signed: long > 0, short < 0; a multiple of the market's Step
}

// OpenOrder is one resting order of the account, cancelled first.
type OpenOrder struct {
	ID     string          `json:"id"`     // the venue's order ID, non-empty and unique in the account: what Cancels lists
	Market string          `json:"market"` // the BookMarket it rests in
	Size   decimal.Decimal `json:"size"`   // signed: buy > 0, sell < 0
	Price  decimal.Decimal `json:"price"`  // limit price, > 0
}

// BookAccount is a cross-margined perpetual account as the book planner
// reads it. Its equity (dYdX's TNC) is Collateral + Σ Size × oracle; its
// maintenance (TMMR) the sum over markets of the tiered requirement of the
// position's notional plus that of its open orders that would grow it
// (Bybit counts "position value + active order value" in the risk limit).
type BookAccount struct {
	ID         string          `json:"id"`                    // the account's ID, non-empty; one liquidation per account at a time
	Collateral decimal.Decimal `json:"collateral"`            // quote balance; negative when a long was bought on credit
	Positions  []BookPosition  `json:"positions"`             // at most one per market
	OpenOrders []OpenOrder     `json:"open_orders,omitempty"` // resting orders; they add maintenance until Start cancels them
}

// BookOrder is one immediate-or-cancel, reduce-only liquidation order.
type BookOrder struct {
	Seq    int             `json:"seq"`    // 1 for the first order of a liquidation, then 2, …
	Market string          `json:"market"` // the market of the position it reduces: the worst (largest maintenance)
	Side   Side            `json:"side"`   // Sell closes a long, Buy a short
	Size   decimal.Decimal `json:"size"`   // > 0, a multiple of Step
	Limit  decimal.Decimal `json:"limit"`  // worst price it may fill at (LimitRule), never beyond Bankruptcy
	// Bankruptcy is the order's bankruptcy price per unit, on the tick
	// grid against the trade (up for a sell, down for a buy).
	Bankruptcy decimal.Decimal `json:"bankruptcy"`
	// Quote is the order's bankruptcy quote (BankruptcyQuote of the whole
	// order when it was placed). The desk apportions it over the order's
	// fills: a fill taking the order from f to f + q filled has the
	// bankruptcy quote ⌈Quote × (f + q) / Size⌉ − ⌈Quote × f / Size⌉ at
	// QuoteScale, so the fills' quotes sum to Quote exactly and a fill at
	// or better than Bankruptcy is at most one quote unit short of it —
	// where recomputing dYdX's rule on the account after each partial fill
	// would, with tiered (non-linear) maintenance, put the later fills of
	// a tier step beyond their own bankruptcy and charge the fund. For a
	// single fill of the whole order it is dYdX's rule exactly.
	Quote decimal.Decimal `json:"quote"`
	// FromTier and ToTier are the risk-tier indexes (0 = lowest) of the
	// position before and after the order fills; len(Tiers) means above
	// the last cap. Close is set when the order closes the whole position
	// (from the lowest tier, or after the first order under
	// BookSettings.TakeOverAfterStep).
	FromTier int  `json:"from_tier"`       // tier of the position before the order
	ToTier   int  `json:"to_tier"`         // tier of the position once the order fills; 0 when it closes it
	Close    bool `json:"close,omitempty"` // the order closes the whole position
	// TimeInForce is "IOC" (immediate-or-cancel) or "FOK" (fill-or-kill,
	// BookSettings.FillOrKill). Every order is reduce-only.
	TimeInForce string          `json:"time_in_force"`
	Filled      decimal.Decimal `json:"filled"` // filled so far (BookDesk.Fill)
}

// HandoverItem is one position the book could not close.
type HandoverItem struct {
	Market string          `json:"market"` // the position's market
	Side   Side            `json:"side"`   // the side that closes it
	Size   decimal.Decimal `json:"size"`   // > 0
	// Bankruptcy is the price per unit at which closing it leaves the
	// account at zero surplus (rounded against the trade, as BookOrder's):
	// the price an auction's reserve, a backstop's takeover or
	// deleveraging uses. Zero when no positive price closes it (a short
	// whose bankruptcy price is below one tick): only the fund can.
	Bankruptcy decimal.Decimal `json:"bankruptcy"`
	// Quote is the bankruptcy quote of the whole item (BankruptcyQuote).
	Quote decimal.Decimal `json:"quote"`
}

// Handover is what the book could not fill, for the host to offer to the
// fallbacks in Targets order (BookSettings.Fallbacks).
type Handover struct {
	// Items are the positions left, worst first, each priced after the
	// ones before it are closed at their bankruptcy quotes.
	Items []HandoverItem `json:"items"`
	// Targets are the fallbacks to offer them to, in order
	// (BookSettings.Fallbacks).
	Targets []Fallback `json:"targets"`
	// Deficit is the bad debt no item carries: −equity of the account once
	// every item is closed at its Quote, when that is below 0, else 0. An
	// account with no position left and negative collateral hands over no
	// item and a Deficit of −collateral; with items it is 0 (each
	// bankruptcy quote already takes the loss, rounded toward +∞). The
	// host books it to the insurance fund or the loss waterfall.
	Deficit decimal.Decimal `json:"deficit"`
}

// BookStatus is where a liquidation stands after a BookDesk call.
type BookStatus string

// Book statuses.
const (
	BookHealthy    BookStatus = "healthy"     // at or above maintenance with its orders: nothing to do
	BookRestored   BookStatus = "restored"    // at or above maintenance: the liquidation is over
	BookOrdering   BookStatus = "ordering"    // Order is to be sent; report its fills, then call Next
	BookHandedOver BookStatus = "handed-over" // the book could not restore it: act on Handover
)

// BookStep is the planner's answer: the actions the host takes, in order —
// cancel Cancels, then send Order, or act on Handover.
type BookStep struct {
	Liquidation uint64          `json:"liquidation,omitempty"` // 0 when none was opened
	Account     string          `json:"account"`               // the account the step concerns
	Status      BookStatus      `json:"status"`                // where the liquidation stands
	Cancels     []string        `json:"cancels,omitempty"`     // open order IDs to cancel first (Start only), by market then ID
	Order       *BookOrder      `json:"order,omitempty"`       // the order to send when BookOrdering, else nil
	Handover    *Handover       `json:"handover,omitempty"`    // what the fallbacks take when BookHandedOver, else nil
	Equity      decimal.Decimal `json:"equity"`                // TNC now (after the cancels on Start)
	Maintenance decimal.Decimal `json:"maintenance"`           // TMMR now (after the cancels on Start; with the open orders when BookHealthy)
	Events      []Event         `json:"events"`                // what the call changed, in order
}

// bookState is one account under liquidation: its positions (ascending
// market) and the markets as read at Start.
type bookState struct {
	collateral decimal.Decimal
	positions  []BookPosition
	markets    map[string]BookMarket
}

func (st *bookState) size(market string) decimal.Decimal {
	for _, p := range st.positions {
		if p.Market == market {
			return p.Size
		}
	}
	return decimal.Zero
}

func (st *bookState) setSize(market string, size decimal.Decimal) {
	for i, p := range st.positions {
		if p.Market == market {
			st.positions[i].Size = size
			return
		}
	}
}

// equity is TNC; maintenance TMMR (positions only).
func (st *bookState) equity() decimal.Decimal {
	if len(st.positions) == 0 {
		return st.collateral
	}
	if n, ok := st.equityNum(); ok {
		return dec(n)
	}
	e := st.collateral
	for _, p := range st.positions {
		e = e.Add(p.Size.Mul(st.markets[p.Market].Oracle))
	}
	return e
}

func (st *bookState) maintenance() decimal.Decimal {
	if len(st.positions) == 0 {
		return decimal.Zero
	}
	if n, ok := st.maintenanceNum(); ok {
		return dec(n)
	}
	m := decimal.Zero
	for _, p := range st.positions {
		m = m.Add(st.markets[p.Market].positionMaintenance(p.Size))
	}
	return m
}

func (st *bookState) compliant() bool {
	if c, ok := st.compliantNum(); ok {
		return c
	}
	return !st.equity().LessThan(st.maintenance())
}

// closeInput describes closing delta of market's position now.
func (st *bookState) closeInput(market string, delta decimal.Decimal, scale int32) CloseInput {
	return CloseInput{Market: st.markets[market], Position: st.size(market), Delta: delta,
		Equity: st.equity(), Maintenance: st.maintenance(), QuoteScale: scale}
}

// worst returns the open position with the largest maintenance (ties: the
// first market in ascending order), or "" when none is open.
func (st *bookState) worst() string {
	if w, ok := st.worstNum(); ok {
		return w
	}
	best, bestMM := "", decimal.Zero
	for _, p := range st.positions {
		if p.Size.IsZero() {
			continue
		}
		mm := st.markets[p.Market].positionMaintenance(p.Size)
		if best == "" || mm.GreaterThan(bestMM) {
			best, bestMM = p.Market, mm
		}
	}
	return best
}

// nextOrder plans the next step on the worst position. Above the lowest
// tier it takes the position down to a lower tier's cap — Bybit's
// FillOrKill "of the difference between the current position value and
// the lower margin tier value which satisfies the margin requirement" —
// the highest lower tier at which the account would meet maintenance if
// the order filled at the oracle less the clearance fee, and, when none
// would, the next lower tier (step by step; Next re-plans from the
// fills). From the lowest tier it closes the whole position (Bybit: "that
// position will be closed at the bankruptcy price"; Binance likewise).
// ok is false when no order can be priced: a buy whose bankruptcy price is
// below one tick, or a price beyond the range of a host decimal (36
// integer digits).
//
// Under LimitBankruptcy the figures are computed in the fixed-point kernel
// (nextOrderNum) whenever they fit it, with the same answer.
func nextOrder(st *bookState, c bookConfig, seq int) (BookOrder, bool) {
	market := st.worst()
	if c.Limit == LimitBankruptcy {
		if o, ok, fits := nextOrderNum(st, c, seq, market); fits {
			return o, ok
		}
	}
	return nextOrderDecimal(st, c, seq, market)
}

// nextOrderDecimal is nextOrder in decimal, for market (the worst position).
func nextOrderDecimal(st *bookState, c bookConfig, seq int, market string) (BookOrder, bool) {
	m := st.markets[market]
	size := st.size(market)
	from := tierIndex(m.Tiers, size.Abs().Mul(m.Oracle))
	keep, to := decimal.Zero, 0
	if from > 0 && !(c.TakeOverAfterStep && seq > 1) {
		equity, others := st.equity(), st.maintenance().Sub(m.positionMaintenance(size))
		keepAt := m.keepAt
		to, keep = from-1, keepAt(from-1)
		for j := from - 1; j >= 0; j-- {
			k := keepAt(j)
			fee := size.Abs().Sub(k).Mul(m.Oracle).Mul(c.FeeRate)
			if !equity.Sub(fee).LessThan(others.Add(m.positionMaintenance(k))) {
				to, keep = j, k
				break
			}
		}
	}
	q := size.Abs().Sub(keep)
	delta := q
	side := Buy
	if size.Sign() > 0 {
		delta, side = q.Neg(), Sell
	}
	in := st.closeInput(market, delta, c.scale)
	quote := bankruptcyQuote(in, c.scale)
	bp, ok := limitOf(in, quote)
	if !ok {
		return BookOrder{}, false
	}
	limit := bp
	if c.Limit == LimitFillable {
		fp := fillablePrice(in, c.Fillable)
		if side == Sell {
			limit = num.MaxOf(fp, bp) // never sell below bankruptcy
		} else {
			limit = num.MinOf(fp, bp) // never buy above bankruptcy
		}
	}
	if num.Check(bp) != nil || num.Check(limit) != nil {
		return BookOrder{}, false // no book trades beyond 36 integer digits: hand it over (fail closed)
	}
	return BookOrder{Seq: seq, Market: market, Side: side, Size: q, Limit: limit, Bankruptcy: bp, Quote: quote,
		FromTier: from, ToTier: to, Close: keep.IsZero(), TimeInForce: tif(c.FillOrKill), Filled: decimal.Zero}, true
}

// keepAt returns the largest size that stays within tier j's cap, on the
// step grid: what a tier-lowering order to tier j keeps.
func (m BookMarket) keepAt(j int) decimal.Decimal {
	return num.DivFloor(m.Tiers[j].MaxNotional, m.Oracle.Mul(m.Step), 0).Mul(m.Step)
}

// handover lists every open position, worst first, each at its
// bankruptcy price computed after the ones before it are closed there. (A
// close at the bankruptcy price leaves the account's health unchanged, so
// nothing short of all of them restores an account the book could not.)
func handover(st *bookState, c bookConfig) *Handover {
	h := &Handover{Items: []HandoverItem{}, Targets: append([]Fallback(nil), c.Fallbacks...)}
	sim := st.clone()
	for {
		market := sim.worst()
		if market == "" || sim.compliant() {
			h.Deficit = num.MaxOf(sim.equity().Neg(), decimal.Zero)
			return h
		}
		size := sim.size(market)
		in := sim.closeInput(market, size.Neg(), c.scale)
		q := bankruptcyQuote(in, c.scale)
		side, px := Buy, decimal.Zero
		if size.Sign() > 0 {
			side = Sell
		}
		if p, ok := limitOf(in, q); ok { // the bankruptcy price of the quote just computed
			px = p
		}
		h.Items = append(h.Items, HandoverItem{Market: market, Side: side, Size: size.Abs(), Bankruptcy: px, Quote: q})
		sim.collateral = addOf(sim.collateral, q)
		sim.setSize(market, decimal.Zero)
	}
}

// Time-in-force values of a BookOrder.
const (
	timeIOC = "IOC"
	timeFOK = "FOK"
)

func tif(fok bool) string {
	if fok {
		return timeFOK
	}
	return timeIOC
}

func (st *bookState) clone() *bookState {
	return &bookState{collateral: st.collateral, positions: append([]BookPosition(nil), st.positions...), markets: st.markets}
}

// readBookAccount validates an account against its markets (through memo,
// which validates each distinct schedule once) and returns its state
// (positions ascending by market) and the maintenance its open orders add.
func readBookAccount(a BookAccount, markets []BookMarket, memo *marketMemo) (*bookState, decimal.Decimal, error) {
	if a.ID == "" {
		return nil, decimal.Zero, fmt.Errorf("%w: empty account ID", ErrInvalidInput)
	}
	if err := num.Check(a.Collateral); err != nil {
		return nil, decimal.Zero, fmt.Errorf("%w: account %q collateral: %w", ErrInvalidInput, a.ID, err)
	}
	if len(markets) > 1024 || len(a.Positions) > 1024 || len(a.OpenOrders) > 100000 {
		return nil, decimal.Zero, fmt.Errorf("%w: account %q: too many markets, positions or orders", ErrInvalidInput, a.ID)
	}
	st := &bookState{collateral: canon(a.Collateral), markets: make(map[string]BookMarket, len(markets))}
	for _, m := range markets {
		m, err := memo.read(m) // validated, with the desk's own copy of the tiers
		if err != nil {
			return nil, decimal.Zero, err
		}
		if _, dup := st.markets[m.Market]; dup {
			return nil, decimal.Zero, fmt.Errorf("%w: market %q twice", ErrInvalidInput, m.Market)
		}
		st.markets[m.Market] = m
	}
	for _, p := range a.Positions {
		m, ok := st.markets[p.Market]
		if !ok {
			return nil, decimal.Zero, fmt.Errorf("%w: account %q: position in unknown market %q", ErrInvalidInput, a.ID, p.Market)
		}
		if err := num.Check(p.Size); err != nil {
			return nil, decimal.Zero, fmt.Errorf("%w: account %q market %q size: %w", ErrInvalidInput, a.ID, p.Market, err)
		}
		if !p.Size.Mod(m.Step).IsZero() {
			return nil, decimal.Zero, fmt.Errorf("%w: account %q market %q: size off the step grid", ErrInvalidInput, a.ID, p.Market)
		}
		if containsMarket(st.positions, p.Market) {
			return nil, decimal.Zero, fmt.Errorf("%w: account %q: two positions in market %q", ErrInvalidInput, a.ID, p.Market)
		}
		st.positions = append(st.positions, BookPosition{Market: p.Market, Size: canon(p.Size)})
	}
	sort.Slice(st.positions, func(i, j int) bool { return st.positions[i].Market < st.positions[j].Market })
	// Open orders: per market, those that would grow the position (or, flat,
	// the larger side) add maintenance on position + orders.
	grow := map[string][2]decimal.Decimal{} // [buys, sells] notional
	ids := map[string]bool{}
	for _, o := range a.OpenOrders {
		if o.ID == "" || ids[o.ID] {
			return nil, decimal.Zero, fmt.Errorf("%w: account %q: empty or repeated open order ID", ErrInvalidInput, a.ID)
		}
		ids[o.ID] = true
		if _, ok := st.markets[o.Market]; !ok {
			return nil, decimal.Zero, fmt.Errorf("%w: account %q: open order in unknown market %q", ErrInvalidInput, a.ID, o.Market)
		}
		if err := num.Check(o.Size); err != nil || o.Size.IsZero() {
			return nil, decimal.Zero, fmt.Errorf("%w: account %q open order %q: zero or out-of-range size", ErrInvalidInput, a.ID, o.ID)
		}
		if err := positive(ErrInvalidInput, "open order price", o.Price); err != nil {
			return nil, decimal.Zero, err
		}
		g := grow[o.Market]
		if o.Size.Sign() > 0 {
			g[0] = g[0].Add(o.Size.Mul(o.Price))
		} else {
			g[1] = g[1].Add(o.Size.Abs().Mul(o.Price))
		}
		grow[o.Market] = g
	}
	extra := decimal.Zero
	growKeys := make([]string, 0, len(grow))
	for k := range grow {
		growKeys = append(growKeys, k)
	}
	sort.Strings(growKeys)
	for _, market := range growKeys {
		m, g, size := st.markets[market], grow[market], st.size(market)
		n := size.Abs().Mul(m.Oracle)
		switch {
		case size.Sign() > 0:
			n = n.Add(g[0])
		case size.Sign() < 0:
			n = n.Add(g[1])
		default:
			n = num.MaxOf(g[0], g[1])
		}
		extra = extra.Add(maintenanceOf(m.Tiers, n).Sub(m.positionMaintenance(size)))
	}
	return st, extra, nil
}

func containsMarket(ps []BookPosition, market string) bool {
	for _, p := range ps {
		if p.Market == market {
			return true
		}
	}
	return false
}

// cancels lists the open orders' IDs by market, then ID.
func cancels(a BookAccount) []string {
	os := append([]OpenOrder(nil), a.OpenOrders...)
	sort.Slice(os, func(i, j int) bool {
		if os[i].Market != os[j].Market {
			return os[i].Market < os[j].Market
		}
		return os[i].ID < os[j].ID
	})
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.ID
	}
	return out
}

package liquidation

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// BookDesk liquidates perpetual accounts through the order book, one
// immediate-or-cancel order at a time, the way Binance, Bybit and dYdX v4
// do instead of auctioning:
//
//  1. Start cancels the account's open orders (the first actions) and,
//     if it is still below maintenance, opens a liquidation and returns
//     its first order;
//  2. each order takes the worst position (largest maintenance) down to
//     a lower risk tier's cap — the highest at which the account would
//     meet maintenance at the oracle after the fee, else the next lower
//     one — or, from the lowest tier, closes it; reduce-only, limited at the bankruptcy price (LimitBankruptcy) or
//     dYdX's fillable price (LimitFillable), never beyond bankruptcy;
//  3. the host sends it and reports each fill (Fill), which SplitFill
//     divides into the clearance fee and fund share (the insurance
//     fund's) and what the trader keeps;
//  4. Next, at the oracle prices the host passes (BookNextParams.Markets;
//     else those read at Start or last given), ends the liquidation once
//     the account is at or above maintenance, returns the next order
//     after a full fill, and hands
//     every position left to the fallbacks (Handover, in the configured
//     order) when an order came back short: the book could not take it.
//
// Where this differs from Bybit: after its one FillOrKill tier step, a
// position "still in liquidation … shall be taken over by the liquidation
// engine at the bankruptcy price". By default the desk instead keeps
// stepping down a tier per order while the book fills them; set
// BookSettings.TakeOverAfterStep for Bybit's rule (every order after the
// first closes its whole position). A step the book does not fill in full
// is handed over whole at the bankruptcy price either way.
//
// Start, Fill and Next take an idempotency key (see KeyWindow). Not safe
// for concurrent use: the host serialises calls. Build it with NewBookDesk
// or RestoreBookDesk: the zero value and a nil *BookDesk are refused
// (ErrInvalidSettings) by every method that returns an error, and read as
// empty by the others, changing nothing.
type BookDesk struct {
	cfg    bookConfig
	seq    uint64
	live   map[string]*bookLiq // by account
	byID   map[uint64]string   // liquidation → account
	keys   keyBook
	clock  clock
	totals BookTotals
	memo   marketMemo // the market schedules validated so far (derived, not snapshotted)
}

type bookLiq struct {
	id      uint64
	account string
	st      *bookState
	order   *BookOrder // the order sent last; nil before the first
}

// BookTotals are the running sums over every fill the desk has split;
// CheckInvariants proves Fee + Fund + Kept = Surplus.
type BookTotals struct {
	Fills   uint64          `json:"fills"`   // fills split (Fill calls that succeeded)
	Surplus decimal.Decimal `json:"surplus"` // Σ FillSplit.Surplus: proceeds above the fills' bankruptcy quotes (negative: below)
	Fee     decimal.Decimal `json:"fee"`     // Σ FillSplit.Fee: clearance fees to the insurance fund, ≥ 0
	Fund    decimal.Decimal `json:"fund"`    // Σ FillSplit.Fund: surplus to the fund beyond the fee, less the losses it covered
	Kept    decimal.Decimal `json:"kept"`    // Σ FillSplit.Kept: what the traders kept, ≥ 0
}

// NewBookDesk validates s and returns an empty desk.
func NewBookDesk(s BookSettings) (*BookDesk, error) {
	c, err := s.validate()
	if err != nil {
		return nil, err
	}
	z := decimal.Zero
	return &BookDesk{cfg: c, live: map[string]*bookLiq{}, byID: map[uint64]string{},
		totals: BookTotals{Surplus: z, Fee: z, Fund: z, Kept: z}}, nil
}

// BookStartParams is the input of Start.
type BookStartParams struct {
	Key     string       // idempotency key; empty for none
	Account BookAccount  // the account as it stands, with its open orders
	Markets []BookMarket // every market it has a position or order in
}

// BookFillParams is one fill of the current order, as the book reported it.
type BookFillParams struct {
	Key     string          // idempotency key (the book's fill ID); empty for none
	Account string          // the account whose current order filled
	Size    decimal.Decimal // > 0, on the step grid, at most what is left of the order
	Price   decimal.Decimal // never beyond the order's Limit
}

// BookFillResult is what a fill did.
type BookFillResult struct {
	Liquidation uint64          `json:"liquidation"` // the liquidation the fill belongs to
	Split       FillSplit       `json:"split"`       // where the fill's value went (SplitFill against the apportioned quote)
	Remaining   decimal.Decimal `json:"remaining"`   // of the order
	Equity      decimal.Decimal `json:"equity"`      // TNC after the fill, at the prices the desk holds
	Maintenance decimal.Decimal `json:"maintenance"` // TMMR after the fill, at the prices the desk holds
	// Compliant: the account is at or above maintenance at the prices the
	// desk holds; Next will end the liquidation (Binance stops once the
	// account is "margin compliant") unless the prices given to it say
	// otherwise.
	Compliant bool    `json:"compliant"`
	Events    []Event `json:"events"` // the fill's event (EventBookFill)
}

// BookNextParams is the input of Next.
type BookNextParams struct {
	Key     string // idempotency key; empty for none
	Account string // the account under liquidation
	// Markets are the account's markets at the current oracle prices.
	// Optional: when empty the desk keeps the prices it holds (read at
	// Start or given to the last Next). When given they must be exactly the
	// markets read at Start, each once, with the same tiers, tick and step
	// — only the oracle may change; anything else is refused and changes
	// nothing. Next then judges the account and plans the next order or the
	// handover at these prices. Hosts should pass them whenever the price
	// may have moved since the liquidation began: at stale prices a falling
	// market can look restored while the account is below maintenance.
	Markets []BookMarket
}

// ready refuses a desk not built by NewBookDesk or RestoreBookDesk.
func (b *BookDesk) ready() error {
	if b == nil || b.live == nil || b.byID == nil {
		return fmt.Errorf("%w: BookDesk not built with NewBookDesk or RestoreBookDesk", ErrInvalidSettings)
	}
	return nil
}

// Active returns the accounts under liquidation, ascending (none on a desk
// not built by NewBookDesk or RestoreBookDesk).
func (b *BookDesk) Active() []string {
	if b.ready() != nil {
		return []string{}
	}
	out := make([]string, 0, len(b.live))
	for a := range b.live {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Totals returns the running sums of every split (zero sums on a desk not
// built by NewBookDesk or RestoreBookDesk).
func (b *BookDesk) Totals() BookTotals {
	if b.ready() != nil {
		z := decimal.Zero
		return BookTotals{Surplus: z, Fee: z, Fund: z, Kept: z}
	}
	return b.totals
}

func (b *BookDesk) isLive(id uint64) bool { _, ok := b.byID[id]; return ok }

// Start plans the liquidation of an account: the cancels, then the first
// order or, if the cancels alone restore it, nothing more. An account at
// or above maintenance with its orders is BookHealthy and nothing
// changes. An account already under liquidation is refused.
func (b *BookDesk) Start(now time.Time, p BookStartParams) (BookStep, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := b.ready(); err != nil {
		return BookStep{}, err
	}
	if p.Key == "" {
		return b.start(now, p)
	}
	parts := []any{p.Account.ID, p.Account.Collateral}
	for _, x := range p.Account.Positions {
		parts = append(parts, "p", x.Market, x.Size)
	}
	for _, o := range p.Account.OpenOrders {
		parts = append(parts, "o", o.ID, o.Market, o.Size, o.Price)
	}
	for _, m := range p.Markets {
		parts = append(parts, "m", m.Market, m.Oracle, m.Tick, m.Step)
		for _, t := range m.Tiers {
			parts = append(parts, t.MaxNotional, t.MaintenanceRate, t.MaintenanceAmount)
		}
	}
	return once(&b.keys, b.clock.last, b.isLive, now, p.Key, "book-start", parts,
		func() (BookStep, error) { return b.start(now, p) },
		func(r BookStep) uint64 { return r.Liquidation })
}

func (b *BookDesk) start(now time.Time, p BookStartParams) (BookStep, error) {
	if err := b.clock.check(now); err != nil {
		return BookStep{}, err
	}
	st, extra, err := readBookAccount(p.Account, p.Markets, &b.memo)
	if err != nil {
		return BookStep{}, err
	}
	id := p.Account.ID
	if _, busy := b.live[id]; busy {
		return BookStep{}, fmt.Errorf("%w: account %q is already under liquidation", ErrInvalidInput, id)
	}
	b.clock.advance(now)
	step := BookStep{Account: id, Equity: st.equity(), Maintenance: st.maintenance()}
	if !step.Equity.LessThan(step.Maintenance.Add(extra)) {
		step.Status, step.Maintenance = BookHealthy, step.Maintenance.Add(extra)
		return step, nil
	}
	step.Cancels = cancels(p.Account)
	for _, oid := range step.Cancels {
		step.Events = append(step.Events, Event{Time: now, Kind: EventBookCancel, Subject: oid, Account: id})
	}
	if st.compliant() { // Bybit: "cancel all active orders … while retaining the existing position"
		step.Status = BookRestored
		step.Events = append(step.Events, Event{Time: now, Kind: EventBookDone, Subject: id, Account: id,
			Reason: "restored by cancelling open orders", Amount: step.Equity, Tab: step.Maintenance})
		return step, nil
	}
	b.seq++
	l := &bookLiq{id: b.seq, account: id, st: st}
	b.live[id], b.byID[l.id] = l, id
	step.Liquidation = l.id
	step.Events = append(step.Events, Event{Time: now, Kind: EventBookStart, Subject: id, To: bookLiquidating,
		Account: id, Auction: l.id, Amount: step.Equity, Tab: step.Maintenance})
	b.advance(now, l, &step)
	return step, nil
}

// Fill applies one fill of the current order: it splits the fill as
// SplitFill does — against the order's bankruptcy quote apportioned to it
// (BookOrder.Quote), with the desk's fee; a closing order's surplus goes
// to the fund when SurplusToFund — moves the position and credits the account
// with the proceeds less the fund's delta. A fill beyond the order's
// limit, larger than what is left of it, or off the step grid is refused
// and changes nothing.
func (b *BookDesk) Fill(now time.Time, p BookFillParams) (BookFillResult, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := b.ready(); err != nil {
		return BookFillResult{}, err
	}
	if p.Key == "" {
		return b.fill(now, p)
	}
	return once(&b.keys, b.clock.last, b.isLive, now, p.Key, "book-fill", []any{p.Account, p.Size, p.Price},
		func() (BookFillResult, error) { return b.fill(now, p) },
		func(r BookFillResult) uint64 { return r.Liquidation })
}

func (b *BookDesk) fill(now time.Time, p BookFillParams) (BookFillResult, error) {
	if err := b.clock.check(now); err != nil {
		return BookFillResult{}, err
	}
	l, ok := b.live[p.Account]
	if !ok || l.order == nil {
		return BookFillResult{}, fmt.Errorf("%w: account %q has no liquidation order", ErrUnknownAuction, p.Account)
	}
	o := l.order
	m := l.st.markets[o.Market]
	if err := positive(ErrInvalidInput, "fill size", p.Size); err != nil {
		return BookFillResult{}, err
	}
	if err := positive(ErrInvalidInput, "fill price", p.Price); err != nil {
		return BookFillResult{}, err
	}
	left := o.Size.Sub(o.Filled)
	if p.Size.GreaterThan(left) || !p.Size.Mod(m.Step).IsZero() {
		return BookFillResult{}, fmt.Errorf("%w: fill of %s: %s left of the order, step %s", ErrInvalidInput, p.Size, left, m.Step)
	}
	if o.TimeInForce == timeFOK && !p.Size.Equal(left) {
		return BookFillResult{}, fmt.Errorf("%w: fill-or-kill order: a fill of %s, not the whole %s", ErrInvalidInput, p.Size, left)
	}
	if (o.Side == Sell && p.Price.LessThan(o.Limit)) || (o.Side == Buy && p.Price.GreaterThan(o.Limit)) {
		return BookFillResult{}, fmt.Errorf("%w: %s at %s is beyond the limit %s", ErrInvalidInput, o.Side, p.Price, o.Limit)
	}
	size, price := canon(p.Size), canon(p.Price)
	delta := size
	if o.Side == Sell {
		delta = size.Neg()
	}
	// The order's bankruptcy quote apportioned to this fill (BookOrder.Quote),
	// and the split: in the kernel when it fits (splitNum), else in decimal.
	toFund := b.cfg.SurplusToFund && o.Close
	s, ok := splitNum(o, delta, price, b.cfg.FeeRate, toFund, b.cfg.scale)
	if !ok {
		upTo := func(f decimal.Decimal) decimal.Decimal { return num.DivCeil(o.Quote.Mul(f), o.Size, b.cfg.scale) }
		bq := upTo(o.Filled.Add(size)).Sub(upTo(o.Filled))
		s = splitAt(delta.Neg().Mul(price), bq, b.cfg.FeeRate, toFund, b.cfg.scale)
	}
	fundDelta := addOf(s.Fee, s.Fund) // s.FundDelta()
	l.st.collateral = subOf(addOf(l.st.collateral, s.Proceeds), fundDelta)
	l.st.setSize(o.Market, addOf(l.st.size(o.Market), delta))
	o.Filled = addOf(o.Filled, size)
	t := &b.totals
	t.Fills++
	t.Surplus, t.Fee, t.Fund, t.Kept = addOf(t.Surplus, s.Surplus), addOf(t.Fee, s.Fee), addOf(t.Fund, s.Fund), addOf(t.Kept, s.Kept)
	b.clock.advance(now)
	r := BookFillResult{Liquidation: l.id, Split: s, Remaining: subOf(o.Size, o.Filled), Equity: l.st.equity(),
		Maintenance: l.st.maintenance(), Compliant: l.st.compliant()}
	r.Events = []Event{{Time: now, Kind: EventBookFill, Subject: l.account, Account: l.account, Auction: l.id,
		Market: o.Market, Price: p.Price, Lot: size, Tab: fundDelta, Amount: s.Fee}}
	return r, nil
}

// Next moves a liquidation on after its current order's fills, at the
// oracle prices of p.Markets when given (else those the desk holds):
// restored when the account is at or above maintenance; the next order when the
// last one filled completely; otherwise a Handover of every open
// position to the fallbacks (an immediate-or-cancel order that came back
// short means the book could not take more at the limit). Restored and
// handed-over liquidations end.
func (b *BookDesk) Next(now time.Time, p BookNextParams) (BookStep, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := b.ready(); err != nil {
		return BookStep{}, err
	}
	if p.Key == "" {
		return b.next(now, p)
	}
	parts := []any{p.Account}
	for _, m := range p.Markets {
		parts = append(parts, "m", m.Market, m.Oracle, m.Tick, m.Step)
		for _, t := range m.Tiers {
			parts = append(parts, t.MaxNotional, t.MaintenanceRate, t.MaintenanceAmount)
		}
	}
	return once(&b.keys, b.clock.last, b.isLive, now, p.Key, "book-next", parts,
		func() (BookStep, error) { return b.next(now, p) },
		func(r BookStep) uint64 { return r.Liquidation })
}

func (b *BookDesk) next(now time.Time, p BookNextParams) (BookStep, error) {
	if err := b.clock.check(now); err != nil {
		return BookStep{}, err
	}
	l, ok := b.live[p.Account]
	if !ok {
		return BookStep{}, fmt.Errorf("%w: account %q is not under liquidation", ErrUnknownAuction, p.Account)
	}
	if len(p.Markets) > 0 {
		ms, err := repriced(l.st.markets, p.Markets)
		if err != nil {
			return BookStep{}, err
		}
		l.st.markets = ms
	}
	b.clock.advance(now)
	step := BookStep{Liquidation: l.id, Account: l.account}
	b.advance(now, l, &step)
	return step, nil
}

// advance decides the next action of a live liquidation into step.
func (b *BookDesk) advance(now time.Time, l *bookLiq, step *BookStep) {
	st := l.st
	step.Equity, step.Maintenance = st.equity(), st.maintenance()
	if st.compliant() {
		step.Status = BookRestored
		step.Events = append(step.Events, Event{Time: now, Kind: EventBookDone, Subject: l.account, From: bookLiquidating,
			To: string(BookRestored), Account: l.account, Auction: l.id, Amount: step.Equity, Tab: step.Maintenance})
		b.end(l)
		return
	}
	short := l.order != nil && l.order.Filled.LessThan(l.order.Size)
	if !short && st.worst() != "" {
		seq := 1
		if l.order != nil {
			seq = l.order.Seq + 1
		}
		if o, ok := nextOrder(st, b.cfg, seq); ok {
			l.order = &o
			cp := o
			step.Status, step.Order = BookOrdering, &cp
			step.Events = append(step.Events, Event{Time: now, Kind: EventBookOrder, Subject: l.account, Account: l.account,
				Auction: l.id, Market: o.Market, Price: o.Limit, Lot: o.Size, Reason: string(o.Side)})
			return
		}
	}
	h := handover(st, b.cfg)
	step.Status, step.Handover = BookHandedOver, h
	for _, it := range h.Items {
		step.Events = append(step.Events, Event{Time: now, Kind: EventBookHandover, Subject: l.account, Account: l.account,
			Auction: l.id, Market: it.Market, Price: it.Bankruptcy, Lot: it.Size, Tab: it.Quote, Reason: string(it.Side)})
	}
	step.Events = append(step.Events, Event{Time: now, Kind: EventBookDone, Subject: l.account, From: bookLiquidating,
		To: string(BookHandedOver), Account: l.account, Auction: l.id, Amount: step.Equity, Tab: step.Maintenance})
	b.end(l)
}

// repriced returns held with the oracle prices of fresh, which must list
// exactly the markets of held with the same tiers, tick and step.
func repriced(held map[string]BookMarket, fresh []BookMarket) (map[string]BookMarket, error) {
	if len(fresh) != len(held) {
		return nil, fmt.Errorf("%w: %d markets, the liquidation has %d", ErrInvalidInput, len(fresh), len(held))
	}
	out := make(map[string]BookMarket, len(held))
	for _, m := range fresh {
		if err := m.validate(); err != nil {
			return nil, err
		}
		h, ok := held[m.Market]
		if _, dup := out[m.Market]; dup || !ok {
			return nil, fmt.Errorf("%w: market %q unknown to the liquidation or twice", ErrInvalidInput, m.Market)
		}
		same := h.Tick.Equal(m.Tick) && h.Step.Equal(m.Step) && len(h.Tiers) == len(m.Tiers)
		for i := 0; same && i < len(h.Tiers); i++ {
			a, c := h.Tiers[i], m.Tiers[i]
			same = a.MaxNotional.Equal(c.MaxNotional) && a.MaintenanceRate.Equal(c.MaintenanceRate) && a.MaintenanceAmount.Equal(c.MaintenanceAmount)
		}
		if !same {
			return nil, fmt.Errorf("%w: market %q: only the oracle may change during a liquidation", ErrInvalidInput, m.Market)
		}
		h.Oracle = canon(m.Oracle)
		out[m.Market] = h
	}
	return out, nil
}

func (b *BookDesk) end(l *bookLiq) {
	delete(b.live, l.account)
	delete(b.byID, l.id)
}

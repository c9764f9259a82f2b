package liquidation

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// fitter tracks the room a plan (or a commit) has used so far, without
// touching the engine.
type fitter struct {
	e        *Engine
	dirt     tally
	market   map[string]tally
	count    int
	notional tally
}

func (e *Engine) newFitter(now time.Time) *fitter {
	f := &fitter{e: e, dirt: tallyOf(e.dirt), market: map[string]tally{}, notional: tallyOf(decimal.Zero)}
	if e.cfg.Window > 0 {
		from := now.Add(-e.cfg.Window)
		for _, r := range e.recent {
			if r.Time.After(from) {
				f.count++
				f.notional = f.notional.add(r.Notional)
			}
		}
	}
	return f
}

func (f *fitter) marketDirt(m string) tally {
	if v, ok := f.market[m]; ok {
		return v
	}
	return tallyOf(f.e.MarketDebtUnderAuction(m))
}

// room is the tab that still fits under the global and market caps;
// capped is false when neither cap applies.
func (f *fitter) room(market string) (room decimal.Decimal, capped bool) {
	cfg := f.e.cfg
	if cfg.GlobalCap.Sign() > 0 {
		room, capped = cfg.GlobalCap.Sub(f.dirt.value()), true
	}
	if hole, ok := cfg.MarketCaps[market]; ok {
		r := hole.Sub(f.marketDirt(market).value())
		if !capped || r.LessThan(room) {
			room = r
		}
		capped = true
	}
	if capped && room.Sign() < 0 {
		room = decimal.Zero
	}
	return room, capped
}

func (f *fitter) throttleAllows(tab decimal.Decimal) bool {
	cfg := f.e.cfg
	if cfg.Window <= 0 {
		return true
	}
	if cfg.MaxCount > 0 && f.count+1 > cfg.MaxCount {
		return false
	}
	if cfg.MaxNotional.Sign() <= 0 {
		return true
	}
	if s := f.notional.add(tab); s.fits {
		if m, ok := fixed.FromDecimal(cfg.MaxNotional); ok {
			return fixed.Cmp(s.n, m) <= 0
		}
	}
	return !f.notional.value().Add(tab).GreaterThan(cfg.MaxNotional)
}

func (f *fitter) take(o Order) {
	f.dirt = f.dirt.add(o.Tab)
	f.market[o.Market] = f.marketDirt(o.Market).add(o.Tab)
	f.count++
	f.notional = f.notional.add(o.Tab)
}

// Commit reserves cap room for the orders of a plan the host is executing
// (Maker Dog bark: Dirt += tab, ilk dirt += tab) and records them in the
// throttle window at now. It re-checks every order against the caps and
// throttles as they stand at now; if any no longer fits it returns
// ErrCapExceeded and changes nothing. An order that cannot have come from
// Plan (a tab ≤ 0, an empty account or market, an out-of-range debt,
// lot, penalty or bonus; Health is not read) is ErrInvalidInput, and
// changes nothing either. Commit itself has no memory: committing the same
// plan twice reserves its room twice (Plan may emit two orders for one
// account and market, one per leg, so a repeat is not refused by shape). A host that may replay a commit (a retry
// after a timeout, a log replayed on a standby) uses CommitKeyed.
func (e *Engine) Commit(now time.Time, orders []Order) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := e.clock.check(now); err != nil {
		return nil, err
	}
	fit := e.newFitter(now)
	for i, o := range orders {
		if err := positive(ErrInvalidInput, fmt.Sprintf("order %d tab", i), o.Tab); err != nil {
			return nil, err
		}
		if o.Account == "" || o.Market == "" {
			return nil, fmt.Errorf("%w: order %d: empty account or market", ErrInvalidInput, i)
		}
		for _, f := range []struct {
			name string
			v    decimal.Decimal
		}{{"debt", o.Debt}, {"lot", o.Lot}, {"penalty", o.Penalty}, {"bonus", o.Bonus}} {
			if err := num.Check(f.v); err != nil { // the order's fields reach the events: never an absurd one
				return nil, fmt.Errorf("%w: order %d %s: %w", ErrInvalidInput, i, f.name, err)
			}
		}
		if fit.over(o.Market, o.Tab) {
			room, _ := fit.room(o.Market)
			return nil, fmt.Errorf("%w: order %d (%s, %s): tab %s above room %s", ErrCapExceeded, i, o.Account, o.Market, o.Tab, room)
		}
		if !fit.throttleAllows(o.Tab) {
			return nil, fmt.Errorf("%w: order %d (%s, %s): throttle", ErrCapExceeded, i, o.Account, o.Market)
		}
		fit.take(o)
	}
	events := make([]Event, 0, len(orders))
	for _, o := range orders {
		tab := canon(o.Tab)
		e.dirt = e.dirt.Add(tab)
		e.market[o.Market] = e.MarketDebtUnderAuction(o.Market).Add(tab)
		if e.cfg.Window > 0 {
			e.recent = append(e.recent, ThrottleEntry{Time: now, Notional: tab})
		}
		events = append(events, Event{Time: now, Kind: EventCommit, Subject: o.Account, Market: o.Market, Account: o.Account,
			Lot: o.Lot, Tab: o.Tab, Amount: o.Debt})
	}
	e.prune(now)
	e.clock.advance(now)
	return events, nil
}

func (e *Engine) prune(now time.Time) {
	if e.cfg.Window <= 0 {
		e.recent = nil
		return
	}
	from := now.Add(-e.cfg.Window)
	i := 0
	for i < len(e.recent) && !e.recent[i].Time.After(from) {
		i++
	}
	e.recent = append([]ThrottleEntry(nil), e.recent[i:]...)
}

// Release removes amount from the debt under auction in market (Maker Dog
// digs): call it with TakeResult.Released, YankResult.Released or a
// settlement's tab. Releasing more than the market holds is an error.
// Release has no memory: a repeat releases again. A host that may replay
// a release (a retry, a log replayed on a standby) uses ReleaseKeyed.
func (e *Engine) Release(now time.Time, market string, amount decimal.Decimal) (Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := e.clock.check(now); err != nil {
		return Event{}, err
	}
	if err := positive(ErrInvalidInput, "release amount", amount); err != nil {
		return Event{}, err
	}
	have := e.MarketDebtUnderAuction(market)
	if amount.GreaterThan(have) {
		return Event{}, fmt.Errorf("%w: release %s from %q holding %s", ErrInvalidInput, amount, market, have)
	}
	amount = canon(amount)
	left := have.Sub(amount)
	if left.IsZero() {
		delete(e.market, market)
	} else {
		e.market[market] = left
	}
	e.dirt = e.dirt.Sub(amount)
	e.clock.advance(now)
	return Event{Time: now, Kind: EventRelease, Subject: market, Market: market, Amount: amount, Tab: left}, nil
}

// CheckInvariants verifies that global debt under auction equals the sum
// over markets, that no cap is exceeded, and that no throttle window ever
// held more orders or notional than allowed.
func (e *Engine) CheckInvariants() error {
	cfg := e.cfg
	sum := decimal.Zero
	for _, m := range e.markets() {
		v := e.market[m]
		if v.Sign() <= 0 {
			return fmt.Errorf("%w: market %q debt under auction %s", ErrInvariant, m, v)
		}
		if hole, ok := cfg.MarketCaps[m]; ok && v.GreaterThan(hole) {
			return fmt.Errorf("%w: market %q debt under auction %s above cap %s", ErrInvariant, m, v, hole)
		}
		sum = sum.Add(v)
	}
	if !sum.Equal(e.dirt) {
		return fmt.Errorf("%w: global %s ≠ Σ markets %s", ErrInvariant, e.dirt, sum)
	}
	if cfg.GlobalCap.Sign() > 0 && e.dirt.GreaterThan(cfg.GlobalCap) {
		return fmt.Errorf("%w: debt under auction %s above global cap %s", ErrInvariant, e.dirt, cfg.GlobalCap)
	}
	// One pass with a sliding window (entries are in time order, checked
	// as it goes): lo is the oldest entry inside the window ending at r, so
	// the check is linear in the entries, not quadratic — a standby
	// restoring a long throttle window runs it once.
	lo, notional := 0, decimal.Zero
	for i, r := range e.recent {
		if i > 0 && r.Time.Before(e.recent[i-1].Time) {
			return fmt.Errorf("%w: throttle entries out of order", ErrInvariant)
		}
		notional = notional.Add(r.Notional)
		for lo <= i && !e.recent[lo].Time.After(r.Time.Add(-cfg.Window)) {
			notional = notional.Sub(e.recent[lo].Notional)
			lo++
		}
		n := i - lo + 1
		if cfg.MaxCount > 0 && n > cfg.MaxCount {
			return fmt.Errorf("%w: %d orders in window ending %s", ErrInvariant, n, r.Time)
		}
		if cfg.MaxNotional.Sign() > 0 && notional.GreaterThan(cfg.MaxNotional) {
			return fmt.Errorf("%w: notional %s in window ending %s", ErrInvariant, notional, r.Time)
		}
	}
	return nil
}

func (e *Engine) markets() []string {
	ms := make([]string, 0, len(e.market))
	for m := range e.market {
		ms = append(ms, m)
	}
	sort.Strings(ms)
	return ms
}

// EngineSnapshot is the engine's cap and throttle state.
type EngineSnapshot struct {
	Last    time.Time       `json:"last"`
	Dirt    decimal.Decimal `json:"dirt"`
	Markets []MarketDebt    `json:"markets"` // ascending market
	Recent  []ThrottleEntry `json:"recent"`  // oldest first
	// Keys are the remembered idempotency keys of CommitKeyed and ReleaseKeyed (see
	// KeyWindow), ascending.
	Keys []KeyRecord `json:"keys,omitempty"`
}

// CommitKeyed is Commit with an idempotency key (see KickParams.Key and
// KeyWindow): a repeat returns the first events (or error) and reserves
// nothing again; the key with other orders is ErrKeyReused. The key is
// the host's, not derived from the orders: after a Release the same plan
// may rightly be committed again at the same time. The orders' content
// (every field but Health, which Commit does not read) is what a repeat
// must match.
func (e *Engine) CommitKeyed(now time.Time, key string, orders []Order) ([]Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	parts := make([]any, 0, 9*len(orders))
	for _, o := range orders {
		parts = append(parts, o.Account, o.Market, o.Debt, o.Lot, o.Tab, o.Penalty, o.Bonus, o.Full, o.Reduce)
	}
	return once(&e.keys, e.clock.last, noAuction, now, key, "commit", parts,
		func() ([]Event, error) { return e.Commit(now, orders) }, func([]Event) uint64 { return 0 })
}

// ReleaseKeyed is Release with an idempotency key (see KickParams.Key and
// KeyWindow): a repeat returns the first event (or error) and releases
// nothing again; the key with another market or amount is ErrKeyReused.
// The key is the host's, not derived: two takes may rightly release the
// same amount from one market at the same time. Keys travel in
// EngineSnapshot.Keys with CommitKeyed's.
func (e *Engine) ReleaseKeyed(now time.Time, key, market string, amount decimal.Decimal) (Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	return once(&e.keys, e.clock.last, noAuction, now, key, "release", []any{market, amount},
		func() (Event, error) { return e.Release(now, market, amount) }, func(Event) uint64 { return 0 })
}

func noAuction(uint64) bool { return false }

// MarketDebt is one market's debt under auction.
type MarketDebt struct {
	Market string          `json:"market"`
	Debt   decimal.Decimal `json:"debt"`
}

// Snapshot returns a copy of the engine's state.
func (e *Engine) Snapshot() EngineSnapshot {
	s := EngineSnapshot{Last: e.clock.last, Dirt: e.dirt, Markets: []MarketDebt{},
		Recent: append([]ThrottleEntry{}, e.recent...)}
	for _, m := range e.markets() {
		s.Markets = append(s.Markets, MarketDebt{Market: m, Debt: e.market[m]})
	}
	if ks := e.keys.snapshot(e.clock.last, noAuction); len(ks) > 0 {
		s.Keys = ks
	}
	return s
}

// RestoreEngine rebuilds an engine from settings and a snapshot, validating
// every field and the invariants.
func RestoreEngine(s EngineSettings, snap EngineSnapshot) (*Engine, error) {
	e, err := NewEngine(s)
	if err != nil {
		return nil, err
	}
	if err := num.CheckNonNegative(snap.Dirt); err != nil {
		return nil, fmt.Errorf("%w: dirt: %w", ErrInvalidSnapshot, err)
	}
	e.dirt, e.clock.last = canon(snap.Dirt), snap.Last
	for _, m := range snap.Markets {
		if _, dup := e.market[m.Market]; dup {
			return nil, fmt.Errorf("%w: duplicate market %q", ErrInvalidSnapshot, m.Market)
		}
		if err := num.CheckPositive(m.Debt); err != nil {
			return nil, fmt.Errorf("%w: market %q: %w", ErrInvalidSnapshot, m.Market, err)
		}
		e.market[m.Market] = canon(m.Debt)
	}
	for _, r := range snap.Recent {
		if err := num.CheckPositive(r.Notional); err != nil {
			return nil, fmt.Errorf("%w: throttle entry: %w", ErrInvalidSnapshot, err)
		}
		if r.Time.After(snap.Last) {
			return nil, fmt.Errorf("%w: throttle entry after last time", ErrInvalidSnapshot)
		}
	}
	if e.cfg.Window > 0 {
		for _, r := range snap.Recent {
			e.recent = append(e.recent, ThrottleEntry{Time: r.Time, Notional: canon(r.Notional)})
		}
	}
	if e.keys, err = restoreKeys(snap.Keys, "commit", "release"); err != nil {
		return nil, err
	}
	if err := e.CheckInvariants(); err != nil {
		return nil, restate(ErrInvalidSnapshot, err)
	}
	return e, nil
}

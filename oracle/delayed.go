package oracle

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// DelayedSettings configures a Delayed price.
type DelayedSettings struct {
	// Market names what the delayed price prices: the Subject of every
	// Event it returns. Optional.
	Market string `json:"market,omitempty"`
	// Hop is the delay: a poked price becomes current one poke later, and
	// pokes are at least one hop apart (MakerDAO OSM's hop, 3600 s in
	// production). Required: must be positive.
	Hop time.Duration `json:"hop"`
	// MaxAge bounds Price(now): the current value is refused with ErrStale
	// once the last poke (its hop-aligned time) is more than MaxAge before
	// now, i.e. when the keepers stopped poking. Default 2 × Hop; must
	// not be shorter than Hop.
	MaxAge time.Duration `json:"max_age"`
}

// Delayed is a delayed price, MakerDAO's Oracle Security Module (OSM): the
// effective price lags the observed one by a hop, so governance or a breaker
// can see the next price before it takes effect and stop or void it.
//
// As in OSM.sol: Poke(now, p) requires the module not stopped and a full hop
// since the last poke (now ≥ zzz + hop, "OSM/not-passed"); it moves next to
// current, stores p as next, and sets zzz = prev(now), now rounded down to a
// multiple of hop (time.Truncate: counted from the zero time, which is Unix
// aligned like OSM's ts − ts % hop for any hop dividing a day; times are
// kept in UTC, so the zone a host passes changes nothing). Price(now)
// returns current (OSM peek, with a freshness bound), Next (OSM peep) the
// queued value. Stop refuses pokes, Start allows them again, and Void clears
// both values and stops; Snapshot().Stopped says whether pokes are refused.
//
// Delayed is safe for concurrent use (one mutex).
type Delayed struct {
	mu sync.Mutex
	s  DelayedSettings
	st delayedState
}

type delayedState struct {
	cur, nxt       decimal.Decimal
	hasCur, hasNxt bool
	zzz            time.Time
	stopped        bool
	last           time.Time
}

// NewDelayed validates s and returns an empty, running Delayed whose first
// poke may happen at any time.
func NewDelayed(s DelayedSettings) (*Delayed, error) {
	if s.Hop <= 0 {
		return nil, fmt.Errorf("%w: Delayed Hop must be positive, got %s", ErrInvalidSettings, s.Hop)
	}
	if s.MaxAge < 0 {
		return nil, fmt.Errorf("%w: Delayed MaxAge must not be negative, got %s", ErrInvalidSettings, s.MaxAge)
	}
	if s.MaxAge == 0 {
		s.MaxAge = 2 * s.Hop
	}
	if s.MaxAge < s.Hop {
		// Pokes come at most once a hop: a shorter bound would refuse the
		// current price for part of every hop even with punctual keepers.
		return nil, fmt.Errorf("%w: Delayed MaxAge %s is shorter than Hop %s", ErrInvalidSettings, s.MaxAge, s.Hop)
	}
	return &Delayed{s: s}, nil
}

// peek returns the current (effective) price, or ErrNoPrice when there is
// none yet or it was voided (OSM peek, without Price's freshness check).
func (d *Delayed) peek() (decimal.Decimal, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.st.hasCur {
		return decimal.Zero, ErrNoPrice
	}
	return d.st.cur, nil
}

// Price returns the current (effective) price for a consumer at now, the
// same shape as Feed.Price so either can be passed as a price lookup. It
// fails with ErrNoPrice when there is none, and with ErrStale when the last
// poke is more than MaxAge before now (OSM itself has no such check; a host
// needs one so a module nobody pokes cannot serve an old price forever). A
// now before the last poke, stop, start or void is refused with
// ErrOutOfOrder, as every stateful type in the package refuses time going
// backwards.
func (d *Delayed) Price(now time.Time) (decimal.Decimal, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkTime(now); err != nil {
		return decimal.Decimal{}, err
	}
	if !d.st.hasCur {
		return decimal.Decimal{}, ErrNoPrice
	}
	if now.Sub(d.st.zzz) > d.s.MaxAge {
		return decimal.Decimal{}, ErrStale
	}
	return d.st.cur, nil
}

// Next returns the queued price that the next poke makes current (OSM
// peep), or ErrNoPrice.
func (d *Delayed) Next() (decimal.Decimal, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.st.hasNxt {
		return decimal.Zero, ErrNoPrice
	}
	return d.st.nxt, nil
}

// Pass reports whether a poke is allowed at now by time (OSM pass()):
// now ≥ zzz + hop. It does not look at Stopped. A now before the last
// change is never a pass (Poke refuses it with ErrOutOfOrder).
func (d *Delayed) Pass(now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pass(now)
}

func (d *Delayed) pass(now time.Time) bool {
	if now.Before(d.st.last) {
		return false
	}
	return d.st.zzz.IsZero() || !now.Before(d.st.zzz.Add(d.s.Hop))
}

// isStopped reports whether pokes are refused (Snapshot().Stopped).
func (d *Delayed) isStopped() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.st.stopped
}

// Poke queues price and makes the previously queued one current. It fails
// with ErrStopped, ErrTooEarly (less than a hop since the last poke's
// aligned time), ErrOutOfOrder or ErrInvalidInput, changing nothing.
func (d *Delayed) Poke(now time.Time, price decimal.Decimal) (Event, error) {
	if err := checkPoint(now, price); err != nil {
		return Event{}, err
	}
	now = instant(now)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkTime(now); err != nil {
		return Event{}, err
	}
	if d.st.stopped {
		return Event{}, ErrStopped
	}
	if !d.pass(now) {
		return Event{}, fmt.Errorf("%w: next poke at %s", ErrTooEarly, d.st.zzz.Add(d.s.Hop).Format(time.RFC3339Nano))
	}
	d.st.cur, d.st.hasCur = d.st.nxt, d.st.hasNxt
	d.st.nxt, d.st.hasNxt = price, true
	d.st.zzz = now.Truncate(d.s.Hop)
	d.st.last = now
	// Previous is the value that became current (zero when none was queued).
	return Event{Time: now, Kind: EventPoke, Subject: d.s.Market, Price: price, Previous: d.st.cur}, nil
}

// runState names whether a Delayed accepts pokes, for events' From and To.
func runState(stopped bool) string {
	if stopped {
		return "stopped"
	}
	return "running"
}

// Stop refuses further pokes (OSM stop); the current price stays readable.
func (d *Delayed) Stop(now time.Time) (Event, error) {
	return d.set(now, EventStop, func(st *delayedState) { st.stopped = true })
}

// Start allows pokes again (OSM start).
func (d *Delayed) Start(now time.Time) (Event, error) {
	return d.set(now, EventStart, func(st *delayedState) { st.stopped = false })
}

// Void clears the current and next prices and stops (OSM void): use it
// when the queued price is known bad.
func (d *Delayed) Void(now time.Time) (Event, error) {
	return d.set(now, EventVoid, func(st *delayedState) {
		st.cur, st.nxt = decimal.Zero, decimal.Zero
		st.hasCur, st.hasNxt = false, false
		st.stopped = true
	})
}

func (d *Delayed) set(now time.Time, k EventKind, f func(*delayedState)) (Event, error) {
	if err := checkNow(now); err != nil {
		return Event{}, err
	}
	now = instant(now)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.checkTime(now); err != nil {
		return Event{}, err
	}
	from := d.st.stopped
	f(&d.st)
	d.st.last = now
	e := Event{Time: now, Kind: k, Subject: d.s.Market}
	if from != d.st.stopped {
		e.From, e.To = runState(from), runState(d.st.stopped)
	}
	if k == EventVoid {
		e.Reason = "current and next values cleared"
	}
	return e, nil
}

func (d *Delayed) checkTime(now time.Time) error {
	if now.Before(d.st.last) {
		return fmt.Errorf("%w: %s before last change %s", ErrOutOfOrder, now.Format(time.RFC3339Nano), d.st.last.Format(time.RFC3339Nano))
	}
	return nil
}

// DelayedSnapshot is a Delayed price's state as plain JSON-serialisable data.
type DelayedSnapshot struct {
	Current    decimal.Decimal `json:"current"`     // OSM cur.val: the effective price
	HasCurrent bool            `json:"has_current"` // OSM cur.has
	Next       decimal.Decimal `json:"next"`        // OSM nxt.val: the queued price
	HasNext    bool            `json:"has_next"`    // OSM nxt.has
	// LastPoke is OSM's zzz: the last poke's time rounded down to a hop.
	LastPoke time.Time `json:"last_poke"`
	Stopped  bool      `json:"stopped"` // OSM stopped: pokes refused
	// LastChange is the time of the last poke, stop, start or void.
	LastChange time.Time `json:"last_change"`
}

// Snapshot returns the state for RestoreDelayed.
func (d *Delayed) Snapshot() DelayedSnapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.st
	return DelayedSnapshot{Current: st.cur, HasCurrent: st.hasCur, Next: st.nxt, HasNext: st.hasNxt,
		LastPoke: st.zzz, Stopped: st.stopped, LastChange: st.last}
}

// RestoreDelayed rebuilds a Delayed from settings and a snapshot, validating
// it (ErrInvalidSnapshot).
func RestoreDelayed(s DelayedSettings, snap DelayedSnapshot) (*Delayed, error) {
	d, err := NewDelayed(s)
	if err != nil {
		return nil, err
	}
	if err := checkDelayed(s, snap); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	d.st = delayedState{cur: snap.Current, hasCur: snap.HasCurrent, nxt: snap.Next, hasNxt: snap.HasNext,
		zzz: instant(snap.LastPoke), stopped: snap.Stopped, last: instant(snap.LastChange)}
	return d, nil
}

// CheckInvariants verifies the state: a value is positive exactly when
// present, a current value implies a next one (values move next → current),
// and LastPoke is hop-aligned and not after LastChange.
func (d *Delayed) CheckInvariants() error {
	if err := checkDelayed(d.s, d.Snapshot()); err != nil {
		return fmt.Errorf("%w: delayed: %w", ErrInvariant, err)
	}
	return nil
}

func checkDelayed(s DelayedSettings, snap DelayedSnapshot) error {
	for _, v := range []struct {
		name string
		val  decimal.Decimal
		has  bool
	}{{"current", snap.Current, snap.HasCurrent}, {"next", snap.Next, snap.HasNext}} {
		if err := num.Check(v.val); err != nil {
			return fmt.Errorf("%s: %w", v.name, err)
		}
		if v.has != (v.val.Sign() > 0) || (!v.has && !v.val.IsZero()) {
			return fmt.Errorf("%s %s inconsistent with has=%t", v.name, v.val, v.has)
		}
	}
	for _, t := range []time.Time{snap.LastPoke, snap.LastChange} {
		if !t.IsZero() && !writable(t) {
			return errors.New("a time outside years 1 to 9999")
		}
	}
	if snap.HasCurrent && !snap.HasNext {
		return errors.New("a current value without a next one")
	}
	if !snap.LastPoke.Equal(snap.LastPoke.Truncate(s.Hop)) {
		return fmt.Errorf("last poke %s not aligned to hop %s", snap.LastPoke, s.Hop)
	}
	if snap.LastPoke.After(snap.LastChange) {
		return errors.New("last poke after last change")
	}
	if snap.HasNext && snap.LastPoke.IsZero() {
		return errors.New("a value without a poke time")
	}
	return nil
}

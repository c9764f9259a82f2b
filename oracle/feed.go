package oracle

import (
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Tier is one level of a Feed's ordered fallback: a set of sources and the
// guards that aggregate them.
type Tier struct {
	// Name identifies the tier in reports ("primary", "chainlink", ...).
	// Required, unique within the feed.
	Name string `json:"name"`
	// Sources lists the quote sources this tier reads. Required, unique
	// within the tier; a source may serve several tiers.
	Sources []string `json:"sources"`
	// Aggregation configures the tier's guards and method.
	Aggregation AggregatorSettings `json:"aggregation"`
}

// FeedSettings configures a Feed.
type FeedSettings struct {
	// Market names what the feed prices ("BTC-USD"): the Subject of every
	// Event it returns. Optional.
	Market string `json:"market,omitempty"`
	// Tiers in order of preference: Tiers[0] is primary, the others are
	// fallbacks tried in order when the ones before fail. At least one.
	Tiers []Tier `json:"tiers"`
	// MaxAge is the freshness bound: Price(now) fails with ErrStale when
	// the last good price was accepted more than MaxAge before now.
	// Required: must be positive. It is measured from acceptance, as
	// Chainlink's updatedAt and Maker Median's age are; the quotes behind
	// the price were observed up to the tier's Aggregation.MaxAge earlier
	// still (FeedSnapshot.ObservedAt says when), so the data a consumer gets
	// is at most tier MaxAge + MaxAge old.
	MaxAge time.Duration `json:"max_age"`
	// MaxJump is the per-update jump limit relative to the last good price:
	// a tier whose aggregate p has |p − last| > MaxJump × last fails with
	// ErrJump and the next tier is tried; a move exactly at the limit is
	// accepted, as in Liquity's PriceFeed (_chainlinkPriceChangeAboveMax:
	// "percentDeviation > MAX_PRICE_DEVIATION_FROM_PREVIOUS_ROUND"). Liquity
	// measures the move against the larger of the two prices, so its 50%
	// admits a doubling; here it is measured against the last good price,
	// so MaxJump 0.5 admits 50 to 150 from 100 (MaxJump 1 admits a doubling
	// up, and any fall). Once the last good
	// price is stale (older than MaxAge) the primary tier may re-anchor
	// the feed at a new level without the check (a real move confirmed by
	// the primary quorum); fallback tiers never do: they stay held to the
	// limit against the last good price, so a lone fallback source cannot
	// move a stale feed by more than MaxJump. Default 0: off.
	MaxJump decimal.Decimal `json:"max_jump"`
}

// Feed is a stateful price feed: it keeps the last good price with its
// time, status and active tier, applies a jump limit against it, falls back
// through its tiers in order, and serves the price only while it is fresh.
//
// Feed is safe for concurrent use: one mutex guards its state; it calls no
// host callback.
type Feed struct {
	mu      sync.Mutex
	s       FeedSettings
	aggs    []*Aggregator
	members []map[string]struct{}
	maxAge  time.Duration
	st      feedState
}

type feedState struct {
	price      decimal.Decimal
	at         time.Time // when the last good price was accepted
	observed   time.Time // oldest observation among the quotes it used
	has        bool
	status     Status
	active     string
	lastUpdate time.Time
}

// NewFeed validates s and returns an empty Feed (StatusEmpty).
func NewFeed(s FeedSettings) (*Feed, error) {
	if len(s.Tiers) == 0 {
		return nil, fmt.Errorf("%w: a feed needs at least one tier", ErrInvalidSettings)
	}
	if s.MaxAge <= 0 {
		return nil, fmt.Errorf("%w: feed MaxAge must be positive, got %s", ErrInvalidSettings, s.MaxAge)
	}
	if err := num.CheckNonNegative(s.MaxJump); err != nil {
		return nil, fmt.Errorf("%w: MaxJump: %w", ErrInvalidSettings, err)
	}
	f := &Feed{maxAge: s.MaxAge}
	names := map[string]struct{}{}
	tiers := make([]Tier, len(s.Tiers))
	for i, t := range s.Tiers {
		if t.Name == "" {
			return nil, fmt.Errorf("%w: tier %d has no name", ErrInvalidSettings, i)
		}
		if _, dup := names[t.Name]; dup {
			return nil, fmt.Errorf("%w: duplicate tier name %q", ErrInvalidSettings, t.Name)
		}
		names[t.Name] = struct{}{}
		if len(t.Sources) == 0 {
			return nil, fmt.Errorf("%w: tier %q has no sources", ErrInvalidSettings, t.Name)
		}
		m := make(map[string]struct{}, len(t.Sources))
		for _, src := range t.Sources {
			if src == "" {
				return nil, fmt.Errorf("%w: tier %q has an empty source name", ErrInvalidSettings, t.Name)
			}
			if _, dup := m[src]; dup {
				return nil, fmt.Errorf("%w: tier %q lists source %q twice", ErrInvalidSettings, t.Name, src)
			}
			m[src] = struct{}{}
		}
		a, err := newAggregator(t.Aggregation)
		if err != nil {
			return nil, fmt.Errorf("%w: tier %q: %w", ErrInvalidSettings, t.Name, err)
		}
		if q := a.settings().MinSources; q > len(t.Sources) {
			// One source, one vote: such a tier could never give a price.
			return nil, fmt.Errorf("%w: tier %q needs %d sources but lists %d", ErrInvalidSettings, t.Name, q, len(t.Sources))
		}
		t.Sources = append([]string(nil), t.Sources...)
		t.Aggregation = a.settings()
		tiers[i] = t
		f.aggs = append(f.aggs, a)
		f.members = append(f.members, m)
	}
	s.Tiers = tiers
	f.s = s
	return f, nil
}

// Price returns the last good price if it is fresh at now: accepted no more
// than MaxAge before now (stale only when now − accepted > MaxAge, as
// Liquity's PriceFeed and Chainlink consumers test block.timestamp −
// updatedAt > timeout). Otherwise it fails with ErrStale, ErrNoPrice,
// ErrHalted, or ErrOutOfOrder when now is before the feed's last update (a
// read from the past is refused as TWAP, EMA and Delayed refuse it). The
// errors are bare sentinels, so the read never allocates. A consumer that
// takes a price lookup as func(time.Time) (decimal.Decimal, error) takes
// this method value.
func (f *Feed) Price(now time.Time) (decimal.Decimal, error) {
	f.mu.Lock()
	st := &f.st
	switch {
	case now.Before(st.lastUpdate):
		f.mu.Unlock()
		return decimal.Decimal{}, ErrOutOfOrder
	case st.status == StatusHalted:
		f.mu.Unlock()
		return decimal.Decimal{}, ErrHalted
	case !st.has:
		f.mu.Unlock()
		return decimal.Decimal{}, ErrNoPrice
	case now.Sub(st.at) > f.maxAge:
		f.mu.Unlock()
		return decimal.Decimal{}, ErrStale
	}
	p := st.price
	f.mu.Unlock()
	return p, nil
}

// FeedSnapshot is a Feed's state as plain JSON-serialisable data (times in
// UTC), for RestoreFeed and for inspection.
type FeedSnapshot struct {
	// Price is the last good price (zero if HasPrice is false).
	Price decimal.Decimal `json:"price"`
	// Time is when Price was accepted; freshness is measured from it.
	Time time.Time `json:"time"`
	// ObservedAt is the oldest observation time among the quotes Price
	// was aggregated from.
	ObservedAt time.Time `json:"observed_at"`
	// HasPrice says whether a last good price exists.
	HasPrice bool `json:"has_price"`
	// Status is the feed's condition.
	Status Status `json:"status"`
	// Active is the tier that supplied Price ("" when none).
	Active string `json:"active"`
	// LastUpdate is the time of the last state change (update, halt,
	// resume); earlier times are ErrOutOfOrder.
	LastUpdate time.Time `json:"last_update"`
}

func (st feedState) export() FeedSnapshot {
	return FeedSnapshot{Price: st.price, Time: st.at, ObservedAt: st.observed, HasPrice: st.has,
		Status: st.status, Active: st.active, LastUpdate: st.lastUpdate}
}

// TierOutcome is what one tier produced during an update.
type TierOutcome struct {
	Tier   string `json:"tier"`   // the tier's name
	Result Result `json:"result"` // its aggregation (quotes used and rejected)
	// Err is nil for the accepted tier; otherwise why the tier failed
	// (wrapping ErrNoQuorum, ErrSpread or ErrJump).
	Err error `json:"-"`
	// Error is Err's text for logs and JSON ("" when Err is nil).
	Error string `json:"error,omitempty"`
}

// FeedUpdate reports what Feed.Update did and why.
type FeedUpdate struct {
	Time time.Time `json:"time"` // the update's now
	// Accepted says whether a new last good price was taken.
	Accepted bool `json:"accepted"`
	// Price is the feed's last good price after the update (unchanged
	// when not Accepted; zero if none).
	Price decimal.Decimal `json:"price"`
	// Status and Active after the update.
	Status Status `json:"status"`
	Active string `json:"active"` // tier that supplied Price
	// Tiers are the outcomes of the tiers tried, in order; tiers after the
	// accepted one are not evaluated. Rejection.Index in each Result counts
	// within the quotes routed to that tier (input order preserved).
	Tiers []TierOutcome `json:"tiers"`
	// Events are the state changes the update caused, and one
	// EventUnknownSource per quote whose source is in no tier (such a quote
	// is ignored, never silently).
	Events []Event `json:"events"`
}

// Update aggregates quotes at now through the tiers in order and takes the
// first tier's price that passes its guards and the jump limit. When no
// tier succeeds the last good price is kept and the status becomes stale.
// Failures of tiers are values in the result; the error is only for bad
// calls (zero now, now before the last update, feed halted), which change
// no state.
func (f *Feed) Update(now time.Time, quotes []Quote) (FeedUpdate, error) {
	if err := checkNow(now); err != nil {
		return FeedUpdate{}, err
	}
	if len(quotes) > MaxQuotes {
		return FeedUpdate{}, fmt.Errorf("%w: %d quotes, more than %d", ErrInvalidInput, len(quotes), MaxQuotes)
	}
	now = instant(now)
	f.mu.Lock()
	defer f.mu.Unlock()
	old := f.st
	if now.Before(old.lastUpdate) {
		return FeedUpdate{}, fmt.Errorf("%w: update at %s before last update %s", ErrOutOfOrder, now.Format(time.RFC3339Nano), old.lastUpdate.Format(time.RFC3339Nano))
	}
	if old.status == StatusHalted {
		return FeedUpdate{}, ErrHalted
	}
	up := FeedUpdate{Time: now}
	ev := func(e Event) {
		e.Time, e.Subject = now, f.s.Market
		up.Events = append(up.Events, e)
	}
	routed := make([][]Quote, len(f.aggs))
	for _, q := range quotes {
		in := false
		for i, m := range f.members {
			if _, ok := m[q.Source]; ok {
				routed[i] = append(routed[i], q)
				in = true
			}
		}
		if !in {
			// Issue 11 item 4: never silently unrouted. The price is
			// reported only when it is in range (never format or keep
			// an absurd decimal).
			e := Event{Kind: EventUnknownSource, Source: q.Source, Reason: "source is in no tier; quote ignored"}
			if num.CheckPositive(q.Price) == nil {
				e.Price = q.Price
			}
			ev(e)
		}
	}
	fresh := old.has && now.Sub(old.at) <= f.maxAge
	next := old
	next.lastUpdate = now
	accepted := -1
	for i, a := range f.aggs {
		res, err := a.Aggregate(now, routed[i])
		// Only the primary tier may re-anchor a stale feed; a fallback is
		// always held to the jump limit against the last good price.
		if err == nil && old.has && (fresh || i > 0) && f.s.MaxJump.Sign() > 0 {
			if res.Price.Sub(old.price).Abs().Cmp(f.s.MaxJump.Mul(old.price)) > 0 {
				err = fmt.Errorf("%w: %s from last good %s is more than %s", ErrJump, res.Price, old.price, f.s.MaxJump)
			}
		}
		out := TierOutcome{Tier: f.s.Tiers[i].Name, Result: res, Err: err}
		if err != nil {
			out.Error = err.Error()
		}
		up.Tiers = append(up.Tiers, out)
		if err == nil {
			accepted = i
			next.price, next.at, next.has = res.Price, now, true
			next.observed = instant(res.Used[0].Time)
			for _, q := range res.Used {
				if q.Time.Before(next.observed) {
					next.observed = instant(q.Time)
				}
			}
			next.active = f.s.Tiers[i].Name
			next.status = StatusFallback
			if i == 0 {
				next.status = StatusLive
			}
			break
		}
	}
	if accepted >= 0 {
		up.Accepted = true
		if old.has && !fresh && accepted == 0 && f.s.MaxJump.Sign() > 0 {
			ev(Event{Kind: EventReanchor, Tier: next.active, Price: next.price, Previous: old.price,
				Reason: "last good price was stale (accepted " + old.at.Format(time.RFC3339Nano) + "); accepted without a jump check"})
		}
		ev(Event{Kind: EventAccepted, Tier: next.active, Price: next.price, Previous: old.price})
	} else {
		if old.has {
			next.status = StatusStale
		}
		ev(Event{Kind: EventRejected, Price: old.price, Reason: "no tier produced an acceptable price; " + describeLast(old)})
	}
	if next.active != old.active {
		ev(Event{Kind: EventActive, From: old.active, To: next.active})
	}
	if next.status != old.status {
		ev(Event{Kind: EventStatus, From: old.status.String(), To: next.status.String()})
	}
	f.st = next
	up.Price, up.Status, up.Active = next.price, next.status, next.active
	return up, nil
}

func describeLast(st feedState) string {
	if !st.has {
		return "no price yet"
	}
	return "keeping the last good price accepted " + st.at.Format(time.RFC3339Nano)
}

// Halt stops the feed serving prices (Price returns ErrHalted) and refuses
// updates until Resume: the host's kill switch, e.g. when a breaker or
// governance flags the market.
func (f *Feed) Halt(now time.Time, reason string) (Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkTime(now); err != nil {
		return Event{}, err
	}
	now = instant(now)
	if f.st.status == StatusHalted {
		return Event{}, fmt.Errorf("%w: already halted", ErrHalted)
	}
	e := Event{Time: now, Kind: EventHalt, Subject: f.s.Market, From: f.st.status.String(), To: StatusHalted.String(), Reason: reason}
	f.st.status, f.st.lastUpdate = StatusHalted, now
	return e, nil
}

// Resume lifts a halt. The status becomes stale (or empty without a
// price) until the next update accepts a price; the last good price is
// served again while it is fresh.
func (f *Feed) Resume(now time.Time) (Event, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkTime(now); err != nil {
		return Event{}, err
	}
	now = instant(now)
	if f.st.status != StatusHalted {
		return Event{}, fmt.Errorf("%w: resume: feed is %s, not halted", ErrInvalidInput, f.st.status)
	}
	next := StatusEmpty
	if f.st.has {
		next = StatusStale
	}
	f.st.status, f.st.lastUpdate = next, now
	return Event{Time: now, Kind: EventResume, Subject: f.s.Market, From: StatusHalted.String(), To: next.String()}, nil
}

func (f *Feed) checkTime(now time.Time) error {
	if err := checkNow(now); err != nil {
		return err
	}
	if now.Before(f.st.lastUpdate) {
		return fmt.Errorf("%w: %s before last update %s", ErrOutOfOrder, now.Format(time.RFC3339Nano), f.st.lastUpdate.Format(time.RFC3339Nano))
	}
	return nil
}

package oracle

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Snapshot returns a copy of the feed's state, for RestoreFeed and for
// inspection (price, status, active tier, times).
func (f *Feed) Snapshot() FeedSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st.export()
}

// RestoreFeed rebuilds a Feed from settings and a snapshot, validating the
// snapshot against them (ErrInvalidSnapshot) so a malformed snapshot is an
// error, never a corrupted feed.
func RestoreFeed(s FeedSettings, snap FeedSnapshot) (*Feed, error) {
	f, err := NewFeed(s)
	if err != nil {
		return nil, err
	}
	if err := f.checkState(snap); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	f.st = feedState{price: snap.Price, at: instant(snap.Time), observed: instant(snap.ObservedAt), has: snap.HasPrice,
		status: snap.Status, active: snap.Active, lastUpdate: instant(snap.LastUpdate)}
	return f, nil
}

// CheckInvariants verifies the feed's state is consistent: a price exists
// exactly when the status says one was accepted, it is positive and in
// range, the active tier exists and matches the status, and the price's
// time is set and not after LastUpdate.
func (f *Feed) CheckInvariants() error {
	f.mu.Lock()
	st := f.st.export()
	f.mu.Unlock()
	if err := f.checkState(st); err != nil {
		return fmt.Errorf("%w: feed: %w", ErrInvariant, err)
	}
	return nil
}

func (f *Feed) checkState(st FeedSnapshot) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf(format, a...)
	}
	if st.Status < StatusEmpty || st.Status > StatusHalted {
		return bad("unknown status %d", int(st.Status))
	}
	if err := num.Check(st.Price); err != nil {
		return bad("price: %w", err)
	}
	for _, t := range []time.Time{st.Time, st.ObservedAt, st.LastUpdate} {
		if !t.IsZero() && !writable(t) {
			return bad("a time outside years 1 to 9999")
		}
	}
	tier := -1
	for i, t := range f.s.Tiers {
		if t.Name == st.Active {
			tier = i
		}
	}
	if st.Active != "" && tier < 0 {
		return bad("unknown active tier %q", st.Active)
	}
	if !st.HasPrice {
		if !st.Price.IsZero() || st.Active != "" || !st.Time.IsZero() || !st.ObservedAt.IsZero() {
			return bad("no price but price, tier or times set")
		}
		if st.Status != StatusEmpty && st.Status != StatusHalted {
			return bad("status %s without a price", st.Status)
		}
		return nil
	}
	if st.Price.Sign() <= 0 {
		return bad("price %s not positive", st.Price)
	}
	if tier < 0 {
		return bad("a price without an active tier")
	}
	if st.Time.IsZero() || st.ObservedAt.IsZero() || st.Time.After(st.LastUpdate) {
		return bad("times missing or out of order: observed %s, accepted %s, last update %s", st.ObservedAt, st.Time, st.LastUpdate)
	}
	// The quotes a tier used were observed no later than its now + skew.
	if skew := f.s.Tiers[tier].Aggregation.MaxFutureSkew; st.ObservedAt.After(st.Time.Add(skew)) {
		return bad("observed %s after accepted %s + tier %q skew %s", st.ObservedAt, st.Time, st.Active, skew)
	}
	switch st.Status {
	case StatusEmpty:
		return bad("status empty with a price")
	case StatusLive:
		if tier != 0 {
			return bad("live on tier %q, not the primary", st.Active)
		}
	case StatusFallback:
		if tier == 0 {
			return bad("fallback on the primary tier")
		}
	}
	return nil
}

package breaker

import (
	"fmt"
	"sync"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// LevelSettings configures a LevelTrigger.
type LevelSettings struct {
	// Name identifies the trigger in events. Default "level".
	Name string
	// Direction: Above (default) trips on value ≥ Trip and resets on
	// value ≤ Reset; Below trips on value ≤ Trip and resets on value ≥ Reset.
	Direction Direction
	// Trip is the trip level. Required.
	Trip decimal.Decimal
	// Reset is the reset level. It must be strictly on the safe side of Trip
	// (below it for Above, above it for Below): the gap is the hysteresis
	// band in which the state never changes. Required.
	Reset decimal.Decimal
	// Consecutive is the number of consecutive breaching observations needed
	// to trip. Default (0) 1. A non-breaching observation restarts the count.
	Consecutive int
	// MinTripped is the minimum time the trigger stays tripped before it may
	// reset. Default 0. Negative is rejected.
	MinTripped time.Duration
}

func (s *LevelSettings) normalise() error {
	if s.Name == "" {
		s.Name = "level"
	}
	if s.Direction != Above && s.Direction != Below {
		return fmt.Errorf("%w: level: unknown direction %d", ErrInvalidSettings, s.Direction)
	}
	if err := num.Check(s.Trip); err != nil {
		return fmt.Errorf("%w: level: trip: %w", ErrInvalidSettings, err)
	}
	if err := num.Check(s.Reset); err != nil {
		return fmt.Errorf("%w: level: reset: %w", ErrInvalidSettings, err)
	}
	c := s.Reset.Cmp(s.Trip)
	if (s.Direction == Above && c >= 0) || (s.Direction == Below && c <= 0) {
		return fmt.Errorf("%w: level: reset %s on the wrong side of trip %s for direction %s",
			ErrInvalidSettings, s.Reset, s.Trip, s.Direction)
	}
	if s.Consecutive < 0 {
		return fmt.Errorf("%w: level: consecutive %d < 0", ErrInvalidSettings, s.Consecutive)
	}
	if s.Consecutive == 0 {
		s.Consecutive = 1
	}
	if s.MinTripped < 0 {
		return fmt.Errorf("%w: level: min tripped %s < 0", ErrInvalidSettings, s.MinTripped)
	}
	return nil
}

// LevelTrigger trips when a metric crosses a level and resets when it comes
// back past a separate reset level (hysteresis), optionally requiring N
// consecutive breaches and a minimum time tripped. It suits any metric: a
// price, a spread, oracle dispersion, an insurance-fund level, an error rate.
//
// A LevelTrigger is safe for concurrent use (one mutex). Observations must
// not go back in time.
type LevelTrigger struct {
	mu   sync.Mutex
	s    LevelSettings
	trip *cutoff
	rst  *cutoff
	st   levelState
}

type levelState struct {
	tripped bool
	since   time.Time // start of the tripped period
	count   int       // consecutive breaches
	last    time.Time // last observation
	seen    bool      // at least one observation
}

// NewLevel validates s and returns a LevelTrigger in the normal state.
func NewLevel(s LevelSettings) (*LevelTrigger, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	return &LevelTrigger{s: s, trip: newCutoff(s.Trip), rst: newCutoff(s.Reset)}, nil
}

// Name returns the trigger's name.
func (t *LevelTrigger) Name() string { return t.s.Name }

// Active reports whether the trigger is tripped.
func (t *LevelTrigger) Active() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.st.tripped
}

// Observe feeds one value observed at now and returns the signal. value must
// pass num.Check and now must not be before the previous observation;
// otherwise an error is returned and the state is unchanged.
//
// Above: a breach is value ≥ Trip; the trigger trips on the Consecutive-th
// breach in a row; once tripped it resets on the first value ≤ Reset at or
// after since+MinTripped. A value strictly between Reset and Trip never
// changes the tripped state. Below mirrors this.
func (t *LevelTrigger) Observe(now time.Time, value decimal.Decimal) (Result, error) {
	now = instant(now)
	if err := num.Check(value); err != nil {
		return Result{}, fmt.Errorf("%w: %s: value: %w", ErrInvalidInput, t.s.Name, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.st.seen && now.Before(t.st.last) {
		return Result{}, fmt.Errorf("%w: %s: %s < %s", ErrTimeWentBack, t.s.Name, now, t.st.last)
	}
	t.st.last, t.st.seen = now, true
	breach, back := t.sides(value)
	if !t.st.tripped {
		if !breach {
			t.st.count = 0
			return Result{Signal: Normal, Value: value}, nil
		}
		t.st.count++
		if t.st.count < t.s.Consecutive {
			return Result{Signal: Normal, Reason: ReasonPending, Value: value, Level: t.s.Trip, Count: t.st.count}, nil
		}
		t.st.tripped, t.st.since = true, now
		ev := Event{Time: now, Kind: EventTripped, Subject: t.s.Name, From: Normal.String(), To: Tripped.String(),
			Reason: fmt.Sprintf("value %s %s trip level %s (%d consecutive)", value, t.s.Direction, t.s.Trip, t.st.count)}
		return Result{Signal: Tripped, Changed: true, Reason: ReasonBreach, Value: value, Level: t.s.Trip, Count: t.st.count, Since: now,
			Events: []Event{ev}}, nil
	}
	if breach {
		t.st.count++
	} else {
		t.st.count = 0
	}
	if !back {
		return Result{Signal: Tripped, Reason: ReasonHolding, Value: value, Level: t.s.Reset, Count: t.st.count, Since: t.st.since}, nil
	}
	if now.Sub(t.st.since) < t.s.MinTripped {
		return Result{Signal: Tripped, Reason: ReasonMinTime, Value: value, Level: t.s.Reset, Since: t.st.since}, nil
	}
	t.st = levelState{last: now, seen: true}
	ev := Event{Time: now, Kind: EventReset, Subject: t.s.Name, From: Tripped.String(), To: Normal.String(),
		Reason: fmt.Sprintf("value %s back past reset level %s", value, t.s.Reset)}
	return Result{Signal: Reset, Changed: true, Reason: ReasonRecovered, Value: value, Level: t.s.Reset, Events: []Event{ev}}, nil
}

// sides reports whether value breaches the trip level and whether it is back
// past the reset level.
func (t *LevelTrigger) sides(value decimal.Decimal) (breach, back bool) {
	ct, cr := t.trip.cmp(value), t.rst.cmp(value)
	if t.s.Direction == Above {
		return ct >= 0, cr <= 0
	}
	return ct <= 0, cr >= 0
}

// LevelSnapshot is the serialisable state of a LevelTrigger.
type LevelSnapshot struct {
	Tripped bool      `json:"tripped"` // tripped state
	Since   time.Time `json:"since"`   // start of the tripped period
	Count   int       `json:"count"`   // consecutive breaches
	Last    time.Time `json:"last"`    // last observation
	Seen    bool      `json:"seen"`    // at least one observation
}

// Snapshot returns the trigger's state.
func (t *LevelTrigger) Snapshot() LevelSnapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	return LevelSnapshot{Tripped: t.st.tripped, Since: t.st.since.UTC(), Count: t.st.count, Last: t.st.last.UTC(), Seen: t.st.seen}
}

// RestoreLevel rebuilds a LevelTrigger from settings and a snapshot.
func RestoreLevel(s LevelSettings, snap LevelSnapshot) (*LevelTrigger, error) {
	t, err := NewLevel(s)
	if err != nil {
		return nil, err
	}
	if snap.Count < 0 {
		return nil, fmt.Errorf("%w: level: count %d < 0", ErrInvalidSnapshot, snap.Count)
	}
	if !snap.Tripped && (!snap.Since.IsZero() || snap.Count >= t.s.Consecutive) {
		return nil, fmt.Errorf("%w: level: not tripped but since/count set", ErrInvalidSnapshot)
	}
	if snap.Tripped && (!snap.Seen || snap.Since.After(snap.Last)) {
		return nil, fmt.Errorf("%w: level: tripped after its last observation", ErrInvalidSnapshot)
	}
	if !snap.Seen && (!snap.Last.IsZero() || snap.Count != 0) {
		return nil, fmt.Errorf("%w: level: observations recorded but none seen", ErrInvalidSnapshot)
	}
	t.st = levelState{tripped: snap.Tripped, since: instant(snap.Since), count: snap.Count, last: instant(snap.Last), seen: snap.Seen}
	return t, nil
}

// CheckInvariants verifies the trigger's internal consistency: a normal
// trigger has fewer consecutive breaches than needed and no tripped time; a
// tripped trigger tripped at or before its last observation.
func (t *LevelTrigger) CheckInvariants() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	st := t.st
	if !st.tripped && (st.count >= t.s.Consecutive || !st.since.IsZero()) {
		return fmt.Errorf("%w: %s: normal with count %d / since %s", ErrInvariant, t.s.Name, st.count, st.since)
	}
	if st.tripped && st.since.After(st.last) {
		return fmt.Errorf("%w: %s: tripped after last observation", ErrInvariant, t.s.Name)
	}
	return nil
}

package breaker

import (
	"fmt"
	"sync"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// ChangeSettings configures a ChangeTrigger.
type ChangeSettings struct {
	// Name identifies the trigger in events. Default "change".
	Name string
	// Direction: Below (a drop) trips when the value has fallen by
	// Threshold or more from the highest value in the window; Above (a rise,
	// the zero value) trips when it has risen by Threshold or more from the
	// lowest value in the window.
	Direction Direction
	// Threshold is the relative move that trips, e.g. 0.10 for 10%. Must be
	// > 0 (and < 1 for Below). Required.
	Threshold decimal.Decimal
	// Reset is the relative move at or under which a tripped trigger resets.
	// Must satisfy 0 ≤ Reset < Threshold. Default (zero) Threshold / 2
	// (rounded down to 18 places).
	Reset decimal.Decimal
	// Window is the rolling window, e.g. 5 minutes. Must be > 0. Required.
	Window time.Duration
	// MinTripped is the minimum time tripped before a reset. Default 0.
	MinTripped time.Duration
}

func (s *ChangeSettings) normalise() error {
	if s.Name == "" {
		s.Name = "change"
	}
	if s.Direction != Above && s.Direction != Below {
		return fmt.Errorf("%w: change: unknown direction %d", ErrInvalidSettings, s.Direction)
	}
	if err := num.CheckPositive(s.Threshold); err != nil {
		return fmt.Errorf("%w: change: threshold: %w", ErrInvalidSettings, err)
	}
	if s.Direction == Below && s.Threshold.Cmp(decimal.NewFromInt(1)) >= 0 {
		return fmt.Errorf("%w: change: a drop threshold %s ≥ 100%% can never trip", ErrInvalidSettings, s.Threshold)
	}
	if err := num.CheckNonNegative(s.Reset); err != nil {
		return fmt.Errorf("%w: change: reset: %w", ErrInvalidSettings, err)
	}
	if s.Reset.IsZero() {
		s.Reset = num.Div(s.Threshold, decimal.NewFromInt(2), 18, num.Floor)
	}
	if s.Reset.Cmp(s.Threshold) >= 0 {
		return fmt.Errorf("%w: change: reset %s not below threshold %s", ErrInvalidSettings, s.Reset, s.Threshold)
	}
	if s.Window <= 0 {
		return fmt.Errorf("%w: change: window %s ≤ 0", ErrInvalidSettings, s.Window)
	}
	if s.MinTripped < 0 {
		return fmt.Errorf("%w: change: min tripped %s < 0", ErrInvalidSettings, s.MinTripped)
	}
	return nil
}

// Point is one timed observation.
type Point struct {
	Time  time.Time       `json:"time"`  // when observed
	Value decimal.Decimal `json:"value"` // what was observed
}

// ChangeTrigger trips on a relative move over a rolling time window, e.g.
// "down 10% in 5 minutes". The reference is taken from the window: for a
// drop, the highest value observed in the last Window (including the current
// one); for a rise, the lowest. The move is therefore the largest move into
// the current value that happened within the window.
//
// Breach test, exact (no division): drop: ref − v ≥ Threshold × ref; rise:
// v − ref ≥ Threshold × ref. Reset when the move is ≤ Reset × ref and
// MinTripped has elapsed. Result.Value is the move as a fraction, truncated
// to 8 places (for display); Result.Level is the reference.
//
// Values must be positive. Safe for concurrent use (one mutex).
type ChangeTrigger struct {
	mu sync.Mutex
	s  ChangeSettings
	// win is a monotonic deque: times increasing, values strictly
	// decreasing (drop: front is the max) or increasing (rise: front is the min).
	win     []Point
	tripped bool
	since   time.Time
	last    time.Time
	seen    bool
}

// NewChange validates s and returns a ChangeTrigger in the normal state.
func NewChange(s ChangeSettings) (*ChangeTrigger, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	return &ChangeTrigger{s: s}, nil
}

// Name returns the trigger's name.
func (t *ChangeTrigger) Name() string { return t.s.Name }

// Active reports whether the trigger is tripped.
func (t *ChangeTrigger) Active() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.tripped
}

// dominated reports whether an older value a can never again be the
// reference once b arrived.
func (t *ChangeTrigger) dominated(a, b decimal.Decimal) bool {
	if t.s.Direction == Below {
		return a.Cmp(b) <= 0
	}
	return a.Cmp(b) >= 0
}

// Observe feeds one positive value observed at now. Errors (bad value, time
// going back) leave the state unchanged.
func (t *ChangeTrigger) Observe(now time.Time, value decimal.Decimal) (Result, error) {
	now = instant(now)
	if err := num.CheckPositive(value); err != nil {
		return Result{}, fmt.Errorf("%w: %s: value: %w", ErrInvalidInput, t.s.Name, err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.seen && now.Before(t.last) {
		return Result{}, fmt.Errorf("%w: %s: %s < %s", ErrTimeWentBack, t.s.Name, now, t.last)
	}
	t.last, t.seen = now, true
	for len(t.win) > 0 && t.dominated(t.win[len(t.win)-1].Value, value) {
		t.win = t.win[:len(t.win)-1]
	}
	t.win = append(t.win, Point{Time: now, Value: value})
	start := now.Add(-t.s.Window)
	drop := 0
	for drop < len(t.win)-1 && t.win[drop].Time.Before(start) {
		drop++
	}
	if drop > 0 {
		// Reslice, not copy: append reallocates once the capacity is used
		// up, moving only the live points, so an observation is O(1)
		// amortised however long the window (copying cost O(window) each).
		clear(t.win[:drop])
		t.win = t.win[drop:]
	}
	ref := t.win[0].Value
	move := value.Sub(ref)
	if t.s.Direction == Below {
		move = ref.Sub(value)
	}
	frac := num.Div(move, ref, 8, num.Trunc)
	breach := move.Cmp(t.s.Threshold.Mul(ref)) >= 0
	back := move.Cmp(t.s.Reset.Mul(ref)) <= 0
	r := Result{Value: frac, Level: ref}
	if !t.tripped {
		if !breach {
			return r, nil
		}
		t.tripped, t.since = true, now
		r.Events = []Event{{Time: now, Kind: EventTripped, Subject: t.s.Name, From: Normal.String(), To: Tripped.String(),
			Reason: fmt.Sprintf("moved %s (%s → %s) within %s, threshold %s", frac, ref, value, t.s.Window, t.s.Threshold)}}
		r.Signal, r.Changed, r.Reason, r.Since, r.Count = Tripped, true, ReasonBreach, now, 1
		return r, nil
	}
	r.Signal, r.Since = Tripped, t.since
	if !back {
		r.Reason = ReasonHolding
		return r, nil
	}
	if now.Sub(t.since) < t.s.MinTripped {
		r.Reason = ReasonMinTime
		return r, nil
	}
	t.tripped, t.since = false, time.Time{}
	r.Events = []Event{{Time: now, Kind: EventReset, Subject: t.s.Name, From: Tripped.String(), To: Normal.String(),
		Reason: fmt.Sprintf("move %s back within reset %s", frac, t.s.Reset)}}
	r.Signal, r.Changed, r.Reason, r.Since = Reset, true, ReasonRecovered, time.Time{}
	return r, nil
}

// ChangeSnapshot is the serialisable state of a ChangeTrigger. Window holds
// the candidate references (a monotonic deque), oldest first.
type ChangeSnapshot struct {
	Window  []Point   `json:"window"`  // candidate references, oldest first
	Tripped bool      `json:"tripped"` // tripped state
	Since   time.Time `json:"since"`   // start of the tripped period
	Last    time.Time `json:"last"`    // last observation
	Seen    bool      `json:"seen"`    // at least one observation
}

// Snapshot returns the trigger's state (a copy).
func (t *ChangeTrigger) Snapshot() ChangeSnapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	return ChangeSnapshot{Window: utcPoints(t.win), Tripped: t.tripped, Since: t.since.UTC(), Last: t.last.UTC(), Seen: t.seen}
}

// RestoreChange rebuilds a ChangeTrigger from settings and a snapshot,
// validating every point.
func RestoreChange(s ChangeSettings, snap ChangeSnapshot) (*ChangeTrigger, error) {
	t, err := NewChange(s)
	if err != nil {
		return nil, err
	}
	t.win = utcPoints(snap.Window)
	t.tripped, t.since, t.last, t.seen = snap.Tripped, instant(snap.Since), instant(snap.Last), snap.Seen
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	return t, nil
}

// CheckInvariants verifies the window is a valid monotonic deque within the
// window and the tripped state is consistent.
func (t *ChangeTrigger) CheckInvariants() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvariant, err)
	}
	return nil
}

func (t *ChangeTrigger) check() error {
	if !t.seen {
		if len(t.win) != 0 || t.tripped || !t.last.IsZero() {
			return fmt.Errorf("%s: state without observations", t.s.Name)
		}
		return nil
	}
	if len(t.win) == 0 {
		return fmt.Errorf("%s: empty window after observations", t.s.Name)
	}
	for i, p := range t.win {
		if err := num.CheckPositive(p.Value); err != nil {
			return fmt.Errorf("%s: window[%d]: %w", t.s.Name, i, err)
		}
		if p.Time.After(t.last) {
			return fmt.Errorf("%s: window[%d] after last observation", t.s.Name, i)
		}
		if i > 0 && (p.Time.Before(t.win[i-1].Time) || t.dominated(t.win[i-1].Value, p.Value)) {
			return fmt.Errorf("%s: window[%d] breaks the monotonic order", t.s.Name, i)
		}
	}
	if !t.win[len(t.win)-1].Time.Equal(t.last) {
		return fmt.Errorf("%s: newest window point is not the last observation", t.s.Name)
	}
	if t.tripped && t.since.After(t.last) {
		return fmt.Errorf("%s: tripped after last observation", t.s.Name)
	}
	if !t.tripped && !t.since.IsZero() {
		return fmt.Errorf("%s: normal with a tripped time", t.s.Name)
	}
	return nil
}

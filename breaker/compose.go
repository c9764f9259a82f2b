package breaker

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Condition is anything that is either active or not: a LevelTrigger, a
// ChangeTrigger, another Composite, or a host adapter.
type Condition interface {
	Name() string
	Active() bool
}

// Mode says how a Composite combines its members.
type Mode uint8

const (
	// AnyOf is active when at least one member is active.
	AnyOf Mode = iota
	// AllOf is active when every member is active.
	AllOf
)

// String returns "any-of" or "all-of".
func (m Mode) String() string {
	if m == AllOf {
		return "all-of"
	}
	return "any-of"
}

// Composite combines conditions with any-of or all-of. It has no metric of
// its own: observe the members, then Evaluate the composite at now to get
// its signal (tripped when the combination becomes active, reset when it
// stops being active). Safe for concurrent use; members are read through
// their own Active methods, never while the composite's lock is held.
type Composite struct {
	name    string
	mode    Mode
	members []Condition
	mu      sync.Mutex
	active  bool
	since   time.Time
	last    time.Time
}

// NewComposite returns a composite named name over members (at least one,
// none nil: a nil interface or a typed nil such as a (*LevelTrigger)(nil)
// is refused with ErrInvalidSettings).
func NewComposite(name string, mode Mode, members ...Condition) (*Composite, error) {
	if mode != AnyOf && mode != AllOf {
		return nil, fmt.Errorf("%w: composite: unknown mode %d", ErrInvalidSettings, mode)
	}
	if len(members) == 0 {
		return nil, fmt.Errorf("%w: composite: no members", ErrInvalidSettings)
	}
	for i, m := range members {
		if isNil(m) {
			return nil, fmt.Errorf("%w: composite: member %d is nil", ErrInvalidSettings, i)
		}
	}
	if name == "" {
		name = mode.String()
	}
	return &Composite{name: name, mode: mode, members: append([]Condition(nil), members...)}, nil
}

// Name returns the composite's name.
func (c *Composite) Name() string { return c.name }

// Active reports whether the composite was active at its last Evaluate.
func (c *Composite) Active() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.active
}

// Evaluate reads the members and returns the composite's signal at now.
// Result.Detail lists the active members in declaration order.
func (c *Composite) Evaluate(now time.Time) (Result, error) {
	now = instant(now)
	var names []string
	for _, m := range c.members {
		if m.Active() {
			names = append(names, m.Name())
		}
	}
	on := len(names) > 0
	if c.mode == AllOf {
		on = len(names) == len(c.members)
	}
	detail := fmt.Sprintf("%s %d/%d active [%s]", c.mode, len(names), len(c.members), strings.Join(names, ", "))
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.last.IsZero() && now.Before(c.last) {
		return Result{}, fmt.Errorf("%w: %s: %s < %s", ErrTimeWentBack, c.name, now, c.last)
	}
	c.last = now
	r := Result{Reason: ReasonComposite, Detail: detail}
	switch {
	case on && !c.active:
		c.active, c.since = true, now
		r.Events = []Event{{Time: now, Kind: EventTripped, Subject: c.name, From: Normal.String(), To: Tripped.String(), Reason: detail}}
		r.Signal, r.Changed, r.Since = Tripped, true, now
	case on:
		r.Signal, r.Since = Tripped, c.since
	case c.active:
		c.active, c.since = false, time.Time{}
		r.Events = []Event{{Time: now, Kind: EventReset, Subject: c.name, From: Tripped.String(), To: Normal.String(), Reason: detail}}
		r.Signal, r.Changed = Reset, true
	default:
		r.Signal = Normal
	}
	return r, nil
}

// CompositeSnapshot is the serialisable state of a Composite (members
// snapshot themselves).
type CompositeSnapshot struct {
	Active bool      `json:"active"` // active at the last Evaluate
	Since  time.Time `json:"since"`  // when it became active
	Last   time.Time `json:"last"`   // last Evaluate
}

// Snapshot returns the composite's own state.
func (c *Composite) Snapshot() CompositeSnapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CompositeSnapshot{Active: c.active, Since: c.since.UTC(), Last: c.last.UTC()}
}

// RestoreComposite rebuilds a Composite over (restored) members.
func RestoreComposite(name string, mode Mode, snap CompositeSnapshot, members ...Condition) (*Composite, error) {
	c, err := NewComposite(name, mode, members...)
	if err != nil {
		return nil, err
	}
	c.active, c.since, c.last = snap.Active, instant(snap.Since), instant(snap.Last)
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	return c, nil
}

// CheckInvariants verifies the composite's own state: active exactly when
// it has an activation time, and that time no later than the last Evaluate.
// (Members check their own invariants.)
func (c *Composite) CheckInvariants() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvariant, err)
	}
	return nil
}

func (c *Composite) check() error {
	if c.active == c.since.IsZero() || c.since.After(c.last) {
		return fmt.Errorf("composite %s: inconsistent active %v / since %s / last %s", c.name, c.active, c.since, c.last)
	}
	return nil
}

package breaker

import (
	"fmt"
	"slices"
	"time"
)

// Halt adds (or replaces) the manual halt cause on the market at now, with
// reason and actor recorded; until is its scheduled end (zero: until
// Clear). cause must be non-empty and must not be CauseLimitPause, which
// only the market's own limit timer may set (a manual "pause" of an Open
// market would be the illegal transition open → paused); until, when set,
// must be after now. The market stays halted until this and every other
// cause has cleared.
func (m *Market) Halt(cause, reason, actor string, until, now time.Time) error {
	if cause == "" {
		return fmt.Errorf("%w: market %s: empty halt cause", ErrInvalidInput, m.s.ID)
	}
	if cause == CauseLimitPause {
		return fmt.Errorf("%w: market %s: halt cause %q is reserved for the limit-state pause", ErrInvalidInput, m.s.ID, cause)
	}
	if !until.IsZero() && !until.After(now) {
		return fmt.Errorf("%w: market %s: halt until %s not after now %s", ErrInvalidInput, m.s.ID, until, now)
	}
	ext := m.poll(now, nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(now, ext); err != nil {
		return err
	}
	m.putOwn(Halt{Cause: cause, Reason: reason, Actor: actor, Since: now, Until: until}, now)
	m.derive(now)
	m.setDeadline()
	return nil
}

// Clear removes the market's own halt cause (a manual halt, or the
// luld-pause by operator override) at now. It returns ErrUnknownCause if the
// cause is not active (before or after the market is brought up to now, as
// Status(now) would: a scheduled cause that expired at now is reported as
// unknown, and the expiry itself is applied). Causes reported by
// HaltSources are cleared at their source.
func (m *Market) Clear(cause, actor string, now time.Time) error {
	ext := m.poll(now, nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen && now.Before(m.last) {
		return fmt.Errorf("%w: market %s: %s < %s", ErrTimeWentBack, m.s.ID, now, m.last)
	}
	i := slices.IndexFunc(m.own, func(h Halt) bool { return h.Cause == cause })
	if i < 0 {
		return fmt.Errorf("%w: market %s: %q", ErrUnknownCause, m.s.ID, cause)
	}
	if err := m.begin(now, ext); err != nil {
		return err
	}
	i = slices.IndexFunc(m.own, func(h Halt) bool { return h.Cause == cause })
	if i < 0 {
		return fmt.Errorf("%w: market %s: %q expired at %s", ErrUnknownCause, m.s.ID, cause, now)
	}
	m.own = slices.Delete(m.own, i, i+1)
	m.ev.add(Event{Time: now, Kind: EventHaltCleared, Source: m.s.ID, Reason: cause + ": cleared", Actor: actor})
	m.derive(now)
	m.setDeadline()
	return nil
}

// Status brings the market up to now (timers, sources) and returns what a
// check would report for the market as a whole: the state, band and, when
// halted, the cause and expected end. It does not record a price.
func (m *Market) Status(now time.Time) (Decision, error) {
	ext := m.poll(now, nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(now, ext); err != nil {
		return Decision{}, err
	}
	if m.state == Paused || m.state == Halted {
		return m.haltDecision(), nil
	}
	return Decision{Action: Allow, State: m.state, Band: m.band}, nil
}

// State returns the state as of the last call (it does not advance time;
// use Status for that).
func (m *Market) State() MarketState {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

// Band returns the current band (zero before the first reference).
func (m *Market) Band() Band {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.band
}

// Halts returns a copy of the active causes as of the last call: the
// market's own first, then those reported by sources, each sorted by cause.
func (m *Market) Halts() []Halt {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Halt, 0, len(m.own)+len(m.ext))
	return append(append(out, m.own...), m.ext...)
}

// DrainEvents returns and clears the events recorded since the last drain.
func (m *Market) DrainEvents() []Event {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ev.drain()
}

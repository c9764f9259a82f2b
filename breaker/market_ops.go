package breaker

import (
	"fmt"
	"slices"
	"time"
)

// Halt adds the manual halt cause on the market at now, with reason and
// actor recorded; until is its scheduled end (zero: until Clear). cause
// must be non-empty, must not be CauseLimitPause, which only the market's
// own limit timer may set (a manual "pause" of an Open market would be the
// illegal transition open → paused), and must not be active already: a
// second Halt of an active cause is refused with ErrInvalidInput and
// changes nothing, so the original reason, actor, start and end stay on
// record (Clear it first to replace it). until, when set, must be after
// now. The market stays halted until this and every other cause has
// cleared. Halt returns the events it caused.
func (m *Market) Halt(now time.Time, cause, reason, actor string, until time.Time) ([]Event, error) {
	now, until = instant(now), instant(until)
	if cause == "" {
		return nil, fmt.Errorf("%w: market %s: empty halt cause", ErrInvalidInput, m.s.ID)
	}
	if cause == CauseLimitPause {
		return nil, fmt.Errorf("%w: market %s: halt cause %q is reserved for the limit-state pause", ErrInvalidInput, m.s.ID, cause)
	}
	if !until.IsZero() && !until.After(now) {
		return nil, fmt.Errorf("%w: market %s: halt until %s not after now %s", ErrInvalidInput, m.s.ID, until, now)
	}
	ext := m.poll(now, nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen && now.Before(m.last) {
		return nil, fmt.Errorf("%w: market %s: %s < %s", ErrTimeWentBack, m.s.ID, now, m.last)
	}
	// Refuse before bringing the market up to now, so the refusal changes
	// nothing; a cause whose scheduled end is at or before now is expired,
	// not active.
	if i := m.ownIndex(cause); i >= 0 {
		if h := m.own[i]; h.Until.IsZero() || now.Before(h.Until) {
			return nil, fmt.Errorf("%w: market %s: halt cause %q already active since %s (by %q): clear it first",
				ErrInvalidInput, m.s.ID, cause, h.Since.UTC().Format(time.RFC3339Nano), h.Actor)
		}
	}
	if err := m.begin(now, ext); err != nil {
		return nil, err
	}
	m.putOwn(Halt{Cause: cause, Reason: reason, Actor: actor, Since: now, Until: until}, now)
	m.derive(now)
	m.setDeadline()
	return m.ev.take(), nil
}

// Clear removes the market's own halt cause (a manual halt, or the
// luld-pause by operator override) at now and returns the events it
// caused. It returns ErrUnknownCause, changing nothing, if the cause is not
// active at now (a scheduled cause whose end is at or before now has
// expired and is reported as unknown). Causes reported by HaltSources are
// cleared at their source.
func (m *Market) Clear(now time.Time, cause, actor string) ([]Event, error) {
	now = instant(now)
	ext := m.poll(now, nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen && now.Before(m.last) {
		return nil, fmt.Errorf("%w: market %s: %s < %s", ErrTimeWentBack, m.s.ID, now, m.last)
	}
	i := m.ownIndex(cause)
	if i < 0 {
		return nil, fmt.Errorf("%w: market %s: %q", ErrUnknownCause, m.s.ID, cause)
	}
	if h := m.own[i]; !h.Until.IsZero() && !now.Before(h.Until) {
		return nil, fmt.Errorf("%w: market %s: %q expired at %s", ErrUnknownCause, m.s.ID, cause, h.Until.UTC().Format(time.RFC3339Nano))
	}
	if err := m.begin(now, ext); err != nil {
		return nil, err
	}
	// begin may have replaced the luld-pause (never a manual cause), so look
	// the cause up again.
	if i = m.ownIndex(cause); i < 0 {
		return m.ev.take(), fmt.Errorf("%w: market %s: %q ended at %s", ErrUnknownCause, m.s.ID, cause, now.UTC().Format(time.RFC3339Nano))
	}
	m.own = slices.Delete(m.own, i, i+1)
	m.ev.add(Event{Time: now, Kind: EventHaltCleared, Subject: m.s.ID, Cause: cause, Reason: "cleared", Actor: actor})
	m.derive(now)
	m.setDeadline()
	return m.ev.take(), nil
}

// Status brings the market up to now (timers, sources) and returns what a
// check would report for the market as a whole: the state, band and, when
// halted, the cause and expected end. It does not record a price.
func (m *Market) Status(now time.Time) (Decision, error) {
	now = instant(now)
	ext := m.poll(now, nil)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.begin(now, ext); err != nil {
		return Decision{}, err
	}
	var d Decision
	if m.state == Paused || m.state == Halted {
		d = m.haltDecision()
	} else {
		d = Decision{Action: Allow, State: m.state, Band: m.band}
	}
	d.Events = m.ev.take()
	return d, nil
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

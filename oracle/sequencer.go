package oracle

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Sequencer is the L2 sequencer-uptime gate of Aave v3's
// PriceOracleSentinel (contracts/protocol/configuration/PriceOracleSentinel.sol,
// _isUpAndGracePeriodPassed: !isDown && block.timestamp − timestampGotUp >
// GRACE_PERIOD) over Chainlink's L2 sequencer uptime feed (answer 0: up,
// 1: down; startedAt: when the status last changed; "Make sure the grace
// period has passed after the sequencer is back up": timeSinceUp <=
// GRACE_PERIOD_TIME reverts GracePeriodNotOver). While the sequencer is
// down, and for GracePeriod after it comes back, prices from that L2 are
// not to be acted on: Aave refuses borrows and liquidations so users can
// repair positions first.
//
// The host feeds it the uptime feed's latest round (Observe) and asks
// Check(now) before acting on a price. It fails closed: before any round,
// on an answer other than 0, and until more than GracePeriod has passed
// since startedAt, Check refuses. Safe for concurrent use (one mutex, no
// callbacks).
type Sequencer struct {
	mu sync.Mutex
	s  SequencerSettings
	st SequencerSnapshot
}

// SequencerSettings configure a Sequencer.
type SequencerSettings struct {
	// Name is the Subject of its events (e.g. "arbitrum").
	Name string
	// GracePeriod after the sequencer comes back up, during which prices
	// are still refused. Required, > 0 (Chainlink's example uses 3600 s).
	GracePeriod time.Duration
}

// SequencerRound is the uptime feed's latestRoundData that matters: Answer
// (0 up, 1 down) and StartedAt, when the status last changed.
type SequencerRound struct {
	Answer    int64     `json:"answer"`
	StartedAt time.Time `json:"startedAt"`
}

// Sequencer states, the From/To of an EventSequencer.
const (
	SequencerUnknown = "unknown" // no round observed yet (refused)
	SequencerDown    = "down"    // answer 1 (refused: ErrSequencerDown)
	SequencerGrace   = "grace"   // up, within the grace period (refused: ErrGracePeriod)
	SequencerUp      = "up"      // up for more than the grace period (allowed)
)

// EventSequencer records a change of the sequencer gate's state (From, To).
const EventSequencer EventKind = "sequencer"

// SequencerSnapshot is a Sequencer's whole state.
type SequencerSnapshot struct {
	// HasRound is false until the first Observe.
	HasRound bool `json:"hasRound"`
	// Round is the last round observed.
	Round SequencerRound `json:"round"`
	// Time is the now of the last Observe or Check (UTC).
	Time time.Time `json:"time"`
	// State is the state at Time, as last reported.
	State string `json:"state"`
}

// NewSequencer validates s.
func NewSequencer(s SequencerSettings) (*Sequencer, error) {
	if s.GracePeriod <= 0 {
		return nil, fmt.Errorf("%w: sequencer GracePeriod must be > 0", ErrInvalidSettings)
	}
	return &Sequencer{s: s, st: SequencerSnapshot{State: SequencerUnknown}}, nil
}

// sequencerState is the gate's rule, Aave's comparison exactly: up only
// when the answer is 0 and now − startedAt > grace.
func sequencerState(now time.Time, grace time.Duration, r SequencerRound) string {
	switch {
	case r.Answer != 0:
		return SequencerDown
	case now.Sub(r.StartedAt) > grace:
		return SequencerUp
	}
	return SequencerGrace
}

func checkSequencerRound(now time.Time, r SequencerRound) error {
	if err := sequencerRoundProblem(now, r); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}

// sequencerRoundProblem is checkSequencerRound's test, with an error that
// carries no sentinel.
func sequencerRoundProblem(now time.Time, r SequencerRound) error {
	if r.Answer != 0 && r.Answer != 1 {
		return fmt.Errorf("sequencer answer %d (want 0 up or 1 down)", r.Answer)
	}
	if r.StartedAt.IsZero() || r.StartedAt.Unix() == 0 {
		// Chainlink's L2 sequencer docs: startedAt 0 is an invalid round.
		return errors.New("sequencer round with startedAt 0 (invalid round)")
	}
	if !writable(r.StartedAt) || r.StartedAt.After(now) {
		return errors.New("sequencer startedAt after now or outside years 1 to 9999")
	}
	return nil
}

// Observe records the uptime feed's latest round at now and returns the
// gate's state and the transition it caused (an EventSequencer), if any.
// A bad round (answer not 0 or 1, startedAt 0 or after now), a round that
// started before the one already seen, or a now before the last call is
// refused and changes nothing.
func (q *Sequencer) Observe(now time.Time, r SequencerRound) (string, []Event, error) {
	if err := checkNow(now); err != nil {
		return "", nil, err
	}
	if err := checkSequencerRound(now, r); err != nil {
		return "", nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if now.Before(q.st.Time) {
		return "", nil, fmt.Errorf("%w: sequencer observed at %s before %s", ErrOutOfOrder, now.UTC().Format(time.RFC3339Nano), q.st.Time.Format(time.RFC3339Nano))
	}
	if q.st.HasRound && r.StartedAt.Before(q.st.Round.StartedAt) {
		// A status older than the one already seen (a lagging RPC node):
		// acting on it could reopen a gate the newer round closed.
		return "", nil, fmt.Errorf("%w: sequencer round started %s, before the round already seen (%s)", ErrOutOfOrder,
			r.StartedAt.UTC().Format(time.RFC3339), q.st.Round.StartedAt.Format(time.RFC3339))
	}
	r.StartedAt = instant(r.StartedAt)
	q.st.HasRound, q.st.Round = true, r
	return q.move(now)
}

// move sets the state at now and returns its transition event.
func (q *Sequencer) move(now time.Time) (string, []Event, error) {
	to := sequencerState(now, q.s.GracePeriod, q.st.Round)
	from := q.st.State
	q.st.Time, q.st.State = instant(now), to
	if from == to {
		return to, nil, nil
	}
	return to, []Event{{Time: instant(now), Kind: EventSequencer, Subject: q.s.Name, From: from, To: to,
		Reason: "L2 sequencer uptime (Aave PriceOracleSentinel)"}}, nil
}

// Check returns nil when prices may be acted on at now: the last round
// says up and more than GracePeriod has passed since it came up.
// Otherwise ErrSequencerDown (down, or no round yet) or ErrGracePeriod.
// It also returns the transition that the passing of time caused (grace →
// up), so nothing is missed between rounds; a now before the last call is
// ErrOutOfOrder.
func (q *Sequencer) Check(now time.Time) ([]Event, error) {
	if err := checkNow(now); err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if now.Before(q.st.Time) {
		return nil, fmt.Errorf("%w: sequencer checked at %s before %s", ErrOutOfOrder, now.UTC().Format(time.RFC3339Nano), q.st.Time.Format(time.RFC3339Nano))
	}
	if !q.st.HasRound {
		return nil, fmt.Errorf("%w: %q: no uptime round observed yet", ErrSequencerDown, q.s.Name)
	}
	state, evs, _ := q.move(now)
	switch state {
	case SequencerDown:
		return evs, fmt.Errorf("%w: %q since %s", ErrSequencerDown, q.s.Name, q.st.Round.StartedAt.Format(time.RFC3339))
	case SequencerGrace:
		return evs, fmt.Errorf("%w: %q up since %s, grace %s", ErrGracePeriod, q.s.Name, q.st.Round.StartedAt.Format(time.RFC3339), q.s.GracePeriod)
	}
	return evs, nil
}

// Snapshot returns the gate's state.
func (q *Sequencer) Snapshot() SequencerSnapshot {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.st
}

// RestoreSequencer rebuilds a Sequencer from settings and a snapshot,
// validating every field.
func RestoreSequencer(s SequencerSettings, snap SequencerSnapshot) (*Sequencer, error) {
	q, err := NewSequencer(s)
	if err != nil {
		return nil, err
	}
	switch {
	case !snap.HasRound:
		if snap.Round != (SequencerRound{}) || snap.State != SequencerUnknown || (!snap.Time.IsZero() && !writable(snap.Time)) {
			return nil, fmt.Errorf("%w: sequencer without a round must be %q with no round", ErrInvalidSnapshot, SequencerUnknown)
		}
	default:
		if err := timeProblem(snap.Time); err != nil {
			return nil, fmt.Errorf("%w: sequencer time: %w", ErrInvalidSnapshot, err)
		}
		if err := sequencerRoundProblem(snap.Time, snap.Round); err != nil {
			return nil, fmt.Errorf("%w: sequencer round: %w", ErrInvalidSnapshot, err)
		}
		if want := sequencerState(snap.Time, s.GracePeriod, snap.Round); snap.State != want {
			return nil, fmt.Errorf("%w: sequencer state %q, the round says %q", ErrInvalidSnapshot, snap.State, want)
		}
	}
	snap.Time, snap.Round.StartedAt = instant(snap.Time), instant(snap.Round.StartedAt)
	q.st = snap
	return q, nil
}

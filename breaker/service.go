package breaker

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
)

// ServiceState is the state of a Service breaker.
type ServiceState uint8

const (
	// ServiceClosed: calls flow; failures are counted.
	ServiceClosed ServiceState = iota
	// ServiceHalfOpen: a limited number of probe calls are let through.
	ServiceHalfOpen
	// ServiceOpen: calls fail fast with ErrOpen until the open timeout.
	ServiceOpen
	// ServiceForcedOpen: an operator holds the breaker open; calls fail
	// with ErrForcedOpen.
	ServiceForcedOpen
	// ServiceForcedClosed: an operator holds the breaker closed; every call
	// goes through and outcomes are not counted.
	ServiceForcedClosed
)

// String names the state.
func (s ServiceState) String() string {
	switch s {
	case ServiceClosed:
		return "closed"
	case ServiceHalfOpen:
		return "half-open"
	case ServiceOpen:
		return "open"
	case ServiceForcedOpen:
		return "forced-open"
	case ServiceForcedClosed:
		return "forced-closed"
	}
	return fmt.Sprintf("service-state(%d)", uint8(s))
}

func fromGobreaker(s gobreaker.State) ServiceState {
	switch s {
	case gobreaker.StateHalfOpen:
		return ServiceHalfOpen
	case gobreaker.StateOpen:
		return ServiceOpen
	}
	return ServiceClosed
}

// ServiceCounts are the request counts of the current generation (reset on
// every state change and every Interval while closed).
type ServiceCounts struct {
	Requests             uint32 `json:"requests"`              // requests admitted
	Successes            uint32 `json:"successes"`             // successful outcomes
	Failures             uint32 `json:"failures"`              // failed outcomes
	ConsecutiveSuccesses uint32 `json:"consecutive_successes"` // successes since the last failure
	ConsecutiveFailures  uint32 `json:"consecutive_failures"`  // failures since the last success
}

func fromCounts(c gobreaker.Counts) ServiceCounts {
	return ServiceCounts{Requests: c.Requests, Successes: c.TotalSuccesses, Failures: c.TotalFailures,
		ConsecutiveSuccesses: c.ConsecutiveSuccesses, ConsecutiveFailures: c.ConsecutiveFailures}
}

// ServiceSettings configures a Service breaker.
type ServiceSettings struct {
	// Name identifies the breaker in events. Default "service".
	Name string
	// MaxHalfOpen is the number of probe calls let through while half-open;
	// that many consecutive successes close the breaker. Default 1.
	MaxHalfOpen uint32
	// Interval is the cyclic period after which closed-state counts are
	// cleared. Default 0: never.
	Interval time.Duration
	// OpenTimeout is how long the breaker stays open before going
	// half-open. Default 60 seconds.
	OpenTimeout time.Duration
	// TripAfter is the number of consecutive failures that trips a closed
	// breaker: it trips on the TripAfter-th failure in a row. Default 6,
	// gobreaker's own default (sony/gobreaker v2.0.0, gobreaker.go,
	// defaultReadyToTrip: counts.ConsecutiveFailures > 5). Ignored when
	// ReadyToTrip is set.
	TripAfter uint32
	// ReadyToTrip, if set, decides from the closed-state counts after each
	// failure whether to trip. It runs under gobreaker's lock: keep it pure.
	ReadyToTrip func(ServiceCounts) bool
	// IsSuccessful classifies a call's error. Default: err == nil.
	IsSuccessful func(error) bool
}

// Service is a circuit breaker for calls to an external dependency (a price
// source, settlement, custody), a typed wrapper over
// github.com/sony/gobreaker/v2 that speaks this package's words (states,
// counts, events) and adds the operator controls ForceOpen, ForceClosed
// and Release.
//
// This is the package's I/O edge: Service reads the wall clock (time.Now),
// because gobreaker does — its open timeout and count interval run on real
// time, and event times are wall-clock times. It is therefore not
// deterministic under replay, unlike the rest of the package.
//
// Replication. Only the operator's forced state (ServiceSnapshot: Forced,
// Reason, Actor) is replayable (TestReplayService). A consensus host (a
// blockchain, a Raft group) must not replicate anything else of a Service
// nor let it decide inside the replicated state machine: not gobreaker's
// closed/half-open/open state, not its counts, not Execute's ErrOpen or
// ErrTooManyRequests, not the events' Time. Run the Service at each node's
// I/O edge, outside consensus, and turn what it sees into replicated
// inputs stamped with the input's time: a failure rate or count observed
// by a LevelTrigger (or an AnomalyTrigger), a KillSwitch engaged and
// released by an operator input; those are deterministic and replayable.
//
// gobreaker calls its state-change callback while holding its mutex, inside
// Execute (or State); this wrapper records the change there and the call
// returns it: Execute, ForceOpen, ForceClosed and Release return every
// event recorded since the previous such call returned, including one that
// State detected (an open breaker whose timeout passed). Nothing is
// dropped: a change needs a call, and the next call returns it. With
// concurrent callers an event is returned by whichever call collects it
// first; each event carries its time. Safe for concurrent use.
type Service[T any] struct {
	s      ServiceSettings
	cb     atomic.Pointer[gobreaker.CircuitBreaker[T]]
	forced atomic.Uint32 // 0, or ServiceForcedOpen / ServiceForcedClosed
	npend  atomic.Int32  // len(pending), read without the lock on the hot path

	halfOpen atomic.Bool
	hoSucc   atomic.Uint32
	hoDone   atomic.Uint32

	qmu     sync.Mutex // guards pending and the forced reason; never held while calling out
	pending []Event
	fReason string
	fActor  string
}

// NewService validates s and returns a closed breaker.
func NewService[T any](s ServiceSettings) (*Service[T], error) {
	if s.Name == "" {
		s.Name = "service"
	}
	if s.Interval < 0 || s.OpenTimeout < 0 {
		return nil, fmt.Errorf("%w: service %s: negative interval or timeout", ErrInvalidSettings, s.Name)
	}
	if s.MaxHalfOpen == 0 {
		s.MaxHalfOpen = 1
	}
	if s.OpenTimeout == 0 {
		s.OpenTimeout = 60 * time.Second
	}
	if s.TripAfter == 0 {
		s.TripAfter = 6
	}
	svc := &Service[T]{s: s}
	svc.cb.Store(svc.newCB())
	return svc, nil
}

func (svc *Service[T]) newCB() *gobreaker.CircuitBreaker[T] {
	s := svc.s
	// trip is written and read only inside gobreaker's callbacks, under the
	// mutex of this one gobreaker instance.
	var trip gobreaker.Counts
	return gobreaker.NewCircuitBreaker[T](gobreaker.Settings{
		Name:        s.Name,
		MaxRequests: s.MaxHalfOpen,
		Interval:    s.Interval,
		Timeout:     s.OpenTimeout,
		ReadyToTrip: func(c gobreaker.Counts) bool {
			ready := c.ConsecutiveFailures >= s.TripAfter
			if s.ReadyToTrip != nil {
				ready = s.ReadyToTrip(fromCounts(c))
			}
			if ready {
				trip = c
			}
			return ready
		},
		IsSuccessful: func(err error) bool {
			ok := err == nil
			if s.IsSuccessful != nil {
				ok = s.IsSuccessful(err)
			}
			if svc.halfOpen.Load() {
				svc.hoDone.Add(1)
				if ok {
					svc.hoSucc.Add(1)
				}
			}
			return ok
		},
		OnStateChange: func(name string, from, to gobreaker.State) {
			svc.onStateChange(name, from, to, trip)
		},
	})
}

// onStateChange runs under gobreaker's mutex: it only queues.
func (svc *Service[T]) onStateChange(name string, from, to gobreaker.State, trip gobreaker.Counts) {
	var c ServiceCounts
	switch {
	case from == gobreaker.StateClosed && to == gobreaker.StateOpen:
		c = fromCounts(trip)
	case from == gobreaker.StateHalfOpen && to == gobreaker.StateClosed:
		m := svc.s.MaxHalfOpen
		c = ServiceCounts{Requests: m, Successes: m, ConsecutiveSuccesses: m}
	case from == gobreaker.StateHalfOpen && to == gobreaker.StateOpen:
		succ := svc.hoSucc.Load()
		done := max(svc.hoDone.Load(), succ+1)
		c = ServiceCounts{Requests: done, Successes: succ, Failures: done - succ, ConsecutiveFailures: 1}
	}
	svc.halfOpen.Store(to == gobreaker.StateHalfOpen)
	svc.hoSucc.Store(0)
	svc.hoDone.Store(0)
	svc.record(Event{Time: time.Now(), Kind: EventServiceState, Subject: name,
		From: fromGobreaker(from).String(), To: fromGobreaker(to).String(), Counts: &c})
}

// record keeps e until a call returns it (take).
func (svc *Service[T]) record(e Event) {
	svc.qmu.Lock()
	svc.pending = append(svc.pending, e)
	svc.npend.Store(int32(len(svc.pending)))
	svc.qmu.Unlock()
}

// take returns the recorded events and forgets them.
func (svc *Service[T]) take() []Event {
	if svc.npend.Load() == 0 {
		return nil
	}
	svc.qmu.Lock()
	out := svc.pending
	svc.pending = nil
	svc.npend.Store(0)
	svc.qmu.Unlock()
	return out
}

// Execute runs req through the breaker. While open it returns ErrOpen
// (wrapping gobreaker.ErrOpenState) without calling req; while half-open
// beyond MaxHalfOpen probes, ErrTooManyRequests; while forced open,
// ErrForcedOpen; while forced closed, req runs unconditionally and is not
// counted. A panic in req is counted as a failure and re-panics. A nil req
// is refused with ErrInvalidInput, uncounted (gobreaker would call it and
// panic). Execute returns the state changes the call caused, and any
// recorded since the previous call returned its events (see Service).
// req's own error is returned as it is, unwrapped.
func (svc *Service[T]) Execute(req func() (T, error)) (T, []Event, error) {
	var zero T
	if req == nil {
		return zero, svc.take(), fmt.Errorf("%w: service %s: nil request function", ErrInvalidInput, svc.s.Name)
	}
	switch ServiceState(svc.forced.Load()) {
	case ServiceForcedOpen:
		return zero, svc.take(), fmt.Errorf("%w: %s", ErrForcedOpen, svc.s.Name)
	case ServiceForcedClosed:
		v, err := req()
		return v, svc.take(), err
	}
	v, err := svc.cb.Load().Execute(req)
	ev := svc.take()
	switch err {
	case gobreaker.ErrOpenState:
		return v, ev, fmt.Errorf("%w: %s: %w", ErrOpen, svc.s.Name, err)
	case gobreaker.ErrTooManyRequests:
		return v, ev, fmt.Errorf("%w: %s: %w", ErrTooManyRequests, svc.s.Name, err)
	}
	return v, ev, err
}

// State returns the breaker's state (reading the wall clock: an open
// breaker whose timeout passed reports half-open; that change is recorded
// and returned by the next Execute, ForceOpen, ForceClosed or Release).
func (svc *Service[T]) State() ServiceState {
	if f := ServiceState(svc.forced.Load()); f != 0 {
		return f
	}
	return fromGobreaker(svc.cb.Load().State())
}

// Counts returns the current generation's counts.
func (svc *Service[T]) Counts() ServiceCounts {
	return fromCounts(svc.cb.Load().Counts())
}

// ForceOpen holds the breaker open: every call fails with ErrForcedOpen
// until Release. reason and actor are recorded; the returned events end
// with the EventServiceForced. Forcing open a breaker already forced open
// is refused with ErrInvalidInput and keeps the original reason and actor.
func (svc *Service[T]) ForceOpen(reason, actor string) ([]Event, error) {
	return svc.force(ServiceForcedOpen, reason, actor)
}

// ForceClosed holds the breaker closed: every call goes through, uncounted,
// until Release. reason and actor are recorded; the returned events end
// with the EventServiceForced. Forcing closed a breaker already forced
// closed is refused with ErrInvalidInput and keeps the original reason and
// actor.
func (svc *Service[T]) ForceClosed(reason, actor string) ([]Event, error) {
	return svc.force(ServiceForcedClosed, reason, actor)
}

// Release ends a forced state; the breaker resumes closed with fresh
// counts (the stale pre-force state is discarded). It returns
// ErrInvalidInput if the breaker is not forced. The returned events end
// with the EventServiceForced.
func (svc *Service[T]) Release(reason, actor string) ([]Event, error) {
	if reason == "" || actor == "" {
		return nil, fmt.Errorf("%w: service %s: reason and actor are required", ErrInvalidInput, svc.s.Name)
	}
	svc.qmu.Lock()
	from := ServiceState(svc.forced.Load())
	if from == 0 {
		svc.qmu.Unlock()
		return nil, fmt.Errorf("%w: service %s: not forced", ErrInvalidInput, svc.s.Name)
	}
	svc.cb.Store(svc.newCB())
	svc.halfOpen.Store(false)
	svc.forced.Store(0)
	svc.fReason, svc.fActor = "", ""
	svc.qmu.Unlock()
	svc.record(Event{Time: time.Now(), Kind: EventServiceForced, Subject: svc.s.Name,
		From: from.String(), To: ServiceClosed.String(), Reason: reason, Actor: actor})
	return svc.take(), nil
}

func (svc *Service[T]) force(to ServiceState, reason, actor string) ([]Event, error) {
	if reason == "" || actor == "" {
		return nil, fmt.Errorf("%w: service %s: reason and actor are required", ErrInvalidInput, svc.s.Name)
	}
	from := svc.State()
	svc.qmu.Lock()
	if ServiceState(svc.forced.Load()) == to {
		r, a := svc.fReason, svc.fActor
		svc.qmu.Unlock()
		return nil, fmt.Errorf("%w: service %s: already %s (%q by %q): Release first", ErrInvalidInput, svc.s.Name, to, r, a)
	}
	svc.forced.Store(uint32(to))
	svc.fReason, svc.fActor = reason, actor
	svc.qmu.Unlock()
	c := svc.Counts()
	svc.record(Event{Time: time.Now(), Kind: EventServiceForced, Subject: svc.s.Name,
		From: from.String(), To: to.String(), Reason: reason, Actor: actor, Counts: &c})
	return svc.take(), nil
}

// ServiceSnapshot is the restorable part of a Service: the operator's
// forced state. gobreaker's own closed/half-open/open state runs on the
// wall clock and is not restorable; a restored breaker starts closed.
type ServiceSnapshot struct {
	Forced ServiceState `json:"forced"`           // ServiceClosed (0) when not forced
	Reason string       `json:"reason,omitempty"` // why it was forced
	Actor  string       `json:"actor,omitempty"`  // who forced it
}

// Snapshot returns the forced state.
func (svc *Service[T]) Snapshot() ServiceSnapshot {
	svc.qmu.Lock()
	defer svc.qmu.Unlock()
	return ServiceSnapshot{Forced: ServiceState(svc.forced.Load()), Reason: svc.fReason, Actor: svc.fActor}
}

// RestoreService builds a Service with the snapshot's forced state.
func RestoreService[T any](s ServiceSettings, snap ServiceSnapshot) (*Service[T], error) {
	svc, err := NewService[T](s)
	if err != nil {
		return nil, err
	}
	switch snap.Forced {
	case ServiceClosed:
		if snap.Reason != "" || snap.Actor != "" {
			return nil, fmt.Errorf("%w: service %s: reason without a forced state", ErrInvalidSnapshot, svc.s.Name)
		}
	case ServiceForcedOpen, ServiceForcedClosed:
		if snap.Reason == "" || snap.Actor == "" {
			return nil, fmt.Errorf("%w: service %s: forced without reason and actor", ErrInvalidSnapshot, svc.s.Name)
		}
		svc.forced.Store(uint32(snap.Forced))
		svc.fReason, svc.fActor = snap.Reason, snap.Actor
	default:
		return nil, fmt.Errorf("%w: service %s: forced state %s", ErrInvalidSnapshot, svc.s.Name, snap.Forced)
	}
	return svc, nil
}

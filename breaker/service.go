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

// ServiceEvent is a state change of a Service breaker, delivered to
// ServiceSettings.OnEvent after the call that caused it returned, outside
// every lock.
type ServiceEvent struct {
	Event
	// Counts at the moment of the change (before gobreaker cleared them):
	// exactly the counts that tripped the breaker for closed → open; for
	// half-open transitions, the probe outcomes this wrapper observed.
	Counts ServiceCounts
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
	// breaker. Default 5. Ignored when ReadyToTrip is set.
	TripAfter uint32
	// ReadyToTrip, if set, decides from the closed-state counts after each
	// failure whether to trip. It runs under gobreaker's lock: keep it pure.
	ReadyToTrip func(ServiceCounts) bool
	// IsSuccessful classifies a call's error. Default: err == nil.
	IsSuccessful func(error) bool
	// OnEvent, if set, receives every state change after the call that
	// caused it returned, outside any lock. Events are also queued for
	// DrainEvents.
	OnEvent func(ServiceEvent)
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
// gobreaker calls its state-change callback while holding its mutex; this
// wrapper only queues the change there and delivers it to OnEvent after the
// call returns, outside every lock. With concurrent callers, deliveries
// from different goroutines may interleave; each event carries its time.
// Safe for concurrent use.
type Service[T any] struct {
	s       ServiceSettings
	cb      atomic.Pointer[gobreaker.CircuitBreaker[T]]
	forced  atomic.Uint32 // 0, or ServiceForcedOpen / ServiceForcedClosed
	pending atomic.Int32  // queued, undelivered events

	halfOpen atomic.Bool
	hoSucc   atomic.Uint32
	hoDone   atomic.Uint32

	qmu     sync.Mutex // guards queue, ev and the forced reason; never held while calling out
	queue   []ServiceEvent
	ev      eventQueue
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
		s.TripAfter = 5
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
	svc.enqueue(ServiceEvent{Event: Event{Time: time.Now(), Kind: EventServiceState, Source: name,
		From: fromGobreaker(from).String(), To: fromGobreaker(to).String()}, Counts: c})
}

func (svc *Service[T]) enqueue(e ServiceEvent) {
	svc.qmu.Lock()
	svc.queue = append(svc.queue, e)
	svc.ev.add(e.Event)
	svc.qmu.Unlock()
	svc.pending.Add(1)
}

// deliver hands queued events to OnEvent outside every lock.
func (svc *Service[T]) deliver() {
	if svc.pending.Load() == 0 {
		return
	}
	svc.qmu.Lock()
	q := svc.queue
	svc.queue = nil
	svc.pending.Store(0)
	svc.qmu.Unlock()
	if svc.s.OnEvent == nil {
		return
	}
	for _, e := range q {
		svc.s.OnEvent(e)
	}
}

// Execute runs req through the breaker. While open it returns ErrOpen
// (wrapping gobreaker.ErrOpenState) without calling req; while half-open
// beyond MaxHalfOpen probes, ErrTooManyRequests; while forced open,
// ErrForcedOpen; while forced closed, req runs unconditionally and is not
// counted. A panic in req is counted as a failure and re-panics. State
// changes caused by the call are delivered to OnEvent before Execute
// returns.
func (svc *Service[T]) Execute(req func() (T, error)) (T, error) {
	switch ServiceState(svc.forced.Load()) {
	case ServiceForcedOpen:
		var zero T
		return zero, fmt.Errorf("%w: %s", ErrForcedOpen, svc.s.Name)
	case ServiceForcedClosed:
		return req()
	}
	v, err := svc.cb.Load().Execute(req)
	if svc.pending.Load() != 0 {
		svc.deliver()
	}
	switch err {
	case gobreaker.ErrOpenState:
		return v, fmt.Errorf("%w: %s: %w", ErrOpen, svc.s.Name, err)
	case gobreaker.ErrTooManyRequests:
		return v, fmt.Errorf("%w: %s: %w", ErrTooManyRequests, svc.s.Name, err)
	}
	return v, err
}

// State returns the breaker's state (reading the wall clock: an open
// breaker whose timeout passed reports half-open, and that change is
// delivered as an event).
func (svc *Service[T]) State() ServiceState {
	if f := ServiceState(svc.forced.Load()); f != 0 {
		return f
	}
	st := fromGobreaker(svc.cb.Load().State())
	svc.deliver()
	return st
}

// Counts returns the current generation's counts.
func (svc *Service[T]) Counts() ServiceCounts {
	return fromCounts(svc.cb.Load().Counts())
}

// ForceOpen holds the breaker open: every call fails with ErrForcedOpen
// until Release. reason and actor are recorded.
func (svc *Service[T]) ForceOpen(reason, actor string) error {
	return svc.force(ServiceForcedOpen, reason, actor)
}

// ForceClosed holds the breaker closed: every call goes through, uncounted,
// until Release. reason and actor are recorded.
func (svc *Service[T]) ForceClosed(reason, actor string) error {
	return svc.force(ServiceForcedClosed, reason, actor)
}

// Release ends a forced state; the breaker resumes closed with fresh
// counts (the stale pre-force state is discarded). It returns
// ErrInvalidInput if the breaker is not forced.
func (svc *Service[T]) Release(reason, actor string) error {
	if reason == "" || actor == "" {
		return fmt.Errorf("%w: service %s: reason and actor are required", ErrInvalidInput, svc.s.Name)
	}
	svc.qmu.Lock()
	from := ServiceState(svc.forced.Load())
	if from == 0 {
		svc.qmu.Unlock()
		return fmt.Errorf("%w: service %s: not forced", ErrInvalidInput, svc.s.Name)
	}
	svc.cb.Store(svc.newCB())
	svc.halfOpen.Store(false)
	svc.forced.Store(0)
	svc.fReason, svc.fActor = "", ""
	svc.qmu.Unlock()
	svc.enqueue(ServiceEvent{Event: Event{Time: time.Now(), Kind: EventServiceForced, Source: svc.s.Name,
		From: from.String(), To: ServiceClosed.String(), Reason: reason, Actor: actor}})
	svc.deliver()
	return nil
}

func (svc *Service[T]) force(to ServiceState, reason, actor string) error {
	if reason == "" || actor == "" {
		return fmt.Errorf("%w: service %s: reason and actor are required", ErrInvalidInput, svc.s.Name)
	}
	from := svc.State()
	svc.qmu.Lock()
	svc.forced.Store(uint32(to))
	svc.fReason, svc.fActor = reason, actor
	svc.qmu.Unlock()
	svc.enqueue(ServiceEvent{Event: Event{Time: time.Now(), Kind: EventServiceForced, Source: svc.s.Name,
		From: from.String(), To: to.String(), Reason: reason, Actor: actor}, Counts: svc.Counts()})
	svc.deliver()
	return nil
}

// DrainEvents returns and clears the queued state-change events (the same
// events OnEvent receives).
func (svc *Service[T]) DrainEvents() []Event {
	svc.qmu.Lock()
	defer svc.qmu.Unlock()
	return svc.ev.drain()
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

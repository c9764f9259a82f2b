package breaker

import (
	"fmt"
	"time"
)

// EventKind names a state change recorded as an Event.
type EventKind string

// Event kinds recorded by the stateful types of this package.
const (
	EventTripped       EventKind = "tripped"        // a trigger tripped
	EventReset         EventKind = "reset"          // a trigger reset
	EventReference     EventKind = "reference"      // a price band re-referenced
	EventState         EventKind = "state"          // a market changed state (From → To)
	EventHaltStarted   EventKind = "halt-started"   // a halt cause became active
	EventHaltCleared   EventKind = "halt-cleared"   // a halt cause cleared
	EventLevel         EventKind = "mwcb-level"     // a market-wide level was reached
	EventSession       EventKind = "session"        // a market-wide session started
	EventKill          EventKind = "kill"           // a kill switch engaged
	EventResume        EventKind = "resume"         // a kill switch released
	EventServiceState  EventKind = "service-state"  // a service breaker changed state
	EventServiceForced EventKind = "service-forced" // an operator forced a service breaker
)

// Event records one state change. Every stateful type of this package
// appends events to an internal queue that the host collects with
// DrainEvents (the one event mechanism of the package). Events are plain
// values and JSON-serialisable.
type Event struct {
	Time   time.Time `json:"time"`             // when it happened
	Kind   EventKind `json:"kind"`             // what happened
	Source string    `json:"source,omitempty"` // trigger name, market ID, target...
	From   string    `json:"from,omitempty"`   // previous state, when a state changed
	To     string    `json:"to,omitempty"`     // new state, when a state changed
	Reason string    `json:"reason,omitempty"` // why, in words
	Actor  string    `json:"actor,omitempty"`  // who, for manual actions
}

// String renders the event on one line.
func (e Event) String() string {
	s := fmt.Sprintf("%s %s %s", e.Time.UTC().Format(time.RFC3339Nano), e.Kind, e.Source)
	if e.From != "" || e.To != "" {
		s += fmt.Sprintf(" %s→%s", e.From, e.To)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Actor != "" {
		s += " (by " + e.Actor + ")"
	}
	return s
}

// maxQueuedEvents bounds an undrained event queue: when it is full the
// older half is dropped (amortised O(1) per event, instead of shifting 4,096
// events on every state change of a host that never drains), so memory
// stays bounded. Dropped events are counted in the next drained batch's
// first event reason.
const maxQueuedEvents = 4096

type eventQueue struct {
	q       []Event
	dropped int
}

func (q *eventQueue) add(e Event) {
	if len(q.q) >= maxQueuedEvents {
		half := len(q.q) / 2
		n := copy(q.q, q.q[half:])
		clear(q.q[n:])
		q.q = q.q[:n]
		q.dropped += half
	}
	q.q = append(q.q, e)
}

func (q *eventQueue) drain() []Event {
	if len(q.q) == 0 {
		return nil
	}
	out := q.q
	if q.dropped > 0 {
		out[0].Reason = fmt.Sprintf("%s [%d older events dropped]", out[0].Reason, q.dropped)
	}
	q.q = nil
	q.dropped = 0
	return out
}

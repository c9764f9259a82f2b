package oracle

import "time"

// EventKind names a state change.
type EventKind string

// Event kinds recorded by the stateful types.
const (
	EventAccepted EventKind = "accepted" // Feed: a new last good price
	EventRejected EventKind = "rejected" // Feed: no tier produced an acceptable price
	EventStatus   EventKind = "status"   // Feed: status changed
	EventActive   EventKind = "active"   // Feed: the active tier changed (fallback or recovery)
	EventReanchor EventKind = "reanchor" // Feed: the primary tier re-anchored a stale feed (no jump check)
	EventHalt     EventKind = "halt"     // Feed: halted by the host
	EventResume   EventKind = "resume"   // Feed: resumed by the host
	EventPoke     EventKind = "poke"     // Delayed: next moved to current
	EventStop     EventKind = "stop"     // Delayed: stopped
	EventStart    EventKind = "start"    // Delayed: started
	EventVoid     EventKind = "void"     // Delayed: values cleared and stopped
)

// Event records one state change. Every mutating call returns the events it
// caused (the package's one convention): the host logs or forwards them.
type Event struct {
	Time   time.Time `json:"time"`   // the now of the call that caused it
	Kind   EventKind `json:"kind"`   // what changed
	Detail string    `json:"detail"` // human-readable: from -> to, and why
}

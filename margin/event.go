package margin

import (
	"log/slog"
	"time"

	"github.com/shopspring/decimal"
)

// EventKind names a state change recorded as an Event.
type EventKind string

// Event kinds of this package's one stateful type, Calls.
const (
	// EventCallState: an account's margin-call state moved one step
	// (From → To; Reason says why: a ratio level, a deadline, a cure).
	EventCallState EventKind = "call-state"
)

// Event records one state change. Events are returned by the call that
// caused them (Calls.Update returns them): there is no queue, and none
// is ever dropped. Events are plain, JSON-serialisable values.
type Event struct {
	Time    time.Time `json:"time"`              // the now of the call that caused it
	Kind    EventKind `json:"kind"`              // what happened
	Subject string    `json:"subject,omitempty"` // the account ID
	From    string    `json:"from,omitempty"`    // previous state (CallState.String)
	To      string    `json:"to,omitempty"`      // new state
	Reason  string    `json:"reason,omitempty"`  // words for people; never needed to parse
	// Equity is the equity the transition was decided on.
	Equity decimal.Decimal `json:"equity"`
	// Maintenance is the maintenance requirement it was decided on.
	Maintenance decimal.Decimal `json:"maintenance"`
	// Deadline is set on a move up into a state with a deadline
	// (margin-call with Grace, reduce-only with ReduceOnlyGrace): when the
	// account moves on if unmet and the prices stay fresh until then
	// (stale time, up to CallSettings.MaxStale of a stale run, extends
	// it). Nil otherwise.
	Deadline *time.Time `json:"deadline,omitempty"`
}

// String renders the event on one line.
func (e Event) String() string {
	s := e.Time.UTC().Format(time.RFC3339Nano) + " " + string(e.Kind)
	if e.Subject != "" {
		s += " " + e.Subject
	}
	if e.From != "" || e.To != "" {
		s += " " + e.From + "→" + e.To
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Deadline != nil {
		s += " (deadline " + e.Deadline.UTC().Format(time.RFC3339) + ")"
	}
	return s
}

// LogValue implements slog.LogValuer: one group with every non-zero
// field, decimals as strings.
func (e Event) LogValue() slog.Value {
	as := make([]slog.Attr, 0, 9)
	as = append(as, slog.Time("time", e.Time), slog.String("kind", string(e.Kind)))
	for _, f := range [...]struct{ k, v string }{{"subject", e.Subject}, {"from", e.From}, {"to", e.To}, {"reason", e.Reason}} {
		if f.v != "" {
			as = append(as, slog.String(f.k, f.v))
		}
	}
	as = append(as, slog.String("equity", e.Equity.String()), slog.String("maintenance", e.Maintenance.String()))
	if e.Deadline != nil {
		as = append(as, slog.Time("deadline", *e.Deadline))
	}
	return slog.GroupValue(as...)
}

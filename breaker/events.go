package breaker

import (
	"log/slog"
	"time"
)

// EventKind names a state change recorded as an Event.
type EventKind string

// Event kinds recorded by the stateful types of this package.
const (
	EventTripped       EventKind = "tripped"        // a trigger tripped
	EventReset         EventKind = "reset"          // a trigger reset
	EventReference     EventKind = "reference"      // a price band re-referenced (Band holds the new band)
	EventState         EventKind = "state"          // a market changed state (From → To)
	EventHaltStarted   EventKind = "halt-started"   // a halt cause became active (Cause)
	EventHaltCleared   EventKind = "halt-cleared"   // a halt cause cleared (Cause)
	EventLevel         EventKind = "mwcb-level"     // a market-wide level was reached (Level)
	EventSession       EventKind = "session"        // a market-wide session started
	EventKill          EventKind = "kill"           // a kill switch engaged
	EventResume        EventKind = "resume"         // a kill switch released
	EventServiceState  EventKind = "service-state"  // a service breaker changed state (From → To, Counts)
	EventServiceForced EventKind = "service-forced" // an operator forced or released a service breaker
)

// Event records one state change. Events are returned by the call that
// caused them (a field of its result, or a []Event return value): there is
// no queue, and none is ever dropped. Events are plain values and
// JSON-serialisable.
type Event struct {
	Time    time.Time `json:"time"`              // the now of the call that caused it, in UTC (Service: wall clock)
	Kind    EventKind `json:"kind"`              // what happened
	Subject string    `json:"subject,omitempty"` // trigger name, market ID, kill-switch target, breaker name
	From    string    `json:"from,omitempty"`    // previous state, set only on a transition
	To      string    `json:"to,omitempty"`      // new state, set only on a transition
	Reason  string    `json:"reason,omitempty"`  // words for people; never needed to parse
	// Actor is who acted, for manual actions.
	Actor string `json:"actor,omitempty"`
	// Cause is the halt cause, for EventHaltStarted and EventHaltCleared.
	Cause string `json:"cause,omitempty"`
	// Level is the market-wide level, for EventLevel and a market-wide
	// EventHaltStarted / EventHaltCleared.
	Level int `json:"level,omitempty"`
	// Band is the new band, for EventReference.
	Band *Band `json:"band,omitempty"`
	// Counts are a service breaker's counts at the moment of the change,
	// for EventServiceState and EventServiceForced: exactly the counts that
	// tripped the breaker for closed → open; for half-open transitions, the
	// probe outcomes this wrapper observed.
	Counts *ServiceCounts `json:"counts,omitempty"`
	// Liquidity is an OutflowLimiter's baseline and net change in the
	// withdrawal period, for its rate-limit events.
	Liquidity *Liquidity `json:"liquidity,omitempty"`
	// Anomaly is an AnomalyTrigger's baseline and thresholds, for its trip
	// and reset events.
	Anomaly *AnomalyLevels `json:"anomaly,omitempty"`
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
	if e.Cause != "" {
		s += " [" + e.Cause + "]"
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Actor != "" {
		s += " (by " + e.Actor + ")"
	}
	return s
}

// LogValue implements slog.LogValuer: one group with every non-zero field,
// decimals as strings.
func (e Event) LogValue() slog.Value {
	as := make([]slog.Attr, 0, 10)
	as = append(as, slog.Time("time", e.Time), slog.String("kind", string(e.Kind)))
	for _, f := range [...]struct{ k, v string }{{"subject", e.Subject}, {"from", e.From}, {"to", e.To},
		{"reason", e.Reason}, {"actor", e.Actor}, {"cause", e.Cause}} {
		if f.v != "" {
			as = append(as, slog.String(f.k, f.v))
		}
	}
	if e.Level != 0 {
		as = append(as, slog.Int("level", e.Level))
	}
	if e.Band != nil {
		as = append(as, slog.Group("band", slog.String("reference", e.Band.Reference.String()),
			slog.String("lower", e.Band.Lower.String()), slog.String("upper", e.Band.Upper.String()),
			slog.Bool("widened", e.Band.Widened)))
	}
	if c := e.Counts; c != nil {
		as = append(as, slog.Group("counts", slog.Uint64("requests", uint64(c.Requests)),
			slog.Uint64("successes", uint64(c.Successes)), slog.Uint64("failures", uint64(c.Failures)),
			slog.Uint64("consecutive_successes", uint64(c.ConsecutiveSuccesses)),
			slog.Uint64("consecutive_failures", uint64(c.ConsecutiveFailures))))
	}
	if q := e.Liquidity; q != nil {
		as = append(as, slog.Group("liquidity", slog.String("total", q.Total.String()), slog.String("in_period", q.InPeriod.String())))
	}
	if a := e.Anomaly; a != nil {
		as = append(as, slog.Group("anomaly", slog.String("baseline", a.Baseline.String()), slog.String("scale", a.Scale.String()),
			slog.String("lower", a.Lower.String()), slog.String("upper", a.Upper.String())))
	}
	return slog.GroupValue(as...)
}

// events collects the events of one call; the call returns them with take.
// It is never carried from one call to the next.
type events []Event

func (q *events) add(e Event) { *q = append(*q, e) }

// take returns the collected events and empties the collector.
func (q *events) take() []Event {
	out := *q
	*q = nil
	return out
}

// bandPtr returns a copy of b for an EventReference.
func bandPtr(b Band) *Band { return &b }

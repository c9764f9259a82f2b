package oracle

import (
	"log/slog"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// EventKind names a state change.
type EventKind string

// Event kinds recorded by the stateful types.
const (
	EventAccepted      EventKind = "accepted"       // Feed: a new last good price (Price, Previous, Tier)
	EventRejected      EventKind = "rejected"       // Feed: no tier produced an acceptable price (Price: the one kept)
	EventStatus        EventKind = "status"         // Feed: status changed (From, To)
	EventActive        EventKind = "active"         // Feed: the active tier changed, fallback or recovery (From, To)
	EventReanchor      EventKind = "reanchor"       // Feed: the primary tier re-anchored a stale feed without a jump check (Price, Previous)
	EventHalt          EventKind = "halt"           // Feed: halted by the host (From, To, Reason)
	EventResume        EventKind = "resume"         // Feed: resumed by the host (From, To)
	EventUnknownSource EventKind = "unknown-source" // Feed: a quote whose source is in no tier was ignored (Source, Price)
	EventPoke          EventKind = "poke"           // Delayed: next moved to current (Price: queued, Previous: now current)
	EventStop          EventKind = "stop"           // Delayed: stopped (From, To)
	EventStart         EventKind = "start"          // Delayed: started (From, To)
	EventVoid          EventKind = "void"           // Delayed: values cleared and stopped (From, To)
)

// Event records one state change. Every mutating call returns the events it
// caused (the package's one convention; nothing is queued or dropped): the
// host logs or forwards them. Its leading fields are the library's one
// event shape; the rest are structured, never text to parse.
type Event struct {
	// Time is the now of the call that caused it (UTC).
	Time time.Time `json:"time"`
	// Kind says what changed.
	Kind EventKind `json:"kind"`
	// Subject is what the event is about: the Market named in the feed's
	// or delayed price's settings ("" when none was given).
	Subject string `json:"subject,omitempty"`
	// From and To are the previous and new state on a transition: a
	// Status name ("live", "stale", ...) for EventStatus, EventHalt and
	// EventResume, a tier name for EventActive, "running" or "stopped" for
	// EventStop, EventStart and EventVoid. Empty when nothing changed.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Reason is for people: the host's words for a halt, or why an update
	// was rejected. Never needed to act on an event.
	Reason string `json:"reason,omitempty"`
	// Tier is the tier that supplied Price (EventAccepted, EventReanchor).
	Tier string `json:"tier,omitempty"`
	// Source is the quote's source of EventUnknownSource.
	Source string `json:"source,omitempty"`
	// Price is the price the event is about: the new last good price
	// (EventAccepted, EventReanchor), the one kept (EventRejected), the
	// quote's (EventUnknownSource) or the one queued by a poke. Zero when
	// there is none (every real price is positive).
	Price decimal.Decimal `json:"price"`
	// Previous is the price before the event: the feed's last good price
	// before EventAccepted or EventReanchor, or the price a poke made
	// current. Zero when there was none.
	Previous decimal.Decimal `json:"previous"`
	// Rate is the settled funding rate of EventFunding (per the
	// settings' RatePeriod). Zero for every other kind.
	Rate decimal.Decimal `json:"rate"`
}

// LogValue makes an Event log as one slog group holding every non-zero
// field, prices as decimal strings, so slog.Any("event", e) is one line.
func (e Event) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 10)
	if !e.Time.IsZero() {
		attrs = append(attrs, slog.Time("time", e.Time))
	}
	for _, f := range []struct{ k, v string }{
		{"kind", string(e.Kind)}, {"subject", e.Subject}, {"from", e.From}, {"to", e.To},
		{"reason", e.Reason}, {"tier", e.Tier}, {"source", e.Source},
	} {
		if f.v != "" {
			attrs = append(attrs, slog.String(f.k, f.v))
		}
	}
	if !e.Price.IsZero() {
		attrs = append(attrs, slog.String("price", e.Price.String()))
	}
	if !e.Previous.IsZero() {
		attrs = append(attrs, slog.String("previous", e.Previous.String()))
	}
	if e.Kind == EventFunding || !e.Rate.IsZero() {
		attrs = append(attrs, slog.String("rate", e.Rate.String()))
	}
	return slog.GroupValue(attrs...)
}

// String renders the event on one line for people, e.g.
// "2024-03-01T12:00:00Z status subject=BTC live -> stale". The Subject is
// labelled "subject=", as LogValue names it: it is a market for a Feed or
// a Delayed price but the sequencer's name for a Sequencer.
func (e Event) String() string {
	var b strings.Builder
	b.WriteString(e.Time.UTC().Format(time.RFC3339Nano))
	b.WriteString(" ")
	b.WriteString(string(e.Kind))
	add := func(k, v string) {
		if v != "" {
			b.WriteString(" " + k + "=" + v)
		}
	}
	add("subject", e.Subject)
	if e.From != "" || e.To != "" {
		b.WriteString(" " + orNone(e.From) + " -> " + orNone(e.To))
	}
	add("tier", e.Tier)
	add("source", e.Source)
	if !e.Price.IsZero() {
		add("price", e.Price.String())
	}
	if !e.Previous.IsZero() {
		add("previous", e.Previous.String())
	}
	if e.Kind == EventFunding || !e.Rate.IsZero() {
		add("rate", e.Rate.String())
	}
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

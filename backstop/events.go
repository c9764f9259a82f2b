package backstop

import (
	"time"

	"github.com/shopspring/decimal"
)

// EventKind names what happened.
type EventKind string

// Event kinds. Every draw on every layer, fund, member or provider is an
// event; so is every deposit and every residual left uncovered.
const (
	EventDraw       EventKind = "draw"        // a waterfall layer absorbed part of a loss
	EventResidual   EventKind = "residual"    // a loss (part) no layer could absorb
	EventDeposit    EventKind = "deposit"     // value paid into an insurance or default fund
	EventFundDraw   EventKind = "fund_draw"   // an insurance fund paid out
	EventStepDraw   EventKind = "step_draw"   // a default-fund step charged a member or the CCP
	EventTakeover   EventKind = "takeover"    // a backstop provider took over position size
	EventDeleverage EventKind = "deleverage"  // a position was closed by auto-deleveraging
	EventHaircut    EventKind = "haircut"     // an account's balance or profit was haircut
	EventAssessment EventKind = "assessment"  // a member was assessed beyond its contribution
	EventReplenish  EventKind = "replenished" // assessment capacity reset
)

// Event records one state change, for the host to log or publish. Stateful
// types queue events; the host collects them with DrainEvents.
type Event struct {
	Time    time.Time       `json:"time"`              // the now of the operation
	Kind    EventKind       `json:"kind"`              // what happened
	Source  string          `json:"source"`            // layer, fund or step that acted
	Account string          `json:"account,omitempty"` // member, provider or account concerned
	Amount  decimal.Decimal `json:"amount"`            // money moved (or size, for takeovers and deleveraging)
	Ref     string          `json:"ref,omitempty"`     // the loss or default this belongs to
	Detail  string          `json:"detail,omitempty"`  // free text for people
}

// events is an embeddable event queue.
type events struct{ q []Event }

func (e *events) emit(ev Event) {
	if e.q == nil {
		e.q = make([]Event, 0, 8)
	}
	e.q = append(e.q, ev)
}

// DrainEvents returns the queued events, oldest first, and empties the queue.
func (e *events) DrainEvents() []Event {
	out := e.q
	e.q = nil
	return out
}

package backstop

import (
	"log/slog"
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
	EventReplenish  EventKind = "replenished" // assessment or provider capacity reset
)

// Event records one state change, for the host to log or publish. Events
// are returned by the call that caused them (Waterfall.Cover and
// DefaultFund.Cover in Allocation.Events, InsuranceFund.Deposit and Draw,
// BackstopPool.TakeOver and Replenish, DefaultFund.Contribute and
// ResetAssessments): nothing is queued, nothing is dropped.
//
// The leading fields are the library's one event shape (every package
// declares the same); backstop has no state transitions, so From and To
// stay empty.
type Event struct {
	Time    time.Time `json:"time"`              // the now of the call that caused it
	Kind    EventKind `json:"kind"`              // what happened
	Subject string    `json:"subject,omitempty"` // the layer, fund, step or pool that acted
	From    string    `json:"from,omitempty"`    // previous state, on a transition (unused here)
	To      string    `json:"to,omitempty"`      // new state, on a transition (unused here)
	Reason  string    `json:"reason,omitempty"`  // words for people, as the host gave them; never needed to parse

	Account string          `json:"account,omitempty"` // member, provider or account concerned
	Amount  decimal.Decimal `json:"amount"`            // money moved (or size, for takeovers and deleveraging)
	Claim   string          `json:"claim,omitempty"`   // the claim, default or takeover this belongs to
}

// LogValue makes an Event one slog group: every non-zero field, decimals
// as strings.
func (e Event) LogValue() slog.Value {
	as := make([]slog.Attr, 0, 9)
	if !e.Time.IsZero() {
		as = append(as, slog.Time("time", e.Time))
	}
	as = append(as, slog.String("kind", string(e.Kind)))
	for _, kv := range [...][2]string{{"subject", e.Subject}, {"from", e.From}, {"to", e.To},
		{"reason", e.Reason}, {"account", e.Account}, {"claim", e.Claim}} {
		if kv[1] != "" {
			as = append(as, slog.String(kv[0], kv[1]))
		}
	}
	if !e.Amount.IsZero() {
		as = append(as, slog.String("amount", e.Amount.String()))
	}
	return slog.GroupValue(as...)
}

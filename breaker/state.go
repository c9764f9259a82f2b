package breaker

import (
	"fmt"
	"time"
)

// MarketState is the state of a Market.
type MarketState uint8

const (
	// Reopening: awaiting the opening or reopening price, which becomes the
	// new reference. A new Market without a reference starts here.
	Reopening MarketState = iota
	// Open: trading inside the band.
	Open
	// Limit: the price reached (or tried to cross) a band edge; trades at
	// the edge are allowed, beyond it rejected. Lasting LimitDuration, it
	// becomes a Paused market.
	Limit
	// Paused: a price-band trading pause is the only active halt cause.
	Paused
	// Halted: at least one other halt cause (market-wide breaker, kill
	// switch, manual halt) is active.
	Halted
)

// String names the state.
func (s MarketState) String() string {
	switch s {
	case Reopening:
		return "reopening"
	case Open:
		return "open"
	case Limit:
		return "limit"
	case Paused:
		return "paused"
	case Halted:
		return "halted"
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// legal[from][to] lists the allowed transitions:
//
//	reopening → open (reopening price), halted
//	open      → limit, halted
//	limit     → open (back inside), paused (LimitDuration elapsed), halted
//	paused    → reopening (pause over), halted (another cause joined)
//	halted    → reopening (every cause cleared), paused (only the pause left)
var legal = [5][5]bool{
	Reopening: {Open: true, Halted: true},
	Open:      {Limit: true, Halted: true},
	Limit:     {Open: true, Paused: true, Halted: true},
	Paused:    {Reopening: true, Halted: true},
	Halted:    {Reopening: true, Paused: true},
}

// CheckTransition returns nil when from → to is a legal Market transition
// (see the table in MarketState's documentation) and ErrIllegalTransition
// otherwise.
func CheckTransition(from, to MarketState) error {
	if from > Halted || to > Halted || !legal[from][to] {
		return fmt.Errorf("%w: %s → %s", ErrIllegalTransition, from, to)
	}
	return nil
}

// Halt is one active cause keeping a market from trading.
type Halt struct {
	Cause  string    `json:"cause"`           // e.g. "luld-pause", "mwcb-level-1", "kill-switch", or a host's name
	Reason string    `json:"reason"`          // why, in words
	Actor  string    `json:"actor,omitempty"` // who, for manual halts
	Since  time.Time `json:"since"`           // when the cause became active
	Until  time.Time `json:"until"`           // scheduled end; zero = until cleared
}

// HaltSource is an external cause of halts shared by several markets, such
// as a MarketWide breaker or a KillSwitch. HaltFor reports the halt that
// applies to market at now, if any. A Market polls its sources on every
// Check, outside its own lock.
type HaltSource interface {
	HaltFor(now time.Time, market string) (Halt, bool)
}

// Action is what a Decision tells the host to do.
type Action uint8

const (
	// Refused is the zero Action: the call itself was refused (it returned
	// an error) and nothing may proceed. A Decision that comes back with
	// an error carries it, so a host that reads Allowed() before the error
	// still does not trade; the zero value is never the unsafe choice.
	Refused Action = iota
	// Allow: the trade or liquidation may proceed at this price.
	Allow
	// Reject: the price is outside the band; do not trade at it.
	Reject
	// Halted: the market is paused or halted; nothing may trade until
	// Decision.Until (zero: until an operator or source clears it).
	HaltedAction
)

// String returns "refused", "allow", "reject" or "halted".
func (a Action) String() string {
	switch a {
	case Refused:
		return "refused"
	case Allow:
		return "allow"
	case Reject:
		return "reject"
	case HaltedAction:
		return "halted"
	}
	return fmt.Sprintf("action(%d)", uint8(a))
}

// DecisionReason says why a Decision was made. It is a code, so checks do
// not allocate; Decision.String renders it.
type DecisionReason uint8

// Decision reasons.
const (
	InsideBand DecisionReason = iota // strictly inside the band
	AtBand                           // exactly at a band edge: allowed, market in limit state
	BelowBand                        // below the lower edge: rejected
	AboveBand                        // above the upper edge: rejected
	Reopened                         // first price after a pause or halt: becomes the reference
	HaltActive                       // a halt cause is active (Decision.Cause)
	Opened                           // the market's very first price: becomes the reference
)

// String names the reason.
func (r DecisionReason) String() string {
	switch r {
	case InsideBand:
		return "inside band"
	case AtBand:
		return "at band edge"
	case BelowBand:
		return "below lower band"
	case AboveBand:
		return "above upper band"
	case Reopened:
		return "reopened at price"
	case HaltActive:
		return "halt active"
	case Opened:
		return "opened at price"
	}
	return fmt.Sprintf("reason(%d)", uint8(r))
}

// Decision is the answer to Market.Check.
type Decision struct {
	Action Action         // allow, reject or halted
	Reason DecisionReason // why
	// Cause is the first active halt cause (sorted by name) when Action is
	// HaltedAction.
	Cause string
	// Until is when the market is expected to reopen when halted: the latest
	// scheduled end among active causes; zero if any cause has no scheduled
	// end.
	Until time.Time
	State MarketState // state after the check
	Band  Band        // band after the check (zero before the first reference)
	// Events are the state changes this call caused (re-references,
	// transitions, halts starting and clearing), returned here and nowhere
	// else. Nil on the allocation-free path.
	Events []Event
}

// Allowed reports whether the trade may proceed.
func (d Decision) Allowed() bool { return d.Action == Allow }

// String renders the decision on one line.
func (d Decision) String() string {
	s := fmt.Sprintf("%s (%s) state=%s", d.Action, d.Reason, d.State)
	if d.Action == HaltedAction {
		s += " cause=" + d.Cause
		if !d.Until.IsZero() {
			s += " until=" + d.Until.UTC().Format(time.RFC3339)
		}
	} else if !d.Band.Reference.IsZero() {
		s += " band=" + d.Band.String()
	}
	return s
}

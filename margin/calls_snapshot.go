package margin

import (
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"
)

// CallsSnapshot is the JSON-serialisable state of a Calls: its settings
// and every account, in ascending ID order.
type CallsSnapshot struct {
	// Settings are the settings in use (defaults filled in).
	Settings CallSettings `json:"settings"`
	// Accounts are the tracked accounts, ascending by ID.
	Accounts []CallAccountSnapshot `json:"accounts"`
}

// CallAccountSnapshot is one account's protocol state.
type CallAccountSnapshot struct {
	// ID is the account ID.
	ID string `json:"id"`
	// State is the state's name (CallState.String).
	State string `json:"state"`
	// Since is when the state was entered.
	Since time.Time `json:"since"`
	// Used is the fresh time spent in the state (the grace clock).
	Used time.Duration `json:"used"`
	// Last is the now of the account's last update.
	Last time.Time `json:"last"`
	// LastStale is whether the prices were stale at that update.
	LastStale bool `json:"last_stale,omitempty"`
	// StaleSince is the first update of the current run of stale updates
	// (for MaxStale); set exactly when LastStale, at or before Last.
	StaleSince time.Time `json:"stale_since"`
	// ByDeadline is whether the state was entered because a deadline passed.
	ByDeadline bool `json:"by_deadline,omitempty"`
}

// Snapshot returns the protocol's state; RestoreCalls rebuilds it. A
// Calls not built with NewCalls (nil, or a zero Calls{}) returns the zero
// CallsSnapshot.
func (c *Calls) Snapshot() CallsSnapshot {
	if c.ready() != nil {
		return CallsSnapshot{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	snap := CallsSnapshot{Settings: c.s, Accounts: make([]CallAccountSnapshot, 0, len(c.accounts))}
	for id, a := range c.accounts {
		snap.Accounts = append(snap.Accounts, CallAccountSnapshot{ID: id, State: a.state.String(), Since: a.since, Used: a.used,
			Last: a.last, LastStale: a.lastStale, StaleSince: a.staleSince, ByDeadline: a.byDeadline})
	}
	sort.Slice(snap.Accounts, func(i, j int) bool { return snap.Accounts[i].ID < snap.Accounts[j].ID })
	return snap
}

// RestoreCalls rebuilds a Calls from a snapshot, so a standby continues
// exactly where the primary stopped. A malformed snapshot (invalid
// settings, an unknown state, a duplicate or empty ID, a negative or
// absurd clock, Since after Last, StaleSince set without LastStale, missing
// with it or after Last, ByDeadline outside reduce-only and
// liquidation, more than MaxCallAccounts accounts) is refused with an
// error wrapping ErrInvalidSettings or ErrInvalidInput.
func RestoreCalls(snap CallsSnapshot) (*Calls, error) {
	c, err := NewCalls(snap.Settings)
	if err != nil {
		return nil, err
	}
	if len(snap.Accounts) > MaxCallAccounts {
		return nil, fmt.Errorf("%w: calls snapshot: %d accounts, at most %d", ErrInvalidInput, len(snap.Accounts), MaxCallAccounts)
	}
	for _, s := range snap.Accounts {
		if s.ID == "" {
			return nil, fmt.Errorf("%w: calls snapshot: account without an ID", ErrInvalidInput)
		}
		if _, dup := c.accounts[s.ID]; dup {
			return nil, fmt.Errorf("%w: calls snapshot: account %q twice", ErrInvalidInput, s.ID)
		}
		st, err := ParseCallState(s.State)
		if err != nil {
			return nil, fmt.Errorf("calls snapshot: account %q: %w", s.ID, err)
		}
		if s.Used < 0 || s.Used > maxGrace || s.Since.IsZero() || s.Last.IsZero() || s.Since.After(s.Last) {
			return nil, fmt.Errorf("%w: calls snapshot: account %q: clock out of range", ErrInvalidInput, s.ID)
		}
		if s.LastStale == s.StaleSince.IsZero() || s.StaleSince.After(s.Last) {
			return nil, fmt.Errorf("%w: calls snapshot: account %q: stale since out of range", ErrInvalidInput, s.ID)
		}
		if s.ByDeadline && !st.ReduceOnly() {
			return nil, fmt.Errorf("%w: calls snapshot: account %q: by deadline in state %s", ErrInvalidInput, s.ID, st)
		}
		c.accounts[s.ID] = &callAccount{state: st, since: s.Since, used: s.Used, last: s.Last, lastStale: s.LastStale,
			staleSince: s.StaleSince, byDeadline: s.ByDeadline}
	}
	return c, nil
}

// CheckCallEvents verifies that a sequence of events (as Update returns
// them, possibly from many calls, in order) is legal: every call-state
// event moves exactly one step up or down, and each account's events
// chain (an event starts where the account's previous one ended). Errors
// wrap ErrInvariant.
func CheckCallEvents(events []Event) error {
	at := map[string]CallState{}
	for i, e := range events {
		if e.Kind != EventCallState {
			continue
		}
		from, err1 := ParseCallState(e.From)
		to, err2 := ParseCallState(e.To)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("%w: event %d: unknown state %q → %q", ErrInvariant, i, e.From, e.To)
		}
		if d := int(to) - int(from); d != 1 && d != -1 {
			return fmt.Errorf("%w: event %d: account %q jumped %s → %s", ErrInvariant, i, e.Subject, from, to)
		}
		if prev, ok := at[e.Subject]; ok && prev != from {
			return fmt.Errorf("%w: event %d: account %q left %s but was in %s", ErrInvariant, i, e.Subject, from, prev)
		}
		at[e.Subject] = to
	}
	return nil
}

// CryptoVenueCalls returns settings shaped like a crypto perpetuals venue
// (Binance, Bybit): no grace period and no margin-call deadline; the
// holder is notified as the margin ratio rises (Warning over 70%, the
// margin-call notice over 80%: Binance USDⓈ-M user data stream event
// MARGIN_CALL, pushed "when the user's position risk ratio is too high"),
// the account is reduce-only and then liquidated when the ratio passes
// 100% (equity < maintenance: Binance "margin ratio hits 100%" liquidates,
// announcement "Updates to Maintenance Margin of Binance Futures
// Coin-Margined Contracts (2021-03-01)"), both steps in the same update.
// Binance Portfolio Margin names the same ladder in its riskLevelChange
// event: MARGIN_CALL, REDUCE_ONLY, FORCE_LIQUIDATION. The 70% / 80%
// levels are this package's illustration, not published constants.
func CryptoVenueCalls() CallSettings {
	return CallSettings{
		WarningRatio:     decimal.RequireFromString("0.7"),
		CallRatio:        decimal.RequireFromString("0.8"),
		ReduceOnlyRatio:  decimal.NewFromInt(1),
		LiquidationRatio: decimal.NewFromInt(1),
		Hysteresis:       decimal.RequireFromString("0.05"),
	}
}

// ClearingHouseCalls returns settings shaped like a clearing house's
// margin call: the call is issued when equity falls below maintenance
// (ratio over 100%), with a warning at 90%; an unmet call becomes
// reduce-only after grace (SGX Rule 6A.3.2: margin restored "within two
// Market Days"; 6A.3.1: meanwhile only trades that reduce the required
// margin) and liquidation after a further reduceGrace, or at once when
// the ratio passes 200% (equity under half of maintenance). Typical
// graces: two market days for a customer call (SGX), about an hour for
// a clearing house's intraday variation-margin call (CME Rule 930.E,
// "Calls for Performance Bond", leaves the time to the clearing member).
func ClearingHouseCalls(grace, reduceGrace time.Duration) CallSettings {
	return CallSettings{
		WarningRatio:     decimal.RequireFromString("0.9"),
		CallRatio:        decimal.NewFromInt(1),
		ReduceOnlyRatio:  decimal.RequireFromString("1.5"),
		LiquidationRatio: decimal.NewFromInt(2),
		Hysteresis:       decimal.RequireFromString("0.05"),
		Grace:            grace,
		ReduceOnlyGrace:  reduceGrace,
	}
}

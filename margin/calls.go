package margin

import (
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// CallState is where an account stands in the margin-call protocol. The
// states are ordered: an account moves one step at a time, up or down.
type CallState int

const (
	// CallOK: nothing to do. The zero value.
	CallOK CallState = iota
	// CallWarning: the margin ratio passed the warning level; the venue
	// notifies the account holder (Binance and Bybit margin-ratio
	// notifications).
	CallWarning
	// CallMarginCall: the account is called to add collateral or reduce by
	// a deadline (a clearing house's margin call; SGX Rule 6A.3.2: restore
	// the margin "within two Market Days").
	CallMarginCall
	// CallReduceOnly: the account may only place orders that shrink its
	// positions (SGX Rule 6A.3.1: no new orders "except for trades which
	// reduce Customer Required Margins"; Binance Portfolio Margin's
	// riskLevelChange REDUCE_ONLY). See ReduceOnly.
	CallReduceOnly
	// CallLiquidation: the account is handed to the liquidation engine.
	CallLiquidation
)

// String names the state.
func (s CallState) String() string {
	switch s {
	case CallOK:
		return "ok"
	case CallWarning:
		return "warning"
	case CallMarginCall:
		return "margin-call"
	case CallReduceOnly:
		return "reduce-only"
	case CallLiquidation:
		return "liquidation"
	}
	return fmt.Sprintf("CallState(%d)", int(s))
}

// ParseCallState is the inverse of String (for events and snapshots).
func ParseCallState(s string) (CallState, error) {
	for st := CallOK; st <= CallLiquidation; st++ {
		if st.String() == s {
			return st, nil
		}
	}
	return 0, fmt.Errorf("%w: unknown call state %q", ErrInvalidInput, s)
}

// ReduceOnly reports whether the state restricts the account to orders
// that shrink its positions (reduce-only and liquidation).
func (s CallState) ReduceOnly() bool { return s >= CallReduceOnly }

// CallSettings configures the margin-call protocol. Levels are margin
// ratios, maintenance / equity (Binance's "margin ratio": 100% is
// liquidation), compared by cross-multiplication (never a rounded ratio):
// a level is reached when maintenance > level × equity (strictly, so an
// account exactly at a level is not over it), and always when
// maintenance > 0 and equity ≤ 0. An account without maintenance has
// ratio 0. Levels must be non-decreasing: Warning ≤ Call ≤ ReduceOnly ≤
// Liquidation.
type CallSettings struct {
	// WarningRatio is the ratio above which OK → Warning. Zero means 0.8.
	WarningRatio decimal.Decimal `json:"warning_ratio"`
	// CallRatio is the ratio above which Warning → MarginCall. Zero means 0.9.
	CallRatio decimal.Decimal `json:"call_ratio"`
	// ReduceOnlyRatio is the ratio above which MarginCall → ReduceOnly
	// whatever the deadline. Zero means 1.
	ReduceOnlyRatio decimal.Decimal `json:"reduce_only_ratio"`
	// LiquidationRatio is the ratio above which ReduceOnly → Liquidation.
	// Zero means 1: equity < maintenance, the package's Liquidatable (an
	// account exactly at maintenance is not liquidated).
	LiquidationRatio decimal.Decimal `json:"liquidation_ratio"`
	// Hysteresis is how far below a state's level the ratio must fall for
	// the account to leave the state (ratio ≤ level − Hysteresis), so an
	// account hovering at a level does not flap. Zero means 0.05; it must
	// be below WarningRatio. Use a tiny positive value for almost none.
	Hysteresis decimal.Decimal `json:"hysteresis"`
	// Grace is how long a margin call may stay unmet before the account
	// becomes reduce-only. Time while the prices are stale does not count
	// (until MaxStale): an interval between two updates counts when the
	// update at its start reported fresh prices (Update's stale false);
	// see Calls. Zero (the default) means no deadline: only the
	// ratio levels escalate (crypto venues).
	Grace time.Duration `json:"grace"`
	// ReduceOnlyGrace is how long an account may stay reduce-only before
	// it is liquidated, stale time excluded (until MaxStale). Zero (the
	// default) means no deadline: only LiquidationRatio liquidates.
	ReduceOnlyGrace time.Duration `json:"reduce_only_grace"`
	// MaxStale bounds how long stale prices hold an account back. Once an
	// account's updates have reported stale prices continuously for
	// MaxStale (counted from the first stale update of the run), staleness
	// no longer keeps it out of Liquidation (the event's Reason says so),
	// and stale time beyond MaxStale counts toward the deadlines; stale
	// prices still never release an account. Zero means 15 minutes. Fail
	// closed: an account over the liquidation level cannot escape
	// liquidation by a feed that stays stale, while a hiccup of a few
	// minutes (a missed update, a feed restart) does not liquidate on a
	// price the host distrusts. 15 minutes is this package's choice, not a
	// published constant; a host whose feed updates less often (an oracle
	// with an hourly heartbeat) sets it above its update interval. At most
	// ten years.
	MaxStale time.Duration `json:"max_stale,omitempty"`
}

// defaultMaxStale is CallSettings.MaxStale's default.
const defaultMaxStale = 15 * time.Minute

// MaxCallAccounts bounds the accounts one Calls tracks; Update refuses a
// new account beyond it.
const MaxCallAccounts = 1 << 24

// maxGrace bounds a grace period (ten years).
const maxGrace = 10 * 365 * 24 * time.Hour

func (s CallSettings) withDefaults() CallSettings {
	def := func(d *decimal.Decimal, v string) {
		if d.IsZero() {
			*d = decimal.RequireFromString(v)
		}
	}
	def(&s.WarningRatio, "0.8")
	def(&s.CallRatio, "0.9")
	def(&s.ReduceOnlyRatio, "1")
	def(&s.LiquidationRatio, "1")
	def(&s.Hysteresis, "0.05")
	if s.MaxStale == 0 {
		s.MaxStale = defaultMaxStale
	}
	return s
}

func (s CallSettings) validate() error {
	levels := []struct {
		name string
		v    decimal.Decimal
	}{{"warning ratio", s.WarningRatio}, {"call ratio", s.CallRatio}, {"reduce-only ratio", s.ReduceOnlyRatio},
		{"liquidation ratio", s.LiquidationRatio}, {"hysteresis", s.Hysteresis}}
	for _, l := range levels {
		if err := num.CheckPositive(l.v); err != nil {
			return fmt.Errorf("%w: calls %s: %w", ErrInvalidSettings, l.name, err)
		}
	}
	for i := 1; i < 4; i++ {
		if levels[i].v.Cmp(levels[i-1].v) < 0 {
			return fmt.Errorf("%w: calls %s %s below %s %s", ErrInvalidSettings, levels[i].name, levels[i].v, levels[i-1].name, levels[i-1].v)
		}
	}
	if s.Hysteresis.Cmp(s.WarningRatio) >= 0 {
		return fmt.Errorf("%w: calls hysteresis %s not below the warning ratio %s", ErrInvalidSettings, s.Hysteresis, s.WarningRatio)
	}
	if s.Grace < 0 || s.Grace > maxGrace || s.ReduceOnlyGrace < 0 || s.ReduceOnlyGrace > maxGrace {
		return fmt.Errorf("%w: calls grace %v / reduce-only grace %v outside [0, %v]", ErrInvalidSettings, s.Grace, s.ReduceOnlyGrace, maxGrace)
	}
	if s.MaxStale <= 0 || s.MaxStale > maxGrace {
		return fmt.Errorf("%w: calls max stale %v outside (0, %v]", ErrInvalidSettings, s.MaxStale, maxGrace)
	}
	return nil
}

// level returns the ratio above which state st is entered from st − 1.
func (s *CallSettings) level(st CallState) decimal.Decimal {
	switch st {
	case CallWarning:
		return s.WarningRatio
	case CallMarginCall:
		return s.CallRatio
	case CallReduceOnly:
		return s.ReduceOnlyRatio
	}
	return s.LiquidationRatio
}

// callAccount is one account's protocol state.
type callAccount struct {
	state      CallState
	since      time.Time     // when the state was entered
	used       time.Duration // fresh-started time spent in the state (the grace clock)
	last       time.Time     // the now of the last Update
	lastStale  bool          // the prices were stale at the last Update
	staleSince time.Time     // first update of the current stale run (zero when fresh)
	byDeadline bool          // the state was entered because a deadline passed
}

// Calls runs the margin-call protocol for many accounts: per account a
// state machine OK → Warning → MarginCall (with a deadline) → ReduceOnly
// → Liquidation, driven by the margin ratio the host measures (Risk or
// Prepared.Risk) and the time the host passes. It is safe for concurrent
// use (one mutex; no host callback is ever called).
//
// The rules, applied by Update in this order:
//
//  1. Up by level: while the ratio is over the next state's level, move up
//     one state (one event each: a state is never skipped), except into
//     Liquidation while the prices are stale (no liquidation on a stale
//     price), unless they have been stale for MaxStale.
//  2. Otherwise down by cure: while the ratio is at or below the current
//     state's level minus Hysteresis, move down one state (one event
//     each). A state entered because a deadline passed is left only when
//     the ratio is at or below CallRatio − Hysteresis (a call is cured, not
//     re-granted a fresh deadline by a small improvement; the record of
//     the missed deadline stays while the account is reduce-only or
//     liquidated, however it moves between the two). Nothing moves down
//     while the prices are stale.
//  3. Otherwise up by deadline: a MarginCall unmet for Grace of fresh time
//     becomes ReduceOnly; a ReduceOnly unmet for ReduceOnlyGrace becomes
//     Liquidation (not while stale, unless stale for MaxStale).
//
// Each state's clock restarts when it is entered. The interval [last,
// now] between two updates of an account counts toward the clock in full
// when the prices were fresh at its START (the last update passed stale
// false: the host reported fresh prices then), and not at all when they
// were stale then; the staleness passed at now governs the next interval.
// So the host must call Update as soon as its prices go stale (and when
// they turn fresh again): a gap between two fresh updates counts in full.
// Staleness holds an account back for at most MaxStale of continuously
// stale updates: beyond it, stale time counts and Liquidation is allowed.
// Isolated positions are judged by the cross figures of AccountRisk
// only (their own maintenance is the liquidation engine's matter).
type Calls struct {
	mu       sync.Mutex
	s        CallSettings
	accounts map[string]*callAccount
}

// NewCalls validates the settings (defaults filled in) and returns an
// empty protocol. Errors wrap ErrInvalidSettings.
func NewCalls(s CallSettings) (*Calls, error) {
	s = s.withDefaults()
	if err := s.validate(); err != nil {
		return nil, err
	}
	return &Calls{s: s, accounts: map[string]*callAccount{}}, nil
}

// ready refuses a nil Calls or one not built with NewCalls (a zero
// Calls{}).
func (c *Calls) ready() error {
	if c == nil || c.accounts == nil {
		return fmt.Errorf("%w: Calls not built with NewCalls", ErrInvalidSettings)
	}
	return nil
}

// Settings returns the settings in use, defaults filled in (zero for a
// Calls not built with NewCalls).
func (c *Calls) Settings() CallSettings {
	if c.ready() != nil {
		return CallSettings{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}

// CallStatus is an account's standing in the protocol.
type CallStatus struct {
	// State is the current state.
	State CallState `json:"state"`
	// Since is when the state was entered.
	Since time.Time `json:"since"`
	// GraceLeft is the fresh time left before the deadline of a
	// MarginCall (Grace) or ReduceOnly (ReduceOnlyGrace); zero when no
	// deadline runs.
	GraceLeft time.Duration `json:"grace_left"`
	// ByDeadline is true when the state was entered because a deadline
	// passed.
	ByDeadline bool `json:"by_deadline,omitempty"`
}

// over reports maintenance > level × equity (or maintenance > 0 ≥ equity).
func over(equity, maintenance, level decimal.Decimal) bool {
	if maintenance.Sign() <= 0 {
		return false
	}
	return maintenance.Cmp(level.Mul(equity)) > 0
}

// cured reports ratio ≤ level − hysteresis with equity > 0 (or no
// maintenance at all).
func cured(equity, maintenance, level, hysteresis decimal.Decimal) bool {
	if maintenance.Sign() <= 0 {
		return true
	}
	return equity.Sign() > 0 && maintenance.Cmp(level.Sub(hysteresis).Mul(equity)) <= 0
}

// Update feeds an account's current figures (Equity and Maintenance of a
// Risk, Summary or Prepared.Risk) at now, and whether the prices they
// were computed from are stale, and returns the account's status and the
// transitions this update caused, in order. An unknown account starts in
// CallOK at this update. A Calls not built with NewCalls (nil, or a zero
// Calls{}) is refused with ErrInvalidSettings. Errors (ErrInvalidInput,
// no state change): an
// empty ID, a zero now or one before the account's last update, absurd
// decimals, a negative maintenance, a new account beyond MaxCallAccounts.
func (c *Calls) Update(now time.Time, id string, risk AccountRisk, stale bool) (CallStatus, []Event, error) {
	// Held in UTC, so the snapshot is the same in every time zone.
	now = now.UTC()
	if err := c.ready(); err != nil {
		return CallStatus{}, nil, err
	}
	if id == "" {
		return CallStatus{}, nil, fmt.Errorf("%w: call account without an ID", ErrInvalidInput)
	}
	if now.IsZero() {
		return CallStatus{}, nil, fmt.Errorf("%w: account %q: zero time", ErrInvalidInput, id)
	}
	if err := num.Check(risk.Equity); err != nil {
		return CallStatus{}, nil, fmt.Errorf("%w: account %q: equity: %w", ErrInvalidInput, id, err)
	}
	if err := num.CheckNonNegative(risk.Maintenance); err != nil {
		return CallStatus{}, nil, fmt.Errorf("%w: account %q: maintenance: %w", ErrInvalidInput, id, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.accounts[id]
	if !ok {
		if len(c.accounts) >= MaxCallAccounts {
			return CallStatus{}, nil, fmt.Errorf("%w: account %q: more than %d accounts", ErrInvalidInput, id, MaxCallAccounts)
		}
		a = &callAccount{state: CallOK, since: now, last: now}
	} else if now.Before(a.last) {
		return CallStatus{}, nil, fmt.Errorf("%w: account %q: time %s before the last update %s", ErrInvalidInput, id,
			now.UTC().Format(time.RFC3339Nano), a.last.UTC().Format(time.RFC3339Nano))
	}
	next := *a
	evs := c.step(&next, now, id, risk.Equity, risk.Maintenance, stale)
	*a = next
	c.accounts[id] = a
	return c.status(a), evs, nil
}

// step applies the rules to a copy of an account's state.
func (c *Calls) step(a *callAccount, now time.Time, id string, eq, mm decimal.Decimal, stale bool) []Event {
	if a.lastStale && a.staleSince.IsZero() {
		a.staleSince = a.last // (cannot happen: RestoreCalls requires it)
	}
	from := a.last // [last, now] counts: fresh at its start
	if a.lastStale {
		from = a.staleSince.Add(c.s.MaxStale) // or beyond MaxStale of staleness
		if from.Before(a.last) {
			from = a.last
		}
	}
	if now.After(from) {
		if d := now.Sub(from); d >= maxGrace-a.used { // saturate: no overflow over decades
			a.used = maxGrace
		} else {
			a.used += d
		}
	}
	switch {
	case !stale:
		a.staleSince = time.Time{}
	case !a.lastStale:
		a.staleSince = now
	}
	a.last, a.lastStale = now, stale
	// held: stale prices keep the account out of Liquidation; why says
	// why they no longer do.
	held, why := stale, ""
	if stale && now.Sub(a.staleSince) >= c.s.MaxStale {
		held = false
		why = fmt.Sprintf("; prices stale since %s, MaxStale %v passed", a.staleSince.UTC().Format(time.RFC3339Nano), c.s.MaxStale)
	}
	var evs []Event
	move := func(to CallState, reason string, byDeadline bool) {
		e := Event{Time: now, Kind: EventCallState, Subject: id, From: a.state.String(), To: to.String(), Reason: reason,
			Equity: eq, Maintenance: mm}
		up := to > a.state
		a.state, a.since, a.used, a.byDeadline = to, now, 0, byDeadline && to >= CallReduceOnly
		if g := c.grace(to); g > 0 && up {
			d := now.Add(g)
			e.Deadline = &d
		}
		evs = append(evs, e)
	}
	// 1. Up by level, one state at a time.
	for a.state < CallLiquidation {
		nxt := a.state + 1
		if !over(eq, mm, c.s.level(nxt)) || (nxt == CallLiquidation && held) {
			break
		}
		reason := fmt.Sprintf("margin ratio over %s", c.s.level(nxt))
		if nxt == CallLiquidation {
			reason += why
		}
		move(nxt, reason, a.byDeadline) // a missed deadline stays on record above the call
	}
	if len(evs) > 0 {
		return evs
	}
	// 2. Down by cure, one state at a time; never on stale prices.
	for !stale && a.state > CallOK {
		lvl := c.s.level(a.state)
		if a.byDeadline && c.s.CallRatio.Cmp(lvl) < 0 {
			lvl = c.s.CallRatio
		}
		if !cured(eq, mm, lvl, c.s.Hysteresis) {
			break
		}
		move(a.state-1, fmt.Sprintf("margin ratio at or below %s", lvl.Sub(c.s.Hysteresis)), a.byDeadline)
	}
	if len(evs) > 0 {
		return evs
	}
	// 3. Up by deadline; not into Liquidation on stale prices held back.
	if g := c.grace(a.state); g > 0 && a.used >= g && !(a.state+1 == CallLiquidation && held) {
		reason := fmt.Sprintf("deadline passed: %s unmet for %v", a.state, g)
		if a.state+1 == CallLiquidation {
			reason += why
		}
		move(a.state+1, reason, true)
	}
	return evs
}

// grace returns the deadline length of a state (zero: none).
func (c *Calls) grace(s CallState) time.Duration {
	switch s {
	case CallMarginCall:
		return c.s.Grace
	case CallReduceOnly:
		return c.s.ReduceOnlyGrace
	}
	return 0
}

func (c *Calls) status(a *callAccount) CallStatus {
	st := CallStatus{State: a.state, Since: a.since, ByDeadline: a.byDeadline}
	if g := c.grace(a.state); g > 0 && a.used < g {
		st.GraceLeft = g - a.used
	}
	return st
}

// Status returns an account's status; ok is false for an account the
// protocol does not track (treat it as CallOK), and for every account of
// a Calls not built with NewCalls.
func (c *Calls) Status(id string) (CallStatus, bool) {
	if c.ready() != nil {
		return CallStatus{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.accounts[id]
	if !ok {
		return CallStatus{}, false
	}
	return c.status(a), true
}

// ReduceOnly reports whether the account may only reduce its positions
// (CallReduceOnly or CallLiquidation): the host passes it to
// CheckOrderWith as OrderContext.ReduceOnly. False for an untracked
// account and for a Calls not built with NewCalls (as Status).
func (c *Calls) ReduceOnly(id string) bool {
	st, _ := c.Status(id)
	return st.State.ReduceOnly()
}

// Remove stops tracking an account (closed, or fully liquidated and
// reset). Removing an unknown ID is an error wrapping ErrInvalidInput; a
// Calls not built with NewCalls, ErrInvalidSettings.
func (c *Calls) Remove(id string) error {
	if err := c.ready(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.accounts[id]; !ok {
		return fmt.Errorf("%w: call account %q not tracked", ErrInvalidInput, id)
	}
	delete(c.accounts, id)
	return nil
}

// Len returns the number of accounts tracked (0 for a Calls not built
// with NewCalls).
func (c *Calls) Len() int {
	if c.ready() != nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.accounts)
}

package breaker

import (
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// OutflowSettings configures an OutflowLimiter: the ERC-7265 circuit
// breaker's token rate limit, one limiter per asset. Every field is a
// parameter of the reference implementation (DeFi-Circuit-Breaker/
// DeFi-Guardian, src/core/CircuitBreaker.sol constructor and registerAsset;
// src/utils/LimiterLib.sol init); the defaults are the values of its own
// tests (test/core/user/CircuitBreakerUserOps.t.sol, setUp: "70% max
// drawdown per 4 hours", ticks of 5 minutes, a 3-day cooldown, limiting
// from 1000e18).
type OutflowSettings struct {
	// Asset names the limiter in events. Default "asset".
	Asset string
	// MinLiqRetainedBps is the share of the liquidity baseline that must
	// remain after the window's net flow, in basis points (1..10000;
	// LimiterLib.init reverts on 0 and above 10000). Default (0) 7000.
	MinLiqRetainedBps int64
	// LimitBeginThreshold: below this baseline the limit is not enforced
	// (LimiterLib.status: Inactive when limitBeginThreshold > liqTotal).
	// Whole base units, ≥ 0. Default 0 (always enforced).
	LimitBeginThreshold decimal.Decimal
	// WithdrawalPeriod is the window of recorded changes
	// (CircuitBreaker.WITHDRAWAL_PERIOD). Default 4 hours.
	WithdrawalPeriod time.Duration
	// TickLength groups changes into buckets starting at multiples of it
	// since the Unix epoch (LimiterLib.getTickTimestamp: t − t % tickLength).
	// Default 5 minutes. Must not exceed WithdrawalPeriod.
	TickLength time.Duration
	// CooldownPeriod: OverrideExpired lifts a rate limit this long after it
	// was triggered (CircuitBreaker.rateLimitCooldownPeriod). Default 3 days.
	CooldownPeriod time.Duration
}

func (s *OutflowSettings) normalise() error {
	if s.Asset == "" {
		s.Asset = "asset"
	}
	if s.MinLiqRetainedBps == 0 {
		s.MinLiqRetainedBps = 7000
	}
	if s.MinLiqRetainedBps < 1 || s.MinLiqRetainedBps > bpsDenominator {
		return fmt.Errorf("%w: outflow %q: min liquidity retained %d bps outside 1..10000", ErrInvalidSettings, s.Asset, s.MinLiqRetainedBps)
	}
	if err := checkUnits(s.LimitBeginThreshold, true); err != nil {
		return fmt.Errorf("%w: outflow %q: limit begin threshold: %w", ErrInvalidSettings, s.Asset, err)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"withdrawal period", &s.WithdrawalPeriod, 4 * time.Hour}, {"tick length", &s.TickLength, 5 * time.Minute},
		{"cooldown period", &s.CooldownPeriod, 72 * time.Hour}} {
		if *d.v < 0 {
			return fmt.Errorf("%w: outflow %q: %s %s < 0", ErrInvalidSettings, s.Asset, d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if s.TickLength > s.WithdrawalPeriod {
		return fmt.Errorf("%w: outflow %q: tick length %s > withdrawal period %s", ErrInvalidSettings, s.Asset, s.TickLength, s.WithdrawalPeriod)
	}
	// One bucket per tick of the window: bound their number, so memory,
	// snapshots and the range check of every call stay bounded.
	if s.WithdrawalPeriod/s.TickLength > maxOutflowBuckets {
		return fmt.Errorf("%w: outflow %q: withdrawal period %s is more than %d ticks of %s", ErrInvalidSettings, s.Asset, s.WithdrawalPeriod, maxOutflowBuckets, s.TickLength)
	}
	return nil
}

// maxOutflowBuckets bounds the ticks in one withdrawal period (the
// reference values, 4 h of 5-minute ticks, are 48).
const maxOutflowBuckets = 100_000

// fits reports whether recording amount (signed) keeps every figure the
// limiter holds, and would hold after any later sync, within the range a
// snapshot can restore: |liqTotal| + Σ|bucket| + |amount| bounds the
// baseline after any buckets expire, the liquidity in period and every
// bucket. Checked before anything changes, so a refused call changes
// nothing.
func (l *OutflowLimiter) fits(amount decimal.Decimal) error {
	bound := l.st.liqTotal.Abs().Add(amount.Abs())
	for _, n := range l.st.nodes[l.st.head:] {
		bound = bound.Add(n.Amount.Abs())
	}
	return checkUnits(bound, true)
}

// bpsDenominator is LimiterLib.sol's BPS_DENOMINATOR.
const bpsDenominator = 10000

// checkUnits accepts a whole number of base units within num's bounds
// (ERC-7265 amounts are uint256 token base units); zero only if zeroOK.
func checkUnits(d decimal.Decimal, zeroOK bool) error {
	var err error
	if zeroOK {
		err = num.CheckNonNegative(d)
	} else {
		err = num.CheckPositive(d)
	}
	if err != nil {
		return err
	}
	if !d.Equal(d.Truncate(0)) {
		return fmt.Errorf("not a whole number of base units")
	}
	return nil
}

// LimitStatus is LimiterLib.sol's LimitStatus (Uninitialized is not
// modelled: a limiter exists only once configured).
type LimitStatus uint8

// Limit statuses.
const (
	LimitInactive LimitStatus = iota + 1 // baseline below LimitBeginThreshold: not enforced
	LimitOK                              // within the limit
	LimitBreached                        // net outflow beyond the retained share ("Breeched" in LimiterLib.sol)
)

// String returns "inactive", "ok" or "breached".
func (s LimitStatus) String() string {
	switch s {
	case LimitInactive:
		return "inactive"
	case LimitOK:
		return "ok"
	case LimitBreached:
		return "breached"
	}
	return fmt.Sprintf("limit-status(%d)", uint8(s))
}

// Event kinds of an OutflowLimiter.
const (
	EventRateLimited   EventKind = "rate-limited"   // an outflow breached the limit: outflows are locked (From/To "open"→"limited")
	EventRateLimitLift EventKind = "rate-limit-off" // an override lifted the limit (From/To "limited"→"open")
	EventGrace         EventKind = "grace"          // a grace period was started (Reason holds its end)
)

// OutflowDecision is the answer to one outflow.
type OutflowDecision struct {
	// Allowed: transfer the amount. Otherwise the host holds it for the
	// recipient (CircuitBreaker.lockedFunds) until the limit is lifted.
	Allowed bool
	// Status is the limiter's status after recording the outflow.
	Status LimitStatus
	// RateLimited is whether the limiter is rate-limited after the call.
	RateLimited bool
	// Events are the state changes this call caused.
	Events []Event
}

// LiquidityBucket is one tick's net change in an OutflowSnapshot
// (LimiterLib.sol's LiqChangeNode, keyed by its tick timestamp).
type LiquidityBucket struct {
	Tick   time.Time       `json:"tick"`   // bucket start (t − t % TickLength since the Unix epoch)
	Amount decimal.Decimal `json:"amount"` // net change in the bucket
}

// OutflowLimiter is the ERC-7265 rate limit on net outflow. The EIP text
// (EIPS/eip-7265.md, Draft, 2023-07-03; read in vdaubry/DeFi-Circuit-
// Breaker-EIPs) fixes the interface and the rationale — percentage-based
// limits against recorded inflows ("Tracking token inflows"), a minimum
// liquidity below which no new rate limit triggers ("Minimum amount rate
// limited"), delayed settlement or revert on a limit, locked funds
// claimable only when not rate limited — and leaves the comparisons to its
// reference implementation, which this type follows: changes are
// recorded in tick buckets; a bucket older than WithdrawalPeriod moves into
// the liquidity baseline liqTotal; the limit is breached when
//
//	liqTotal + liqInPeriod < liqTotal × MinLiqRetainedBps / 10000
//
// (strictly less; the right side truncated toward zero as Solidity's int256
// division does: LimiterLib.status), unless liqTotal < LimitBeginThreshold.
// An outflow that finds the limit breached, outside a grace period, rate
// limits the asset; from then on every outflow is locked (recorded, not
// allowed) until Override or OverrideExpired (CircuitBreaker._onTokenOutflow).
//
// Amounts are whole base units (uint256 in the standard), at most 10^36.
// Times are at or after the Unix epoch and before 2262 (nanosecond ticks).
// Differences from the reference implementation, both on the safe side of
// nothing: every call first moves expired buckets into the baseline (the
// contract does so on the next recorded change, and its status() view reads
// unsynced state), and a bucket expires WithdrawalPeriod after its own tick
// (the contract, after emptying its list, keeps a head at the unaligned
// block time, which can delay the next bucket's expiry by under one tick).
//
// Safe for concurrent use (one mutex).
type OutflowLimiter struct {
	mu sync.Mutex
	s  OutflowSettings
	st outflowState
	ev events
}

type outflowState struct {
	liqTotal    decimal.Decimal
	liqInPeriod decimal.Decimal
	nodes       []LiquidityBucket // live buckets are nodes[head:], ticks increasing
	head        int
	limited     bool
	lastLimit   time.Time
	graceEnd    time.Time
	last        time.Time
	seen        bool
}

// NewOutflowLimiter validates s and returns a limiter with no liquidity.
func NewOutflowLimiter(s OutflowSettings) (*OutflowLimiter, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	return &OutflowLimiter{s: s}, nil
}

var maxUnixNano = time.Unix(0, math.MaxInt64)

// begin validates now and moves expired buckets into the baseline
// (LimiterLib.sync: a bucket leaves when now − tick ≥ WithdrawalPeriod).
func (l *OutflowLimiter) begin(now time.Time) error {
	if now.Before(time.Unix(0, 0)) || !now.Before(maxUnixNano) {
		return fmt.Errorf("%w: outflow %q: time %s outside 1970..2262", ErrInvalidInput, l.s.Asset, now.UTC().Format(time.RFC3339))
	}
	if l.st.seen && now.Before(l.st.last) {
		return fmt.Errorf("%w: outflow %q: %s < %s", ErrTimeWentBack, l.s.Asset, now, l.st.last)
	}
	l.st.last, l.st.seen = now, true
	l.sync(now)
	return nil
}

func (l *OutflowLimiter) sync(now time.Time) {
	for l.st.head < len(l.st.nodes) && now.Sub(l.st.nodes[l.st.head].Tick) >= l.s.WithdrawalPeriod {
		n := l.st.nodes[l.st.head]
		l.st.liqTotal = l.st.liqTotal.Add(n.Amount)
		l.st.liqInPeriod = l.st.liqInPeriod.Sub(n.Amount)
		l.st.nodes[l.st.head] = LiquidityBucket{}
		l.st.head++
	}
	if l.st.head > 0 && l.st.head >= len(l.st.nodes)-l.st.head {
		k := copy(l.st.nodes, l.st.nodes[l.st.head:])
		clear(l.st.nodes[k:])
		l.st.nodes, l.st.head = l.st.nodes[:k], 0
	}
}

// record adds amount (signed) to now's bucket (LimiterLib.recordChange).
func (l *OutflowLimiter) record(now time.Time, amount decimal.Decimal) {
	ns := now.UnixNano()
	tick := time.Unix(0, ns-ns%int64(l.s.TickLength)).UTC()
	l.st.liqInPeriod = l.st.liqInPeriod.Add(amount)
	if k := len(l.st.nodes); k > l.st.head && l.st.nodes[k-1].Tick.Equal(tick) {
		l.st.nodes[k-1].Amount = l.st.nodes[k-1].Amount.Add(amount)
		return
	}
	l.st.nodes = append(l.st.nodes, LiquidityBucket{Tick: tick, Amount: amount})
}

// status is LimiterLib.status on synced state.
func (l *OutflowLimiter) status() LimitStatus {
	cur := l.st.liqTotal
	// The contract compares limitBeginThreshold > uint256(currentLiq): a
	// negative liqTotal wraps to a huge number and is never Inactive.
	if cur.Sign() >= 0 && l.s.LimitBeginThreshold.Cmp(cur) > 0 {
		return LimitInactive
	}
	future := cur.Add(l.st.liqInPeriod)
	minLiq, _ := cur.Mul(decimal.NewFromInt(l.s.MinLiqRetainedBps)).QuoRem(decimal.NewFromInt(bpsDenominator), 0)
	if future.Cmp(minLiq) < 0 {
		return LimitBreached
	}
	return LimitOK
}

// Inflow records a deposit of amount base units at now
// (CircuitBreaker._onTokenInflow). Bad input (amount not a positive whole
// number within bounds, now out of range or before the previous call) is an
// error and changes nothing.
func (l *OutflowLimiter) Inflow(now time.Time, amount decimal.Decimal) ([]Event, error) {
	now = instant(now)
	if err := checkUnits(amount, false); err != nil {
		return nil, fmt.Errorf("%w: outflow %q: inflow: %w", ErrInvalidInput, l.s.Asset, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.fits(amount); err != nil {
		return nil, fmt.Errorf("%w: outflow %q: inflow would take the recorded liquidity out of range: %w", ErrInvalidInput, l.s.Asset, err)
	}
	if err := l.begin(now); err != nil {
		return nil, err
	}
	l.record(now, amount)
	return l.ev.take(), nil
}

// Outflow records a withdrawal of amount base units at now and decides it
// as CircuitBreaker._onTokenOutflow does: the change is recorded first;
// if the asset is rate limited the outflow is locked; else if the limit is
// breached (see OutflowLimiter) and now is not in a grace period
// (now ≤ grace end, isInGracePeriod), the asset becomes rate limited and
// this outflow is locked (EventRateLimited); otherwise it is allowed. Bad
// input is an error and changes nothing.
func (l *OutflowLimiter) Outflow(now time.Time, amount decimal.Decimal) (OutflowDecision, error) {
	now = instant(now)
	if err := checkUnits(amount, false); err != nil {
		return OutflowDecision{}, fmt.Errorf("%w: outflow %q: outflow: %w", ErrInvalidInput, l.s.Asset, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.fits(amount); err != nil {
		return OutflowDecision{}, fmt.Errorf("%w: outflow %q: outflow would take the recorded liquidity out of range: %w", ErrInvalidInput, l.s.Asset, err)
	}
	if err := l.begin(now); err != nil {
		return OutflowDecision{}, err
	}
	l.record(now, amount.Neg())
	st := l.status()
	allowed := false
	switch {
	case l.st.limited:
	case st == LimitBreached && !l.inGrace(now):
		l.st.limited, l.st.lastLimit = true, now
		l.ev.add(Event{Time: now, Kind: EventRateLimited, Subject: l.s.Asset, From: "open", To: "limited",
			Reason:    "net outflow in the withdrawal period left less than the retained share of the baseline",
			Liquidity: l.liquidity()})
	default:
		allowed = true
	}
	return OutflowDecision{Allowed: allowed, Status: st, RateLimited: l.st.limited, Events: l.ev.take()}, nil
}

func (l *OutflowLimiter) inGrace(now time.Time) bool {
	return !l.st.graceEnd.IsZero() && !now.After(l.st.graceEnd)
}

func (l *OutflowLimiter) liquidity() *Liquidity {
	return &Liquidity{Total: l.st.liqTotal, InPeriod: l.st.liqInPeriod}
}

// Liquidity is an OutflowLimiter's baseline and net change in the window,
// carried by its events.
type Liquidity struct {
	Total    decimal.Decimal `json:"total"`     // liqTotal: changes older than the withdrawal period
	InPeriod decimal.Decimal `json:"in_period"` // liqInPeriod: net change within it (negative: net outflow)
}

// Status returns the limit status at now (after moving expired buckets
// into the baseline) and whether the asset is rate limited.
func (l *OutflowLimiter) Status(now time.Time) (LimitStatus, bool, error) {
	now = instant(now)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.begin(now); err != nil {
		return 0, false, err
	}
	return l.status(), l.st.limited, nil
}

// Override lifts a rate limit at an operator's decision
// (CircuitBreaker.overrideRateLimit): outflows are allowed again and a
// grace period runs to lastRateLimit + WithdrawalPeriod, so the same
// window does not re-trigger at once. Refused (ErrInvalidInput) when the
// asset is not rate limited (the contract reverts NotRateLimited).
func (l *OutflowLimiter) Override(now time.Time, actor string) ([]Event, error) {
	now = instant(now)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.st.limited {
		return nil, fmt.Errorf("%w: outflow %q: not rate limited", ErrInvalidInput, l.s.Asset)
	}
	if err := l.begin(now); err != nil {
		return nil, err
	}
	l.st.limited = false
	l.st.graceEnd = l.st.lastLimit.Add(l.s.WithdrawalPeriod)
	l.ev.add(Event{Time: now, Kind: EventRateLimitLift, Subject: l.s.Asset, From: "limited", To: "open", Actor: actor,
		Reason: "override; grace period until " + l.st.graceEnd.UTC().Format(time.RFC3339), Liquidity: l.liquidity()})
	return l.ev.take(), nil
}

// OverrideExpired lifts a rate limit once CooldownPeriod has passed since
// it was triggered (CircuitBreaker.overrideExpiredRateLimit: reverts while
// now − lastRateLimit < cooldown, so it succeeds at exactly the cooldown).
// No grace period is started. Refused when not rate limited or too early.
func (l *OutflowLimiter) OverrideExpired(now time.Time) ([]Event, error) {
	now = instant(now)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.st.limited {
		return nil, fmt.Errorf("%w: outflow %q: not rate limited", ErrInvalidInput, l.s.Asset)
	}
	if now.Sub(l.st.lastLimit) < l.s.CooldownPeriod {
		return nil, fmt.Errorf("%w: outflow %q: cooldown of %s not reached", ErrInvalidInput, l.s.Asset, l.s.CooldownPeriod)
	}
	if err := l.begin(now); err != nil {
		return nil, err
	}
	l.st.limited = false
	l.ev.add(Event{Time: now, Kind: EventRateLimitLift, Subject: l.s.Asset, From: "limited", To: "open",
		Reason: "cooldown elapsed", Liquidity: l.liquidity()})
	return l.ev.take(), nil
}

// StartGrace starts a grace period ending at end (inclusive), during which
// a breach does not rate limit the asset (CircuitBreaker.startGracePeriod:
// end must be after now).
func (l *OutflowLimiter) StartGrace(now, end time.Time, actor string) ([]Event, error) {
	now, end = instant(now), instant(end)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !end.After(now) {
		return nil, fmt.Errorf("%w: outflow %q: grace period end not after now", ErrInvalidInput, l.s.Asset)
	}
	if err := l.begin(now); err != nil {
		return nil, err
	}
	l.st.graceEnd = end
	l.ev.add(Event{Time: now, Kind: EventGrace, Subject: l.s.Asset, Actor: actor,
		Reason: "grace period until " + end.UTC().Format(time.RFC3339Nano)})
	return l.ev.take(), nil
}

// OutflowSnapshot is the serialisable state of an OutflowLimiter.
type OutflowSnapshot struct {
	LiqTotal    decimal.Decimal   `json:"liq_total"`
	LiqInPeriod decimal.Decimal   `json:"liq_in_period"`
	Nodes       []LiquidityBucket `json:"nodes"`
	RateLimited bool              `json:"rate_limited"`
	LastLimit   time.Time         `json:"last_limit"`
	GraceEnd    time.Time         `json:"grace_end"`
	Last        time.Time         `json:"last"`
	Seen        bool              `json:"seen"`
}

// Snapshot returns the limiter's state (copies, UTC times).
func (l *OutflowLimiter) Snapshot() OutflowSnapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	nodes := make([]LiquidityBucket, 0, len(l.st.nodes)-l.st.head)
	for _, n := range l.st.nodes[l.st.head:] {
		nodes = append(nodes, LiquidityBucket{Tick: n.Tick.UTC(), Amount: n.Amount})
	}
	return OutflowSnapshot{LiqTotal: l.st.liqTotal, LiqInPeriod: l.st.liqInPeriod, Nodes: nodes,
		RateLimited: l.st.limited, LastLimit: l.st.lastLimit.UTC(), GraceEnd: l.st.graceEnd.UTC(),
		Last: l.st.last.UTC(), Seen: l.st.seen}
}

// RestoreOutflowLimiter rebuilds a limiter from settings and a snapshot,
// validating every field: whole-unit amounts within bounds, buckets on the
// tick grid in increasing order within the window of the last call, and
// liqInPeriod equal to their sum.
func RestoreOutflowLimiter(s OutflowSettings, snap OutflowSnapshot) (*OutflowLimiter, error) {
	l, err := NewOutflowLimiter(s)
	if err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: outflow %q: %s", ErrInvalidSnapshot, l.s.Asset, fmt.Sprintf(format, a...))
	}
	for _, d := range []decimal.Decimal{snap.LiqTotal, snap.LiqInPeriod} {
		if err := checkUnits(d.Abs(), true); err != nil {
			return nil, bad("liquidity: %v", err)
		}
	}
	if !snap.Seen && (len(snap.Nodes) > 0 || !snap.Last.IsZero() || snap.RateLimited) {
		return nil, bad("state recorded but no call seen")
	}
	if snap.Seen && (snap.Last.Before(time.Unix(0, 0)) || !snap.Last.Before(maxUnixNano)) {
		return nil, bad("last call outside 1970..2262")
	}
	sum := decimal.Zero
	for i, n := range snap.Nodes {
		if err := checkUnits(n.Amount.Abs(), true); err != nil {
			return nil, bad("bucket %d: %v", i, err)
		}
		if n.Tick.Before(time.Unix(0, 0)) || n.Tick.After(snap.Last) || n.Tick.UnixNano()%int64(l.s.TickLength) != 0 ||
			snap.Last.Sub(n.Tick) >= l.s.WithdrawalPeriod || (i > 0 && !n.Tick.After(snap.Nodes[i-1].Tick)) {
			return nil, bad("bucket %d off the tick grid, out of order or outside the window", i)
		}
		sum = sum.Add(n.Amount)
	}
	if !sum.Equal(snap.LiqInPeriod) {
		return nil, bad("liquidity in period %s is not the sum of its buckets", decString(snap.LiqInPeriod))
	}
	if snap.RateLimited && (snap.LastLimit.IsZero() || snap.LastLimit.After(snap.Last)) {
		return nil, bad("rate limited without a trigger time at or before the last call")
	}
	l.st = outflowState{liqTotal: snap.LiqTotal, liqInPeriod: snap.LiqInPeriod, limited: snap.RateLimited,
		lastLimit: instant(snap.LastLimit), graceEnd: instant(snap.GraceEnd), last: instant(snap.Last), seen: snap.Seen}
	for _, n := range snap.Nodes {
		l.st.nodes = append(l.st.nodes, LiquidityBucket{Tick: n.Tick.UTC(), Amount: n.Amount})
	}
	return l, nil
}

// CheckInvariants verifies the limiter's promises: liqInPeriod is exactly
// the sum of the live buckets, which lie on the tick grid in increasing
// order within WithdrawalPeriod of the last call, and a rate limit has a
// trigger time at or before the last call.
func (l *OutflowLimiter) CheckInvariants() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	bad := func(what string) error { return fmt.Errorf("%w: outflow %q: %s", ErrInvariant, l.s.Asset, what) }
	sum := decimal.Zero
	live := l.st.nodes[l.st.head:]
	for i, n := range live {
		if n.Tick.UnixNano()%int64(l.s.TickLength) != 0 || n.Tick.After(l.st.last) ||
			l.st.last.Sub(n.Tick) >= l.s.WithdrawalPeriod || (i > 0 && !n.Tick.After(live[i-1].Tick)) {
			return bad(fmt.Sprintf("bucket %d off the grid, out of order or outside the window", i))
		}
		sum = sum.Add(n.Amount)
	}
	if !sum.Equal(l.st.liqInPeriod) {
		return bad("liquidity in period is not the sum of its buckets")
	}
	if l.st.limited && (l.st.lastLimit.IsZero() || l.st.lastLimit.After(l.st.last)) {
		return bad("rate limited without a trigger time at or before the last call")
	}
	return nil
}

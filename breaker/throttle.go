package breaker

import (
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// throttleBucket is a token bucket of either form: bucket (x/time/rate,
// float64 tokens) or exactBucket (int64 token-nanoseconds, for consensus
// hosts). The limiters hold one and never look inside.
type throttleBucket interface {
	allow(now time.Time, n int) (bool, error)
	tokensAt(now time.Time) float64
	wholeTokens(now time.Time) int64
	snapshot() ThrottleSnapshot
	restore(snap ThrottleSnapshot) error
	check() error
}

// bucket wraps a rate.Limiter used only through its explicit-time methods,
// remembering when its internal state last changed so the state can be
// snapshotted exactly and rebuilt bit-for-bit.
type bucket struct {
	name    string
	limit   rate.Limit
	burst   int
	lim     *rate.Limiter
	changed time.Time // time of the last successful AllowN (rate.Limiter's "last")
	used    bool      // at least one admission
	last    time.Time // last call
	seen    bool
}

func newBucket(name string, limit rate.Limit, burst int) *bucket {
	return &bucket{name: name, limit: limit, burst: burst, lim: rate.NewLimiter(limit, burst)}
}

// allow admits n at now if n tokens are available (rate.Limiter.AllowN).
func (b *bucket) allow(now time.Time, n int) (bool, error) {
	now = instant(now)
	if b.seen && now.Before(b.last) {
		return false, fmt.Errorf("%w: %s: %s < %s", ErrTimeWentBack, b.name, now, b.last)
	}
	b.last, b.seen = now, true
	ok := b.lim.AllowN(now, n)
	if ok {
		b.changed, b.used = now, true
	}
	return ok, nil
}

func (b *bucket) tokensAt(now time.Time) float64 { return b.lim.TokensAt(now) }

func (b *bucket) wholeTokens(now time.Time) int64 { return int64(math.Floor(b.lim.TokensAt(now))) }

// checkFillable rejects a rate so slow that a fresh rate.Limiter (whose
// tokens refill from the zero time, at most ~292 years) would not start
// full, which would make an exact snapshot rebuild impossible.
func checkFillable(name string, r rate.Limit, burst int) error {
	if math.IsInf(float64(r), 0) || math.IsNaN(float64(r)) || float64(r)*time.Duration(math.MaxInt64).Seconds() < float64(burst) {
		return fmt.Errorf("%w: %s: rate %v per second cannot be represented for burst %d", ErrInvalidSettings, name, float64(r), burst)
	}
	return nil
}

// ThrottleSnapshot is the serialisable state of a throttle. For the
// x/time/rate form it is the token count at the time the limiter last
// changed (rate.Limiter's internal pair), so a rebuild on the same machine
// is exact; its Tokens is a float64 that another architecture may compute
// differently (see CountLimiter): a consensus host replicates only the
// exact form's snapshot (Settings.Exact), the integer level at the last
// call.
type ThrottleSnapshot struct {
	At     time.Time `json:"at"`     // last admission; zero when none (bucket full) or Exact
	Tokens float64   `json:"tokens"` // tokens right after that admission; 0 when Exact
	Last   time.Time `json:"last"`   // last call
	Seen   bool      `json:"seen"`   // at least one call
	// Exact marks the integer form's state: Level is the bucket's level at
	// Last, in token-nanoseconds (tokens × Per in ns; full = Burst × Per).
	Exact bool  `json:"exact,omitempty"`
	Level int64 `json:"level,omitempty"`
}

func (b *bucket) snapshot() ThrottleSnapshot {
	s := ThrottleSnapshot{Last: b.last.UTC(), Seen: b.seen}
	if b.used {
		// With no time elapsed since the last change, TokensAt returns the
		// limiter's stored token count exactly.
		s.At, s.Tokens = b.changed.UTC(), b.lim.TokensAt(b.changed)
	}
	return s
}

// restore rebuilds the limiter so that its internal (last, tokens) pair is
// exactly (snap.At, snap.Tokens), using only rate.Limiter's public
// explicit-time methods:
//
//  1. AllowN(At−1s, burst) on a fresh (full) limiter drains it to exactly
//     0 tokens;
//  2. SetLimitAt(At−1s, Tokens) keeps 0 tokens and sets the refill rate to
//     Tokens per second;
//  3. SetLimitAt(At, limit) refills for exactly one second — 1.0 × Tokens,
//     exact in float64 — and restores the real rate.
func (b *bucket) restore(snap ThrottleSnapshot) error {
	if snap.Exact || snap.Level != 0 {
		return fmt.Errorf("%w: %s: an exact throttle's snapshot for an x/time/rate throttle", ErrInvalidSnapshot, b.name)
	}
	if !snap.Seen && (!snap.Last.IsZero() || !snap.At.IsZero()) {
		return fmt.Errorf("%w: %s: state without calls", ErrInvalidSnapshot, b.name)
	}
	if snap.At.After(snap.Last) {
		return fmt.Errorf("%w: %s: admission after the last call", ErrInvalidSnapshot, b.name)
	}
	b.lim = rate.NewLimiter(b.limit, b.burst)
	b.last, b.seen = instant(snap.Last), snap.Seen
	if snap.At.IsZero() {
		if snap.Tokens != 0 {
			return fmt.Errorf("%w: %s: tokens without an admission time", ErrInvalidSnapshot, b.name)
		}
		return nil
	}
	if !tokensInRange(snap.Tokens, b.burst) {
		return fmt.Errorf("%w: %s: tokens %v outside [%v, %d]", ErrInvalidSnapshot, b.name, snap.Tokens, -tokenNoise, b.burst)
	}
	// rate.Limiter admits a request whose shortfall is worth less than a
	// nanosecond of refill, leaving a float64 residue just below zero
	// (e.g. -2^-48). Rebuild such a count as (Tokens + 1) − 1: Tokens + 1
	// is exact (the residue is a multiple of the spacing near 1, Sterbenz),
	// and the same admission of 1 reproduces the residue bit for bit.
	target, take := snap.Tokens, 0
	if target < 0 {
		target, take = snap.Tokens+1, 1
		if target-1 != snap.Tokens || b.burst < 1 {
			return fmt.Errorf("%w: %s: tokens %v cannot be rebuilt", ErrInvalidSnapshot, b.name, snap.Tokens)
		}
	}
	at := instant(snap.At)
	pre := at.Add(-time.Second)
	if !b.lim.AllowN(pre, b.burst) {
		return fmt.Errorf("%w: %s: cannot drain the limiter", ErrInvalidSnapshot, b.name)
	}
	b.lim.SetLimitAt(pre, rate.Limit(target))
	b.lim.SetLimitAt(at, b.limit)
	if take > 0 && !b.lim.AllowN(at, take) {
		return fmt.Errorf("%w: %s: tokens %v cannot be rebuilt", ErrInvalidSnapshot, b.name, snap.Tokens)
	}
	if got := b.lim.TokensAt(at); got != snap.Tokens {
		return fmt.Errorf("%w: %s: rebuilt %v tokens, want %v", ErrInvalidSnapshot, b.name, got, snap.Tokens)
	}
	b.changed, b.used = at, true
	return nil
}

// tokenNoise is how far below zero rate.Limiter's float64 token count may
// fall after an admission: it admits a request whose shortfall is worth
// less than one nanosecond of refill (its wait rounds to 0), leaving a
// residue like -2^-48 tokens. Anything further below zero is corruption.
const tokenNoise = 1e-6

func tokensInRange(tk float64, burst int) bool {
	return !math.IsNaN(tk) && tk >= -tokenNoise && tk <= float64(burst)
}

// check verifies the bucket: no admission without a call, the last
// admission no later than the last call, and the token count at that
// admission within [-tokenNoise, burst].
func (b *bucket) check() error {
	if !b.seen && (b.used || !b.last.IsZero()) {
		return fmt.Errorf("%w: %s: state without calls", ErrInvariant, b.name)
	}
	if b.used && b.changed.After(b.last) {
		return fmt.Errorf("%w: %s: admission after the last call", ErrInvariant, b.name)
	}
	if b.used {
		if tk := b.lim.TokensAt(b.changed); !tokensInRange(tk, b.burst) {
			return fmt.Errorf("%w: %s: tokens %v outside [%v, %d]", ErrInvariant, b.name, tk, -tokenNoise, b.burst)
		}
	}
	return nil
}

// CountSettings configures a CountLimiter.
type CountSettings struct {
	// Name identifies the throttle in events. Default "count-limiter".
	Name string
	// Events per Per is the sustained rate, e.g. 50 per second. Both > 0.
	Events int
	Per    time.Duration // the period of Events
	// Burst is the bucket size: how many may pass at once. Default Events.
	Burst int
	// Exact selects the integer token bucket instead of x/time/rate's
	// float64 one: the same limit, exactly, with a state of two integers
	// and a time that is bit-identical on every machine. Set it when the
	// throttle's state is replicated (a consensus host); the snapshots of
	// the two forms are not interchangeable. Default false
	// (golang.org/x/time/rate). Burst × Per must fit in 2^62 ns.
	Exact bool
}

func (s *CountSettings) normalise() error {
	if s.Name == "" {
		s.Name = "count-limiter"
	}
	if s.Events <= 0 || s.Per <= 0 {
		return fmt.Errorf("%w: %s: rate %d per %s must be positive", ErrInvalidSettings, s.Name, s.Events, s.Per)
	}
	if s.Burst < 0 {
		return fmt.Errorf("%w: %s: burst %d < 0", ErrInvalidSettings, s.Name, s.Burst)
	}
	if s.Burst == 0 {
		s.Burst = s.Events
	}
	if s.Exact {
		return nil // newExactBucket bounds Burst × Per
	}
	return checkFillable(s.Name, s.rate(), s.Burst)
}

// rate returns the refill rate in events per second (Events / Per).
func (s CountSettings) rate() rate.Limit { return rate.Limit(float64(s.Events) / s.Per.Seconds()) }

// CountLimiter admits at most Burst + rate × elapsed events over any
// period (e.g. at most 50 liquidations per second), over a token bucket
// (golang.org/x/time/rate, or the integer form when Exact) driven only by
// explicit times, so a replay on one machine is deterministic. Safe for
// concurrent use (one mutex).
//
// Replication. The default form keeps its token count as a float64 inside
// rate.Limiter (and in ThrottleSnapshot.Tokens), refilled as tokens +
// elapsed.Seconds() × rate. The Go specification lets a compiler fuse that
// multiply and add into one instruction, rounded once (Floating-point
// operators: "An implementation may combine multiple floating-point
// operations into a single fused operation"); gc does so on arm64,
// ppc64le and s390x and not on amd64, so two machines given the same
// inputs can hold different token counts and, at a boundary, decide
// differently. A consensus host (a blockchain, a Raft group) must
// therefore not replicate the default form — neither its snapshot nor its
// decisions — and sets Exact instead: the same limit in int64
// token-nanoseconds, every decision and snapshot bit-identical on every
// machine (TestReplayCountLimiter holds for both forms on one machine). TokensAt is
// a float64 for display in either form: never replicate it.
type CountLimiter struct {
	s  CountSettings
	mu sync.Mutex
	b  throttleBucket
}

// NewCountLimiter validates s and returns a full limiter.
func NewCountLimiter(s CountSettings) (*CountLimiter, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	if s.Exact {
		b, err := newExactBucket(s.Name, int64(s.Events), s.Per, int64(s.Burst))
		if err != nil {
			return nil, err
		}
		return &CountLimiter{s: s, b: b}, nil
	}
	return &CountLimiter{s: s, b: newBucket(s.Name, s.rate(), s.Burst)}, nil
}

// AllowN reports whether n events may happen at now, consuming n tokens if
// so (rate.Limiter.AllowN). n must be > 0 and at most Burst: a larger n
// could never pass and is an error (ErrInvalidInput, as NotionalLimiter
// does for a notional above its burst: split it); now must not go back in
// time. A refusal (false or an error) changes nothing but the time of the
// last call.
func (l *CountLimiter) AllowN(now time.Time, n int) (bool, error) {
	if n <= 0 {
		return false, fmt.Errorf("%w: %s: n = %d", ErrInvalidInput, l.s.Name, n)
	}
	if n > l.s.Burst {
		return false, fmt.Errorf("%w: %s: n = %d is more than the burst of %d: split it", ErrInvalidInput, l.s.Name, n, l.s.Burst)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.allow(now, n)
}

// Allow is AllowN(now, 1).
func (l *CountLimiter) Allow(now time.Time) (bool, error) { return l.AllowN(now, 1) }

// TokensAt returns the tokens available at now (without consuming), as a
// float64 for display: never replicate it (the exact form's state is its
// Snapshot).
func (l *CountLimiter) TokensAt(now time.Time) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.tokensAt(now)
}

// Snapshot returns the limiter's state.
func (l *CountLimiter) Snapshot() ThrottleSnapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.snapshot()
}

// CheckInvariants verifies the limiter's state (see ThrottleSnapshot):
// admissions only after calls, none after the last call, and a token count
// within [0, Burst].
func (l *CountLimiter) CheckInvariants() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.check()
}

// RestoreCountLimiter rebuilds a CountLimiter exactly from a snapshot.
func RestoreCountLimiter(s CountSettings, snap ThrottleSnapshot) (*CountLimiter, error) {
	l, err := NewCountLimiter(s)
	if err != nil {
		return nil, err
	}
	if err := l.b.restore(snap); err != nil {
		return nil, err
	}
	return l, nil
}

package breaker

import (
	"fmt"
	"math"
	"time"
)

// exactBucket is the throttles' integer token bucket, for hosts that
// replicate a throttle's state across machines (a blockchain, a Raft
// group): x/time/rate keeps a float64 token count, whose rounding a
// consensus host must not depend on. Here the bucket's level is an int64
// in token-nanoseconds (tokens × Per in ns), refilled by exactly
// events × elapsed ns: a token is worth per units, so a rate of events per
// per adds events units each nanosecond and no division ever rounds. Over
// any interval it admits at most burst + events × elapsed / per tokens —
// the same bound as rate.Limiter, exactly.
//
// The level is brought up to date at every call (admitted or not), so the
// state is (level, at) and a snapshot is two integers and a time.
type exactBucket struct {
	name   string
	events int64 // tokens added per per
	per    int64 // ns
	burst  int64 // tokens
	full   int64 // burst × per
	level  int64 // token-ns at at
	at     time.Time
	seen   bool
}

// maxExactLevel bounds burst × per so that level + events × Δ never
// overflows before it is compared with full (events × Δ is only formed
// when it is below full − level).
const maxExactLevel = math.MaxInt64 / 2

func newExactBucket(name string, events int64, per time.Duration, burst int64) (*exactBucket, error) {
	if events <= 0 || per <= 0 || burst <= 0 {
		return nil, fmt.Errorf("%w: %s: rate %d per %s, burst %d must be positive", ErrInvalidSettings, name, events, per, burst)
	}
	if burst > maxExactLevel/int64(per) {
		return nil, fmt.Errorf("%w: %s: burst %d × per %s exceeds the exact bucket's range (2^62 token-ns)", ErrInvalidSettings, name, burst, per)
	}
	full := burst * int64(per)
	return &exactBucket{name: name, events: events, per: int64(per), burst: burst, full: full, level: full}, nil
}

// refill returns the level at now (now not before b.at).
func (b *exactBucket) refill(now time.Time) int64 {
	if !b.seen {
		return b.level
	}
	room := b.full - b.level
	if room == 0 {
		return b.full
	}
	dt := now.Sub(b.at) // saturates at ~292 years, which fills any bucket
	// events × dt ≥ room ⇔ dt ≥ ⌈room / events⌉.
	if int64(dt) >= (room+b.events-1)/b.events {
		return b.full
	}
	return b.level + b.events*int64(dt)
}

func (b *exactBucket) allow(now time.Time, n int) (bool, error) {
	now = instant(now)
	if b.seen && now.Before(b.at) {
		return false, fmt.Errorf("%w: %s: %s < %s", ErrTimeWentBack, b.name, now, b.at)
	}
	level := b.refill(now)
	b.level, b.at, b.seen = level, now, true
	cost := int64(n) * b.per // n ≤ burst, so cost ≤ full
	if level < cost {
		return false, nil
	}
	b.level -= cost
	return true, nil
}

// wholeTokens returns ⌊tokens⌋ at now (now ≥ the last call; an earlier now
// reads the level of the last call).
func (b *exactBucket) wholeTokens(now time.Time) int64 {
	if b.seen && now.Before(b.at) {
		return b.level / b.per
	}
	return b.refill(now) / b.per
}

func (b *exactBucket) tokensAt(now time.Time) float64 {
	if b.seen && now.Before(b.at) {
		return float64(b.level) / float64(b.per)
	}
	return float64(b.refill(now)) / float64(b.per)
}

func (b *exactBucket) snapshot() ThrottleSnapshot {
	s := ThrottleSnapshot{Exact: true, Level: b.level, Seen: b.seen}
	if b.seen {
		s.Last = b.at.UTC()
	}
	return s
}

func (b *exactBucket) restore(snap ThrottleSnapshot) error {
	if !snap.Exact || snap.Tokens != 0 || !snap.At.IsZero() {
		return fmt.Errorf("%w: %s: not an exact throttle's snapshot", ErrInvalidSnapshot, b.name)
	}
	if snap.Level < 0 || snap.Level > b.full {
		return fmt.Errorf("%w: %s: level %d outside [0, %d]", ErrInvalidSnapshot, b.name, snap.Level, b.full)
	}
	if !snap.Seen && (!snap.Last.IsZero() || snap.Level != b.full) {
		return fmt.Errorf("%w: %s: state without calls", ErrInvalidSnapshot, b.name)
	}
	b.level, b.at, b.seen = snap.Level, instant(snap.Last), snap.Seen
	return nil
}

func (b *exactBucket) check() error {
	if b.level < 0 || b.level > b.full {
		return fmt.Errorf("%w: %s: level %d outside [0, %d]", ErrInvariant, b.name, b.level, b.full)
	}
	if !b.seen && (b.level != b.full || !b.at.IsZero()) {
		return fmt.Errorf("%w: %s: state without calls", ErrInvariant, b.name)
	}
	return nil
}

package breaker

import (
	"fmt"
	"sync"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
	"golang.org/x/time/rate"
)

// NotionalSettings configures a NotionalLimiter.
type NotionalSettings struct {
	// Name identifies the throttle in events. Default "notional-limiter".
	Name string
	// Max notional per Per is the sustained rate, e.g. 5,000,000 USD of
	// collateral put up for auction per minute. Both > 0.
	Max decimal.Decimal
	Per time.Duration // the period of Max
	// Burst is the most notional that may pass at once. Default Max.
	Burst decimal.Decimal
	// Unit is the notional of one token, e.g. 1 (one dollar) or 0.01 (one
	// cent). Default 1. Notionals are converted to whole units rounding UP
	// (a request never takes fewer tokens than its notional), while Max and
	// Burst are converted rounding DOWN (the limiter never grants more than
	// configured), so the configured notional limit is never exceeded.
	// Max/Unit and Burst/Unit must fit in 2^53 units (exact in float64).
	Unit decimal.Decimal
	// Exact selects the integer token bucket, as CountSettings.Exact does:
	// bit-identical state on every machine, for replicated throttles.
	// Default false (golang.org/x/time/rate). Burst/Unit × Per must fit
	// in 2^62 ns.
	Exact bool
}

// NotionalLimiter caps notional per unit of time (a token bucket weighted
// by notional over golang.org/x/time/rate, driven only by explicit times).
// Over any period it admits at most Burst + Max × elapsed / Per, in whole
// Units. Safe for concurrent use (one mutex).
//
// Replication. The default form keeps its token count as a float64 inside
// rate.Limiter (in units; and in ThrottleSnapshot.Tokens), refilled as tokens +
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
// machine (TestReplayNotionalLimiter holds for both forms on one machine). TokensAt is
// a float64 for display in either form: never replicate it.
type NotionalLimiter struct {
	s          NotionalSettings
	maxUnits   int64
	burstUnits int
	mu         sync.Mutex
	b          throttleBucket
}

const maxExactUnits = 1 << 53

func (s *NotionalSettings) normalise() (maxUnits int64, burstUnits int, err error) {
	if s.Name == "" {
		s.Name = "notional-limiter"
	}
	if s.Unit.IsZero() {
		s.Unit = decimal.NewFromInt(1)
	}
	if s.Burst.IsZero() {
		s.Burst = s.Max
	}
	for _, f := range []struct {
		name string
		d    decimal.Decimal
	}{{"max", s.Max}, {"burst", s.Burst}, {"unit", s.Unit}} {
		if err := num.CheckPositive(f.d); err != nil {
			return 0, 0, fmt.Errorf("%w: %s: %s: %w", ErrInvalidSettings, s.Name, f.name, err)
		}
	}
	if s.Per <= 0 {
		return 0, 0, fmt.Errorf("%w: %s: per %s ≤ 0", ErrInvalidSettings, s.Name, s.Per)
	}
	mu := num.DivFloor(s.Max, s.Unit, 0)
	bu := num.DivFloor(s.Burst, s.Unit, 0)
	lim := decimal.NewFromInt(maxExactUnits)
	if mu.Sign() <= 0 || bu.Sign() <= 0 || mu.Cmp(lim) > 0 || bu.Cmp(lim) > 0 {
		return 0, 0, fmt.Errorf("%w: %s: max %s / burst %s must be between one unit %s and 2^53 units", ErrInvalidSettings, s.Name, s.Max, s.Burst, s.Unit)
	}
	if s.Exact {
		return mu.IntPart(), int(bu.IntPart()), nil // newExactBucket bounds the rest
	}
	if err := checkFillable(s.Name, rate.Limit(float64(mu.IntPart())/s.Per.Seconds()), int(bu.IntPart())); err != nil {
		return 0, 0, err
	}
	return mu.IntPart(), int(bu.IntPart()), nil
}

// NewNotionalLimiter validates s and returns a full limiter.
func NewNotionalLimiter(s NotionalSettings) (*NotionalLimiter, error) {
	mu, bu, err := s.normalise()
	if err != nil {
		return nil, err
	}
	if s.Exact {
		b, err := newExactBucket(s.Name, mu, s.Per, int64(bu))
		if err != nil {
			return nil, err
		}
		return &NotionalLimiter{s: s, maxUnits: mu, burstUnits: bu, b: b}, nil
	}
	r := rate.Limit(float64(mu) / s.Per.Seconds())
	return &NotionalLimiter{s: s, maxUnits: mu, burstUnits: bu, b: newBucket(s.Name, r, bu)}, nil
}

// units converts a notional to tokens: ceil(notional / Unit).
func (l *NotionalLimiter) units(notional decimal.Decimal) (int, error) {
	if err := num.CheckPositive(notional); err != nil {
		return 0, fmt.Errorf("%w: %s: notional: %w", ErrInvalidInput, l.s.Name, err)
	}
	u := num.DivCeil(notional, l.s.Unit, 0)
	if u.Cmp(decimal.NewFromInt(int64(l.burstUnits))) > 0 {
		return 0, fmt.Errorf("%w: %s: notional %s is %s units, more than the burst of %d: split it",
			ErrInvalidInput, l.s.Name, notional, u, l.burstUnits)
	}
	return int(u.IntPart()), nil
}

// Allow reports whether notional may pass at now, consuming its units if
// so. notional must be > 0 and at most Burst (larger is an error: it could
// never pass); now must not go back in time.
func (l *NotionalLimiter) Allow(now time.Time, notional decimal.Decimal) (bool, error) {
	n, err := l.units(notional)
	if err != nil {
		return false, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.allow(now, n)
}

// Available returns the notional that could pass at now (whole units,
// rounded down), without consuming.
func (l *NotionalLimiter) Available(now time.Time) decimal.Decimal {
	l.mu.Lock()
	defer l.mu.Unlock()
	return decimal.NewFromInt(l.b.wholeTokens(now)).Mul(l.s.Unit)
}

// Snapshot returns the limiter's state (tokens are in units).
func (l *NotionalLimiter) Snapshot() ThrottleSnapshot {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.snapshot()
}

// CheckInvariants verifies the limiter's state as CountLimiter's does
// (tokens in units, within [0, Burst/Unit]).
func (l *NotionalLimiter) CheckInvariants() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.check()
}

// RestoreNotionalLimiter rebuilds a NotionalLimiter exactly from a snapshot.
func RestoreNotionalLimiter(s NotionalSettings, snap ThrottleSnapshot) (*NotionalLimiter, error) {
	l, err := NewNotionalLimiter(s)
	if err != nil {
		return nil, err
	}
	if err := l.b.restore(snap); err != nil {
		return nil, err
	}
	return l, nil
}

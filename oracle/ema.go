package oracle

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// EMASettings configures an EMA.
type EMASettings struct {
	// HalfLife is the time after which an old price's weight halves.
	// Required: must be positive.
	HalfLife time.Duration `json:"half_life"`
	// Scale is the number of places the average is rounded to, half-even.
	// Default DefaultScale (18); at most 36.
	Scale int32 `json:"scale"`
}

// EMA is a continuous-time exponential moving average with a half-life, for
// irregular updates. Each price holds from its update until the next (a step
// function, as in the TWAP), and the average of that step function at time
// t, after the last update at t₀ with price p, is
//
//	ema(t) = p + 2^(−(t−t₀)/h) × (ema(t₀) − p)
//
// The decay factor d = 2^(−Δt/h) is computed in decimal only (see decay.go:
// within 1e−30 of exact, always in [0, 1]); the result is
// rounded half-even to Scale places and clamped to [min(p, ema(t₀)),
// max(p, ema(t₀))].
//
// Bounds (proved, and checked by CheckInvariants): with d ∈ [0, 1] the exact
// value p + d(e − p) lies between p and e, and the clamp keeps the rounded
// one there. By induction, if e lies within [min, max] of the prices seen so
// far and p is a price seen, the new average does too: the EMA never leaves
// [min, max] of its inputs.
//
// EMA is safe for concurrent use (one mutex).
type EMA struct {
	mu sync.Mutex
	s  EMASettings
	st emaState
}

type emaState struct {
	has      bool
	value    decimal.Decimal // the average at t
	price    decimal.Decimal // the last price, held from t on
	t        time.Time
	min, max decimal.Decimal
}

// NewEMA validates s and returns an empty EMA.
func NewEMA(s EMASettings) (*EMA, error) {
	if s.HalfLife <= 0 {
		return nil, fmt.Errorf("%w: EMA HalfLife must be positive, got %s", ErrInvalidSettings, s.HalfLife)
	}
	var err error
	if s.Scale, err = checkScale("EMA Scale", s.Scale); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSettings, err)
	}
	return &EMA{s: s}, nil
}

// Update feeds price observed at now and returns the average at now (the
// first price starts the average at itself). A time before the last update
// or a bad price is an error and changes nothing.
func (e *EMA) Update(now time.Time, price decimal.Decimal) (decimal.Decimal, error) {
	if err := checkPoint(now, price); err != nil {
		return decimal.Zero, err
	}
	now = instant(now)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.st.has {
		e.st = emaState{has: true, value: price, price: price, t: now, min: price, max: price}
		return price, nil
	}
	v, err := e.valueAt(now)
	if err != nil {
		return decimal.Zero, err
	}
	e.st.value, e.st.price, e.st.t = v, price, now
	e.st.min, e.st.max = num.MinOf(e.st.min, price), num.MaxOf(e.st.max, price)
	return v, nil
}

// Value returns the average at now (now not before the last update), or
// ErrNoPrice before the first update.
func (e *EMA) Value(now time.Time) (decimal.Decimal, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.st.has {
		return decimal.Zero, ErrNoPrice
	}
	return e.valueAt(now)
}

func (e *EMA) valueAt(now time.Time) (decimal.Decimal, error) {
	st := &e.st
	if now.Before(st.t) {
		return decimal.Zero, fmt.Errorf("%w: %s before last update %s", ErrOutOfOrder, now.Format(time.RFC3339Nano), st.t.Format(time.RFC3339Nano))
	}
	d := decay(now.Sub(st.t), e.s.HalfLife)
	v := num.Round(st.price.Add(d.Mul(st.value.Sub(st.price))), e.s.Scale, num.HalfEven)
	return clamp(v, num.MinOf(st.price, st.value), num.MaxOf(st.price, st.value)), nil
}

// checkPoint validates a (time, price) input of a stateful type; the error
// wraps ErrInvalidInput.
func checkPoint(now time.Time, price decimal.Decimal) error {
	if err := pointProblem(now, price); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidInput, err)
	}
	return nil
}

// pointProblem is checkPoint's test, with an error that carries no sentinel.
func pointProblem(now time.Time, price decimal.Decimal) error {
	if err := timeProblem(now); err != nil {
		return err
	}
	if err := num.CheckPositive(price); err != nil {
		return fmt.Errorf("price: %w", err)
	}
	return nil
}

// EMASnapshot is an EMA's state as plain JSON-serialisable data.
type EMASnapshot struct {
	HasValue bool            `json:"has_value"` // false before the first update
	Value    decimal.Decimal `json:"value"`     // the average at Time
	Price    decimal.Decimal `json:"price"`     // the last price, held from Time
	Time     time.Time       `json:"time"`      // the last update
	Min      decimal.Decimal `json:"min"`       // smallest price seen
	Max      decimal.Decimal `json:"max"`       // largest price seen
}

// Snapshot returns the EMA's state for RestoreEMA.
func (e *EMA) Snapshot() EMASnapshot {
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	return EMASnapshot{HasValue: st.has, Value: st.value, Price: st.price, Time: st.t, Min: st.min, Max: st.max}
}

// RestoreEMA rebuilds an EMA from settings and a snapshot, validating every
// field (ErrInvalidSnapshot).
func RestoreEMA(s EMASettings, snap EMASnapshot) (*EMA, error) {
	e, err := NewEMA(s)
	if err != nil {
		return nil, err
	}
	if err := checkEMA(snap); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	e.st = emaState{has: snap.HasValue, value: snap.Value, price: snap.Price, t: instant(snap.Time), min: snap.Min, max: snap.Max}
	return e, nil
}

// CheckInvariants verifies the EMA's promise: its average and last price
// lie within [Min, Max] of the prices it has seen.
func (e *EMA) CheckInvariants() error {
	if err := checkEMA(e.Snapshot()); err != nil {
		return fmt.Errorf("%w: %w", ErrInvariant, err)
	}
	return nil
}

func checkEMA(s EMASnapshot) error {
	if !s.HasValue {
		if !s.Value.IsZero() || !s.Price.IsZero() || !s.Min.IsZero() || !s.Max.IsZero() || !s.Time.IsZero() {
			return errors.New("EMA without a value has fields set")
		}
		return nil
	}
	for _, d := range []decimal.Decimal{s.Value, s.Price, s.Min, s.Max} {
		if err := num.CheckPositive(d); err != nil {
			return fmt.Errorf("EMA: %w", err)
		}
	}
	if err := timeProblem(s.Time); err != nil {
		return fmt.Errorf("EMA: %w", err)
	}
	if s.Min.Cmp(s.Max) > 0 || s.Value.Cmp(s.Min) < 0 || s.Value.Cmp(s.Max) > 0 ||
		s.Price.Cmp(s.Min) < 0 || s.Price.Cmp(s.Max) > 0 {
		return fmt.Errorf("EMA value %s or price %s outside [%s, %s]", s.Value, s.Price, s.Min, s.Max)
	}
	return nil
}

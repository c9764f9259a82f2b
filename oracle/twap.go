package oracle

import (
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// TWAPSettings configures a TWAP.
type TWAPSettings struct {
	// Window is the averaging period ending at now. Required: positive.
	Window time.Duration `json:"window"`
	// Scale is the number of places the average is rounded to, half-even.
	// Default DefaultScale (18); at most 36.
	Scale int32 `json:"scale"`
	// MaxObservations caps the history kept inside the window; beyond it
	// the oldest observations are dropped (the average then covers less
	// than the window). Default 4096; at most MaxQuotes (65,536), so a
	// Value stays in milliseconds.
	MaxObservations int `json:"max_observations"`
	// MinCoverage is the least time the observations must cover inside
	// the window for Value to answer; shorter is ErrShortHistory. Uniswap
	// v3's observe reverts ("OLD") rather than average a shorter span than
	// asked for; MinCoverage = Window is that rule, a smaller value
	// tolerates a young history. Default 0: off (a young TWAP averages
	// what it has, down to the last price alone). At most Window.
	MinCoverage time.Duration `json:"min_coverage"`
}

// Observation is one (time, price) input of a TWAP.
type Observation struct {
	Time  time.Time       `json:"time"`  // when the price was observed
	Price decimal.Decimal `json:"price"` // positive
}

// TWAP is a time-weighted average price over a sliding window, for
// irregular updates: each price holds from its observation until the next
// one (the last until now), as Uniswap v3's accumulator weights a tick by
// the seconds it was current. Over the window [now − Window, now]:
//
//	TWAP = Σ pᵢ × |[tᵢ, tᵢ₊₁) ∩ window| / Σ |[tᵢ, tᵢ₊₁) ∩ window|
//
// with durations in nanoseconds, divided with num.Div at Scale places,
// half-even, and clamped to [min, max] of the prices that carried weight, so
// the TWAP never leaves the range of the prices it saw. This is the
// arithmetic time-weighted mean (Uniswap v2's price accumulators). Uniswap
// v3 accumulates ticks, log₁.₀₀₀₁ of the price, so its TWAP is the
// time-weighted geometric mean, which is never above this one (AM ≥ GM)
// and gives a short spike less pull. When the history
// starts inside the window, the average covers [first observation, now]
// only; when all weight is zero (a single observation at now) it is the last
// price.
//
// TWAP is safe for concurrent use (one mutex).
type TWAP struct {
	mu  sync.Mutex
	s   TWAPSettings
	obs []Observation
}

// NewTWAP validates s and returns an empty TWAP.
func NewTWAP(s TWAPSettings) (*TWAP, error) {
	if s.Window <= 0 {
		return nil, fmt.Errorf("%w: TWAP Window must be positive, got %s", ErrInvalidSettings, s.Window)
	}
	var err error
	if s.Scale, err = checkScale("TWAP Scale", s.Scale); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSettings, err)
	}
	if s.MaxObservations < 0 || s.MaxObservations > MaxQuotes {
		return nil, fmt.Errorf("%w: TWAP MaxObservations must lie in [0, %d], got %d", ErrInvalidSettings, MaxQuotes, s.MaxObservations)
	}
	if s.MaxObservations == 0 {
		s.MaxObservations = 4096
	}
	if s.MinCoverage < 0 || s.MinCoverage > s.Window {
		return nil, fmt.Errorf("%w: TWAP MinCoverage must lie in [0, Window %s], got %s", ErrInvalidSettings, s.Window, s.MinCoverage)
	}
	return &TWAP{s: s}, nil
}

// Update records price observed at now. An update at the same time as the
// last one replaces it; an earlier time or a bad price is an error and
// changes nothing. Observations that can no longer reach the window are
// dropped.
func (w *TWAP) Update(now time.Time, price decimal.Decimal) error {
	if err := checkPoint(now, price); err != nil {
		return err
	}
	now = instant(now)
	w.mu.Lock()
	defer w.mu.Unlock()
	if n := len(w.obs); n > 0 {
		last := w.obs[n-1].Time
		if now.Before(last) {
			return fmt.Errorf("%w: %s before last update %s", ErrOutOfOrder, now.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
		}
		if now.Equal(last) {
			w.obs[n-1].Price = price
			return nil
		}
	}
	w.obs = append(w.obs, Observation{Time: now, Price: price})
	start := now.Add(-w.s.Window)
	drop := 0
	for drop+1 < len(w.obs) && !w.obs[drop+1].Time.After(start) {
		drop++
	}
	if extra := len(w.obs) - drop - w.s.MaxObservations; extra > 0 {
		drop += extra
	}
	if drop > 0 {
		w.obs = append(w.obs[:0:0], w.obs[drop:]...)
	}
	return nil
}

// Value returns the TWAP over [now − Window, now], or ErrNoPrice before the
// first update, or ErrShortHistory when the observations cover less than
// MinCoverage of the window. now must not be before the last update.
func (w *TWAP) Value(now time.Time) (decimal.Decimal, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := len(w.obs)
	if n == 0 {
		return decimal.Zero, ErrNoPrice
	}
	if last := w.obs[n-1].Time; now.Before(last) {
		return decimal.Zero, fmt.Errorf("%w: %s before last update %s", ErrOutOfOrder, now.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
	}
	start := now.Add(-w.s.Window)
	sum, total := decimal.Zero, int64(0)
	var lo, hi decimal.Decimal
	for i, o := range w.obs {
		a, b := o.Time, now
		if i+1 < n {
			b = w.obs[i+1].Time
		}
		if a.Before(start) {
			a = start
		}
		if !b.After(a) {
			continue
		}
		dur := int64(b.Sub(a))
		if total == 0 {
			lo, hi = o.Price, o.Price
		} else {
			lo, hi = num.MinOf(lo, o.Price), num.MaxOf(hi, o.Price)
		}
		sum = sum.Add(o.Price.Mul(decimal.NewFromInt(dur)))
		total += dur
	}
	if covered := time.Duration(total); covered < w.s.MinCoverage {
		return decimal.Zero, fmt.Errorf("%w: observations cover %s of the window, need %s", ErrShortHistory, covered, w.s.MinCoverage)
	}
	if total == 0 {
		return w.obs[n-1].Price, nil
	}
	v := num.Div(sum, decimal.NewFromInt(total), w.s.Scale, num.HalfEven)
	return clamp(v, lo, hi), nil
}

// TWAPSnapshot is a TWAP's state as plain JSON-serialisable data.
type TWAPSnapshot struct {
	Observations []Observation `json:"observations"` // oldest first, strictly increasing times
}

// Snapshot returns the TWAP's state for RestoreTWAP.
func (w *TWAP) Snapshot() TWAPSnapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	return TWAPSnapshot{Observations: append([]Observation(nil), w.obs...)}
}

// RestoreTWAP rebuilds a TWAP from settings and a snapshot, validating it
// (ErrInvalidSnapshot): positive prices, strictly increasing times, no more
// than MaxObservations.
func RestoreTWAP(s TWAPSettings, snap TWAPSnapshot) (*TWAP, error) {
	w, err := NewTWAP(s)
	if err != nil {
		return nil, err
	}
	if err := w.checkObs(snap.Observations); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	w.obs = make([]Observation, len(snap.Observations))
	for i, o := range snap.Observations {
		w.obs[i] = Observation{Time: instant(o.Time), Price: o.Price}
	}
	return w, nil
}

// CheckInvariants verifies the history is well formed: positive prices,
// strictly increasing times, within MaxObservations.
func (w *TWAP) CheckInvariants() error {
	if err := w.checkObs(w.Snapshot().Observations); err != nil {
		return fmt.Errorf("%w: TWAP: %w", ErrInvariant, err)
	}
	return nil
}

func (w *TWAP) checkObs(obs []Observation) error {
	if len(obs) > w.s.MaxObservations {
		return fmt.Errorf("%d observations, more than %d", len(obs), w.s.MaxObservations)
	}
	for i, o := range obs {
		if err := pointProblem(o.Time, o.Price); err != nil {
			return fmt.Errorf("observation %d: %w", i, err)
		}
		if i > 0 && !o.Time.After(obs[i-1].Time) {
			return fmt.Errorf("observation %d not after the one before", i)
		}
	}
	return nil
}

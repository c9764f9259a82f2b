package breaker

import (
	"fmt"
	"sync"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// AnomalySettings configures an AnomalyTrigger. The defaults suit a price
// or a liquidity figure sampled every minute.
type AnomalySettings struct {
	// Name identifies the trigger in events. Default "anomaly".
	Name string
	// Window is the learning period: the baseline learns once per window,
	// from the window's last value. Default 1 minute.
	Window time.Duration
	// Lambda is the EWMA decay of the baseline mean and variance
	// (RiskMetrics' λ; J.P. Morgan/Reuters, RiskMetrics — Technical
	// Document, 4th ed. 1996, recommends 0.94 for daily data). Default 0.94.
	// Range (0, 1).
	Lambda decimal.Decimal
	// TripZ: the trigger trips when |value − baseline| ≥ TripZ × scale.
	// Default 4.
	TripZ decimal.Decimal
	// ResetZ: a tripped trigger resets when |value − baseline| ≤ ResetZ ×
	// scale. Default 2. Must be < TripZ (hysteresis).
	ResetZ decimal.Decimal
	// WarmUp is the number of windows learned before the trigger may trip;
	// during them the baseline follows the EWMA without the drift cap.
	// Default 10. Range 0..1,000,000.
	WarmUp int
	// MaxDrift caps how far the baseline may move per window after warm-up,
	// relative to itself: |Δbaseline| ≤ MaxDrift × baseline — before and
	// during an alarm, so a path cannot walk it (see AnomalyTrigger for the
	// bound this gives). Default 0.01. Range (0, 1).
	MaxDrift decimal.Decimal
	// MinScale and MaxScale bound the scale (the EWMA standard deviation)
	// relative to the baseline: scale = clamp(σ, MinScale × baseline,
	// MaxScale × baseline). MinScale keeps a flat stream from tripping on a
	// tick; MaxScale keeps a volatile path from widening the thresholds
	// without end. Defaults 0.001 and 0.05; 0 < MinScale ≤ MaxScale < 1.
	MinScale, MaxScale decimal.Decimal
	// InitialScale is the scale before anything is learned, relative to the
	// first value (the variance starts at (InitialScale × first value)²).
	// Default MinScale.
	InitialScale decimal.Decimal
}

func (s *AnomalySettings) normalise() error {
	if s.Name == "" {
		s.Name = "anomaly"
	}
	if s.Window < 0 {
		return fmt.Errorf("%w: anomaly %q: window %s < 0", ErrInvalidSettings, s.Name, s.Window)
	}
	if s.Window == 0 {
		s.Window = time.Minute
	}
	defaultDec(&s.Lambda, "0.94")
	defaultDec(&s.TripZ, "4")
	defaultDec(&s.ResetZ, "2")
	defaultDec(&s.MaxDrift, "0.01")
	defaultDec(&s.MinScale, "0.001")
	defaultDec(&s.MaxScale, "0.05")
	if s.InitialScale.IsZero() {
		s.InitialScale = s.MinScale
	}
	if s.WarmUp == 0 {
		s.WarmUp = 10
	}
	if s.WarmUp < 0 || s.WarmUp > 1_000_000 {
		return fmt.Errorf("%w: anomaly %q: warm-up %d outside 1..1000000", ErrInvalidSettings, s.Name, s.WarmUp)
	}
	one := decimal.NewFromInt(1)
	for _, f := range []struct {
		name string
		d    decimal.Decimal
		lt1  bool
	}{{"lambda", s.Lambda, true}, {"trip z", s.TripZ, false}, {"reset z", s.ResetZ, false}, {"max drift", s.MaxDrift, true},
		{"min scale", s.MinScale, true}, {"max scale", s.MaxScale, true}, {"initial scale", s.InitialScale, true}} {
		if err := num.CheckPositive(f.d); err != nil {
			return fmt.Errorf("%w: anomaly %q: %s: %w", ErrInvalidSettings, s.Name, f.name, err)
		}
		if f.lt1 && f.d.Cmp(one) >= 0 {
			return fmt.Errorf("%w: anomaly %q: %s %s ≥ 1", ErrInvalidSettings, s.Name, f.name, f.d)
		}
		if f.d.Exponent() < -18 || f.d.Cmp(decimal.NewFromInt(1000)) > 0 {
			return fmt.Errorf("%w: anomaly %q: %s outside 1e-18..1000", ErrInvalidSettings, s.Name, f.name)
		}
	}
	if s.ResetZ.Cmp(s.TripZ) >= 0 {
		return fmt.Errorf("%w: anomaly %q: reset z %s ≥ trip z %s", ErrInvalidSettings, s.Name, s.ResetZ, s.TripZ)
	}
	if s.MinScale.Cmp(s.MaxScale) > 0 {
		return fmt.Errorf("%w: anomaly %q: min scale %s > max scale %s", ErrInvalidSettings, s.Name, s.MinScale, s.MaxScale)
	}
	return nil
}

// anomalySig is the significant figures the baseline and scale keep.
const anomalySig = 20

// AnomalyLevels are an AnomalyTrigger's learned baseline and the trip
// levels around it.
type AnomalyLevels struct {
	Baseline decimal.Decimal `json:"baseline"` // EWMA mean
	Scale    decimal.Decimal `json:"scale"`    // clamp(√EWMA variance, MinScale × baseline, MaxScale × baseline)
	Lower    decimal.Decimal `json:"lower"`    // baseline − TripZ × scale: at or below trips
	Upper    decimal.Decimal `json:"upper"`    // baseline + TripZ × scale: at or above trips
}

// AnomalyTrigger trips on a robust z-score against a baseline it learns
// from the stream it watches: an EWMA mean and variance (RiskMetrics'
// recursion, σ²' = λσ² + (1 − λ)(x − μ)²), updated once per Window from the
// window's last value. It implements Condition, so it composes with the
// other triggers in a Composite.
//
// Why EWMA rather than a rolling median and MAD: O(1) time and memory per
// observation and an exact five-number snapshot, where a median needs the
// whole window; the robustness a median gives comes here from the caps —
// after warm-up one window moves the baseline by at most MaxDrift ×
// baseline whatever the value, and the scale is clamped to [MinScale,
// MaxScale] × baseline, so neither an outlier nor a patient attacker can
// stretch the thresholds without bound.
//
// Values must be positive (prices, volumes, liquidity). Every observation
// is compared with the current levels: the trigger trips when |value −
// baseline| ≥ TripZ × scale (not during the first WarmUp windows) and
// resets when |value − baseline| ≤ ResetZ × scale.
//
// The walk bound. Let a path rise by a factor (1 + x) per window after
// warm-up, with x > MaxDrift = c, Z = TripZ and S = MaxScale. The baseline
// never exceeds the last learned value on a rising path (an EWMA step moves
// toward it, the cap only shortens the step) and grows by at most (1 + c)
// per window, while the scale is at most S × baseline; so the value reaches
// baseline × (1 + Z·S) — a trip — at the latest in the N-th window after
// warm-up, where
//
//	N = ⌈ ln(1 + Z·S) / ln((1 + x)/(1 + c)) ⌉.
//
// With the defaults (Z 4, S 5%, c 1%) a path rising 2% per window trips
// within 19 windows; without the cap the EWMA follows a steady rise and a
// 2% walk never trips (TestAnomalyWalkBound). A rise of at most c per
// window is, by design, indistinguishable from a regime change.
//
// Precision: baseline steps are truncated toward the old baseline, the
// variance is rounded half-even and the standard deviation rounded down,
// all at 20 significant figures of the baseline. Deterministic, no float64.
// Safe for concurrent use (one mutex). Observations must not go back in
// time.
type AnomalyTrigger struct {
	mu  sync.Mutex
	s   AnomalySettings
	st  anomalyState
	lv  AnomalyLevels
	cut [4]*cutoff // trip lower, trip upper, reset lower, reset upper
}

type anomalyState struct {
	baseline decimal.Decimal
	variance decimal.Decimal
	count    int       // windows learned, saturating at WarmUp
	winStart time.Time // start of the current window
	winLast  decimal.Decimal
	tripped  bool
	since    time.Time
	last     time.Time
	seen     bool
}

// NewAnomaly validates s and returns a trigger that has learned nothing.
func NewAnomaly(s AnomalySettings) (*AnomalyTrigger, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	return &AnomalyTrigger{s: s}, nil
}

// Name returns the trigger's name.
func (a *AnomalyTrigger) Name() string { return a.s.Name }

// Active reports whether the trigger is tripped.
func (a *AnomalyTrigger) Active() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.st.tripped
}

// Levels returns the current baseline and trip levels (zero before the
// first observation).
func (a *AnomalyTrigger) Levels() AnomalyLevels {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lv
}

func (a *AnomalyTrigger) places() int32 {
	return sigPlaces(a.st.baseline, anomalySig, 2*num.MaxScale)
}

// learn is one EWMA step from x, the last value of a finished window.
func (a *AnomalyTrigger) learn(x decimal.Decimal) {
	b, pl := a.st.baseline, a.places()
	alpha := decimal.NewFromInt(1).Sub(a.s.Lambda)
	d := x.Sub(b)
	step := alpha.Mul(d)
	if a.st.count >= a.s.WarmUp {
		lim := a.s.MaxDrift.Mul(b)
		step = clampDec(step, lim.Neg(), lim)
	}
	nb := b.Add(step.Truncate(pl)) // truncated toward the old baseline
	if nb.Sign() <= 0 {
		nb = b // cannot happen for λ, c < 1; kept so the baseline stays positive
	}
	a.st.variance = a.s.Lambda.Mul(a.st.variance).Add(alpha.Mul(d).Mul(d)).RoundBank(2 * pl)
	a.st.baseline = nb
	if a.st.count < a.s.WarmUp {
		a.st.count++
	}
	a.setLevels()
}

// setLevels recomputes the levels and their cutoffs from the state.
func (a *AnomalyTrigger) setLevels() {
	b, pl := a.st.baseline, a.places()
	sd := clampDec(sqrtFloor(a.st.variance, pl), a.s.MinScale.Mul(b), a.s.MaxScale.Mul(b))
	trip, rst := a.s.TripZ.Mul(sd), a.s.ResetZ.Mul(sd)
	a.lv = AnomalyLevels{Baseline: b, Scale: sd, Lower: b.Sub(trip), Upper: b.Add(trip)}
	a.cut = [4]*cutoff{newCutoff(a.lv.Lower), newCutoff(a.lv.Upper), newCutoff(b.Sub(rst)), newCutoff(b.Add(rst))}
}

// Observe feeds one value observed at now. It first finishes the window(s)
// that ended at or before now (one learning step from the last value seen:
// an empty window teaches nothing), then compares value with the levels.
// value must be positive and within num's bounds and now must not be before
// the previous observation; otherwise an error is returned and the state is
// unchanged. Between windows an observation is allocation-free.
func (a *AnomalyTrigger) Observe(now time.Time, value decimal.Decimal) (Result, error) {
	now = instant(now)
	if err := num.CheckPositive(value); err != nil {
		return Result{}, fmt.Errorf("%w: %s: value: %w", ErrInvalidInput, a.s.Name, err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.st.seen && now.Before(a.st.last) {
		return Result{}, fmt.Errorf("%w: %s: %s < %s", ErrTimeWentBack, a.s.Name, now, a.st.last)
	}
	if !a.st.seen {
		sd := a.s.InitialScale.Mul(value)
		a.st = anomalyState{baseline: value, variance: sd.Mul(sd), winStart: now, winLast: value}
		a.setLevels()
	} else if el := now.Sub(a.st.winStart); el >= a.s.Window {
		a.learn(a.st.winLast)
		a.st.winStart = a.st.winStart.Add(el - el%a.s.Window)
	}
	a.st.last, a.st.seen, a.st.winLast = now, true, value
	lo, hi := a.cut[0].cmp(value), a.cut[1].cmp(value)
	breach := lo <= 0 || hi >= 0
	if !a.st.tripped {
		if !breach || a.st.count < a.s.WarmUp {
			r := Result{Signal: Normal, Value: value}
			if breach {
				r.Reason = ReasonWarmUp
			}
			return r, nil
		}
		level := a.lv.Upper
		if lo <= 0 {
			level = a.lv.Lower
		}
		a.st.tripped, a.st.since = true, now
		lv := a.lv
		ev := Event{Time: now, Kind: EventTripped, Subject: a.s.Name, From: Normal.String(), To: Tripped.String(), Anomaly: &lv,
			Reason: fmt.Sprintf("value %s outside %s–%s (baseline %s ± %s × %s)", value, lv.Lower, lv.Upper, lv.Baseline, a.s.TripZ, lv.Scale)}
		return Result{Signal: Tripped, Changed: true, Reason: ReasonBreach, Value: value, Level: level, Since: now, Events: []Event{ev}}, nil
	}
	if a.cut[2].cmp(value) < 0 || a.cut[3].cmp(value) > 0 {
		return Result{Signal: Tripped, Reason: ReasonHolding, Value: value, Level: a.lv.Baseline, Since: a.st.since}, nil
	}
	a.st.tripped, a.st.since = false, time.Time{}
	lv := a.lv
	ev := Event{Time: now, Kind: EventReset, Subject: a.s.Name, From: Tripped.String(), To: Normal.String(), Anomaly: &lv,
		Reason: fmt.Sprintf("value %s within %s × scale of baseline %s", value, a.s.ResetZ, lv.Baseline)}
	return Result{Signal: Reset, Changed: true, Reason: ReasonRecovered, Value: value, Level: lv.Baseline, Events: []Event{ev}}, nil
}

// AnomalySnapshot is the serialisable state of an AnomalyTrigger.
type AnomalySnapshot struct {
	Baseline    decimal.Decimal `json:"baseline"`
	Variance    decimal.Decimal `json:"variance"`
	Windows     int             `json:"windows"` // windows learned (saturates at WarmUp)
	WindowStart time.Time       `json:"window_start"`
	WindowLast  decimal.Decimal `json:"window_last"`
	Tripped     bool            `json:"tripped"`
	Since       time.Time       `json:"since"`
	Last        time.Time       `json:"last"`
	Seen        bool            `json:"seen"`
}

// Snapshot returns the trigger's state (UTC times).
func (a *AnomalyTrigger) Snapshot() AnomalySnapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.st
	return AnomalySnapshot{Baseline: st.baseline, Variance: st.variance, Windows: st.count, WindowStart: st.winStart.UTC(),
		WindowLast: st.winLast, Tripped: st.tripped, Since: st.since.UTC(), Last: st.last.UTC(), Seen: st.seen}
}

// RestoreAnomaly rebuilds a trigger from settings and a snapshot,
// validating every field.
func RestoreAnomaly(s AnomalySettings, snap AnomalySnapshot) (*AnomalyTrigger, error) {
	a, err := NewAnomaly(s)
	if err != nil {
		return nil, err
	}
	bad := func(what string) error {
		return fmt.Errorf("%w: anomaly %q: %s", ErrInvalidSnapshot, a.s.Name, what)
	}
	if !snap.Seen {
		if !snap.Baseline.IsZero() || !snap.Variance.IsZero() || !snap.WindowLast.IsZero() || snap.Windows != 0 || snap.Tripped ||
			!snap.WindowStart.IsZero() || !snap.Since.IsZero() || !snap.Last.IsZero() {
			return nil, bad("state recorded but nothing seen")
		}
		return a, nil
	}
	if !internalPositive(snap.Baseline, -2*num.MaxScale) || num.CheckPositive(snap.WindowLast) != nil {
		return nil, bad("baseline or window value not positive or out of range")
	}
	if v := snap.Variance; v.Sign() < 0 || v.Exponent() < -4*num.MaxScale || v.Exponent() > 2*num.MaxIntDigits ||
		int64(v.NumDigits())+int64(v.Exponent()) > 2*num.MaxIntDigits {
		return nil, bad("variance negative or out of range")
	}
	if snap.Windows < 0 || snap.Windows > a.s.WarmUp {
		return nil, bad("window count outside 0..warm-up")
	}
	if snap.WindowStart.After(snap.Last) || snap.Last.Sub(snap.WindowStart) >= a.s.Window {
		return nil, bad("window start not within one window before the last observation")
	}
	if snap.Tripped != !snap.Since.IsZero() || snap.Since.After(snap.Last) || (snap.Tripped && snap.Windows < a.s.WarmUp) {
		return nil, bad("tripped state inconsistent with its start or the warm-up")
	}
	a.st = anomalyState{baseline: snap.Baseline, variance: snap.Variance, count: snap.Windows, winStart: instant(snap.WindowStart),
		winLast: snap.WindowLast, tripped: snap.Tripped, since: instant(snap.Since), last: instant(snap.Last), seen: true}
	a.setLevels()
	return a, nil
}

// internalPositive reports whether d is positive, below 10^num.MaxIntDigits
// and has an exponent of at least minExp: the bounds of a value this
// package computed (finer than a host value may be).
func internalPositive(d decimal.Decimal, minExp int32) bool {
	e := d.Exponent()
	return d.Sign() > 0 && e >= minExp && e <= num.MaxIntDigits && int64(d.NumDigits())+int64(e) <= num.MaxIntDigits
}

// CheckInvariants verifies the trigger's promises: a positive baseline, a
// non-negative variance, a window count within the warm-up, a tripped state
// exactly when it has a start (never during warm-up), and levels that
// bracket the baseline with a scale within [MinScale, MaxScale] × baseline.
func (a *AnomalyTrigger) CheckInvariants() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	bad := func(what string) error { return fmt.Errorf("%w: anomaly %q: %s", ErrInvariant, a.s.Name, what) }
	st := a.st
	if !st.seen {
		if st.tripped || st.count != 0 {
			return bad("state without observations")
		}
		return nil
	}
	if st.baseline.Sign() <= 0 || st.variance.Sign() < 0 || st.count < 0 || st.count > a.s.WarmUp {
		return bad("baseline, variance or window count out of range")
	}
	if st.tripped == st.since.IsZero() || (st.tripped && st.count < a.s.WarmUp) || st.since.After(st.last) {
		return bad("tripped state inconsistent with its start or the warm-up")
	}
	lv := a.lv
	if !lv.Baseline.Equal(st.baseline) || lv.Scale.Cmp(a.s.MinScale.Mul(st.baseline)) < 0 || lv.Scale.Cmp(a.s.MaxScale.Mul(st.baseline)) > 0 ||
		lv.Lower.Cmp(lv.Baseline) >= 0 || lv.Upper.Cmp(lv.Baseline) <= 0 {
		return bad("levels do not bracket the baseline within the scale bounds")
	}
	return nil
}

package breaker

import (
	"fmt"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// VolatilitySettings turns a Market's band into a volatility-scaled band:
// the band's width, as a fraction of the reference, is
//
//	width = clamp(⌈K × σ⌉ (× WidenFactor inside a widened window), Floor, Cap)
//
// where σ is an EWMA estimate of the volatility of the market's own
// returns, sampled once per Interval (RiskMetrics' recursion: J.P.
// Morgan/Reuters, RiskMetrics — Technical Document, 4th ed. 1996, §5.2,
// σ²ₜ = λσ²ₜ₋₁ + (1 − λ)r²ₜ with λ = 0.94 for daily data). The width
// replaces the LULD tier percentages; the reference (5-minute mean,
// ≥ 1% re-reference), the limit state, the pause and the halt causes are
// the Market's own. The anchors scale a band with recent prices rather
// than a fixed percentage of the close: CME Globex's Dynamic Circuit
// Breakers take the high and low of a rolling 60-minute look-back window
// ± a variant (CME Group, "Frequently Asked Questions: Dynamic Circuit
// Breakers"); Eurex's dynamic volatility interruption compares each
// potential trade price with the prices of a short and a long look-back
// window (Eurex, "Volatility Interruption Functionality"). Neither
// publishes a volatility formula (Eurex withholds its parameters "to
// prevent possible magnet effects", Circular 082/23), so the EWMA is ours.
//
// Precision (deterministic, no float64): a return r = (p − p₀)/p₀ is
// rounded half-even to 18 places, the variance half-even to 24 places, σ
// down to 12 places (exact integer square root), and K × σ up to a whole
// basis point (4 places) before the clamp. The band holds during a limit
// state (it never narrows there, nor widens: LULD's rule for the
// reference applies to the width too) and takes the current width when the
// market leaves it.
//
// The zero value (K zero) leaves the LULD bands in force.
type VolatilitySettings struct {
	// K multiplies σ. Zero: volatility bands off. Range (0, 1000].
	K decimal.Decimal
	// Lambda is the EWMA decay. Default 0.94. Range (0, 1).
	Lambda decimal.Decimal
	// Interval is the sampling period of returns: the first recorded trade
	// at or after the previous sample + Interval is the next sample, and the
	// return from the previous sample's price to it updates the variance (a
	// gap of several intervals counts as one return). Default 1 minute.
	Interval time.Duration
	// Initial is σ per Interval before any return is learned (the warm-up:
	// the variance starts at Initial²). Required with K. Range (0, 1).
	Initial decimal.Decimal
	// Floor and Cap bound the width: 0 < Floor ≤ Cap < 1. Required with K.
	Floor, Cap decimal.Decimal
}

func (v *VolatilitySettings) enabled() bool { return !v.K.IsZero() }

func (v *VolatilitySettings) normalise(id string) error {
	if !v.enabled() {
		return nil
	}
	defaultDec(&v.Lambda, "0.94")
	if v.Interval < 0 {
		return fmt.Errorf("%w: market %s: volatility interval %s < 0", ErrInvalidSettings, id, v.Interval)
	}
	if v.Interval == 0 {
		v.Interval = time.Minute
	}
	one := decimal.NewFromInt(1)
	for _, f := range []struct {
		name string
		d    decimal.Decimal
		top  decimal.Decimal
	}{{"k", v.K, decimal.NewFromInt(1001)}, {"lambda", v.Lambda, one}, {"initial", v.Initial, one},
		{"floor", v.Floor, one}, {"cap", v.Cap, one}} {
		if err := num.CheckPositive(f.d); err != nil {
			return fmt.Errorf("%w: market %s: volatility %s: %w", ErrInvalidSettings, id, f.name, err)
		}
		if f.d.Cmp(f.top) >= 0 || f.d.Exponent() < -18 {
			return fmt.Errorf("%w: market %s: volatility %s outside its range", ErrInvalidSettings, id, f.name)
		}
	}
	if v.Floor.Cmp(v.Cap) > 0 {
		return fmt.Errorf("%w: market %s: volatility floor %s > cap %s", ErrInvalidSettings, id, v.Floor, v.Cap)
	}
	return nil
}

// Precision of the volatility band's arithmetic (see VolatilitySettings).
const (
	volReturnPlaces   = 18
	volVariancePlaces = 24
	volSigmaPlaces    = 12
	volWidthPlaces    = 4
)

// volState is a volatility band's learned state.
type volState struct {
	variance    decimal.Decimal // EWMA variance of returns per Interval
	samplePrice decimal.Decimal // price of the last sample (zero: none yet)
	sampleAt    time.Time       // time of the last sample
	returns     int64           // returns learned
	width       decimal.Decimal // the width the current band uses
}

// VolatilityState is what a volatility band has learned.
type VolatilityState struct {
	Sigma   decimal.Decimal // √variance, rounded down to 12 places
	Width   decimal.Decimal // width the current band uses (fraction of the reference)
	Target  decimal.Decimal // width σ implies now (the band takes it unless held by a limit state)
	Returns int64           // returns learned since the market was created
}

// Volatility returns the volatility band's state; ok is false when the
// market has no volatility band.
func (m *Market) Volatility() (VolatilityState, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.s.Volatility.enabled() {
		return VolatilityState{}, false
	}
	return VolatilityState{Sigma: sqrtFloor(m.vol.variance, volSigmaPlaces), Width: m.vol.width,
		Target: m.volWidth(m.widened), Returns: m.vol.returns}, true
}

// volWidth is the width the variance implies: clamp(⌈K × σ⌉ (× WidenFactor
// when widened), Floor, Cap).
func (m *Market) volWidth(widened bool) decimal.Decimal {
	v := &m.s.Volatility
	w := v.K.Mul(sqrtFloor(m.vol.variance, volSigmaPlaces))
	if widened {
		w = w.Mul(m.s.Band.WidenFactor)
	}
	return clampDec(w.RoundCeil(volWidthPlaces), v.Floor, v.Cap)
}

// sampleVol learns one return when Interval has passed since the last
// sample, and moves the band to the new width unless the market is in a
// limit state. Called with mu held, for a recorded trade.
func (m *Market) sampleVol(price decimal.Decimal, now time.Time) {
	v := &m.s.Volatility
	if m.vol.samplePrice.IsZero() {
		m.vol.samplePrice, m.vol.sampleAt = price, now
		return
	}
	if now.Sub(m.vol.sampleAt) < v.Interval {
		return
	}
	r := num.Div(price.Sub(m.vol.samplePrice), m.vol.samplePrice, volReturnPlaces, num.HalfEven)
	lam := v.Lambda
	m.vol.variance = lam.Mul(m.vol.variance).Add(decimal.NewFromInt(1).Sub(lam).Mul(r).Mul(r)).RoundBank(volVariancePlaces)
	m.vol.samplePrice, m.vol.sampleAt = price, now
	m.vol.returns++
	m.applyWidth(now)
}

// applyWidth re-centres the band on its reference at the current width,
// unless the market is in a limit state (the band holds there) or the
// width is unchanged.
func (m *Market) applyWidth(now time.Time) {
	if m.state == Limit || m.band.Reference.IsZero() {
		return
	}
	if w := m.volWidth(m.widened); !w.Equal(m.vol.width) || m.band.Widened != m.widened {
		from := m.vol.width
		m.setReference(m.band.Reference)
		m.ev.add(Event{Time: now, Kind: EventReference, Subject: m.s.ID, Band: bandPtr(m.band),
			Reason: fmt.Sprintf("volatility band width %s → %s", from, m.vol.width)})
	}
}

// VolSnapshot is a volatility band's state in a MarketSnapshot.
type VolSnapshot struct {
	Variance    decimal.Decimal `json:"variance"`
	SamplePrice decimal.Decimal `json:"sample_price"` // zero before the first sample
	SampleAt    time.Time       `json:"sample_at"`
	Returns     int64           `json:"returns"`
	Width       decimal.Decimal `json:"width"` // the width the band uses (held during a limit state)
}

func (m *Market) volSnapshot() *VolSnapshot {
	if !m.s.Volatility.enabled() {
		return nil
	}
	return &VolSnapshot{Variance: m.vol.variance, SamplePrice: m.vol.samplePrice, SampleAt: m.vol.sampleAt.UTC(),
		Returns: m.vol.returns, Width: m.vol.width}
}

// restoreVol validates and installs a volatility snapshot.
func (m *Market) restoreVol(s *VolSnapshot, last time.Time) error {
	v := &m.s.Volatility
	if !v.enabled() {
		if s != nil {
			return fmt.Errorf("volatility state for a market without a volatility band")
		}
		return nil
	}
	if s == nil {
		return fmt.Errorf("volatility state missing")
	}
	if err := num.CheckNonNegative(s.Variance); err != nil || s.Variance.Exponent() < -volVariancePlaces || s.Variance.Cmp(decimal.NewFromInt(1_000_000)) > 0 {
		return fmt.Errorf("volatility variance negative, off its precision or out of range")
	}
	if !s.SamplePrice.IsZero() {
		if err := num.CheckPositive(s.SamplePrice); err != nil {
			return fmt.Errorf("volatility sample price: %v", err)
		}
	} else if !s.SampleAt.IsZero() || s.Returns != 0 {
		return fmt.Errorf("volatility samples without a sample price")
	}
	if s.SampleAt.After(last) {
		return fmt.Errorf("volatility sample after the last call")
	}
	if s.Returns < 0 {
		return fmt.Errorf("volatility returns %d < 0", s.Returns)
	}
	if err := num.Check(s.Width); err != nil || s.Width.Cmp(v.Floor) < 0 || s.Width.Cmp(v.Cap) > 0 {
		return fmt.Errorf("volatility width outside [floor, cap]")
	}
	m.vol = volState{variance: s.Variance, samplePrice: s.SamplePrice, sampleAt: instant(s.SampleAt), returns: s.Returns, width: s.Width}
	return nil
}

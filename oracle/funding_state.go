package oracle

import (
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// EventFunding records a settled funding rate (Rate: the capped rate per
// RatePeriod; Price: zero; Reason says when the cap bound).
const EventFunding EventKind = "funding"

// PremiumSample is one premium observation of the current interval.
type PremiumSample struct {
	Time    time.Time       `json:"time"`    // when the premium was observed (UTC)
	Premium decimal.Decimal `json:"premium"` // the premium index sample, a fraction (0.0001 = 0.01%)
}

// FundingSnapshot is a Funding's whole state, plain and JSON-serialisable.
type FundingSnapshot struct {
	// Samples are the current interval's premiums, oldest first.
	Samples []PremiumSample `json:"samples"`
	// Time is the now of the last input accepted (sample or settlement);
	// zero before the first.
	Time time.Time `json:"time"`
	// HasLast is false until the first settlement.
	HasLast bool `json:"has_last"`
	// Last is the last settled rate (its Time is the settlement's now).
	Last FundingRate `json:"last"`
}

// Funding collects one market's premium samples over a funding interval and
// settles them into a rate (ComputeFunding). The host takes a sample on
// its schedule (Binance every 5 s, dYdX every minute) and settles at each
// funding time; the rate then applies to every position open at that time
// (paying it is the margin package's job). A settlement starts the next
// interval with no samples.
//
// Every input is checked before anything changes: a time before the last
// accepted input is ErrOutOfOrder, and after a settlement the next one is
// refused (ErrOutOfOrder) until a whole Interval has passed, so an
// interval's funding is never paid twice (not at one instant, nor at two
// instants a nanosecond apart).
// Safe for concurrent use (one mutex, no callbacks).
type Funding struct {
	mu sync.Mutex
	s  FundingSettings
	st FundingSnapshot
}

// NewFunding validates s and returns a Funding with no samples.
func NewFunding(s FundingSettings) (*Funding, error) {
	s, err := s.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("%w: market %q: %w", ErrInvalidSettings, s.Market, err)
	}
	return &Funding{s: s}, nil
}

// Settings returns the settings with defaults filled in.
func (f *Funding) Settings() FundingSettings { return f.s }

// Sample records a premium observed at now (see BookPremium and
// PremiumIndex). A sample at the time of the last one replaces it; one
// beyond MaxSamples in the interval, a premium outside [−1, MaxFundingCap]
// or num's range, or an earlier time is refused and
// changes nothing.
func (f *Funding) Sample(now time.Time, premium decimal.Decimal) error {
	if err := checkNow(now); err != nil {
		return err
	}
	if err := checkPremium(premium); err != nil {
		return fmt.Errorf("%w: market %q: premium: %w", ErrInvalidInput, f.s.Market, err)
	}
	now = instant(now)
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Before(f.st.Time) {
		return f.outOfOrder(now)
	}
	n := len(f.st.Samples)
	if n > 0 && f.st.Samples[n-1].Time.Equal(now) {
		f.st.Samples[n-1].Premium = premium
		return nil
	}
	if n >= f.s.MaxSamples {
		return fmt.Errorf("%w: market %q: interval already holds MaxSamples %d premium samples (settle, or sample less often)", ErrInvalidInput, f.s.Market, f.s.MaxSamples)
	}
	f.st.Samples = append(f.st.Samples, PremiumSample{Time: now, Premium: premium})
	f.st.Time = now
	return nil
}

func (f *Funding) outOfOrder(now time.Time) error {
	return fmt.Errorf("%w: market %q: %s before last input %s", ErrOutOfOrder, f.s.Market,
		now.Format(time.RFC3339Nano), f.st.Time.Format(time.RFC3339Nano))
}

// Estimate returns the rate the current samples would settle to at now
// (Binance's "estimated funding rate"), changing nothing.
func (f *Funding) Estimate(now time.Time) (FundingRate, error) {
	if err := checkNow(now); err != nil {
		return FundingRate{}, err
	}
	now = instant(now)
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Before(f.st.Time) {
		return FundingRate{}, f.outOfOrder(now)
	}
	return f.rate(now)
}

func (f *Funding) rate(now time.Time) (FundingRate, error) {
	ps := make([]decimal.Decimal, len(f.st.Samples))
	for i, s := range f.st.Samples {
		ps[i] = s.Premium
	}
	r, err := computeFunding(&f.s, ps)
	if err != nil {
		return r, err
	}
	r.Time = now
	return r, nil
}

// Settle computes the interval's rate at the funding time now, records it
// as the last rate, clears the samples and returns the rate with one
// EventFunding. A now before the last input, or — once there is a last
// settlement — before that settlement's time + Interval, is ErrOutOfOrder
// (funding is paid at most once per Interval); an interval with no
// samples and no padding is ErrNoPrice; either changes nothing. Pass the
// scheduled funding time as now, not the moment the host got round to
// it: a settlement recorded δ late moves the earliest next one δ later.
func (f *Funding) Settle(now time.Time) (FundingRate, []Event, error) {
	if err := checkNow(now); err != nil {
		return FundingRate{}, nil, err
	}
	now = instant(now)
	f.mu.Lock()
	defer f.mu.Unlock()
	if now.Before(f.st.Time) {
		return FundingRate{}, nil, f.outOfOrder(now)
	}
	if f.st.HasLast {
		if next := f.st.Last.Time.Add(f.s.Interval); now.Before(next) {
			return FundingRate{}, nil, fmt.Errorf("%w: market %q: settlement at %s before the next funding time %s (last settlement + Interval %s)",
				ErrOutOfOrder, f.s.Market, now.Format(time.RFC3339Nano), next.Format(time.RFC3339Nano), f.s.Interval)
		}
	}
	r, err := f.rate(now)
	if err != nil {
		return FundingRate{}, nil, err
	}
	f.st.Samples = f.st.Samples[:0:0]
	f.st.Time, f.st.HasLast, f.st.Last = now, true, r
	e := Event{Time: now, Kind: EventFunding, Subject: f.s.Market, Rate: r.Rate}
	if r.Capped {
		e.Reason = "rate " + r.Uncapped.String() + " capped at ±" + f.s.Cap.String()
	}
	return r, []Event{e}, nil
}

// Last returns the last settled rate and whether there is one.
func (f *Funding) Last() (FundingRate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st.Last, f.st.HasLast
}

// Snapshot returns a copy of the whole state.
func (f *Funding) Snapshot() FundingSnapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.st
	s.Samples = append([]PremiumSample(nil), f.st.Samples...)
	return s
}

// RestoreFunding rebuilds a Funding from its settings and a snapshot,
// validating every field (ErrInvalidSnapshot); the result continues
// exactly as the original would have.
func RestoreFunding(s FundingSettings, snap FundingSnapshot) (*Funding, error) {
	f, err := NewFunding(s)
	if err != nil {
		return nil, err
	}
	f.st = snap
	f.st.Samples = append([]PremiumSample(nil), snap.Samples...)
	f.st.Time = instant(snap.Time)
	f.st.Last.Time = instant(snap.Last.Time)
	for i := range f.st.Samples {
		f.st.Samples[i].Time = instant(f.st.Samples[i].Time)
	}
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	return f, nil
}

// CheckInvariants verifies the state (ErrInvariant): at most MaxSamples
// samples, strictly increasing times none before the last settlement,
// Time the newest sample's (else the last settlement's, else zero) and
// writable (years 1–9999), every premium in range, the last rate within
// ±Cap, Paid of its sign and no larger, Capped exactly when Rate ≠
// Uncapped (and then Rate is Uncapped clamped toward zero).
func (f *Funding) CheckInvariants() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvariant, err)
	}
	return nil
}

// check is CheckInvariants' test; the error carries no sentinel.
func (f *Funding) check() error {
	st := &f.st
	if len(st.Samples) > f.s.MaxSamples {
		return fmt.Errorf("market %q: %d samples, more than MaxSamples %d", f.s.Market, len(st.Samples), f.s.MaxSamples)
	}
	// Time is the now of the last accepted input: the newest sample's, else
	// the last settlement's, else zero (nothing accepted yet). Anything
	// else would refuse every later input (a Time far ahead) or make the
	// snapshot unwritable (a year past 9999).
	want := time.Time{}
	if n := len(st.Samples); n > 0 {
		want = st.Samples[n-1].Time
	} else if st.HasLast {
		want = st.Last.Time
	}
	if !st.Time.Equal(want) {
		return fmt.Errorf("market %q: last input time is not the newest sample's or settlement's", f.s.Market)
	}
	if len(st.Samples) > 0 || st.HasLast {
		if err := timeProblem(st.Time); err != nil {
			return fmt.Errorf("market %q: time: %w", f.s.Market, err)
		}
	}
	for i, s := range st.Samples {
		if err := timeProblem(s.Time); err != nil {
			return fmt.Errorf("market %q: sample %d: %w", f.s.Market, i, err)
		}
		if i > 0 && !s.Time.After(st.Samples[i-1].Time) {
			return fmt.Errorf("market %q: sample %d not after sample %d", f.s.Market, i, i-1)
		}
		if s.Time.After(st.Time) {
			return fmt.Errorf("market %q: sample %d after the last input", f.s.Market, i)
		}
		if err := checkPremium(s.Premium); err != nil {
			return fmt.Errorf("market %q: sample %d premium: %w", f.s.Market, i, err)
		}
	}
	if !st.HasLast {
		if !isZeroRate(st.Last) {
			return fmt.Errorf("market %q: a last rate without HasLast", f.s.Market)
		}
		return nil
	}
	l := st.Last
	if err := timeProblem(l.Time); err != nil || l.Time.After(st.Time) {
		return fmt.Errorf("market %q: last settlement time is not a time at or before the last input", f.s.Market)
	}
	if len(st.Samples) > 0 && st.Samples[0].Time.Before(l.Time) {
		return fmt.Errorf("market %q: a sample before the last settlement", f.s.Market)
	}
	if err := checkPremium(l.Premium); err != nil {
		return fmt.Errorf("market %q: last premium: %w", f.s.Market, err)
	}
	for _, v := range []decimal.Decimal{l.Uncapped, l.Rate, l.Paid} {
		if err := checkRateValue(v); err != nil {
			return fmt.Errorf("market %q: last rate: %w", f.s.Market, err)
		}
	}
	if l.Rate.Abs().Cmp(f.s.Cap) > 0 || l.Paid.Abs().Cmp(l.Rate.Abs()) > 0 {
		return fmt.Errorf("market %q: last rate %s (paid %s) beyond cap ±%s", f.s.Market, l.Rate, l.Paid, f.s.Cap)
	}
	if l.Paid.Sign() != l.Rate.Sign() {
		return fmt.Errorf("market %q: last rate %s paid as %s: not the rate's sign", f.s.Market, l.Rate, l.Paid)
	}
	if l.Capped == l.Rate.Equal(l.Uncapped) {
		return fmt.Errorf("market %q: last rate %s, uncapped %s, capped %v: Capped must be Rate ≠ Uncapped", f.s.Market, l.Rate, l.Uncapped, l.Capped)
	}
	if l.Capped && (l.Uncapped.Sign() != l.Rate.Sign() || l.Uncapped.Abs().Cmp(l.Rate.Abs()) <= 0) {
		return fmt.Errorf("market %q: last rate %s is not uncapped %s clamped toward zero", f.s.Market, l.Rate, l.Uncapped)
	}
	if l.Samples < 0 || l.Samples > f.s.MaxSamples {
		return fmt.Errorf("market %q: last rate averaged %d samples", f.s.Market, l.Samples)
	}
	return nil
}

// isZeroRate reports whether r holds only zero values (decimals compare by
// value, not representation).
func isZeroRate(r FundingRate) bool {
	return r.Time.IsZero() && r.Samples == 0 && !r.Capped && r.Premium.IsZero() && r.Uncapped.IsZero() &&
		r.Rate.IsZero() && r.Paid.IsZero()
}

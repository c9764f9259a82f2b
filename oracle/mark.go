package oracle

import (
	"fmt"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// MarkMethod names how a mark price is made.
type MarkMethod int

// Mark methods.
const (
	// MarkMedianOfThree: Binance's perpetual mark price, the median of
	// Price 1 = Index × (1 + last funding rate × time until funding /
	// funding interval), Price 2 = Index + moving average of the basis
	// (mid − index) and the last traded price ("Mark Price in USDⓈ-M
	// Futures", https://www.binance.com/en/support/faq/360033525071;
	// "If Price 1 < Price 2 < Contract Price, then take Price 2").
	// Default.
	MarkMedianOfThree MarkMethod = iota
	// MarkOracle: dYdX v4's mark is its oracle price: positions are
	// valued, and margined, at the x/prices market price
	// (x/perpetuals/lib GetNetNotionalInQuoteQuantums and
	// GetMarginRequirementsInQuoteQuantums take marketPrice), so the mark
	// is the index the host passes.
	MarkOracle
)

// String returns "median-of-three" or "oracle".
func (m MarkMethod) String() string {
	switch m {
	case MarkMedianOfThree:
		return "median-of-three"
	case MarkOracle:
		return "oracle"
	}
	return "unknown"
}

// MarkSettings configure a Mark.
type MarkSettings struct {
	// Market names the market (in errors).
	Market string `json:"market"`
	// Method makes the mark. Default MarkMedianOfThree (Binance).
	Method MarkMethod `json:"method"`
	// BasisWindow is the moving average's span ending at now: samples at
	// or before now − BasisWindow no longer count. Default 30 min
	// (Binance's earlier "Moving Average (30-minute Basis)", one sample a
	// minute; since 18 September 2025 Binance uses 30 one-second samples,
	// a 30 s window: see BinanceMark).
	BasisWindow time.Duration `json:"basis_window"`
	// MaxBasisSamples is the most samples kept (the newest); default 30
	// (Binance's 30 data points); at most MaxQuotes.
	MaxBasisSamples int `json:"max_basis_samples"`
	// MinBasisSamples is the fewest samples in the window for Price 2;
	// fewer is ErrShortHistory, never a mark made of two components.
	// Default 1; at most MaxBasisSamples.
	MinBasisSamples int `json:"min_basis_samples"`
	// FundingInterval is Price 1's denominator. Default 8 h.
	FundingInterval time.Duration `json:"funding_interval"`
	// Scale is the places of Price 1, the basis average and Price 2,
	// half-even (a mark is a reference price, neither debt nor payout).
	// Default DefaultScale (18); at most 36.
	Scale int32 `json:"scale"`
}

// BinanceMark returns Binance's perpetual mark settings in force since
// 2025-09-18 08:01 UTC: the median of Price 1, Price 2 and the last price,
// Price 2 = index + the moving average of 30 basis samples taken once a
// second ((Bid1 + Ask1)/2 − index), so a 30-second window of at most 30
// samples (Binance's announcement of 2025-09-16, "Binance Futures Will
// Update Funding Rate Formula & Mark Price Calculations": "adjusting the
// basis of Price 2 from 1 minute to 30 seconds … the average of 30 data
// points in 30 seconds", reported on Binance Square,
// https://www.binance.bh/square/post/29758881844449). fundingInterval is
// Price 1's denominator, the contract's funding interval (0: 8 hours).
// The host samples the basis every second (ObserveBasis) and sets Scale
// to the contract's price places (default 18).
func BinanceMark(market string, fundingInterval time.Duration) MarkSettings {
	if fundingInterval == 0 {
		fundingInterval = 8 * time.Hour
	}
	return MarkSettings{
		Market: market, Method: MarkMedianOfThree, BasisWindow: 30 * time.Second,
		MaxBasisSamples: 30, MinBasisSamples: 1, FundingInterval: fundingInterval,
	}
}

// BasisSample is one basis observation: the order book's mid minus the
// index at Time.
type BasisSample struct {
	Time  time.Time       `json:"time"`  // when the book and index were observed (UTC)
	Basis decimal.Decimal `json:"basis"` // (bid + ask)/2 − index, exact
}

// MarkSnapshot is a Mark's whole state: the basis window.
type MarkSnapshot struct {
	// Samples are the basis samples, oldest first.
	Samples []BasisSample `json:"samples"`
	// Time is the now of the last input accepted; zero before the first.
	Time time.Time `json:"time"`
}

// MarkInputs are the prices a mark is made from at one instant.
type MarkInputs struct {
	// Index is the price index (Index.Price, or the oracle price); positive.
	Index decimal.Decimal `json:"index"`
	// Last is the last traded price of the perpetual; positive. Unused by
	// MarkOracle.
	Last decimal.Decimal `json:"last"`
	// FundingRate is the last funding rate (Funding.Last), per
	// FundingInterval; below 1 in magnitude. Unused by MarkOracle.
	FundingRate decimal.Decimal `json:"funding_rate"`
	// NextFunding is the next funding time, within [now, now +
	// FundingInterval]. Unused by MarkOracle.
	NextFunding time.Time `json:"next_funding"`
}

// MarkPrice is a mark and its components.
type MarkPrice struct {
	// Price is the mark: the median of Price1, Price2 and Last
	// (MarkMedianOfThree), or the index (MarkOracle).
	Price decimal.Decimal `json:"price"`
	// Method made Price.
	Method MarkMethod `json:"method"`
	// Price1 = Index × (1 + FundingRate × time until funding / interval).
	Price1 decimal.Decimal `json:"price1"`
	// Basis is the moving average of the basis samples in the window.
	Basis decimal.Decimal `json:"basis"`
	// Price2 = Index + Basis.
	Price2 decimal.Decimal `json:"price2"`
	// Last is the last traded price used.
	Last decimal.Decimal `json:"last"`
	// Samples is the number of basis samples averaged.
	Samples int `json:"samples"`
}

// Mark computes a perpetual's mark price and keeps the moving-average
// basis window it needs. Its state is that window alone; samples change
// it, no transition happens, so it returns no events. Safe for concurrent
// use (one mutex, no callbacks).
type Mark struct {
	mu sync.Mutex
	s  MarkSettings
	st MarkSnapshot
}

// NewMark validates s and returns a Mark with an empty basis window.
func NewMark(s MarkSettings) (*Mark, error) {
	s, err := s.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("%w: market %q: %w", ErrInvalidSettings, s.Market, err)
	}
	return &Mark{s: s}, nil
}

func (s MarkSettings) withDefaults() (MarkSettings, error) {
	if s.Method != MarkMedianOfThree && s.Method != MarkOracle {
		return s, fmt.Errorf("unknown mark method %d", int(s.Method))
	}
	if s.BasisWindow < 0 || s.FundingInterval < 0 {
		return s, fmt.Errorf("mark BasisWindow and FundingInterval must not be negative")
	}
	if s.BasisWindow == 0 {
		s.BasisWindow = 30 * time.Minute
	}
	if s.FundingInterval == 0 {
		s.FundingInterval = 8 * time.Hour
	}
	if s.MaxBasisSamples < 0 || s.MaxBasisSamples > MaxQuotes {
		return s, fmt.Errorf("mark MaxBasisSamples must lie in [0, %d], got %d", MaxQuotes, s.MaxBasisSamples)
	}
	if s.MaxBasisSamples == 0 {
		s.MaxBasisSamples = 30
	}
	if s.MinBasisSamples < 0 || s.MinBasisSamples > s.MaxBasisSamples {
		return s, fmt.Errorf("mark MinBasisSamples must lie in [0, MaxBasisSamples %d], got %d", s.MaxBasisSamples, s.MinBasisSamples)
	}
	if s.MinBasisSamples == 0 {
		s.MinBasisSamples = 1
	}
	var err error
	s.Scale, err = checkScale("mark Scale", s.Scale)
	return s, err
}

// Settings returns the settings with defaults filled in.
func (m *Mark) Settings() MarkSettings { return m.s }

// ObserveBasis records one basis sample at now: (bid + ask)/2 − index,
// exact, from the best bid and ask (Binance: "(Bid1 + Ask1)/2 − Price
// Index"). Samples that left the window and any beyond MaxBasisSamples
// (the oldest) are dropped. A sample at the time of the last one replaces
// it. Prices must be positive with bid ≤ ask; an earlier now is
// ErrOutOfOrder; a refused call changes nothing.
func (m *Mark) ObserveBasis(now time.Time, bid, ask, index decimal.Decimal) error {
	if err := checkNow(now); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{{"bid", bid}, {"ask", ask}, {"index", index}} {
		if err := num.CheckPositive(f.v); err != nil {
			return fmt.Errorf("%w: market %q: %s: %w", ErrInvalidInput, m.s.Market, f.name, err)
		}
	}
	if bid.Cmp(ask) > 0 {
		return fmt.Errorf("%w: market %q: crossed book: bid %s above ask %s", ErrInvalidInput, m.s.Market, bid, ask)
	}
	basis := bid.Add(ask).Mul(half).Sub(index)
	now = instant(now)
	m.mu.Lock()
	defer m.mu.Unlock()
	if now.Before(m.st.Time) {
		return fmt.Errorf("%w: market %q: %s before last input %s", ErrOutOfOrder, m.s.Market,
			now.Format(time.RFC3339Nano), m.st.Time.Format(time.RFC3339Nano))
	}
	n := len(m.st.Samples)
	if n > 0 && m.st.Samples[n-1].Time.Equal(now) {
		m.st.Samples[n-1].Basis = basis
		return nil
	}
	m.st.Samples = append(m.st.Samples, BasisSample{Time: now, Basis: basis})
	m.st.Time = now
	drop := max(len(m.st.Samples)-m.s.MaxBasisSamples, 0)
	start := now.Add(-m.s.BasisWindow)
	for drop < len(m.st.Samples) && !m.st.Samples[drop].Time.After(start) {
		drop++ // never the sample at now: the window is positive
	}
	if drop > 0 {
		m.st.Samples = append(m.st.Samples[:0:0], m.st.Samples[drop:]...)
	}
	return nil
}

// Price returns the mark at now from in and the basis samples in
// (now − BasisWindow, now]. Under MarkMedianOfThree:
//
//	Price1 = Index + Index × FundingRate × (NextFunding − now) / FundingInterval
//	Basis  = Σ basisᵢ / n
//	Price2 = Index + Basis
//	Mark   = median(Price1, Price2, Last)
//
// Price1, Basis and Price2 are each one division rounded half-even to Scale; the
// median picks one of the three, so the mark always lies within their
// [min, max]. Fewer than MinBasisSamples in the window is ErrShortHistory;
// bad inputs are ErrInvalidInput, an earlier now ErrOutOfOrder. Under
// MarkOracle the mark is the index. Price changes no state.
func (m *Mark) Price(now time.Time, in MarkInputs) (MarkPrice, error) {
	out := MarkPrice{Method: m.s.Method}
	if err := checkNow(now); err != nil {
		return out, err
	}
	if err := num.CheckPositive(in.Index); err != nil {
		return out, fmt.Errorf("%w: market %q: index: %w", ErrInvalidInput, m.s.Market, err)
	}
	if m.s.Method == MarkOracle {
		out.Price = in.Index
		return out, nil
	}
	if err := num.CheckPositive(in.Last); err != nil {
		return out, fmt.Errorf("%w: market %q: last price: %w", ErrInvalidInput, m.s.Market, err)
	}
	if err := num.Check(in.FundingRate); err != nil {
		return out, fmt.Errorf("%w: market %q: funding rate: %w", ErrInvalidInput, m.s.Market, err)
	}
	if in.FundingRate.Abs().Cmp(one) >= 0 {
		return out, fmt.Errorf("%w: market %q: funding rate %s not below 1 in magnitude", ErrInvalidInput, m.s.Market, in.FundingRate)
	}
	now = instant(now)
	until := in.NextFunding.Sub(now)
	if in.NextFunding.IsZero() || until < 0 || until > m.s.FundingInterval {
		return out, fmt.Errorf("%w: market %q: next funding %s not within [now, now + %s]", ErrInvalidInput, m.s.Market,
			in.NextFunding.UTC().Format(time.RFC3339Nano), m.s.FundingInterval)
	}
	m.mu.Lock()
	if now.Before(m.st.Time) {
		m.mu.Unlock()
		return out, fmt.Errorf("%w: market %q: %s before last input %s", ErrOutOfOrder, m.s.Market,
			now.Format(time.RFC3339Nano), m.st.Time.Format(time.RFC3339Nano))
	}
	start := now.Add(-m.s.BasisWindow)
	sum := decimal.Zero
	for _, b := range m.st.Samples {
		if b.Time.After(start) {
			sum = sum.Add(b.Basis)
			out.Samples++
		}
	}
	m.mu.Unlock()
	if out.Samples < m.s.MinBasisSamples {
		return out, fmt.Errorf("%w: market %q: %d basis samples in the last %s, need %d", ErrShortHistory, m.s.Market,
			out.Samples, m.s.BasisWindow, m.s.MinBasisSamples)
	}
	n, interval := decimal.NewFromInt(int64(out.Samples)), decimal.NewFromInt(int64(m.s.FundingInterval))
	out.Basis = num.Div(sum, n, m.s.Scale, num.HalfEven)
	// One division (one rounding) each: Price1 = (Index×I + Index×r×t) / I,
	// Price2 = (Index×n + Σ basis) / n.
	out.Price1 = num.Div(in.Index.Mul(interval).Add(in.Index.Mul(in.FundingRate).Mul(decimal.NewFromInt(int64(until)))),
		interval, m.s.Scale, num.HalfEven)
	out.Price2 = num.Div(in.Index.Mul(n).Add(sum), n, m.s.Scale, num.HalfEven)
	out.Last = in.Last
	out.Price = median3(out.Price1, out.Price2, out.Last)
	return out, nil
}

// median3 returns the middle of three values, exactly one of them.
func median3(a, b, c decimal.Decimal) decimal.Decimal {
	if a.Cmp(b) > 0 {
		a, b = b, a
	}
	if b.Cmp(c) > 0 {
		b = c
	}
	return num.MaxOf(a, b)
}

// Snapshot returns a copy of the basis window.
func (m *Mark) Snapshot() MarkSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return MarkSnapshot{Samples: append([]BasisSample(nil), m.st.Samples...), Time: m.st.Time}
}

// RestoreMark rebuilds a Mark from its settings and a snapshot, validating
// every field (ErrInvalidSnapshot).
func RestoreMark(s MarkSettings, snap MarkSnapshot) (*Mark, error) {
	m, err := NewMark(s)
	if err != nil {
		return nil, err
	}
	m.st = MarkSnapshot{Samples: append([]BasisSample(nil), snap.Samples...), Time: instant(snap.Time)}
	for i := range m.st.Samples {
		m.st.Samples[i].Time = instant(m.st.Samples[i].Time)
	}
	if err := m.check(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSnapshot, err)
	}
	return m, nil
}

// CheckInvariants verifies the basis window (ErrInvariant): at most
// MaxBasisSamples samples, strictly increasing writable times ending at
// the last input (zero when there is no sample), each basis in num's
// range.
func (m *Mark) CheckInvariants() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.check(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvariant, err)
	}
	return nil
}

func (m *Mark) check() error {
	ss := m.st.Samples
	if len(ss) > m.s.MaxBasisSamples {
		return fmt.Errorf("market %q: %d basis samples, more than %d", m.s.Market, len(ss), m.s.MaxBasisSamples)
	}
	for i, b := range ss {
		if err := timeProblem(b.Time); err != nil {
			return fmt.Errorf("market %q: basis sample %d: %w", m.s.Market, i, err)
		}
		if i > 0 && !b.Time.After(ss[i-1].Time) {
			return fmt.Errorf("market %q: basis sample %d not after sample %d", m.s.Market, i, i-1)
		}
		if err := num.Check(b.Basis); err != nil {
			return fmt.Errorf("market %q: basis sample %d: %w", m.s.Market, i, err)
		}
	}
	if n := len(ss); n > 0 && !ss[n-1].Time.Equal(m.st.Time) {
		return fmt.Errorf("market %q: last basis sample is not at the last input", m.s.Market)
	}
	// The newest sample is never dropped, so no sample means no input yet:
	// a Time then would refuse every later input or be unwritable.
	if len(ss) == 0 && !m.st.Time.IsZero() {
		return fmt.Errorf("market %q: a last input time without a basis sample", m.s.Market)
	}
	return nil
}

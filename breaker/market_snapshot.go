package breaker

import (
	"fmt"
	"math"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// MarketSnapshot is the serialisable state of a Market. The band is not
// stored: it is recomputed from Reference and Widened.
type MarketSnapshot struct {
	State      MarketState     `json:"state"`       // state after the last call
	Reference  decimal.Decimal `json:"reference"`   // zero before the first reference
	Widened    bool            `json:"widened"`     // band widening in force
	WidenNext  time.Time       `json:"widen_next"`  // next widening boundary
	LimitSince time.Time       `json:"limit_since"` // start of the limit state (Limit only)
	Window     []WindowBucket  `json:"window"`      // the reference window's trades, by bucket, oldest first
	Halts      []Halt          `json:"halts"`       // the market's own causes
	External   []Halt          `json:"external"`    // causes last reported by sources
	Last       time.Time       `json:"last"`        // last call
	Seen       bool            `json:"seen"`        // at least one call
	// Vol is the volatility band's state (nil without one).
	Vol *VolSnapshot `json:"vol,omitempty"`
	// HeldWidening says the band still carries the widening from before
	// the last widening-window boundary (its Band.Widened is the opposite
	// of Widened): a volatility band holds through a limit state and takes
	// the new widening only when the market leaves it (see
	// VolatilitySettings). Without it a market restored after a boundary
	// crossed in a limit state reported the band as already widened and
	// missed the re-reference event the original emits on leaving the
	// limit state (TestReplayMarketVolatilityBand, issue 14). Always false
	// without a volatility band.
	HeldWidening bool `json:"held_widening,omitempty"`
}

// Snapshot returns the market's state (copies).
func (m *Market) Snapshot() MarketSnapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	return MarketSnapshot{
		State: m.state, Reference: m.band.Reference, Widened: m.widened, WidenNext: m.widenNext.UTC(),
		LimitSince: m.limitSince.UTC(), Window: utcBuckets(m.window()), Halts: utcHalts(m.own),
		External: utcHalts(m.ext), Last: m.last.UTC(), Seen: m.seen, Vol: m.volSnapshot(),
		HeldWidening: !m.band.Reference.IsZero() && m.band.Widened != m.widened,
	}
}

// maxWindowBuckets is the most buckets a window can hold: one per
// resolution of the window, plus those its two ends cut.
func maxWindowBuckets(s MarketSettings) int {
	n := s.ReferenceWindow / s.ReferenceResolution
	if n > 1<<30 {
		return 1 << 30
	}
	return int(n) + 2
}

func utcBuckets(bs []WindowBucket) []WindowBucket {
	out := make([]WindowBucket, len(bs))
	for i, b := range bs {
		out[i] = WindowBucket{End: b.End.UTC(), Sum: b.Sum, Count: b.Count}
	}
	return out
}

// RestoreMarket rebuilds a Market from settings (with the same Sources
// re-attached) and a snapshot, validating every field.
func RestoreMarket(s MarketSettings, snap MarketSnapshot) (*Market, error) {
	m, err := NewMarket(s)
	if err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: market %s: %s", ErrInvalidSnapshot, m.s.ID, fmt.Sprintf(format, a...))
	}
	if snap.State > Halted {
		return nil, bad("unknown state %d", snap.State)
	}
	m.state, m.widened, m.widenNext, m.limitSince = snap.State, snap.Widened, instant(snap.WidenNext), instant(snap.LimitSince)
	m.band, m.lo, m.hi = Band{}, nil, nil
	if err := m.restoreVol(snap.Vol, instant(snap.Last)); err != nil {
		return nil, bad("%v", err)
	}
	if !snap.Reference.IsZero() {
		if err := num.CheckPositive(snap.Reference); err != nil {
			return nil, bad("reference: %v", err)
		}
		if r, ok := m.s.Band.roundRef(snap.Reference); !ok || !r.Equal(snap.Reference) {
			return nil, bad("reference %s not on the price increment", snap.Reference)
		}
		m.setBand(snap.Reference) // at the snapshot's width (held during a limit state)
	}
	if snap.HeldWidening {
		if !m.s.Volatility.enabled() || m.band.Reference.IsZero() {
			return nil, bad("a held widening without a volatility band")
		}
		m.band.Widened = !m.widened
	}
	if len(snap.Window) > maxWindowBuckets(m.s) {
		return nil, bad("%d window buckets, more than the window holds", len(snap.Window))
	}
	m.trades, m.head = utcBuckets(snap.Window), 0
	m.sum, m.count = decimal.Decimal{}, 0
	for i, b := range m.trades {
		if err := num.CheckPositive(b.Sum); err != nil {
			return nil, bad("window bucket %d: %v", i, err)
		}
		if b.Count <= 0 || m.count > math.MaxInt64-b.Count {
			return nil, bad("window bucket %d: count %d", i, b.Count)
		}
		if !bucketEnd(b.End, m.s.ReferenceResolution).Equal(b.End) {
			return nil, bad("window bucket %d ends off the resolution %s", i, m.s.ReferenceResolution)
		}
		m.sum, m.count = m.sum.Add(b.Sum), m.count+b.Count
	}
	for _, hs := range [][]Halt{snap.Halts, snap.External} {
		for i, h := range hs {
			if h.Cause == "" || (i > 0 && hs[i-1].Cause >= h.Cause) {
				return nil, bad("halt causes empty, unsorted or repeated at %d", i)
			}
		}
	}
	m.own, m.ext = utcHalts(snap.Halts), utcHalts(snap.External)
	m.last, m.seen = instant(snap.Last), snap.Seen
	if err := m.consistency(); err != nil {
		return nil, bad("%v", err)
	}
	m.setDeadline()
	return m, nil
}

// CheckInvariants verifies the market's promises: a legal state consistent
// with its active causes (Paused only with the price-band pause alone,
// Halted only with some other cause, no causes while trading), a band that
// contains its reference, a limit timer exactly in Limit and not in the
// future, its own halt causes started by the last call and ending after
// they start, and a reference window in time order within ReferenceWindow
// whose running sum is exact.
func (m *Market) CheckInvariants() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.consistency(); err != nil {
		return fmt.Errorf("%w: market %s: %w", ErrInvariant, m.s.ID, err)
	}
	return nil
}

func (m *Market) consistency() error {
	n := len(m.own) + len(m.ext)
	onlyPause := len(m.ext) == 0 && len(m.own) == 1 && m.own[0].Cause == CauseLimitPause
	switch m.state {
	case Open, Limit:
		if n > 0 {
			return fmt.Errorf("%s with %d active halt causes", m.state, n)
		}
		if m.band.Reference.IsZero() {
			return fmt.Errorf("%s without a reference", m.state)
		}
	case Reopening:
		if n > 0 {
			return fmt.Errorf("reopening with %d active halt causes", n)
		}
	case Paused:
		if !onlyPause {
			return fmt.Errorf("paused without the price-band pause as the only cause")
		}
	case Halted:
		if n == 0 || onlyPause {
			return fmt.Errorf("halted without a cause other than the price-band pause")
		}
	default:
		return fmt.Errorf("unknown state %d", m.state)
	}
	if (m.state == Limit) == m.limitSince.IsZero() {
		return fmt.Errorf("limit timer %s in state %s", m.limitSince, m.state)
	}
	if m.limitSince.After(m.last) {
		return fmt.Errorf("limit state starts %s after the last call %s", m.limitSince, m.last)
	}
	for _, h := range m.own {
		if !m.seen || h.Since.After(m.last) || (!h.Until.IsZero() && !h.Until.After(h.Since)) {
			return fmt.Errorf("halt %q: since %s / until %s inconsistent with the last call %s", h.Cause, h.Since, h.Until, m.last)
		}
	}
	if b := m.band; !b.Reference.IsZero() {
		if !b.Contains(b.Reference) || b.Lower.Sign() <= 0 {
			return fmt.Errorf("band %s does not contain its reference", b)
		}
		want := m.s.Band.band(b.Reference, m.widened)
		if v := &m.s.Volatility; v.enabled() {
			if m.vol.width.Cmp(v.Floor) < 0 || m.vol.width.Cmp(v.Cap) > 0 {
				return fmt.Errorf("volatility width %s outside [%s, %s]", m.vol.width, v.Floor, v.Cap)
			}
			want = m.s.Band.bandAmt(b.Reference, m.vol.width.Mul(b.Reference), m.widened)
		}
		if !want.Lower.Equal(b.Lower) || !want.Upper.Equal(b.Upper) {
			return fmt.Errorf("band %s stale: want %s", b, want)
		}
		if b.Widened != m.widened && !m.s.Volatility.enabled() {
			return fmt.Errorf("band widened %t, the window says %t", b.Widened, m.widened)
		}
	}
	sum, count := decimal.Decimal{}, int64(0)
	win := m.window()
	for i, b := range win {
		if i > 0 && !b.End.After(win[i-1].End) {
			return fmt.Errorf("window buckets out of order at %d", i)
		}
		// The newest bucket holds a trade at or before the last call, so
		// it ends before last + resolution; every bucket ends after the
		// newest one's window start.
		newest := win[len(win)-1].End
		if !b.End.Before(m.last.Add(m.s.ReferenceResolution)) || !b.End.After(newest.Add(-m.s.ReferenceWindow).Add(-m.s.ReferenceResolution)) {
			return fmt.Errorf("window bucket %d ending %s outside the reference window", i, b.End)
		}
		if b.Count <= 0 || b.Sum.Sign() <= 0 {
			return fmt.Errorf("window bucket %d empty or not positive", i)
		}
		sum, count = sum.Add(b.Sum), count+b.Count
	}
	if !sum.Equal(m.sum) || count != m.count {
		return fmt.Errorf("reference sum %s over %d trades ≠ Σ buckets %s over %d", m.sum, m.count, sum, count)
	}
	if !m.seen && (len(win) > 0 || !m.last.IsZero()) {
		return fmt.Errorf("trades without observations")
	}
	return nil
}

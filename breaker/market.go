package breaker

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// CauseLimitPause is the halt cause a Market adds itself when a limit state
// lasts LimitDuration (the LULD trading pause).
const CauseLimitPause = "luld-pause"

// MarketSettings configures a Market.
type MarketSettings struct {
	// ID names the market in events and is passed to HaltSources.
	// Default "market".
	ID string
	// Band configures the price band (zero value: LULD Tier 1, see
	// BandSettings and LULDBands).
	Band BandSettings
	// ReferenceWindow is the period whose trades are averaged into the
	// reference price (LULD: the arithmetic mean of the previous 5 minutes).
	// Default 5 minutes.
	ReferenceWindow time.Duration
	// ReferenceResolution is the length of the buckets the window keeps
	// its trades in: each bucket holds the sum and count of the trades in
	// (end − resolution, end], with end a multiple of the resolution, and
	// leaves the window when end ≤ now − ReferenceWindow. The mean is the
	// exact mean of the trades kept; a trade is kept at most one
	// resolution longer than the window (never dropped early), and with
	// trade times on multiples of the resolution the window is exact.
	// Memory is at most ReferenceWindow/ReferenceResolution + 1 buckets
	// however fast the market trades (a 5-minute window at 1,000 trades/s
	// kept 300,000 trades before). Default 1 second; at most
	// ReferenceWindow; 1ns keeps every distinct instant (exact, memory
	// growing with the trades in the window).
	ReferenceResolution time.Duration
	// ReReference is the relative change of the mean needed to move the
	// reference (LULD: 1%). Default (zero) 0.01. Must not be negative.
	ReReference decimal.Decimal
	// LimitDuration is how long a limit state may last before it becomes a
	// trading pause (LULD: 15 seconds). Default 15s.
	LimitDuration time.Duration
	// PauseDuration is the length of the trading pause (LULD: 5 minutes).
	// Default 5 minutes.
	PauseDuration time.Duration
	// Reference is an optional initial reference (e.g. the prior close). If
	// zero the market starts Reopening and the first checked price becomes
	// the reference (LULD: the opening price).
	Reference decimal.Decimal
	// Sources are shared halt sources (a MarketWide breaker, a KillSwitch)
	// polled on every check. Default none.
	Sources []HaltSource
	// Volatility, when its K is set, scales the band's width with an EWMA
	// of the market's own volatility, within a floor and a cap (see
	// VolatilitySettings). Default off: the LULD tiers of Band.
	Volatility VolatilitySettings
}

func (s *MarketSettings) normalise() error {
	if s.ID == "" {
		s.ID = "market"
	}
	if err := s.Band.normalise(); err != nil {
		return err
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"reference window", &s.ReferenceWindow, 5 * time.Minute}, {"limit duration", &s.LimitDuration, 15 * time.Second},
		{"pause duration", &s.PauseDuration, 5 * time.Minute}} {
		if *d.v < 0 {
			return fmt.Errorf("%w: market %s: %s %s < 0", ErrInvalidSettings, s.ID, d.name, *d.v)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	switch {
	case s.ReferenceResolution < 0 || s.ReferenceResolution > s.ReferenceWindow:
		return fmt.Errorf("%w: market %s: reference resolution %s outside (0, %s]", ErrInvalidSettings, s.ID, s.ReferenceResolution, s.ReferenceWindow)
	case s.ReferenceResolution == 0:
		s.ReferenceResolution = min(time.Second, s.ReferenceWindow)
	}
	if err := s.Volatility.normalise(s.ID); err != nil {
		return err
	}
	if err := num.CheckNonNegative(s.ReReference); err != nil {
		return fmt.Errorf("%w: market %s: re-reference: %w", ErrInvalidSettings, s.ID, err)
	}
	if s.ReReference.IsZero() {
		s.ReReference = decimal.RequireFromString("0.01")
	}
	if !s.Reference.IsZero() {
		if _, err := s.Band.checkRef(s.Reference); err != nil {
			return fmt.Errorf("%w: market %s: reference: %w", ErrInvalidSettings, s.ID, err)
		}
	}
	for i, src := range s.Sources {
		if isNil(src) {
			return fmt.Errorf("%w: market %s: source %d is nil", ErrInvalidSettings, s.ID, i)
		}
	}
	s.Sources = append([]HaltSource(nil), s.Sources...)
	return nil
}

// Market is the market breaker state machine: a LULD-style price band with
// limit state and trading pause, composed with any number of halt causes
// (its own pause, manual halts, shared HaltSources). A market is halted
// until every cause has cleared; it then waits in Reopening for the next
// price, which becomes the new reference.
//
// The one call a host needs per price is Check (or Observe, which also
// records the price as a trade for the reference). Market is safe for
// concurrent use (one mutex); HaltSources are polled before the lock is
// taken.
type Market struct {
	s MarketSettings

	mu         sync.Mutex
	state      MarketState
	band       Band
	lo, hi     *cutoff
	limitSince time.Time
	trades     []WindowBucket  // the reference window is trades[head:]
	head       int             // buckets before head have left the window
	sum        decimal.Decimal // Σ of the window's trade prices
	count      int64           // number of trades in the window
	own        []Halt          // sorted by cause
	ext        []Halt          // external halts seen at the last poll, sorted by cause
	widened    bool
	widenNext  time.Time
	deadline   time.Time // next time advance must run; zero: none
	last       time.Time
	seen       bool
	ev         events // collects one call's events
	vol        volState
}

// NewMarket validates s and returns a market: Open around s.Reference if it
// is set, else Reopening.
func NewMarket(s MarketSettings) (*Market, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	m := &Market{s: s}
	if v := s.Volatility; v.enabled() {
		m.vol.variance = v.Initial.Mul(v.Initial)
		m.vol.width = m.volWidth(false)
	}
	if !s.Reference.IsZero() {
		m.state = Open
		ref, _ := s.Band.checkRef(s.Reference) // checked by normalise
		m.setReference(ref)
	}
	return m, nil
}

func (m *Market) setReference(ref decimal.Decimal) {
	if m.s.Volatility.enabled() {
		m.vol.width = m.volWidth(m.widened)
	}
	m.setBand(ref)
}

// setBand computes the band around ref: the LULD tiers, or the volatility
// band at m.vol.width.
func (m *Market) setBand(ref decimal.Decimal) {
	if m.s.Volatility.enabled() {
		m.band = m.s.Band.bandAmt(ref, m.vol.width.Mul(ref), m.widened)
	} else {
		m.band = m.s.Band.band(ref, m.widened)
	}
	m.lo, m.hi = newCutoff(m.band.Lower), newCutoff(m.band.Upper)
}

// poll asks every source for its halt at now. Called without the lock.
// Halts are sorted by cause and halts sharing a cause (two kill switches,
// two market-wide breakers) are merged into one — earliest Since, latest
// Until, open-ended if any is — so the set of causes stays a set (and a
// snapshot of it restorable). An empty cause is named "halt-source".
func (m *Market) poll(now time.Time, buf []Halt) []Halt {
	for _, src := range m.s.Sources {
		if h, ok := src.HaltFor(now, m.s.ID); ok {
			if h.Cause == "" {
				h.Cause = causeUnnamedSource
			}
			h.Since, h.Until = instant(h.Since), instant(h.Until)
			buf = append(buf, h)
		}
	}
	if len(buf) < 2 {
		return buf
	}
	slices.SortStableFunc(buf, func(a, b Halt) int { return cmpString(a.Cause, b.Cause) })
	w := 0
	for _, h := range buf {
		if w > 0 && buf[w-1].Cause == h.Cause {
			p := &buf[w-1]
			if h.Since.Before(p.Since) {
				p.Since = h.Since
			}
			if p.Until.IsZero() || h.Until.IsZero() {
				p.Until = time.Time{}
			} else if h.Until.After(p.Until) {
				p.Until = h.Until
			}
			p.Reason += "; " + h.Reason
			if h.Actor != "" && h.Actor != p.Actor {
				p.Actor = strings.TrimPrefix(p.Actor+", "+h.Actor, ", ")
			}
			continue
		}
		buf[w] = h
		w++
	}
	return buf[:w]
}

// causeUnnamedSource names a source halt reported with an empty cause.
const causeUnnamedSource = "halt-source"

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (m *Market) setState(to MarketState, now time.Time, reason string) {
	if to == m.state {
		return
	}
	from := m.state
	m.state = to
	if to != Limit {
		m.limitSince = time.Time{}
	}
	m.ev.add(Event{Time: now, Kind: EventState, Subject: m.s.ID, From: from.String(), To: to.String(), Reason: reason})
}

// derive moves the state to what the active causes imply.
func (m *Market) derive(now time.Time) {
	switch {
	case len(m.own)+len(m.ext) > 0:
		to := Halted
		if len(m.ext) == 0 && len(m.own) == 1 && m.own[0].Cause == CauseLimitPause {
			to = Paused
		}
		reason := "halt causes active"
		if to == Paused {
			reason = "limit state became a trading pause"
		}
		m.setState(to, now, reason)
	case m.state == Paused || m.state == Halted:
		m.setState(Reopening, now, "every halt cause cleared")
	}
}

// advance applies everything that time and the sources imply at now.
func (m *Market) advance(now time.Time, ext []Halt) {
	if !m.widenNext.IsZero() && !now.Before(m.widenNext) || (len(m.s.Band.Widened) > 0 && m.widenNext.IsZero()) {
		w, next := m.s.Band.widenedAt(now)
		m.widenNext = next
		if w != m.widened {
			m.widened = w
			// A volatility band holds during a limit state (it takes the
			// widening when the market leaves it: exitLimit).
			if !m.band.Reference.IsZero() && !(m.state == Limit && m.s.Volatility.enabled()) {
				m.setReference(m.band.Reference)
				m.ev.add(Event{Time: now, Kind: EventReference, Subject: m.s.ID, Reason: "band widening changed", Band: bandPtr(m.band)})
			}
		}
	}
	if m.state == Limit {
		if start := m.limitSince.Add(m.s.LimitDuration); !now.Before(start) {
			h := Halt{Cause: CauseLimitPause, Since: start, Until: start.Add(m.s.PauseDuration),
				Reason: fmt.Sprintf("limit state from %s lasted %s", m.limitSince.UTC().Format(time.RFC3339Nano), m.s.LimitDuration)}
			m.putOwn(h, now)
			m.derive(now)
		}
	}
	kept := m.own[:0]
	for _, h := range m.own {
		if !h.Until.IsZero() && !now.Before(h.Until) {
			m.ev.add(Event{Time: now, Kind: EventHaltCleared, Subject: m.s.ID, Cause: h.Cause, Reason: "scheduled end reached"})
			continue
		}
		kept = append(kept, h)
	}
	m.own = kept
	if !slices.EqualFunc(ext, m.ext, func(a, b Halt) bool { return a.Cause == b.Cause }) {
		for _, h := range ext {
			if !slices.ContainsFunc(m.ext, func(o Halt) bool { return o.Cause == h.Cause }) {
				m.ev.add(Event{Time: now, Kind: EventHaltStarted, Subject: m.s.ID, Cause: h.Cause, Reason: h.Reason, Actor: h.Actor})
			}
		}
		for _, h := range m.ext {
			if !slices.ContainsFunc(ext, func(o Halt) bool { return o.Cause == h.Cause }) {
				m.ev.add(Event{Time: now, Kind: EventHaltCleared, Subject: m.s.ID, Cause: h.Cause, Reason: "source cleared"})
			}
		}
	}
	m.ext = append(m.ext[:0], ext...)
	m.derive(now)
	m.setDeadline()
}

func (m *Market) setDeadline() {
	d := m.widenNext
	earlier := func(t time.Time) {
		if !t.IsZero() && (d.IsZero() || t.Before(d)) {
			d = t
		}
	}
	if m.state == Limit {
		earlier(m.limitSince.Add(m.s.LimitDuration))
	}
	for _, h := range m.own {
		earlier(h.Until)
	}
	m.deadline = d
}

// putOwn adds h to the market's own causes; the caller has checked that
// h.Cause is not already among them.
func (m *Market) putOwn(h Halt, now time.Time) {
	i, _ := slices.BinarySearchFunc(m.own, h.Cause, func(a Halt, c string) int { return cmpString(a.Cause, c) })
	m.own = slices.Insert(m.own, i, h)
	m.ev.add(Event{Time: now, Kind: EventHaltStarted, Subject: m.s.ID, Cause: h.Cause, Reason: h.Reason, Actor: h.Actor})
}

// ownIndex returns the index of cause among the market's own causes, or -1.
func (m *Market) ownIndex(cause string) int {
	return slices.IndexFunc(m.own, func(h Halt) bool { return h.Cause == cause })
}

// begin validates the time and brings the state up to now. Caller holds mu.
func (m *Market) begin(now time.Time, ext []Halt) error {
	if m.seen && now.Before(m.last) {
		return fmt.Errorf("%w: market %s: %s < %s", ErrTimeWentBack, m.s.ID, now, m.last)
	}
	m.last, m.seen = now, true
	if len(m.s.Sources) > 0 || len(m.ext) > 0 || (!m.deadline.IsZero() && !now.Before(m.deadline)) ||
		(len(m.s.Band.Widened) > 0 && m.widenNext.IsZero()) {
		m.advance(now, ext)
	}
	return nil
}

// haltDecision describes the active causes.
func (m *Market) haltDecision() Decision {
	d := Decision{Action: HaltedAction, Reason: HaltActive, State: m.state, Band: m.band}
	first := ""
	open := false
	for _, hs := range [2][]Halt{m.own, m.ext} {
		for _, h := range hs {
			if first == "" || h.Cause < first {
				first = h.Cause
			}
			if h.Until.IsZero() {
				open = true
			} else if h.Until.After(d.Until) {
				d.Until = h.Until
			}
		}
	}
	d.Cause = first
	if open {
		d.Until = time.Time{}
	}
	return d
}

// Check decides whether a trade (or liquidation) may print at price at now,
// and moves the state machine:
//
//   - Paused/Halted: HaltedAction with the first cause and the expected end.
//   - Reopening: Allow; price (rounded half-even to the increment) becomes the
//     reference, the band is recomputed and the market is Open (LULD:
//     re-reference at the reopening price).
//   - Open/Limit: strictly inside the band → Allow (a Limit market returns
//     to Open and its band is recalculated at once from the ReferenceWindow
//     mean, limit-state trades included); exactly at an edge → Allow and
//     the market is in Limit, where the band holds;
//     beyond an edge → Reject and the market is in Limit (the price is held
//     at the band). A Limit lasting LimitDuration becomes a trading pause of
//     PauseDuration.
//
// Inside the band with no sources this is allocation-free (the band edges
// are prepared when the reference changes). Bad input (price ≤ 0, absurd
// exponent, now before the previous call) is an error and changes nothing.
func (m *Market) Check(now time.Time, price decimal.Decimal) (Decision, error) {
	return m.check(now, price, false)
}

// Observe is Check followed, when the price is allowed, by Trade: the call
// for a host that feeds every traded (or oracle) price into the breaker.
func (m *Market) Observe(now time.Time, price decimal.Decimal) (Decision, error) {
	return m.check(now, price, true)
}

func (m *Market) check(now time.Time, price decimal.Decimal, record bool) (Decision, error) {
	now = instant(now)
	if err := num.CheckPositive(price); err != nil {
		return Decision{}, fmt.Errorf("%w: market %s: price: %w", ErrInvalidInput, m.s.ID, err)
	}
	var ext []Halt
	if len(m.s.Sources) > 0 {
		var buf [4]Halt
		ext = m.poll(now, buf[:0])
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// A price that rounds below one increment could never be a reference
	// nor print inside a band: refused before anything changes. A price at
	// or above the band's lower edge (itself at least one increment) is on
	// the safe side, so the allocation-free cutoff decides the common case.
	if m.lo == nil || m.lo.cmp(price) < 0 {
		if _, err := m.s.Band.checkRef(price); err != nil {
			return Decision{}, fmt.Errorf("%w: market %s: %w", ErrInvalidInput, m.s.ID, err)
		}
	}
	if err := m.begin(now, ext); err != nil {
		return Decision{}, err
	}
	var d Decision
	switch m.state {
	case Paused, Halted:
		d = m.haltDecision()
		d.Events = m.ev.take()
		return d, nil
	case Reopening:
		// A market that has never had a band opens; one that had a band
		// before a pause or halt reopens (the words a host prints).
		first := m.lo == nil
		ref, _ := m.s.Band.checkRef(price) // checked above
		m.trades, m.head, m.sum, m.count = m.trades[:0], 0, decimal.Decimal{}, 0
		m.setReference(ref)
		why, verb, reason := "reopening price", "reopened", Reopened
		if first {
			why, verb, reason = "opening price", "opened", Opened
		}
		m.ev.add(Event{Time: now, Kind: EventReference, Subject: m.s.ID, Reason: why, Band: bandPtr(m.band)})
		m.setState(Open, now, verb+" at "+price.String())
		d = Decision{Action: Allow, Reason: reason}
	default:
		lo, hi := m.lo.cmp(price), m.hi.cmp(price)
		switch {
		case lo < 0:
			d = Decision{Action: Reject, Reason: BelowBand}
		case hi > 0:
			d = Decision{Action: Reject, Reason: AboveBand}
		case lo == 0 || hi == 0:
			d = Decision{Action: Allow, Reason: AtBand}
		default:
			d = Decision{Action: Allow, Reason: InsideBand}
		}
		if d.Reason == InsideBand {
			if m.state == Limit {
				m.exitLimit(now)
			}
		} else if m.state == Open {
			m.setState(Limit, now, d.Reason.String())
			m.limitSince = now
			m.setDeadline()
		}
	}
	if record && d.Action == Allow {
		m.trade(price, now)
	}
	d.State, d.Band, d.Events = m.state, m.band, m.ev.take()
	return d, nil
}

// Trade records an executed trade at price for the reference price: the
// reference becomes the mean of the trades in the last ReferenceWindow
// (rounded half-even to the increment) when that mean differs from the
// current reference by ReReference (1%) or more: |mean − ref| ≥ 1% × ref.
// In the Limit state the trade is recorded but the band holds until the
// market exits the limit state (LULD Plan §VI(B) as recalled; see Check).
// It returns ErrNotTrading when the market is not Open or Limit and
// ErrInvalidInput when price is outside the band. Trade first brings the
// market up to now (timers and sources, exactly what Status(now) does) and
// only then judges the trade, so a rejected trade records nothing: the
// market is left as Status(now) would leave it, and the events of bringing
// it up to now are returned with the error.
func (m *Market) Trade(now time.Time, price decimal.Decimal) ([]Event, error) {
	now = instant(now)
	if _, err := m.s.Band.checkRef(price); err != nil {
		return nil, fmt.Errorf("%w: market %s: %w", ErrInvalidInput, m.s.ID, err)
	}
	var ext []Halt
	if len(m.s.Sources) > 0 {
		ext = m.poll(now, nil)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Bring the state up to now first (what any call at now would do), then
	// judge the trade against it.
	if err := m.begin(now, ext); err != nil {
		return nil, err
	}
	if m.state != Open && m.state != Limit {
		return m.ev.take(), fmt.Errorf("%w: market %s is %s", ErrNotTrading, m.s.ID, m.state)
	}
	if !m.band.Contains(price) {
		return m.ev.take(), fmt.Errorf("%w: market %s: trade price %s outside band %s", ErrInvalidInput, m.s.ID, price, m.band)
	}
	m.trade(price, now)
	return m.ev.take(), nil
}

func (m *Market) trade(price decimal.Decimal, now time.Time) {
	if m.s.Volatility.enabled() {
		m.sampleVol(price, now)
	}
	end := bucketEnd(now, m.s.ReferenceResolution)
	if k := len(m.trades) - 1; k >= m.head && m.trades[k].End.Equal(end) {
		m.trades[k].Sum = m.trades[k].Sum.Add(price)
		m.trades[k].Count++
	} else {
		m.trades = append(m.trades, WindowBucket{End: end, Sum: price, Count: 1})
	}
	m.sum = m.sum.Add(price)
	m.count++
	mean, ok := m.windowMean(now)
	if !ok || m.state == Limit {
		// LULD Plan §VI(B) (as recalled): the bands hold while the market is
		// in a limit state and are recalculated when it exits, from a mean
		// that includes the limit-state trades (see exitLimit). Moving them
		// here would let a crash walk the band down trade by trade.
		return
	}
	ref := m.band.Reference
	if mean.Sub(ref).Abs().Cmp(m.s.ReReference.Mul(ref)) >= 0 && !mean.Equal(ref) {
		m.setReference(mean)
		m.ev.add(Event{Time: now, Kind: EventReference, Subject: m.s.ID, Band: bandPtr(m.band),
			Reason: fmt.Sprintf("%s-mean moved ≥ %s from %s", m.s.ReferenceWindow, m.s.ReReference, ref)})
	}
}

// windowMean drops the buckets that end at or before now −
// ReferenceWindow and returns the mean of the trades left, rounded
// half-even to the price increment (never below one increment); ok is
// false when no trade is left.
func (m *Market) windowMean(now time.Time) (decimal.Decimal, bool) {
	start := now.Add(-m.s.ReferenceWindow)
	for m.head < len(m.trades) && !m.trades[m.head].End.After(start) {
		m.sum = m.sum.Sub(m.trades[m.head].Sum)
		m.count -= m.trades[m.head].Count
		m.trades[m.head] = WindowBucket{}
		m.head++
	}
	// Compact only when the dead prefix is at least as long as the window:
	// each trade is then moved at most once more, so a trade costs O(1)
	// amortised however long the window (issue 10 item 15: copying the
	// window on every observation cost 648 µs at 1,000 trades/s).
	if m.head > 0 && m.head >= len(m.trades)-m.head {
		n := copy(m.trades, m.trades[m.head:])
		clear(m.trades[n:])
		m.trades, m.head = m.trades[:n], 0
	}
	if m.count == 0 {
		return decimal.Decimal{}, false
	}
	b := &m.s.Band
	cnt := decimal.NewFromInt(m.count)
	sc := b.PriceScale
	if b.SigFigs > 0 {
		// The increment depends on the mean's own size: find it from the
		// truncated mean, then round the exact mean half-even once.
		sc = b.scaleFor(num.Div(m.sum, cnt, b.PriceScale, num.Trunc))
	}
	return b.roundRef(num.Div(m.sum, cnt, sc, num.HalfEven))
}

// window returns the buckets of the reference window (not a copy).
func (m *Market) window() []WindowBucket { return m.trades[m.head:] }

// WindowBucket is the trades of the reference window in one interval
// (End − ReferenceResolution, End]: their count and the sum of their
// prices.
type WindowBucket struct {
	End   time.Time       `json:"end"`
	Sum   decimal.Decimal `json:"sum"`
	Count int64           `json:"count"`
}

// bucketEnd returns the end of the bucket holding a trade at t: the least
// multiple of res (counted from the zero time) at or after t.
func bucketEnd(t time.Time, res time.Duration) time.Time {
	end := t.Truncate(res)
	if end.Before(t) {
		end = end.Add(res)
	}
	return end
}

// exitLimit moves a Limit market back to Open and, as the LULD Plan does
// when trading exits a limit state, recalculates the band at once from the
// mean of the trades in the reference window (including those of the limit
// state), whether or not it moved by ReReference.
func (m *Market) exitLimit(now time.Time) {
	m.setState(Open, now, "price back inside the band")
	if mean, ok := m.windowMean(now); ok && !mean.Equal(m.band.Reference) {
		from := m.band.Reference
		m.setReference(mean)
		m.ev.add(Event{Time: now, Kind: EventReference, Subject: m.s.ID, Band: bandPtr(m.band),
			Reason: fmt.Sprintf("limit state ended: %s-mean replaces %s", m.s.ReferenceWindow, from)})
	}
	if m.s.Volatility.enabled() {
		m.applyWidth(now) // the width learned during the limit state
	}
	m.setDeadline()
}

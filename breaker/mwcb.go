package breaker

import (
	"fmt"
	"sync"
	"time"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/shopspring/decimal"
)

// CauseMarketWide is the halt cause reported by a MarketWide breaker.
const CauseMarketWide = "mwcb"

// WideLevel is one market-wide circuit-breaker level.
type WideLevel struct {
	// Decline from the reference that triggers the level, e.g. 0.07.
	Decline decimal.Decimal `json:"decline"`
	// Halt is the halt length; zero means the rest of the session.
	Halt time.Duration `json:"halt"`
}

// WideSettings configures a MarketWide breaker. The zero value is rejected
// (no levels); start from NYSEMarketWide or CryptoMarketWide.
type WideSettings struct {
	// Name identifies the breaker in events. Default "mwcb".
	Name string
	// Levels in increasing Decline order (strictly increasing, each in
	// (0, 1)). Required.
	Levels []WideLevel
	// LateCutoff: in session mode a level with a finite Halt that triggers
	// after close − LateCutoff does not halt; at exactly close − LateCutoff
	// it still halts (NYSE Rule 7.12(b): a Level 1 or 2 Market Decline
	// "after 9:30 a.m. and up to and including 3:25 p.m." halts; "The
	// Exchange will not halt trading if a Level 1 Market Decline or a Level
	// 2 Market Decline occurs after 3:25 p.m."; 35 minutes before the 4:00
	// pm close). Default 0: no cut-off.
	LateCutoff time.Duration
	// PriceScale is the number of places thresholds are rounded up to
	// (ceil: the breaker trips no later than the exact decline). Default
	// (0) 2. Range -8..18.
	PriceScale int32
	// Rolling > 0 selects 24/7 mode: there are no sessions; the reference is
	// the oldest sampled index value within the trailing Rolling window; a
	// triggered level re-arms Rolling after it triggered; a rest-of-session
	// halt (Halt 0) lasts Rolling. Default 0: session mode (StartSession).
	Rolling time.Duration
	// SampleEvery is the sampling interval of the rolling reference.
	// Default 1 minute. Rolling mode only.
	SampleEvery time.Duration
}

// NYSEMarketWide returns the NYSE Rule 7.12 market-wide circuit breaker:
// 7%, 13% and 20% declines from the prior day's S&P 500 close; levels 1 and
// 2 halt for 15 minutes, at most once each per session, and not after
// 3:25 pm (35 minutes before the close; a decline at 3:25:00 exactly still
// halts: "up to and including 3:25 p.m."); level 3 halts for the rest of
// the session. A level triggers on a decline of its percentage or more: the
// index at or below ref × (1 − Decline) (Rule 7.12(a): "a Level 1 Market
// Decline means a Market Decline of 7%").
func NYSEMarketWide() WideSettings {
	return WideSettings{
		Name: "mwcb",
		Levels: []WideLevel{
			{Decline: decimal.RequireFromString("0.07"), Halt: 15 * time.Minute},
			{Decline: decimal.RequireFromString("0.13"), Halt: 15 * time.Minute},
			{Decline: decimal.RequireFromString("0.20")},
		},
		LateCutoff: 35 * time.Minute,
	}
}

// CryptoMarketWide returns a 24/7 variant: the NYSE levels against a
// rolling 24-hour reference sampled every minute; levels re-arm 24 hours
// after triggering and level 3 halts for 24 hours.
func CryptoMarketWide() WideSettings {
	s := NYSEMarketWide()
	s.Name = "mwcb-24x7"
	s.LateCutoff = 0
	s.Rolling = 24 * time.Hour
	s.SampleEvery = time.Minute
	return s
}

func (s *WideSettings) normalise() error {
	if s.Name == "" {
		s.Name = CauseMarketWide
	}
	if len(s.Levels) == 0 {
		return fmt.Errorf("%w: %s: no levels", ErrInvalidSettings, s.Name)
	}
	for i, l := range s.Levels {
		if err := num.CheckPositive(l.Decline); err != nil {
			return fmt.Errorf("%w: %s: level %d decline: %w", ErrInvalidSettings, s.Name, i+1, err)
		}
		if l.Decline.Cmp(decimal.NewFromInt(1)) >= 0 {
			return fmt.Errorf("%w: %s: level %d decline %s ≥ 100%%", ErrInvalidSettings, s.Name, i+1, l.Decline)
		}
		if i > 0 && l.Decline.Cmp(s.Levels[i-1].Decline) <= 0 {
			return fmt.Errorf("%w: %s: level declines not increasing at level %d", ErrInvalidSettings, s.Name, i+1)
		}
		if l.Halt < 0 {
			return fmt.Errorf("%w: %s: level %d halt %s < 0", ErrInvalidSettings, s.Name, i+1, l.Halt)
		}
	}
	s.Levels = append([]WideLevel(nil), s.Levels...)
	if s.LateCutoff < 0 || s.Rolling < 0 || s.SampleEvery < 0 {
		return fmt.Errorf("%w: %s: negative duration", ErrInvalidSettings, s.Name)
	}
	if s.PriceScale == 0 {
		s.PriceScale = 2
	}
	if s.PriceScale < -8 || s.PriceScale > 18 {
		return fmt.Errorf("%w: %s: price scale %d outside -8..18", ErrInvalidSettings, s.Name, s.PriceScale)
	}
	if s.SampleEvery == 0 {
		s.SampleEvery = time.Minute
	}
	return nil
}

// WideThresholds returns the index value at or below which each level
// triggers: ref × (1 − Decline), rounded up to PriceScale places.
// NYSE example: reference 4,000 → 3,720, 3,480 and 3,200.
func WideThresholds(s WideSettings, ref decimal.Decimal) ([]decimal.Decimal, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	if err := num.CheckPositive(ref); err != nil {
		return nil, fmt.Errorf("%w: %s: reference: %w", ErrInvalidInput, s.Name, err)
	}
	return s.thresholds(ref), nil
}

func (s *WideSettings) thresholds(ref decimal.Decimal) []decimal.Decimal {
	out := make([]decimal.Decimal, len(s.Levels))
	one := decimal.NewFromInt(1)
	for i, l := range s.Levels {
		out[i] = num.Round(ref.Mul(one.Sub(l.Decline)), s.PriceScale, num.Ceil)
	}
	return out
}

// WideStatus is what MarketWide.Observe returns.
type WideStatus struct {
	Reference decimal.Decimal // reference in force
	Level     int             // deepest level the index is at or beyond now (0: none)
	Triggered int             // level newly triggered by this observation (0: none)
	Halted    bool            // a market-wide halt is in force after this observation
	HaltLevel int             // level of the halt in force
	Until     time.Time       // end of the halt in force
	// Events are the state changes this observation caused (a level
	// reached, a halt starting or ending), returned here and nowhere else.
	Events []Event
}

// MarketWide is a market-wide circuit breaker: declines of an index from a
// reference trigger tiered halts that apply to every market (it is a
// HaltSource). In session mode the host calls StartSession each day with
// the prior close; in rolling mode (WideSettings.Rolling) the reference
// rolls. Safe for concurrent use (one mutex).
type MarketWide struct {
	s  WideSettings
	mu sync.Mutex
	st wideState
	ev events // collects one call's events
}

type wideState struct {
	ref        decimal.Decimal
	open, cls  time.Time   // session bounds (session mode)
	triggered  []time.Time // per level: when it triggered this session (zero: armed)
	haltLevel  int
	haltSince  time.Time
	haltUntil  time.Time
	samples    []Point // rolling mode
	last       time.Time
	seen       bool
	thresholds []decimal.Decimal
}

// NewMarketWide validates s and returns a breaker with no session (session
// mode) or an empty rolling window.
func NewMarketWide(s WideSettings) (*MarketWide, error) {
	if err := s.normalise(); err != nil {
		return nil, err
	}
	return &MarketWide{s: s, st: wideState{triggered: make([]time.Time, len(s.Levels))}}, nil
}

// StartSession (session mode) sets the reference (the prior close) and the
// session bounds [open, close), and re-arms every level. A halt still in
// force is kept. Errors: rolling mode, reference ≤ 0, close not after open,
// open before the previous observation. It returns the EventSession it
// records (timed at open).
func (w *MarketWide) StartSession(reference decimal.Decimal, open, close time.Time) ([]Event, error) {
	open, close = instant(open), instant(close)
	if w.s.Rolling > 0 {
		return nil, fmt.Errorf("%w: %s: StartSession in rolling mode", ErrInvalidInput, w.s.Name)
	}
	if err := num.CheckPositive(reference); err != nil {
		return nil, fmt.Errorf("%w: %s: reference: %w", ErrInvalidInput, w.s.Name, err)
	}
	if !close.After(open) {
		return nil, fmt.Errorf("%w: %s: session close %s not after open %s", ErrInvalidInput, w.s.Name, close, open)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.st.seen && open.Before(w.st.last) {
		return nil, fmt.Errorf("%w: %s: session opens %s before the last observation %s", ErrTimeWentBack, w.s.Name, open, w.st.last)
	}
	w.st.ref, w.st.open, w.st.cls = reference, open, close
	w.st.thresholds = w.s.thresholds(reference)
	clear(w.st.triggered)
	return []Event{{Time: open, Kind: EventSession, Subject: w.s.Name,
		Reason: fmt.Sprintf("reference %s, levels %v, session until %s", reference, w.st.thresholds, close.UTC().Format(time.RFC3339))}}, nil
}

// Observe feeds the index value at now and returns the status. A level
// triggers when index ≤ its threshold; triggering level k also consumes the
// levels above it. Levels with a finite halt trigger at most once per
// session (rolling: once per Rolling) and, in session mode, do not halt
// after close − LateCutoff (at it they still do); a rest-of-session level halts until the
// close (rolling: for Rolling). A deeper level extends, never shortens, a
// halt in force, so level 3 dominates levels 1 and 2. Session mode ignores
// observations before StartSession or outside [open, close).
func (w *MarketWide) Observe(now time.Time, index decimal.Decimal) (WideStatus, error) {
	now = instant(now)
	if err := num.CheckPositive(index); err != nil {
		return WideStatus{}, fmt.Errorf("%w: %s: index: %w", ErrInvalidInput, w.s.Name, err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.st.seen && now.Before(w.st.last) {
		return WideStatus{}, fmt.Errorf("%w: %s: %s < %s", ErrTimeWentBack, w.s.Name, now, w.st.last)
	}
	st := w.observe(now, index)
	st.Events = w.ev.take()
	return st, nil
}

func (w *MarketWide) observe(now time.Time, index decimal.Decimal) WideStatus {
	w.st.last, w.st.seen = now, true
	w.expire(now)
	if w.s.Rolling > 0 {
		w.roll(index, now)
	} else if w.st.ref.IsZero() || now.Before(w.st.open) || !now.Before(w.st.cls) {
		return w.status(0, 0, now)
	}
	level := 0
	for i, th := range w.st.thresholds {
		if index.Cmp(th) <= 0 {
			level = i + 1
		}
	}
	if level == 0 || !w.st.triggered[level-1].IsZero() {
		return w.status(level, 0, now)
	}
	for i := 0; i < level; i++ {
		if w.st.triggered[i].IsZero() {
			w.st.triggered[i] = now
		}
	}
	l := w.s.Levels[level-1]
	reason := fmt.Sprintf("level %d: index %s ≤ %s (%s below reference %s)", level, index, w.st.thresholds[level-1], l.Decline, w.st.ref)
	var until time.Time
	switch {
	case l.Halt == 0 && w.s.Rolling > 0:
		until = now.Add(w.s.Rolling)
	case l.Halt == 0:
		until = w.st.cls
	case w.s.Rolling == 0 && w.s.LateCutoff > 0 && now.After(w.st.cls.Add(-w.s.LateCutoff)):
		reason += fmt.Sprintf("; no halt after the late cut-off %s", w.st.cls.Add(-w.s.LateCutoff).UTC().Format(time.RFC3339))
	default:
		until = now.Add(l.Halt)
	}
	w.ev.add(Event{Time: now, Kind: EventLevel, Subject: w.s.Name, Level: level, Reason: reason})
	if !until.IsZero() && until.After(w.st.haltUntil) {
		if w.st.haltUntil.IsZero() || !now.Before(w.st.haltUntil) {
			w.st.haltSince = now
		}
		w.st.haltUntil, w.st.haltLevel = until, level
		w.ev.add(Event{Time: now, Kind: EventHaltStarted, Subject: w.s.Name, Cause: CauseMarketWide, Level: level,
			Reason: fmt.Sprintf("level %d halt until %s", level, until.UTC().Format(time.RFC3339))})
	}
	return w.status(level, level, now)
}

// expire ends a halt whose time ran out and, in rolling mode, re-arms
// levels triggered at least Rolling ago.
func (w *MarketWide) expire(now time.Time) {
	if !w.st.haltUntil.IsZero() && !now.Before(w.st.haltUntil) {
		w.ev.add(Event{Time: now, Kind: EventHaltCleared, Subject: w.s.Name, Cause: CauseMarketWide, Level: w.st.haltLevel,
			Reason: fmt.Sprintf("level %d halt ended", w.st.haltLevel)})
		w.st.haltUntil, w.st.haltSince, w.st.haltLevel = time.Time{}, time.Time{}, 0
	}
	if w.s.Rolling > 0 {
		for i, t := range w.st.triggered {
			if !t.IsZero() && !now.Before(t.Add(w.s.Rolling)) {
				w.st.triggered[i] = time.Time{}
			}
		}
	}
}

// roll samples index into the rolling window and sets the reference to the
// oldest sample within the trailing Rolling window.
func (w *MarketWide) roll(index decimal.Decimal, now time.Time) {
	n := len(w.st.samples)
	if n == 0 || !now.Before(w.st.samples[n-1].Time.Add(w.s.SampleEvery)) {
		w.st.samples = append(w.st.samples, Point{Time: now, Value: index})
	}
	start := now.Add(-w.s.Rolling)
	drop := 0
	for drop < len(w.st.samples)-1 && w.st.samples[drop].Time.Before(start) {
		drop++
	}
	if drop > 0 {
		// Reslice, not copy (O(1) amortised; see ChangeTrigger.Observe).
		clear(w.st.samples[:drop])
		w.st.samples = w.st.samples[drop:]
	}
	if ref := w.st.samples[0].Value; !ref.Equal(w.st.ref) {
		w.st.ref = ref
		w.st.thresholds = w.s.thresholds(ref)
	}
}

func (w *MarketWide) status(level, triggered int, now time.Time) WideStatus {
	st := WideStatus{Reference: w.st.ref, Level: level, Triggered: triggered}
	if !w.st.haltUntil.IsZero() && now.Before(w.st.haltUntil) {
		st.Halted, st.HaltLevel, st.Until = true, w.st.haltLevel, w.st.haltUntil
	}
	return st
}

// HaltFor implements HaltSource: while a market-wide halt is in force it
// applies to every market. It does not record an observation.
func (w *MarketWide) HaltFor(now time.Time, _ string) (Halt, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.st.haltUntil.IsZero() || !now.Before(w.st.haltUntil) || now.Before(w.st.haltSince) {
		return Halt{}, false
	}
	return Halt{Cause: CauseMarketWide, Reason: fmt.Sprintf("%s level %d", w.s.Name, w.st.haltLevel),
		Since: w.st.haltSince, Until: w.st.haltUntil}, true
}

// Thresholds returns the current trigger levels (nil before a reference).
func (w *MarketWide) Thresholds() []decimal.Decimal {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]decimal.Decimal(nil), w.st.thresholds...)
}

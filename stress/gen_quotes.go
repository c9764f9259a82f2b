package stress

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/oracle"
)

// MaxSources is the most oracle sources a tick may quote.
const MaxSources = 64

// MaxWindows is the most congestion windows one CongestionSettings may
// script (every tick scans them all).
const MaxWindows = 256

// QuoteSettings configure the Quotes wrapper: which sources quote the
// true price, how noisily, and how congested the network is.
type QuoteSettings struct {
	// Sources name the oracle sources, each non-empty, at most 64 bytes,
	// distinct; at most MaxSources. Empty means "src-a", "src-b", "src-c".
	Sources []string
	// JitterBP is each quote's noise: source s quotes price × (1 +
	// u/10,000), u a uniform integer in [−JitterBP, JitterBP] drawn per
	// source and tick, rounded half-even to Scale; in [0, 1000]. Zero
	// means 2 (examples/cascade's ±2 bp); negative means none.
	JitterBP int
	// Scale is the number of decimal places of the quotes, in
	// [1, MaxScale]. Zero means 8.
	Scale int32
	// Congestion is the network's congestion model.
	Congestion CongestionSettings
}

// CongestionSettings model the network's congestion (Tick.Congestion, in
// percent): it rises with the size of the tick's price move and decays
// after, as on 12 March 2020, when Ethereum's mean gas price rose about 6×
// to about 80 gwei while ETH fell (Glassnode, reported by T. Sekharan,
// "What happened at MakerDAO on 12–13 Mar 2020", blockstockandbarrel.com)
// and keepers' bids did not land. In integers, with move the tick's
// |ΔP| / P_{t−1} in basis points (rounded down):
//
//	shock_t = move × PerPercent / 100
//	carry_t = (c_{t−1} − Base) × Persist / 100
//	c_t     = min(100, max(Base + max(shock_t, carry_t), window floor))
//
// and c_0 = Base (or its window's floor). Divisions round down.
type CongestionSettings struct {
	// Base is the congestion of a calm tick, in [0, 100]. Zero means 0.
	Base int
	// PerPercent is the points of congestion a 1% move adds, in
	// [0, 1000]. Zero means 10 (a 5% tick: 50%); negative means 0 (only
	// Base and the windows).
	PerPercent int
	// Persist is the percent of the last tick's congestion above Base
	// that carries into this tick, in [0, 99]. Zero means 50; negative
	// means 0.
	Persist int
	// Windows script congestion: within each window the congestion is
	// at least its Percent; at most MaxWindows.
	Windows []CongestionWindow
}

// CongestionWindow is scripted congestion: ticks From (inclusive) to To
// (exclusive) are congested at least Percent.
type CongestionWindow struct {
	// From and To bound the window in ticks, 0 ≤ From < To ≤ MaxTicks.
	From, To int
	// Percent is the floor, in [0, 100].
	Percent int
}

// Quotes wraps a generator: each tick gets a quote from every source
// around the true price, and a congestion. Quotes the inner generator
// already made (a CSV's) are kept; a source named both ways is an error.
// Tick.Quotes come out sorted by Source; each quote has the tick's Time,
// no Confidence and Weight 1. Congestion is the larger of the inner
// tick's and the model's. The jitter draws from its own stream of the
// seed, so the wrapped path is the same with or without it. Safe for
// concurrent use.
type Quotes struct {
	inner Generator
	s     QuoteSettings
}

// NewQuotes validates s and wraps inner.
func NewQuotes(inner Generator, s QuoteSettings) (*Quotes, error) {
	if inner == nil {
		return nil, fmt.Errorf("%w: quotes: no inner generator", ErrInvalidInput)
	}
	if len(s.Sources) == 0 {
		s.Sources = []string{"src-a", "src-b", "src-c"}
	}
	if len(s.Sources) > MaxSources {
		return nil, fmt.Errorf("%w: quotes: %d sources, at most %d", ErrInvalidInput, len(s.Sources), MaxSources)
	}
	s.Sources = slices.Clone(s.Sources)
	slices.Sort(s.Sources)
	for i, src := range s.Sources {
		if src == "" || len(src) > 64 {
			return nil, fmt.Errorf("%w: quotes: source name %q empty or longer than 64 bytes", ErrInvalidInput, src)
		}
		if i > 0 && src == s.Sources[i-1] {
			return nil, fmt.Errorf("%w: quotes: source %q named twice", ErrInvalidInput, src)
		}
	}
	switch {
	case s.JitterBP == 0:
		s.JitterBP = 2
	case s.JitterBP < 0:
		s.JitterBP = 0
	}
	if s.JitterBP > 1000 {
		return nil, fmt.Errorf("%w: quotes: jitter %d bp above 1000", ErrInvalidInput, s.JitterBP)
	}
	if s.Scale == 0 {
		s.Scale = 8
	}
	if s.Scale < 1 || s.Scale > MaxScale {
		return nil, fmt.Errorf("%w: quotes: scale %d outside [1, %d]", ErrInvalidInput, s.Scale, MaxScale)
	}
	var err error
	if s.Congestion, err = s.Congestion.withDefaults(); err != nil {
		return nil, err
	}
	return &Quotes{inner: inner, s: s}, nil
}

// withDefaults validates c and fills its defaults.
func (c CongestionSettings) withDefaults() (CongestionSettings, error) {
	switch {
	case c.PerPercent == 0:
		c.PerPercent = 10
	case c.PerPercent < 0:
		c.PerPercent = 0
	}
	switch {
	case c.Persist == 0:
		c.Persist = 50
	case c.Persist < 0:
		c.Persist = 0
	}
	if c.Base < 0 || c.Base > 100 || c.PerPercent > 1000 || c.Persist > 99 {
		return c, fmt.Errorf("%w: congestion: base %d, per percent %d or persist %d out of range", ErrInvalidInput, c.Base, c.PerPercent, c.Persist)
	}
	if len(c.Windows) > MaxWindows {
		return c, fmt.Errorf("%w: congestion: %d windows, at most %d", ErrInvalidInput, len(c.Windows), MaxWindows)
	}
	c.Windows = slices.Clone(c.Windows)
	for _, w := range c.Windows {
		if w.From < 0 || w.To <= w.From || w.To > MaxTicks || w.Percent < 0 || w.Percent > 100 {
			return c, fmt.Errorf("%w: congestion window [%d, %d) at %d%% out of range", ErrInvalidInput, w.From, w.To, w.Percent)
		}
	}
	return c, nil
}

// Name says what is drawn, e.g. "merton(…) + quotes(src-a,src-b,src-c ±2bp)".
func (q *Quotes) Name() string {
	return fmt.Sprintf("%s + quotes(%s ±%dbp)", q.inner.Name(), strings.Join(q.s.Sources, ","), q.s.JitterBP)
}

// Scenario returns the inner path of seed with quotes and congestion.
func (q *Quotes) Scenario(seed int64) (Scenario, error) {
	in, err := q.inner.Scenario(seed)
	if err != nil {
		return nil, err
	}
	return &quoted{q: q, in: in, rng: pcg(seed, streamQuotes), c: q.s.Congestion.Base}, nil
}

// quoted is one scenario of Quotes.
type quoted struct {
	q    *Quotes
	in   Scenario
	rng  interface{ IntN(int) int }
	last decimal.Decimal
	c    int
	err  error
}

var weightOne = decimal.New(1, 0)

// Next returns the inner tick with quotes and congestion.
func (s *quoted) Next() (Tick, bool, error) {
	if s.err != nil {
		return Tick{}, false, s.err
	}
	t, ok, err := s.in.Next()
	if err != nil || !ok {
		s.err = err
		return t, ok, err
	}
	set := s.q.s
	quotes := make([]oracle.Quote, 0, len(t.Quotes)+len(set.Sources))
	quotes = append(quotes, t.Quotes...)
	for _, src := range set.Sources {
		price := t.Price
		if set.JitterBP > 0 {
			u := int64(s.rng.IntN(2*set.JitterBP+1) - set.JitterBP)
			price = mulBP(price, u, set.Scale)
		} else {
			price = num.Round(price, set.Scale, num.HalfEven)
		}
		if !price.IsPositive() {
			price = decimal.New(1, -set.Scale)
		}
		quotes = append(quotes, oracle.Quote{Source: src, Price: price, Time: t.Time, Weight: weightOne})
	}
	if len(t.Quotes) > 0 { // merge with the inner quotes (ours are sorted already)
		slices.SortStableFunc(quotes, func(a, b oracle.Quote) int { return strings.Compare(a.Source, b.Source) })
		for i := 1; i < len(quotes); i++ {
			if quotes[i].Source == quotes[i-1].Source {
				s.err = fmt.Errorf("%w: quotes: tick %d: source %q quoted twice", ErrInvalidInput, t.Seq, quotes[i].Source)
				return Tick{}, false, s.err
			}
		}
	}
	t.Quotes = quotes
	s.c = set.Congestion.next(t.Seq, s.c, s.last, t.Price)
	s.last = t.Price
	t.Congestion = max(t.Congestion, s.c)
	return t, true, nil
}

// next is the congestion of tick seq at price p, after congestion prev at
// price last (zero on tick 0).
func (c CongestionSettings) next(seq, prev int, last, p decimal.Decimal) int {
	level := c.Base
	if last.IsPositive() {
		move := moveBP(p, last)
		shock := int(min(move*int64(c.PerPercent)/100, 100))
		carry := (prev - c.Base) * c.Persist / 100
		level = min(100, c.Base+max(shock, carry))
	}
	for _, w := range c.Windows {
		if seq >= w.From && seq < w.To {
			level = max(level, w.Percent)
		}
	}
	return level
}

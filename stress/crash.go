package stress

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// MaxKnots is the most knots a Shape may have.
const MaxKnots = 10_000

// Knot is one point of a scripted path: At after the shape's start, the
// price is Price.
type Knot struct {
	// At is the time since the shape's start, ≥ 0; the first knot's is 0.
	At time.Duration
	// Price is the price there, > 0.
	Price decimal.Decimal
}

// Shape is a scripted price path: straight lines between knots. The
// reconstructions of documented crashes (BlackThursday2020, …) are
// shapes whose knots are cited figures.
type Shape struct {
	// Name names the shape in reports, e.g. "eth-2020-03-12".
	Name string
	// Start is the wall time of the first knot (a reconstruction's real
	// date). Zero means 2026-01-01 00:00 UTC.
	Start time.Time
	// Step is the tick length the shape is meant for, used when
	// ScriptedSettings.Step is zero. Zero means one minute.
	Step time.Duration
	// Knots are the points, strictly increasing in At, the first at 0;
	// at least 2 and at most MaxKnots.
	Knots []Knot
	// Sources cite where the knots' figures come from.
	Sources []string
}

// ScriptedSettings configure a Scripted generator.
type ScriptedSettings struct {
	// Shape is the path to follow.
	Shape Shape
	// Start is tick 0's time. Zero means the shape's Start.
	Start time.Time
	// Step is the time between ticks, in (0, MaxStep]. Zero means the
	// shape's Step.
	Step time.Duration
	// Ticks is the number of ticks, in [1, MaxTicks]; after the last knot
	// the price holds. Zero means through the last knot (its span / Step
	// + 1).
	Ticks int
	// Price rescales the shape so that its first knot is Price (each knot
	// × Price / first knot's price, rounded half-even to Scale). Zero
	// means the shape's own prices.
	Price decimal.Decimal
	// Scale is the number of decimal places of every price, in
	// [1, MaxScale]. Zero means 8.
	Scale int32
	// NoiseBP is seeded noise: each tick after the first is multiplied by
	// 1 + u/10,000 with u a uniform integer in [−NoiseBP, NoiseBP],
	// independently per tick, in [0, 5000]. Zero means none (every seed
	// gives the same path).
	NoiseBP int
}

// Scripted follows a Shape: tick i's price is the straight line between
// the knots around Start + i × Step, computed in decimal (the knots'
// difference × elapsed / segment length, divided to Scale places
// half-even), then the optional noise (rounded half-even to Scale), never
// below one unit of the scale. No float64 is involved, so every machine
// draws the same path. Safe for concurrent use.
type Scripted struct {
	s     ScriptedSettings
	path  PathSettings
	knots []Knot            // rescaled, at Scale
	cache []decimal.Decimal // the noiseless path, when at most maxCached ticks
}

// NewScripted validates s and returns its generator.
func NewScripted(s ScriptedSettings) (*Scripted, error) {
	sh := s.Shape
	if s.Scale == 0 {
		s.Scale = 8
	}
	if s.Scale < 1 || s.Scale > MaxScale {
		return nil, fmt.Errorf("%w: shape %q: scale %d outside [1, %d]", ErrInvalidInput, sh.Name, s.Scale, MaxScale)
	}
	if s.NoiseBP < 0 || s.NoiseBP > 5000 {
		return nil, fmt.Errorf("%w: shape %q: noise %d bp outside [0, 5000]", ErrInvalidInput, sh.Name, s.NoiseBP)
	}
	if len(sh.Knots) < 2 || len(sh.Knots) > MaxKnots {
		return nil, fmt.Errorf("%w: shape %q: %d knots, want 2 to %d", ErrInvalidInput, sh.Name, len(sh.Knots), MaxKnots)
	}
	for i, k := range sh.Knots {
		if err := checkPrice(k.Price, MaxScale); err != nil {
			return nil, fmt.Errorf("%w: shape %q: knot %d: %s", ErrInvalidInput, sh.Name, i, err)
		}
		if (i == 0 && k.At != 0) || (i > 0 && k.At <= sh.Knots[i-1].At) {
			return nil, fmt.Errorf("%w: shape %q: knot %d at %s: the first knot must be at 0 and the others strictly later", ErrInvalidInput, sh.Name, i, k.At)
		}
	}
	if !s.Price.IsZero() {
		if err := checkPrice(s.Price, s.Scale); err != nil {
			return nil, fmt.Errorf("%w: shape %q: price: %s", ErrInvalidInput, sh.Name, err)
		}
	}
	p := PathSettings{Start: s.Start, Step: s.Step, Ticks: s.Ticks, Scale: s.Scale, Price: decimal.New(1, 0)}
	if p.Start.IsZero() {
		p.Start = sh.Start
	}
	if p.Step == 0 {
		p.Step = sh.Step
		if p.Step == 0 {
			p.Step = time.Minute
		}
	}
	span := sh.Knots[len(sh.Knots)-1].At
	if p.Ticks == 0 && p.Step > 0 {
		if span/p.Step >= MaxTicks {
			return nil, fmt.Errorf("%w: shape %q: span %s is more than %d ticks of %s", ErrInvalidInput, sh.Name, span, MaxTicks, p.Step)
		}
		p.Ticks = int(span/p.Step) + 1
	}
	var err error
	if p, err = p.withDefaults(); err != nil {
		return nil, fmt.Errorf("shape %q: %w", sh.Name, err)
	}
	g := &Scripted{s: s, path: p, knots: make([]Knot, len(sh.Knots))}
	first := sh.Knots[0].Price
	for i, k := range sh.Knots {
		price := k.Price
		if !s.Price.IsZero() {
			price = num.Div(k.Price.Mul(s.Price), first, s.Scale, num.HalfEven)
		} else {
			price = num.Round(price, s.Scale, num.HalfEven)
		}
		if !price.IsPositive() || price.GreaterThan(maxPrice) {
			return nil, fmt.Errorf("%w: shape %q: knot %d rescaled to %s", ErrInvalidInput, sh.Name, i, price)
		}
		g.knots[i] = Knot{At: k.At, Price: price}
	}
	g.path.Price = g.knots[0].Price
	if g.path.Ticks <= maxCached {
		g.cache = make([]decimal.Decimal, g.path.Ticks)
		seg := 1
		for i := range g.cache {
			g.cache[i] = g.line(i, &seg)
		}
	}
	return g, nil
}

// maxCached is the longest path a Scripted keeps precomputed (its
// noiseless prices are the same for every seed); a longer one is
// computed tick by tick.
const maxCached = 100_000

// line is the noiseless price of tick seq; seg is the segment the
// previous call ended in (ticks are read in order).
func (g *Scripted) line(seq int, seg *int) decimal.Decimal {
	at := time.Duration(seq) * g.path.Step
	for *seg < len(g.knots)-1 && at >= g.knots[*seg].At {
		*seg++
	}
	a, b := g.knots[*seg-1], g.knots[*seg]
	if at >= b.At {
		return b.Price
	}
	frac := num.Div(b.Price.Sub(a.Price).Mul(decimal.NewFromInt(int64(at-a.At))), decimal.NewFromInt(int64(b.At-a.At)), g.path.Scale, num.HalfEven)
	return a.Price.Add(frac)
}

// Name says what is drawn, e.g. "shape(eth-2020-03-12, ±20bp, 157×10m0s)".
func (g *Scripted) Name() string {
	return fmt.Sprintf("shape(%s, ±%dbp, %d×%s)", g.s.Shape.Name, g.s.NoiseBP, g.path.Ticks, g.path.Step)
}

// Scenario returns the path of seed; the seed only draws the noise.
func (g *Scripted) Scenario(seed int64) (Scenario, error) {
	rng := pcg(seed, streamShape)
	seg := 1
	unit := decimal.New(1, -g.path.Scale)
	return &pathScenario{s: g.path, next: func(seq int) (decimal.Decimal, error) {
		var price decimal.Decimal
		if g.cache != nil {
			price = g.cache[seq]
		} else {
			price = g.line(seq, &seg)
		}
		if g.s.NoiseBP > 0 && seq > 0 {
			u := int64(rng.IntN(2*g.s.NoiseBP+1) - g.s.NoiseBP)
			price = mulBP(price, u, g.path.Scale)
		}
		if price.LessThan(unit) {
			price = unit
		}
		return price, nil
	}}, nil
}

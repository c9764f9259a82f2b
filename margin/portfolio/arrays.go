package portfolio

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// Arrays are the risk arrays of instruments at one set of marks: for each
// instrument, its gain per contract in every scenario of the grid (SPAN's
// risk array), computed once and then summed for any number of books. A
// venue computes Arrays once per mark update and values every account
// with Arrays.Requirement, whose cost grows with the book, not with the
// pricing. Arrays is immutable after construction and safe for
// concurrent use.
type Arrays struct {
	e      *Engine
	now    time.Time
	rate   int64
	unders []uState
	uPos   map[int]int
	arr    []*instArr    // by instrument index; nil when not valued
	exps   []expiryState // per expiry, on first use (see expiry)
}

// instArr is one instrument's risk array, normalised by its underlying's
// price (linear) or per coin (inverse).
type instArr struct {
	gain  []int64   // per scenario: gain per unit of size × contract size
	w0    int64     // option value / price at the marks
	delta int64     // Black-76 delta of an option at the marks
	bnd   *boundArr // non-nil: an option valued by its bounds (bounds.go); gain and w0 unused
}

// Arrays values the given instruments (all of the Engine's when none is
// given) in every scenario at the marks. Every listed instrument needs its
// underlying's price and, for an option, its volatility. Errors wrap
// ErrInvalidInput, ErrUnknownInstrument or ErrMissingMark; an option
// Black-76 cannot value in the kernel is valued by its bounds (bounds.go),
// never refused.
func (e *Engine) Arrays(now time.Time, m Marks, instruments ...string) (*Arrays, error) {
	if err := checkNow(now); err != nil {
		return nil, err
	}
	if err := num.Check(m.Rate); err != nil {
		return nil, fmt.Errorf("%w: rate: %w", ErrInvalidInput, err)
	}
	if m.Rate.Abs().Cmp(decimal.NewFromInt(1)) > 0 {
		return nil, fmt.Errorf("%w: rate %s outside [-1, 1]", ErrInvalidInput, m.Rate)
	}
	a := &Arrays{e: e, now: now, uPos: map[int]int{}, arr: make([]*instArr, len(e.insts))}
	a.rate, _ = toW(m.Rate)
	if len(instruments) == 0 {
		for i := range e.insts {
			if err := a.value(i, m); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
	for _, id := range instruments {
		i, ok := e.instIdx[id]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownInstrument, id)
		}
		if a.arr[i] != nil {
			continue
		}
		if err := a.value(i, m); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Time returns the time the arrays were computed for.
func (a *Arrays) Time() time.Time { return a.now }

// under returns the priced underlying of instrument i, pricing it on first
// use.
func (a *Arrays) under(i int, m Marks) (*uState, error) {
	ui := a.e.instUnder[i]
	if p, ok := a.uPos[ui]; ok {
		return &a.unders[p], nil
	}
	u, err := a.e.underState(ui, m)
	if err != nil {
		return nil, err
	}
	a.uPos[ui] = len(a.unders)
	a.unders = append(a.unders, u)
	return &a.unders[len(a.unders)-1], nil
}

// value computes instrument i's array.
func (a *Arrays) value(i int, m Marks) error {
	e := a.e
	in := e.insts[i]
	u, err := a.under(i, m)
	if err != nil {
		return err
	}
	n := len(e.sc)
	ia := &instArr{}
	switch in.Kind {
	case RiskArray:
		a.arr[i] = ia
		return nil
	case Future:
		if u.sDec != nil && !in.Inverse {
			// A move beyond the kernel: the gain per unit, F0·(s − 1), in
			// decimal (exact).
			b := &boundArr{gain: make([]decimal.Decimal, n)}
			for s := range n {
				b.gain[s] = u.price.Mul(u.sDec[s].Sub(decimal.NewFromInt(1)))
			}
			ia.bnd, ia.delta = b, wOne
			a.arr[i] = ia
			return nil
		}
		ia.gain = make([]int64, n)
		for s := range n {
			if in.Inverse {
				ia.gain[s] = wOne - u.invS[s]
			} else {
				ia.gain[s] = u.s[s] - wOne
			}
		}
		ia.delta = wOne
		a.arr[i] = ia
		return nil
	}
	v, ok := m.Vols[in.ID]
	if !ok {
		return fmt.Errorf("%w: no volatility for %q", ErrMissingMark, in.ID)
	}
	if err := checkVol(v); err != nil {
		return fmt.Errorf("%w (instrument %q)", err, in.ID)
	}
	sig, ok := toW(v)
	if !ok {
		return fmt.Errorf("%w: volatility of %q", ErrInvalidInput, in.ID)
	}
	var k kern
	es := a.expiry(in.Expiry)
	if u.sDec != nil || e.outOfRange(i, u, es) {
		return a.setBounded(i, u, es)
	}
	sr0, err := e.optSeries(&k, i, u, es, a.rate)
	if err != nil {
		return err
	}
	g, _, _ := sr0.priceDelta(&k, wOne, 0, sig) // gamma and theta unused (and unbounded near expiry)
	ia.w0, ia.delta = g.price, g.delta
	sr1 := sr0
	if e.grid.LookAheadSeconds > 0 {
		sr1.years, sr1.sqrtT = es.years1, es.sqrt1
		if a.rate != 0 {
			sr1.df = es.df1
		}
	}
	vols := e.shockedBy(&k, sig, es.shockFactor)
	states := [3]volState{sr1.volState(&k, vols[0]), sr1.volState(&k, vols[1]), sr1.volState(&k, vols[2])}
	ia.gain = make([]int64, n)
	same := e.grid.LookAheadSeconds == 0 // the scenarios' series is the marks'
	for s, sc := range e.sc {
		if same && sc.vol == VolSame && u.s[s] == wOne && u.ls[s] == 0 {
			ia.gain[s] = 0 // the marks' valuation again (an inverse one divided by 1, exact)
			continue
		}
		val := sr1.valueAt(&k, u.s[s], u.ls[s], &states[sc.vol])
		if in.Inverse {
			val = k.div(val, u.s[s])
		}
		ia.gain[s] = val - ia.w0
	}
	if k.bad { // beyond the kernel after all: bounds, never a refusal
		return a.setBounded(i, u, es)
	}
	a.arr[i] = ia
	return nil
}

// setBounded values option i by its bounds (bounds.go).
func (a *Arrays) setBounded(i int, u *uState, es *expiryState) error {
	ia, err := a.bounded(i, u, es)
	if err != nil {
		return err
	}
	a.arr[i] = ia
	return nil
}

// netPos is the net holding of one instrument in a book.
type netPos struct {
	inst int
	size decimal.Decimal // contracts
}

// bookU is one underlying of a book with its scenario sums: lin × price
// (linear), coin as is (inverse options), invf / price (inverse futures).
type bookU struct {
	u               *uState
	lin, coin, invf []cell
}

// book is a validated, netted book over Arrays.
type book struct {
	net     []netPos
	unders  []bookU
	uPos    map[int]int // underlying index → position in unders
	inverse bool
}

// netBook validates positions and nets them by instrument, in order of
// first appearance (never map order).
func (a *Arrays) netBook(positions []Position) (*book, error) {
	e := a.e
	if len(positions) > 100_000 {
		return nil, fmt.Errorf("%w: %d positions (at most 100,000)", ErrInvalidInput, len(positions))
	}
	b := &book{uPos: map[int]int{}}
	where := map[int]int{}
	first := true
	for _, p := range positions {
		i, ok := e.instIdx[p.Instrument]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownInstrument, p.Instrument)
		}
		if a.arr[i] == nil {
			return nil, fmt.Errorf("%w: instrument %q was not valued in these arrays", ErrMissingMark, p.Instrument)
		}
		if err := num.Check(p.Size); err != nil {
			return nil, fmt.Errorf("%w: position %q size: %w", ErrInvalidInput, p.Instrument, err)
		}
		if p.Size.IsZero() {
			return nil, fmt.Errorf("%w: position %q: size is zero", ErrInvalidInput, p.Instrument)
		}
		in := e.insts[i]
		if in.Kind == Future {
			if err := num.CheckPositive(p.Entry); err != nil {
				return nil, fmt.Errorf("%w: position %q entry: %w", ErrInvalidInput, p.Instrument, err)
			}
		}
		if in.Kind != RiskArray {
			if first {
				b.inverse, first = in.Inverse, false
			} else if b.inverse != in.Inverse {
				return nil, fmt.Errorf("%w: position %q: a book holds only linear or only inverse instruments (one settlement asset)", ErrInvalidInput, p.Instrument)
			}
		}
		if j, ok := where[i]; ok {
			b.net[j].size = b.net[j].size.Add(p.Size)
			continue
		}
		where[i] = len(b.net)
		b.net = append(b.net, netPos{inst: i, size: p.Size})
	}
	kept := b.net[:0]
	for _, np := range b.net {
		if !np.size.IsZero() {
			kept = append(kept, np)
		}
	}
	b.net = kept
	n := len(e.sc)
	for _, np := range b.net {
		ui := e.instUnder[np.inst]
		if _, ok := b.uPos[ui]; ok {
			continue
		}
		b.uPos[ui] = len(b.unders)
		b.unders = append(b.unders, bookU{u: &a.unders[a.uPos[ui]], lin: make([]cell, n), coin: make([]cell, n), invf: make([]cell, n)})
	}
	return b, nil
}

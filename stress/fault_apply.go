package stress

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/oracle"
)

// slot is a source's quote at one tick, or its absence.
type slot struct {
	q  oracle.Quote
	ok bool
}

// faultState is what one fault remembers within a scenario.
type faultState struct {
	last slot   // stale: the source's last quote before the window (then frozen)
	ring []slot // delay: the source's quotes of the last Delay ticks, grown a tick at a time
	n    int    // delay: ticks seen so far
	hit  bool   // the fault found its source within its window
}

// faulted is one scenario of Faults.
type faulted struct {
	g     *Faults
	in    Scenario
	st    []faultState
	err   error
	owned bool // this tick's quotes are our copy
	seen  int  // ticks passed on
}

// own returns quotes as this tick's own copy, copying it the first time.
func (s *faulted) own(quotes []oracle.Quote) []oracle.Quote {
	if s.owned {
		return quotes
	}
	s.owned = true
	return slices.Clone(quotes)
}

// Next returns the inner tick with the faults applied.
func (s *faulted) Next() (Tick, bool, error) {
	if s.err != nil {
		return Tick{}, false, s.err
	}
	t, ok, err := s.in.Next()
	if err == nil && !ok {
		err = s.missed()
	}
	if err != nil || !ok {
		s.err = err
		return t, ok, err
	}
	quotes := t.Quotes
	s.owned = false // the inner tick's slice is copied before the first change
	for i, f := range s.g.s.Faults {
		quotes = s.apply(f, &s.st[i], t.Seq, quotes)
	}
	t.Quotes = quotes
	s.seen++
	return t, true, nil
}

// missed is an error naming the first fault that never found its source
// within its window, or nil.
func (s *faulted) missed() error {
	for i, f := range s.g.s.Faults {
		if !s.st[i].hit {
			return fmt.Errorf("%w: fault %s never found its source within its window (path of %d ticks)", ErrInvalidInput, f, s.seen)
		}
	}
	return nil
}

// find is the index of src's quote in quotes, or −1.
func find(quotes []oracle.Quote, src string) int {
	for i, q := range quotes {
		if q.Source == src {
			return i
		}
	}
	return -1
}

// put sets src's quote in quotes (sorted by Source) to sl: replaced,
// inserted in order, or removed when sl is absent.
func put(quotes []oracle.Quote, i int, src string, sl slot) []oracle.Quote {
	switch {
	case i >= 0 && sl.ok:
		quotes[i] = sl.q
	case i >= 0:
		quotes = slices.Delete(quotes, i, i+1)
	case sl.ok:
		at, _ := slices.BinarySearchFunc(quotes, src, func(q oracle.Quote, s string) int { return strings.Compare(q.Source, s) })
		quotes = slices.Insert(quotes, at, sl.q)
	}
	return quotes
}

// apply applies fault f, with its state st, to tick seq's quotes.
func (s *faulted) apply(f Fault, st *faultState, seq int, quotes []oracle.Quote) []oracle.Quote {
	i := find(quotes, f.Source)
	cur := slot{ok: i >= 0}
	if cur.ok {
		cur.q = quotes[i]
	}
	in := seq >= f.From && seq < f.To
	switch f.Kind {
	case FaultStale:
		if !in {
			if seq < f.From && cur.ok {
				st.last = cur
			}
			return quotes
		}
		if !st.last.ok {
			st.last = cur // nothing before the window: freeze the first quote in it
		}
		st.hit = st.hit || st.last.ok
		return put(s.own(quotes), i, f.Source, st.last)
	case FaultDelay:
		var late slot // the quote of tick seq − Delay (absent before tick Delay)
		if len(st.ring) < f.Delay {
			st.ring = append(st.ring, cur) // still filling: ring[seq] is tick seq
		} else {
			k := st.n % f.Delay
			late = st.ring[k]
			st.ring[k] = cur
		}
		st.n++
		if !in {
			return quotes
		}
		st.hit = st.hit || cur.ok || late.ok
		return put(s.own(quotes), i, f.Source, late)
	}
	if !in || !cur.ok {
		return quotes
	}
	st.hit = true
	scale := s.g.s.Scale
	q := cur.q
	if f.Kind == FaultDrift {
		q.Price = mulBP(q.Price, int64(f.BiasBP)*int64(seq-f.From+1), scale)
	} else {
		q.Price = mulDec(q.Price, f.Factor, scale)
	}
	if !q.Price.IsPositive() {
		q.Price = decimal.New(1, -scale) // a drift below zero prints one unit
	}
	quotes = s.own(quotes)
	quotes[i] = q
	return quotes
}

package oracle

// This file is the package's I/O edge, and the only code in oracle that
// starts goroutines or reads the wall clock (through context deadlines and
// gobreaker's timers). Everything else is a pure function of its inputs.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/sony/gobreaker/v2"
)

// Source is a live price source: an exchange API, a Chainlink or Pyth
// reader, a validator's vote. Fetch must honour ctx (return promptly once it
// is done); Name must be stable and unique within a Collector.
type Source interface {
	Name() string
	Fetch(ctx context.Context) (Quote, error)
}

// SourceFunc adapts a function to a Source, for hosts that fetch with a
// closure: SourceFunc{ID: "binance", Fn: fetchBinance}.
type SourceFunc struct {
	ID string                                   // the source's name
	Fn func(ctx context.Context) (Quote, error) // the fetch
}

// Name returns f.ID.
func (f SourceFunc) Name() string { return f.ID }

// Fetch calls f.Fn; without one it fails (ErrSourceFailed), never panics.
func (f SourceFunc) Fetch(ctx context.Context) (Quote, error) {
	if f.Fn == nil {
		return Quote{}, fmt.Errorf("%w: source %q has no fetch function", ErrSourceFailed, f.ID)
	}
	return f.Fn(ctx)
}

// CollectorSettings configures a Collector's per-source protection.
type CollectorSettings struct {
	// Timeout bounds each Fetch call. Default 2s.
	Timeout time.Duration `json:"timeout"`
	// FailureThreshold is the number of consecutive failures (errors,
	// timeouts, invalid quotes) that opens a source's breaker: it opens when
	// ConsecutiveFailures reaches it (≥). Default 5, which opens one failure
	// earlier than gobreaker's own default ReadyToTrip
	// (ConsecutiveFailures > 5); set 6 for gobreaker's rule.
	FailureThreshold uint32 `json:"failure_threshold"`
	// OpenTimeout is how long an open breaker refuses calls before letting
	// a trial call through (half-open). Default 30s.
	OpenTimeout time.Duration `json:"open_timeout"`
	// HalfOpenRequests is how many trial calls a half-open breaker allows.
	// Default 1.
	HalfOpenRequests uint32 `json:"half_open_requests"`
}

// Collector fetches quotes from its sources concurrently, each through its
// own gobreaker v2 circuit breaker and a per-call timeout. Safe for
// concurrent use.
//
// Replication. A Collector has no snapshot and is not replayable: what it
// returns depends on the network, the wall clock (timeouts, gobreaker's
// open timeout) and goroutine timing. A consensus host (a blockchain, a
// Raft group) runs it at each node's I/O edge, outside consensus, and
// replicates the quotes it collected as an input (Feed.Update's quotes,
// with their times), never the Collection or a source's health.
type Collector struct {
	s       CollectorSettings
	sources []Source
	cbs     []*gobreaker.CircuitBreaker[Quote]
}

// NewCollector validates s and the sources (non-nil, non-empty unique names)
// and wraps each source in a breaker.
func NewCollector(s CollectorSettings, sources ...Source) (*Collector, error) {
	if s.Timeout < 0 || s.OpenTimeout < 0 {
		return nil, fmt.Errorf("%w: collector timeouts must not be negative", ErrInvalidSettings)
	}
	if s.Timeout == 0 {
		s.Timeout = 2 * time.Second
	}
	if s.FailureThreshold == 0 {
		s.FailureThreshold = 5
	}
	if s.OpenTimeout == 0 {
		s.OpenTimeout = 30 * time.Second
	}
	if s.HalfOpenRequests == 0 {
		s.HalfOpenRequests = 1
	}
	if len(sources) == 0 {
		return nil, fmt.Errorf("%w: a collector needs at least one source", ErrInvalidSettings)
	}
	c := &Collector{s: s}
	seen := map[string]bool{}
	for i, src := range sources {
		if isNil(src) {
			// A typed nil (a nil *T in the interface) would panic in Name.
			return nil, fmt.Errorf("%w: source %d is nil", ErrInvalidSettings, i)
		}
		if fs, ok := src.(SourceFunc); ok && fs.Fn == nil {
			return nil, fmt.Errorf("%w: source %d (%q) has no fetch function", ErrInvalidSettings, i, fs.ID)
		}
		if fs, ok := src.(*SourceFunc); ok && fs.Fn == nil {
			return nil, fmt.Errorf("%w: source %d (%q) has no fetch function", ErrInvalidSettings, i, fs.ID)
		}
		name := src.Name()
		if name == "" || seen[name] {
			return nil, fmt.Errorf("%w: source %d: empty or duplicate name %q", ErrInvalidSettings, i, name)
		}
		seen[name] = true
		threshold := s.FailureThreshold
		c.sources = append(c.sources, src)
		c.cbs = append(c.cbs, gobreaker.NewCircuitBreaker[Quote](gobreaker.Settings{
			Name:        name,
			MaxRequests: s.HalfOpenRequests,
			Timeout:     s.OpenTimeout,
			ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= threshold },
		}))
	}
	return c, nil
}

// SourceError is one source's failure in a Collect.
type SourceError struct {
	Source string `json:"source"` // the failing source's name
	// Err wraps exactly one oracle sentinel: ErrInvalidQuote for a bad
	// answer (one that fails Quote.Validate or names another source),
	// otherwise ErrSourceFailed together
	// with the cause: the source's own error, context.DeadlineExceeded on
	// timeout, ctx's error, a recovered panic, or gobreaker.ErrOpenState /
	// ErrTooManyRequests when the breaker refused the call (IsBreakerOpen).
	Err error `json:"-"`
}

// Collection is the outcome of one Collect: the quotes obtained and the
// sources that failed, both in the order the sources were given.
type Collection struct {
	Quotes []Quote       `json:"quotes"` // one per source that answered validly
	Errors []SourceError `json:"errors"` // one per source that failed
}

// Collect calls every source concurrently, each with its own timeout and
// breaker, waits for all of them, and returns quotes plus per-source errors
// (in source order, so the result does not depend on goroutine timing).
// A quote without a Source gets the source's name; one naming another
// source, or failing Quote.Validate, counts as a failure. A source that
// ignores ctx is abandoned at its timeout: its late answer is discarded.
// If ctx is already done, no source is called; if it ends during a call,
// that call fails with ctx's error and counts as a failure of the source.
// A nil ctx calls no source: each fails with ErrInvalidInput.
func (c *Collector) Collect(ctx context.Context) Collection {
	if ctx == nil {
		var out Collection
		for _, src := range c.sources {
			out.Errors = append(out.Errors, SourceError{Source: src.Name(), Err: fmt.Errorf("%w: nil context", ErrInvalidInput)})
		}
		return out
	}
	quotes := make([]Quote, len(c.sources))
	errs := make([]error, len(c.sources))
	var wg sync.WaitGroup
	for i := range c.sources {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			quotes[i], errs[i] = c.fetch(ctx, i)
		}(i)
	}
	wg.Wait()
	var out Collection
	for i, src := range c.sources {
		if errs[i] != nil {
			out.Errors = append(out.Errors, SourceError{Source: src.Name(), Err: errs[i]})
			continue
		}
		out.Quotes = append(out.Quotes, quotes[i])
	}
	return out
}

type fetched struct {
	q   Quote
	err error
}

func (c *Collector) fetch(ctx context.Context, i int) (Quote, error) {
	src, name := c.sources[i], c.sources[i].Name()
	if err := ctx.Err(); err != nil {
		return Quote{}, fmt.Errorf("%w: source %q: %w", ErrSourceFailed, name, err)
	}
	q, err := c.cbs[i].Execute(func() (Quote, error) {
		cctx, cancel := context.WithTimeout(ctx, c.s.Timeout)
		defer cancel()
		ch := make(chan fetched, 1) // buffered: a late answer never blocks
		go func() {
			// A panicking host source must not take the process down: it
			// counts as a failure of that source.
			defer func() {
				if p := recover(); p != nil {
					ch <- fetched{err: fmt.Errorf("panic: %v", p)}
				}
			}()
			q, err := src.Fetch(cctx)
			ch <- fetched{q, err}
		}()
		var r fetched
		select {
		case r = <-ch:
		case <-cctx.Done():
			return Quote{}, cctx.Err()
		}
		if r.err != nil {
			return Quote{}, r.err
		}
		if r.q.Source == "" {
			r.q.Source = name
		}
		if r.q.Source != name {
			return Quote{}, fmt.Errorf("%w: source %q returned a quote of source %q", ErrInvalidQuote, name, r.q.Source)
		}
		if err := r.q.Validate(); err != nil {
			return Quote{}, err
		}
		return r.q, nil
	})
	if err != nil {
		if errors.Is(err, ErrInvalidQuote) {
			return Quote{}, err // already names the source, with its one sentinel
		}
		return Quote{}, fmt.Errorf("%w: source %q: %w", ErrSourceFailed, name, err)
	}
	return q, nil
}

// isNil reports whether v is nil or an interface holding a nil pointer,
// map, slice, channel or function.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Chan, reflect.Func, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// BreakerState is a source breaker's state: "closed", "half-open", "open".
type BreakerState string

// Breaker states, as gobreaker names them.
const (
	BreakerClosed   BreakerState = "closed"    // calls pass; failures are counted
	BreakerHalfOpen BreakerState = "half-open" // trial calls decide whether to close
	BreakerOpen     BreakerState = "open"      // calls are refused without reaching the source
)

// SourceHealth is one source's breaker state and failure streak.
type SourceHealth struct {
	Source              string       `json:"source"`               // the source's name
	State               BreakerState `json:"state"`                // its breaker's state
	ConsecutiveFailures uint32       `json:"consecutive_failures"` // since the last success or state change
}

// Health returns every source's breaker state, in source order.
func (c *Collector) Health() []SourceHealth {
	out := make([]SourceHealth, len(c.sources))
	for i, cb := range c.cbs {
		out[i] = SourceHealth{Source: cb.Name(), State: BreakerState(cb.State().String()),
			ConsecutiveFailures: cb.Counts().ConsecutiveFailures}
	}
	return out
}

// IsBreakerOpen reports whether err says a source's breaker refused the
// call (open, or half-open with its trial calls used up).
func IsBreakerOpen(err error) bool {
	return errors.Is(err, gobreaker.ErrOpenState) || errors.Is(err, gobreaker.ErrTooManyRequests)
}

package oracle

import (
	"fmt"
	"time"
)

// CheckResult verifies the promises of a successful aggregation under
// settings s at now: at least MinSources quotes were used, one per source,
// sorted by price, each with a positive Weight under MethodWeightedMedian; none is stale, from the future, out of bounds or too
// uncertain; and the price lies within [min, max] of the used quotes.
// Hosts may call it on every result in production; the tests do.
func CheckResult(now time.Time, s AggregatorSettings, r Result) error {
	s, err := s.withDefaults()
	if err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidSettings, err)
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvariant}, a...)...)
	}
	if len(r.Used) < s.MinSources {
		return bad("%d quotes used, quorum %d", len(r.Used), s.MinSources)
	}
	seen := make(map[string]bool, len(r.Used))
	for i, q := range r.Used {
		if err := q.problem(); err != nil {
			return bad("used quote %d (%q) is invalid: %w", i, q.Source, err)
		}
		if s.Method == MethodWeightedMedian && q.Weight.Sign() <= 0 {
			return bad("used quote of %s has no weight under the weighted median", q.Source)
		}
		if seen[q.Source] {
			return bad("source %s counted twice", q.Source)
		}
		seen[q.Source] = true
		if i > 0 && r.Used[i-1].Price.Cmp(q.Price) > 0 {
			return bad("used quotes not sorted at %d", i)
		}
		if q.Time.Before(now.Add(-s.MaxAge)) || q.Time.After(now.Add(s.MaxFutureSkew)) {
			return bad("used quote of %s observed %s is not fresh at %s", q.Source, q.Time, now)
		}
		if (s.MinAnswer.Sign() > 0 && q.Price.Cmp(s.MinAnswer) <= 0) || (s.MaxAnswer.Sign() > 0 && q.Price.Cmp(s.MaxAnswer) >= 0) {
			return bad("used quote of %s at %s is out of bounds", q.Source, q.Price)
		}
		if s.MaxConfidenceRatio.Sign() > 0 && q.Confidence.Cmp(s.MaxConfidenceRatio.Mul(q.Price)) > 0 {
			return bad("used quote of %s is too uncertain", q.Source)
		}
	}
	if len(r.Used) > 0 {
		lo, hi := r.Used[0].Price, r.Used[len(r.Used)-1].Price
		if r.Price.Cmp(lo) < 0 || r.Price.Cmp(hi) > 0 {
			return bad("price %s outside [%s, %s] of the used quotes", r.Price, lo, hi)
		}
	}
	return nil
}

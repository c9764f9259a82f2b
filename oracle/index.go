package oracle

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// IndexSettings configures an Index: Binance's Price Index of a perpetual,
// a volume-weighted average of the underlying's spot price on several
// exchanges with two protections — the 2020 rule, from Binance's "Price
// Index" FAQ of 2020-10-29
// (https://www.binance.com/en/support/faq/547ba48141474ab3bddc5d7898f97928,
// "Price Index of USDⓈ-M Futures Contracts"):
//
//   - single price source deviation: an exchange whose price deviates more
//     than 5% from the median of all sources gets weight zero;
//   - multi price source deviation: if more than one exchange deviates
//     that far, the median of all sources is the index instead of the
//     weighted average.
//
// Binance has since described a different single-source rule (a deviating
// source's price capped at median × 1.03 or × 0.97, 1% for BTC and ETH),
// but only on pages this package could not cite from binance.com, so it
// is not offered; a host needing it caps the quotes before Price.
type IndexSettings struct {
	// Aggregation holds the per-quote guards the index reuses from the
	// Aggregator: MaxAge (required), MaxFutureSkew, MinSources (the
	// quorum), MinAnswer/MaxAnswer, MaxConfidenceRatio, MaxSpread and
	// Scale (the places of the weighted average, half-even; default 18).
	// Method and MaxDeviation must be left zero: the index weighs the
	// quotes itself, and Deviation below is its outlier rule. Every quote
	// must carry its exchange's positive Weight (a quote with Weight zero
	// is rejected with ReasonInvalid, never silently a weight of 1).
	Aggregation AggregatorSettings `json:"aggregation"`
	// Deviation is the relative distance from the median beyond which a
	// source deviates: |p − median| > Deviation × median. Default 0.05
	// (Binance's 5%); must lie in (0, 1).
	Deviation decimal.Decimal `json:"deviation"`
}

// IndexRule says which of Binance's three rules produced an index.
type IndexRule string

// Index rules.
const (
	// IndexWeighted: no source deviated; the weighted average of all.
	IndexWeighted IndexRule = "weighted"
	// IndexWeightedExcluding: exactly one source deviated and was given
	// weight zero; the weighted average of the others.
	IndexWeightedExcluding IndexRule = "weighted-excluding-one"
	// IndexMedian: more than one source deviated; the median of all.
	IndexMedian IndexRule = "median"
)

// IndexResult is what an Index computed.
type IndexResult struct {
	// Price is the index; zero when Price returned an error.
	Price decimal.Decimal `json:"price"`
	// Rule is the rule that produced Price.
	Rule IndexRule `json:"rule"`
	// Median is the median of the accepted quotes, against which
	// deviation is measured.
	Median decimal.Decimal `json:"median"`
	// Deviating lists the sources further than Deviation from Median,
	// sorted by price then source (empty under IndexWeighted).
	Deviating []string `json:"deviating,omitempty"`
	// Aggregate is the underlying Aggregator's result: the quotes used
	// and every rejection with its reason (stale, invalid, ...).
	Aggregate Result `json:"aggregate"`
}

// Index computes a perpetual's price index from spot quotes. It holds only
// validated settings and an Aggregator: safe for concurrent use.
type Index struct {
	s   IndexSettings
	agg *Aggregator
}

var defaultIndexDeviation = decimal.New(5, -2)

// NewIndex validates s and returns an Index.
func NewIndex(s IndexSettings) (*Index, error) {
	if s.Aggregation.Method != MethodMedian {
		return nil, fmt.Errorf("%w: index Aggregation.Method must be left zero (the index weighs quotes itself), got %s", ErrInvalidSettings, s.Aggregation.Method)
	}
	if !s.Aggregation.MaxDeviation.IsZero() {
		return nil, fmt.Errorf("%w: index Aggregation.MaxDeviation must be left zero (Deviation is the index's outlier rule)", ErrInvalidSettings)
	}
	if s.Deviation.IsZero() {
		s.Deviation = defaultIndexDeviation
	}
	if err := num.CheckPositive(s.Deviation); err != nil {
		return nil, fmt.Errorf("%w: index Deviation: %w", ErrInvalidSettings, err)
	}
	if s.Deviation.Cmp(one) >= 0 {
		return nil, fmt.Errorf("%w: index Deviation must be below 1, got %s", ErrInvalidSettings, s.Deviation)
	}
	as := s.Aggregation
	as.Method = MethodWeightedMedian // every quote must carry a positive weight
	agg, err := newAggregator(as)
	if err != nil {
		return nil, fmt.Errorf("%w: index Aggregation: %w", ErrInvalidSettings, err)
	}
	s.Aggregation = agg.settings()
	s.Aggregation.Method = MethodMedian
	return &Index{s: s, agg: agg}, nil
}

// Settings returns the index's settings with defaults filled in.
func (ix *Index) Settings() IndexSettings { return ix.s }

// Price applies the aggregator's guards to quotes at now (stale, invalid,
// zero weight, bounds, confidence, one source one vote, quorum) and
// combines the accepted ones by Binance's rule: the Weight-weighted
// average of all, or of all but the one deviating source, or the median
// when more than one deviates. The weighted average is rounded half-even
// to Scale (an index is neither a debt nor a payout) and clamped to the
// [min, max] of the quotes it averaged. Errors are the Aggregator's
// (ErrNoQuorum, ErrSpread, ErrInvalidInput); the result lists every
// rejection even then.
func (ix *Index) Price(now time.Time, quotes []Quote) (IndexResult, error) {
	res, err := ix.agg.Aggregate(now, quotes)
	out := IndexResult{Aggregate: res, Median: res.Reference}
	if err != nil {
		return out, err
	}
	used := res.Used // sorted by price, then source
	band := ix.s.Deviation.Mul(res.Reference)
	lo, hi := res.Reference.Sub(band), res.Reference.Add(band)
	deviates := func(p decimal.Decimal) bool { return p.Cmp(lo) < 0 || p.Cmp(hi) > 0 }
	for _, q := range used {
		if deviates(q.Price) {
			out.Deviating = append(out.Deviating, q.Source)
		}
	}
	switch len(out.Deviating) {
	case 0:
		out.Rule = IndexWeighted
	case 1:
		out.Rule = IndexWeightedExcluding
	default:
		out.Rule, out.Price = IndexMedian, res.Reference
		return out, nil
	}
	sum, total := decimal.Zero, decimal.Zero
	var low, high decimal.Decimal
	for _, q := range used {
		if deviates(q.Price) {
			continue // weight zero (Binance: single price source deviation)
		}
		if total.IsZero() {
			low = q.Price
		}
		high = q.Price
		sum = sum.Add(q.Price.Mul(q.Weight))
		total = total.Add(q.Weight)
	}
	if total.IsZero() {
		// One source left and it deviates from itself: impossible (the
		// median of one quote is that quote), kept as a guard.
		return out, fmt.Errorf("%w: index: no source left to weigh", ErrNoQuorum)
	}
	out.Price = clamp(num.Div(sum, total, ix.s.Aggregation.Scale, num.HalfEven), low, high)
	return out, nil
}

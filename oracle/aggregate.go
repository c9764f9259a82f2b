package oracle

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
)

// Method selects how accepted quotes are combined.
type Method int

// Aggregation methods.
const (
	// MethodMedian: the median (MakerDAO Median, Chainlink OCR). Default.
	MethodMedian Method = iota
	// MethodWeightedMedian: the lower weighted median by Quote.Weight
	// (Terra/Ojo x/oracle). Every quote must carry a positive Weight: a
	// quote with Weight zero is rejected with ReasonInvalid.
	MethodWeightedMedian
	// MethodTrimmedMean: the mean after dropping TrimFraction of the quotes
	// at each end.
	MethodTrimmedMean
)

// String returns "median", "weighted-median" or "trimmed-mean".
func (m Method) String() string {
	switch m {
	case MethodMedian:
		return "median"
	case MethodWeightedMedian:
		return "weighted-median"
	case MethodTrimmedMean:
		return "trimmed-mean"
	}
	return "unknown"
}

// MarshalText writes the method's name, so settings read as JSON.
func (m Method) MarshalText() ([]byte, error) {
	if m < MethodMedian || m > MethodTrimmedMean {
		return nil, fmt.Errorf("%w: unknown method %d", ErrInvalidSettings, int(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText parses "median", "weighted-median" or "trimmed-mean".
func (m *Method) UnmarshalText(b []byte) error {
	for c := MethodMedian; c <= MethodTrimmedMean; c++ {
		if c.String() == string(b) {
			*m = c
			return nil
		}
	}
	return fmt.Errorf("%w: unknown method %q", ErrInvalidSettings, b)
}

// DefaultScale is the number of decimal places an aggregate, TWAP or EMA is
// rounded to when Settings leave Scale at zero.
const DefaultScale = 18

// AggregatorSettings configures an Aggregator. Every guard whose limit is
// zero is off, except staleness (MaxAge is required) and quorum (at least 1).
type AggregatorSettings struct {
	// Method combines the accepted quotes. Default MethodMedian.
	Method Method `json:"method"`
	// MaxAge rejects quotes observed before now − MaxAge (ReasonStale).
	// Required: must be positive.
	MaxAge time.Duration `json:"max_age"`
	// MaxFutureSkew tolerates quotes timestamped up to this far after now
	// (clock skew between hosts); later ones are ReasonFuture. Default 0:
	// no quote from the future is accepted. Must not be negative.
	MaxFutureSkew time.Duration `json:"max_future_skew"`
	// MinSources is the quorum: fewer accepted quotes is ErrNoQuorum, never
	// a price (MakerDAO Median's bar: exactly MinSources quotes suffice).
	// Default 1; at most MaxQuotes. In a Feed tier it may not exceed the
	// tier's number of sources (one source, one vote).
	MinSources int `json:"min_sources"`
	// MaxDeviation drops quotes whose relative distance from the median of
	// all remaining quotes exceeds it: |p − m| > MaxDeviation × m
	// (ReasonOutlier). E.g. 0.05 for 5%. Default 0: off.
	MaxDeviation decimal.Decimal `json:"max_deviation"`
	// MaxSpread fails the aggregation with ErrSpread when the accepted
	// quotes still spread wider than it relative to the aggregate:
	// max − min > MaxSpread × price. Default 0: off.
	MaxSpread decimal.Decimal `json:"max_spread"`
	// MaxConfidenceRatio rejects quotes with Confidence > ratio × Price
	// (ReasonConfidence; Pyth recommends rejecting wide intervals).
	// Default 0: off.
	MaxConfidenceRatio decimal.Decimal `json:"max_confidence_ratio"`
	// MinAnswer rejects prices at or below it (ReasonBounds): a feed
	// clamped at its floor is a failure, not a price (Chainlink minAnswer,
	// LUNA May 2022). Chainlink's OCR aggregator itself writes a median
	// equal to a bound (OffchainAggregator.sol transmit: "minAnswer <=
	// median && median <= maxAnswer"); a consumer cannot tell a real price
	// at the bound from a stuck one, so, as consumers' checks do, a price
	// exactly at the bound is rejected too. Default 0: off.
	MinAnswer decimal.Decimal `json:"min_answer"`
	// MaxAnswer rejects prices at or above it (ReasonBounds; Chainlink
	// maxAnswer). Default 0: off. Must exceed MinAnswer when both are set.
	MaxAnswer decimal.Decimal `json:"max_answer"`
	// TrimFraction is the share dropped at each end by MethodTrimmedMean,
	// k = floor(n × TrimFraction). Must lie in [0, 0.5). Default 0: plain
	// mean.
	TrimFraction decimal.Decimal `json:"trim_fraction"`
	// Scale is the number of places a mean (even-count median, trimmed
	// mean) is rounded to, half-even. Default DefaultScale (18); at most 36.
	Scale int32 `json:"scale"`
}

// withDefaults validates s and fills defaults. Its errors carry no
// sentinel: callers wrap ErrInvalidSettings once, with their subject.
func (s AggregatorSettings) withDefaults() (AggregatorSettings, error) {
	bad := func(format string, a ...any) (AggregatorSettings, error) {
		return s, fmt.Errorf(format, a...)
	}
	if s.Method < MethodMedian || s.Method > MethodTrimmedMean {
		return bad("unknown method %d", int(s.Method))
	}
	if s.MaxAge <= 0 {
		return bad("MaxAge must be positive, got %s", s.MaxAge)
	}
	if s.MaxFutureSkew < 0 {
		return bad("MaxFutureSkew must not be negative, got %s", s.MaxFutureSkew)
	}
	if s.MinSources < 0 || s.MinSources > MaxQuotes {
		// A quorum no call can meet would silently mean "never a price".
		return bad("MinSources must lie in [0, %d], got %d", MaxQuotes, s.MinSources)
	}
	if s.MinSources == 0 {
		s.MinSources = 1
	}
	for _, f := range []struct {
		name string
		v    decimal.Decimal
	}{
		{"MaxDeviation", s.MaxDeviation}, {"MaxSpread", s.MaxSpread},
		{"MaxConfidenceRatio", s.MaxConfidenceRatio}, {"MinAnswer", s.MinAnswer},
		{"MaxAnswer", s.MaxAnswer}, {"TrimFraction", s.TrimFraction},
	} {
		if err := num.CheckNonNegative(f.v); err != nil {
			return bad("%s: %w", f.name, err)
		}
	}
	if s.MaxAnswer.Sign() > 0 && s.MaxAnswer.Cmp(s.MinAnswer) <= 0 {
		return bad("MaxAnswer %s must exceed MinAnswer %s", s.MaxAnswer, s.MinAnswer)
	}
	if s.TrimFraction.Cmp(half) >= 0 {
		return bad("TrimFraction must be below 0.5, got %s", s.TrimFraction)
	}
	scale, err := checkScale("Scale", s.Scale)
	if err != nil {
		return s, err
	}
	s.Scale = scale
	return s, nil
}

// Aggregator combines a set of quotes into one price under its guards. It
// holds validated settings and a cache of derived bounds (atomic), and
// borrows its working slices from a sync.Pool: safe for concurrent use, and
// an aggregation allocates little beyond the Result it returns.
type Aggregator struct {
	s          AggregatorSettings
	outlierWhy string                     // the detail of every ReasonOutlier rejection
	ratio      factor                     // MaxConfidenceRatio in the kernel's form
	dev        factor                     // MaxDeviation in the kernel's form
	spread     factor                     // MaxSpread in the kernel's form
	grid       atomic.Pointer[gridBounds] // bounds on the last price grid seen
}

// gridBounds caches MinAnswer and MaxAnswer moved onto the grid of one
// price exponent: floor for the floor, ceil for the cap (see Aggregate).
type gridBounds struct {
	exp            int32
	minAns, maxAns decimal.Decimal
	minKey, maxKey uint64 // their coefficients at exp, when minOK / maxOK
	minOK, maxOK   bool
}

func (a *Aggregator) bounds(exp int32) *gridBounds {
	if g := a.grid.Load(); g != nil && g.exp == exp {
		return g
	}
	g := &gridBounds{exp: exp, minAns: a.s.MinAnswer.RoundFloor(-exp), maxAns: a.s.MaxAnswer.RoundCeil(-exp)}
	g.minKey, g.minOK = gridKey(g.minAns, exp)
	g.maxKey, g.maxOK = gridKey(g.maxAns, exp)
	a.grid.Store(g)
	return g
}

// NewAggregator validates s and returns an Aggregator.
func NewAggregator(s AggregatorSettings) (*Aggregator, error) {
	a, err := newAggregator(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidSettings, err)
	}
	return a, nil
}

// newAggregator is NewAggregator with an error that carries no sentinel.
func newAggregator(s AggregatorSettings) (*Aggregator, error) {
	s, err := s.withDefaults()
	if err != nil {
		return nil, err
	}
	a := &Aggregator{s: s, outlierWhy: "more than " + s.MaxDeviation.String() +
		" × median away from the median of the remaining quotes (Result.Reference)"}
	a.ratio, a.dev, a.spread = factorOf(s.MaxConfidenceRatio), factorOf(s.MaxDeviation), factorOf(s.MaxSpread)
	return a, nil
}

// settings returns the aggregator's settings with defaults filled in.
func (a *Aggregator) settings() AggregatorSettings { return a.s }

// Result is what an aggregation decided. It is filled even when Aggregate
// returns an error, so the host can log which quotes were dropped and why.
type Result struct {
	// Price is the aggregate; zero when Aggregate returned an error.
	Price decimal.Decimal `json:"price"`
	// Method is the method used.
	Method Method `json:"method"`
	// Reference is the median of the quotes that passed the per-quote
	// guards, against which outliers were measured (zero if none passed).
	Reference decimal.Decimal `json:"reference"`
	// Used are the accepted quotes, sorted by price then source. When
	// Aggregate fails, the quotes that passed the guards before it failed
	// (too few for the quorum, or too dispersed).
	Used []Quote `json:"used"`
	// Rejected are the other quotes, in input order, each with its reason.
	Rejected []Rejection `json:"rejected"`
}

// RejectedFor returns the reason the quote at source was rejected, or 0 if
// no quote of that source was rejected.
func (r Result) RejectedFor(source string) Reason {
	for _, rj := range r.Rejected {
		if rj.Quote.Source == source {
			return rj.Reason
		}
	}
	return 0
}

// candidate is a quote that passed the per-quote guards. It holds no
// pointers, so sorting moves 16 bytes and needs no GC write barriers.
type candidate struct {
	key uint64 // the grid price's coefficient, when it fits (see allSmall)
	idx int    // the quote's index in the input; its grid price is ps[idx]
}

// gridExponent returns the finest (smallest) price exponent among quotes
// whose exponent is in the supported range (others fail validation).
func gridExponent(quotes []Quote) int32 {
	exp, found := int32(0), false
	for _, q := range quotes {
		e := q.Price.Exponent()
		if e >= -num.MaxScale && e <= num.MaxIntDigits && (!found || e < exp) {
			exp, found = e, true
		}
	}
	return exp
}

// Aggregate applies the guards to quotes at time now and combines the rest.
//
// Order: per-quote guards (invalid, stale, future, bounds, confidence;
// under MethodWeightedMedian a zero Weight is invalid too, see Quote.Weight),
// then one source one vote (the newest quote of each source counts; older
// ones, or all of a source's quotes if its newest ones conflict, are
// ReasonDuplicate), then the quorum, then outliers against the median of
// all remaining quotes, then the quorum again, then the method, then
// dispersion. Below quorum is ErrNoQuorum and too wide a spread is
// ErrSpread: never a price. The input slice is not modified.
//
// A bad call changes nothing and is an error wrapping ErrInvalidInput: a
// zero now (or one JSON cannot write), or more than MaxQuotes quotes.
func (a *Aggregator) Aggregate(now time.Time, quotes []Quote) (Result, error) {
	s := &a.s
	res := Result{Method: s.Method}
	if err := checkNow(now); err != nil {
		return res, err
	}
	if len(quotes) > MaxQuotes {
		return res, fmt.Errorf("%w: %d quotes, more than %d", ErrInvalidInput, len(quotes), MaxQuotes)
	}
	sc := getScratch(len(quotes))
	defer sc.put()
	reject := func(i int, r Reason, detail string) {
		sc.rej = append(sc.rej, Rejection{Quote: quotes[i], Index: i, Reason: r, Detail: detail})
	}
	oldest, newest := now.Add(-s.MaxAge), now.Add(s.MaxFutureSkew)
	// Compare every price at one exponent E, the finest among the quotes,
	// so no comparison rescales (allocates). A threshold x is moved onto
	// that grid in the direction that keeps each test exact for prices
	// that are multiples of 10^E: p ≤ x ⇔ p ≤ floor_E(x), p ≥ x ⇔
	// p ≥ ceil_E(x), p < x ⇔ p < ceil_E(x), p > x ⇔ p > floor_E(x).
	exp := gridExponent(quotes)
	g := a.bounds(exp)
	minAns, maxAns := g.minAns, g.maxAns
	cands := sc.cands // empty, capacity ≥ len(quotes)
	// ps holds prices on the grid, by input index. A price whose grid
	// coefficient fits a key is left zero until a decimal is needed (it
	// would cost a rescale): gridPrice makes it from the key then.
	ps := sc.ps
	gridPrice := func(i int, key uint64) decimal.Decimal {
		if ps[i].IsZero() { // a valid price is positive: zero means "not made yet"
			ps[i] = decimal.New(int64(key), exp)
		}
		return ps[i]
	}
	allSmall := true // every candidate's grid coefficient fits a uint64 key
	for i, q := range quotes {
		if !q.plainlyValid() {
			if err := q.problem(); err != nil {
				reject(i, ReasonInvalid, err.Error())
				continue
			}
		}
		if s.Method == MethodWeightedMedian && q.Weight.Sign() == 0 {
			// Weight is a plain decimal, so zero cannot mean "not given"
			// here: a weighted median needs every vote's power.
			reject(i, ReasonInvalid, errZeroWeight)
			continue
		}
		pc, pok := gridKey(q.Price, exp)
		switch {
		case q.Price.Exponent() == exp:
			ps[i] = q.Price
		case !pok:
			ps[i] = q.Price.RoundFloor(-exp) // exact: exp is the finest exponent
		}
		switch {
		case q.Time.Before(oldest):
			reject(i, ReasonStale, fmt.Sprintf("observed %s, older than max age %s", q.Time.Format(time.RFC3339Nano), s.MaxAge))
		case q.Time.After(newest):
			reject(i, ReasonFuture, fmt.Sprintf("observed %s, after now + skew %s", q.Time.Format(time.RFC3339Nano), s.MaxFutureSkew))
		case s.MinAnswer.Sign() > 0 && ((pok && g.minOK && pc <= g.minKey) || (!(pok && g.minOK) && gridPrice(i, pc).Cmp(minAns) <= 0)):
			reject(i, ReasonBounds, fmt.Sprintf("price %s at or below min answer %s", q.Price, s.MinAnswer))
		case s.MaxAnswer.Sign() > 0 && ((pok && g.maxOK && pc >= g.maxKey) || (!(pok && g.maxOK) && gridPrice(i, pc).Cmp(maxAns) >= 0)):
			reject(i, ReasonBounds, fmt.Sprintf("price %s at or above max answer %s", q.Price, s.MaxAnswer))
		case s.MaxConfidenceRatio.Sign() > 0 && q.Confidence.Sign() > 0 && a.tooUncertain(q.Confidence, pc, pok, exp, func() decimal.Decimal { return gridPrice(i, pc) }):
			reject(i, ReasonConfidence, fmt.Sprintf("confidence %s exceeds %s × price", q.Confidence, s.MaxConfidenceRatio))
		default:
			cands = append(cands, candidate{key: pc, idx: i})
			allSmall = allSmall && pok
		}
	}
	cands = a.dedupe(quotes, cands, reject)
	at := func(c candidate) decimal.Decimal { return gridPrice(c.idx, c.key) }
	if !allSmall { // the sort compares decimals: make them all
		for _, c := range cands {
			at(c)
		}
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		// On one grid, comparing coefficients compares prices.
		if allSmall {
			if x.key != y.key {
				if x.key < y.key {
					return -1
				}
				return 1
			}
		} else if c := ps[x.idx].Cmp(ps[y.idx]); c != 0 {
			return c
		}
		return strings.Compare(quotes[x.idx].Source, quotes[y.idx].Source)
	})
	if len(cands) < s.MinSources {
		sc.finish(&res, quotes, cands)
		return res, fmt.Errorf("%w: %s, need %d", ErrNoQuorum, usable(len(cands)), s.MinSources)
	}
	res.Reference = medianSorted(len(cands), func(i int) decimal.Decimal { return at(cands[i]) }, s.Scale)
	if s.MaxDeviation.Sign() > 0 {
		// |p − m| > r × m  ⇔  p < m − r×m  or  p > m + r×m: one product,
		// no division, bounds moved onto the price grid (see above).
		// When the median is a grid price with a uint64 key, the band is
		// computed on the keys in the fixed-point kernel (grid.go), allocation-free.
		var lo, hi decimal.Decimal
		var loKey, hiKey uint64
		fast := false
		if n := len(cands); allSmall && (n%2 == 1 || cands[n/2-1].key == cands[n/2].key) {
			loKey, hiKey, fast = a.dev.band(cands[n/2].key)
		}
		if !fast {
			band := s.MaxDeviation.Mul(res.Reference)
			lo, hi = res.Reference.Sub(band).RoundCeil(-exp), res.Reference.Add(band).RoundFloor(-exp)
		}
		kept := cands[:0]
		for _, c := range cands {
			if (fast && (c.key < loKey || c.key > hiKey)) || (!fast && (at(c).Cmp(lo) < 0 || at(c).Cmp(hi) > 0)) {
				reject(c.idx, ReasonOutlier, a.outlierWhy)
				continue
			}
			kept = append(kept, c)
		}
		cands = kept
		if len(cands) < s.MinSources {
			sc.finish(&res, quotes, cands)
			return res, fmt.Errorf("%w: %d quotes left after outliers, need %d", ErrNoQuorum, len(cands), s.MinSources)
		}
	}
	var price decimal.Decimal
	switch s.Method {
	case MethodWeightedMedian:
		total := decimal.Zero
		for _, c := range cands {
			total = total.Add(quotes[c.idx].Weight) // positive: zero was ReasonInvalid
		}
		price = weightedMedianSorted(len(cands), func(i int) (decimal.Decimal, decimal.Decimal) {
			return at(cands[i]), quotes[cands[i].idx].Weight
		}, total)
	case MethodTrimmedMean:
		price = trimmedMeanSorted(len(cands), func(i int) decimal.Decimal { return at(cands[i]) }, s.TrimFraction, s.Scale)
	default:
		price = medianSorted(len(cands), func(i int) decimal.Decimal { return at(cands[i]) }, s.Scale)
	}
	sc.finish(&res, quotes, cands)
	if s.MaxSpread.Sign() > 0 {
		first, last := cands[0], cands[len(cands)-1]
		// max − min > MaxSpread × price, on the keys when they fit.
		wider, ok := 0, false
		if allSmall {
			if pn, pok := fixed.FromDecimal(price); pok && pn.M > 0 {
				wider, ok = a.spread.cmpProduct(last.key-first.key, exp, uint64(pn.M), pn.E)
			}
		}
		if !ok {
			wider = fixed.CmpProduct(at(last).Sub(at(first)), s.MaxSpread, price)
		}
		if wider > 0 {
			return res, fmt.Errorf("%w: %s to %s is wider than %s × %s", ErrSpread, at(first), at(last), s.MaxSpread, price)
		}
	}
	res.Price = price
	return res, nil
}

// tooUncertain reports whether conf > MaxConfidenceRatio × p, where p is
// the grid price with key pc (when pok) at exponent exp; p() makes the
// decimal when the exact integer comparison cannot be used.
func (a *Aggregator) tooUncertain(conf decimal.Decimal, pc uint64, pok bool, exp int32, p func() decimal.Decimal) bool {
	r := a.s.MaxConfidenceRatio
	if pok {
		if cn, cok := fixed.FromDecimal(conf); cok && cn.M > 0 {
			if c, ok := a.ratio.cmpProduct(uint64(cn.M), cn.E, pc, exp); ok {
				return c > 0
			}
		}
	}
	return conf.Cmp(r.Mul(p())) > 0
}

// scratch holds an aggregation's working slices. They never reach the
// Result, so they are pooled: an aggregation allocates only what it
// returns (Used and Rejected, each exactly sized) and a few decimals.
type scratch struct {
	cands []candidate
	ps    []decimal.Decimal
	rej   []Rejection
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// getScratch returns a scratch with empty cands and rej and len(ps) == n.
func getScratch(n int) *scratch {
	sc := scratchPool.Get().(*scratch)
	if cap(sc.cands) < n {
		sc.cands = make([]candidate, 0, n)
		sc.ps = make([]decimal.Decimal, n)
	}
	sc.ps = sc.ps[:n]
	return sc
}

// put drops the references to the caller's data and returns sc to the
// pool, unless an unusually large call grew it.
func (sc *scratch) put() {
	clear(sc.ps)
	clear(sc.rej)
	sc.cands, sc.rej = sc.cands[:0], sc.rej[:0]
	if cap(sc.cands) <= 1024 && cap(sc.rej) <= 1024 {
		scratchPool.Put(sc)
	}
}

// finish fills Used from the candidates and Rejected from the rejections,
// put back in input order (the duplicate and outlier passes append out of
// order). Both are allocated at their exact length; Rejected stays nil when
// nothing was rejected.
func (sc *scratch) finish(res *Result, quotes []Quote, cands []candidate) {
	res.Used = make([]Quote, len(cands))
	for i, c := range cands {
		res.Used[i] = quotes[c.idx]
	}
	if len(sc.rej) > 0 {
		slices.SortFunc(sc.rej, func(x, y Rejection) int { return x.Index - y.Index })
		res.Rejected = slices.Clone(sc.rej)
	}
}

// dedupe keeps one quote per source: the newest. If several share the
// newest time and are not identical, the source's quotes are all rejected.
func (a *Aggregator) dedupe(quotes []Quote, cands []candidate, reject func(int, Reason, string)) []candidate {
	if len(cands) < 2 || (len(cands) <= 64 && !hasDuplicateSource(quotes, cands)) {
		return cands
	}
	slices.SortFunc(cands, func(x, y candidate) int {
		if c := strings.Compare(quotes[x.idx].Source, quotes[y.idx].Source); c != 0 {
			return c
		}
		if c := quotes[y.idx].Time.Compare(quotes[x.idx].Time); c != 0 { // newest first
			return c
		}
		return x.idx - y.idx
	})
	out := cands[:0]
	for i := 0; i < len(cands); {
		j := i + 1
		for j < len(cands) && quotes[cands[j].idx].Source == quotes[cands[i].idx].Source {
			j++
		}
		if j == i+1 {
			out = append(out, cands[i])
			i = j
			continue
		}
		conflict := false
		for k := i + 1; k < j && quotes[cands[k].idx].Time.Equal(quotes[cands[i].idx].Time); k++ {
			if !sameQuote(quotes[cands[k].idx], quotes[cands[i].idx]) {
				conflict = true
			}
		}
		for k := i; k < j; k++ {
			if k == i && !conflict {
				out = append(out, cands[k])
				continue
			}
			if conflict {
				reject(cands[k].idx, ReasonDuplicate, fmt.Sprintf("source %s sent conflicting quotes at %s", quotes[cands[k].idx].Source, quotes[cands[i].idx].Time.Format(time.RFC3339Nano)))
			} else {
				reject(cands[k].idx, ReasonDuplicate, fmt.Sprintf("source %s already counted (one source, one vote)", quotes[cands[k].idx].Source))
			}
		}
		i = j
	}
	return out
}

func sameQuote(x, y Quote) bool {
	return x.Price.Equal(y.Price) && x.Confidence.Equal(y.Confidence) && x.effectiveWeight().Equal(y.effectiveWeight())
}

// hasDuplicateSource reports whether two candidates share a source: a
// quadratic scan, cheaper than sorting for the small sets oracles see.
func hasDuplicateSource(quotes []Quote, cands []candidate) bool {
	for i := 1; i < len(cands); i++ {
		a := quotes[cands[i].idx].Source
		for j := 0; j < i; j++ {
			b := quotes[cands[j].idx].Source
			// Cheap rejections first: names usually differ in length or
			// in their last byte ("exchange-07" vs "exchange-08").
			if len(a) == len(b) && a[len(a)-1] == b[len(b)-1] && a == b {
				return true
			}
		}
	}
	return false
}

// usable says how many usable quotes there were, in words a person reads:
// "no usable quote", "1 usable quote", "3 usable quotes".
func usable(n int) string {
	switch n {
	case 0:
		return "no usable quote"
	case 1:
		return "1 usable quote"
	}
	return fmt.Sprintf("%d usable quotes", n)
}

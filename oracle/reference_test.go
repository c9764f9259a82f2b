package oracle

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// naiveAggregate is the documented algorithm written as plainly as possible,
// with ordinary decimal comparisons and products: no price grid, no int64
// keys, no 128-bit compares. Aggregate must agree with it exactly.
func naiveAggregate(s AggregatorSettings, now time.Time, quotes []Quote) (decimal.Decimal, map[int]Reason, error) {
	s, _ = s.withDefaults()
	reasons := map[int]Reason{}
	var ok []int
	for i, q := range quotes {
		switch {
		case q.Validate() != nil, s.Method == MethodWeightedMedian && q.Weight.IsZero():
			reasons[i] = ReasonInvalid
		case q.Time.Before(now.Add(-s.MaxAge)):
			reasons[i] = ReasonStale
		case q.Time.After(now.Add(s.MaxFutureSkew)):
			reasons[i] = ReasonFuture
		case s.MinAnswer.Sign() > 0 && q.Price.LessThanOrEqual(s.MinAnswer),
			s.MaxAnswer.Sign() > 0 && q.Price.GreaterThanOrEqual(s.MaxAnswer):
			reasons[i] = ReasonBounds
		case s.MaxConfidenceRatio.Sign() > 0 && q.Confidence.GreaterThan(s.MaxConfidenceRatio.Mul(q.Price)):
			reasons[i] = ReasonConfidence
		default:
			ok = append(ok, i)
		}
	}
	// One source, one vote: the newest; conflicting newest quotes void the source.
	bySource := map[string][]int{}
	for _, i := range ok {
		bySource[quotes[i].Source] = append(bySource[quotes[i].Source], i)
	}
	var votes []int
	for _, is := range bySource {
		newest := is[0]
		for _, i := range is {
			if quotes[i].Time.After(quotes[newest].Time) {
				newest = i
			}
		}
		conflict := false
		for _, i := range is {
			if quotes[i].Time.Equal(quotes[newest].Time) && !sameQuote(quotes[i], quotes[newest]) {
				conflict = true
			}
		}
		for _, i := range is {
			if conflict || i != newest {
				reasons[i] = ReasonDuplicate
			}
		}
		if !conflict {
			// identical repeats at the newest time: the first counts
			first := newest
			for _, i := range is {
				if quotes[i].Time.Equal(quotes[newest].Time) && i < first {
					first = i
				}
			}
			if first != newest {
				reasons[newest], reasons[first] = ReasonDuplicate, 0
				delete(reasons, first)
			}
			votes = append(votes, first)
		}
	}
	sortVotes := func() {
		slices.SortFunc(votes, func(a, b int) int {
			if c := quotes[a].Price.Cmp(quotes[b].Price); c != 0 {
				return c
			}
			return strings.Compare(quotes[a].Source, quotes[b].Source)
		})
	}
	sortVotes()
	if len(votes) < s.MinSources {
		return decimal.Zero, reasons, ErrNoQuorum
	}
	prices := func() []decimal.Decimal {
		out := make([]decimal.Decimal, len(votes))
		for k, i := range votes {
			out[k] = quotes[i].Price
		}
		return out
	}
	if s.MaxDeviation.Sign() > 0 {
		m, _ := Median(prices(), s.Scale)
		var kept []int
		for _, i := range votes {
			if quotes[i].Price.Sub(m).Abs().GreaterThan(s.MaxDeviation.Mul(m)) {
				reasons[i] = ReasonOutlier
				continue
			}
			kept = append(kept, i)
		}
		votes = kept
		if len(votes) < s.MinSources {
			return decimal.Zero, reasons, ErrNoQuorum
		}
	}
	var price decimal.Decimal
	switch s.Method {
	case MethodWeightedMedian:
		ws := make([]decimal.Decimal, len(votes))
		for k, i := range votes {
			ws[k] = quotes[i].Weight
		}
		price, _ = WeightedMedian(prices(), ws)
	case MethodTrimmedMean:
		price, _ = TrimmedMean(prices(), s.TrimFraction, s.Scale)
	default:
		price, _ = Median(prices(), s.Scale)
	}
	ps := prices()
	if s.MaxSpread.Sign() > 0 && ps[len(ps)-1].Sub(ps[0]).GreaterThan(s.MaxSpread.Mul(price)) {
		return decimal.Zero, reasons, ErrSpread
	}
	return price, reasons, nil
}

// Aggregate equals the plain reference on random quote sets, including
// mixed decimal exponents, so the grid, key and 128-bit shortcuts are exact.
func TestPropAggregateMatchesReference(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for round := 0; round < 5; round++ { // cheap cases: five per check
			checkAgainstReference(t)
		}
	})
}

func checkAgainstReference(t *rapid.T) {
	{
		s := genSettings(t)
		quotes := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) Quote {
			q := genQuote(6, s.MaxAge).Draw(t, "q")
			if rapid.IntRange(0, 3).Draw(t, "rescale") == 0 {
				// Same value, other representation (more or fewer places).
				q.Price = q.Price.Round(rapid.Int32Range(0, 6).Draw(t, "places"))
			}
			return q
		}), 0, 14).Draw(t, "quotes")
		if len(quotes) > 0 && rapid.Bool().Draw(t, "edges") {
			// Answer bounds finer than the price grid, right next to a quote.
			tiny := decimal.New(rapid.Int64Range(-5, 5).Draw(t, "tiny"), -6)
			lo := quotes[rapid.IntRange(0, len(quotes)-1).Draw(t, "lo")].Price.Add(tiny)
			hi := quotes[rapid.IntRange(0, len(quotes)-1).Draw(t, "hi")].Price.Sub(tiny)
			s.MinAnswer, s.MaxAnswer = decimal.Zero, decimal.Zero
			if lo.Sign() > 0 {
				s.MinAnswer = lo
			}
			if hi.GreaterThan(s.MinAnswer) {
				s.MaxAnswer = hi
			}
		}
		a, err := NewAggregator(s)
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.Aggregate(t0, quotes)
		want, wantReasons, wantErr := naiveAggregate(s, t0, quotes)
		if !errors.Is(err, wantErr) && !(err == nil && wantErr == nil) {
			t.Fatalf("error %v, reference %v", err, wantErr)
		}
		if !res.Price.Equal(want) {
			t.Fatalf("price %s, reference %s", res.Price, want)
		}
		got := map[int]Reason{}
		for _, r := range res.Rejected {
			got[r.Index] = r.Reason
		}
		if fmt.Sprint(got) != fmt.Sprint(wantReasons) {
			t.Fatalf("rejections %v, reference %v", got, wantReasons)
		}
	}
}

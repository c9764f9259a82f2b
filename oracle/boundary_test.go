package oracle

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Issue 10 item 9: a test at the exact boundary of every threshold in
// oracle, one unit either side, each comparison checked against its
// anchor's own code:
//
//   - staleness: Liquity PriceFeed.sol _chainlinkIsFrozen,
//     "block.timestamp.sub(_response.timestamp) > TIMEOUT": an age equal to
//     the limit is fresh. Same for Feed.MaxAge and Delayed.MaxAge.
//   - future: Liquity PriceFeed.sol _badChainlinkResponse,
//     "_response.timestamp > block.timestamp": a time equal to now (+ skew)
//     is accepted.
//   - confidence: Drift protocol-v2 programs/drift/src/math/oracle.rs
//     oracle_validity, "is_conf_too_large = conf_pct_of_price.gt(...)": a
//     confidence exactly at the ratio is accepted.
//   - bounds: Chainlink's OCR OffchainAggregator.sol transmit writes a
//     median equal to a bound ("require(minAnswer <= median && median <=
//     maxAnswer)"), but a consumer cannot tell a real price at the bound
//     from one stuck there (LUNA, May 2022), so the consumer check rejects it
//     (e.g. Sherlock 2023-05-USSD #598: revert when answer <= minAnswer or
//     >= maxAnswer). oracle follows the consumer: at a bound is ReasonBounds.
//   - jump: Liquity PriceFeed.sol _chainlinkPriceChangeAboveMax,
//     "percentDeviation > MAX_PRICE_DEVIATION_FROM_PREVIOUS_ROUND": a move
//     exactly at the limit is accepted. (Liquity divides by the larger of the
//     two prices; MaxJump is relative to the last good price, which is
//     stricter on the way up; see FeedSettings.MaxJump.)
//   - outliers and spread: no anchor defines them exactly; like the jump,
//     only a distance strictly beyond the limit fails (Liquity's
//     _bothOraclesSimilarPrice accepts a difference equal to its limit,
//     "percentPriceDifference <= MAX_PRICE_DIFFERENCE_BETWEEN_ORACLES").
//   - quorum: MakerDAO median.sol poke, "require(val_.length == bar,
//     "Median/bar-too-low")": exactly MinSources quotes give a price.
//   - delayed: MakerDAO osm.sol pass(), "era() >= add(zzz, hop)": a poke
//     exactly one hop after the aligned last poke passes.
//   - TWAP coverage: Uniswap v3 Oracle.sol getSurroundingObservations,
//     "require(lte(time, beforeOrAt.blockTimestamp, target), 'OLD')": a
//     history reaching exactly back to the target is enough.

// aggOne aggregates quotes at t0 under s and returns the result and error.
func aggOne(t *testing.T, s AggregatorSettings, qs ...Quote) (Result, error) {
	t.Helper()
	a, err := NewAggregator(s)
	if err != nil {
		t.Fatal(err)
	}
	return a.Aggregate(t0, qs)
}

func TestBoundaryStaleness(t *testing.T) {
	s := AggregatorSettings{MaxAge: time.Minute}
	for _, tc := range []struct {
		age  time.Duration
		want Reason
	}{{time.Minute - time.Nanosecond, 0}, {time.Minute, 0}, {time.Minute + time.Nanosecond, ReasonStale}} {
		res, _ := aggOne(t, s, qt("a", "100", tc.age))
		if got := res.RejectedFor("a"); got != tc.want {
			t.Errorf("age %s: rejected %v, want %v (Liquity _chainlinkIsFrozen: stale only when age > TIMEOUT)", tc.age, got, tc.want)
		}
	}
}

func TestBoundaryFuture(t *testing.T) {
	for _, skew := range []time.Duration{0, time.Second} {
		s := AggregatorSettings{MaxAge: time.Minute, MaxFutureSkew: skew}
		for _, tc := range []struct {
			ahead time.Duration
			want  Reason
		}{{skew, 0}, {skew + time.Nanosecond, ReasonFuture}} {
			res, _ := aggOne(t, s, qt("a", "100", -tc.ahead))
			if got := res.RejectedFor("a"); got != tc.want {
				t.Errorf("skew %s, %s ahead: rejected %v, want %v (Liquity: future only when timestamp > block.timestamp)", skew, tc.ahead, got, tc.want)
			}
		}
	}
}

func TestBoundaryConfidence(t *testing.T) {
	s := AggregatorSettings{MaxAge: time.Minute, MaxConfidenceRatio: d("0.01")}
	for _, tc := range []struct {
		conf string
		want Reason
	}{{"0.99999", 0}, {"1", 0}, {"1.00001", ReasonConfidence}} {
		q := qt("a", "100", 0)
		q.Confidence = d(tc.conf)
		res, _ := aggOne(t, s, q)
		if got := res.RejectedFor("a"); got != tc.want {
			t.Errorf("conf %s on 100 at ratio 0.01: rejected %v, want %v (Drift oracle_validity: too uncertain only when conf/price > max)", tc.conf, got, tc.want)
		}
	}
}

func TestBoundaryAnswerBounds(t *testing.T) {
	s := AggregatorSettings{MaxAge: time.Minute, MinAnswer: d("0.1"), MaxAnswer: d("1000")}
	for _, tc := range []struct {
		price string
		want  Reason
	}{
		{"0.09999", ReasonBounds}, {"0.1", ReasonBounds}, {"0.10001", 0},
		{"999.99999", 0}, {"1000", ReasonBounds}, {"1000.00001", ReasonBounds},
	} {
		res, _ := aggOne(t, s, qt("a", tc.price, 0))
		if got := res.RejectedFor("a"); got != tc.want {
			t.Errorf("price %s in (0.1, 1000): rejected %v, want %v (a price at a Chainlink bound may be stuck there)", tc.price, got, tc.want)
		}
	}
}

func TestBoundaryOutlier(t *testing.T) {
	// Median of 90, 100, 110 is 100; MaxDeviation 0.1 puts the band at
	// exactly [90, 110]: both ends are kept.
	s := AggregatorSettings{MaxAge: time.Minute, MaxDeviation: d("0.1")}
	res, err := aggOne(t, s, qt("lo", "90", 0), qt("mid", "100", 0), qt("hi", "110", 0))
	if err != nil || len(res.Rejected) != 0 {
		t.Fatalf("quotes exactly at the deviation limit rejected: %+v %v", res.Rejected, err)
	}
	res, _ = aggOne(t, s, qt("lo", "89.99999", 0), qt("mid", "100", 0), qt("hi", "110.00001", 0))
	if res.RejectedFor("lo") != ReasonOutlier || res.RejectedFor("hi") != ReasonOutlier {
		t.Fatalf("quotes beyond the limit kept: %+v", res.Rejected)
	}
}

func TestBoundarySpread(t *testing.T) {
	// Median of 95 and 105 is 100; max − min = 10 = 0.1 × 100: accepted.
	s := AggregatorSettings{MaxAge: time.Minute, MaxSpread: d("0.1")}
	if _, err := aggOne(t, s, qt("a", "95", 0), qt("b", "105", 0)); err != nil {
		t.Fatalf("spread exactly at the limit: %v", err)
	}
	if _, err := aggOne(t, s, qt("a", "94.99999", 0), qt("b", "105.00001", 0)); !errors.Is(err, ErrSpread) {
		t.Fatalf("spread beyond the limit: %v", err)
	}
}

func TestBoundaryQuorum(t *testing.T) {
	s := AggregatorSettings{MaxAge: time.Minute, MinSources: 3}
	if _, err := aggOne(t, s, qt("a", "1", 0), qt("b", "1", 0), qt("c", "1", 0)); err != nil {
		t.Fatalf("exactly MinSources (Maker median: val_.length == bar): %v", err)
	}
	if _, err := aggOne(t, s, qt("a", "1", 0), qt("b", "1", 0)); !errors.Is(err, ErrNoQuorum) {
		t.Fatalf("one below MinSources: %v", err)
	}
	// A duplicate does not count twice towards the quorum.
	if _, err := aggOne(t, s, qt("a", "1", 0), qt("b", "1", 0), qt("b", "1", time.Second)); !errors.Is(err, ErrNoQuorum) {
		t.Fatalf("a duplicate source made the quorum: %v", err)
	}
}

func TestBoundaryFeedJump(t *testing.T) {
	s := FeedSettings{Tiers: []Tier{{Name: "p", Sources: []string{"a"}, Aggregation: AggregatorSettings{MaxAge: time.Minute}}},
		MaxAge: time.Hour, MaxJump: d("0.5")}
	for _, tc := range []struct {
		next string
		ok   bool
	}{{"150", true}, {"150.00001", false}, {"50", true}, {"49.99999", false}} {
		f := mustFeed(t, s)
		if _, err := f.Update(at(0), []Quote{qa("a", "100", at(0))}); err != nil {
			t.Fatal(err)
		}
		up, err := f.Update(at(1), []Quote{qa("a", tc.next, at(1))})
		if err != nil {
			t.Fatal(err)
		}
		if up.Accepted != tc.ok {
			t.Errorf("100 -> %s at MaxJump 0.5: accepted %t, want %t (Liquity: above max only when deviation > limit)", tc.next, up.Accepted, tc.ok)
		}
		if !tc.ok && !errors.Is(up.Tiers[0].Err, ErrJump) {
			t.Errorf("100 -> %s: tier error %v, want ErrJump", tc.next, up.Tiers[0].Err)
		}
	}
}

func TestBoundaryFeedFreshness(t *testing.T) {
	f := mustFeed(t, testFeedSettings()) // MaxAge 2 minutes
	if _, err := f.Update(at(0), []Quote{qa("a", "100", at(0)), qa("b", "100", at(0))}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Price(at(2)); err != nil {
		t.Errorf("read exactly MaxAge after acceptance: %v (fresh: stale only when age > MaxAge)", err)
	}
	if _, err := f.Price(at(2).Add(time.Nanosecond)); err != ErrStale {
		t.Errorf("read 1ns past MaxAge: %v, want ErrStale", err)
	}
}

func TestBoundaryDelayed(t *testing.T) {
	o, _ := NewDelayed(DelayedSettings{Hop: time.Hour}) // MaxAge 2h
	base := t0                                          // hop-aligned
	for _, m := range []time.Duration{0, time.Hour} {
		if _, err := o.Poke(base.Add(m), d("100")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := o.Poke(base.Add(2*time.Hour-time.Nanosecond), d("1")); !errors.Is(err, ErrTooEarly) {
		t.Errorf("poke 1ns before zzz + hop: %v, want ErrTooEarly", err)
	}
	if !o.Pass(base.Add(2 * time.Hour)) {
		t.Errorf("OSM pass(): era() >= zzz + hop must pass at exactly zzz + hop")
	}
	if _, err := o.Price(base.Add(3 * time.Hour)); err != nil {
		t.Errorf("read exactly MaxAge after the last aligned poke: %v", err)
	}
	if _, err := o.Price(base.Add(3*time.Hour + time.Nanosecond)); err != ErrStale {
		t.Errorf("read 1ns past MaxAge: %v, want ErrStale", err)
	}
}

func TestBoundaryTWAPCoverage(t *testing.T) {
	w, _ := NewTWAP(TWAPSettings{Window: time.Hour, MinCoverage: 30 * time.Minute})
	if err := w.Update(at(0), d("100")); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Value(at(30).Add(-time.Nanosecond)); !errors.Is(err, ErrShortHistory) {
		t.Errorf("1ns short of MinCoverage: %v, want ErrShortHistory", err)
	}
	if v, err := w.Value(at(30)); err != nil || !v.Equal(d("100")) {
		t.Errorf("exactly MinCoverage (Uniswap v3 'OLD' only when the target is before the oldest): %s %v", v, err)
	}
}

func TestBoundaryTrimCount(t *testing.T) {
	// k = floor(n × trim): 10 × 0.1 = 1 drops one at each end; just below
	// drops none.
	prices := decs("1", "2", "3", "4", "5", "6", "7", "8", "9", "1000")
	for _, tc := range []struct {
		trim, want string
	}{{"0.1", "5.5"}, {"0.09999", "104.5"}} {
		got, err := TrimmedMean(prices, d(tc.trim), 2)
		if err != nil || !got.Equal(d(tc.want)) {
			t.Errorf("trim %s: %s %v, want %s", tc.trim, got, err, tc.want)
		}
	}
}

func TestBoundaryWeightedMedianHalf(t *testing.T) {
	// Terra x/oracle: the pivot is reached when cumulative power ≥ half.
	for _, tc := range []struct {
		weights []string
		want    string
	}{{[]string{"1", "1"}, "10"}, {[]string{"0.99999", "1"}, "20"}} {
		ws := make([]decimal.Decimal, len(tc.weights))
		for i, w := range tc.weights {
			ws[i] = d(w)
		}
		got, err := WeightedMedian(decs("10", "20"), ws)
		if err != nil || !got.Equal(d(tc.want)) {
			t.Errorf("weights %v: %s %v, want %s", tc.weights, got, err, tc.want)
		}
	}
}

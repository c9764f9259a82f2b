package oracle

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Property tests for the promises of issue 2 and DESIGN.md. Each names the
// guard whose removal makes it fail (see the report in the commit log).

func genQuote(sources int, maxAge time.Duration) *rapid.Generator[Quote] {
	return rapid.Custom(func(t *rapid.T) Quote {
		q := Quote{
			Source:     fmt.Sprintf("s%d", rapid.IntRange(0, sources-1).Draw(t, "src")),
			Price:      rapid.OneOf(testkit.Decimal(1, 2_000_000, 4), testkit.Decimal(10_000, 10_020, 4)).Draw(t, "price"),
			Confidence: testkit.Decimal(0, 50_000, 4).Draw(t, "conf"),
			Weight:     testkit.Decimal(0, 100, 0).Draw(t, "weight"),
			Time:       t0.Add(-time.Duration(rapid.Int64Range(-int64(maxAge/4), int64(2*maxAge)).Draw(t, "age"))),
		}
		// One quote in ten is malformed in one way Validate must refuse.
		switch rapid.IntRange(0, 39).Draw(t, "malformed") {
		case 0:
			q.Source = ""
		case 1:
			q.Price = testkit.Decimal(-1000, 0, 4).Draw(t, "badprice")
		case 2:
			q.Confidence = testkit.Decimal(-1000, -1, 4).Draw(t, "badconf")
		case 3:
			q.Weight = testkit.Decimal(-10, -1, 0).Draw(t, "badweight")
		}
		return q
	})
}

func genSettings(t *rapid.T) AggregatorSettings {
	s := AggregatorSettings{
		Method:        Method(rapid.IntRange(0, 2).Draw(t, "method")),
		MaxAge:        time.Minute,
		MaxFutureSkew: time.Duration(rapid.Int64Range(0, int64(10*time.Second)).Draw(t, "skew")),
		MinSources:    rapid.IntRange(0, 6).Draw(t, "min"),
		Scale:         rapid.Int32Range(1, 6).Draw(t, "scale"),
		TrimFraction:  testkit.Decimal(0, 49, 2).Draw(t, "trim"),
	}
	if rapid.Bool().Draw(t, "dev") {
		s.MaxDeviation = testkit.Decimal(1, 100, 2).Draw(t, "maxdev")
	}
	if rapid.Bool().Draw(t, "spread") {
		s.MaxSpread = testkit.Decimal(1, 100, 2).Draw(t, "maxspread")
	}
	if rapid.Bool().Draw(t, "conf") {
		s.MaxConfidenceRatio = testkit.Decimal(1, 100, 3).Draw(t, "maxconf")
	}
	if rapid.Bool().Draw(t, "bounds") {
		s.MinAnswer = rapid.OneOf(testkit.Decimal(0, 2_000_000, 4), testkit.Decimal(10_000, 10_020, 4)).Draw(t, "minans")
		s.MaxAnswer = s.MinAnswer.Add(testkit.Decimal(1, 2_000_000, 4).Draw(t, "width"))
	}
	return s
}

// The aggregate lies within [min, max] of the used quotes, and every used
// quote passed every guard (fresh, in bounds, confident, one per source,
// quorum met). Guards: the clamp after rounding a mean; each per-quote check.
func TestPropAggregateWithinUsedAndGuarded(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genSettings(t)
		quotes := rapid.SliceOfN(genQuote(8, s.MaxAge), 0, 15).Draw(t, "quotes")
		a, err := NewAggregator(s)
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.Aggregate(t0, quotes)
		if err != nil {
			if !errors.Is(err, ErrNoQuorum) && !errors.Is(err, ErrSpread) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if err := CheckResult(t0, s, res); err != nil {
			t.Fatal(err)
		}
	})
}

// A stale quote is never used, whatever else is in the set.
// Guard: the staleness check (now − MaxAge).
func TestPropStaleNeverUsed(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := AggregatorSettings{MaxAge: time.Minute, Method: Method(rapid.IntRange(0, 2).Draw(t, "method"))}
		quotes := rapid.SliceOfN(genQuote(6, s.MaxAge), 1, 12).Draw(t, "quotes")
		a, _ := NewAggregator(s)
		res, err := a.Aggregate(t0, quotes)
		for _, q := range res.Used {
			if q.Time.Before(t0.Add(-s.MaxAge)) {
				t.Fatalf("stale quote used: %v (err %v)", q, err)
			}
		}
	})
}

// Below quorum is always an error: fewer distinct usable sources than
// MinSources never yields a price. Guard: both quorum checks.
func TestPropBelowQuorumIsError(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := AggregatorSettings{MaxAge: time.Minute, MinSources: rapid.IntRange(1, 8).Draw(t, "min")}
		if rapid.Bool().Draw(t, "dev") {
			s.MaxDeviation = testkit.Decimal(1, 30, 2).Draw(t, "maxdev")
		}
		quotes := rapid.SliceOfN(genQuote(8, s.MaxAge), 0, 12).Draw(t, "quotes")
		a, _ := NewAggregator(s)
		res, err := a.Aggregate(t0, quotes)
		fresh := map[string]bool{}
		for _, q := range quotes {
			if !q.Time.Before(t0.Add(-s.MaxAge)) && !q.Time.After(t0) {
				fresh[q.Source] = true
			}
		}
		if len(fresh) < s.MinSources && err == nil {
			t.Fatalf("price %s from %d fresh sources, quorum %d", res.Price, len(fresh), s.MinSources)
		}
		if err == nil && len(res.Used) < s.MinSources {
			t.Fatalf("price %s from %d used quotes, quorum %d", res.Price, len(res.Used), s.MinSources)
		}
		if err != nil && !res.Price.IsZero() {
			t.Fatalf("error %v with price %s", err, res.Price)
		}
	})
}

// With f arbitrary sources among 2f+1, the median stays within the honest
// quotes' range, even when each malicious source floods several quotes.
// Guards: the median itself and one source, one vote (dedupe). With the
// outlier guard on, honest quotes agree within the band (else the guard may
// drop an honest quote and the bound no longer holds: see the report).
func TestPropMedianResistsFByzantine(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.IntRange(0, 5).Draw(t, "f")
		s := AggregatorSettings{MaxAge: time.Hour, Scale: rapid.Int32Range(1, 8).Draw(t, "scale")}
		lo := testkit.Decimal(1_000, 1_000_000, 4).Draw(t, "lo")
		width := testkit.Decimal(0, 1_000_000, 4).Draw(t, "width")
		if rapid.Bool().Draw(t, "outliers") {
			s.MaxDeviation = d("0.1")
			width = decimal.Min(width, lo.Mul(d("0.1")).Truncate(4))
		}
		hi := lo.Add(width)
		var quotes []Quote
		for i := 0; i <= f; i++ {
			p := lo.Add(width.Mul(testkit.Decimal(0, 1000, 3).Draw(t, "frac")).Truncate(4))
			quotes = append(quotes, Quote{Source: fmt.Sprintf("honest%d", i), Price: p, Time: t0})
		}
		for i := 0; i < f; i++ {
			n := rapid.IntRange(1, 4).Draw(t, "flood")
			for k := 0; k < n; k++ {
				quotes = append(quotes, Quote{Source: fmt.Sprintf("evil%d", i),
					Price: testkit.Decimal(1, 100_000_000_000, 4).Draw(t, "evil"),
					Time:  t0.Add(-time.Duration(k) * time.Second)})
			}
		}
		perm := rapid.Permutation(quotes).Draw(t, "order")
		a, _ := NewAggregator(s)
		res, err := a.Aggregate(t0, perm)
		if err != nil {
			t.Fatal(err)
		}
		if res.Price.Cmp(lo) < 0 || res.Price.Cmp(hi) > 0 {
			t.Fatalf("median %s outside honest range [%s, %s]", res.Price, lo, hi)
		}
	})
}

// A source holding more than half of the weight decides the weighted
// median. Guard: the 2×cum ≥ total pivot.
func TestPropWeightedMajorityDecides(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		others := make([]Quote, rapid.IntRange(0, 10).Draw(t, "n"))
		total := decimal.Zero
		for i := range others {
			others[i] = Quote{Source: fmt.Sprintf("o%d", i), Time: t0,
				Price:  testkit.Price().Draw(t, "p"),
				Weight: testkit.Decimal(1, 10_000, 2).Draw(t, "w")}
			total = total.Add(others[i].Weight)
		}
		big := Quote{Source: "whale", Price: testkit.Price().Draw(t, "price"), Time: t0,
			Weight: total.Add(testkit.Decimal(1, 1000, 2).Draw(t, "extra"))}
		quotes := rapid.Permutation(append(others, big)).Draw(t, "order")
		a, _ := NewAggregator(AggregatorSettings{MaxAge: time.Minute, Method: MethodWeightedMedian})
		res, err := a.Aggregate(t0, quotes)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Price.Equal(big.Price) {
			t.Fatalf("weighted median %s, whale with %s of %s said %s", res.Price, big.Weight, total.Add(big.Weight), big.Price)
		}
	})
}

// TWAP and EMA stay within [min, max] of the prices they saw, at every
// read. Guard: the clamp after rounding (Scale is drawn below the prices'
// places so rounding can escape without it).
func TestPropSmoothingWithinSeen(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scale := rapid.Int32Range(1, 3).Draw(t, "scale")
		tw, _ := NewTWAP(TWAPSettings{Window: time.Duration(rapid.Int64Range(1, 3600).Draw(t, "window")) * time.Second, Scale: scale})
		em, _ := NewEMA(EMASettings{HalfLife: time.Duration(rapid.Int64Range(1, 3600).Draw(t, "half")) * time.Second, Scale: scale})
		now := t0
		var lo, hi decimal.Decimal
		steps := rapid.IntRange(1, 30).Draw(t, "steps")
		for i := 0; i < steps; i++ {
			now = now.Add(time.Duration(rapid.Int64Range(0, 7200_000).Draw(t, "dt")) * time.Millisecond)
			p := testkit.Decimal(1, 1_000_000, 6).Draw(t, "p")
			if i == 0 {
				lo, hi = p, p
			}
			lo, hi = decimal.Min(lo, p), decimal.Max(hi, p)
			if err := tw.Update(now, p); err != nil {
				t.Fatal(err)
			}
			if _, err := em.Update(now, p); err != nil {
				t.Fatal(err)
			}
			read := now.Add(time.Duration(rapid.Int64Range(0, 7200_000).Draw(t, "read")) * time.Millisecond)
			for name, f := range map[string]func(time.Time) (decimal.Decimal, error){"twap": tw.Value, "ema": em.Value} {
				v, err := f(read)
				if err != nil {
					t.Fatal(err)
				}
				if v.Cmp(lo) < 0 || v.Cmp(hi) > 0 {
					t.Fatalf("%s %s outside seen [%s, %s]", name, v, lo, hi)
				}
			}
			if err := em.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
			if err := tw.CheckInvariants(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// The pure aggregates lie within [min, max] of their inputs at any scale,
// including prices with more places than the scale. Guard: the clamps after
// rounding the mean of the middle two and the trimmed mean.
func TestPropPureAggregatesWithin(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := testkit.Decimal(1, 1_000_000_000, 6).Draw(t, "base")
		prices := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return base.Add(testkit.Decimal(0, 9, 6).Draw(t, "off"))
		}), 1, 12).Draw(t, "prices")
		scale := rapid.Int32Range(0, 7).Draw(t, "scale")
		lo, hi := prices[0], prices[0]
		for _, p := range prices {
			lo, hi = decimal.Min(lo, p), decimal.Max(hi, p)
		}
		m, _ := Median(prices, scale)
		tm, _ := TrimmedMean(prices, testkit.Decimal(0, 49, 2).Draw(t, "trim"), scale)
		ws := make([]decimal.Decimal, len(prices))
		for i := range ws {
			ws[i] = testkit.Decimal(1, 100, 0).Draw(t, "w")
		}
		wm, _ := WeightedMedian(prices, ws)
		for name, v := range map[string]decimal.Decimal{"median": m, "trimmed mean": tm, "weighted median": wm} {
			if v.Cmp(lo) < 0 || v.Cmp(hi) > 0 {
				t.Fatalf("%s %s outside [%s, %s] at scale %d", name, v, lo, hi, scale)
			}
		}
	})
}

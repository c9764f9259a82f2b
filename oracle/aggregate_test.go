package oracle

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var (
	d  = testkit.D
	t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
)

func qt(src, price string, age time.Duration) Quote {
	return Quote{Source: src, Price: d(price), Time: t0.Add(-age)}
}

func decs(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = d(s)
	}
	return out
}

func TestMedianTable(t *testing.T) {
	tests := []struct {
		name   string
		prices []string
		scale  int32
		want   string
	}{
		{"one", []string{"7"}, 18, "7"},
		{"odd: the middle (MakerDAO Median val[bar/2])", []string{"3", "1", "2"}, 18, "2"},
		{"even: exact mean of the middle two", []string{"100.1", "100.2", "1", "500"}, 18, "100.15"},
		{"even: half-even rounds a tie to the even digit (down)", []string{"100.1", "100.2"}, 1, "100.2"},
		{"even: half-even rounds a tie to the even digit (up)", []string{"100.3", "100.4"}, 1, "100.4"},
		{"even: half-even tie 0.25 goes to 0.2", []string{"0.2", "0.3"}, 1, "0.2"},
		{"even: rounding clamped into [a, b]", []string{"1.0001", "1.0002"}, 2, "1.0001"},
		{"even: equal middle values", []string{"5", "5", "1", "9"}, 0, "5"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Median(decs(tc.prices...), tc.scale)
			if err != nil || !got.Equal(d(tc.want)) {
				t.Fatalf("Median = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
	if _, err := Median(nil, 2); !errors.Is(err, ErrInvalidInput) {
		t.Fatal("Median of nothing reported ok")
	}
}

func TestWeightedMedianTable(t *testing.T) {
	tests := []struct {
		name            string
		prices, weights []string
		want            string
	}{
		// Terra x/oracle: sort by rate, return the first whose cumulative
		// power reaches half of the total.
		{"equal weights: lower median", []string{"1", "2", "3", "4"}, []string{"1", "1", "1", "1"}, "2"},
		{"a majority holder decides", []string{"1", "2", "3"}, []string{"1", "5", "1"}, "2"},
		{"heavy tail decides", []string{"1", "2", "3"}, []string{"1", "1", "3"}, "3"},
		{"exactly half reaches the pivot", []string{"10", "20"}, []string{"2", "2"}, "10"},
		// Terra's integer totalPower/2 = 1 would return 1 here.
		{"odd total: exact half, not Terra's floor", []string{"1", "2", "3"}, []string{"1", "1", "1"}, "2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WeightedMedian(decs(tc.prices...), decs(tc.weights...))
			if err != nil || !got.Equal(d(tc.want)) {
				t.Fatalf("WeightedMedian = %s, %v; want %s", got, err, tc.want)
			}
		})
	}
	if _, err := WeightedMedian(decs("1"), decs("0")); !errors.Is(err, ErrInvalidInput) {
		t.Fatal("zero weight accepted")
	}
}

func TestTrimmedMeanTable(t *testing.T) {
	got, err := TrimmedMean(decs("1", "2", "3", "4", "100"), d("0.2"), 18)
	if err != nil || !got.Equal(d("3")) {
		t.Fatalf("trim 20%% of 5 drops one each end: got %s", got)
	}
	got, _ = TrimmedMean(decs("1", "2", "2"), decimal.Zero, 4)
	if !got.Equal(d("1.6667")) {
		t.Fatalf("plain mean 5/3 at 4 places half-even: got %s", got)
	}
	if _, err := TrimmedMean(decs("1"), d("0.5"), 2); !errors.Is(err, ErrInvalidInput) {
		t.Fatal("trim 0.5 accepted")
	}
}

// qw is a fresh quote with a weight ("" leaves it unset, i.e. zero).
func qw(src, price, weight string) Quote {
	q := qt(src, price, 0)
	if weight != "" {
		q.Weight = d(weight)
	}
	return q
}

func TestAggregateGuards(t *testing.T) {
	base := AggregatorSettings{MaxAge: time.Minute, MaxFutureSkew: 2 * time.Second}
	wm := AggregatorSettings{MaxAge: time.Minute, Method: MethodWeightedMedian}
	tests := []struct {
		name     string
		s        AggregatorSettings
		quotes   []Quote
		want     string
		err      error
		rejected map[string]Reason
		detail   string // if set, some rejection's Detail contains it
	}{
		{
			name:   "median of three",
			s:      base,
			quotes: []Quote{qt("a", "100", 0), qt("b", "101", 0), qt("c", "99", 0)},
			want:   "100",
		},
		{
			name:     "stale and future quotes rejected",
			s:        base,
			quotes:   []Quote{qt("a", "100", 0), qt("b", "50", 61*time.Second), qt("c", "150", -3*time.Second), qt("d", "102", -2*time.Second)},
			want:     "101",
			rejected: map[string]Reason{"b": ReasonStale, "c": ReasonFuture},
		},
		{
			name:     "exactly MaxAge old is still fresh",
			s:        base,
			quotes:   []Quote{qt("a", "100", time.Minute)},
			want:     "100",
			rejected: map[string]Reason{},
		},
		{
			name: "DAI Nov 2020: one exchange prints 1.30, outlier guard drops it",
			s:    withDev(base, "0.05", 3),
			quotes: []Quote{qt("coinbase", "1.30", 0), qt("binance", "1.001", 0), qt("kraken", "0.999", 0),
				qt("bitstamp", "1.000", 0)},
			want:     "1",
			rejected: map[string]Reason{"coinbase": ReasonOutlier},
		},
		{
			name:     "outlier exactly at the band edge is kept",
			s:        withDev(base, "0.1", 1),
			quotes:   []Quote{qt("a", "90", 0), qt("b", "100", 0), qt("c", "110", 0)},
			want:     "100",
			rejected: map[string]Reason{},
		},
		{
			name:   "outliers leave fewer than quorum: error, not a price",
			s:      withDev(base, "0.01", 3),
			quotes: []Quote{qt("a", "90", 0), qt("b", "100", 0), qt("c", "110", 0)},
			err:    ErrNoQuorum,
		},
		{
			name:   "below quorum",
			s:      AggregatorSettings{MaxAge: time.Minute, MinSources: 3},
			quotes: []Quote{qt("a", "100", 0), qt("b", "100", 0), qt("c", "100", time.Hour)},
			err:    ErrNoQuorum,
		},
		{
			name:   "dispersion too wide",
			s:      AggregatorSettings{MaxAge: time.Minute, MaxSpread: d("0.02")},
			quotes: []Quote{qt("a", "99", 0), qt("b", "100", 0), qt("c", "102", 0)},
			err:    ErrSpread,
		},
		{
			name:     "dispersion within the limit",
			s:        AggregatorSettings{MaxAge: time.Minute, MaxSpread: d("0.03")},
			quotes:   []Quote{qt("a", "99", 0), qt("b", "100", 0), qt("c", "102", 0)},
			want:     "100",
			rejected: map[string]Reason{},
		},
		{
			name: "LUNA May 2022: a feed clamped at minAnswer is a failure, not a price",
			s:    AggregatorSettings{MaxAge: time.Minute, MinAnswer: d("0.10"), MaxAnswer: d("1000")},
			quotes: []Quote{
				{Source: "chainlink", Price: d("0.10"), Time: t0},
				{Source: "exchange", Price: d("0.0002"), Time: t0},
				{Source: "cap", Price: d("1000"), Time: t0},
			},
			err:      ErrNoQuorum,
			rejected: map[string]Reason{"chainlink": ReasonBounds, "exchange": ReasonBounds, "cap": ReasonBounds},
		},
		{
			name: "bounds finer than the price grid: exact at the edges",
			s:    AggregatorSettings{MaxAge: time.Minute, MinAnswer: d("0.105"), MaxAnswer: d("0.125")},
			quotes: []Quote{
				{Source: "below", Price: d("0.10"), Time: t0},
				{Source: "in-low", Price: d("0.11"), Time: t0},
				{Source: "in-high", Price: d("0.12"), Time: t0},
				{Source: "above", Price: d("0.13"), Time: t0},
				{Source: "at-cap", Price: d("0.125"), Time: t0},
			},
			want:     "0.115",
			rejected: map[string]Reason{"below": ReasonBounds, "above": ReasonBounds, "at-cap": ReasonBounds},
		},
		{
			// median 10.005, band 0.0015 × 10.005 = 0.0150075: [9.9899925,
			// 10.0200075]. 9.98 is outside; 10.02 is inside by 0.0000075.
			name:     "outlier band finer than the price grid",
			s:        withDev(base, "0.0015", 1),
			quotes:   []Quote{qt("a", "9.98", 0), qt("b", "10.00", 0), qt("c", "10.01", 0), qt("d", "10.02", 0)},
			want:     "10.01",
			rejected: map[string]Reason{"a": ReasonOutlier},
		},
		{
			name: "Pyth: a wide confidence interval is rejected",
			s:    AggregatorSettings{MaxAge: time.Minute, MaxConfidenceRatio: d("0.01")},
			quotes: []Quote{
				{Source: "pyth-a", Price: d("100"), Confidence: d("1.01"), Time: t0},
				{Source: "pyth-b", Price: d("101"), Confidence: d("1.01"), Time: t0},
			},
			want:     "101",
			rejected: map[string]Reason{"pyth-a": ReasonConfidence},
		},
		{
			name:     "one source, one vote: the newest quote counts",
			s:        base,
			quotes:   []Quote{qt("a", "200", 10*time.Second), qt("a", "100", 0), qt("b", "102", 0), qt("a", "200", 20*time.Second)},
			want:     "101",
			rejected: map[string]Reason{"a": ReasonDuplicate},
		},
		{
			name:   "conflicting same-time quotes discard the source",
			s:      AggregatorSettings{MaxAge: time.Minute, MinSources: 2},
			quotes: []Quote{qt("a", "100", 0), qt("a", "300", 0), qt("b", "102", 0)},
			err:    ErrNoQuorum,
		},
		{
			name:     "identical repeats count once",
			s:        base,
			quotes:   []Quote{qt("a", "100", 0), qt("a", "100", 0), qt("b", "104", 0)},
			want:     "102",
			rejected: map[string]Reason{"a": ReasonDuplicate},
		},
		{
			name:     "malformed quotes are rejected as invalid",
			s:        base,
			quotes:   []Quote{{Source: "", Price: d("1"), Time: t0}, {Source: "neg", Price: d("-1"), Time: t0}, {Source: "z", Price: d("0"), Time: t0}, {Source: "c", Price: d("1"), Confidence: d("-1"), Time: t0}, {Source: "w", Price: d("1"), Weight: d("-2"), Time: t0}, {Source: "t", Price: d("1")}, qt("ok", "5", 0)},
			want:     "5",
			rejected: map[string]Reason{"": ReasonInvalid, "neg": ReasonInvalid, "z": ReasonInvalid, "c": ReasonInvalid, "w": ReasonInvalid, "t": ReasonInvalid},
		},
		{
			name: "weighted median: Terra x/oracle validator power",
			s:    AggregatorSettings{MaxAge: time.Minute, Method: MethodWeightedMedian},
			quotes: []Quote{
				{Source: "v1", Price: d("1.00"), Weight: d("10"), Time: t0},
				{Source: "v2", Price: d("1.02"), Weight: d("60"), Time: t0},
				{Source: "v3", Price: d("0.90"), Weight: d("30"), Time: t0},
			},
			want: "1.02",
		},
		{
			name:     "weighted median: a zero weight is refused, not counted as 1",
			s:        wm,
			quotes:   []Quote{qw("a", "100", "1"), qw("b", "200", "")},
			want:     "100",
			rejected: map[string]Reason{"b": ReasonInvalid},
			detail:   "weight: zero",
		},
		{
			// With zero read as 1, b and c (2 of 3) would pull the lower
			// weighted median up to 200.
			name:     "weighted median: zero-weight quotes cannot outvote a weighted source",
			s:        wm,
			quotes:   []Quote{qw("a", "100", "2"), qw("b", "200", "0"), qw("c", "200", "0")},
			want:     "100",
			rejected: map[string]Reason{"b": ReasonInvalid, "c": ReasonInvalid},
		},
		{
			name:     "weighted median: no weights at all is below quorum, never a price",
			s:        wm,
			quotes:   []Quote{qw("a", "100", ""), qw("b", "101", "")},
			err:      ErrNoQuorum,
			rejected: map[string]Reason{"a": ReasonInvalid, "b": ReasonInvalid},
		},
		{
			name:     "the median ignores weights, zero included",
			s:        base,
			quotes:   []Quote{qw("a", "100", ""), qw("b", "101", "0"), qw("c", "102", "7")},
			want:     "101",
			rejected: map[string]Reason{},
		},
		{
			name:   "trimmed mean drops the extremes",
			s:      AggregatorSettings{MaxAge: time.Minute, Method: MethodTrimmedMean, TrimFraction: d("0.2")},
			quotes: []Quote{qt("a", "1", 0), qt("b", "100", 0), qt("c", "101", 0), qt("d", "102", 0), qt("e", "1000", 0)},
			want:   "101",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := NewAggregator(tc.s)
			if err != nil {
				t.Fatal(err)
			}
			in := append([]Quote(nil), tc.quotes...)
			res, err := a.Aggregate(t0, in)
			if diff := cmp.Diff(tc.quotes, in, testkit.EquateDecimals); diff != "" {
				t.Fatalf("input modified: %s", diff)
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !res.Price.IsZero() {
					t.Fatalf("got %s, %v; want error %v", res.Price, err, tc.err)
				}
			} else if err != nil || !res.Price.Equal(d(tc.want)) {
				t.Fatalf("got %s, %v; want %s", res.Price, err, tc.want)
			}
			if tc.rejected != nil {
				got := map[string]Reason{}
				for _, r := range res.Rejected {
					got[r.Quote.Source] = r.Reason
				}
				if diff := cmp.Diff(tc.rejected, got); diff != "" {
					t.Fatalf("rejections (-want +got):\n%s", diff)
				}
			}
			found := tc.detail == ""
			for _, r := range res.Rejected {
				found = found || strings.Contains(r.Detail, tc.detail)
				// The Reason is the structured verdict; the Detail is words
				// for people, without the package prefix repeated.
				if r.Reason == ReasonInvalid && strings.Contains(r.Detail, "oracle:") {
					t.Errorf("invalid %s: detail %q repeats the package prefix", r.Quote.Source, r.Detail)
				}
			}
			if !found {
				t.Errorf("no rejection detail contains %q: %+v", tc.detail, res.Rejected)
			}
			if err == nil {
				if err := CheckResult(t0, a.settings(), res); err != nil {
					t.Fatal(err)
				}
			}
			if len(res.Used)+len(res.Rejected) != len(tc.quotes) {
				t.Fatalf("%d used + %d rejected != %d quotes", len(res.Used), len(res.Rejected), len(tc.quotes))
			}
		})
	}
}

func withDev(s AggregatorSettings, dev string, min int) AggregatorSettings {
	s.MaxDeviation, s.MinSources = d(dev), min
	return s
}

func TestAggregatorSettingsRejected(t *testing.T) {
	for name, s := range map[string]AggregatorSettings{
		"zero value (no MaxAge)": {},
		"negative skew":          {MaxAge: 1, MaxFutureSkew: -1},
		"negative quorum":        {MaxAge: 1, MinSources: -1},
		"negative deviation":     {MaxAge: 1, MaxDeviation: d("-0.1")},
		"max below min answer":   {MaxAge: 1, MinAnswer: d("2"), MaxAnswer: d("1")},
		"trim 0.5":               {MaxAge: 1, TrimFraction: d("0.5")},
		"scale 37":               {MaxAge: 1, Scale: 37},
		"unknown method":         {MaxAge: 1, Method: 7},
		"absurd exponent":        {MaxAge: 1, MaxSpread: decimal.New(1, 90)},
	} {
		if _, err := NewAggregator(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: got %v, want ErrInvalidSettings", name, err)
		}
	}
}

func TestRejectionsInInputOrder(t *testing.T) {
	a, _ := NewAggregator(AggregatorSettings{MaxAge: time.Minute, MaxDeviation: d("0.01")})
	res, err := a.Aggregate(t0, []Quote{qt("z", "500", 0), qt("y", "100", time.Hour), qt("x", "100", 0), qt("w", "100", 0), qt("v", "1", 0)})
	if err != nil {
		t.Fatal(err)
	}
	var idx []int
	for _, r := range res.Rejected {
		idx = append(idx, r.Index)
	}
	if diff := cmp.Diff([]int{0, 1, 4}, idx); diff != "" {
		t.Fatal(diff)
	}
	if res.RejectedFor("z") != ReasonOutlier || res.RejectedFor("y") != ReasonStale || res.RejectedFor("x") != 0 {
		t.Fatalf("RejectedFor: %v", res.Rejected)
	}
}

func TestSettingsJSONRoundTrip(t *testing.T) {
	s := AggregatorSettings{Method: MethodWeightedMedian, MaxAge: time.Minute, MaxDeviation: d("0.05")}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"method":"weighted-median"`) {
		t.Fatalf("method not written by name: %s", b)
	}
	var back AggregatorSettings
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back, testkit.EquateDecimals); diff != "" {
		t.Fatal(diff)
	}
	if err := json.Unmarshal([]byte(`{"method":"mean"}`), &back); err == nil {
		t.Fatal("unknown method accepted")
	}
}

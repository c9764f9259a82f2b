package oracle

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func lv(pairs ...string) []Level {
	out := make([]Level, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, Level{Price: d(pairs[i]), Size: d(pairs[i+1])})
	}
	return out
}

// The impact price is the notional over the base it fills (Binance: "the
// average fill price to execute the Impact Margin Notional"; dYdX v4
// getImpactPriceSubticks). Numbers worked by hand.
func TestImpactPrice(t *testing.T) {
	asks := lv("100", "1", "101", "2", "102", "5")
	bids := lv("100", "1", "99", "2", "98", "5")
	for _, c := range []struct {
		name     string
		side     BookSide
		levels   []Level
		notional string
		want     string
		err      error
	}{
		// 100 fills 1 at 100; 150 more at 101 fills 150/101: 250 / (1 + 150/101) = 25250/251.
		{"asks into the second level", Asks, asks, "250", "100.59760956", nil},
		{"bids into the second level", Bids, bids, "250", "99.39759036", nil},
		{"exactly the first level", Asks, asks, "100", "100", nil},
		{"exactly two levels", Asks, asks, "302", "100.66666667", nil},
		{"zero notional: best price (dYdX)", Bids, bids, "0", "100", nil},
		{"whole book", Asks, asks, "812", "101.5", nil},
		{"thin: one unit beyond the book", Asks, asks, "812.00000001", "", ErrThinBook},
		{"empty side", Bids, nil, "1", "", ErrThinBook},
		{"bids not descending", Bids, lv("99", "1", "100", "1"), "1", "", ErrInvalidInput},
		{"asks repeat a price", Asks, lv("100", "1", "100", "1"), "1", "", ErrInvalidInput},
		{"zero size", Asks, lv("100", "0"), "1", "", ErrInvalidInput},
		{"negative price", Asks, lv("-100", "1"), "1", "", ErrInvalidInput},
		{"negative notional", Asks, asks, "-1", "", ErrInvalidInput},
		{"absurd size", Asks, []Level{{Price: d("1"), Size: decimal.New(1, 1<<30)}}, "1", "", ErrInvalidInput},
		{"unknown side", BookSide(5), asks, "1", "", ErrInvalidInput},
	} {
		got, err := ImpactPrice(c.side, c.levels, d(c.notional), 8)
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err = %v, want %v", c.name, err, c.err)
			}
			continue
		}
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s: ImpactPrice = %s, %v; want %s", c.name, got, err, c.want)
		}
	}
}

func TestPremiumIndex(t *testing.T) {
	for _, c := range []struct {
		name, index, bid, ask, want string
	}{
		// P = [max(0, IB − I) − max(0, I − IA)] / I (Binance; dYdX GetPricePremium).
		{"impact bid above the index", "100", "100.5", "101", "0.005"},
		{"impact ask below the index", "100", "99", "99.5", "-0.005"},
		{"index inside the impact spread", "100", "99.5", "100.5", "0"},
		{"at the impact bid", "100", "100", "100.2", "0"},
		{"repeating", "3", "3.1", "3.2", "0.03333333"},
	} {
		got, err := PremiumIndex(d(c.index), d(c.bid), d(c.ask), 8, RoundHalfEven)
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s (%s): PremiumIndex = %s, %v; want %s", c.name, binanceFundingURL, got, err, c.want)
		}
	}
	if _, err := PremiumIndex(d("100"), d("101"), d("100"), 8, RoundHalfEven); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("crossed impact prices: err = %v", err)
	}
	// dYdX rounds the premium toward zero (getPricePremiumFromSide).
	if got, _ := PremiumIndex(d("3"), d("2.8"), d("2.9"), 6, RoundTowardZero); !got.Equal(d("-0.033333")) {
		t.Errorf("toward zero: %s, want -0.033333", got)
	}
}

func TestBookPremiumThinSide(t *testing.T) {
	bids := lv("101", "1", "100.9", "1")
	asks := lv("101.1", "0.1")
	s := PremiumSettings{ImpactNotional: d("150"), Scale: 8}
	if _, err := s.Sample(d("100"), bids, asks); !errors.Is(err, ErrThinBook) {
		t.Fatalf("ThinRefuse: err = %v, want ErrThinBook", err)
	}
	s.Thin = ThinSideNeutral
	got, err := s.Sample(d("100"), bids, asks)
	if err != nil {
		t.Fatal(err)
	}
	// Impact bid: 150 / (1 + 49/100.9) = 15135/149.9 = 100.96731154…
	if !got.ImpactBid.Equal(d("100.96731154")) || !got.ImpactAsk.IsZero() || !got.Premium.Equal(d("0.00967312")) {
		t.Errorf("ThinSideNeutral: %+v", got)
	}
	if _, err := s.Sample(d("100"), lv("101", "1"), lv("101", "1")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("crossed book: err = %v", err)
	}
}

// Binance's index: the weighted average, one deviating source at weight
// zero, the median when more than one deviates (binanceIndexURL: the 2020
// rule).
func TestIndexBinanceRules(t *testing.T) {
	ix, err := NewIndex(IndexSettings{Aggregation: AggregatorSettings{MaxAge: time.Minute, MinSources: 2, Scale: 8}})
	if err != nil {
		t.Fatal(err)
	}
	w := func(src, price, weight string) Quote {
		q := qt(src, price, 0)
		q.Weight = d(weight)
		return q
	}
	for _, c := range []struct {
		name      string
		quotes    []Quote
		want      string
		rule      IndexRule
		deviating []string
	}{
		{"weighted", []Quote{w("a", "100", "0.5"), w("b", "102", "0.3"), w("c", "101", "0.2")}, "100.8", IndexWeighted, nil},
		{"one deviates: weight zero", []Quote{w("a", "100", "0.5"), w("b", "102", "0.3"), w("c", "120", "0.2")}, "100.75", IndexWeightedExcluding, []string{"c"}},
		{"exactly 5% is not beyond", []Quote{w("a", "100", "1"), w("b", "105", "1"), w("c", "95", "1")}, "100", IndexWeighted, nil},
		{"two deviate: the median", []Quote{w("a", "100", "0.5"), w("b", "80", "0.3"), w("c", "120", "0.2"), w("d", "101", "1"), w("e", "99", "1")}, "100", IndexMedian, []string{"b", "c"}},
		{"repeating weights round half-even", []Quote{w("a", "100", "1"), w("b", "101", "2")}, "100.66666667", IndexWeighted, nil},
	} {
		got, err := ix.Price(t0, c.quotes)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !got.Price.Equal(d(c.want)) || got.Rule != c.rule || !cmp.Equal(got.Deviating, c.deviating) {
			t.Errorf("%s (%s): index %s rule %s deviating %v; want %s %s %v", c.name, binanceIndexURL, got.Price, got.Rule, got.Deviating, c.want, c.rule, c.deviating)
		}
	}
	// A quote without a weight is rejected (ReasonInvalid), never weight 1.
	got, err := ix.Price(t0, []Quote{w("a", "100", "1"), w("b", "101", "1"), qt("c", "150", 0)})
	if err != nil || got.Aggregate.RejectedFor("c") != ReasonInvalid || !got.Price.Equal(d("100.5")) {
		t.Errorf("zero weight: %v, rejected %v, price %s", err, got.Aggregate.RejectedFor("c"), got.Price)
	}
	if _, err := ix.Price(t0, []Quote{w("a", "100", "1")}); !errors.Is(err, ErrNoQuorum) {
		t.Errorf("below quorum: %v", err)
	}
	for name, s := range map[string]IndexSettings{
		"method set":         {Aggregation: AggregatorSettings{MaxAge: time.Minute, Method: MethodTrimmedMean}},
		"max deviation set":  {Aggregation: AggregatorSettings{MaxAge: time.Minute, MaxDeviation: d("0.1")}},
		"deviation of 100%":  {Aggregation: AggregatorSettings{MaxAge: time.Minute}, Deviation: d("1")},
		"negative deviation": {Aggregation: AggregatorSettings{MaxAge: time.Minute}, Deviation: d("-0.05")},
		"no max age":         {},
	} {
		if _, err := NewIndex(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

// Binance's mark: "Mark Price = Median (Price 1, Price 2, Contract
// Price)… If Price 1 < Price 2 < Contract Price, then take Price 2 as
// Mark price" (binanceMarkURL). Index 10,000, last funding 0.01%, 4 of 8
// hours to funding: Price 1 = 10,000 × (1 + 0.0001 × 4/8) = 10,000.5; three
// basis samples 2, 4, 6 average 4: Price 2 = 10,004.
func TestMarkBinanceMedian(t *testing.T) {
	for _, c := range []struct {
		name, last, want string
	}{
		{"Price 1 < Price 2 < Contract Price: Price 2", "10010", "10004"},
		{"Contract Price < Price 1 < Price 2: Price 1", "9990", "10000.5"},
		{"Price 1 < Contract Price < Price 2: Contract Price", "10002", "10002"},
		{"Contract Price equal to Price 2", "10004", "10004"},
	} {
		m, err := NewMark(MarkSettings{Market: "BTCUSDT", Scale: 8})
		if err != nil {
			t.Fatal(err)
		}
		for i, basis := range []string{"2", "4", "6"} {
			// mid − index = basis: bid = index + basis − 0.5, ask = index + basis + 0.5.
			b := d(basis)
			if err := m.ObserveBasis(t0.Add(time.Duration(i-2)*time.Minute), d("9999.5").Add(b), d("10000.5").Add(b), d("10000")); err != nil {
				t.Fatal(err)
			}
		}
		got, err := m.Price(t0, MarkInputs{Index: d("10000"), Last: d(c.last), FundingRate: d("0.0001"), NextFunding: t0.Add(4 * time.Hour)})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !got.Price.Equal(d(c.want)) || !got.Price1.Equal(d("10000.5")) || !got.Price2.Equal(d("10004")) || !got.Basis.Equal(d("4")) || got.Samples != 3 {
			t.Errorf("%s: %+v, want mark %s", c.name, got, c.want)
		}
	}
}

func TestMarkWindowAndErrors(t *testing.T) {
	m, err := NewMark(MarkSettings{Market: "X", BasisWindow: 3 * time.Minute, MaxBasisSamples: 3, MinBasisSamples: 2})
	if err != nil {
		t.Fatal(err)
	}
	in := MarkInputs{Index: d("100"), Last: d("100"), NextFunding: t0.Add(time.Hour)}
	if _, err := m.Price(t0, in); !errors.Is(err, ErrShortHistory) {
		t.Errorf("empty window: %v, want ErrShortHistory", err)
	}
	for i, basis := range []string{"1", "2", "3", "4"} {
		b := d(basis)
		if err := m.ObserveBasis(t0.Add(time.Duration(i)*time.Minute), d("100").Add(b), d("100").Add(b), d("100")); err != nil {
			t.Fatal(err)
		}
		if err := m.CheckInvariants(); err != nil {
			t.Fatal(err)
		}
	}
	// Bounded: only the newest 3 kept.
	if snap := m.Snapshot(); len(snap.Samples) != 3 || !snap.Samples[0].Basis.Equal(d("2")) {
		t.Errorf("window: %+v", snap.Samples)
	}
	// At t0+4m30s the window (t0+1m30s, t0+4m30s] holds the samples of 3
	// (at +2m) and 4 (at +3m).
	got, err := m.Price(t0.Add(4*time.Minute+30*time.Second), MarkInputs{Index: d("100"), Last: d("200"), NextFunding: t0.Add(6 * time.Hour)})
	if err != nil || got.Samples != 2 || !got.Basis.Equal(d("3.5")) {
		t.Errorf("window at +5m: %+v, %v", got, err)
	}
	if _, err := m.Price(t0.Add(7*time.Minute), in); !errors.Is(err, ErrShortHistory) && !errors.Is(err, ErrInvalidInput) {
		t.Errorf("stale window: %v", err)
	}
	for name, c := range map[string]struct {
		now time.Time
		in  MarkInputs
		err error
	}{
		"before last input": {t0, in, ErrOutOfOrder},
		"next funding past": {t0.Add(4 * time.Minute), MarkInputs{Index: d("100"), Last: d("100"), NextFunding: t0}, ErrInvalidInput},
		"next funding far":  {t0.Add(4 * time.Minute), MarkInputs{Index: d("100"), Last: d("100"), NextFunding: t0.Add(9 * time.Hour)}, ErrInvalidInput},
		"funding rate of 1": {t0.Add(4 * time.Minute), MarkInputs{Index: d("100"), Last: d("100"), FundingRate: d("1"), NextFunding: t0.Add(time.Hour)}, ErrInvalidInput},
		"zero index":        {t0.Add(4 * time.Minute), MarkInputs{Last: d("100"), NextFunding: t0.Add(time.Hour)}, ErrInvalidInput},
		"absurd last":       {t0.Add(4 * time.Minute), MarkInputs{Index: d("100"), Last: decimal.New(1, 1<<30), NextFunding: t0.Add(time.Hour)}, ErrInvalidInput},
		"zero now":          {time.Time{}, in, ErrInvalidInput},
	} {
		if _, err := m.Price(c.now, c.in); !errors.Is(err, c.err) {
			t.Errorf("%s: err = %v, want %v", name, err, c.err)
		}
	}
	before := m.Snapshot()
	for name, err := range map[string]error{
		"crossed": m.ObserveBasis(t0.Add(4*time.Minute), d("101"), d("100"), d("100")),
		"earlier": m.ObserveBasis(t0, d("100"), d("100"), d("100")),
		"zero":    m.ObserveBasis(t0.Add(4*time.Minute), d("0"), d("100"), d("100")),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if diff := cmp.Diff(before, m.Snapshot(), testkit.EquateDecimals); diff != "" {
		t.Errorf("refused calls changed the state (-before +after):\n%s", diff)
	}
}

// dYdX v4: the oracle price is the mark.
func TestMarkOracleDYDX(t *testing.T) {
	m, err := NewMark(MarkSettings{Method: MarkOracle})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Price(t0, MarkInputs{Index: d("64123.45")})
	if err != nil || !got.Price.Equal(d("64123.45")) || got.Method != MarkOracle {
		t.Errorf("oracle mark: %+v, %v", got, err)
	}
}

func TestMarkSnapshotRoundTrip(t *testing.T) {
	s := MarkSettings{Market: "X", Scale: 8}
	m, _ := NewMark(s)
	for i := range 5 {
		if err := m.ObserveBasis(t0.Add(time.Duration(i)*time.Minute), d("99.9"), d("100.3"), d("100")); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := json.Marshal(m.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	var snap MarkSnapshot
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	r, err := RestoreMark(s, snap)
	if err != nil {
		t.Fatal(err)
	}
	in := MarkInputs{Index: d("100"), Last: d("100.05"), FundingRate: d("0.0001"), NextFunding: t0.Add(time.Hour)}
	for _, x := range []*Mark{m, r} {
		if err := x.ObserveBasis(t0.Add(5*time.Minute), d("100"), d("100.2"), d("100")); err != nil {
			t.Fatal(err)
		}
	}
	a, errA := m.Price(t0.Add(6*time.Minute), in)
	b, errB := r.Price(t0.Add(6*time.Minute), in)
	if errA != nil || errB != nil || !cmp.Equal(a, b, testkit.EquateDecimals) {
		t.Errorf("restored mark differs: %+v %v vs %+v %v", a, errA, b, errB)
	}
	bad := snap
	bad.Samples = append([]BasisSample{bad.Samples[1]}, bad.Samples...)
	if _, err := RestoreMark(s, bad); !errors.Is(err, ErrInvalidSnapshot) {
		t.Errorf("unordered snapshot: %v", err)
	}
}

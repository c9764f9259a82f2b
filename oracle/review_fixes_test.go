package oracle

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Malformed snapshots a restore must refuse (review of issue 15): each was
// accepted, then left the type stuck (every later input ErrOutOfOrder) or
// unable to write its own snapshot (json.Marshal fails on a year past
// 9999), or carried a last rate no settlement can produce.
func TestRestoreRefusesMalformedSnapshots(t *testing.T) {
	s := BinanceFunding("BTCUSDT", d("0.004875"))
	f, err := NewFunding(s)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Sample(t0, d("0.001")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Settle(t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	settled := f.Snapshot() // a last rate, no samples
	year9000 := time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
	unwritable := time.Unix(1<<40, 0).UTC()
	for _, c := range []struct {
		name string
		snap FundingSnapshot
	}{
		{"year 9000 and nothing else", FundingSnapshot{Time: year9000}},
		{"Unix(1<<40) and nothing else", FundingSnapshot{Time: unwritable}},
		{"last input long after the last settlement", func() FundingSnapshot { v := settled; v.Time = year9000; return v }()},
		{"paid against the rate's sign", func() FundingSnapshot { v := settled; v.Last.Paid = v.Last.Rate.Neg(); return v }()},
		{"uncapped differs, not capped", func() FundingSnapshot { v := settled; v.Last.Uncapped = d("5"); return v }()},
		{"capped, equal to uncapped", func() FundingSnapshot { v := settled; v.Last.Capped = true; return v }()},
	} {
		t.Run(c.name, func(t *testing.T) {
			g, err := RestoreFunding(s, c.snap)
			if !errors.Is(err, ErrInvalidSnapshot) {
				if err == nil {
					_, jerr := json.Marshal(g.Snapshot())
					t.Errorf("restored (then Sample: %v; Marshal: %v), want ErrInvalidSnapshot", g.Sample(t0.Add(2*time.Hour), decimal.Zero), jerr)
					return
				}
				t.Errorf("err = %v, want ErrInvalidSnapshot", err)
			}
		})
	}
	if _, err := RestoreFunding(s, settled); err != nil {
		t.Errorf("a real snapshot: %v", err)
	}
	ms := MarkSettings{Market: "BTCUSDT", Scale: 2}
	for _, c := range []struct {
		name string
		snap MarkSnapshot
	}{
		{"mark: year 9000 and no sample", MarkSnapshot{Time: year9000}},
		{"mark: Unix(1<<40) and no sample", MarkSnapshot{Time: unwritable}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if m, err := RestoreMark(ms, c.snap); !errors.Is(err, ErrInvalidSnapshot) {
				if err == nil {
					_, jerr := json.Marshal(m.Snapshot())
					t.Errorf("restored (Marshal: %v), want ErrInvalidSnapshot", jerr)
					return
				}
				t.Errorf("err = %v, want ErrInvalidSnapshot", err)
			}
		})
	}
}

// A zero ImpactNotional (the settings' zero value) is refused, not priced
// from the top of the book: dYdX refuses a liquidity tier with a zero
// impact notional (types.LiquidityTier.Validate, ErrImpactNotionalIsZero)
// and Binance's is 200 × max leverage (ImpactNotional).
func TestBookPremiumZeroNotionalRefused(t *testing.T) {
	bids, asks := lv("101", "1", "100.9", "1"), lv("101.1", "5")
	for _, c := range []struct {
		name     string
		notional decimal.Decimal
		ok       bool
	}{
		{"zero value", decimal.Decimal{}, false},
		{"explicit zero", d("0"), false},
		{"negative", d("-1"), false},
		{"positive", d("50"), true},
	} {
		for _, thin := range []ThinBook{ThinRefuse, ThinSideNeutral} {
			got, err := PremiumSettings{ImpactNotional: c.notional, Scale: 8, Thin: thin}.Sample(d("100"), bids, asks)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidInput)) {
				t.Errorf("%s, thin rule %d: %+v, %v; want ok=%v or ErrInvalidInput", c.name, thin, got, err, c.ok)
			}
		}
	}
}

// A premium below −1 is impossible (it would need an impact ask below
// zero: [max(0, bid − I) − max(0, I − ask)] / I ≥ −1 for ask ≥ 0), so it
// is refused wherever a premium enters; 10 stays the upper bound.
func TestPremiumBelowMinusOneRefused(t *testing.T) {
	s := BinanceFunding("BTCUSDT", d("0.004875"))
	for _, c := range []struct {
		p  string
		ok bool
	}{{"-1", true}, {"-1.00000001", false}, {"-3", false}, {"10", true}, {"10.00000001", false}} {
		_, err := ComputeFunding(s, decs(c.p))
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidInput)) {
			t.Errorf("ComputeFunding(premium %s): %v, want ok=%v or ErrInvalidInput", c.p, err, c.ok)
		}
		f, _ := NewFunding(s)
		if err := f.Sample(t0, d(c.p)); c.ok != (err == nil) {
			t.Errorf("Sample(%s): %v, want ok=%v", c.p, err, c.ok)
		}
		if _, err := DYDXPremiumSample(decs(c.p), 0, d("60")); c.ok != (err == nil) {
			t.Errorf("DYDXPremiumSample(%s): %v, want ok=%v", c.p, err, c.ok)
		}
	}
	// A restored last rate with a premium of −3 (review of issue 15).
	f, _ := NewFunding(s)
	if err := f.Sample(t0, d("0.001")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.Settle(t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	snap := f.Snapshot()
	snap.Last.Premium = d("-3")
	if _, err := RestoreFunding(s, snap); !errors.Is(err, ErrInvalidSnapshot) {
		t.Errorf("last premium -3: %v, want ErrInvalidSnapshot", err)
	}
}

// What a position pays at one funding time, Cap × Interval / RatePeriod
// at most, must stay within margin.FundingPayments' |rate| ≤ 1: a rate
// the oracle settles is one margin accepts.
func TestFundingCapPaidWithinMargin(t *testing.T) {
	for _, c := range []struct {
		name string
		s    FundingSettings
		ok   bool
	}{
		{"Binance, cap 100%", BinanceFunding("X", d("1")), true},
		{"Binance, cap 200% paid each interval", BinanceFunding("X", d("2")), false},
		{"dYdX, 8h cap 800% paid 100% an hour", DYDXFunding("X", decimal.Zero, d("8")), true},
		{"dYdX, 8h cap 800.0001%", DYDXFunding("X", decimal.Zero, d("8.000001")), false},
		{"dYdX, 8h cap 150% (its keeper tests' 1,500,000 ppm)", DYDXFunding("X", decimal.Zero, d("1.5")), true},
	} {
		_, err := NewFunding(c.s)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidSettings)) {
			t.Errorf("%s: %v, want ok=%v or ErrInvalidSettings", c.name, err, c.ok)
		}
	}
}

// Trailing zeros are not places: Interest "0.000100000" (9 digits after
// the point, 0.0001 in value) fits Scale 8 (review of issue 15: it was
// refused as "more than Scale 8 places").
func TestFundingSettingsTrailingZeros(t *testing.T) {
	for _, c := range []struct {
		name               string
		interest, dampener string
		ok                 bool
	}{
		{"interest with trailing zeros", "0.000100000", "0.0005", true},
		{"dampener with trailing zeros", "0.0001", "0.000500000000", true},
		{"interest truly finer than Scale", "0.000100001", "0.0005", false},
	} {
		s := BinanceFunding("X", d("0.0075"))
		s.Interest, s.Dampener = d(c.interest), d(c.dampener)
		r, err := ComputeFunding(s, decs("0.0001"))
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidSettings)) {
			t.Errorf("%s: %v, want ok=%v or ErrInvalidSettings", c.name, err, c.ok)
		}
		if c.ok && err == nil && !r.Rate.Equal(d("0.0001")) {
			t.Errorf("%s: rate %s, want 0.0001", c.name, r.Rate)
		}
	}
}

// BinanceMark: since 2025-09-18 08:01 UTC Binance's Price 2 is the index
// plus the moving average of 30 one-second basis samples (binanceMark2025).
// 40 samples of basis 1, 2, …, 40 at one a second: at the 40th only the
// last 30 count, mean (11 + … + 40)/30 = 25.5.
func TestBinanceMarkThirtySecondBasis(t *testing.T) {
	m, err := NewMark(BinanceMark("BTCUSDT", 0))
	if err != nil {
		t.Fatal(err)
	}
	s := m.Settings()
	if s.BasisWindow != 30*time.Second || s.MaxBasisSamples != 30 || s.FundingInterval != 8*time.Hour || s.Method != MarkMedianOfThree {
		t.Fatalf("settings %+v (%s)", s, binanceMark2025)
	}
	index := d("64000")
	var now time.Time
	for i := 1; i <= 40; i++ {
		now = t0.Add(time.Duration(i) * time.Second)
		mid := index.Add(decimal.NewFromInt(int64(i)))
		if err := m.ObserveBasis(now, mid.Sub(d("0.5")), mid.Add(d("0.5")), index); err != nil {
			t.Fatal(err)
		}
	}
	got, err := m.Price(now, MarkInputs{Index: index, Last: d("64100"), FundingRate: d("0.0001"), NextFunding: now.Add(time.Hour)})
	if err != nil || got.Samples != 30 || !got.Basis.Equal(d("25.5")) || !got.Price2.Equal(d("64025.5")) {
		t.Errorf("%s: %+v, %v; want 30 samples, basis 25.5, Price 2 64025.5", binanceMark2025, got, err)
	}
	// Ten seconds without a sample: the window holds the last 20.
	got, err = m.Price(now.Add(10*time.Second), MarkInputs{Index: index, Last: d("64100"), FundingRate: d("0.0001"), NextFunding: now.Add(time.Hour)})
	if err != nil || got.Samples != 20 || !got.Basis.Equal(d("30.5")) {
		t.Errorf("ten seconds later: %+v, %v; want 20 samples, basis 30.5", got, err)
	}
	if s := BinanceMark("X", 4*time.Hour); s.FundingInterval != 4*time.Hour {
		t.Errorf("a 4-hour contract: FundingInterval %s", s.FundingInterval)
	}
}

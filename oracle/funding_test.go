package oracle

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

const (
	binanceFundingURL = "https://www.binance.com/en/support/faq/360033525031"                     // Introduction to Binance Futures Funding Rates
	binanceMarkURL    = "https://www.binance.com/en/support/faq/360033525071"                     // Mark Price in USDⓈ-M Futures
	binanceIndexURL   = "https://www.binance.com/en/support/faq/547ba48141474ab3bddc5d7898f97928" // Price Index, 2020-10-29
	binanceMark2025   = "Binance announcement 2025-09-16, effective 2025-09-18 08:01 UTC: Price 2 = index + MA of 30 one-second basis samples (https://www.binance.bh/square/post/29758881844449)"
	dydxFundingTest   = "dydxprotocol/v4-chain protocol/x/perpetuals/keeper/perpetual_test.go TestMaybeProcessNewFundingTickEpoch_ProcessNewEpoch"
	dydxClampTest     = "dydxprotocol/v4-chain protocol/x/perpetuals/types/liquidity_tier_test.go TestLiquidityTierGetMaxAbsFundingClampPpm"
)

func repeat(p string, n int) []decimal.Decimal {
	out := make([]decimal.Decimal, n)
	for i := range out {
		out[i] = d(p)
	}
	return out
}

// Binance: "if the maximum leverage of BNBUSDT perpetual contract is 20x,
// and its corresponding Initial Margin Rate is 5%, then the Impact Margin
// Notional (IMN) is 4,000 USDT (200 USDT / 5%)".
func TestImpactNotionalBinanceBNBUSDT(t *testing.T) {
	got, err := ImpactNotional(d("200"), d("20"))
	if err != nil || !got.Equal(d("4000")) {
		t.Fatalf("%s: ImpactNotional(200, 20x) = %s, %v; want 4000", binanceFundingURL, got, err)
	}
	for name, c := range map[string][2]string{"zero margin": {"0", "20"}, "negative leverage": {"200", "-1"}, "absurd": {"1e30", "1e30"}} {
		if _, err := ImpactNotional(d(c[0]), d(c[1])); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("%s: err = %v, want ErrInvalidInput", name, err)
		}
	}
}

func TestFundingCapAnchors(t *testing.T) {
	for _, c := range []struct {
		name, source           string
		factor, initial, maint string
		want                   string
	}{
		// dYdX: 600% × (15% − 15% × 80%) = 18%.
		{"dYdX 600%, 15% IM, 80% MF", dydxClampTest, "6", "0.15", "0.12", "0.18"},
		// dYdX: 300% × (100% − 0) = 300%.
		{"dYdX 300%, 100% IM, 0% MF", dydxClampTest, "3", "1", "0", "3"},
		// dYdX 20% IM, 18% MM: the 8-hour rate is capped at 120,000 ppm.
		{"dYdX 20% IM, 18% MM", dydxFundingTest, "6", "0.20", "0.18", "0.12"},
	} {
		got, err := FundingCap(d(c.factor), d(c.initial), d(c.maint))
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s (%s): FundingCap = %s, %v; want %s", c.name, c.source, got, err, c.want)
		}
	}
	// Binance: ADAUSDT at 75x, maintenance margin ratio 0.65%:
	// ±0.75 × 0.65% = ±0.4875%.
	if got, err := BinanceFundingCap(d("0.75"), d("0.0065")); err != nil || !got.Equal(d("0.004875")) {
		t.Errorf("Binance ADAUSDT 75x (%s): %s, %v; want 0.004875", binanceFundingURL, got, err)
	}
	// DODOBUSD's multiplier raised to 1: the cap is the maintenance ratio.
	if got, err := BinanceFundingCap(d("1"), d("0.025")); err != nil || !got.Equal(d("0.025")) {
		t.Errorf("multiplier 1: %s, %v", got, err)
	}
	if _, err := BinanceFundingCap(d("0.75"), d("0")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("zero maintenance: %v", err)
	}
	// dYdX's "45% IM, 100% MF gives 0": a zero cap is refused here (it
	// would pin every rate at 0), never silently accepted.
	if _, err := FundingCap(d("6"), d("0.45"), d("0.45")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("initial = maintenance: err = %v, want ErrInvalidInput", err)
	}
}

func TestComputeFundingBinance(t *testing.T) {
	s := BinanceFunding("BTCUSDT", d("0.004875"))
	for _, c := range []struct {
		name     string
		samples  []decimal.Decimal
		premium  string
		rate     string
		uncapped string
	}{
		// Binance: "if (I − P) is within ±0.05% then F = P + (I − P) = I".
		{"premium within the dampener gives the interest", decs("0.0003"), "0.0003", "0.0001", "0.0001"},
		{"negative premium within the dampener", decs("-0.0004"), "-0.0004", "0.0001", "0.0001"},
		{"premium at the dampener's edge", decs("0.0006"), "0.0006", "0.0001", "0.0001"},
		// Beyond the band F = P ∓ 0.05%.
		{"premium above the band", decs("0.001"), "0.001", "0.0005", "0.0005"},
		{"premium below the band", decs("-0.0008"), "-0.0008", "-0.0003", "-0.0003"},
		// Binance's weighted average (1×p1 + 2×p2 + 3×p3)/(1+2+3):
		// (0.001 + 0.004 + 0.012)/6 = 0.0028333… → 0.00283333 (8 places).
		{"weights 1..n", decs("0.001", "0.002", "0.004"), "0.00283333", "0.00233333", "0.00233333"},
		// And the cap: ±0.4875% (ADAUSDT).
		{"capped", decs("0.02"), "0.02", "0.004875", "0.0195"},
		{"floored", decs("-0.02"), "-0.02", "-0.004875", "-0.0195"},
	} {
		got, err := ComputeFunding(s, c.samples)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !got.Premium.Equal(d(c.premium)) || !got.Rate.Equal(d(c.rate)) || !got.Uncapped.Equal(d(c.uncapped)) ||
			!got.Paid.Equal(got.Rate) || got.Capped != !got.Rate.Equal(got.Uncapped) || got.Samples != len(c.samples) {
			t.Errorf("%s (%s): got P %s F %s (uncapped %s, paid %s, capped %v); want P %s F %s (uncapped %s)",
				c.name, binanceFundingURL, got.Premium, got.Rate, got.Uncapped, got.Paid, got.Capped, c.premium, c.rate, c.uncapped)
		}
	}
	if _, err := ComputeFunding(s, nil); !errors.Is(err, ErrNoPrice) {
		t.Errorf("no samples: err = %v, want ErrNoPrice", err)
	}
}

// dYdX v4's funding tick: the mean of the hour's samples padded with zeros
// to 60, plus the default funding (0 in these tests), clamped to 600% ×
// (IM − MM), an 8-hour rate of which one eighth is paid each hour.
func TestComputeFundingDYDX(t *testing.T) {
	wide, err := FundingCap(d("6"), d("0.5"), d("0.25")) // 150%: the tests' cap of 1,500,000 ppm
	if err != nil {
		t.Fatal(err)
	}
	narrow := d("0.12") // 20% IM, 18% MM
	for _, c := range []struct {
		name       string
		cap        decimal.Decimal
		minSamples int
		samples    []decimal.Decimal
		rate, paid string
	}{
		{"60 samples of 1000 ppm", wide, 60, repeat("0.001", 60), "0.001", "0.000125"},
		{"60 samples of -1000 ppm", wide, 60, repeat("-0.001", 60), "-0.001", "-0.000125"},
		{"60 samples of 2000 ppm", wide, 60, repeat("0.002", 60), "0.002", "0.00025"},
		{"60 samples of 15%, 20% IM 18% MM: capped at 120,000", narrow, 60, repeat("0.15", 60), "0.12", "0.015"},
		{"60 samples of -15%, 20% IM 18% MM: floored", narrow, 60, repeat("-0.15", 60), "-0.12", "-0.015"},
		{"60 samples of 12%: at the cap", narrow, 60, repeat("0.12", 60), "0.12", "0.015"},
		// "Average sampled rate = 0.0005% due to padding of zeros": 500 ppm.
		{"30 samples of 1000 ppm, 60 expected", wide, 60, repeat("0.001", 30), "0.0005", "0.0000625"},
		{"60 samples of 1000 ppm, 120 expected (30 s samples)", wide, 120, repeat("0.001", 60), "0.0005", "0.0000625"},
		// Paid is exact (dYdX divides rate × time × price once, in
		// funding.GetFundingIndexDelta): 13 ppm per 8 hours pays 1.625 ppm
		// an hour, not 1.
		{"60 samples of 13 ppm: paid 1.625 ppm", wide, 60, repeat("0.000013", 60), "0.000013", "0.000001625"},
	} {
		s := DYDXFunding("BTC-USD", decimal.Zero, c.cap)
		s.MinSamples = c.minSamples
		got, err := ComputeFunding(s, c.samples)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !got.Rate.Equal(d(c.rate)) || !got.Paid.Equal(d(c.paid)) {
			t.Errorf("%s (%s): rate %s paid %s, want %s and %s", c.name, dydxFundingTest, got.Rate, got.Paid, c.rate, c.paid)
		}
	}
}

// dYdX v4 protocol/x/perpetuals/funding/funding_test.go
// TestGetFundingIndexDelta "Varied parameters (2)": an 8-hour rate of
// −1,001,999 ppm over 8×60×60/8 s (one hour) at a price of 1,000 quote
// quantums per base quantum (atomic resolution 0, price exponent −6) moves
// the funding index by −125,249,875 ppm: −0.125249875 per unit of price,
// the exact Paid. Here the rate is a premium of −0.5 plus a default funding
// of −0.501999, under a cap of 150%.
func TestDYDXPaidIndexDelta(t *testing.T) {
	const src = "dydxprotocol/v4-chain protocol/x/perpetuals/funding/funding_test.go TestGetFundingIndexDelta"
	wide, err := FundingCap(d("6"), d("0.5"), d("0.25"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name                  string
		premium, interest     string
		rate, paid            string
		price, wantIndexDelta int64 // index delta in ppm of quote quantums per base quantum
	}{
		{"Varied parameters (2)", "-0.5", "-0.501999", "-1.001999", "-0.125249875", 1_000, -125_249_875},
		{"Varied parameters (2), positive", "0.5", "0.501999", "1.001999", "0.125249875", 1_000, 125_249_875},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ComputeFunding(DYDXFunding("X", d(c.interest), wide), repeat(c.premium, 60))
			if err != nil {
				t.Fatal(err)
			}
			delta := got.Paid.Mul(decimal.NewFromInt(c.price)).Shift(6)
			if !got.Rate.Equal(d(c.rate)) || !got.Paid.Equal(d(c.paid)) || !delta.Equal(decimal.NewFromInt(c.wantIndexDelta)) {
				t.Errorf("%s: rate %s paid %s (index delta %s), want %s, %s (%d)", src, got.Rate, got.Paid, delta, c.rate, c.paid, c.wantIndexDelta)
			}
		})
	}
}

func TestFundingSettingsRefused(t *testing.T) {
	good := BinanceFunding("X", d("0.0075"))
	for name, mut := range map[string]func(*FundingSettings){
		"zero cap":              func(s *FundingSettings) { s.Cap = decimal.Zero },
		"negative cap":          func(s *FundingSettings) { s.Cap = d("-0.01") },
		"cap beyond max":        func(s *FundingSettings) { s.Cap = d("11") },
		"cap below one unit":    func(s *FundingSettings) { s.Cap = d("0.000000001") },
		"interest too fine":     func(s *FundingSettings) { s.Interest = d("0.000000001") },
		"interest of 100%":      func(s *FundingSettings) { s.Interest = d("1") },
		"negative dampener":     func(s *FundingSettings) { s.Dampener = d("-0.0005") },
		"negative interval":     func(s *FundingSettings) { s.Interval = -time.Hour },
		"paid beyond the rate":  func(s *FundingSettings) { s.Interval, s.RatePeriod = 8*time.Hour, time.Nanosecond },
		"paid not exact (1/3)":  func(s *FundingSettings) { s.Interval, s.RatePeriod = time.Hour, 3*time.Hour },
		"paid beyond 36 places": func(s *FundingSettings) { s.Interval, s.RatePeriod = time.Nanosecond, 1<<40 },
		"unknown averaging":     func(s *FundingSettings) { s.Averaging = 7 },
		"unknown formula":       func(s *FundingSettings) { s.Formula = 7 },
		"unknown rounding":      func(s *FundingSettings) { s.Rounding = 7 },
		"absurd scale":          func(s *FundingSettings) { s.Scale = 1 << 30 },
		"negative scale":        func(s *FundingSettings) { s.Scale = -1 },
		"too many samples":      func(s *FundingSettings) { s.MaxSamples = MaxQuotes + 1 },
		"padding beyond max":    func(s *FundingSettings) { s.MaxSamples, s.MinSamples = 10, 11 },
		"absurd interest digit": func(s *FundingSettings) { s.Interest = decimal.New(1, -1<<30) },
	} {
		s := good
		mut(&s)
		if _, err := NewFunding(s); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: NewFunding err = %v, want ErrInvalidSettings", name, err)
		}
		if _, err := ComputeFunding(s, decs("0.001")); !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("%s: ComputeFunding err = %v, want ErrInvalidSettings", name, err)
		}
	}
	if _, err := ComputeFunding(good, []decimal.Decimal{decimal.New(1, 1<<30)}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("absurd sample: err = %v, want ErrInvalidInput", err)
	}
	if _, err := ComputeFunding(good, decs("11")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("premium of 1100%%: err = %v, want ErrInvalidInput", err)
	}
}

// dYdX v4 lib.Median (protocol/lib/math_test.go TestMedian_Int32), the
// median of a sample's premium votes, in ppm: an even count's mean rounds
// half away from zero.
func TestDYDXPremiumSampleMedian(t *testing.T) {
	ppm := func(vs ...int64) []decimal.Decimal {
		out := make([]decimal.Decimal, len(vs))
		for i, v := range vs {
			out[i] = decimal.New(v, -6)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		votes []decimal.Decimal
		want  int64
	}{
		{"Odd number input", ppm(2, 0, 1, 3, 4), 2},
		{"Even, middle both odd", ppm(5, 11, 1, 3, 12, 50), 8},
		{"Even, odd and even", ppm(5, 12, 1, 3, 12, 50), 9},
		{"Even, even and odd", ppm(6, 11, 1, 3, 12, 50), 9},
		{"All negative, even and odd", ppm(-5, -12, -1, -3, -12, -50), -9},
		{"All negative, odd and even", ppm(-6, -11, -1, -3, -12, -50), -9},
		{"Mixed signs, odd", ppm(6, 12, 1, -12, -50), 1},
		{"Mixed, middle both non-negative", ppm(-12, 20, 100, 1, 0, -50), 1},
		{"Mixed, middle both non-positive", ppm(-12, 20, 100, -9, 0, -50), -5},
		{"Mixed, different signs, both odd", ppm(-12, 20, 100, -9, 1, -50), -4},
		{"Mixed, negative median", ppm(-12, 5, 100, -10, 20, -50), -3},
		{"Mixed, positive median", ppm(-12, 5, 100, -4, 20, -50), 1},
		{"Mixed, odd and even, negative", ppm(-12, 2, 100, -9, 20, -50), -4},
		{"Mixed, odd and even, positive", ppm(-12, 16, 100, -9, 20, -50), 4},
	} {
		got, err := DYDXPremiumSample(c.votes, 0, d("6"))
		if err != nil || !got.Equal(decimal.New(c.want, -6)) {
			t.Errorf("%s (dydxprotocol/v4-chain protocol/lib/math_test.go TestMedian_Int32): %s, %v; want %d ppm", c.name, got, err, c.want)
		}
	}
	// Padding: 3 votes of 100 ppm among 15 are outvoted by 12 zeros.
	if got, err := DYDXPremiumSample(ppm(100, 100, 100), DYDXMinVotesPerSample, d("6")); err != nil || !got.IsZero() {
		t.Errorf("padded: %s, %v; want 0", got, err)
	}
	if _, err := DYDXPremiumSample(nil, 0, d("6")); !errors.Is(err, ErrNoPrice) {
		t.Errorf("no votes: %v", err)
	}
	if _, err := DYDXPremiumSample(decs("11"), 0, d("60")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("absurd vote: %v", err)
	}
}

// dYdX v4 keeper.PerformStatefulPremiumVotesValidation
// (protocol/x/perpetuals/keeper/perpetual_test.go
// TestPerformStatefulPremiumVotesValidation): a vote beyond
// 60 × (initial − maintenance margin) of the market's liquidity tier is
// ErrPremiumVoteNotClamped. Its tiers: (100%, 100%) → 0, (100%, 75%) → 15,
// (100%, 0%) → 60, (20%, 10%) → 6, (50%, 40%) → 6. A vote finer than a
// ppm (dYdX votes are int32 ppm) is refused too.
func TestDYDXPremiumVoteBound(t *testing.T) {
	const src = "dydxprotocol/v4-chain protocol/x/perpetuals/keeper/perpetual_test.go TestPerformStatefulPremiumVotesValidation"
	for _, c := range []struct{ initial, maintenance, want string }{
		{"1", "1", "0"}, {"1", "0.75", "15"}, {"1", "0", "60"}, {"0.2", "0.1", "6"}, {"0.5", "0.4", "6"},
	} {
		got, err := DYDXPremiumVoteBound(d(c.initial), d(c.maintenance))
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s: tier (%s, %s): bound %s, %v; want %s", src, c.initial, c.maintenance, got, err, c.want)
		}
	}
	for _, c := range []struct {
		name  string
		bound string
		votes []decimal.Decimal
		ok    bool
	}{
		{"tier 3: 6,000,000 ppm", "6", decs("6", "-1", "0.001"), true},
		// dYdX's test accepts −6,000,000 under tier 3; no book gives a
		// premium below −1 (an impact ask below zero), so it is refused.
		{"tier 3: -6,000,000 ppm, below the -1 floor", "6", decs("-6"), false},
		{"tier 3: 6,000,000 + 1 ppm", "6", decs("6.000001"), false},
		{"tier 1: -15,000,000 - 1 ppm", "15", decs("-15.000001"), false},
		{"tier 0: 1 ppm", "0", decs("0.000001"), false},
		{"tier 0: 0 ppm", "0", decs("0"), true},
		{"900% under a 600% bound", "6", decs("9"), false},
		{"half a ppm", "6", decs("0.0000005"), false},
		{"trailing zeros are whole ppm", "6", decs("0.000001000"), true},
	} {
		_, err := DYDXPremiumSample(c.votes, 0, d(c.bound))
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrInvalidInput)) {
			t.Errorf("%s (%s): err = %v, want ok=%v or ErrInvalidInput", c.name, src, err, c.ok)
		}
	}
	for i, b := range []decimal.Decimal{d("-1"), decimal.New(1, 1<<30)} {
		if _, err := DYDXPremiumSample(decs("0"), 0, b); !errors.Is(err, ErrInvalidInput) {
			t.Errorf("bad bound %d: %v, want ErrInvalidInput", i, err)
		}
	}
	if _, err := DYDXPremiumVoteBound(d("0.1"), d("0.2")); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("maintenance above initial: %v", err)
	}
}

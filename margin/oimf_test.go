package margin

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// dYdX v4's own table tests, reproduced: protocol/x/perpetuals/types
// liquidity_tier_test.go, TestGetAdjustedInitialMarginPpm (rates in ppm,
// caps and open notional in quote quantums) and
// TestGetInitialMarginQuoteQuantums (requirements in quote quantums,
// rounded up).
func TestOIScalingDydxV4(t *testing.T) {
	rates := []struct {
		name                   string
		base, lower, upper, oi int64
		wantPpm                int64 // this package (rounded up at 6 places)
		dydxPpm                int64 // dYdX (truncated)
	}{
		{"dYdX TestGetAdjustedInitialMarginPpm/Zero open interest", 200_000, 1_000_000, 2_000_000, 0, 200_000, 200_000},
		{"dYdX TestGetAdjustedInitialMarginPpm/Open interest within bounds", 200_000, 1_000_000, 2_000_000, 1_500_000, 600_000, 600_000},
		// 0.2 + 0.234567 × 0.8 = 0.3876536: dYdX truncates to 387,653 ppm,
		// this package rounds the rate up (the venue's favour) to 387,654.
		{"dYdX TestGetAdjustedInitialMarginPpm/Open interest within bounds, rounded", 200_000, 1_000_000, 2_000_000, 1_234_567, 387_654, 387_653},
		{"dYdX TestGetAdjustedInitialMarginPpm/Open interest at lower bound", 200_000, 1_000_000, 2_000_000, 1_000_000, 200_000, 200_000},
		{"dYdX TestGetAdjustedInitialMarginPpm/Open interest at upper bound", 200_000, 1_000_000, 2_000_000, 2_000_000, 1_000_000, 1_000_000},
		{"dYdX TestGetAdjustedInitialMarginPpm/Open interest above upper bound", 200_000, 1_000_000, 2_000_000, 2_500_000, 1_000_000, 1_000_000},
		{"dYdX TestGetAdjustedInitialMarginPpm/No upper bound, no increase", 200_000, 0, 0, 1_500_000, 200_000, 200_000},
	}
	ppm := func(x int64) decimal.Decimal { return decimal.New(x, -6) }
	for _, tc := range rates {
		t.Run(tc.name, func(t *testing.T) {
			s := OIScaling{LowerCap: decimal.NewFromInt(tc.lower), UpperCap: decimal.NewFromInt(tc.upper)}
			got, err := s.InitialRate(ppm(tc.base), decimal.NewFromInt(tc.oi), 6)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(ppm(tc.wantPpm)) {
				t.Fatalf("rate %s, want %s", got, ppm(tc.wantPpm))
			}
			if diff := got.Sub(ppm(tc.dydxPpm)); diff.IsNegative() || diff.GreaterThan(ppm(1)) {
				t.Fatalf("rate %s more than 1 ppm from dYdX's %s", got, ppm(tc.dydxPpm))
			}
		})
	}
	reqs := []struct {
		name             string
		base             int64
		lower, upper, oi int64
		quantums, want   int64
	}{
		{"dYdX TestGetInitialMarginQuoteQuantums/initial margin 20%", 200_000, 0, 0, 0, 500_000, 100_000},
		{"dYdX TestGetInitialMarginQuoteQuantums/initial margin 10%, quote quantums = 1, should round up to 1", 100_000, 0, 0, 0, 1, 1},
		{"dYdX TestGetInitialMarginQuoteQuantums/initial margin 56.7243%, quote quantums = 123_456, should round up to 70_030", 567_243, 0, 0, 0, 123_456, 70_030},
		{"dYdX TestGetInitialMarginQuoteQuantums/base IMF = 20%, scaling_factor = 0.5", 200_000, 1_000_000_000_000, 2_000_000_000_000, 1_500_000_000_000, 500_000, 300_000},
		{"dYdX TestGetInitialMarginQuoteQuantums/base IMF = 10%, scaling_factor = 1 since open_interest >> upper_cap", 200_000, 25_000_000_000_000, 50_000_000_000_000, 80_000_000_000_000, 500_000, 500_000},
		{"dYdX TestGetInitialMarginQuoteQuantums/base IMF = 10%, open_interest = lower_cap so scaling_factor = 0", 200_000, 25_000_000_000_000, 50_000_000_000_000, 25_000_000_000_000, 500_000, 100_000},
		{"dYdX TestGetInitialMarginQuoteQuantums/base IMF = 10%, lower_cap < open_interest < upper_cap, realistic numbers", 200_000, 25_000_000_000_000, 60_000_000_000_000, 28_123_456_789_123, 500_000, 135_697},
	}
	for _, tc := range reqs {
		t.Run(tc.name, func(t *testing.T) {
			s := OIScaling{LowerCap: decimal.NewFromInt(tc.lower), UpperCap: decimal.NewFromInt(tc.upper)}
			got, err := s.ScaledInitial(decimal.NewFromInt(tc.quantums), ppm(tc.base), decimal.NewFromInt(tc.oi), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(decimal.NewFromInt(tc.want)) {
				t.Fatalf("initial %s, want %d", got, tc.want)
			}
		})
	}
}

// dYdX v4 genesis liquidity tiers (protocol/testing/genesis.sh): Mid-Cap,
// IMF 5%, OIMF caps 40M and 100M USDC. At 70M open notional the IMF is
// 5% + 95% × 30/60 = 52.5%; a 10,000 USDC position needs 5,250.
func TestOIScalingDydxGenesisMidCap(t *testing.T) {
	s := OIScaling{LowerCap: d("40000000"), UpperCap: d("100000000")}
	r, err := s.InitialRate(d("0.05"), d("70000000"), 6)
	if err != nil || !r.Equal(d("0.525")) {
		t.Fatalf("rate %s, %v", r, err)
	}
	im, err := s.ScaledInitial(d("10000"), d("0.05"), d("70000000"), 6)
	if err != nil || !im.Equal(d("5250")) {
		t.Fatalf("initial %s, %v", im, err)
	}
}

func TestOIScalingRefuses(t *testing.T) {
	tests := []struct {
		name     string
		s        OIScaling
		base, oi decimal.Decimal
		scale    int32
		want     error
	}{
		{"lower above upper", OIScaling{LowerCap: d("2"), UpperCap: d("1")}, d("0.1"), d("1"), 6, ErrInvalidSettings},
		{"negative cap", OIScaling{LowerCap: d("-1"), UpperCap: d("1")}, d("0.1"), d("1"), 6, ErrInvalidSettings},
		{"base above 1", OIScaling{}, d("1.1"), d("1"), 6, ErrInvalidInput},
		{"negative base", OIScaling{}, d("-0.1"), d("1"), 6, ErrInvalidInput},
		{"negative open notional", OIScaling{UpperCap: d("1")}, d("0.1"), d("-1"), 6, ErrInvalidInput},
		{"absurd open notional", OIScaling{UpperCap: d("1")}, d("0.1"), decimal.New(1, 99999), 6, ErrInvalidInput},
		{"absurd scale", OIScaling{UpperCap: d("1")}, d("0.1"), d("1"), 1 << 30, ErrInvalidInput},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.s.InitialRate(tc.base, tc.oi, tc.scale); !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

// TestPropOIScalingMonotone: the scaled rate stays in [base, 1], never
// falls as open interest rises, and the requirement is within one unit
// above notional × exact rate.
//
// Mutation seen failing: the `openNotional ≥ UpperCap → 1` branch of
// InitialRate removed (the linear formula extrapolated above the upper
// cap gives a rate above 100%).
func TestPropOIScalingMonotone(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		lower := testkit.Decimal(0, 1_000_000_000, 2).Draw(t, "lower")
		upper := lower.Add(testkit.Decimal(1, 1_000_000_000, 2).Draw(t, "width"))
		s := OIScaling{LowerCap: lower, UpperCap: upper}
		base := testkit.Decimal(0, 1_000_000, 6).Draw(t, "base")
		a := testkit.Decimal(0, 3_000_000_000, 2).Draw(t, "oi a")
		b := testkit.Decimal(0, 3_000_000_000, 2).Draw(t, "oi b")
		if a.Cmp(b) > 0 {
			a, b = b, a
		}
		ra, err := s.InitialRate(base, a, 8)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := s.InitialRate(base, b, 8)
		if err != nil {
			t.Fatal(err)
		}
		if ra.Cmp(rb) > 0 {
			t.Fatalf("rate fell from %s to %s as open notional rose %s → %s", ra, rb, a, b)
		}
		for _, r := range []decimal.Decimal{ra, rb} {
			if r.LessThan(base) || r.GreaterThan(decOne) {
				t.Fatalf("rate %s outside [%s, 1]", r, base)
			}
		}
	})
}

package breaker

import (
	"errors"
	"testing"
	"time"

	"github.com/failsafe-fi/failsafe/internal/testkit"
	"github.com/google/go-cmp/cmp"
)

// Worked examples from issue 3 and the LULD Plan Appendix A percentage
// parameters (5% / 10% above $3.00, 20% from $0.75 to $3.00, the lesser of
// $0.15 or 75% below $0.75).
func TestComputeBandLULDWorkedExamples(t *testing.T) {
	ny := time.FixedZone("ET", -5*3600)
	for _, tc := range []struct {
		name    string
		s       BandSettings
		ref     string
		widened bool
		want    Band
	}{
		{"issue3/ref $10.00 tier 1 → $9.50–$10.50", BandSettings{Tier: Tier1}, "10.00", false,
			Band{Reference: testkit.D("10"), Lower: testkit.D("9.5"), Upper: testkit.D("10.5")}},
		{"issue3/ref $10.00 tier 2 → $9.00–$11.00", BandSettings{Tier: Tier2}, "10.00", false,
			Band{Reference: testkit.D("10"), Lower: testkit.D("9"), Upper: testkit.D("11")}},
		{"issue3/ref $2.00 → $1.60–$2.40", BandSettings{}, "2.00", false,
			Band{Reference: testkit.D("2"), Lower: testkit.D("1.6"), Upper: testkit.D("2.4")}},
		{"issue3/ref $0.50 → $0.35–$0.65 (lesser of $0.15 and 75%)", BandSettings{}, "0.50", false,
			Band{Reference: testkit.D("0.5"), Lower: testkit.D("0.35"), Upper: testkit.D("0.65")}},
		{"ref $0.10: 75% = $0.075 < $0.15, rounded to nearest penny", BandSettings{}, "0.10", false,
			Band{Reference: testkit.D("0.1"), Lower: testkit.D("0.03"), Upper: testkit.D("0.18")}},
		{"ref exactly $3.00 uses 20%", BandSettings{}, "3.00", false,
			Band{Reference: testkit.D("3"), Lower: testkit.D("2.4"), Upper: testkit.D("3.6")}},
		{"ref exactly $0.75 uses 20%", BandSettings{}, "0.75", false,
			Band{Reference: testkit.D("0.75"), Lower: testkit.D("0.6"), Upper: testkit.D("0.9")}},
		{"ref $10.00 tier 1 doubled at the open → $9.00–$11.00", mustBands(LULDBands(Tier1, ny)), "10.00", true,
			Band{Reference: testkit.D("10"), Lower: testkit.D("9"), Upper: testkit.D("11"), Widened: true}},
		{"ref $0.50 doubled: min($0.30, 150%) → lower clamped to one penny", BandSettings{}, "0.50", true,
			Band{Reference: testkit.D("0.5"), Lower: testkit.D("0.2"), Upper: testkit.D("0.8"), Widened: true}},
		{"ref $0.02 doubled: lower never below one increment", BandSettings{}, "0.02", true,
			Band{Reference: testkit.D("0.02"), Lower: testkit.D("0.01"), Upper: testkit.D("0.05"), Widened: true}},
		{"issue3/ref $2.00 tier 2 → $1.60–$2.40 (20% for both tiers from $0.75 to $3.00)", BandSettings{Tier: Tier2}, "2.00", false,
			Band{Reference: testkit.D("2"), Lower: testkit.D("1.6"), Upper: testkit.D("2.4")}},
		{"issue3/ref $0.50 tier 2 → $0.35–$0.65", BandSettings{Tier: Tier2}, "0.50", false,
			Band{Reference: testkit.D("0.5"), Lower: testkit.D("0.35"), Upper: testkit.D("0.65")}},
		{"ref $3.01 is above $3.00: tier 1 5% → 2.8595/3.1605 to the nearest penny", BandSettings{}, "3.01", false,
			Band{Reference: testkit.D("3.01"), Lower: testkit.D("2.86"), Upper: testkit.D("3.16")}},
		{"ref $9.10 tier 1: 8.645/9.555, ties to the nearest penny away from zero (Appendix A as recalled)", BandSettings{}, "9.10", false,
			Band{Reference: testkit.D("9.1"), Lower: testkit.D("8.65"), Upper: testkit.D("9.56")}},
		{"ref $0.74 below $0.75: min($0.15, 0.555) = $0.15", BandSettings{}, "0.74", false,
			Band{Reference: testkit.D("0.74"), Lower: testkit.D("0.59"), Upper: testkit.D("0.89")}},
		{"ref $0.20: min($0.15, $0.15) = $0.15", BandSettings{}, "0.20", false,
			Band{Reference: testkit.D("0.2"), Lower: testkit.D("0.05"), Upper: testkit.D("0.35")}},
		{"ref $123.457 rounds half-even to $123.46", BandSettings{}, "123.457", false,
			Band{Reference: testkit.D("123.46"), Lower: testkit.D("117.29"), Upper: testkit.D("129.63")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeBand(tc.s, testkit.D(tc.ref), tc.widened)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, testkit.EquateDecimals); diff != "" {
				t.Errorf("band (-want +got):\n%s", diff)
			}
			if !got.Contains(got.Reference) {
				t.Errorf("band %s does not contain its reference", got)
			}
		})
	}
}

func TestBandSettingsRejected(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    BandSettings
	}{
		{"tier levels not increasing", BandSettings{LowPrice: testkit.D("3"), HighPrice: testkit.D("3")}},
		{"negative percent", BandSettings{MidPercent: testkit.D("-0.2")}},
		{"unknown tier", BandSettings{Tier: 3}},
		{"tier 2 narrower than tier 1", BandSettings{Tier1Percent: testkit.D("0.2"), Tier2Percent: testkit.D("0.1")}},
		{"default tier 2 (10%) narrower than tier 1 of 15%", BandSettings{Tier1Percent: testkit.D("0.15")}},
		{"widen factor below 1", BandSettings{WidenFactor: testkit.D("0.5")}},
		{"window ends before it starts", BandSettings{Widened: []Window{{Start: time.Hour, End: time.Minute}}}},
		{"windows overlap", BandSettings{Widened: []Window{{Start: time.Hour, End: 3 * time.Hour}, {Start: 2 * time.Hour, End: 4 * time.Hour}}}},
		{"price scale absurd", BandSettings{PriceScale: 40}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ComputeBand(tc.s, testkit.D("10"), false); !errors.Is(err, ErrInvalidSettings) {
				t.Fatalf("err = %v, want ErrInvalidSettings", err)
			}
		})
	}
	if _, err := ComputeBand(BandSettings{}, testkit.D("0"), false); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("zero reference: err = %v", err)
	}
}

package stress

import (
	"testing"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// TestTrailingZerosAreNotPlaces: a parameter written with trailing zeros
// (0.35000, 0.6000000000) is the same number and is accepted; a digit
// past the bound is still refused (review: the checks compared the
// exponent, so "0.35000" was "finer than 4 places"). (Mutation seen
// failing: finer as v.Exponent() < -places.)
func TestTrailingZerosAreNotPlaces(t *testing.T) {
	q := quotedMerton(t, 0)
	for _, tc := range []struct {
		name   string
		ok     bool
		accept func() error
	}{
		{"crash fall 0.35000", true, func() error {
			_, err := CrashShape(CrashSettings{Fall: testkit.D("0.35000"), Recover: testkit.D("0.40000000")})
			return err
		}},
		{"crash fall 0.35001", false, func() error {
			_, err := CrashShape(CrashSettings{Fall: testkit.D("0.35001")})
			return err
		}},
		{"merton sigma with 20 trailing zeros", true, func() error {
			_, err := NewMerton(MertonSettings{Sigma: testkit.D("0.800000000000000000000")})
			return err
		}},
		{"merton sigma at 19 places", false, func() error {
			_, err := NewMerton(MertonSettings{Sigma: testkit.D("0.8000000000000000001")})
			return err
		}},
		{"spike factor 0.600000000", true, func() error {
			_, err := NewFaults(q, FaultSettings{Faults: []Fault{{Kind: FaultSpike, Source: "dex", To: 5, Factor: testkit.D("0.600000000")}}})
			return err
		}},
		{"spike factor 0.600000001", false, func() error {
			_, err := NewFaults(q, FaultSettings{Faults: []Fault{{Kind: FaultSpike, Source: "dex", To: 5, Factor: testkit.D("0.600000001")}}})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.accept()
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok && !errorsIs(err, ErrInvalidInput) {
				t.Errorf("err = %v", err)
			}
		})
	}
	a, _ := CrashShape(CrashSettings{Fall: testkit.D("0.35000")})
	b, _ := CrashShape(CrashSettings{Fall: testkit.D("0.35")})
	for i := range b.Knots {
		if !a.Knots[i].Price.Equal(b.Knots[i].Price) || a.Knots[i].At != b.Knots[i].At {
			t.Errorf("knot %d: %v, want %v", i, a.Knots[i], b.Knots[i])
		}
	}
}

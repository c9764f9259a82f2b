package stress

import (
	"strings"
	"testing"
	"time"

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

// TestTicksStayWithinYear9999: a path whose ticks would reach the year
// 10000 is refused, as is a CSV time past 9999-12-31T23:59:59Z (review:
// Start 9999-12-31 made ticks in year 10000, which every oracle refuses,
// and 12-digit Unix seconds reached the year 33658). (Mutations seen
// failing: withDefaults without the year check; parseTime without
// sec <= maxUnix.)
func TestTicksStayWithinYear9999(t *testing.T) {
	for _, tc := range []struct {
		name  string
		start time.Time
		ok    bool
	}{
		{"last tick 9999-12-30T23:00", time.Date(9999, 12, 24, 0, 0, 0, 0, time.UTC), true},
		{"start 9999-12-31", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{"start in year 10000", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"start before year 1", time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC), false},
		{"offset carries into 10000", time.Date(9999, 12, 31, 20, 0, 0, 0, time.FixedZone("", -10*3600)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewMerton(MertonSettings{Path: PathSettings{Start: tc.start}})
			if tc.ok != (err == nil) || (err != nil && !errorsIs(err, ErrInvalidInput)) {
				t.Errorf("err = %v", err)
			}
		})
	}
	for _, tc := range []struct {
		cell string
		ok   bool
	}{
		{"253402300799", true},
		{"253402300800", false},
		{"999999999999", false},
		{"9999-12-31T23:59:59Z", true},
		{"9999-12-31T23:00:00-05:00", false},
		{"0001-01-01T00:30:00+01:00", false},
	} {
		_, err := NewCSV(strings.NewReader("time,price\n"+tc.cell+",5\n"), CSVSettings{})
		if tc.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), "line 2: time")) {
			t.Errorf("%s: err = %v", tc.cell, err)
		}
	}
}

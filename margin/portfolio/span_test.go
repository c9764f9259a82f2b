package portfolio

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

func ds(ss ...string) []decimal.Decimal {
	out := make([]decimal.Decimal, len(ss))
	for i, s := range ss {
		out[i] = d(s)
	}
	return out
}

// TestSPANRiskArraysMcMillan reproduces the SPAN risk arrays of McMillan,
// Options as a Strategic Investment (5th ed.), ch. 34 "Futures and
// futures options" (S&P 500 futures at $500 a point, scan range 20
// points = $10,000, extreme move 2 × range covered 35% = $7,000): the long
// future, the long Dec 410 call and the covered write (long future, short
// call) published by the book, in SPAN's scenario order. Gains positive,
// as published. The requirement of each is the largest loss: $10,000,
// $3,990 and $6,620 (futures down 3/3, vol up).
func TestSPANRiskArraysMcMillan(t *testing.T) {
	future := ds("0", "0", "3330", "3330", "-3330", "-3330", "6670", "6670", "-6670", "-6670", "10000", "10000", "-10000", "-10000", "7000", "-7000")
	call := ds("460", "-610", "2640", "1730", "-1270", "-2340", "5210", "4540", "-2540", "-3430", "8060", "7640", "-3380", "-3990", "3130", "-1500")
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "SP", ScanAmount: d("20")}},
		Instruments: []Instrument{
			{ID: "SP-DEC", Underlying: "SP", Kind: RiskArray, ContractSize: d("1"), Array: future},
			{ID: "SP-DEC-410C", Underlying: "SP", Kind: RiskArray, ContractSize: d("1"), Array: call},
		},
		Grid:  SPAN16(d("0.05"), 0),
		Scale: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	marks := Marks{Prices: map[string]decimal.Decimal{"SP": d("410")}}
	cases := []struct {
		name      string
		book      []Position
		want      string
		worst     string
		coveredUp string // covered-write loss in scenario 15 (up extreme)
	}{
		{"long future", []Position{{Instrument: "SP-DEC", Size: d("1")}}, "10000", "down 3/3, vol up", ""},
		{"long call", []Position{{Instrument: "SP-DEC-410C", Size: d("1")}}, "3990", "down 3/3, vol down", ""},
		{"covered write", []Position{{Instrument: "SP-DEC", Size: d("1")}, {Instrument: "SP-DEC-410C", Size: d("-1")}}, "6620", "down 3/3, vol up", "-3870"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := e.Requirement(now, c.book, marks)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(d(c.want), r.Maintenance, testkit.EquateDecimals); diff != "" {
				t.Errorf("maintenance (-want +got):\n%s", diff)
			}
			if r.WorstScenario != c.worst {
				t.Errorf("worst scenario %q, want %q", r.WorstScenario, c.worst)
			}
			if c.coveredUp != "" && !r.Losses[14].Equal(d(c.coveredUp)) {
				t.Errorf("up-extreme loss %s, want %s", r.Losses[14], c.coveredUp)
			}
		})
	}
}

package portfolio

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// TestAddOns works each add-on by hand on futures-only and option books
// over a TIMS grid (±1 scan range, no vol moves): BTC at 100,000 with a
// 16% interval, ETH at 4,000 with 20%.
//
//   - long 1 BTC perp, short 25 ETH perps: BTC's worst loss 16,000 (−9/9),
//     ETH's 20,000 (+9/9); one spread (1 BTC : 25 ETH) credits half of
//     each at rate 0.5 → 8,000 + 10,000 = 18,000. The whole book's worst
//     scenario (+9/9: −16,000 + 20,000) is 4,000.
//   - the same at rate 0.9: 1,600 + 2,000 = 3,600 < 4,000, so the
//     requirement is floored at the book's worst scenario: 4,000.
//   - long 2 BTC-7D, short 1 BTC-30D futures: worst loss 16,000 (−9/9), one
//     inter-month spread × 20 → 16,020.
//   - short 3 calls and 1 put, tiny vol: short option minimum 3 × 5 = 15
//     dominates a near-zero scan.
func TestAddOns(t *testing.T) {
	e0 := propEngine(t, false)
	build := func(rate string) *Engine {
		insts := append([]Instrument(nil), e0.insts...)
		e, err := New(Settings{
			Underlyings: []Underlying{{ID: "BTC", Group: "BTC", ScanFraction: d("0.16")}, {ID: "ETH", Group: "ETH", ScanFraction: d("0.2")}},
			Instruments: insts,
			Grid:        TIMS(10),
			AddOns: AddOns{
				ShortOptionMinimum: d("5"),
				InterMonthRate:     d("20"),
				InterCommodity:     []InterCommodity{{A: "BTC", B: "ETH", DeltaA: d("1"), DeltaB: d("25"), Rate: d(rate)}},
			},
			Scale: 2,
		})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	m := propMarks(e0)
	for id := range m.Vols {
		m.Vols[id] = d("0.0001")
	}
	p := func(id, size string) Position { return Position{Instrument: id, Size: d(size), Entry: d("1")} }
	cases := []struct {
		name      string
		rate      string
		book      []Position
		want      string
		credits   []string
		interM    string
		som       string
		bookWorst string
	}{
		{"inter-commodity credit", "0.5", []Position{p("BTC-PERP", "1"), p("ETH-PERP", "-25")}, "18000", []string{"8000", "10000"}, "0", "0", "4000"},
		{"credit floored at the book's worst", "0.9", []Position{p("BTC-PERP", "1"), p("ETH-PERP", "-25")}, "4000", []string{"14400", "18000"}, "0", "0", "4000"},
		{"inter-month spread", "0.5", []Position{p("BTC-7D", "2"), p("BTC-30D", "-1")}, "16020", []string{"0"}, "20", "0", "16000"},
		{"short option minimum", "0.5", []Position{p("BTC-30D-140-call", "-3"), p("BTC-30D-70-put", "-1")}, "15", []string{"0"}, "0", "15", "0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := build(c.rate).Requirement(propNow, c.book, m)
			if err != nil {
				t.Fatal(err)
			}
			if err := CheckResult(r); err != nil {
				t.Fatal(err)
			}
			var credits []decimal.Decimal
			for _, g := range r.Groups {
				credits = append(credits, g.InterCommodityCredit)
			}
			got := []any{r.Maintenance, credits, r.Groups[0].InterMonth, r.Groups[0].ShortOptionMinimum, r.BookWorst}
			want := []any{d(c.want), ds(c.credits...), d(c.interM), d(c.som), d(c.bookWorst)}
			if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

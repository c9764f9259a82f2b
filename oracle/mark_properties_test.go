package oracle

import (
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The mark lies within [min, max] of its three components and is their
// median; Price 1 and Price 2 are within half a unit of Scale of their
// exact values.
//
// Seen failing under: (1) the mark set to the index instead of the median
// ("mark 0.0316 outside [0.02528, 0.03159999]" with the median check off;
// "not the median" with it on); (2) median3 without its second step
// (`b = c` removed: it returned the larger of the first two, above a
// smaller third: "mark 0.0001 is not the median of [0.0001 0.00008
// 0.00009]"); (3) Price 1 without the time fraction (Index × (1 + r)):
// "Price1 = 0.000100010000, exact 0.000100000000".
func TestPropMarkWithinComponents(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		const scale = 8
		s := MarkSettings{Market: "P", Scale: scale, BasisWindow: time.Hour, MaxBasisSamples: 64}
		m, err := NewMark(s)
		if err != nil {
			t.Fatal(err)
		}
		index := testkit.Decimal(1, 10_000_000_000, 4).Draw(t, "index")
		n := rapid.IntRange(1, 20).Draw(t, "samples")
		start := t0.Add(-time.Duration(n) * time.Minute)
		sum := new(big.Rat)
		for i := range n {
			// bid in [0.8, 1.2] × index, ask up to 1% above it.
			bid := index.Mul(testkit.Decimal(8000, 12000, 4).Draw(t, "bid/index"))
			ask := bid.Add(index.Mul(testkit.Decimal(0, 100, 4).Draw(t, "spread/index")))
			if err := m.ObserveBasis(start.Add(time.Duration(i)*time.Minute), bid, ask, index); err != nil {
				t.Fatal(err)
			}
			mid := new(big.Rat).Quo(bid.Add(ask).Rat(), big.NewRat(2, 1))
			sum.Add(sum, mid.Sub(mid, index.Rat()))
		}
		rate := testkit.Decimal(-75_0000, 75_0000, 8).Draw(t, "funding rate")
		until := time.Duration(rapid.Int64Range(0, int64(8*time.Hour/time.Second)).Draw(t, "seconds to funding")) * time.Second
		last := index.Mul(testkit.Decimal(9000, 11000, 4).Draw(t, "last/index"))
		got, err := m.Price(t0, MarkInputs{Index: index, Last: last, FundingRate: rate, NextFunding: t0.Add(until)})
		if err != nil {
			t.Fatal(err)
		}
		// Exact components.
		p1 := new(big.Rat).Mul(rate.Rat(), big.NewRat(int64(until), int64(8*time.Hour)))
		p1.Add(p1, big.NewRat(1, 1)).Mul(p1, index.Rat())
		p2 := new(big.Rat).Quo(sum, big.NewRat(int64(n), 1))
		p2.Add(p2, index.Rat())
		halfUnit := decimal.New(5, -scale-1).Rat()
		for name, c := range map[string][2]*big.Rat{"Price1": {got.Price1.Rat(), p1}, "Price2": {got.Price2.Rat(), p2}} {
			diff := new(big.Rat).Sub(c[0], c[1])
			if diff.Abs(diff).Cmp(halfUnit) > 0 {
				t.Fatalf("%s = %s, exact %s", name, c[0].FloatString(12), c[1].FloatString(12))
			}
		}
		comps := []decimal.Decimal{got.Price1, got.Price2, got.Last}
		lo, hi, below, above := comps[0], comps[0], 0, 0
		for _, c := range comps {
			lo, hi = decimal.Min(lo, c), decimal.Max(hi, c)
			if c.Cmp(got.Price) <= 0 {
				below++
			}
			if c.Cmp(got.Price) >= 0 {
				above++
			}
		}
		if got.Price.Cmp(lo) < 0 || got.Price.Cmp(hi) > 0 {
			t.Fatalf("mark %s outside [%s, %s]", got.Price, lo, hi)
		}
		if below < 2 || above < 2 {
			t.Fatalf("mark %s is not the median of %v", got.Price, comps)
		}
	})
}

// The funding rate is always within ±Cap, and equals the interest exactly
// when the premium lies within the dampener of it (Binance: "if (I − P) is
// within ±0.05% then F = I"); beyond the band it is P ∓ d.
//
// Seen failing under: (1) the cap clamp removed from computeFunding
// ("rate 0.00000002 beyond cap ±0.00000001"); (2) F = P, the dampened
// interest term dropped ("rate 0.00000001, want 0 (P 0.00000001, I 0)").
func TestPropFundingCapAndInterest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := BinanceFunding("P", testkit.Decimal(1, 3_000_000, 8).Draw(t, "cap"))
		s.Interest = testkit.Decimal(-50_000, 50_000, 8).Draw(t, "interest")
		s.Averaging = Averaging(rapid.IntRange(0, 1).Draw(t, "averaging"))
		s.Formula = FundingFormula(rapid.IntRange(0, 1).Draw(t, "formula"))
		s.MinSamples = rapid.IntRange(0, 5).Draw(t, "padding")
		premiums := rapid.SliceOfN(testkit.Decimal(-5_000_000, 5_000_000, 8), 1, 50).Draw(t, "premiums")
		got, err := ComputeFunding(s, premiums)
		if err != nil {
			t.Fatal(err)
		}
		if got.Rate.Abs().Cmp(s.Cap) > 0 {
			t.Fatalf("rate %s beyond cap ±%s", got.Rate, s.Cap)
		}
		if got.Rate.Exponent() < -DefaultFundingScale {
			t.Fatalf("rate %s has more than %d places", got.Rate, DefaultFundingScale)
		}
		want := got.Premium.Add(s.Interest) // FormulaAdditive
		if s.Formula == FormulaDampened {
			gap := s.Interest.Sub(got.Premium)
			switch {
			case gap.Abs().Cmp(s.Dampener) <= 0:
				want = s.Interest
			case gap.Sign() > 0:
				want = got.Premium.Add(s.Dampener)
			default:
				want = got.Premium.Sub(s.Dampener)
			}
		}
		want = decimal.Min(decimal.Max(want, s.Cap.Neg()), s.Cap)
		if !got.Rate.Equal(want) {
			t.Fatalf("rate %s, want %s (P %s, I %s, cap %s)", got.Rate, want, got.Premium, s.Interest, s.Cap)
		}
	})
}

package backstop

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// The machine-word fast path gives exactly num.ProRata's result.
func TestPropertyFastProRataMatchesNum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scale := rapid.Int32Range(0, 10).Draw(t, "scale")
		n := rapid.IntRange(1, 20).Draw(t, "n")
		ws := make([]decimal.Decimal, n)
		// Small equal weights make equal remainders, so the tie-break (to the
		// lower index) is exercised, not just the arithmetic.
		ties := rapid.Bool().Draw(t, "ties")
		for i := range ws {
			if ties {
				ws[i] = decimal.New(rapid.Int64Range(0, 3).Draw(t, "w"), 0)
				continue
			}
			ws[i] = decimal.New(rapid.Int64Range(0, 1<<40).Draw(t, "w"), rapid.Int32Range(-8, 3).Draw(t, "exp"))
		}
		total := decimal.New(rapid.Int64Range(0, 1<<50).Draw(t, "total"), -scale)
		if ties {
			total = decimal.New(rapid.Int64Range(0, 50).Draw(t, "total"), -scale)
		}
		want, werr := num.ProRata(total, ws, scale)
		got, gerr := proRata(total, ws, scale)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("errors differ: %v vs %v", werr, gerr)
		}
		if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
			t.Fatalf("(-num +fast):\n%s", diff)
		}
	})
}

func TestProRataCappedTable(t *testing.T) {
	tests := []struct {
		name          string
		total         string
		weights, caps []string
		want          []string
	}{
		{"no cap binds: largest remainder", "10", []string{"1", "1", "1"}, []string{"10", "10", "10"}, []string{"4", "3", "3"}},
		{"one capped, excess redistributed", "40", []string{"100", "60", "40"}, []string{"15", "60", "40"}, []string{"15", "15", "10"}},
		{"cascade: capping raises the level past another cap", "90", []string{"1", "1", "1"}, []string{"10", "31", "100"}, []string{"10", "31", "49"}},
		{"all at caps", "6", []string{"1", "2", "3"}, []string{"1", "2", "3"}, []string{"1", "2", "3"}},
		{"zero weight gets nothing", "5", []string{"0", "1"}, []string{"100", "5"}, []string{"0", "5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			conv := func(ss []string) []decimal.Decimal {
				var out []decimal.Decimal
				for _, s := range ss {
					out = append(out, d(s))
				}
				return out
			}
			got, err := proRataCapped(d(tc.total), conv(tc.weights), conv(tc.caps), 0)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(conv(tc.want), got, testkit.EquateDecimals); diff != "" {
				t.Error(diff)
			}
		})
	}
	if _, err := proRataCapped(d("7"), []decimal.Decimal{d("1")}, []decimal.Decimal{d("6")}, 0); err == nil {
		t.Error("total above the caps accepted")
	}
	if _, err := proRataCapped(d("1"), []decimal.Decimal{d("-1")}, []decimal.Decimal{d("6")}, 0); err == nil {
		t.Error("negative weight accepted")
	}
	if _, err := proRataCapped(d("1"), []decimal.Decimal{d("1")}, []decimal.Decimal{d("6"), d("1")}, 0); err == nil {
		t.Error("length mismatch accepted")
	}
}

// FuzzProRataCapped feeds arbitrary host amounts to the capped split: it
// must never panic, and whatever it returns must sum exactly and respect
// every cap.
func FuzzProRataCapped(f *testing.F) {
	f.Add("40", "100", "60", "15", "60", int32(0))
	f.Add("0.05", "1", "1", "0.01", "1", int32(2))
	f.Add("1e30", "1e-30", "1", "1e30", "1", int32(0))
	f.Fuzz(func(t *testing.T, total, w1, w2, c1, c2 string, scale int32) {
		parse := func(s string) (decimal.Decimal, bool) {
			d, err := decimal.NewFromString(s)
			return d, err == nil && num.Check(d) == nil
		}
		tt, ok1 := parse(total)
		a, ok2 := parse(w1)
		b, ok3 := parse(w2)
		x, ok4 := parse(c1)
		y, ok5 := parse(c2)
		if !(ok1 && ok2 && ok3 && ok4 && ok5) || scale < 0 || scale > 36 {
			return
		}
		shares, err := proRataCapped(tt, []decimal.Decimal{a, b}, []decimal.Decimal{x, y}, scale)
		if err != nil {
			return
		}
		if !shares[0].Add(shares[1]).Equal(tt) || shares[0].Cmp(x) > 0 || shares[1].Cmp(y) > 0 || shares[0].Sign() < 0 || shares[1].Sign() < 0 {
			t.Fatalf("shares %v of %s, caps %s %s", shares, tt, x, y)
		}
	})
}

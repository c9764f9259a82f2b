package backstop

import (
	"fmt"
	"math/big"
	"sort"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// referenceBitMEX evaluates BitMEX's documented formula literally, with
// position values including size, in exact rationals, floored at
// rankScale places.
func referenceBitMEX(p Position, mark decimal.Decimal) decimal.Decimal {
	mv := new(big.Rat).Mul(p.Size.Rat(), mark.Rat())
	bv := new(big.Rat).Mul(p.Size.Rat(), p.BankruptcyPrice.Rat())
	ev := new(big.Rat).Mul(p.Size.Rat(), p.EntryPrice.Rat())
	pnl := new(big.Rat).Quo(new(big.Rat).Sub(mv, ev), new(big.Rat).Abs(ev))
	lev := new(big.Rat).Quo(new(big.Rat).Abs(mv), new(big.Rat).Sub(mv, bv))
	var r *big.Rat
	switch pnl.Sign() {
	case 0:
		return decimal.Zero
	case 1:
		r = new(big.Rat).Mul(pnl, lev)
	default:
		r = new(big.Rat).Quo(pnl, lev)
	}
	scaled := new(big.Rat).Mul(r, new(big.Rat).SetInt(pow10Int(rankScale)))
	q := new(big.Int).Div(scaled.Num(), scaled.Denom()) // Euclidean: floor for a positive divisor
	return decimal.NewFromBigInt(q, -rankScale)
}

// TestPropertyBitMEXRankMatchesFormula checks both arithmetic paths (int64
// and big) against the literal formula.
func TestPropertyBitMEXRankMatchesFormula(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scale := rapid.Int32Range(0, 30).Draw(t, "scale") // past 18 digits takes the big path
		mark := testkit.Decimal(1, 1_000_000_000_000, 4).Draw(t, "mark")
		mark = mark.Add(decimal.New(rapid.Int64Range(0, 9).Draw(t, "tiny"), -scale))
		entry := testkit.Decimal(1, 1_000_000_000_000, 4).Draw(t, "entry")
		size := testkit.Decimal(1, 1_000_000, 3).Draw(t, "size")
		var bk decimal.Decimal
		if rapid.Bool().Draw(t, "long") {
			bk = mark.Sub(mark.Mul(testkit.Decimal(1, 10_000, 4).Draw(t, "dist")))
		} else {
			size = size.Neg()
			bk = mark.Add(mark.Mul(testkit.Decimal(1, 100_000, 4).Draw(t, "dist")))
		}
		if bk.Sign() < 0 {
			bk = decimal.Zero
		}
		p := Position{Account: "x", Size: size, EntryPrice: entry, BankruptcyPrice: bk}
		got, err := BitMEXRank(p, mark)
		if err != nil {
			t.Fatal(err)
		}
		if want := referenceBitMEX(p, mark); !got.Equal(want) {
			t.Fatalf("BitMEXRank %s, formula %s", got, want)
		}
	})
}

// TestPropertyRankOrder checks that Rank's integer-key sort orders any
// scores (wide exponents included) as decimal comparison would, ties by
// account.
func TestPropertyRankOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 40).Draw(t, "n")
		scores := map[string]decimal.Decimal{}
		var ps []Position
		for i := 0; i < n; i++ {
			acct := fmt.Sprint("a", i)
			exp := rapid.Int32Range(-36, 10).Draw(t, "exp")
			coef := rapid.Int64Range(-1_000_000_000_000_000_000, 1_000_000_000_000_000_000).Draw(t, "coef")
			if rapid.Bool().Draw(t, "small") {
				coef = rapid.Int64Range(-3, 3).Draw(t, "coef")
			}
			scores[acct] = decimal.New(coef, exp)
			ps = append(ps, Position{Account: acct, Size: d("1"), EntryPrice: d("1")})
		}
		r, err := Rank(ps, d("1"), func(p Position, _ decimal.Decimal) (decimal.Decimal, error) { return scores[p.Account], nil })
		if err != nil {
			t.Fatal(err)
		}
		want := append([]Ranked(nil), r...)
		sort.SliceStable(want, func(i, j int) bool {
			if c := want[i].Score.Cmp(want[j].Score); c != 0 {
				return c > 0
			}
			return want[i].Position.Account < want[j].Position.Account
		})
		for i := range r {
			if r[i].Position.Account != want[i].Position.Account {
				t.Fatalf("position %d: %s, want %s", i, r[i].Position.Account, want[i].Position.Account)
			}
		}
	})
}

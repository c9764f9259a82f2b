package fixed

import (
	"math"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// genNum draws coefficients from the whole int64 range, with the edges
// (0, ±1, MinInt64, MaxInt64, 18-digit values) drawn often, and exponents
// from −30 to +10.
func genNum() *rapid.Generator[Num] {
	return rapid.Custom(func(t *rapid.T) Num {
		m := rapid.OneOf(
			rapid.Int64Range(-1000, 1000),
			rapid.Int64(),
			rapid.SampledFrom([]int64{0, 1, -1, math.MinInt64, math.MaxInt64, 999_999_999_999_999_999, -999_999_999_999_999_999}),
		).Draw(t, "m")
		e := rapid.Int32Range(-30, 10).Draw(t, "e")
		return Num{M: m, E: e}
	})
}

func rat(a Num) *big.Rat { return a.Decimal().Rat() }

var roundings = []num.Rounding{num.Floor, num.Ceil, num.Trunc, num.HalfEven}

// small reports whether a is small enough that every kernel operation on two
// such values must succeed: the fast path is not allowed to give up there.
func small(a Num) bool { return a.M > -1e9 && a.M < 1e9 && a.E >= -9 && a.E <= 0 }

func TestArithmeticIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genNum().Draw(t, "a"), genNum().Draw(t, "b")
		ops := []struct {
			name string
			f    func(Num, Num) (Num, bool)
			want *big.Rat
		}{
			{"add", Add, new(big.Rat).Add(rat(a), rat(b))},
			{"sub", Sub, new(big.Rat).Sub(rat(a), rat(b))},
			{"mul", Mul, new(big.Rat).Mul(rat(a), rat(b))},
		}
		for _, op := range ops {
			got, ok := op.f(a, b)
			if !ok {
				if small(a) && small(b) {
					t.Fatalf("%s(%v, %v) gave up on small operands", op.name, a, b)
				}
				continue
			}
			if rat(got).Cmp(op.want) != 0 {
				t.Fatalf("%s(%v, %v) = %v, want %v", op.name, a, b, got.Decimal(), op.want.FloatString(40))
			}
		}
		if got, want := Cmp(a, b), rat(a).Cmp(rat(b)); got != want {
			t.Fatalf("Cmp(%v, %v) = %d, want %d", a, b, got, want)
		}
	})
}

func TestRoundAndDivMatchNum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genNum().Draw(t, "a"), genNum().Draw(t, "b")
		scale := rapid.Int32Range(-5, 30).Draw(t, "scale")
		r := rapid.SampledFrom(roundings).Draw(t, "rounding")
		if got, ok := Round(a, scale, r); ok {
			if want := num.Round(a.Decimal(), scale, r); !got.Decimal().Equal(want) {
				t.Fatalf("Round(%v, %d, %v) = %v, want %v", a.Decimal(), scale, r, got.Decimal(), want)
			}
		} else if small(a) && scale >= 0 {
			t.Fatalf("Round(%v, %d) gave up on a small operand", a, scale)
		}
		if b.M == 0 {
			if _, ok := Div(a, b, scale, r); ok {
				t.Fatal("Div by zero succeeded")
			}
			return
		}
		if got, ok := Div(a, b, scale, r); ok {
			if want := num.Div(a.Decimal(), b.Decimal(), scale, r); !got.Decimal().Equal(want) {
				t.Fatalf("Div(%v, %v, %d, %v) = %v, want %v", a.Decimal(), b.Decimal(), scale, r, got.Decimal(), want)
			}
		} else if small(a) && small(b) && b.E == 0 && scale >= 0 && scale <= 9 { // |quotient| < 10^18 at 10^−9
			t.Fatalf("Div(%v, %v, %d) gave up on small operands", a, b, scale)
		}
		if got, ok := MulRound(a, b, scale, r); ok {
			if want := num.MulRound(a.Decimal(), b.Decimal(), scale, r); !got.Decimal().Equal(want) {
				t.Fatalf("MulRound(%v, %v, %d, %v) = %v, want %v", a.Decimal(), b.Decimal(), scale, r, got.Decimal(), want)
			}
		}
	})
}

func TestCmpProductIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x, r, p := genNum().Draw(t, "x"), genNum().Draw(t, "r"), genNum().Draw(t, "p")
		want := rat(x).Cmp(new(big.Rat).Mul(rat(r), rat(p)))
		if got := CmpProduct(x.Decimal(), r.Decimal(), p.Decimal()); got != want {
			t.Fatalf("CmpProduct(%v, %v, %v) = %d, want %d", x, r, p, got, want)
		}
		if c, ok := CmpProductNum(x, r, p); ok && c != want {
			t.Fatalf("CmpProductNum(%v, %v, %v) = %d, want %d", x, r, p, c, want)
		}
		if small(x) && small(r) && small(p) {
			if _, ok := CmpProductNum(x, r, p); !ok {
				t.Fatalf("CmpProductNum(%v, %v, %v) gave up on small values", x, r, p)
			}
		}
	})
}

func TestKeyOrderIsDecimalOrder(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genNum().Draw(t, "a"), genNum().Draw(t, "b")
		exp := min(a.E, b.E) - rapid.Int32Range(0, 25).Draw(t, "below")
		ka, oka := KeyAt(a.Decimal(), exp)
		kb, okb := KeyAt(b.Decimal(), exp)
		if !oka || !okb {
			if small(a) && small(b) && exp >= -20 {
				t.Fatalf("KeyAt gave up on small values %v, %v at %d", a, b, exp)
			}
			return
		}
		if got, want := ka.Cmp(kb), a.Decimal().Cmp(b.Decimal()); got != want {
			t.Fatalf("key order %d, decimal order %d for %v, %v at %d", got, want, a, b, exp)
		}
	})
}

// A big coefficient takes the big.Int path of KeyAt and still orders right.
func TestKeyAtBigCoefficient(t *testing.T) {
	a := decimal.RequireFromString("12345678901234567890123") // 23 digits
	b := decimal.RequireFromString("-12345678901234567890123")
	ka, ok1 := KeyAt(a, -3)
	kb, ok2 := KeyAt(b, -3)
	kz, ok3 := KeyAt(decimal.Zero, -3)
	if !ok1 || !ok2 || !ok3 {
		t.Fatal("KeyAt refused 26-digit integers, which fit 126 bits")
	}
	if ka.Cmp(kz) != 1 || kb.Cmp(kz) != -1 {
		t.Fatal("keys out of order around zero")
	}
	if _, ok := KeyAt(decimal.New(1, 40), 0); ok {
		t.Fatal("KeyAt accepted 10^40, which needs more than 126 bits")
	}
	if _, ok := KeyAt(decimal.New(1, math.MaxInt32), math.MinInt32); ok {
		t.Fatal("KeyAt accepted an absurd exponent gap")
	}
}

// Edge coefficients: the kernel gives up rather than overflow.
func TestOverflowGivesUp(t *testing.T) {
	max, min := Num{M: math.MaxInt64}, Num{M: math.MinInt64}
	for name, ok := range map[string]bool{
		"max+1":     second(Add(max, Num{M: 1})),
		"min-1":     second(Sub(min, Num{M: 1})),
		"min*-1":    second(Mul(min, Num{M: -1})),
		"-min":      second(Neg(min)),
		"rescale":   second(Rescale(Num{M: 1, E: 19}, 0)),
		"div big":   second(Div(max, Num{M: 1}, 1, num.Floor)),
		"mul e":     second(Mul(Num{M: 1, E: math.MaxInt32}, Num{M: 1, E: 1})),
		"x - min":   second(Sub(Num{M: 1}, min)),
		"max*2":     second(Mul(max, Num{M: 2})),
		"div 1e-20": second(Div(Num{M: 1}, Num{M: 1}, 20, num.Floor)),
	} {
		if ok {
			t.Errorf("%s: succeeded, want ok=false", name)
		}
	}
	if got, ok := Mul(min, Num{M: 1}); !ok || got.M != math.MinInt64 {
		t.Errorf("MinInt64 × 1 = %v, %v", got, ok)
	}
}

func second(_ Num, ok bool) bool { return ok }

func BenchmarkDivCeil(b *testing.B) {
	x, y := Num{M: 123456789, E: -4}, Num{M: 3, E: 0}
	for i := 0; i < b.N; i++ {
		_, _ = Div(x, y, 8, num.Ceil)
	}
}

func BenchmarkCmpProduct(b *testing.B) {
	x, r, p := decimal.RequireFromString("105.5"), decimal.RequireFromString("0.05"), decimal.RequireFromString("100.25")
	for i := 0; i < b.N; i++ {
		_ = CmpProduct(x, r, p)
	}
}

// MulRoundWide is exact against big.Rat in every direction, and succeeds
// wherever MulRound does (it only adds the products that overflow 64 bits).
func TestMulRoundWideIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := genNum().Draw(t, "a"), genNum().Draw(t, "b")
		scale := rapid.Int32Range(-5, 40).Draw(t, "scale")
		r := rapid.SampledFrom(roundings).Draw(t, "r")
		got, ok := MulRoundWide(a, b, scale, r)
		if _, ok0 := MulRound(a, b, scale, r); ok0 && !ok {
			t.Fatalf("MulRoundWide(%v, %v, %d) gave up where MulRound did not", a, b, scale)
		}
		if !ok {
			return
		}
		want := num.Round(a.Decimal().Mul(b.Decimal()), scale, r)
		if rat(got).Cmp(want.Rat()) != 0 {
			t.Fatalf("MulRoundWide(%v, %v, %d, %v) = %v, want %s", a, b, scale, r, got, want)
		}
		exact := new(big.Rat).Mul(rat(a), rat(b))
		if diff := new(big.Rat).Sub(exact, rat(got)); new(big.Rat).Abs(diff).Cmp(new(big.Rat).SetFrac(big.NewInt(1), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(scale, 0))), nil))) >= 0 && scale >= 0 {
			t.Fatalf("MulRoundWide(%v, %v, %d) = %v is a unit or more from %s", a, b, scale, got, exact.FloatString(int(scale)+2))
		}
	})
}

// Two 18-digit coefficients whose product overflows 64 bits, rounded to a
// whole unit: MulRound gives up, MulRoundWide answers exactly.
func TestMulRoundWideBeyond64Bits(t *testing.T) {
	a, b := Num{M: 999_999_999_999_999_999, E: -18}, Num{M: 123_456_789_012_345_678, E: 0}
	if _, ok := MulRound(a, b, 0, num.Floor); ok {
		t.Fatal("MulRound was expected to give up on a 120-bit product")
	}
	got, ok := MulRoundWide(a, b, 0, num.Floor)
	if !ok || got != (Num{M: 123_456_789_012_345_677, E: 0}) {
		t.Fatalf("got %v, %t", got, ok)
	}
	if got, ok := MulRoundWide(a, b, 0, num.Ceil); !ok || got.M != 123_456_789_012_345_678 {
		t.Fatalf("ceil: got %v, %t", got, ok)
	}
}

// MulDiv is a × b = q × c + rem exactly, 0 ≤ rem < c, against big.Rat; it
// gives up only when c is zero or the quotient needs more than 64 bits.
func TestMulDivIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := rapid.Uint64().Draw(t, "a"), rapid.Uint64().Draw(t, "b")
		c := rapid.OneOf(rapid.Uint64(), rapid.Uint64Range(0, 1000)).Draw(t, "c")
		q, rem, ok := MulDiv(a, b, c)
		prod := new(big.Int).Mul(new(big.Int).SetUint64(a), new(big.Int).SetUint64(b))
		if c == 0 {
			if ok {
				t.Fatal("MulDiv by zero succeeded")
			}
			return
		}
		exact := new(big.Rat).SetFrac(prod, new(big.Int).SetUint64(c))
		wantQ := new(big.Int).Quo(exact.Num(), exact.Denom()) // ≥ 0: truncation is floor
		if !wantQ.IsUint64() {
			if ok {
				t.Fatalf("MulDiv(%d, %d, %d) fit 64 bits, true quotient %s", a, b, c, wantQ)
			}
			return
		}
		if !ok {
			t.Fatalf("MulDiv(%d, %d, %d) gave up on a 64-bit quotient %s", a, b, c, wantQ)
		}
		got := new(big.Rat).SetFrac(new(big.Int).Add(new(big.Int).Mul(new(big.Int).SetUint64(q), new(big.Int).SetUint64(c)), new(big.Int).SetUint64(rem)), big.NewInt(1))
		if q != wantQ.Uint64() || rem >= c || got.Cmp(new(big.Rat).SetInt(prod)) != 0 {
			t.Fatalf("MulDiv(%d, %d, %d) = %d rem %d, want %s", a, b, c, q, rem, wantQ)
		}
	})
}

// MulDiv128 is n × m = q × d + rem exactly, 0 ≤ rem < d, against big.Int.
func TestMulDiv128IsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := U128{Hi: rapid.Uint64().Draw(t, "hi"), Lo: rapid.Uint64().Draw(t, "lo")}
		m := rapid.Uint64().Draw(t, "m")
		d := rapid.OneOf(rapid.Uint64(), rapid.Uint64Range(0, 1000)).Draw(t, "d")
		q, rem, ok := MulDiv128(n, m, d)
		if d == 0 {
			if ok {
				t.Fatal("MulDiv128 by zero succeeded")
			}
			return
		}
		word := func(hi, lo uint64) *big.Int {
			return new(big.Int).Add(new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64), new(big.Int).SetUint64(lo))
		}
		prod := new(big.Int).Mul(word(n.Hi, n.Lo), new(big.Int).SetUint64(m))
		wantQ, wantR := new(big.Int).QuoRem(prod, new(big.Int).SetUint64(d), new(big.Int))
		gotQ := new(big.Int).Add(new(big.Int).Lsh(word(q[2], q[1]), 64), new(big.Int).SetUint64(q[0]))
		if !ok || gotQ.Cmp(wantQ) != 0 || wantR.Uint64() != rem {
			t.Fatalf("MulDiv128(%v, %d, %d) = %v rem %d, want %s rem %s", n, m, d, q, rem, wantQ, wantR)
		}
	})
}

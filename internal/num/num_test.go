package num

import (
	"errors"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var d = testkit.D

func TestDivTable(t *testing.T) {
	tests := []struct {
		name  string
		a, b  string
		scale int32
		r     Rounding
		want  string
	}{
		{"third ceil", "1", "3", 2, Ceil, "0.34"},
		{"third floor", "1", "3", 2, Floor, "0.33"},
		{"negative third floor goes down", "-1", "3", 2, Floor, "-0.34"},
		{"negative third ceil goes up", "-1", "3", 2, Ceil, "-0.33"},
		{"negative third trunc", "-1", "3", 2, Trunc, "-0.33"},
		{"exact stays", "10", "4", 2, Ceil, "2.5"},
		{"half even down", "1", "8", 2, HalfEven, "0.12"},
		{"half even up", "3", "8", 2, HalfEven, "0.38"},
		{"half even above half", "2", "3", 0, HalfEven, "1"},
		{"half even negative", "-3", "8", 2, HalfEven, "-0.38"},
		{"negative divisor ceil", "1", "-3", 2, Ceil, "-0.33"},
		{"negative scale", "12345", "1", -2, Ceil, "12400"},
		// Binance isolated long liquidation price (margin issue worked example).
		{"binance liq long", "-1000", "-0.996", 2, Ceil, "1004.02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Div(d(tc.a), d(tc.b), tc.scale, tc.r)
			if !got.Equal(d(tc.want)) {
				t.Fatalf("Div(%s, %s, %d, %s) = %s, want %s", tc.a, tc.b, tc.scale, tc.r, got, tc.want)
			}
		})
	}
}

// exactly checks a rounded quotient against exact rational arithmetic: the
// result is within one unit and on the stated side.
func TestDivMatchesExactRational(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := testkit.Decimal(-1_000_000_000, 1_000_000_000, 4).Draw(t, "a")
		b := testkit.Decimal(-1_000_000, 1_000_000, 3).Filter(func(x decimal.Decimal) bool { return !x.IsZero() }).Draw(t, "b")
		scale := rapid.Int32Range(0, 12).Draw(t, "scale")
		exact := testkit.RatDecimal(a, b)
		unit := decimal.New(1, -scale).Rat()
		for _, r := range []Rounding{Floor, Ceil, Trunc, HalfEven} {
			got := Div(a, b, scale, r)
			if got.Exponent() < -scale {
				t.Fatalf("%s: %s has more than %d places", r, got, scale)
			}
			diff := new(big.Rat).Sub(got.Rat(), exact)
			if new(big.Rat).Abs(diff).Cmp(unit) >= 0 {
				t.Fatalf("%s: %s is a unit or more from %s", r, got, exact.FloatString(20))
			}
			switch r {
			case Floor:
				if diff.Sign() > 0 {
					t.Fatalf("floor %s above exact %s", got, exact.FloatString(20))
				}
			case Ceil:
				if diff.Sign() < 0 {
					t.Fatalf("ceil %s below exact %s", got, exact.FloatString(20))
				}
			case Trunc:
				if new(big.Rat).Abs(got.Rat()).Cmp(new(big.Rat).Abs(exact)) > 0 {
					t.Fatalf("trunc %s grew past exact %s", got, exact.FloatString(20))
				}
			case HalfEven:
				twice := new(big.Rat).Mul(new(big.Rat).Abs(diff), big.NewRat(2, 1))
				if twice.Cmp(unit) > 0 {
					t.Fatalf("half-even %s more than half a unit from %s", got, exact.FloatString(20))
				}
			}
		}
	})
}

func TestRoundDirections(t *testing.T) {
	x := d("-1.005")
	cases := map[Rounding]string{Floor: "-1.01", Ceil: "-1", Trunc: "-1", HalfEven: "-1"}
	for r, want := range cases {
		if got := Round(x, 2, r); !got.Equal(d(want)) {
			t.Errorf("Round(%s, 2, %s) = %s, want %s", x, r, got, want)
		}
	}
	if got := MulRound(d("0.3333"), d("3"), 2, Ceil); !got.Equal(d("1")) {
		t.Errorf("MulRound ceil = %s, want 1", got)
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		in   decimal.Decimal
		want error
	}{
		{"ordinary", d("123.45"), nil},
		{"one wei", decimal.New(1, -18), nil},
		{"large supply", decimal.New(1, 30), nil},
		{"zero", decimal.Zero, nil},
		{"huge exponent", decimal.New(1, 1_000_000), ErrOutOfRange},
		{"zero with huge exponent", decimal.New(0, 1_000_000), ErrOutOfRange},
		{"tiny exponent", decimal.New(1, -1_000_000), ErrOutOfRange},
		{"too many digits", d("1234567890123456789012345678901234567"), ErrOutOfRange},
		{"at the digit limit", d("123456789012345678901234567890123456"), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := Check(tc.in); !errors.Is(err, tc.want) {
				t.Fatalf("Check(%s) = %v, want %v", tc.in, err, tc.want)
			}
		})
	}
	if err := CheckPositive(decimal.Zero); !errors.Is(err, ErrNotPositive) {
		t.Errorf("CheckPositive(0) = %v", err)
	}
	if err := CheckNonNegative(d("-0.01")); !errors.Is(err, ErrNegative) {
		t.Errorf("CheckNonNegative(-0.01) = %v", err)
	}
	if err := CheckNonNegative(decimal.Zero); err != nil {
		t.Errorf("CheckNonNegative(0) = %v", err)
	}
}

func TestProRataTable(t *testing.T) {
	tests := []struct {
		name    string
		total   string
		weights []string
		scale   int32
		want    []string
	}{
		{"thirds", "100", []string{"1", "1", "1"}, 2, []string{"33.34", "33.33", "33.33"}},
		{"largest remainder wins", "10", []string{"1", "2", "4"}, 0, []string{"1", "3", "6"}},
		{"zero weight gets nothing", "7", []string{"0", "1", "1"}, 0, []string{"0", "4", "3"}},
		// Default fund survivors A 100, B 60, C 40 share 200 (backstop issue).
		{"default fund survivors", "160", []string{"100", "60", "40"}, 0, []string{"80", "48", "32"}},
		{"zero total", "0", []string{"1", "2"}, 2, []string{"0", "0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws := make([]decimal.Decimal, len(tc.weights))
			for i, w := range tc.weights {
				ws[i] = d(w)
			}
			got, err := ProRata(d(tc.total), ws, tc.scale)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]decimal.Decimal, len(tc.want))
			for i, w := range tc.want {
				want[i] = d(w)
			}
			if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
				t.Fatalf("ProRata mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProRataRejects(t *testing.T) {
	for name, call := range map[string]func() error{
		"negative total":  func() error { _, err := ProRata(d("-1"), []decimal.Decimal{d("1")}, 0); return err },
		"negative weight": func() error { _, err := ProRata(d("1"), []decimal.Decimal{d("-1"), d("2")}, 0); return err },
		"zero weights":    func() error { _, err := ProRata(d("1"), []decimal.Decimal{d("0")}, 0); return err },
		"no weights":      func() error { _, err := ProRata(d("1"), nil, 0); return err },
		"too fine total":  func() error { _, err := ProRata(d("1.5"), []decimal.Decimal{d("1")}, 0); return err },
	} {
		if err := call(); !errors.Is(err, ErrBadAllocation) {
			t.Errorf("%s: err = %v, want ErrBadAllocation", name, err)
		}
	}
}

// Shares sum exactly to the total and each is within one unit of its exact
// proportion (backstop issue: pro-rata shares sum exactly to the whole).
func TestProRataSumsExactly(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		scale := rapid.Int32Range(0, 6).Draw(t, "scale")
		total := testkit.Decimal(0, 1_000_000_000, scale).Draw(t, "total")
		weights := rapid.SliceOfN(testkit.Decimal(0, 1_000_000, 2), 1, 40).Draw(t, "weights")
		sum := decimal.Zero
		for _, w := range weights {
			sum = sum.Add(w)
		}
		if sum.IsZero() {
			weights[0] = d("1")
			sum = d("1")
		}
		shares, err := ProRata(total, weights, scale)
		if err != nil {
			t.Fatal(err)
		}
		got := decimal.Zero
		unit := decimal.New(1, -scale).Rat()
		for i, s := range shares {
			got = got.Add(s)
			exact := new(big.Rat).Quo(total.Mul(weights[i]).Rat(), sum.Rat())
			diff := new(big.Rat).Abs(new(big.Rat).Sub(s.Rat(), exact))
			if diff.Cmp(unit) >= 0 {
				t.Fatalf("share %d = %s, exact %s: a unit or more apart", i, s, exact.FloatString(10))
			}
			if weights[i].IsZero() && !s.IsZero() {
				t.Fatalf("zero weight %d got %s", i, s)
			}
		}
		if !got.Equal(total) {
			t.Fatalf("shares sum to %s, want %s", got, total)
		}
	})
}

func BenchmarkDivCeil(b *testing.B) {
	x, y := d("123456.789"), d("0.996")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = DivCeil(x, y, 8)
	}
}

// CheckScale accepts exactly [−MaxIntDigits, MaxScale]: both bounds, and
// refuses one beyond each and the extremes of int32.
func TestCheckScale(t *testing.T) {
	for _, s := range []int32{0, 2, 18, MaxScale, -1, -MaxIntDigits} {
		if err := CheckScale(s); err != nil {
			t.Errorf("CheckScale(%d) = %v, want nil", s, err)
		}
	}
	for _, s := range []int32{MaxScale + 1, -MaxIntDigits - 1, 1_000_000_000, -1_000_000_000, 1<<31 - 1, -1 << 31} {
		if err := CheckScale(s); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("CheckScale(%d) = %v, want ErrOutOfRange", s, err)
		}
	}
}

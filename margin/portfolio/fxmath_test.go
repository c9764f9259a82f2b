package portfolio

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

// The kernel's transcendental functions against references: shopspring's
// ExpTaylor and Ln at 30 places (exact-enough decimal references), and
// math.Erfc for Φ (a test-only float reference; the library never uses
// float64).

func TestKernExpAgainstExpTaylor(t *testing.T) {
	var k kern
	for x := int64(-37); x <= 6; x++ {
		for _, frac := range []int64{0, 1234567890123456, 5000000000000000, 9999999999999999} {
			arg := x*wOne + frac
			if arg > expHigh {
				continue
			}
			got := wDec(k.exp(arg))
			want, err := wDec(arg).ExpTaylor(30)
			if err != nil {
				t.Fatal(err)
			}
			tol := want.Mul(decimal.RequireFromString("2e-15")).Add(decimal.New(4, -16))
			if got.Sub(want).Abs().Cmp(tol) > 0 {
				t.Errorf("exp(%s) = %s, want %s (tolerance %s)", wDec(arg), got, want.Round(18), tol)
			}
		}
	}
	if k.bad {
		t.Fatal("kernel overflow")
	}
}

func TestKernLnAgainstLn(t *testing.T) {
	var k kern
	for _, s := range []string{"0.0000001", "0.001", "0.1", "0.5", "0.75", "0.9999", "1", "1.0001", "1.4999", "1.5", "2", "2.718281828459045", "10", "123.456", "900"} {
		x := decimal.RequireFromString(s)
		xw, _ := toW(x)
		got := wDec(k.ln(xw))
		want, err := x.Ln(30)
		if err != nil {
			t.Fatal(err)
		}
		if got.Sub(want).Abs().Cmp(decimal.New(1, -15)) > 0 {
			t.Errorf("ln(%s) = %s, want %s", s, got, want.Round(18))
		}
		gotDec := wDec(k.lnDec(x))
		if gotDec.Sub(want).Abs().Cmp(decimal.New(1, -15)) > 0 {
			t.Errorf("lnDec(%s) = %s, want %s", s, gotDec, want.Round(18))
		}
	}
	// lnDec handles magnitudes the 16-place kernel cannot hold.
	for _, s := range []string{"95000", "123456789.123", "0.00000000012"} {
		x := decimal.RequireFromString(s)
		want, _ := x.Ln(30)
		if got := wDec(k.lnDec(x)); got.Sub(want).Abs().Cmp(decimal.New(2, -15)) > 0 {
			t.Errorf("lnDec(%s) = %s, want %s", s, got, want.Round(18))
		}
	}
	if k.bad {
		t.Fatal("kernel overflow")
	}
}

func TestKernSqrt(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var k kern
		x := rapid.Int64Range(0, 900*wOne).Draw(t, "x")
		y := k.sqrt(x)
		// y² within 2 units of the 16th place of x, relative to y.
		yd, xd := wDec(y), wDec(x)
		lo := yd.Sub(decimal.New(2, -16))
		hi := yd.Add(decimal.New(2, -16))
		if lo.Sign() > 0 && lo.Mul(lo).Cmp(xd) > 0 || hi.Mul(hi).Cmp(xd) < 0 {
			t.Fatalf("sqrt(%s) = %s", xd, yd)
		}
	})
}

// TestKernCDFAgainstErfc checks Φ to 5×10^-15 absolute on a fine grid
// over [−10, 10] (math.Erfc is accurate to about 1 ulp: ~10^-16 here).
func TestKernCDFAgainstErfc(t *testing.T) {
	var k kern
	worst := 0.0
	for i := -20000; i <= 20000; i++ {
		x := int64(i) * (wOne / 2000) // step 0.0005
		got, _ := wDec(k.cdf(x)).Float64()
		want := 0.5 * math.Erfc(-float64(i)/2000/math.Sqrt2)
		if d := math.Abs(got - want); d > worst {
			worst = d
		}
		if math.Abs(got-want) > 5e-15 {
			t.Fatalf("Φ(%v) = %v, want %v", float64(i)/2000, got, want)
		}
	}
	if k.bad {
		t.Fatal("kernel overflow")
	}
	t.Logf("worst |Φ error| = %.3g", worst)
}

// TestExpTables checks the generated tables against ExpTaylor at 30 places.
func TestExpTables(t *testing.T) {
	half := decimal.New(5, -17)
	for a := -38; a <= 6; a++ {
		want, _ := decimal.NewFromInt(int64(a)).ExpTaylor(30)
		if got := wDec(expInt[a+38]); got.Sub(want).Abs().Cmp(half) > 0 {
			t.Errorf("expInt e^%d = %s, want %s", a, got, want)
		}
	}
	for b := 0; b < 64; b++ {
		want, _ := decimal.New(int64(b)*15625, -6).ExpTaylor(30)
		if got := wDec(expFrac[b]); got.Sub(want).Abs().Cmp(half) > 0 {
			t.Errorf("expFrac e^(%d/64) = %s, want %s", b, got, want)
		}
	}
}

package portfolio

import (
	"math"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/fixed"
	"github.com/failsafe-fi/failsafe/internal/num"
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

// Coefficients of Hart's (1968) double-precision rational approximation of
// the normal tail, as published by West, "Better approximations to
// cumulative normal functions", Wilmott Magazine (2005), Figure 2 — with
// the variable scaled to u = |x|/10 and both polynomials divided by 10^4
// (p'_i = p_i·10^(deg−i)/10^4; exact decimal shifts, the ratio is
// unchanged), so that every Horner step stays below 600 and fits the
// 16-place kernel.
var (
	hartNum = [7]int64{ // u^6 … u^0
		35262496599891100, // 0.0352624965998911 × 100
		70038306444368800, // 0.700383064443688 × 10
		63739622035316500, // 6.37396220353165
		33912866078383000, // 33.912866078383 / 10
		11207929149787100, // 112.079291497871 / 100
		2212135961699310,  // 221.213596169931 / 1000
		220206867912376,   // 220.206867912376 / 10^4
	}
	hartDen = [8]int64{ // u^7 … u^0
		883883476483184000,  // 0.0883883476483184 × 1000
		1755667163182640000, // 1.75566716318264 × 100
		1606417757920700000, // 16.064177579207 × 10
		867807322029461000,  // 86.7807322029461
		296564248779674000,  // 296.564248779674 / 10
		63733363337883100,   // 637.333633378831 / 100
		7938265125199480,    // 793.826512519948 / 1000
		440413735824752,     // 440.413735824752 / 10^4
	}
)

// hartSplit is 10/√2 ≈ 7.0710678118654752: below it the rational
// approximation is used, above it the continued fraction (West 2005).
const hartSplit int64 = 70710678118654752

// hartTail is Hart's algorithm 5666 as given by West (2005), "Better
// approximations to cumulative normal functions", evaluated in the same
// 16-place kernel: an independent reference for the tabulated tail.
func (k *kern) hartTail(ax int64) int64 {
	if ax >= normTailMax {
		return 0
	}
	e := k.exp(-k.divInt(k.mul(ax, ax), 2))
	if ax < hartSplit {
		uNum := fixed.Num{M: ax, E: -wScale - 1} // u = |x|/10, exact
		n := hartNum[0]
		for _, c := range hartNum[1:] {
			n = k.add(k.mulU(n, uNum), c)
		}
		d := hartDen[0]
		for _, c := range hartDen[1:] {
			d = k.add(k.mulU(d, uNum), c)
		}
		return k.mul(e, k.div(n, d))
	}
	b := ax + 65*wOne/100
	b = ax + k.div(4*wOne, b)
	b = ax + k.div(3*wOne, b)
	b = ax + k.div(2*wOne, b)
	b = ax + k.div(wOne, b)
	return k.div(e, k.mul(b, sqrt2Pi))
}

// mulU returns a × u at 16 places, half-even, where u carries its own
// exponent.
func (k *kern) mulU(a int64, u fixed.Num) int64 {
	r, ok := fixed.MulRoundWide(w(a), u, wScale, num.HalfEven)
	if !ok {
		k.bad = true
		return 0
	}
	return r.M
}

// TestNormTable: the tabulated tail agrees with Hart's algorithm at every
// node and between nodes to 5×10^-15, and each node's first coefficient
// is −φ(a0).
func TestNormTable(t *testing.T) {
	var k kern
	for i := int64(0); i < int64(len(normTable))*4; i++ {
		ax := i * (normStep / 4)
		if ax >= normTailMax {
			break
		}
		got, want := k.tail(ax), k.hartTail(ax)
		if d := got - want; d > 50 || d < -50 {
			t.Fatalf("tail(%s) = %s, Hart %s", wDec(ax), wDec(got), wDec(want))
		}
	}
	for i := range normTable {
		a0 := int64(i) * normStep
		if d := normTable[i][1] + k.phi(a0); d > 2 || d < -2 {
			t.Errorf("node %d: first coefficient %d, −φ = %d", i, normTable[i][1], -k.phi(a0))
		}
	}
	if k.bad {
		t.Fatal("kernel overflow")
	}
}

package liquidation

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var d = testkit.D

// dss src/test/abaci.t.sol test_linear_decrease: tau 3600, top 1000.
func TestLinearDecrease_MakerAbaciTable(t *testing.T) {
	c, err := NewLinearDecrease(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= 10; i++ {
		got := c.Price(d("1000"), time.Duration(360*i)*time.Second)
		want := decimal.NewFromInt(int64(1000 - 100*i))
		if !got.Equal(want) {
			t.Errorf("t=%ds: got %s want %s", 360*i, got, want)
		}
	}
	if got := c.Price(d("1000"), 2*time.Hour); !got.IsZero() {
		t.Errorf("past tau: %s", got)
	}
	// whole seconds: 360.9 s prices as 360 s
	if got := c.Price(d("1000"), 360*time.Second+900*time.Millisecond); !got.Equal(d("900")) {
		t.Errorf("sub-second: %s", got)
	}
	// 1/3 rounding: factor floor((3600-1200)/3600, 27) = 0.666…666
	if got := c.Price(d("3"), 1200*time.Second); !got.Equal(d("1.999999999999999999999999998")) {
		t.Errorf("thirds: %s", got)
	}
}

// dss src/test/abaci.t.sol test_continuous_exp_decrease: cut 0.999230132966
// halves the price about every 900 s, within 0.001 of 4000/2^k.
func TestExponentialDecrease_MakerHalfLife(t *testing.T) {
	c, err := NewExponentialDecrease(d("0.999230132966"))
	if err != nil {
		t.Fatal(err)
	}
	want := d("4000")
	for i := 0; i < 5; i++ {
		got := c.Price(d("4000"), time.Duration(900*i)*time.Second)
		if got.Sub(want).Abs().GreaterThan(d("0.001")) {
			t.Errorf("half-life %d: got %s want ≈ %s", i, got, want)
		}
		want = want.Mul(d("0.5"))
	}
}

// dss src/test/abaci.t.sol test_stairstep_exp_decrease: each step multiplies
// the last price by cut, holding between steps (tolerance 1e-27 per RAY of price scale).
func TestStairstepExponentialDecrease_MakerSteps(t *testing.T) {
	cut := decimal.NewFromInt(1).Sub(d("0.011234567890"))
	for _, step := range []time.Duration{time.Second, 5 * time.Second, 5 * time.Minute} {
		c, err := NewStairstepExponentialDecrease(cut, step)
		if err != nil {
			t.Fatal(err)
		}
		top := d("50000000")
		last := c.Price(top, 0)
		if !last.Equal(top) {
			t.Fatalf("price(0) = %s", last)
		}
		for i := 1; i < 600; i++ {
			p := c.Price(top, time.Duration(i)*time.Second)
			want := last
			if i%int(step/time.Second) == 0 {
				want = last.Mul(cut).RoundFloor(rayPlaces)
			}
			if p.Sub(want).Abs().GreaterThan(d("0.0000000000000001")) {
				t.Fatalf("step %s t=%d: got %s want %s", step, i, p, want)
			}
			last = p
		}
	}
	// 1% per 90 s: 3 steps at 300 s → 1000 × 0.99³ = 970.299
	c, _ := NewStairstepExponentialDecrease(d("0.99"), 90*time.Second)
	if got := c.Price(d("1000"), 300*time.Second); !got.Equal(d("970.299")) {
		t.Errorf("0.99^3: %s", got)
	}
}

func TestRpowMatchesMakerRounding(t *testing.T) {
	// 0.5^3 exact; (1/3 at 27 places)^2 rounds half up.
	x := rayFromDecimal(d("0.5"))
	if got := mustRpow(t, x, 3); got.Cmp(rayFromDecimal(d("0.125"))) != 0 {
		t.Errorf("0.5^3 = %s", got)
	}
	third := rayFromDecimal(d("0.333333333333333333333333333"))
	want, _ := new(big.Int).SetString("111111111111111111111111111", 10)
	if got := mustRpow(t, third, 2); got.Cmp(want) != 0 {
		t.Errorf("third^2 = %s", got)
	}
	if got := mustRpow(t, big.NewInt(0), 5); got.Sign() != 0 {
		t.Errorf("0^5 = %s", got)
	}
	if got := mustRpow(t, big.NewInt(0), 0); got.Cmp(ray) != 0 {
		t.Errorf("0^0 = %s", got)
	}
}

func TestCurveValidation(t *testing.T) {
	bad := []struct {
		name string
		err  func() error
	}{
		{"tau zero", func() error { _, e := NewLinearDecrease(0); return e }},
		{"tau negative", func() error { _, e := NewLinearDecrease(-time.Second); return e }},
		{"tau fractional", func() error { _, e := NewLinearDecrease(1500 * time.Millisecond); return e }},
		{"step zero", func() error { _, e := NewStairstepExponentialDecrease(d("0.99"), 0); return e }},
		{"cut zero", func() error { _, e := NewExponentialDecrease(d("0")); return e }},
		{"cut above one", func() error { _, e := NewExponentialDecrease(d("1.0001")); return e }},
		{"cut negative", func() error { _, e := NewStairstepExponentialDecrease(d("-0.5"), time.Second); return e }},
		{"cut too precise", func() error { _, e := NewExponentialDecrease(d("0.9999999999999999999999999999")); return e }},
	}
	for _, tc := range bad {
		if err := tc.err(); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := NewExponentialDecrease(d("1")); err != nil {
		t.Errorf("cut 1: %v", err)
	}
}

// drawCurve draws any curve, including parameters the constructors must
// reject; it returns nil for those.
func drawCurve(t *rapid.T) Curve {
	switch rapid.IntRange(0, 2).Draw(t, "kind") {
	case 0:
		tau := time.Duration(rapid.IntRange(1, 7200).Draw(t, "tau")) * time.Second
		c, err := NewLinearDecrease(tau)
		if err != nil {
			return nil
		}
		return c
	case 1:
		cut := testkit.Decimal(5000, 15000, 4).Draw(t, "cut") // up to 1.5: >1 must be rejected
		step := time.Duration(rapid.IntRange(1, 600).Draw(t, "step")) * time.Second
		c, err := NewStairstepExponentialDecrease(cut, step)
		if err != nil {
			return nil
		}
		return c
	default:
		cut := testkit.Decimal(5000, 15000, 4).Draw(t, "cut")
		c, err := NewExponentialDecrease(cut)
		if err != nil {
			return nil
		}
		return c
	}
}

// Property: prices are non-increasing in time, equal top at t = 0 and are
// never negative (issue 5; DESIGN invariants).
func TestCurveProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := drawCurve(t)
		if c == nil {
			return
		}
		top := testkit.Price().Draw(t, "top")
		if got := c.Price(top, 0); !got.Equal(top) {
			t.Fatalf("price(0) = %s, top %s", got, top)
		}
		t1 := time.Duration(rapid.Int64Range(0, 20000).Draw(t, "t1")) * time.Second / 2
		t2 := t1 + time.Duration(rapid.Int64Range(0, 20000).Draw(t, "dt"))*time.Second/2
		p1, p2 := c.Price(top, t1), c.Price(top, t2)
		if p2.GreaterThan(p1) {
			t.Fatalf("price rose: %s at %s, %s at %s", p1, t1, p2, t2)
		}
		if p2.Sign() < 0 || p1.Sign() < 0 {
			t.Fatalf("negative price %s %s", p1, p2)
		}
		if p1.GreaterThan(top) {
			t.Fatalf("price %s above top %s", p1, top)
		}
	})
}

// The precomputed squares give exactly Maker's rpow for every exponent.
func TestRayPowersMatchRpow(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		x := rayFromDecimal(testkit.Decimal(0, 1_000_000_000, 9).Draw(t, "x"))
		n := rapid.Uint64Range(0, 1<<40).Draw(t, "n")
		want, err := rpow(x, n)
		if err != nil {
			t.Fatal(err)
		}
		if got := newRayPowers(x).pow(n); got.Cmp(want) != 0 {
			t.Fatalf("pow(%s, %d) = %s, rpow %s", x, n, got, want)
		}
	})
}

// Zero-value curves (built without their constructors) must not panic:
// exponential curves never fall, the linear one is zero from 1 s.
func TestCurveZeroValuesDoNotPanic(t *testing.T) {
	top := d("100")
	for name, c := range map[string]Curve{
		"stairstep": &StairstepExponentialDecrease{}, "exponential": &ExponentialDecrease{},
	} {
		if got := c.Price(top, time.Hour); !got.Equal(top) {
			t.Errorf("%s zero value: %s", name, got)
		}
	}
	if got := (&LinearDecrease{}).Price(top, time.Hour); !got.IsZero() {
		t.Errorf("linear zero value: %s", got)
	}
}

// Extremes a host may pass: the largest elapsed time, cut 1 (never falls),
// the smallest cut (falls to zero at once), whole-second validation of 1 ns.
func TestCurveExtremes(t *testing.T) {
	top := d("1234.5")
	huge := time.Duration(1<<63 - 1)
	one, _ := NewExponentialDecrease(d("1"))
	tiny, _ := NewExponentialDecrease(d("0.000000000000000000000000001"))
	step, _ := NewStairstepExponentialDecrease(d("0.5"), time.Second)
	lin, _ := NewLinearDecrease(time.Second)
	for name, c := range map[string]struct {
		c    Curve
		want string
	}{"cut 1": {one, "1234.5"}, "cut 1e-27": {tiny, "0"}, "stairstep 0.5": {step, "0"}, "linear 1 s": {lin, "0"}} {
		if got := c.c.Price(top, huge); !got.Equal(d(c.want)) {
			t.Errorf("%s at %s: %s want %s", name, huge, got, c.want)
		}
	}
	if _, err := NewLinearDecrease(time.Nanosecond); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("tau 1 ns: %v", err)
	}
	if _, err := NewStairstepExponentialDecrease(d("0.99"), time.Nanosecond); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("step 1 ns: %v", err)
	}
	if _, err := NewExponentialDecrease(decimal.New(1, -1000)); !errors.Is(err, ErrInvalidSettings) {
		t.Errorf("absurd cut: %v", err)
	}
}

func mustRpow(t testing.TB, x *big.Int, n uint64) *big.Int {
	t.Helper()
	z, err := rpow(x, n)
	if err != nil {
		t.Fatalf("rpow(%s, %d): %v", x, n, err)
	}
	return z
}

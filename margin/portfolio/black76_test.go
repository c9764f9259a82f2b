package portfolio

import (
	"errors"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/num"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var d = testkit.D

// TestBlack76Published reproduces textbook Black-76 values.
func TestBlack76Published(t *testing.T) {
	cases := []struct {
		name string
		in   OptionInput
		want string // rounded to the places the source prints
		dp   int32
	}{
		// Haug, The Complete Guide to Option Pricing Formulas (2nd ed.,
		// 2007), §1.1.2 Black-76: F = 19, K = 19, T = 0.75, r = 10%,
		// σ = 28% → call = put = 1.7011.
		{"Haug2007 1.1.2 call", OptionInput{Right: Call, Forward: d("19"), Strike: d("19"), Years: d("0.75"), Rate: d("0.1"), Vol: d("0.28")}, "1.7011", 4},
		{"Haug2007 1.1.2 put", OptionInput{Right: Put, Forward: d("19"), Strike: d("19"), Years: d("0.75"), Rate: d("0.1"), Vol: d("0.28")}, "1.7011", 4},
		// Hull, Options, Futures and Other Derivatives (8th ed.), Example
		// 18.7: European put on crude oil futures, F = K = 20, r = 9%,
		// T = 4 months, σ = 25% → 1.12.
		{"Hull8 Example 18.7 put", OptionInput{Right: Put, Forward: d("20"), Strike: d("20"), Years: d("0.3333333333333333"), Rate: d("0.09"), Vol: d("0.25")}, "1.12", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := Black76(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Price.Round(c.dp); !got.Equal(d(c.want)) {
				t.Errorf("price %s rounds to %s, want %s", v.Price, got, c.want)
			}
		})
	}
}

func TestBlack76Refuses(t *testing.T) {
	ok := OptionInput{Right: Call, Forward: d("100"), Strike: d("100"), Years: d("1"), Vol: d("0.5")}
	cases := map[string]func(*OptionInput){
		"zero forward":    func(in *OptionInput) { in.Forward = decimal.Zero },
		"negative strike": func(in *OptionInput) { in.Strike = d("-1") },
		"negative vol":    func(in *OptionInput) { in.Vol = d("-0.1") },
		"vol above max":   func(in *OptionInput) { in.Vol = d("10.01") },
		"years above max": func(in *OptionInput) { in.Years = d("10.5") },
		"negative years":  func(in *OptionInput) { in.Years = d("-1") },
		"no right":        func(in *OptionInput) { in.Right = 0 },
		"far strike":      func(in *OptionInput) { in.Strike = d("50001") },
		"absurd exponent": func(in *OptionInput) { in.Forward = decimal.New(1, 1<<30) },
		"rate above 1":    func(in *OptionInput) { in.Rate = d("1.5") },
	}
	for name, mut := range cases {
		t.Run(name, func(t *testing.T) {
			in := ok
			mut(&in)
			if _, err := Black76(in); !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v, want ErrInvalidInput", err)
			}
		})
	}
}

// genOption draws an option the pricer accepts.
func genOption(t *rapid.T) OptionInput {
	f := testkit.Decimal(1, 10_000_000, 2).Draw(t, "forward") // 0.01 … 100,000
	m := testkit.Decimal(200, 5000, 3).Draw(t, "moneyness")   // K/F in 0.2 … 5
	return OptionInput{
		Right:   rapid.SampledFrom([]Right{Call, Put}).Draw(t, "right"),
		Forward: f,
		Strike:  f.Mul(m).Round(6).Add(decimal.New(1, -6)),
		Vol:     testkit.Decimal(0, 3000, 3).Draw(t, "vol"),     // 0 … 3
		Years:   testkit.Decimal(0, 30000, 4).Draw(t, "years"),  // 0 … 3
		Rate:    testkit.Decimal(-500, 1500, 4).Draw(t, "rate"), // ≤ 0.15 × 3 years: within the 0.5 bound
	}
}

// TestPropPutCallParity: C − P = e^(−rT)(F − K) to 10^-14 × max(F, K).
// Mutation seen failing: the put's F term weighted by Φ(−d2) instead of
// Φ(−d1) in series.value (n1 = n2 for puts).
func TestPropPutCallParity(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genOption(t)
		in.Right = Call
		c, err := Black76(in)
		if err != nil {
			t.Fatal(err)
		}
		in.Right = Put
		p, err := Black76(in)
		if err != nil {
			t.Fatal(err)
		}
		df, _ := in.Rate.Neg().Mul(in.Years).ExpTaylor(20)
		want := df.Mul(in.Forward.Sub(in.Strike))
		tol := decimal.Max(in.Forward, in.Strike).Mul(d("1e-14"))
		if diff := c.Price.Sub(p.Price).Sub(want).Abs(); diff.Cmp(tol) > 0 {
			t.Fatalf("C − P = %s, e^(−rT)(F − K) = %s, off by %s", c.Price.Sub(p.Price), want, diff)
		}
		if c.Price.Sign() < 0 || p.Price.Sign() < 0 {
			t.Fatalf("negative price: call %s put %s", c.Price, p.Price)
		}
	})
}

// TestPropGreeksFiniteDifferences: each Greek agrees with a central finite
// difference of the pricer itself. Mutations seen failing: gamma without
// the division by s (series.greeks), vega without √T, theta with +r·V
// replaced by −r·V, delta of a put as e^(−rT)·Φ(d1).
func TestPropGreeksFiniteDifferences(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genOption(t)
		in.Forward = testkit.Decimal(5000, 20000, 2).Draw(t, "forward") // 50 … 200
		in.Strike = in.Forward.Mul(testkit.Decimal(700, 1400, 3).Draw(t, "moneyness")).Round(4)
		in.Vol = testkit.Decimal(100, 1500, 3).Draw(t, "vol")      // 0.1 … 1.5
		in.Years = testkit.Decimal(500, 20000, 4).Draw(t, "years") // 0.05 … 2
		v, err := Black76(in)
		if err != nil {
			t.Fatal(err)
		}
		price := func(mod func(*OptionInput)) decimal.Decimal {
			x := in
			mod(&x)
			r, err := Black76(x)
			if err != nil {
				t.Fatal(err)
			}
			return r.Price
		}
		hF := d("0.01")
		up := price(func(x *OptionInput) { x.Forward = x.Forward.Add(hF) })
		dn := price(func(x *OptionInput) { x.Forward = x.Forward.Sub(hF) })
		fdDelta := num.Div(up.Sub(dn), hF.Mul(d("2")), 20, num.HalfEven)
		fdGamma := num.Div(up.Add(dn).Sub(v.Price.Mul(d("2"))), hF.Mul(hF), 20, num.HalfEven)
		hV := d("0.0001")
		fdVega := num.Div(price(func(x *OptionInput) { x.Vol = x.Vol.Add(hV) }).Sub(price(func(x *OptionInput) { x.Vol = x.Vol.Sub(hV) })), hV.Mul(d("2")), 20, num.HalfEven)
		hT := d("0.0001")
		fdTheta := num.Div(price(func(x *OptionInput) { x.Years = x.Years.Sub(hT) }).Sub(price(func(x *OptionInput) { x.Years = x.Years.Add(hT) })), hT.Mul(d("2")), 20, num.HalfEven)
		check := func(name string, got, fd, tol decimal.Decimal) {
			if got.Sub(fd).Abs().Cmp(tol) > 0 {
				t.Fatalf("%s = %s, finite difference %s", name, got, fd)
			}
		}
		check("delta", v.Delta, fdDelta, d("1e-5"))
		check("gamma", v.Gamma, fdGamma, d("1e-4").Add(v.Gamma.Abs().Mul(d("0.01"))))
		check("vega", v.Vega, fdVega, d("1e-4").Add(v.Vega.Abs().Mul(d("0.001"))))
		check("theta", v.Theta, fdTheta, d("1e-3").Add(v.Theta.Abs().Mul(d("0.01"))))
	})
}

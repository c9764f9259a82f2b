package portfolio

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// FuzzBlack76 feeds host strings to the pricer: it never panics or hangs,
// refuses with ErrInvalidInput or ErrRange, and what it accepts is a
// non-negative price obeying put–call parity.
func FuzzBlack76(f *testing.F) {
	f.Add("19", "19", "0.28", "0.75", "0.1")
	f.Add("100000", "250000", "3", "0.001", "0")
	f.Add("0.0001", "0.05", "10", "10", "-1")
	f.Fuzz(func(t *testing.T, fs, ks, vs, ys, rs string) {
		parse := func(s string) (decimal.Decimal, bool) {
			if len(s) > 40 {
				return decimal.Zero, false
			}
			v, err := decimal.NewFromString(s)
			return v, err == nil
		}
		fv, ok1 := parse(fs)
		kv, ok2 := parse(ks)
		vv, ok3 := parse(vs)
		yv, ok4 := parse(ys)
		rv, ok5 := parse(rs)
		if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
			return
		}
		in := OptionInput{Right: Call, Forward: fv, Strike: kv, Vol: vv, Years: yv, Rate: rv}
		c, err := Black76(in)
		if err != nil {
			if !errors.Is(err, ErrInvalidInput) && !errors.Is(err, ErrRange) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		in.Right = Put
		p, err := Black76(in)
		if err != nil {
			t.Fatalf("call accepted, put refused: %v", err)
		}
		if c.Price.Sign() < 0 || p.Price.Sign() < 0 {
			t.Fatalf("negative price %s %s", c.Price, p.Price)
		}
		df, _ := rv.Neg().Mul(yv).ExpTaylor(20)
		want := df.Mul(fv.Sub(kv))
		tol := decimal.Max(fv, kv).Mul(d("1e-13"))
		if c.Price.Sub(p.Price).Sub(want).Abs().Cmp(tol) > 0 {
			t.Fatalf("parity: C − P = %s, want %s", c.Price.Sub(p.Price), want)
		}
	})
}

// TestSettingsJSONRoundTrip: Settings survive JSON (a standby node rebuilds
// the same Engine) and the rebuilt Engine gives identical results.
func TestSettingsJSONRoundTrip(t *testing.T) {
	e := propEngine(t, false)
	s := Settings{Grid: e.Grid(), AddOns: e.addOns, Scale: e.scale, InitialFactor: e.initial}
	s.Underlyings = append(s.Underlyings, e.unders...)
	s.Instruments = append(s.Instruments, e.insts...)
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Settings
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	e2, err := New(back)
	if err != nil {
		t.Fatal(err)
	}
	book := []Position{{Instrument: "BTC-30D-100-call", Size: d("-3")}, {Instrument: "ETH-30D-90-put", Size: d("2.5")}, {Instrument: "BTC-PERP", Size: d("1"), Entry: d("99000")}}
	m := propMarks(e)
	r1, err := e.Requirement(propNow, book, m)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := e2.Requirement(propNow, book, m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r1, r2, testkit.EquateDecimals); diff != "" {
		t.Errorf("(-before +after):\n%s", diff)
	}
}

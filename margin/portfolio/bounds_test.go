package portfolio

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// boundsEngine lists options struck at 100,000 on BTC (DeribitPM grid)
// and, with far, one expiring 100 years ahead.
func boundsEngine(t *testing.T, inverse bool) *Engine {
	t.Helper()
	exp := propNow.Add(30 * 24 * time.Hour)
	var insts []Instrument
	for _, r := range []Right{Call, Put} {
		insts = append(insts,
			Instrument{ID: "K100000-" + r.String(), Underlying: "BTC", Kind: Option, Right: r, Strike: d("100000"), Expiry: exp, ContractSize: d("1"), Inverse: inverse},
			Instrument{ID: "K100-" + r.String(), Underlying: "BTC", Kind: Option, Right: r, Strike: d("100"), Expiry: exp, ContractSize: d("1"), Inverse: inverse},
			Instrument{ID: "LONG-" + r.String(), Underlying: "BTC", Kind: Option, Right: r, Strike: d("100000"), Expiry: propNow.AddDate(100, 0, 0), ContractSize: d("1"), Inverse: inverse},
		)
	}
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.16")}},
		Instruments: insts,
		Grid:        DeribitPM(VolShock{Up: d("0.1"), Down: d("0.08")}, d("0.25")),
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func boundsMarks(e *Engine, price string) Marks {
	m := Marks{Prices: map[string]decimal.Decimal{"BTC": d(price)}, Vols: map[string]decimal.Decimal{}}
	for _, in := range e.insts {
		m.Vols[in.ID] = d("0.8")
	}
	return m
}

// TestFarMoneynessValuedByBounds: after a crash from 100,000 to 150 (strike
// / price 666, beyond MaxMoneyness) an account short puts struck at 100,000
// is still margined, every short beyond the pricer's range liquidatable
// (wallet 0), valued at least at its intrinsic value, and a long valued at
// no more than its upper bound (F for a call, K for a put). Review of issue 17: optSeries returned
// ErrRange, so every Risk of the account errored and it could never be
// liquidated. Mutation seen failing: optSeries's ErrRange restored.
func TestFarMoneynessValuedByBounds(t *testing.T) {
	for _, inverse := range []bool{false, true} {
		e := boundsEngine(t, inverse)
		for _, price := range []string{"150", "1", "60000000"} {
			m := boundsMarks(e, price)
			f := d(price)
			for _, id := range []string{"K100000-put", "K100000-call", "K100-put", "K100-call", "LONG-call", "LONG-put"} {
				in := e.insts[e.instIdx[id]]
				// Bounds per unit, in price units: lo = intrinsic, hi = F (call) or K (put).
				lo := decimal.Max(f.Sub(in.Strike), decimal.Zero)
				hi := f
				if in.Right == Put {
					lo, hi = decimal.Max(in.Strike.Sub(f), decimal.Zero), in.Strike
				}
				if inverse {
					lo, hi = num6(lo, f), num6(hi, f)
				}
				short := Account{ID: "s", Positions: []Position{{Instrument: id, Size: d("-1")}}}
				r, res, err := e.Risk(propNow, short, m)
				if err != nil {
					t.Fatalf("inverse=%v price %s %s short: %v", inverse, price, id, err)
				}
				// Equity of a short is −(its value): at most −lo.
				if r.Equity.Cmp(lo.Neg()) > 0 {
					t.Errorf("inverse=%v price %s %s short: equity %s above −intrinsic %s", inverse, price, id, r.Equity, lo.Neg())
				}
				bounded := in.Strike.Cmp(f.Mul(MaxMoneyness)) > 0 || f.Cmp(in.Strike.Mul(MaxMoneyness)) > 0 || in.Expiry.After(propNow.AddDate(10, 0, 0))
				if bounded && !r.Liquidatable {
					t.Errorf("inverse=%v price %s %s: short 1, wallet 0, not liquidatable: %+v %+v", inverse, price, id, r, res)
				}
				long := Account{ID: "l", Positions: []Position{{Instrument: id, Size: d("1")}}}
				rl, _, err := e.Risk(propNow, long, m)
				if err != nil {
					t.Fatalf("inverse=%v price %s %s long: %v", inverse, price, id, err)
				}
				if rl.Equity.Cmp(hi.Add(d("0.00000001"))) > 0 {
					t.Errorf("inverse=%v price %s %s long: equity %s above the bound %s", inverse, price, id, rl.Equity, hi)
				}
			}
		}
	}
}

func num6(x, f decimal.Decimal) decimal.Decimal { return x.DivRound(f, 20) }

// TestExpiryBounded: New refuses an option expiring after 2200 (or before
// 1970); CheckOrder refuses an order on an option expiring more than
// MaxYears after now; an option New accepts that expires beyond MaxYears
// (100 years, listed by a host) is still valued, by bounds. Review of
// issue 17: New accepted it and every account holding it errored.
// Mutation seen failing: optSeries's MaxYears refusal restored.
func TestExpiryBounded(t *testing.T) {
	e := boundsEngine(t, false)
	m := boundsMarks(e, "90000")
	short := Account{ID: "s", Positions: []Position{{Instrument: "LONG-call", Size: d("-1")}}}
	r, _, err := e.Risk(propNow, short, m)
	if err != nil {
		t.Fatalf("Risk of a 100-year option: %v", err)
	}
	if !r.Liquidatable {
		t.Errorf("short a 100-year call, wallet 0: not liquidatable: %+v", r)
	}
	if _, err := e.CheckOrder(propNow, Account{Wallet: d("1000000")}, Order{Instrument: "LONG-call", Size: d("1"), Price: d("50000")}, m); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("order on a 100-year option: err %v, want ErrInvalidInput", err)
	}
	for _, exp := range []time.Time{time.Date(2200, 1, 1, 0, 0, 1, 0, time.UTC), time.Date(1969, 12, 31, 0, 0, 0, 0, time.UTC)} {
		_, err := New(Settings{
			Underlyings: []Underlying{{ID: "BTC", ScanFraction: d("0.16")}},
			Instruments: []Instrument{{ID: "X", Underlying: "BTC", Kind: Option, Right: Call, Strike: d("1"), Expiry: exp, ContractSize: d("1")}},
			Grid:        DeribitPM(VolShock{Up: d("0.1"), Down: d("0.08")}, d("0.25")),
		})
		if !errors.Is(err, ErrInvalidSettings) {
			t.Errorf("expiry %s: err %v, want ErrInvalidSettings", exp, err)
		}
	}
}

// TestPropBoundsBracketBlack76: where Black-76 values an option, the
// bounds the engine falls back to beyond its range bracket it at the
// marks and in every scenario: lower = discounted intrinsic ≤ V ≤ lower +
// slack (the upper bound a net short is charged). Mutations seen failing:
// the slack taken at the marks' price only (a scenario's price above the
// mark needs more), a put's intrinsic value as F − K.
func TestPropBoundsBracketBlack76(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inverse := rapid.Bool().Draw(t, "inverse")
		right := rapid.SampledFrom([]Right{Call, Put}).Draw(t, "right")
		strike := testkit.Decimal(1, 1_000_000, 2).Draw(t, "strike")
		days := rapid.IntRange(1, 3000).Draw(t, "days")
		in := Instrument{ID: "O", Underlying: "U", Kind: Option, Right: right, Strike: strike, Expiry: propNow.Add(time.Duration(days) * 24 * time.Hour), ContractSize: d("1"), Inverse: inverse}
		e, err := New(Settings{
			Underlyings: []Underlying{{ID: "U", ScanFraction: testkit.Decimal(10, 900, 3).Draw(t, "scan")}},
			Instruments: []Instrument{in},
			Grid:        DeribitPM(VolShock{Up: d("0.3"), Down: d("0.2")}, d("0.25")),
		})
		if err != nil {
			t.Fatal(err)
		}
		price := strike.Mul(testkit.Decimal(3, 300_000, 3).Draw(t, "F/K")) // 0.003 … 300
		m := Marks{Prices: map[string]decimal.Decimal{"U": price}, Vols: map[string]decimal.Decimal{"O": testkit.Decimal(0, 5000, 3).Draw(t, "vol")}}
		a, err := e.Arrays(propNow, m)
		if err != nil {
			t.Fatal(err)
		}
		ia := a.arr[0]
		if ia.bnd != nil {
			t.Skip("valued by bounds already")
		}
		u := &a.unders[0]
		b, err := a.bounded(0, u, a.expiry(in.Expiry))
		if err != nil {
			t.Fatal(err)
		}
		norm := price // Black-76's arrays are per unit of price (linear) or coin
		if inverse {
			norm = d("1")
		}
		tol := decimal.Max(price, strike).Mul(d("1e-12"))
		if inverse {
			tol = decimal.Max(d("1"), strike.DivRound(price, 16)).Mul(d("1e-12"))
		}
		check := func(what string, v, lo, hi decimal.Decimal) {
			if v.Cmp(lo.Sub(tol)) < 0 || v.Cmp(hi.Add(tol)) > 0 {
				t.Fatalf("%s: Black-76 %s outside the bounds [%s, %s]", what, v, lo, hi)
			}
		}
		v0 := wDec(ia.w0).Mul(norm)
		check("marks", v0, b.bnd.v0, b.bnd.v0.Add(b.bnd.slack))
		for s := range e.sc {
			vs := wDec(ia.w0 + ia.gain[s]).Mul(norm)
			lo := b.bnd.v0.Add(b.bnd.gain[s])
			check(fmt.Sprintf("scenario %d", s), vs, lo, lo.Add(b.bnd.slack))
		}
	})
}

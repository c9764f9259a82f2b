package portfolio

import (
	"errors"
	"testing"
	"time"

	"github.com/shopspring/decimal"
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

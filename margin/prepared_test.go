package margin

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// Property (issue 12 item 3): Risk on a Prepared account at Marks equals
// Calculator.Risk on the account at the same prices, figure for figure,
// on random accounts (linear and inverse, mark and entry basis, Marginal
// and Step, isolated and cross, collateral, chosen leverage). It also
// guards the position the decimal fallback rebuilds from the kernel's
// numbers (prepPos.position): seen failing with its Margin dropped and
// with its Leverage dropped.
func TestPropPreparedRiskEqualsRisk(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, a, _ := genEdgeAccount(t, d("1"), d("3"), d("7"), d("125"))
		want, err := c.Risk(t0, a)
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.Prepare(a)
		if err != nil {
			t.Fatal(err)
		}
		m, err := c.Marks(t0, p.Assets()...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Risk(m)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.AccountRisk(), testkit.EquateDecimals); diff != "" {
			t.Fatalf("prepared Risk differs from Risk:\n%s", diff)
		}
		if got.Liquidatable() != want.Liquidatable || got.InitialCollateralised() != want.InitialCollateralised ||
			got.IsolatedLiquidatable() != want.IsolatedLiquidatable || got.MustReduce() != want.MustReduce {
			t.Fatalf("predicates differ: %+v vs %+v", got.AccountRisk(), want)
		}
	})
}

// A prepared account fails closed: a price the PriceSource refuses at the
// marks' time (out of range, ≤ 0, missing, an error) is an error, never
// the answer at an older price; so are marks of another Calculator and a
// collateral asset the marks lack. Prepare refuses what ValidateAccount
// refuses.
func TestPreparedFailsClosed(t *testing.T) {
	prices := StaticPrices{"X": d("100"), "Y": d("50"), "C": d("2")}
	mk := []Market{{ID: "X", Tiers: binanceBTC()}, {ID: "Y", Tiers: binanceBTC()}}
	c := newCalc(t, prices, mk...)
	a := Account{ID: "a", Wallet: d("1000"), Positions: []Position{{Market: "X", Size: d("10"), EntryPrice: d("100")}},
		Collateral: []Collateral{{Asset: "C", Amount: d("5"), Ratio: d("0.9")}}}
	p, err := c.Prepare(a)
	if err != nil {
		t.Fatal(err)
	}
	good, err := c.Marks(t0, "C")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Risk(good); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		price decimal.Decimal
		del   bool
	}{
		{"price out of range", decimal.New(1, 1<<30), false},
		{"price zero", decimal.Zero, false},
		{"price negative", d("-1"), false},
		{"price missing", decimal.Zero, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := prices["X"]
			defer func() { prices["X"] = old }()
			if tc.del {
				delete(prices, "X")
			} else {
				prices["X"] = tc.price
			}
			m, err := c.Marks(t0, "C")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Risk(m); !errors.Is(err, ErrPrice) {
				t.Fatalf("err = %v, want ErrPrice", err)
			}
			// An account not in X is still valued: the refusal is per market.
			q, err := c.Prepare(Account{ID: "b", Wallet: d("10"), Positions: []Position{{Market: "Y", Size: d("1"), EntryPrice: d("50")}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := q.Risk(m); err != nil {
				t.Fatal(err)
			}
		})
	}
	other := newCalc(t, prices, mk...)
	om, _ := other.Marks(t0, "C")
	if _, err := p.Risk(om); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("marks of another calculator: err = %v", err)
	}
	if _, err := p.Risk(nil); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("nil marks: err = %v", err)
	}
	noC, _ := c.Marks(t0)
	if _, err := p.Risk(noC); !errors.Is(err, ErrPrice) {
		t.Fatalf("collateral not in marks: err = %v", err)
	}
	bad := a.Clone()
	bad.Positions[0].Size = decimal.Zero
	if _, err := c.Prepare(bad); !errors.Is(err, ErrInvalidInput) {
		t.Fatalf("Prepare of an invalid account: err = %v", err)
	}
	var zero Calculator
	if _, err := zero.Marks(t0); !errors.Is(err, ErrInvalidSettings) {
		t.Fatalf("Marks of a zero Calculator: err = %v", err)
	}
}

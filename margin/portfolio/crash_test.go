package portfolio

import (
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// TestCrashScenarioFloorsPrice: with a SPAN scan amount of 20 and the
// price at or below 40 (2 × the amount), SPAN16's down-extreme scenario
// moves the price to zero or below. The moved price is floored at 10⁻⁶ of
// the mark (minMove), so a short put is charged ≈ its strike and the
// account stays liquidatable exactly in the crash. Review of issue 17:
// Requirement and Risk returned ErrRange, so the account was never
// reported liquidatable. Mutation seen failing: movesOf returning ErrRange
// below minMove (the old behaviour).
func TestCrashScenarioFloorsPrice(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "SP", ScanAmount: d("20")}},
		Instruments: []Instrument{
			{ID: "P40", Underlying: "SP", Kind: Option, Right: Put, Strike: d("40"), Expiry: now.Add(30 * 24 * time.Hour), ContractSize: d("1")},
			{ID: "C40", Underlying: "SP", Kind: Option, Right: Call, Strike: d("40"), Expiry: now.Add(30 * 24 * time.Hour), ContractSize: d("1")},
		},
		Grid:  SPAN16(d("0.05"), 0),
		Scale: 4,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, price := range []string{"40", "39", "10"} {
		t.Run("price "+price, func(t *testing.T) {
			m := Marks{Prices: map[string]decimal.Decimal{"SP": d(price)}, Vols: map[string]decimal.Decimal{"P40": d("0.3"), "C40": d("0.3")}}
			acct := Account{ID: "a", Positions: []Position{{Instrument: "P40", Size: d("-10")}}}
			r, res, err := e.Risk(now, acct, m)
			if err != nil {
				t.Fatalf("Risk: %v", err)
			}
			if !r.Liquidatable {
				t.Errorf("short 10 puts, wallet 0, at %s: not liquidatable: %+v", price, r)
			}
			// Down extreme (index 15): the put is worth ≈ 40 there; the
			// loss (positive) is 35% of 10 × (≈40 − the put's mark value),
			// equity being −10 × the put's mark value (wallet 0).
			want := d("0.35").Mul(d("400").Add(r.Equity).Sub(d("0.01"))) // a cent for the floor
			if res.Losses[15].Cmp(want) < 0 {
				t.Errorf("down-extreme loss %s, want ≥ %s (put ≈ strike)", res.Losses[15], want)
			}
			// A call there is worth ≈ 0: long 10 calls lose ≈ all their value.
			rc, err := e.Requirement(now, []Position{{Instrument: "C40", Size: d("10")}}, m)
			if err != nil {
				t.Fatalf("call Requirement: %v", err)
			}
			if price == "40" && rc.Losses[15].Sign() <= 0 {
				t.Errorf("long calls at the money: down-extreme loss %s, want > 0", rc.Losses[15])
			}
		})
	}
}

// TestRiskNearExpiry: an at-the-money option in its last second is still
// margined. Found while fixing the review of issue 17: one second before
// expiry its gamma and theta (not used by margin) overflowed the kernel and
// Risk returned ErrRange, so a short was never reported liquidatable.
// Mutation seen failing: Arrays.value using greeks (all Greeks) instead of
// priceDelta.
func TestRiskNearExpiry(t *testing.T) {
	e, m := hedgeEngine(t)
	exp := propNow.Add(30 * 24 * time.Hour)
	acct := Account{ID: "a", Positions: []Position{{Instrument: "C100", Size: d("-10")}}}
	for _, before := range []time.Duration{time.Second, 10 * time.Second, time.Minute} {
		r, res, err := e.Risk(exp.Add(-before), acct, m)
		if err != nil {
			t.Fatalf("%v before expiry: %v", before, err)
		}
		if !r.Liquidatable || res.Maintenance.Sign() <= 0 {
			t.Errorf("%v before expiry: short 10 ATM calls, wallet 0: %+v", before, r)
		}
	}
}

// TestCrashScenarioInverseCapped: an inverse future (coin-settled, value
// ∝ 1/price) under a crash scenario that moves its price to zero is
// charged at 1/s capped at maxInvS (500), not refused. Mutation seen
// failing: invS computed as 1/s with no cap (kernel overflow → ErrRange).
func TestCrashScenarioInverseCapped(t *testing.T) {
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	e, err := New(Settings{
		Underlyings: []Underlying{{ID: "BTC", ScanAmount: d("20")}},
		Instruments: []Instrument{{ID: "F", Underlying: "BTC", Kind: Future, Inverse: true, ContractSize: d("10")}},
		Grid:        SPAN16(d("0.05"), 0),
		Scale:       8,
	})
	if err != nil {
		t.Fatal(err)
	}
	m := Marks{Prices: map[string]decimal.Decimal{"BTC": d("40")}}
	res, err := e.Requirement(now, []Position{{Instrument: "F", Size: d("1"), Entry: d("40")}}, m)
	if err != nil {
		t.Fatal(err)
	}
	// 10 USD at 40 is 0.25 coin; at 1/500 of the price it is 125 coin:
	// a loss of 124.75 coin, 35% covered.
	if want := d("0.35").Mul(d("124.75")); !res.Losses[15].Equal(want) {
		t.Errorf("down-extreme loss %s, want %s", res.Losses[15], want)
	}
}

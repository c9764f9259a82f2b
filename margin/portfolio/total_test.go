package portfolio

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// drawWide draws a positive decimal of mantissa 1 … 999,999 times 10^e,
// e in [lo, hi]: prices and strikes across 20 orders of magnitude.
func drawWide(t *rapid.T, name string, lo, hi int32) decimal.Decimal {
	return decimal.New(rapid.Int64Range(1, 999_999).Draw(t, name+" mantissa"), rapid.Int32Range(lo, hi).Draw(t, name+" exponent"))
}

// TestPropRiskTotal: for any instruments New accepts (strikes from 10⁻⁶
// to 10¹⁴, expiries from just expired to 2199, linear or inverse), any
// grid (relative Deribit-like, or SPAN16 by a scan amount that floors the
// crash scenario's price at minMove), any marks in the accepted range
// (prices from 10⁻⁶ to 10¹⁵, vols in [0, MaxVol], a rate with |rate ×
// years| ≤ 0.5) and any book, Requirement and Risk never return an
// error: no crash or rally can leave an account unmarginable and so
// never liquidatable. Mutations seen failing: optSeries's ErrRange for a
// strike beyond MaxMoneyness restored (the old path); the MaxYears
// refusal restored; Arrays.value returning ErrRange when the kernel
// overflows instead of valuing by bounds (an inverse put at a floored
// price).
func TestPropRiskTotal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		inverse := rapid.Bool().Draw(t, "inverse")
		n := rapid.IntRange(1, 6).Draw(t, "instruments")
		var insts []Instrument
		latest := propNow
		for i := range n {
			in := Instrument{ID: fmt.Sprintf("I%d", i), Underlying: "U", ContractSize: drawWide(t, "contract size", -4, 1), Inverse: inverse}
			if rapid.IntRange(0, 3).Draw(t, "kind") == 0 {
				in.Kind = Future
			} else {
				in.Kind, in.Right = Option, rapid.SampledFrom([]Right{Call, Put}).Draw(t, "right")
				in.Strike = drawWide(t, "strike", -12, 8)
				secs := rapid.Int64Range(-86400, maxExpiry.Unix()-propNow.Unix()).Draw(t, "expiry seconds")
				if rapid.Bool().Draw(t, "near") {
					secs = rapid.Int64Range(-86400, 3*secondsPerYear).Draw(t, "near seconds")
				}
				in.Expiry = propNow.Add(time.Duration(secs) * time.Second)
				if in.Expiry.After(latest) {
					latest = in.Expiry
				}
			}
			insts = append(insts, in)
		}
		u := Underlying{ID: "U", ScanFraction: testkit.Decimal(1, 1000, 3).Draw(t, "scan fraction")}
		grid := DeribitPM(VolShock{Up: d("0.3"), Down: d("0.2")}, d("0.25"))
		if rapid.Bool().Draw(t, "span") {
			u = Underlying{ID: "U", ScanAmount: drawWide(t, "scan amount", -6, 9)}
			grid = SPAN16(testkit.Decimal(0, 2000, 3).Draw(t, "vol scan"), rapid.SampledFrom([]int64{0, 86400}).Draw(t, "look-ahead"))
		}
		e, err := New(Settings{Underlyings: []Underlying{u}, Instruments: insts, Grid: grid})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		price := drawWide(t, "price", -12, 9)
		m := Marks{Prices: map[string]decimal.Decimal{"U": price}, Vols: map[string]decimal.Decimal{}}
		for _, in := range insts {
			m.Vols[in.ID] = testkit.Decimal(0, 10_000, 3).Draw(t, "vol")
		}
		if rapid.Bool().Draw(t, "rate") {
			// |rate × years| ≤ 0.5 for the longest option (Marks.Rate).
			years := max(latest.Unix()-propNow.Unix(), secondsPerYear) / secondsPerYear
			m.Rate = testkit.Decimal(-500, 500, 3).Draw(t, "rate × years").Div(decimal.NewFromInt(years + 1)).Round(16)
		}
		var acct Account
		for range rapid.IntRange(1, 8).Draw(t, "positions") {
			size := drawWide(t, "size", -3, 3)
			if rapid.Bool().Draw(t, "short") {
				size = size.Neg()
			}
			acct.Positions = append(acct.Positions, Position{Instrument: rapid.SampledFrom(insts).Draw(t, "instrument").ID, Size: size, Entry: drawWide(t, "entry", -6, 9)})
		}
		if _, err := e.Requirement(propNow, acct.Positions, m); err != nil {
			t.Fatalf("Requirement: %v", err)
		}
		r, _, err := e.Risk(propNow, acct, m)
		if err != nil {
			t.Fatalf("Risk: %v", err)
		}
		if r.Initial.Cmp(r.Maintenance) < 0 || r.Maintenance.Sign() < 0 {
			t.Fatalf("initial %s, maintenance %s", r.Initial, r.Maintenance)
		}
	})
}

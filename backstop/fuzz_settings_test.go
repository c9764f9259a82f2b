package backstop

import (
	"testing"

	"github.com/shopspring/decimal"
)

// Settings are host input: New (a waterfall of built-in layers),
// NewInsuranceFund, NewDefaultFund and NewBackstopPool refuse a bad
// configuration (zero, negative or absurd-exponent decimals, duplicate or
// empty IDs) with an error, never a panic, and an accepted one answers one
// Cover, Deposit or Replenish.
func FuzzSettings(f *testing.F) {
	// One valid configuration, then invalid ones.
	f.Add("a", "b", int64(100), int64(0), int64(1), int64(0), int64(50), int64(0))
	f.Add("a", "a", int64(-1), int64(0), int64(0), int64(0), int64(0), int64(0))
	f.Add("", "", int64(1), int64(1<<31-1), int64(1), int64(-1<<31), int64(1), int64(1<<30))
	f.Fuzz(func(t *testing.T, id1, id2 string, aCoef, aExp, uCoef, uExp, lCoef, lExp int64) {
		// No arithmetic on fuzzed decimals here: only the library must
		// refuse absurd exponents.
		dec := func(coef, exp int64) decimal.Decimal { return decimal.New(coef, int32(exp)) }
		amt, unit, loss := dec(aCoef, aExp), dec(uCoef, uExp), dec(lCoef, lExp)
		var layers []Layer
		if l, err := NewDefaulterLayer(id1, amt, loss); err == nil {
			layers = append(layers, l)
		}
		if l, err := NewSocialLayer(id2, []Balance{{Account: id1, Amount: amt}, {Account: id2, Amount: loss}}, unit); err == nil {
			layers = append(layers, l)
		}
		if w, err := New(Settings{Layers: layers, Unit: unit}); err == nil {
			_, _ = w.Cover(t0, Claim{ID: "c", Amount: loss})
		}
		if fd, err := NewInsuranceFund(FundSettings{Funds: []FundSpec{{ID: id1, Floor: amt}, {ID: id2}},
			Markets: map[string]string{"m": id1}, Shared: id2, Unit: unit}); err == nil {
			_, _ = fd.Deposit(t0, "", id1, loss, "x", "fuzz")
		}
		if df, err := NewDefaultFund(DefaultFundSettings{Members: []MemberSpec{{ID: id1, Contribution: amt, AssessmentCap: loss},
			{ID: id2, Contribution: loss}}, SkinInTheGame: loss, Assessment: AssessmentRule{Fixed: amt, Multiple: unit}, Unit: unit}); err == nil {
			_, _ = df.Cover(t0, Default{ID: "d", Member: id1, Loss: loss, Margin: amt})
		}
		if p, err := NewBackstopPool(PoolSettings{LayerID: id1, Providers: []Provider{{ID: id1, Capacity: amt}, {ID: id2, Capacity: loss}},
			Unit: unit, SizeUnit: unit, ByCommitment: aCoef%2 == 0}); err == nil {
			p.Replenish(t0)
			_ = p.Remaining()
		}
	})
}

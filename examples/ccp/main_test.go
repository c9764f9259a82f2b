package main

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/backstop"
	"github.com/failsafe-fi/failsafe/internal/testkit"
)

var d = testkit.D

// drawsOf returns each layer's draw and its payers, for comparison.
func drawsOf(r Result) map[string][]Payer {
	out := map[string][]Payer{}
	for _, l := range r.Draws {
		out[l.Layer] = append([]Payer{{Account: "total", Amount: l.Drawn}}, l.Payers...)
	}
	return out
}

// checkConservation asserts the promises every run must keep: Σ drawn +
// residual = loss, the journal sums to zero and its loss account holds
// exactly what was covered.
func checkConservation(t *testing.T, r Result) {
	t.Helper()
	sum := decimal.Zero
	for _, l := range r.Draws {
		sum = sum.Add(l.Drawn)
	}
	if !sum.Equal(r.Covered) || !sum.Add(r.Residual).Equal(r.Scenario.Loss) {
		t.Errorf("drawn %s + residual %s != loss %s", sum, r.Residual, r.Scenario.Loss)
	}
	if !r.JournalSum.IsZero() {
		t.Errorf("journal sums to %s, want 0", r.JournalSum)
	}
	if !r.LossAccount.Equal(r.Covered) {
		t.Errorf("loss account %s != covered %s", r.LossAccount, r.Covered)
	}
}

// The backstop issue's worked example (loss 500; margin 200, DF 50, skin
// 10, survivors A 100, B 60, C 40, assessments capped at 1×): the draws per
// layer are mandatory.
func TestWorkedExampleDraws(t *testing.T) {
	r, err := Run(Config{}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkConservation(t, r)
	want := map[string][]Payer{
		backstop.StepDefaulterMargin:       {{"total", d("200")}, {"margin:D", d("200")}},
		backstop.StepDefaulterContribution: {{"total", d("50")}, {"contribution:D", d("50")}},
		backstop.StepSkinInTheGame:         {{"total", d("10")}, {"ccp:skin-in-the-game", d("10")}},
		backstop.StepSurvivorContributions: {{"total", d("200")}, {"contribution:A", d("100")}, {"contribution:B", d("60")}, {"contribution:C", d("40")}},
		backstop.StepAssessments:           {{"total", d("40")}, {"assessment:A", d("20")}, {"assessment:B", d("12")}, {"assessment:C", d("8")}},
		backstop.StepVMHaircut:             {{"total", d("0")}},
	}
	if diff := cmp.Diff(want, drawsOf(r), testkit.EquateDecimals); diff != "" {
		t.Errorf("draws (-want +got):\n%s", diff)
	}
	if !r.Residual.IsZero() {
		t.Errorf("residual %s, want 0", r.Residual)
	}
	wantAssessed := []Payer{{"A", d("20")}, {"B", d("12")}, {"C", d("8")}}
	if diff := cmp.Diff(wantAssessed, r.Assessed, testkit.EquateDecimals); diff != "" {
		t.Errorf("assessed (-want +got):\n%s", diff)
	}
	if !r.FundAfter.Equal(d("200")) || !r.SkinLeft.IsZero() {
		t.Errorf("fund after %s skin left %s, want 200 and 0", r.FundAfter, r.SkinLeft)
	}
}

// Nasdaq Clearing, September 2018 shape: €7m of the CCP's capital and
// €107m of the survivors' fund, no assessments, nothing left over.
func TestNasdaq2018Shape(t *testing.T) {
	r, err := Run(Config{Scenario: "nasdaq2018"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	checkConservation(t, r)
	got := map[string]decimal.Decimal{}
	for _, l := range r.Draws {
		got[l.Layer] = l.Drawn
	}
	want := map[string]decimal.Decimal{
		backstop.StepDefaulterMargin:       d("300"),
		backstop.StepDefaulterContribution: d("3"),
		backstop.StepSkinInTheGame:         d("7"),
		backstop.StepSurvivorContributions: d("107"),
		backstop.StepAssessments:           d("0"),
		backstop.StepVMHaircut:             d("0"),
	}
	if diff := cmp.Diff(want, got, testkit.EquateDecimals); diff != "" {
		t.Errorf("draws (-want +got):\n%s", diff)
	}
	// "About two thirds" of the survivors' fund.
	share := got[backstop.StepSurvivorContributions].Mul(d("3"))
	if surv := r.FundBefore.Sub(d("3")); share.LessThan(surv.Mul(d("1.9"))) || share.GreaterThan(surv.Mul(d("2.1"))) {
		t.Errorf("survivors' draw %s is not about two thirds of %s", got[backstop.StepSurvivorContributions], surv)
	}
	replenished := decimal.Zero
	for _, p := range r.Replenished {
		replenished = replenished.Add(p.Amount)
	}
	if !replenished.Equal(d("107")) {
		t.Errorf("replenished %s, want 107", replenished)
	}
}

// A harsher loss exhausts the capped assessments and leaves a residual;
// with assessments off, the residual grows by what they paid.
func TestOverrides(t *testing.T) {
	tests := []struct {
		name          string
		cfg           Config
		assessments   string
		residual      string
		wantOverrides string
	}{
		{"loss 1000", Config{Loss: decimal.NewNullDecimal(d("1000"))}, "200", "340", "loss 1000"},
		{"loss 1000, no assessments", Config{Loss: decimal.NewNullDecimal(d("1000")), Multiple: decimal.NewNullDecimal(d("0"))}, "0", "540", "loss 1000, assessment multiple 0"},
		{"loss 100: the defaulter alone pays", Config{Loss: decimal.NewNullDecimal(d("100"))}, "0", "0", "loss 100"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Run(tc.cfg, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			checkConservation(t, r)
			var assess decimal.Decimal
			for _, l := range r.Draws {
				if l.Layer == backstop.StepAssessments {
					assess = l.Drawn
				}
			}
			if !assess.Equal(d(tc.assessments)) || !r.Residual.Equal(d(tc.residual)) {
				t.Errorf("assessments %s residual %s, want %s and %s", assess, r.Residual, tc.assessments, tc.residual)
			}
			if r.Overridden != tc.wantOverrides {
				t.Errorf("overridden %q, want %q", r.Overridden, tc.wantOverrides)
			}
		})
	}
}

// Bad configurations are errors, not panics.
func TestRunErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"unknown scenario": {Scenario: "lehman"},
		"negative loss":    {Loss: decimal.NewNullDecimal(d("-1"))},
		"loss below unit":  {Loss: decimal.NewNullDecimal(d("0.5"))},
		"negative cap":     {Multiple: decimal.NewNullDecimal(d("-1"))},
	} {
		if _, err := Run(cfg, io.Discard); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// Same inputs, same bytes: the output never depends on map order or time.
func TestDeterministic(t *testing.T) {
	for _, name := range ScenarioNames() {
		var a, b bytes.Buffer
		if _, err := Run(Config{Scenario: name}, &a); err != nil {
			t.Fatal(err)
		}
		if _, err := Run(Config{Scenario: name}, &b); err != nil {
			t.Fatal(err)
		}
		if a.String() != b.String() || a.Len() == 0 {
			t.Errorf("%s: output differs between runs or is empty", name)
		}
	}
}

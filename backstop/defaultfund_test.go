package backstop

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/testkit"
)

// issueFundSettings is the worked example of issue 6: defaulter D with a
// contribution of 50, own capital 10, survivors A 100, B 60, C 40, and
// assessments capped at 1× contribution.
func issueFundSettings() DefaultFundSettings {
	return DefaultFundSettings{
		Members: []MemberSpec{
			{ID: "D", Contribution: d("50")},
			{ID: "A", Contribution: d("100")},
			{ID: "B", Contribution: d("60")},
			{ID: "C", Contribution: d("40")},
		},
		SkinInTheGame: d("10"),
		Assessment:    AssessmentRule{Multiple: d("1")},
		Unit:          d("1"),
	}
}

type memberDraw struct {
	From   string
	Amount decimal.Decimal
}

func stepDraws(a Allocation) map[string][]memberDraw {
	out := map[string][]memberDraw{}
	for _, dr := range a.Draws {
		for _, m := range dr.Movements {
			out[dr.Layer] = append(out[dr.Layer], memberDraw{m.From, m.Amount})
		}
	}
	return out
}

// TestDefaultWaterfallIssueExample encodes issue 6's worked default
// waterfall in EMIR Art. 45 order (Regulation (EU) No 648/2012 Art. 45;
// assessments per ESMA EMIR Q&A 886): loss 500 → defaulter margin 200,
// defaulter contribution 50, skin in the game 10, survivors 100+60+40,
// assessments 20, 12, 8; residual 0.
func TestDefaultWaterfallIssueExample(t *testing.T) {
	tests := []struct {
		name     string
		def      Default
		steps    map[string]string
		members  map[string][]memberDraw
		residual string
	}{
		{
			name: "issue 6: loss 500 reaches assessments",
			def:  Default{ID: "2018-09", Member: "D", Loss: d("500"), Margin: d("200")},
			steps: map[string]string{StepDefaulterMargin: "200", StepDefaulterContribution: "50", StepSkinInTheGame: "10",
				StepSurvivorContributions: "200", StepAssessments: "40", StepVMHaircut: "0"},
			members: map[string][]memberDraw{
				StepDefaulterMargin:       {{"margin:D", d("200")}},
				StepDefaulterContribution: {{"contribution:D", d("50")}},
				StepSkinInTheGame:         {{"ccp:skin-in-the-game", d("10")}},
				StepSurvivorContributions: {{"contribution:A", d("100")}, {"contribution:B", d("60")}, {"contribution:C", d("40")}},
				StepAssessments:           {{"assessment:A", d("20")}, {"assessment:B", d("12")}, {"assessment:C", d("8")}},
			},
			residual: "0",
		},
		{
			name: "margin alone covers",
			def:  Default{ID: "small", Member: "D", Loss: d("150"), Margin: d("200")},
			steps: map[string]string{StepDefaulterMargin: "150", StepDefaulterContribution: "0", StepSkinInTheGame: "0",
				StepSurvivorContributions: "0", StepAssessments: "0", StepVMHaircut: "0"},
			members:  map[string][]memberDraw{StepDefaulterMargin: {{"margin:D", d("150")}}},
			residual: "0",
		},
		{
			name: "survivors partly: pro rata 100:60:40 of 50",
			def:  Default{ID: "mid", Member: "D", Loss: d("310"), Margin: d("200")},
			steps: map[string]string{StepDefaulterMargin: "200", StepDefaulterContribution: "50", StepSkinInTheGame: "10",
				StepSurvivorContributions: "50", StepAssessments: "0", StepVMHaircut: "0"},
			members: map[string][]memberDraw{
				StepDefaulterMargin:       {{"margin:D", d("200")}},
				StepDefaulterContribution: {{"contribution:D", d("50")}},
				StepSkinInTheGame:         {{"ccp:skin-in-the-game", d("10")}},
				StepSurvivorContributions: {{"contribution:A", d("25")}, {"contribution:B", d("15")}, {"contribution:C", d("10")}},
			},
			residual: "0",
		},
		{
			name: "beyond assessments: VM gains haircut then residual",
			def: Default{ID: "big", Member: "D", Loss: d("800"), Margin: d("200"),
				VariationGains: []Balance{{Account: "A", Amount: d("30")}, {Account: "C", Amount: d("10")}}},
			steps: map[string]string{StepDefaulterMargin: "200", StepDefaulterContribution: "50", StepSkinInTheGame: "10",
				StepSurvivorContributions: "200", StepAssessments: "200", StepVMHaircut: "40"},
			members: map[string][]memberDraw{
				StepDefaulterMargin:       {{"margin:D", d("200")}},
				StepDefaulterContribution: {{"contribution:D", d("50")}},
				StepSkinInTheGame:         {{"ccp:skin-in-the-game", d("10")}},
				StepSurvivorContributions: {{"contribution:A", d("100")}, {"contribution:B", d("60")}, {"contribution:C", d("40")}},
				StepAssessments:           {{"assessment:A", d("100")}, {"assessment:B", d("60")}, {"assessment:C", d("40")}},
				StepVMHaircut:             {{"vm-gains:A", d("30")}, {"vm-gains:C", d("10")}},
			},
			residual: "100",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewDefaultFund(issueFundSettings())
			if err != nil {
				t.Fatal(err)
			}
			a, err := f.Cover(t0, tc.def)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, dr := range a.Draws {
				got[dr.Layer] = dr.Drawn.String()
			}
			if diff := cmp.Diff(tc.steps, got); diff != "" {
				t.Errorf("steps (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.members, stepDraws(a), testkit.EquateDecimals); diff != "" {
				t.Errorf("member draws (-want +got):\n%s", diff)
			}
			if !a.Residual.Equal(d(tc.residual)) {
				t.Errorf("residual %s, want %s", a.Residual, tc.residual)
			}
			if err := CheckAllocation(a); err != nil {
				t.Error(err)
			}
			if err := f.CheckInvariants(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestDefaultFundOrderIsEMIR(t *testing.T) {
	f, _ := NewDefaultFund(issueFundSettings())
	a, _ := f.Cover(t0, Default{ID: "x", Member: "D", Loss: d("1"), Margin: d("0")})
	var order []string
	for _, dr := range a.Draws {
		order = append(order, dr.Layer)
	}
	want := []string{StepDefaulterMargin, StepDefaulterContribution, StepSkinInTheGame, StepSurvivorContributions, StepAssessments, StepVMHaircut}
	if diff := cmp.Diff(want, order); diff != "" {
		t.Error(diff)
	}
}

func TestDefaultFundBadInput(t *testing.T) {
	f, _ := NewDefaultFund(issueFundSettings())
	before, _ := json.Marshal(f.Snapshot())
	bad := []Default{
		{ID: "u", Member: "Z", Loss: d("1")},
		{ID: "n", Member: "D", Loss: d("-1")},
		{ID: "m", Member: "D", Loss: d("1"), Margin: d("-1")},
		{ID: "f", Member: "D", Loss: d("1.5")},
		{ID: "g", Member: "D", Loss: d("1"), VariationGains: []Balance{{Account: "D", Amount: d("1")}}},
		{ID: "g2", Member: "D", Loss: d("1"), VariationGains: []Balance{{Account: "A", Amount: d("1")}, {Account: "A", Amount: d("1")}}},
		{ID: "g3", Member: "D", Loss: d("1"), VariationGains: []Balance{{Account: "A", Amount: d("-1")}}},
	}
	for _, b := range bad {
		if _, err := f.Cover(t0, b); err == nil {
			t.Errorf("%s: no error", b.ID)
		}
	}
	after, _ := json.Marshal(f.Snapshot())
	if string(before) != string(after) {
		t.Errorf("bad input changed state")
	}
	if _, err := f.Cover(t0, Default{ID: "ok", Member: "D", Loss: d("1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Cover(t0, Default{ID: "again", Member: "D", Loss: d("1")}); !errors.Is(err, ErrInvalidInput) {
		t.Errorf("second default of D: %v", err)
	}
	settings := []DefaultFundSettings{
		{},
		{Members: []MemberSpec{{ID: ""}}},
		{Members: []MemberSpec{{ID: "A"}, {ID: "A"}}},
		{Members: []MemberSpec{{ID: "A", Contribution: d("-1")}}},
		{Members: []MemberSpec{{ID: "A"}}, SkinInTheGame: d("-1")},
		{Members: []MemberSpec{{ID: "A"}}, Assessment: AssessmentRule{Multiple: d("-1")}},
	}
	for i, s := range settings {
		if _, err := NewDefaultFund(s); err == nil {
			t.Errorf("settings %d accepted", i)
		}
	}
}

func TestDefaultFundFixedCapAssessments(t *testing.T) {
	s := issueFundSettings()
	s.Assessment = AssessmentRule{Fixed: d("15")}
	f, _ := NewDefaultFund(s)
	// 500 − 200 − 50 − 10 − 200 = 40 to assess; pro rata 20/12/8 but A is
	// capped at 15: water-filling gives A 15, and the excess 5 goes to B and
	// C 60:40 → B 15, C 10.
	a, err := f.Cover(t0, Default{ID: "fx", Member: "D", Loss: d("500"), Margin: d("200")})
	if err != nil {
		t.Fatal(err)
	}
	want := []memberDraw{{"assessment:A", d("15")}, {"assessment:B", d("15")}, {"assessment:C", d("10")}}
	if diff := cmp.Diff(want, stepDraws(a)[StepAssessments], testkit.EquateDecimals); diff != "" {
		t.Error(diff)
	}
}

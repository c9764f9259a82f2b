package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin"
)

// TestRelations checks the relations the program's table is meant to
// show, on the numbers it printed.
func TestRelations(t *testing.T) {
	var out bytes.Buffer
	rep, err := run(&out)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]line{}
	for _, l := range rep.Lines {
		by[l.Name] = l
		for _, fig := range []decimal.Decimal{l.StdInitial, l.StdMaint, l.PortInitial, l.PortMaint} {
			if !strings.Contains(out.String(), fig.StringFixed(2)) {
				t.Errorf("%s: %s not printed", l.Name, fig.StringFixed(2))
			}
		}
		if !strings.Contains(out.String(), l.Worst) || l.Worst == "" {
			t.Errorf("%s: driving scenario %q not printed", l.Name, l.Worst)
		}
		if l.PortInitial.Cmp(l.PortMaint) < 0 || l.StdInitial.Cmp(l.StdMaint) < 0 {
			t.Errorf("%s: initial below maintenance", l.Name)
		}
		if l.PortMaint.Cmp(l.WorstLoss) < 0 {
			t.Errorf("%s: portfolio maintenance %s below its worst scenario loss %s", l.Name, l.PortMaint, l.WorstLoss)
		}
	}
	// Portfolio maintenance − worst loss is the contingency: 600 USD
	// (0.6% × 100,000) per net short option, per strike with calls and
	// puts netted. Net short options: covered call 1, straddle 2, 5 calls
	// 5, hedged 5, whole book 1 + 2 + 5.
	for name, n := range map[string]int64{"covered call": 1, "short straddle": 2, "5 short calls": 5, "5 short calls, delta-hedged": 5, "whole book (lines 1, 2, 4)": 8} {
		want := decimal.NewFromInt(600 * n)
		if got := by[name].Contingency; !got.Equal(want) || !by[name].PortMaint.Sub(by[name].WorstLoss).Equal(want) {
			t.Errorf("%s: portfolio maint − worst loss %s, want contingency %s", name, got, want)
		}
	}
	if !strings.Contains(out.String(), "600 per net short option") || strings.Contains(out.String(), "extended moves at") {
		t.Error("caption: contingency line missing or extended coverage still called a move")
	}
	cc, naked, hedged := by["covered call"], by["5 short calls"], by["5 short calls, delta-hedged"]
	// A naked short needs more by portfolio (the full +16% loss) than by
	// the standard flat rate: the line the program explains.
	if naked.PortMaint.Cmp(naked.StdMaint) <= 0 {
		t.Errorf("5 short calls: portfolio %s not above standard %s", naked.PortMaint, naked.StdMaint)
	}
	if cc.PortMaint.Cmp(cc.StdMaint) >= 0 {
		t.Errorf("covered call: portfolio %s not below position-by-position %s", cc.PortMaint, cc.StdMaint)
	}
	if hedged.Delta.Abs().Cmp(naked.Delta.Abs()) >= 0 {
		t.Errorf("hedge did not cut delta: %s vs %s", hedged.Delta, naked.Delta)
	}
	if hedged.PortMaint.Cmp(naked.PortMaint) >= 0 {
		t.Errorf("hedge did not lower the portfolio requirement: %s vs %s", hedged.PortMaint, naked.PortMaint)
	}
	if hedged.StdMaint.Cmp(naked.StdMaint) <= 0 {
		t.Errorf("position by position, the hedge should add its own margin: %s vs %s", hedged.StdMaint, naked.StdMaint)
	}
	whole := rep.Lines[len(rep.Lines)-1]
	parts := cc.PortMaint.Add(by["short straddle"].PortMaint).Add(hedged.PortMaint)
	if whole.PortMaint.Cmp(parts) > 0 {
		t.Errorf("whole book %s above the sum of its lines %s", whole.PortMaint, parts)
	}
	stdParts := cc.StdMaint.Add(by["short straddle"].StdMaint).Add(hedged.StdMaint)
	if !whole.StdMaint.Equal(stdParts) {
		t.Errorf("position by position is additive: whole %s, lines %s", whole.StdMaint, stdParts)
	}
}

// TestFlow checks the account section: the riskier order is refused and
// the hedge accepted below initial margin by the what-if requirement;
// after the fall the account is liquidatable, the liquidation engine
// plans one order on the whole book, and executing it leaves the account
// at least at the engine's 1.1 target health.
func TestFlow(t *testing.T) {
	var out bytes.Buffer
	rep, err := run(&out)
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Flow
	if f.Before.InitialCollateralised || f.Before.Liquidatable {
		t.Fatalf("setup: want between maintenance and initial, got %+v", f.Before)
	}
	if f.More.Accepted {
		t.Errorf("riskier order accepted: %v", f.More.Reason)
	}
	if f.Hedge.Reason != margin.ReasonNotRiskier || f.Hedge.After.InitialCollateralised || f.Hedge.After.Maintenance.Cmp(f.Hedge.Before.Maintenance) >= 0 {
		t.Errorf("hedge: %v, maintenance %s → %s, collateralised after %v", f.Hedge.Reason, f.Hedge.Before.Maintenance, f.Hedge.After.Maintenance, f.Hedge.After.InitialCollateralised)
	}
	if !f.Crash.Liquidatable || len(f.Plan.Orders) != 1 || f.Plan.Orders[0].Market != "BTC-OPTIONS" {
		t.Fatalf("crash: liquidatable %v, plan %+v", f.Crash.Liquidatable, f.Plan)
	}
	if f.After.Liquidatable || f.After.Equity.Cmp(f.After.Maintenance.Mul(decimal.RequireFromString("1.1"))) < 0 {
		t.Errorf("after the plan: equity %s, maintenance %s (want health ≥ 1.1)", f.After.Equity, f.After.Maintenance)
	}
	for _, s := range []string{"refused", "accepted (not riskier)", "join.OptionsAccount", "liquidatable false"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("output lacks %q", s)
		}
	}
}

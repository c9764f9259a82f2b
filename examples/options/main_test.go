package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
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
	cc, naked, hedged := by["covered call"], by["5 short calls"], by["5 short calls, delta-hedged"]
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

package portfolio

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/internal/num"
)

// ProductGroup is an OCC TIMS product group: two or more class groups
// (here, Underlying.Group: an underlying with its options and futures,
// scanned together with full offset) whose theoretical gains at a
// scenario offset the losses of the other class groups at the same
// scenario, but only up to Offset of the gains. Source: OCC, "Theoretical
// Intermarket Margin System (TIMS) Methodology — Risk Based Haircuts and
// Customer Portfolio Margin User Guide", version 1.13 (November 2021),
// product group parameters; the levels as FINRA Rule 4210(g) and SEC Rule
// 15c3-1a use them: within a class group 100% of gains offset losses,
// within a product group a percentage set by OCC per product group, and
// none across product groups. OCC publishes the percentages in its
// product group parameter files, not in the guide; set Offset from them.
//
// At each scenario s the product group's loss is
//
//	Σ over its class groups g of  loss_g(s)           when loss_g(s) > 0
//	                              Offset × loss_g(s)  when it is a gain (< 0)
//
// and its scan risk is max(0, worst of those). With Offset 1 that is the
// worst of the class groups' summed losses (full netting); with 0 it is
// the worst sum of their losses alone; it never exceeds the sum of the
// class groups' own scan risks (Credit ≥ 0) nor falls below the worst
// summed loss.
type ProductGroup struct {
	// Name labels the product group in results; unique, not empty.
	Name string `json:"name"`
	// Groups are the class groups (Underlying.Group) it joins: at least
	// two, each listed, each in at most one product group and in no
	// InterCommodity credit (a SPAN credit and a TIMS offset on the same
	// pair would count the hedge twice).
	Groups []string `json:"groups"`
	// Offset is the fraction of a class group's gain that offsets the
	// others' losses at the same scenario, in [0, 1].
	Offset decimal.Decimal `json:"offset"`
}

// ProductGroupResult is one product group's requirement.
type ProductGroupResult struct {
	// Name is the product group's name.
	Name string `json:"name"`
	// Groups are the member class groups the book holds, in the order of
	// the product group's Groups.
	Groups []string `json:"groups"`
	// Losses are the product group's losses per scenario (gains of each
	// class group credited at Offset), each rounded up.
	Losses []decimal.Decimal `json:"losses"`
	// Worst is the index of the worst scenario (first on a tie), −1 when
	// none loses.
	Worst int `json:"worst"`
	// WorstScenario is that scenario's name ("" when Worst is −1).
	WorstScenario string `json:"worst_scenario"`
	// ScanRisk is max(0, largest loss), rounded up.
	ScanRisk decimal.Decimal `json:"scan_risk"`
	// Credit is Σ the member groups' ScanRisk − ScanRisk (≥ 0): what the
	// offset saves against margining each class group alone.
	Credit decimal.Decimal `json:"credit"`
	// Requirement is max(ScanRisk + Σ members' InterMonth, Σ members'
	// ShortOptionMinimum). It replaces the members' own requirements in
	// Result.Maintenance.
	Requirement decimal.Decimal `json:"requirement"`
}

// maxProductGroups bounds AddOns.ProductGroups.
const maxProductGroups = 10_000

// validateProductGroups checks the product groups against the listed
// groups and returns each group's product group (−1: none).
func (a *AddOns) validateProductGroups(groups map[string]int) ([]int, error) {
	if len(a.ProductGroups) > maxProductGroups {
		return nil, fmt.Errorf("%w: %d product groups (at most %d)", ErrInvalidSettings, len(a.ProductGroups), maxProductGroups)
	}
	pgOf := make([]int, len(groups))
	for i := range pgOf {
		pgOf[i] = -1
	}
	inIC := map[string]bool{}
	for _, c := range a.InterCommodity {
		inIC[c.A], inIC[c.B] = true, true
	}
	names := map[string]bool{}
	a.ProductGroups = append([]ProductGroup(nil), a.ProductGroups...)
	for i := range a.ProductGroups {
		p := &a.ProductGroups[i]
		p.Groups = append([]string(nil), p.Groups...)
		if p.Name == "" || names[p.Name] {
			return nil, fmt.Errorf("%w: product group %d: name %q empty or listed twice", ErrInvalidSettings, i, p.Name)
		}
		names[p.Name] = true
		if len(p.Groups) < 2 || len(p.Groups) > len(groups) {
			return nil, fmt.Errorf("%w: product group %q: %d class groups (at least two listed groups)", ErrInvalidSettings, p.Name, len(p.Groups))
		}
		if err := num.CheckNonNegative(p.Offset); err != nil {
			return nil, fmt.Errorf("%w: product group %q offset: %w", ErrInvalidSettings, p.Name, err)
		}
		if p.Offset.Cmp(decimal.NewFromInt(1)) > 0 {
			return nil, fmt.Errorf("%w: product group %q: offset %s above 1", ErrInvalidSettings, p.Name, p.Offset)
		}
		for _, g := range p.Groups {
			gi, ok := groups[g]
			if !ok {
				return nil, fmt.Errorf("%w: product group %q: group %q not listed", ErrInvalidSettings, p.Name, g)
			}
			if pgOf[gi] >= 0 {
				return nil, fmt.Errorf("%w: group %q in two product groups (or twice in %q)", ErrInvalidSettings, g, p.Name)
			}
			if inIC[g] {
				return nil, fmt.Errorf("%w: group %q is in product group %q and in an inter-commodity credit", ErrInvalidSettings, g, p.Name)
			}
			pgOf[gi] = i
		}
	}
	return pgOf, nil
}

// productGroups computes the product groups the book holds from each
// held group's exact scenario losses (loss[g], nil when not held) and
// results (by group index), in AddOns.ProductGroups order.
func (e *Engine) productGroups(loss [][]decimal.Decimal, byGroup []*GroupResult) []ProductGroupResult {
	var out []ProductGroupResult
	n := len(e.sc)
	for pi, p := range e.addOns.ProductGroups {
		var members []int
		for _, name := range p.Groups {
			g := e.groupIdx[name]
			if loss[g] != nil {
				members = append(members, g)
			}
		}
		if len(members) == 0 {
			continue
		}
		pr := ProductGroupResult{Name: e.addOns.ProductGroups[pi].Name, Losses: make([]decimal.Decimal, n), Worst: -1}
		worst := decimal.Zero
		for s := range n {
			l := decimal.Zero
			for _, g := range members {
				if x := loss[g][s]; x.Sign() > 0 {
					l = l.Add(x)
				} else {
					l = l.Add(x.Mul(p.Offset))
				}
			}
			pr.Losses[s] = num.Round(l, e.scale, num.Ceil)
			if l.Cmp(worst) > 0 {
				worst, pr.Worst = l, s
			}
		}
		if pr.Worst >= 0 {
			pr.WorstScenario = e.grid.Scenarios[pr.Worst].Name
		}
		pr.ScanRisk = num.Round(worst, e.scale, num.Ceil)
		sumScan, interMonth, som := decimal.Zero, decimal.Zero, decimal.Zero
		for _, g := range members {
			gr := byGroup[g]
			pr.Groups = append(pr.Groups, gr.Group)
			sumScan = sumScan.Add(gr.ScanRisk)
			interMonth = interMonth.Add(gr.InterMonth)
			som = som.Add(gr.ShortOptionMinimum)
		}
		// Each member's ScanRisk is its worst loss rounded up and the
		// product group's worst is at most their sum: the credit is ≥ 0.
		pr.Credit = decimal.Max(sumScan.Sub(pr.ScanRisk), decimal.Zero)
		pr.Requirement = decimal.Max(pr.ScanRisk.Add(interMonth), som)
		out = append(out, pr)
	}
	return out
}

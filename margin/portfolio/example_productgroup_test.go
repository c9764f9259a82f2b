package portfolio_test

import (
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin/portfolio"
)

// Two TIMS class groups with published-style risk arrays (gains
// positive) over a three-point grid: A loses 100 where B gains 80, gains
// 50 where B loses 60, gains 200 where B loses 150. In one product group
// at a 75% offset, each scenario credits 75% of the gaining group's gain
// against the other's loss.
func ExampleProductGroup() {
	dec := decimal.RequireFromString
	arr := func(ss ...string) []decimal.Decimal {
		out := make([]decimal.Decimal, len(ss))
		for i, s := range ss {
			out[i] = dec(s)
		}
		return out
	}
	e, err := portfolio.New(portfolio.Settings{
		Underlyings: []portfolio.Underlying{{ID: "A", ScanFraction: dec("0.1")}, {ID: "B", ScanFraction: dec("0.1")}},
		Instruments: []portfolio.Instrument{
			{ID: "a", Underlying: "A", Kind: portfolio.RiskArray, ContractSize: dec("1"), Array: arr("-100", "50", "200")},
			{ID: "b", Underlying: "B", Kind: portfolio.RiskArray, ContractSize: dec("1"), Array: arr("80", "-60", "-150")},
		},
		Grid:   portfolio.TIMS(3),
		AddOns: portfolio.AddOns{ProductGroups: []portfolio.ProductGroup{{Name: "AB", Groups: []string{"A", "B"}, Offset: dec("0.75")}}},
		Scale:  2,
	})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	r, err := e.Requirement(now, []portfolio.Position{{Instrument: "a", Size: dec("1")}, {Instrument: "b", Size: dec("1")}},
		portfolio.Marks{Prices: map[string]decimal.Decimal{"A": dec("100"), "B": dec("100")}})
	if err != nil {
		panic(err)
	}
	for _, g := range r.Groups {
		fmt.Printf("class group %s alone: %s\n", g.Group, g.ScanRisk)
	}
	p := r.ProductGroups[0]
	fmt.Printf("product group %s: losses %v, scan risk %s (credit %s)\n", p.Name, p.Losses, p.ScanRisk, p.Credit)
	fmt.Printf("maintenance %s\n", r.Maintenance)
	// Output:
	// class group A alone: 100
	// class group B alone: 150
	// product group AB: losses [40 22.5 0], scan risk 40 (credit 210)
	// maintenance 40
}

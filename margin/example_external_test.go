package margin_test

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/failsafe-fi/failsafe/margin"
)

// An account margined by another engine (a portfolio of options, say)
// gets the Calculator's predicates from AccountRiskOf, and an order is
// judged by Transition on the risk before and after it: below initial
// margin, an order that lowers maintenance and does not lower equity /
// maintenance is accepted; one that raises maintenance is not.
func ExampleTransition() {
	dec := decimal.RequireFromString
	before := margin.AccountRiskOf(dec("1100"), dec("1300"), dec("1000"))
	fmt.Printf("before: liquidatable %v, initially collateralised %v\n", before.Liquidatable, before.InitialCollateralised)
	hedge := margin.AccountRiskOf(dec("1100"), dec("1170"), dec("900"))
	riskier := margin.AccountRiskOf(dec("1090"), dec("1560"), dec("1200"))
	fmt.Println("hedge:", margin.Transition(before, hedge))
	fmt.Println("riskier:", margin.Transition(before, riskier))
	// Output:
	// before: liquidatable false, initially collateralised false
	// hedge: not riskier
	// riskier: still undercollateralised
}
